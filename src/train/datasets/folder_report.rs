//! What converting a folder of photos did.

use std::path::PathBuf;

/// The outcome of [`super::folder::convert_folder`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderReport {
    /// Images written to the archive.
    pub written: usize,
    /// Files that looked like images but could not be read, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}
