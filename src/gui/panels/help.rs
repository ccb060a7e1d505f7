//! The keyboard-shortcut window (Help → Keyboard shortcuts, F1).

use crate::gui::app::ExplorerApp;
use crate::gui::shortcuts::{SHORTCUTS, keys_text};

pub const TITLE: &str = "Keyboard shortcuts";

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let mut open = app.help_open;
    egui::Window::new(TITLE).open(&mut open).resizable(false).collapsible(false).show(ui.ctx(), |ui| {
        egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
            for s in SHORTCUTS {
                ui.monospace(keys_text(s));
                ui.label(s.description);
                ui.end_row();
            }
            ui.monospace("drag");
            ui.label("Move on the seed plane (left button on an image)");
            ui.end_row();
            ui.monospace("wheel / right-drag");
            ui.label("Zoom about the cursor / pan; double-click fits again");
            ui.end_row();
        });
        ui.weak("Keys without Ctrl act while no text field has the keyboard.");
    });
    app.help_open = open;
}
