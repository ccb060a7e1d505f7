//! Equivariance section (reference §1.3.8): translate and rotate the StyleGAN3 input, with fast
//! and slow drags, animation, rounding to pixels, and untransform. Disabled for StyleGAN2.

use egui::{DragValue, Sense, Slider};

use crate::gui::app::ExplorerApp;
use crate::gui::panels::{driven_networks, font_size};

pub const TRANSLATE_X: &str = "Translate x";
pub const TRANSLATE_Y: &str = "Translate y";
pub const ROTATE: &str = "Rotate";
pub const UNTRANSFORM: &str = "Untransform";
/// Why the section is disabled for StyleGAN2.
pub const WHY_DISABLED: &str = "StyleGAN2 has no input transform: translating and rotating the \
    input needs StyleGAN3's Fourier-feature input. Open a StyleGAN3 network to use these.";

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let nets = driven_networks(app);
    let enabled = nets.iter().any(|n| n.has_input_transform);
    let mixed = enabled && nets.iter().any(|n| !n.has_input_transform);
    let fs = font_size(ui);
    let c = &mut app.edited_controls_mut().eq;
    let response = ui
        .add_enabled_ui(enabled, |ui| {
            ui.horizontal(|ui| {
                let label = ui.label("Translate");
                ui.add(DragValue::new(&mut c.x).speed(1e-3).fixed_decimals(4))
                    .labelled_by(label.id)
                    .widget_info(|| egui::WidgetInfo { label: Some(TRANSLATE_X.into()), ..egui::WidgetInfo::drag_value(true, c.x) });
                ui.add(DragValue::new(&mut c.y).speed(1e-3).fixed_decimals(4))
                    .widget_info(|| egui::WidgetInfo { label: Some(TRANSLATE_Y.into()), ..egui::WidgetInfo::drag_value(true, c.y) });
                let fast = ui.add(egui::Button::new("Drag fast").sense(Sense::drag()));
                if fast.dragged() {
                    let d = fast.drag_delta();
                    c.drag_translate(f64::from(d.x), f64::from(d.y), fs, true);
                }
                let slow = ui.add(egui::Button::new("Drag slow").sense(Sense::drag()));
                if slow.dragged() {
                    let d = slow.drag_delta();
                    c.drag_translate(f64::from(d.x), f64::from(d.y), fs, false);
                }
            });
            ui.horizontal(|ui| {
                ui.checkbox(&mut c.translate_anim, "Anim");
                ui.checkbox(&mut c.round, "Round").on_hover_text("Snap the translation to whole output pixels");
                ui.add(Slider::new(&mut c.translate_speed, 0.0..=0.5).logarithmic(true).smallest_positive(1e-5).text("speed").fixed_decimals(5));
                if ui.button("Reset").clicked() {
                    c.reset_translate();
                }
            });
            ui.horizontal(|ui| {
                let label = ui.label(ROTATE);
                ui.add(DragValue::new(&mut c.rotate).speed(1e-3).fixed_decimals(4).suffix(" turns")).labelled_by(label.id);
                let fast = ui.add(egui::Button::new("Drag fast").sense(Sense::drag()));
                if fast.dragged() {
                    c.drag_rotate(f64::from(fast.drag_delta().x), fs, true);
                }
                let slow = ui.add(egui::Button::new("Drag slow").sense(Sense::drag()));
                if slow.dragged() {
                    c.drag_rotate(f64::from(slow.drag_delta().x), fs, false);
                }
            });
            ui.horizontal(|ui| {
                ui.checkbox(&mut c.rotate_anim, "Anim");
                // (A logarithmic slider over -1..1 trips an egui assertion; a drag value is finer anyway.)
                ui.add(DragValue::new(&mut c.rotate_speed).range(-1.0..=1.0).speed(1e-4).fixed_decimals(4).suffix(" turns/s"));
                if ui.button("Reset").clicked() {
                    c.reset_rotate();
                }
            });
            ui.checkbox(&mut c.untransform, UNTRANSFORM)
                .on_hover_text("Resample the output back into the untransformed frame: a perfectly equivariant generator then stands still, so what moves is texture sticking");
            if mixed {
                ui.weak("Applies to the StyleGAN3 view only.");
            }
        })
        .response;
    response.on_disabled_hover_text(WHY_DISABLED);
}
