//! The engine setting (top of the Performance section): GPU or CPU, the adapter, and one line on
//! why the GPU engine is not in use when it was chosen but cannot run.

use crate::gui::app::ExplorerApp;
use crate::gui::command::Command;
use crate::jobs::engine_switch::EngineChoice;

/// The label of the engine selector.
pub const LABEL: &str = "Engine";

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let Some(engines) = app.engines.clone() else {
        return;
    };
    ui.horizontal(|ui| {
        ui.label(LABEL).on_hover_text("Which engine renders the views; the open files reopen with it");
        let mut choice = app.settings.engine;
        for c in [EngineChoice::Gpu, EngineChoice::Cpu] {
            ui.selectable_value(&mut choice, c, c.name());
        }
        if choice != app.settings.engine {
            app.queue(Command::SetEngine(choice));
        }
    });
    if let Some(note) = engines.note() {
        ui.colored_label(ui.visuals().warn_fg_color, note);
    } else if engines.choice() == EngineChoice::Gpu
        && let Some(adapter) = engines.gpu_description()
    {
        ui.weak(format!("WGSL compute on {adapter}"));
    }
}
