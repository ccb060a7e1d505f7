//! Where metric results go, in the Analysis menu: each network's own folder (as
//! `calc_metrics.py` does with its run directory) or one chosen folder, typed or picked with the
//! native folder dialog. A folder that does not exist is refused with the reason, and the
//! previous choice stays.

use std::path::PathBuf;

use egui::{Id, TextEdit};

use crate::gui::app::ExplorerApp;

/// The label of the text field.
pub const FIELD: &str = "Results folder";
/// The button that goes back to each network's folder.
pub const NETWORK_FOLDER: &str = "Network's folder";
/// The button that opens the folder dialog.
pub const CHOOSE: &str = "Choose…";
/// The hint shown in the empty field.
pub const HINT: &str = "each network's own folder";

/// What typing `text` into the field means: `Ok(None)` for each network's folder, `Ok(Some)` for
/// an existing folder, else why not.
pub fn parse(text: &str) -> Result<Option<PathBuf>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let p = PathBuf::from(t);
    if p.is_dir() { Ok(Some(p)) } else { Err(format!("{t}: no such folder")) }
}

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let id = Id::unique("results-folder-text");
    let current = app.settings.analysis.results_dir.clone();
    let shown = current.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    // The buffer being edited (starts as the current choice).
    let mut text: String = ui.data_mut(|d| d.get_temp(id)).unwrap_or_else(|| shown.clone());
    let err_id = id.with("error");
    ui.horizontal(|ui| {
        let label = ui.label(FIELD);
        let edit = ui.add(TextEdit::singleline(&mut text).hint_text(HINT).desired_width(220.0)).labelled_by(label.id);
        let edit = edit.on_hover_text(
            "Where each metric run appends its line (metric-<name>.jsonl, NVIDIA's format); empty: the folder of \
             the network measured. Press Enter to apply.",
        );
        if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            match parse(&text) {
                Ok(dir) => {
                    app.settings.analysis.results_dir = dir;
                    ui.data_mut(|d| {
                        d.remove::<String>(err_id);
                    })
                }
                Err(e) => {
                    ui.data_mut(|d| d.insert_temp(err_id, e));
                }
            }
        }
        if ui.add_enabled(!app.jobs.choosing_folder(), egui::Button::new(CHOOSE)).clicked() {
            app.jobs.choose_folder(ui.ctx().clone());
        }
        if ui.add_enabled(current.is_some(), egui::Button::new(NETWORK_FOLDER)).clicked() {
            app.settings.analysis.results_dir = None;
            text.clear();
            ui.data_mut(|d| {
                d.remove::<String>(err_id);
            });
        }
    });
    // A new choice (dialog, reset) replaces an unedited buffer.
    let now = app.settings.analysis.results_dir.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    if now != shown {
        text = now;
    }
    ui.data_mut(|d| d.insert_temp(id, text));
    if let Some(e) = ui.data(|d| d.get_temp::<String>(err_id)) {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
}
