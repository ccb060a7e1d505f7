//! The menu bar: File, View, Analysis, Help.

use crate::gui::app::ExplorerApp;
use crate::gui::command::Command;
use crate::gui::side::Side;

fn item(ui: &mut egui::Ui, text: &str, shortcut: &str, enabled: bool) -> bool {
    ui.add_enabled(enabled, egui::Button::new(text).shortcut_text(shortcut)).clicked()
}

/// A menu entry that shows whether it is on.
fn toggle(ui: &mut egui::Ui, text: &str, shortcut: &str, on: bool, enabled: bool) -> bool {
    ui.add_enabled(enabled, egui::Button::selectable(on, text).shortcut_text(shortcut)).clicked()
}

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    egui::Panel::top("menu").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| file_menu(ui, app));
            ui.menu_button("View", |ui| view_menu(ui, app));
            crate::gui::panels::analysis_menu::show(ui, app);
            ui.menu_button("Help", |ui| {
                if item(ui, "Keyboard shortcuts", "F1", true) {
                    app.queue(Command::ShowHelp(true));
                }
                ui.label(format!("stylescope {}", env!("CARGO_PKG_VERSION")));
            });
        });
    });
}

fn file_menu(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    if item(ui, "Open…", "Ctrl+O", true) {
        app.queue(Command::OpenDialog(app.active));
    }
    if item(ui, "Open in right view…", "", true) {
        app.queue(Command::OpenDialog(Side::Right));
    }
    if item(ui, "Type or paste a path", "Ctrl+L", true) {
        app.queue(Command::FocusPath);
    }
    let recent = app.settings.recent.clone();
    ui.add_enabled_ui(!recent.is_empty(), |ui| {
        ui.menu_button("Recent files", |ui| {
            for path in recent {
                ui.horizontal(|ui| {
                    if ui.button(path.display().to_string()).clicked() {
                        app.queue(Command::Open { side: app.active, path: path.clone() });
                    }
                    if ui.small_button("in right view").on_hover_text("Open in the right view").clicked() {
                        app.queue(Command::Open { side: Side::Right, path });
                    }
                });
            }
        });
    });
    ui.separator();
    for side in Side::BOTH {
        if item(ui, &format!("Close {} view", side.name().to_lowercase()), "", app.view(side).path().is_some()) {
            app.queue(Command::Close(side));
        }
    }
    ui.separator();
    if item(ui, "Train…", "", true) {
        app.train.open_dialog();
    }
    ui.separator();
    let has_image = app.view(app.active).has_image();
    if item(ui, "Save image", "Ctrl+S", has_image) {
        app.queue(Command::SaveImage(app.active));
    }
    if item(ui, "Save side by side", "Ctrl+Shift+S", app.settings.compare) {
        app.queue(Command::SaveComposite);
    }
    if item(ui, "Save window", "", true) {
        app.queue(Command::SaveWindow);
    }
    if item(ui, "Copy image", "Ctrl+Shift+C", has_image) {
        app.queue(Command::CopyImage(app.active));
    }
    ui.separator();
    if item(ui, "Quit", "Ctrl+Q", true) {
        app.queue(Command::Quit);
    }
}

fn view_menu(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let s = &app.settings;
    let (compare, linked, diff, nearest) = (s.compare, s.linked, s.show_difference, s.nearest);
    if toggle(ui, "Compare", "C", compare, true) {
        app.queue(Command::SetCompare(!compare));
    }
    if toggle(ui, "Link controls", "K", linked, compare) {
        app.queue(Command::SetLinked(!linked));
    }
    if toggle(ui, "Difference view", "D", diff, compare) {
        app.queue(Command::SetDifference(!diff));
    }
    if toggle(ui, "Nearest filtering", "N", nearest, true) {
        app.queue(Command::SetNearest(!nearest));
    }
    let jobs = app.jobs.panel_open;
    if toggle(ui, crate::gui::panels::analysis_menu::SHOW_JOBS, "", jobs, true) {
        app.queue(Command::ShowJobs(!jobs));
    }
    if item(ui, "Zoom to fit", "F", true) {
        app.queue(Command::ZoomFit);
    }
    if item(ui, "Switch active view", "V", compare) {
        app.queue(Command::SetActive(app.active.other()));
    }
}
