//! The labelling view (a window): a grid of generated samples where a click marks a sample
//! positive, a second click negative and a third clears it; label files (`seed,label`); and
//! "Train SVM", which fits a boundary as a job on the window's runner and adds its unit normal
//! (optionally conditioned on other sliders) as a named slider of the Directions panel.

use egui::{Color32, RichText, Stroke};

use crate::gui::app::ExplorerApp;
use crate::gui::directions::labelling_state::PAGE;

/// Accessible labels (tests find widgets by them).
pub const WINDOW: &str = "Label samples";
/// The Directions panel's button that opens the window.
pub const OPEN: &str = "Label samples…";
pub const CSV_PATH: &str = "Labels CSV";
pub const LOAD_CSV: &str = "Load CSV…";
pub const SAVE_CSV: &str = "Save CSV";
pub const TRAIN: &str = "Train SVM";
pub const CANCEL: &str = "Cancel training";
pub const MORE: &str = "More samples";
pub const PREVIOUS: &str = "Previous samples";
pub const CLEAR: &str = "Clear labels";
pub const NAME: &str = "Direction name";
pub const PENALTY: &str = "C";
/// Side of a grid cell's picture, in points.
const CELL: f32 = 96.0;
const POSITIVE: Color32 = Color32::from_rgb(60, 180, 90);
const NEGATIVE: Color32 = Color32::from_rgb(220, 70, 60);

/// The label of a thumbnail button.
pub fn seed_label(seed: u64) -> String {
    format!("seed {seed}")
}

/// The counts line: `3 positive · 2 negative`.
pub fn counts_text(positive: usize, negative: usize) -> String {
    format!("{positive} positive · {negative} negative")
}

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    if !app.directions.labelling.open {
        return;
    }
    let mut open = true;
    egui::Window::new(WINDOW).open(&mut open).default_size([660.0, 760.0]).resizable(true).show(ui.ctx(), |ui| {
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| body(ui, app));
    });
    app.directions.labelling.open = open;
}

fn body(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let Some(info) = app.view(app.active).info().cloned() else {
        ui.label("Open a network to label its samples.");
        return;
    };
    let psi = app.controls(app.active).psi;
    let loader = app.thumbnail_loader();
    let has_dialog = app.pick_file().is_some();
    let ctx = ui.ctx().clone();
    let jobs = &mut app.jobs;
    let d = &mut app.directions;
    d.labelling.ensure_thumbnails(jobs, &loader, &info.path, psi);
    let l = &mut d.labelling;
    ui.label(
        RichText::new("Click a sample: once = positive (green), twice = negative (red), three times = unlabelled.")
            .weak(),
    );
    let (pos, neg) = l.counts();
    ui.horizontal(|ui| {
        ui.label(RichText::new(counts_text(pos, neg)).strong());
        let first = l.page * PAGE;
        ui.label(RichText::new(format!("seeds {first}-{} · psi {psi:.2}", first + PAGE - 1)).weak());
    });
    ui.horizontal(|ui| {
        if ui.add_enabled(l.page > 0, egui::Button::new(PREVIOUS)).clicked() {
            l.page -= 1;
        }
        if ui.button(MORE).on_hover_text("The next page of seeds").clicked() {
            l.page += 1;
        }
        if ui.button(CLEAR).clicked() {
            l.labels.clear();
        }
    });
    let mut clicked = None;
    egui::Grid::new("labelling-grid").spacing([6.0, 6.0]).show(ui, |ui| {
        for (i, (seed, tex)) in l.thumbnails.iter().enumerate() {
            let label = l.labels.get(seed).copied();
            let (fill, stroke, tag) = match label {
                Some(true) => (POSITIVE.gamma_multiply(0.35), Stroke::new(4.0, POSITIVE), "+"),
                Some(false) => (NEGATIVE.gamma_multiply(0.35), Stroke::new(4.0, NEGATIVE), "-"),
                None => (Color32::TRANSPARENT, Stroke::new(1.0, Color32::GRAY), ""),
            };
            let text = RichText::new(seed_label(*seed)).small();
            let button = match tex {
                Some(t) => {
                    egui::Button::image_and_text(egui::Image::new(t).fit_to_exact_size(egui::vec2(CELL, CELL)), text)
                }
                None => egui::Button::new(text).min_size(egui::vec2(CELL, CELL)),
            };
            let r = ui.add(button.fill(fill).stroke(stroke).selected(label.is_some()));
            if !tag.is_empty() {
                let color = if label == Some(true) { POSITIVE } else { NEGATIVE };
                ui.painter().text(
                    r.rect.left_top() + egui::vec2(8.0, 6.0),
                    egui::Align2::LEFT_TOP,
                    tag,
                    egui::FontId::proportional(20.0),
                    color,
                );
            }
            if r.clicked() {
                clicked = Some(*seed);
            }
            if i % 4 == 3 {
                ui.end_row();
            }
        }
    });
    if let Some(seed) = clicked {
        l.cycle(seed);
    }
    ui.separator();
    ui.horizontal(|ui| {
        let lab = ui.label(CSV_PATH);
        ui.add(egui::TextEdit::singleline(&mut l.csv_path).hint_text("labels.csv").desired_width(220.0))
            .labelled_by(lab.id);
        if ui.button(LOAD_CSV).on_hover_text("`seed,label` lines, label 0/1 or -1/1").clicked() {
            if l.csv_path.trim().is_empty() && has_dialog {
                if let Err(e) = l.browse_csv(&ctx) {
                    l.error = Some(e.to_string());
                }
            } else if l.csv_path.trim().is_empty() {
                l.error = Some("type the path of a label file first".into());
            } else {
                l.load_csv();
            }
        }
        if ui.button(SAVE_CSV).clicked() {
            l.save_csv();
        }
    });
    ui.horizontal(|ui| {
        let lab = ui.label(NAME);
        ui.add(egui::TextEdit::singleline(&mut l.name).desired_width(140.0)).labelled_by(lab.id);
        let lab = ui.label(PENALTY);
        ui.add(egui::DragValue::new(&mut l.c).range(1e-4..=1e4).speed(0.05)).labelled_by(lab.id);
    });
    // Condition on: the sliders of this network (their components are projected out).
    let others: Vec<(String, Vec<f64>)> = d
        .set
        .as_ref()
        .filter(|s| s.network == info.path)
        .map(|s| s.directions.iter().take(d.shown).map(|x| (x.name.clone(), x.mean_vector())).collect())
        .unwrap_or_default();
    let l = &mut d.labelling;
    if !others.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label("Condition on:").on_hover_text("Project these directions out of the trained one");
            for (name, _) in &others {
                if name == l.name.trim() {
                    continue;
                }
                let mut on = l.conditions.contains(name);
                if ui.checkbox(&mut on, name.as_str()).changed() {
                    if on {
                        l.conditions.insert(name.clone());
                    } else {
                        l.conditions.remove(name);
                    }
                }
            }
        });
    }
    let training = l.training();
    ui.horizontal(|ui| {
        if ui.add_enabled(training.is_none(), egui::Button::new(TRAIN)).clicked() {
            let conditions: Vec<(String, Vec<f64>)> =
                others.iter().filter(|(n, _)| l.conditions.contains(n) && n != l.name.trim()).cloned().collect();
            l.start_training(jobs, &info.path, conditions);
        }
        if let Some(p) = &training {
            ui.add(egui::ProgressBar::new(p.fraction as f32).desired_width(160.0).show_percentage());
            if ui.button(CANCEL).clicked() {
                l.cancel_training();
            }
        }
    });
    if let Some(r) = &l.result {
        ui.label(RichText::new(r).strong());
    }
    if let Some(e) = &l.error {
        ui.label(RichText::new(e).color(Color32::from_rgb(230, 90, 80)));
    }
    if let Some(n) = &l.note {
        ui.label(RichText::new(n).weak());
    }
}
