//! Style-mix section (reference §1.3.3): mixing seed, animation, one toggle per W row, reset.

use egui::DragValue;

use crate::gui::app::ExplorerApp;
use crate::gui::panels::driven_networks;

pub const SEED: &str = "Mix seed";

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let nets = driven_networks(app);
    let num_ws = nets.iter().map(|n| n.num_ws).max();
    let c = app.edited_controls_mut();
    ui.add_enabled_ui(num_ws.is_some(), |ui| {
        ui.horizontal(|ui| {
            let label = ui.label(SEED);
            ui.add(DragValue::new(&mut c.stylemix_seed).speed(0.1)).labelled_by(label.id);
            ui.checkbox(&mut c.stylemix_anim, "Anim").on_hover_text("Next mixing seed every frame");
            if ui.button("Reset").clicked() {
                c.reset_stylemix();
            }
        });
        let rows = num_ws.unwrap_or(c.stylemix_rows.len()).min(c.stylemix_rows.len());
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 2.0;
            for (i, on) in c.stylemix_rows.iter_mut().take(rows).enumerate() {
                let r =
                    ui.toggle_value(on, format!("{i}")).on_hover_text(format!("Take W row {i} from the mixing seed"));
                r.widget_info(|| {
                    egui::WidgetInfo::selected(egui::accesskit::Role::CheckBox, true, *on, format!("Mix row {i}"))
                });
            }
        });
        if nets.len() > 1 && nets.iter().any(|n| Some(n.num_ws) != num_ws) {
            ui.weak("Rows beyond a network's W count are ignored for it.");
        }
    })
    .response
    .on_disabled_hover_text("Open a network first");
}
