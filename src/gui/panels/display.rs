//! Display section: filtering, zoom, and the difference view.

use crate::gui::app::ExplorerApp;
use crate::gui::command::Command;

pub const DIFFERENCE: &str = "Difference view";

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    ui.horizontal(|ui| {
        let mut nearest = app.settings.nearest;
        let a = ui.radio_value(&mut nearest, true, "Nearest").on_hover_text("Pixel-exact magnification (N)");
        let b = ui.radio_value(&mut nearest, false, "Linear").on_hover_text("Smooth magnification (N)");
        if a.changed() || b.changed() {
            app.queue(Command::SetNearest(nearest));
        }
        let zoom = if app.zoom.fit { "fit".to_string() } else { format!("×{:.2}", app.zoom.scale) };
        if ui.button("Zoom to fit").on_hover_text("Also: F, or double-click the image").clicked() {
            app.queue(Command::ZoomFit);
        }
        ui.weak(format!("zoom {zoom}"));
    });
    let compare = app.settings.compare;
    ui.add_enabled_ui(compare, |ui| {
        ui.horizontal(|ui| {
            let mut show = app.settings.show_difference;
            if ui.checkbox(&mut show, DIFFERENCE).on_hover_text("Per-pixel |left − right| heatmap (D)").changed() {
                app.queue(Command::SetDifference(show));
            }
            ui.checkbox(&mut app.settings.normalize_difference, "Normalize")
                .on_hover_text("Scale the heatmap so that the largest difference is the brightest colour");
        });
    })
    .response
    .on_disabled_hover_text("Turn on Compare to see a difference view");
}
