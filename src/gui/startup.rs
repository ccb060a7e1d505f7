//! How the window starts: which engine opens files, how files are picked, and which files open
//! first (command-line files, else the built-in models in `assets/`, else the last session's
//! files, else the welcome view).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::gui::settings::Settings;
use crate::jobs::EngineLoader;

/// Asks the user for a file (a native dialog); runs off the UI thread.
pub type PickFile = Arc<dyn Fn() -> Option<PathBuf> + Send + Sync>;

/// Everything the window is built from. Tests pass their own loader and settings and never a
/// native dialog.
#[derive(Clone)]
pub struct AppOptions {
    /// Files from the command line (left, right).
    pub files: Vec<PathBuf>,
    /// Opens files on the render workers.
    pub loader: Arc<dyn EngineLoader>,
    /// Settings to start from; `None`: the persisted ones (eframe storage), else defaults.
    pub settings: Option<Settings>,
    /// Folder of built-in models (`*.safetensors`); `None`: none.
    pub assets_dir: Option<PathBuf>,
    /// The "Open…" dialog; `None`: no dialog (the path field and drag and drop still work).
    pub pick_file: Option<PickFile>,
    /// Offer the GPU engine (on the window's wgpu device) next to `loader`, which is then the
    /// CPU engine; the settings choose between them. Off: `loader` opens every file.
    pub gpu_engine: bool,
}

impl std::fmt::Debug for AppOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppOptions")
            .field("files", &self.files)
            .field("assets_dir", &self.assets_dir)
            .field("has_pick_file", &self.pick_file.is_some())
            .finish_non_exhaustive()
    }
}

impl AppOptions {
    /// Options with this loader, no files, default settings, no assets and no dialog.
    pub fn new(loader: Arc<dyn EngineLoader>) -> Self {
        Self {
            files: Vec::new(),
            loader,
            settings: Some(Settings::default()),
            assets_dir: None,
            pick_file: None,
            gpu_engine: false,
        }
    }
}

/// Where the first files came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartSource {
    CommandLine,
    Assets,
    LastSession,
    /// Nothing to open: the welcome view.
    Welcome,
}

/// The files to open at start, left and right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Startup {
    pub source: StartSource,
    pub left: Option<PathBuf>,
    pub right: Option<PathBuf>,
}

/// The built-in models: `*.safetensors` in `dir`, sorted by name.
pub fn builtin_models(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "safetensors"))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Decides what opens first.
pub fn startup(files: &[PathBuf], assets_dir: Option<&Path>, settings: &Settings) -> Startup {
    let pair = |v: &[PathBuf], source| Startup { source, left: v.first().cloned(), right: v.get(1).cloned() };
    if !files.is_empty() {
        return pair(files, StartSource::CommandLine);
    }
    if let Some(dir) = assets_dir {
        let models = builtin_models(dir);
        if !models.is_empty() {
            return pair(&models, StartSource::Assets);
        }
    }
    let session: Vec<PathBuf> = settings.session.iter().flatten().filter(|p| p.is_file()).cloned().collect();
    if !session.is_empty() {
        let [l, r] = &settings.session;
        return Startup {
            source: StartSource::LastSession,
            left: l.clone().filter(|p| p.is_file()),
            right: r.clone().filter(|p| p.is_file()),
        };
    }
    Startup { source: StartSource::Welcome, left: None, right: None }
}

/// The default folder of built-in models: `assets/` in the working directory, else beside the
/// executable.
pub fn default_assets_dir() -> Option<PathBuf> {
    let here = PathBuf::from("assets");
    if here.is_dir() {
        return Some(here);
    }
    let exe = std::env::current_exe().ok()?;
    let beside = exe.parent()?.join("assets");
    beside.is_dir().then_some(beside)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn files_then_assets_then_session_then_welcome() {
        let dir = std::env::temp_dir().join(format!("stylescope-startup-test-{}", std::process::id()));
        let assets = dir.join("assets");
        std::fs::create_dir_all(&assets).unwrap();
        let old = dir.join("old.pkl");
        std::fs::write(&old, b"x").unwrap();
        let settings = Settings { session: [Some(old.clone()), Some(dir.join("gone.pkl"))], ..Default::default() };

        let s = startup(&[PathBuf::from("a.pkl"), PathBuf::from("b.pkl")], Some(&assets), &settings);
        assert_eq!(
            (s.source, s.left.as_deref(), s.right.as_deref()),
            (StartSource::CommandLine, Some(Path::new("a.pkl")), Some(Path::new("b.pkl")))
        );

        let s = startup(&[], Some(&assets), &settings);
        assert_eq!((s.source, s.left, s.right), (StartSource::LastSession, Some(old.clone()), None));

        std::fs::write(assets.join("sg3.safetensors"), b"x").unwrap();
        std::fs::write(assets.join("sg2.safetensors"), b"x").unwrap();
        std::fs::write(assets.join("README.md"), b"x").unwrap();
        let s = startup(&[], Some(&assets), &settings);
        assert_eq!(s.source, StartSource::Assets);
        assert_eq!((s.left, s.right), (Some(assets.join("sg2.safetensors")), Some(assets.join("sg3.safetensors"))));

        let s = startup(&[], None, &Settings::default());
        assert_eq!(s, Startup { source: StartSource::Welcome, left: None, right: None });
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
