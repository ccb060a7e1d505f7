//! The Directions section of the control pane.

use egui::{Color32, DragValue, RichText, Slider};

use crate::gui::app::ExplorerApp;
use crate::gui::directions::labelling;
use crate::gui::directions::state::Method;
use crate::gui::jobs::Jobs;

pub const SEFA: &str = "SeFa";
pub const GANSPACE: &str = "GANSpace";
pub const IMPORT: &str = "Import .npy";
pub const IMPORT_PATH: &str = "Direction file";
pub const IMPORT_BUTTON: &str = "Import";
pub const RUN_GANSPACE: &str = "Run GANSpace";
pub const SAMPLES: &str = "Samples";
pub const RESET: &str = "Reset sliders";
pub const FROM_ROW: &str = "From W+ row";
pub const TO_ROW: &str = "To W+ row";
pub const CANCEL: &str = "Cancel";
pub const SAVE_PATH: &str = "Save directions to";
pub const STYLE_LAYER: &str = "Style layer";
pub const STYLE_CHANNEL: &str = "Channel";
pub const STYLE_STRENGTH: &str = "Style channel σ";
/// Slider range in σ.
pub const MAX_SIGMA: f64 = 10.0;

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let info = app.view(app.active).info().cloned();
    let seed = app.controls(app.active).plane.weights().first().map_or(0, |s| u64::from(s.seed));
    let psi = app.controls(app.active).psi;
    let jobs = &mut app.jobs;
    let d = &mut app.directions;
    let Some(info) = info else {
        ui.label("Open a network to find its latent directions.");
        return;
    };
    ui.horizontal(|ui| {
        ui.selectable_value(&mut d.method, Method::Sefa, SEFA)
            .on_hover_text("Closed-form factorisation of the style affines");
        ui.selectable_value(&mut d.method, Method::GanSpace, GANSPACE)
            .on_hover_text("PCA of sampled w (background job)");
        ui.selectable_value(&mut d.method, Method::Import, IMPORT)
            .on_hover_text("InterFaceGAN-style boundaries, our exports");
        if ui.button(labelling::OPEN).on_hover_text("Label generated samples and train an SVM direction").clicked() {
            d.labelling.open = true;
        }
    });
    match d.method {
        Method::Sefa => {
            let mut changed = false;
            ui.horizontal(|ui| {
                changed |= ui.checkbox(&mut d.selection.include_torgb, "Include ToRGB").changed();
                if info.has_input_transform {
                    changed |= ui.checkbox(&mut d.selection.include_input, "Include input affine").changed();
                }
            });
            if (changed || !d.requested(&info.path, Method::Sefa)) && d.progress().is_none() {
                d.start(jobs, &info.path);
            }
        }
        Method::GanSpace => {
            ui.horizontal(|ui| {
                let l = ui.label(SAMPLES);
                ui.add(DragValue::new(&mut d.ganspace.samples).range(100..=10_000_000).speed(100.0)).labelled_by(l.id);
                if ui.add_enabled(d.progress().is_none(), egui::Button::new(RUN_GANSPACE)).clicked() {
                    d.start(jobs, &info.path);
                }
            });
        }
        Method::Import => {
            ui.horizontal(|ui| {
                let l = ui.label(IMPORT_PATH);
                let field = ui.add(
                    egui::TextEdit::singleline(&mut d.import_path).hint_text("FILE.npy[:ROW]").desired_width(180.0),
                );
                let field = field.labelled_by(l.id);
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui.button(IMPORT_BUTTON).clicked() || enter {
                    d.start(jobs, &info.path);
                }
            });
        }
    }
    if let Some(p) = d.progress() {
        ui.horizontal(|ui| {
            ui.add(egui::ProgressBar::new(p.fraction as f32).desired_width(160.0).show_percentage());
            ui.label(format!("{}…", p.title));
            if ui.button(CANCEL).clicked() {
                d.cancel();
            }
        });
    }
    if let Some(e) = &d.error {
        ui.label(RichText::new(e).color(Color32::from_rgb(230, 90, 80)));
    }
    if let Some(n) = &d.note {
        ui.label(RichText::new(n).weak());
    }
    style_channel(ui, d, jobs, &info.path);
    let Some(set) = d.set.clone() else { return };
    if set.network != info.path {
        ui.label(RichText::new(format!("These sliders belong to {}.", set.network.display())).weak());
    }
    ui.label(format!("{} · {} directions · σ units", set.method, set.directions.len()));
    let last = set.num_ws.saturating_sub(1);
    ui.horizontal(|ui| {
        let l = ui.label(FROM_ROW);
        ui.add(DragValue::new(&mut d.layers.0).range(0..=last)).labelled_by(l.id);
        let l = ui.label(TO_ROW);
        ui.add(DragValue::new(&mut d.layers.1).range(0..=last)).labelled_by(l.id);
        if ui.button("Default rows").on_hover_text("StyleGAN3 leaves row 0 (the input transform) alone").clicked() {
            d.layers = set.default_layers;
        }
        d.layers.1 = d.layers.1.clamp(d.layers.0, last);
    });
    for (i, dir) in set.directions.iter().enumerate().take(d.shown) {
        let Some(s) = d.strengths.get_mut(i) else { break };
        let note = set.notes.get(i).map(String::as_str).unwrap_or("");
        ui.add(Slider::new(s, -MAX_SIGMA..=MAX_SIGMA).text(&dir.name).fixed_decimals(2))
            .on_hover_text(format!("{note}  σ = {:.4}", dir.sigma));
    }
    ui.horizontal(|ui| {
        if set.directions.len() > d.shown && ui.button("More sliders").clicked() {
            d.shown += 8;
        }
        if ui.button(RESET).clicked() {
            d.reset();
        }
    });
    ui.horizontal(|ui| {
        let l = ui.label(SAVE_PATH);
        ui.add(egui::TextEdit::singleline(&mut d.save_path).desired_width(140.0)).labelled_by(l.id);
        if ui.button("Save").on_hover_text("float32 [k, w_dim] .npy + sidecar JSON (names, σ)").clicked() {
            d.save();
        }
        if ui.button("Strip PNG").on_hover_text("−3σ…+3σ of the first moved slider over 4 seeds").clicked() {
            d.start_strip(jobs, seed, psi);
        }
    });
}

/// StyleSpace: one channel `L{layer}_{channel}` moved by α σ_c (σ from 2000 samples, computed as
/// a job the first time).
fn style_channel(
    ui: &mut egui::Ui,
    d: &mut crate::gui::directions::DirectionsState,
    jobs: &mut Jobs,
    net: &std::path::Path,
) {
    ui.separator();
    ui.label(RichText::new("StyleSpace channel").strong());
    let stats = d.style_stats.as_ref().filter(|(p, _)| p == net).map(|(_, s)| s.clone());
    // Without statistics yet the ranges stay open (they are checked once σ is known).
    let layers = stats.as_ref().map_or(4096, |s| s.sigma.len());
    ui.horizontal(|ui| {
        let l = ui.label(STYLE_LAYER);
        ui.add(DragValue::new(&mut d.channel.layer).range(0..=layers.saturating_sub(1))).labelled_by(l.id);
        let channels = stats.as_ref().and_then(|s| s.sigma.get(d.channel.layer)).map_or(65536, Vec::len);
        let l = ui.label(STYLE_CHANNEL);
        ui.add(DragValue::new(&mut d.channel.channel).range(0..=channels.saturating_sub(1))).labelled_by(l.id);
        ui.label(RichText::new(d.channel.name()).monospace());
    });
    let changed = ui
        .add(Slider::new(&mut d.channel_strength, -MAX_SIGMA..=MAX_SIGMA).text(STYLE_STRENGTH).fixed_decimals(2))
        .changed();
    if (changed || d.channel_strength != 0.0) && stats.is_none() {
        d.ensure_style_stats(jobs, net);
    }
    match &stats {
        None if d.channel_strength != 0.0 => {
            ui.label(RichText::new("measuring style σ…").weak());
        }
        Some(s) => {
            if let Err(e) = s.offset(d.channel, 1.0) {
                ui.label(RichText::new(e.to_string()).color(Color32::from_rgb(230, 90, 80)));
            } else {
                let name = s.names.get(d.channel.layer).cloned().unwrap_or_default();
                let sigma = s.sigma[d.channel.layer][d.channel.channel];
                ui.label(RichText::new(format!("{name}, σ = {sigma:.4}")).weak());
            }
        }
        None => {}
    }
}
