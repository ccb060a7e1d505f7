//! One temporary folder per test, removed when the test ends (also when it fails), so that test
//! runs do not pile folders up in the system's temp folder. Shared by `common` and `gui_support`.

use std::path::{Path, PathBuf};

/// A temporary folder, removed (with everything in it) when dropped. Reads as a `Path`.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh folder `stylescope-<name>-<pid>` in the system's temp folder (empty: a leftover of
/// the same name is removed first).
pub fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("stylescope-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}
