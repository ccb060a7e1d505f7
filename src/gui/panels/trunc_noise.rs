//! Truncation and noise section (reference §1.3.4): psi and cutoff; noise on/off, noise seed
//! with animation (StyleGAN2 only).

use egui::{DragValue, Slider};

use crate::gui::app::ExplorerApp;
use crate::gui::panels::driven_networks;

pub const PSI: &str = "Psi";
pub const CUTOFF: &str = "Cutoff";
pub const NOISE_SEED: &str = "Noise seed";

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let nets = driven_networks(app);
    let num_ws = nets.iter().map(|n| n.num_ws).max().unwrap_or(crate::gui::controls::DEFAULT_ROWS);
    let any_noise = nets.iter().any(|n| n.has_noise);
    let c = app.edited_controls_mut();
    ui.horizontal(|ui| {
        ui.add(Slider::new(&mut c.psi, -1.0..=2.0).text(PSI).fixed_decimals(2))
            .on_hover_text("Truncation: w = w_avg + psi·(w − w_avg)");
        if ui.button("Reset").clicked() {
            c.reset_trunc();
        }
    });
    let mut cutoff = c.cutoff.unwrap_or(num_ws).min(num_ws);
    if ui
        .add(Slider::new(&mut cutoff, 0..=num_ws).text(CUTOFF))
        .on_hover_text("Truncate W rows [0, cutoff); the last value truncates every row")
        .changed()
    {
        c.cutoff = (cutoff < num_ws).then_some(cutoff);
    }
    ui.add_enabled_ui(any_noise, |ui| {
        ui.horizontal(|ui| {
            ui.checkbox(&mut c.noise_enabled, "Noise");
            let label = ui.label(NOISE_SEED);
            ui.add_enabled(c.noise_enabled, DragValue::new(&mut c.noise_seed).speed(0.1))
                .labelled_by(label.id)
                .on_hover_text("0: the stored constant noise; other seeds: fresh random noise");
            ui.add_enabled(c.noise_enabled, egui::Checkbox::new(&mut c.noise_anim, "Anim"));
            if ui.button("Reset").clicked() {
                c.reset_noise();
            }
        })
    })
    .response
    .on_disabled_hover_text("StyleGAN3 has no noise inputs");
}
