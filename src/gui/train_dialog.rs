//! The Train… dialog: configuration, dataset (typed, or picked with the native dialog off the UI
//! thread), output folder, length, batch, γ, network size, mirror, snapshot interval, seed and
//! resume; Start submits a training job.

use egui::{DragValue, TextEdit};

use crate::gui::train_form::CONFIGS;
use crate::gui::train_ui::{PathKind, TrainUi};

/// Window title and field labels (tests find the widgets by them).
pub const TITLE: &str = "Train a network";
pub const CFG: &str = "Configuration";
pub const DATA: &str = "Dataset";
pub const OUTDIR: &str = "Output folder";
pub const KIMG: &str = "Length (kimg)";
pub const BATCH: &str = "Batch";
pub const GAMMA: &str = "R1 gamma";
pub const CBASE: &str = "Channel base";
pub const CMAX: &str = "Channel max";
pub const Z_DIM: &str = "z width";
pub const W_DIM: &str = "w width";
pub const MAP_DEPTH: &str = "Mapping depth";
pub const MIRROR: &str = "Mirror (x-flips)";
pub const TICK: &str = "Tick (kimg)";
pub const SNAP: &str = "Snapshot every (ticks)";
pub const SEED: &str = "Training seed";
pub const RESUME: &str = "Resume from";
pub const SAMPLES_EVERY: &str = "Live samples every (ticks)";
pub const GRID_COLS: &str = "Grid columns";
pub const GRID_ROWS: &str = "Grid rows";
pub const START: &str = "Start training";

fn path_row(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str) -> egui::Response {
    let l = ui.label(label);
    ui.add(TextEdit::singleline(text).hint_text(hint).desired_width(320.0)).labelled_by(l.id)
}

fn number<T: egui::emath::Numeric>(ui: &mut egui::Ui, label: &str, value: &mut T, range: std::ops::RangeInclusive<T>, speed: f64) {
    let l = ui.label(label);
    ui.add(DragValue::new(value).range(range).speed(speed)).labelled_by(l.id);
    ui.end_row();
}

fn fields(ui: &mut egui::Ui, t: &mut TrainUi) {
    let browsing = t.browse.is_some();
    let mut pick = None;
    let f = &mut t.form;
    egui::Grid::new("train-form").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
        ui.label(CFG);
        egui::ComboBox::from_id_salt("train-cfg").selected_text(f.cfg.name()).show_ui(ui, |ui| {
            for c in CONFIGS {
                ui.selectable_value(&mut f.cfg, c, c.name());
            }
        });
        ui.end_row();

        path_row(ui, DATA, &mut f.data, "a zip or folder of square PNGs (dataset_tool.py format)");
        ui.horizontal(|ui| {
            ui.add_enabled_ui(!browsing, |ui| {
                if ui.button("Zip…").clicked() {
                    pick = Some(PathKind::DatasetZip);
                }
                if ui.button("Folder…").clicked() {
                    pick = Some(PathKind::DatasetFolder);
                }
            });
        });
        ui.end_row();
        path_row(ui, OUTDIR, &mut f.outdir, "run directories NNNNN-… go here");
        if ui.add_enabled(!browsing, egui::Button::new("Browse…")).clicked() {
            pick = Some(PathKind::Outdir);
        }
        ui.end_row();

        number(ui, KIMG, &mut f.kimg, 0.0..=1e6, 1.0);
        number(ui, BATCH, &mut f.batch, 1..=4096, 0.1);
        number(ui, GAMMA, &mut f.gamma, 0.0..=1e4, 0.1);
        number(ui, CBASE, &mut f.cbase, 1..=65536, 16.0);
        number(ui, CMAX, &mut f.cmax, 1..=1024, 1.0);
        number(ui, Z_DIM, &mut f.z_dim, 1..=1024, 1.0);
        number(ui, W_DIM, &mut f.w_dim, 1..=1024, 1.0);
        number(ui, MAP_DEPTH, &mut f.map_depth, 0..=16, 0.1);
        ui.label("");
        ui.checkbox(&mut f.mirror, MIRROR);
        ui.end_row();
        number(ui, TICK, &mut f.tick, 0.001..=1000.0, 0.01);
        number(ui, SNAP, &mut f.snap, 1..=10000, 0.1);
        number(ui, SEED, &mut f.seed, 0..=u64::from(u32::MAX), 1.0);
        path_row(ui, RESUME, &mut f.resume, "optional: a snapshot or NVIDIA pickle");
        if ui.add_enabled(!browsing, egui::Button::new("Browse…").small()).clicked() {
            pick = Some(PathKind::Resume);
        }
        ui.end_row();
        number(ui, SAMPLES_EVERY, &mut f.samples_every, 0..=1000, 0.1);
        number(ui, GRID_COLS, &mut f.grid[0], 1..=32, 0.1);
        number(ui, GRID_ROWS, &mut f.grid[1], 1..=32, 0.1);
    });
    if let Some(kind) = pick {
        t.browse(kind);
    }
}

/// Draws the dialog while it is open.
pub fn show(ctx: &egui::Context, t: &mut TrainUi) {
    if !t.dialog_open {
        return;
    }
    let mut open = true;
    let mut start = false;
    let mut close = false;
    egui::Window::new(TITLE).open(&mut open).resizable(false).collapsible(false).show(ctx, |ui| {
        fields(ui, t);
        ui.weak("Defaults are a small network a CPU trains; NVIDIA's recipe uses channel base 32768, max 512, z/w 512.");
        if let Some(e) = &t.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        ui.horizontal(|ui| {
            let busy = t.running();
            start = ui.add_enabled(!busy, egui::Button::new(START)).on_disabled_hover_text("A run is going").clicked();
            close = ui.button("Close").clicked();
        });
    });
    if start && let Err(e) = t.start() {
        t.error = Some(e.to_string());
    }
    if !open || close {
        t.dialog_open = false;
    }
}
