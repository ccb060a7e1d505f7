//! The window's panels, one per file. Each `show` draws into the given `Ui` and edits the app
//! state directly or queues [`crate::gui::command::Command`]s.

pub mod analysis_menu;
pub mod capture;
pub mod controls_pane;
pub mod display;
pub mod engine;
pub mod equivariance;
pub mod help;
pub mod jobs;
pub mod latent;
pub mod menu_bar;
pub mod network;
pub mod performance;
pub mod results_folder;
pub mod results_table;
pub mod status_bar;
pub mod sticking;
pub mod stylemix;
pub mod trunc_noise;
pub mod views;
pub mod welcome;

use crate::gui::app::ExplorerApp;
use crate::jobs::request::NetworkInfo;

/// The networks the control pane currently drives: both shown views when linked, else the
/// active one (only loaded ones).
pub fn driven_networks(app: &ExplorerApp) -> Vec<NetworkInfo> {
    let sides = if app.settings.linked { app.shown_sides() } else { vec![app.active] };
    sides.iter().filter_map(|s| app.view(*s).info().cloned()).collect()
}

/// The body font height, used to scale drags as the visualizer does.
pub fn font_size(ui: &egui::Ui) -> f64 {
    f64::from(ui.text_style_height(&egui::TextStyle::Body))
}
