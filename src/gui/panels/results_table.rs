//! The results table: the newest value of each equivariance metric for the network in the left
//! view and the one in the right view, side by side, with their difference. Hovering a value
//! shows how it was made (samples, seed) and the file its line went to; "All runs" lists every
//! result: earlier runs read back from the networks' `metric-*.jsonl` files, then this session's.

use egui::{Grid, RichText};

use crate::analysis::registry::MetricId;
use crate::gui::app::ExplorerApp;
use crate::gui::metric_row::MetricRow;
use crate::gui::side::Side;

/// The header of the difference column.
pub const DIFFERENCE: &str = "Right − left";

/// `folder/file.pkl`: the file and its folder, since run folders hold files of the same names.
fn short_name(path: &std::path::Path) -> String {
    let file = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    match path.parent().and_then(|p| p.file_name()) {
        Some(dir) => format!("{}/{file}", dir.to_string_lossy()),
        None => file,
    }
}

fn cell(ui: &mut egui::Ui, row: Option<&MetricRow>) {
    match row {
        Some(r) => {
            let saved =
                r.saved_to.as_ref().map_or_else(|| "not saved".to_string(), |p| format!("saved to {}", p.display()));
            ui.monospace(r.value_text()).on_hover_text(format!("{} · {saved}", r.settings_text()));
        }
        None => {
            ui.weak("—");
        }
    }
}

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    ui.strong("Results");
    ui.separator();
    let networks: Vec<(Side, Option<std::path::PathBuf>)> =
        Side::BOTH.into_iter().map(|s| (s, app.view(s).path().map(std::path::Path::to_path_buf))).collect();
    Grid::new("results-table").striped(true).num_columns(4).spacing([14.0, 4.0]).show(ui, |ui| {
        ui.strong("Metric");
        for (side, path) in &networks {
            let name = path.as_deref().map_or_else(|| "no network".to_string(), short_name);
            ui.strong(format!("{} · {name}", side.name())).on_hover_text(
                path.as_ref().map_or_else(|| "Nothing open in this view".to_string(), |p| p.display().to_string()),
            );
        }
        ui.strong(DIFFERENCE);
        ui.end_row();
        for metric in MetricId::ALL {
            ui.label(metric.label()).on_hover_text(metric.description());
            let rows: Vec<Option<&MetricRow>> =
                networks.iter().map(|(_, p)| p.as_deref().and_then(|p| app.jobs.latest(p, metric))).collect();
            for r in &rows {
                cell(ui, *r);
            }
            match (rows[0], rows[1]) {
                (Some(l), Some(r)) => {
                    ui.monospace(format!("{:+.4} dB", r.value - l.value));
                }
                _ => {
                    ui.weak("—");
                }
            }
            ui.end_row();
        }
    });
    if !app.jobs.read_problems.is_empty() {
        egui::CollapsingHeader::new(format!("{} result line(s) could not be read", app.jobs.read_problems.len()))
            .id_salt("read-problems")
            .show(ui, |ui| {
                for p in &app.jobs.read_problems {
                    ui.label(RichText::new(p).small().color(ui.visuals().warn_fg_color));
                }
            });
    }
    if app.jobs.results.is_empty() {
        ui.weak("Start a metric from the Analysis menu; finished runs appear here.");
        return;
    }
    egui::CollapsingHeader::new(format!("All runs ({})", app.jobs.results.len())).id_salt("all-runs").show(ui, |ui| {
        for r in app.jobs.results.iter().rev() {
            ui.label(
                RichText::new(format!(
                    "{} {} · {} · {}: {} ({})",
                    r.job.map_or_else(|| "earlier".to_string(), |j| format!("#{}", j.0)),
                    r.side.name(),
                    short_name(&r.network),
                    r.metric,
                    r.value_text(),
                    r.settings_text()
                ))
                .small(),
            );
        }
    });
}
