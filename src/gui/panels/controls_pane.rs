//! The left control pane: network, latent, style mix, truncation and noise, equivariance,
//! display, performance and capture sections (the visualizer's collapsing headers).

use egui::{CollapsingHeader, ScrollArea};

use crate::gui::app::ExplorerApp;
use crate::gui::panels;

/// The Directions section's header (closed at start).
pub const DIRECTIONS: &str = "Directions";

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    egui::Panel::left("controls").resizable(true).default_size(app.settings.controls_width).min_size(300.0).show(
        ui,
        |ui| {
            ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                section(ui, "Network", |ui| panels::network::show(ui, app));
                section(ui, "Latent", |ui| panels::latent::show(ui, app));
                section(ui, "Style mix", |ui| panels::stylemix::show(ui, app));
                // Closed until wanted, so the everyday controls below keep their place.
                CollapsingHeader::new(DIRECTIONS)
                    .default_open(false)
                    .show(ui, |ui| crate::gui::directions::panel::show(ui, app));
                section(ui, "Truncation & noise", |ui| panels::trunc_noise::show(ui, app));
                section(ui, "Equivariance", |ui| panels::equivariance::show(ui, app));
                section(ui, "Display", |ui| panels::display::show(ui, app));
                section(ui, "Performance", |ui| panels::performance::show(ui, app));
                section(ui, "Capture", |ui| panels::capture::show(ui, app));
            });
        },
    );
}

fn section(ui: &mut egui::Ui, title: &str, body: impl FnOnce(&mut egui::Ui)) {
    CollapsingHeader::new(title).default_open(true).show(ui, body);
}
