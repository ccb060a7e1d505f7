//! The Inspect window (issue #8): texture sticking and aliasing views a click away, for the
//! active view or both views side by side. Every view is computed as a job on the
//! [`crate::gui::sticking_state::StickingState`]'s runner; this file only draws and submits.

use egui::{DragValue, ScrollArea, Slider};

use crate::gui::app::ExplorerApp;
use crate::gui::side::Side;
use crate::gui::sticking_state::StickingTab;

/// Accessible labels (tests find widgets by them).
pub const WINDOW: &str = "Inspect";
pub const COMPUTE: &str = "Compute";
pub const BOTH_VIEWS: &str = "Both views";
pub const CANCEL: &str = "Cancel";
pub const SAVE_GIF: &str = "Save animation as GIF";

/// The sides a job runs on: both shown views, or the active one.
fn target_sides(app: &ExplorerApp) -> Vec<Side> {
    let sides = if app.sticking.both { app.shown_sides() } else { vec![app.active] };
    sides.into_iter().filter(|s| app.view(*s).info().is_some()).collect()
}

/// Submits the current tab's job for each target side.
pub fn compute(app: &mut ExplorerApp) {
    let ctx = app.ctx().clone();
    for side in target_sides(app) {
        let Some(info) = app.view(side).info().cloned() else {
            continue;
        };
        let latent = app.controls(side).request(&info);
        let job = app.sticking.job(info.path.clone(), latent, info.resolution);
        if let Err(e) = app.sticking.submit(&ctx, side, job) {
            app.sticking.errors[side.index()] = Some(e.to_string());
        }
    }
}

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let nearest = app.settings.nearest;
    app.sticking.poll(ui.ctx(), nearest);
    if !app.sticking.open {
        return;
    }
    let mut open = true;
    egui::Window::new(WINDOW).open(&mut open).default_size([760.0, 820.0]).resizable(true).show(ui.ctx(), |ui| {
        ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| body(ui, app));
    });
    app.sticking.open = open;
    if app.sticking.busy() {
        ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
    }
}

fn body(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    ui.horizontal_wrapped(|ui| {
        for tab in StickingTab::ALL {
            if ui.selectable_label(app.sticking.tab() == tab, tab.label()).clicked() {
                app.sticking.tab = Some(tab);
            }
        }
    });
    ui.separator();
    let tab = app.sticking.tab();
    let mut recompute = false;
    match tab {
        StickingTab::Average => average_settings(ui, app),
        StickingTab::Slice => slice_settings(ui, app),
        StickingTab::Residual | StickingTab::ErrorMap => transform_settings(ui, app),
        StickingTab::Layers => recompute |= layer_settings(ui, app),
        StickingTab::Spectrum => spectrum_settings(ui, app),
    }
    ui.horizontal(|ui| {
        let any = !target_sides(app).is_empty();
        if ui.add_enabled(any, egui::Button::new(COMPUTE)).on_disabled_hover_text("Open a network first").clicked() {
            recompute = true;
        }
        ui.checkbox(&mut app.sticking.both, BOTH_VIEWS)
            .on_hover_text("Run on the left and right views (when comparing)");
        if app.sticking.busy() && ui.button(CANCEL).clicked() {
            app.sticking.cancel_all();
        }
        if tab == StickingTab::Slice && ui.button(SAVE_GIF).clicked() {
            save_gif(app);
        }
    });
    if recompute {
        compute(app);
    }
    for r in &app.sticking.running {
        let s = r.handle.snapshot();
        ui.add(egui::ProgressBar::new(s.fraction as f32).text(format!("{}: {:.0}%", s.title, s.fraction * 100.0)));
    }
    if let Some(m) = &app.sticking.message {
        ui.label(m);
    }
    ui.separator();
    results(ui, app);
}

fn average_settings(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let a = &mut app.sticking.settings.average;
    ui.label("Average of images from random W perturbations around the current latent (paper Fig. 1, left): sticky details stay sharp.");
    ui.horizontal(|ui| {
        ui.label("Images");
        ui.add(DragValue::new(&mut a.count).range(1..=4096));
        ui.label("Radius in W");
        ui.add(DragValue::new(&mut a.radius).speed(0.05).range(0.0..=100.0));
        ui.label("Perturbation seed");
        ui.add(DragValue::new(&mut a.seed));
    });
}

fn slice_settings(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let s = &mut app.sticking.settings;
    ui.label("The same pixel line from every frame, stacked (paper Fig. 1, right): streaks along time mean sticking. Click the first frame to pick the line.");
    ui.horizontal(|ui| {
        ui.label("Frames");
        ui.add(DragValue::new(&mut s.frames).range(2..=1024));
        ui.checkbox(&mut s.interpolate, "Interpolate in W to seed");
        ui.add_enabled(s.interpolate, DragValue::new(&mut s.to_seed));
    });
    ui.horizontal(|ui| {
        ui.label("StyleGAN3: translate px/frame");
        ui.add(DragValue::new(&mut s.speed[0]).speed(0.01).fixed_decimals(2));
        ui.add(DragValue::new(&mut s.speed[1]).speed(0.01).fixed_decimals(2));
        ui.label("rotate °/frame");
        ui.add(DragValue::new(&mut s.rotate_per_frame).speed(0.05).fixed_decimals(2));
    });
    ui.horizontal(|ui| {
        ui.radio_value(&mut s.line_is_row, false, "Column");
        ui.radio_value(&mut s.line_is_row, true, "Row");
        let mut at = s.line_at.unwrap_or(0);
        let mut middle = s.line_at.is_none();
        ui.checkbox(&mut middle, "middle");
        if !middle {
            ui.add(DragValue::new(&mut at).range(0..=4096));
        }
        s.line_at = (!middle).then_some(at);
    });
}

fn transform_settings(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let tab = app.sticking.tab();
    let text = if tab == StickingTab::Residual {
        "StyleGAN3: generate with the transform, undo it on the output, compare with the plain image: what remains is motion that should not exist."
    } else {
        "StyleGAN3: |G(t[z]) − t[G(z)]| per pixel, with the equivariance metrics' references (whole pixels exact, Lanczos-3, band-limited rotation)."
    };
    ui.label(text);
    let eq = app.controls(app.active).eq.clone();
    let s = &mut app.sticking.settings;
    ui.horizontal(|ui| {
        ui.label("Translate");
        ui.add(DragValue::new(&mut s.translate[0]).speed(1e-3).fixed_decimals(4));
        ui.add(DragValue::new(&mut s.translate[1]).speed(1e-3).fixed_decimals(4));
        ui.label("Rotate °");
        ui.add(DragValue::new(&mut s.rotate).speed(0.1).fixed_decimals(2));
        if ui.button("From the Equivariance section").clicked() {
            s.translate = [eq.x, eq.y];
            s.rotate = eq.rotate * 360.0;
        }
    });
}

/// Returns whether a setting changed (the view then recomputes by itself).
fn layer_settings(ui: &mut egui::Ui, app: &mut ExplorerApp) -> bool {
    let before = app.sticking.settings.clone();
    let side = app.active;
    let layers = app.sticking.results[side.index()]
        .as_ref()
        .filter(|r| r.tab == StickingTab::Layers)
        .map(|r| r.outcome.layers.clone())
        .unwrap_or_default();
    let s = &mut app.sticking.settings;
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        if layers.is_empty() {
            ui.label("Compute once to list the intermediate outputs.");
        }
        ScrollArea::vertical().id_salt("layers").max_height(220.0).show(ui, |ui| {
            egui::Grid::new("layer-list").striped(true).show(ui, |ui| {
                for l in &layers {
                    let on = s.layer.as_deref().unwrap_or("output") == l.name;
                    if ui.selectable_label(on, &l.name).clicked() {
                        s.layer = Some(l.name.clone());
                    }
                    ui.label(format!("{}x{}", l.width, l.height));
                    ui.label(format!("{} ch", l.channels));
                    ui.end_row();
                }
            });
        });
        let ui = &mut cols[1];
        let channels =
            layers.iter().find(|l| l.name == s.layer.as_deref().unwrap_or("output")).map_or(3, |l| l.channels);
        let v = &mut s.layer_view;
        ui.checkbox(&mut v.rgb, "RGB");
        ui.checkbox(&mut v.normalize, "Normalize");
        ui.add(Slider::new(&mut v.scale_db, -40.0..=40.0).text("Scale dB"));
        let top = channels.saturating_sub(if v.rgb { 3 } else { 1 });
        ui.add(Slider::new(&mut v.base_channel, 0..=top).text(format!("Channel /{channels}")));
        ui.checkbox(&mut s.fft_on, "FFT");
        ui.add_enabled_ui(s.fft_on, |ui| {
            ui.checkbox(&mut s.fft.all_channels, "All channels");
            ui.add(Slider::new(&mut s.fft.range_db, 0.1..=100.0).text("Range ±dB"));
            ui.add(Slider::new(&mut s.fft.beta, 0.0..=50.0).text("Kaiser beta"));
        });
    });
    !layers.is_empty() && before != *s
}

fn spectrum_settings(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let s = &mut app.sticking.settings.spectrum;
    ui.label("Average power spectrum of generated images (avg_spectra.py): heatmap, and slices with the networks overlaid (blue left, orange right; diagonal lighter).");
    ui.horizontal(|ui| {
        ui.label("Images");
        ui.add(DragValue::new(&mut s.num).range(1..=100_000));
        ui.label("from seed");
        ui.add(DragValue::new(&mut s.seed));
        ui.label("Padding ×");
        ui.add(DragValue::new(&mut s.interp).range(1..=8));
        ui.label("Kaiser β");
        ui.add(DragValue::new(&mut s.beta).speed(0.1).range(0.0..=50.0));
    });
}

fn results(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let tab = app.sticking.tab();
    let mut pick: Option<usize> = None;
    for side in Side::BOTH {
        let i = side.index();
        if let Some(e) = &app.sticking.errors[i] {
            ui.colored_label(ui.visuals().error_fg_color, format!("{} view: {e}", side.name()));
        }
        let Some(r) = &app.sticking.results[i] else {
            continue;
        };
        if r.tab != tab {
            continue;
        }
        ui.strong(format!("{} view: {}", side.name(), r.outcome.network));
        ui.horizontal_wrapped(|ui| {
            for (k, (label, tex)) in r.textures.iter().enumerate() {
                ui.vertical(|ui| {
                    let [w, h] = tex.size();
                    let scale = (192.0 / h.max(1) as f32).clamp(0.25, 8.0);
                    let resp = ui.add(
                        egui::Image::new((tex.id(), egui::vec2(w as f32 * scale, h as f32 * scale)))
                            .sense(egui::Sense::click()),
                    );
                    if tab == StickingTab::Slice
                        && k == 0
                        && resp.clicked()
                        && let Some(p) = resp.interact_pointer_pos()
                    {
                        let local = (p - resp.rect.min) / scale;
                        let line_is_row = app.sticking.settings.line_is_row;
                        pick = Some(if line_is_row { local.y } else { local.x }.max(0.0) as usize);
                    }
                    ui.small(label);
                });
            }
        });
        for n in &r.outcome.notes {
            ui.label(n);
        }
    }
    if tab == StickingTab::Spectrum
        && let Some(t) = &app.sticking.slices_plot
    {
        ui.strong("Slices: horizontal and diagonal (lighter), 0 … √2·Nyquist, 10 dB grid");
        ui.image((t.id(), t.size_vec2()));
    }
    if let Some(at) = pick {
        app.sticking.settings.line_at = Some(at);
        compute(app);
    }
}

fn save_gif(app: &mut ExplorerApp) {
    let dir = app.settings.capture_dir.clone();
    let result = app.sticking.animation().and_then(|frames| {
        std::fs::create_dir_all(&dir).map_err(|e| crate::Error::from(e).in_file(&dir))?;
        let stamp =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let path = dir.join(format!("slice-animation-{stamp}.gif"));
        crate::analysis::sticking::animation::write_gif(&frames, &path, 24.0)?;
        Ok(path)
    });
    app.sticking.message = Some(match result {
        Ok(p) => format!("saved {}", p.display()),
        Err(e) => format!("animation not saved: {e}"),
    });
}
