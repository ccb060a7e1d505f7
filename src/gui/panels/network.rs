//! Network section: the path field (type or paste a path, Enter opens it), Open…, Recent, the
//! compare and link switches, and which view the controls edit.

use std::path::PathBuf;

use egui::{Key, TextEdit};

use crate::gui::app::ExplorerApp;
use crate::gui::command::Command;
use crate::gui::side::Side;
use crate::gui::view::ViewStatus;

/// The label of the path field (tests find the field by it).
pub const PATH_FIELD: &str = "Path";

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let target = app.active;
    ui.horizontal(|ui| {
        let label = ui.label(PATH_FIELD);
        let field = TextEdit::singleline(&mut app.path_input)
            .hint_text(".pkl or .safetensors, Enter opens")
            .desired_width((ui.available_width() - 60.0).max(80.0));
        let response = ui.add(field).labelled_by(label.id);
        if app.focus_path {
            response.request_focus();
            app.focus_path = false;
        }
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        let clicked = ui.button("Open").on_hover_text("Open the typed path").clicked();
        if (entered || clicked) && !app.path_input.trim().is_empty() {
            let path = PathBuf::from(app.path_input.trim());
            app.queue(Command::Open { side: target, path });
        }
    });
    ui.horizontal(|ui| {
        if ui.button("Open…").on_hover_text("Choose a file (Ctrl+O)").clicked() {
            app.queue(Command::OpenDialog(target));
        }
        let recent = app.settings.recent.clone();
        ui.add_enabled_ui(!recent.is_empty(), |ui| {
            ui.menu_button("Recent", |ui| {
                for path in recent {
                    if ui.button(path.display().to_string()).clicked() {
                        app.queue(Command::Open { side: target, path });
                    }
                }
            })
        });
        if app.settings.compare {
            ui.label(format!("into the {} view", target.name().to_lowercase()));
        }
    });
    ui.horizontal(|ui| {
        let mut compare = app.settings.compare;
        if ui.checkbox(&mut compare, "Compare").on_hover_text("Two networks side by side (C)").changed() {
            app.queue(Command::SetCompare(compare));
        }
        let mut linked = app.settings.linked;
        if ui
            .add_enabled(compare, egui::Checkbox::new(&mut linked, "Link controls"))
            .on_hover_text("Both views use the same seed plane, truncation, noise and transform (K)")
            .changed()
        {
            app.queue(Command::SetLinked(linked));
        }
    });
    if app.settings.compare {
        ui.horizontal(|ui| {
            ui.label(if app.settings.linked { "Open into:" } else { "Controls and Open for:" });
            for side in Side::BOTH {
                if ui.selectable_label(app.active == side, side.name()).clicked() {
                    app.queue(Command::SetActive(side));
                }
            }
        });
    }
    for side in app.shown_sides() {
        let view = app.view(side);
        let text = match &view.status {
            ViewStatus::Empty => "no network".to_string(),
            ViewStatus::Loading { path, .. } => format!(
                "loading {}",
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
            ),
            ViewStatus::Ready(info) => format!(
                "{} · {}² · {} ws · z {} · w {}{}",
                info.family,
                info.resolution,
                info.num_ws,
                info.z_dim,
                info.w_dim,
                if info.c_dim > 0 { format!(" · {} classes", info.c_dim) } else { String::new() }
            ),
            ViewStatus::Failed { .. } => "failed to open (see the view)".to_string(),
        };
        let full = view.path().map(|p| p.display().to_string());
        let has_path = full.is_some();
        ui.horizontal(|ui| {
            ui.strong(format!("{}:", side.name()));
            // Truncated, never wrapped or widened: a long name must not grow the control pane
            // (its width would then depend on the path, e.g. a temporary folder's name).
            let label = ui.add(egui::Label::new(text).truncate());
            if let Some(full) = full {
                label.on_hover_text(full);
            }
            if has_path && ui.small_button("Close").on_hover_text("Close this network").clicked() {
                app.queue(Command::Close(side));
            }
        });
    }
}
