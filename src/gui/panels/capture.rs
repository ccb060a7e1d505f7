//! Capture section: the output folder, save the image or the side-by-side composite, copy.

use std::path::PathBuf;

use crate::gui::app::ExplorerApp;
use crate::gui::command::Command;

pub const FOLDER: &str = "Folder";

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    ui.horizontal(|ui| {
        let label = ui.label(FOLDER);
        let mut text = app.settings.capture_dir.display().to_string();
        if ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(ui.available_width()))
            .labelled_by(label.id)
            .changed()
        {
            app.settings.capture_dir = PathBuf::from(text);
        }
    });
    let side = app.active;
    let has_image = app.view(side).has_image();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(has_image, egui::Button::new("Save image"))
            .on_hover_text("Next NNNNN.png in the folder (Ctrl+S)")
            .clicked()
        {
            app.queue(Command::SaveImage(side));
        }
        let any = app.shown_sides().iter().any(|s| app.view(*s).has_image());
        if ui
            .add_enabled(any && app.settings.compare, egui::Button::new("Save side by side"))
            .on_hover_text("Left | right (| difference) as one PNG (Ctrl+Shift+S)")
            .clicked()
        {
            app.queue(Command::SaveComposite);
        }
        if ui.button("Save window").on_hover_text("The whole window as it looks, as a PNG").clicked() {
            app.queue(Command::SaveWindow);
        }
        if ui
            .add_enabled(has_image, egui::Button::new("Copy"))
            .on_hover_text("Copy the image to the clipboard (Ctrl+Shift+C)")
            .clicked()
        {
            app.queue(Command::CopyImage(side));
        }
    });
}
