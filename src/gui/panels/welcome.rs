//! The welcome view: shown when nothing is open; says how to open a network.

use crate::gui::app::ExplorerApp;
use crate::gui::command::Command;
use crate::gui::side::Side;

pub const TITLE: &str = "Welcome to stylescope";

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    ui.vertical_centered(|ui| {
        ui.add_space((ui.available_height() * 0.2).min(120.0));
        ui.heading(TITLE);
        ui.add_space(8.0);
        ui.label("Explore StyleGAN2 and StyleGAN3 generators in real time, side by side.");
        ui.add_space(16.0);
        ui.label("Open a network — NVIDIA's .pkl or stylescope's .safetensors:");
        ui.label("• File > Open… (Ctrl+O)");
        ui.label("• drop a file onto this window");
        ui.label("• type or paste its path into the Path field on the left and press Enter (Ctrl+L)");
        ui.label("• or start with files: stylescope left.pkl right.pkl");
        let recent = app.settings.recent.clone();
        if !recent.is_empty() {
            ui.add_space(16.0);
            ui.strong("Recent files");
            for path in recent.into_iter().take(8) {
                if ui.link(path.display().to_string()).clicked() {
                    app.queue(Command::Open { side: Side::Left, path });
                }
            }
        }
        ui.add_space(16.0);
        ui.weak("Help > Keyboard shortcuts (F1)");
    });
}
