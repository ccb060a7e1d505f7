//! Latent section (reference §1.3.2 and the class/pseudo-align additions): seed, fraction, drag,
//! animation with speed, snap and reset; the class of a conditional network; pseudo-align.

use egui::{DragValue, Sense, Slider};

use crate::gui::app::ExplorerApp;
use crate::gui::panels::{driven_networks, font_size};
use crate::jobs::request::ClassChoice;

pub const SEED: &str = "Seed";
pub const FRACTION_X: &str = "Fraction x";
pub const FRACTION_Y: &str = "Fraction y";

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let nets = driven_networks(app);
    let max_classes = nets.iter().map(|n| n.c_dim).max().unwrap_or(0);
    let any_sg3 = nets.iter().any(|n| n.has_input_transform);
    let fs = font_size(ui);
    let c = app.edited_controls_mut();

    ui.horizontal(|ui| {
        let label = ui.label(SEED);
        let mut seed = c.plane.seed();
        if ui.add(DragValue::new(&mut seed).speed(0.1)).labelled_by(label.id).changed() {
            c.plane.set_seed(seed);
        }
        let (mut fx, mut fy) = c.plane.fraction();
        let fmt = |v: f64, _| format!("{v:+.2}");
        let rx = ui
            .add(DragValue::new(&mut fx).speed(0.01).custom_formatter(fmt))
            .on_hover_text("Fractional offset along x (blends the neighbouring seeds)");
        rx.widget_info(|| egui::WidgetInfo {
            label: Some(FRACTION_X.into()),
            ..egui::WidgetInfo::drag_value(true, fx)
        });
        let ry = ui
            .add(DragValue::new(&mut fy).speed(0.01).custom_formatter(fmt))
            .on_hover_text("Fractional offset along y (rows of 100 seeds)");
        ry.widget_info(|| egui::WidgetInfo {
            label: Some(FRACTION_Y.into()),
            ..egui::WidgetInfo::drag_value(true, fy)
        });
        if rx.changed() || ry.changed() {
            c.plane.set_fraction(fx, fy);
        }
        let drag = ui
            .add(egui::Button::new("Drag").sense(Sense::drag()))
            .on_hover_text("Drag to move on the seed plane (dragging on the image does the same)");
        if drag.dragged() {
            let d = drag.drag_delta();
            c.plane.drag(f64::from(d.x), f64::from(d.y), fs);
        }
    });
    ui.horizontal(|ui| {
        ui.checkbox(&mut c.latent_anim, "Anim").on_hover_text("Move along x at the given speed (Space)");
        ui.add(
            Slider::new(&mut c.latent_speed, -5.0..=5.0)
                .logarithmic(true)
                .smallest_positive(1e-3)
                .text("seeds/s")
                .fixed_decimals(3),
        );
    });
    ui.horizontal(|ui| {
        if ui.button("Snap").on_hover_text("Round to the nearest seed (S)").clicked() {
            c.plane.snap();
        }
        if ui.button("Reset").on_hover_text("Seed 0, no animation (R)").clicked() {
            c.reset_latent();
        }
        let blend: Vec<String> = c.plane.weights().iter().map(|s| format!("{}×{:.2}", s.seed, s.weight)).collect();
        ui.weak(blend.join(" + ")).on_hover_text("Seeds blended in W and their weights");
    });

    ui.add_enabled_ui(max_classes > 0, |ui| {
        ui.horizontal(|ui| {
            ui.label("Class");
            let mut per_seed = c.class == ClassChoice::PerSeed;
            let a = ui
                .radio_value(&mut per_seed, true, "per seed")
                .on_hover_text("Each seed draws its class, as NVIDIA's visualizer");
            let b = ui.radio_value(&mut per_seed, false, "fixed").on_hover_text("The same class for every seed");
            if a.changed() || b.changed() {
                c.class = if per_seed { ClassChoice::PerSeed } else { ClassChoice::Fixed(0) };
            }
            if let ClassChoice::Fixed(k) = &mut c.class {
                ui.add(DragValue::new(k).range(0..=max_classes.saturating_sub(1)).speed(0.1));
            }
        })
    })
    .response
    .on_disabled_hover_text("Unconditional network: it has no classes (c_dim = 0)");

    ui.add_enabled(any_sg3, egui::Checkbox::new(&mut c.pseudo_align, "Pseudo-align"))
        .on_hover_text("StyleGAN3: use w_avg for W row 0, which sets the learned rotation and translation, so the pose stays put while the latent moves")
        .on_disabled_hover_text("Pseudo-align needs StyleGAN3: StyleGAN2's W row 0 has no pose to hold");
}
