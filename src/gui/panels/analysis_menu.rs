//! The Analysis menu: the equivariance metrics (EQ-T, EQ-T_frac, EQ-R) for the left, the right
//! or both networks, with the number of samples, batch size and seed they run with. Each start
//! queues a job on the window's job runner (the Jobs panel shows it). Entries are greyed out,
//! with the reason as tooltip, for a view without a network and for StyleGAN2 networks.

use egui::containers::menu::{MenuButton, MenuConfig};
use egui::{DragValue, PopupCloseBehavior};

use crate::analysis::registry::MetricId;
use crate::gui::analysis_options::SAMPLE_CHOICES;
use crate::gui::app::ExplorerApp;
use crate::gui::command::Command;
use crate::gui::side::Side;

/// The menu's title.
pub const MENU: &str = "Analysis";
/// Why the metrics are greyed out for StyleGAN2.
pub const WHY_STYLEGAN2: &str = "StyleGAN2 has no input transform: the equivariance metrics translate and rotate \
    StyleGAN3's Fourier-feature input (NVIDIA's code refuses them for StyleGAN2 too). Open a StyleGAN3 network.";
/// The entry that shows or hides the Jobs panel.
pub const SHOW_JOBS: &str = "Jobs panel";

/// Which networks a start button measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    One(Side),
    Both,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::One(Side::Left), Target::One(Side::Right), Target::Both];

    pub fn sides(self) -> Vec<Side> {
        match self {
            Target::One(s) => vec![s],
            Target::Both => Side::BOTH.to_vec(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Target::One(Side::Left) => "left",
            Target::One(Side::Right) => "right",
            Target::Both => "both",
        }
    }
}

/// The label of the button that starts `metric` for `target` (`EQ-T_frac · left`).
pub fn start_label(metric: MetricId, target: Target) -> String {
    format!("{} · {}", metric.label(), target.name())
}

/// Why `target` cannot be measured now (`None`: it can).
pub fn why_not(app: &ExplorerApp, target: Target) -> Option<String> {
    for side in target.sides() {
        let name = side.name().to_lowercase();
        match app.view(side).info() {
            None if app.view(side).is_loading() => return Some(format!("The {name} network is still loading")),
            None => return Some(format!("Open a network in the {name} view first")),
            Some(info) if !info.has_input_transform => {
                return Some(format!("The {name} network is {}. {WHY_STYLEGAN2}", info.family));
            }
            Some(_) => {}
        }
    }
    None
}

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    // Clicks on the settings inside must not close the menu; the start buttons close it.
    let config = MenuConfig::new().close_behavior(PopupCloseBehavior::CloseOnClickOutside);
    MenuButton::new(MENU).config(config).ui(ui, |ui| contents(ui, app));
}

fn contents(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    ui.strong("Equivariance metrics");
    let o = &mut app.settings.analysis;
    ui.horizontal(|ui| {
        ui.label("Samples");
        for n in SAMPLE_CHOICES {
            let text = if n >= 1000 { format!("{}k", n / 1000) } else { n.to_string() };
            ui.selectable_value(&mut o.num_samples, n, text).on_hover_text(format!("{n} samples per run"));
        }
    });
    ui.horizontal(|ui| {
        ui.label("Batch");
        ui.add(DragValue::new(&mut o.batch_size).range(1..=64))
            .on_hover_text("Samples per batch; one random transform is drawn per batch (NVIDIA: 4)");
        ui.label("Seed");
        ui.add(DragValue::new(&mut o.seed).range(0..=u32::MAX as u64))
            .on_hover_text("The same seed gives the same number");
    });
    ui.weak("The names promise 50,000 samples (NVIDIA's protocol, hours on a CPU); each result records its count.");
    crate::gui::panels::results_folder::show(ui, app);
    ui.separator();
    egui::Grid::new("analysis-starts").num_columns(4).spacing([8.0, 4.0]).show(ui, |ui| {
        for metric in MetricId::ALL {
            ui.label(metric.label()).on_hover_text(metric.description());
            for target in Target::ALL {
                let why = why_not(app, target);
                let button = ui.add_enabled(why.is_none(), egui::Button::new(start_label(metric, target)));
                if button.clicked() {
                    for side in target.sides() {
                        app.queue(Command::RunMetric { metric, side });
                    }
                    ui.close();
                }
                if let Some(why) = why {
                    button.on_disabled_hover_text(why);
                }
            }
            ui.end_row();
        }
    });
    ui.separator();
    let open = app.jobs.panel_open;
    if ui.add(egui::Button::selectable(open, SHOW_JOBS)).clicked() {
        app.queue(Command::ShowJobs(!open));
        ui.close();
    }
}
