//! The status bar: the pixel under the cursor, the zoom, and the last message.

use crate::gui::app::ExplorerApp;

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            match app.readout {
                Some(r) => {
                    let view = r.side.map_or("Difference", |s| s.name());
                    ui.monospace(format!(
                        "{view} · x {:>4} y {:>4} · RGB {:>3} {:>3} {:>3}",
                        r.x, r.y, r.rgba[0], r.rgba[1], r.rgba[2]
                    ));
                }
                None => {
                    ui.weak("Move over an image to read its pixels");
                }
            }
            ui.separator();
            ui.weak(if app.zoom.fit { "zoom: fit".to_string() } else { format!("zoom ×{:.2}", app.zoom.scale) });
            if let Some(m) = &app.message {
                ui.separator();
                ui.label(m);
            }
        });
    });
}
