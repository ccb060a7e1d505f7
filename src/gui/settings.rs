//! What the window remembers between sessions (eframe storage, key [`Settings::KEY`]): recent
//! files, the last session's files, layout, control values and display options. The window size
//! is persisted by eframe itself.

use std::path::{Path, PathBuf};

use crate::gui::analysis_options::AnalysisOptions;
use crate::gui::controls::Controls;
use crate::jobs::engine_switch::EngineChoice;

/// How many recent files are kept.
pub const MAX_RECENT: usize = 12;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// The files open in the left and right views when the window closed.
    pub session: [Option<PathBuf>; 2],
    pub compare: bool,
    pub linked: bool,
    pub show_difference: bool,
    pub normalize_difference: bool,
    pub nearest: bool,
    /// Controls shared by linked views, and each view's own controls.
    pub shared: Controls,
    pub own: [Controls; 2],
    pub capture_dir: PathBuf,
    pub controls_width: f32,
    /// The engine that renders the views (GPU when the window can run it, else the CPU).
    pub engine: EngineChoice,
    /// How the Analysis menu runs metrics.
    pub analysis: AnalysisOptions,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            recent: Vec::new(),
            session: [None, None],
            compare: false,
            linked: true,
            show_difference: false,
            normalize_difference: true,
            nearest: true,
            shared: Controls::default(),
            own: [Controls::default(), Controls::default()],
            capture_dir: PathBuf::from("captures"),
            controls_width: 380.0,
            engine: EngineChoice::Gpu,
            analysis: AnalysisOptions::default(),
        }
    }
}

impl Settings {
    /// The eframe storage key.
    pub const KEY: &'static str = "stylescope.settings";

    /// Puts `path` first in the recent list (no duplicates, at most [`MAX_RECENT`]).
    pub fn add_recent(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(MAX_RECENT);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn recent_list_is_unique_most_recent_first_and_bounded() {
        let mut s = Settings::default();
        for i in 0..20 {
            s.add_recent(Path::new(&format!("n{i}.pkl")));
        }
        s.add_recent(Path::new("n15.pkl"));
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.recent[0], PathBuf::from("n15.pkl"));
        assert_eq!(s.recent[1], PathBuf::from("n19.pkl"));
        assert_eq!(s.recent.iter().filter(|p| **p == Path::new("n15.pkl")).count(), 1);
    }

    #[test]
    fn round_trips_through_json_and_tolerates_missing_fields() {
        let mut s = Settings { compare: true, linked: false, ..Default::default() };
        s.shared.plane.set_seed(42);
        s.own[1].psi = 0.5;
        let text = serde_json::to_string(&s).unwrap();
        let back: Settings = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
        let partial: Settings = serde_json::from_str(r#"{"compare": true}"#).unwrap();
        assert!(partial.compare && partial.linked);
    }
}
