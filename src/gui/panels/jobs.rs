//! The Jobs panel (bottom): every job of the window's runner, running and finished — title,
//! state, a progress bar with elapsed time and ETA, cancel, the result's summary or the error,
//! and the log — next to the metric results table. It shows any job the runner holds, whatever
//! submitted it.

use egui::{Color32, ProgressBar, RichText, ScrollArea};

use crate::gui::app::ExplorerApp;
use crate::gui::command::Command;
use crate::gui::panels::results_table;
use crate::jobs::progress_state::format_duration;
use crate::jobs::{JobSnapshot, JobStatus};

/// The cancel button of a queued or running job.
pub const CANCEL: &str = "Cancel";
/// Forgets ended jobs.
pub const CLEAR: &str = "Clear finished";
/// How many log lines the log section shows (the newest).
const LOG_LINES: usize = 40;

/// A job's state as the panel words it.
pub fn status_text(status: &JobStatus) -> &'static str {
    match status {
        JobStatus::Queued => "Queued",
        JobStatus::Running => "Running",
        JobStatus::Finished => "Finished",
        JobStatus::Failed(_) => "Failed",
        JobStatus::Cancelled => "Cancelled",
    }
}

/// `43 % · 0:12 elapsed · ETA 16s`.
pub fn progress_text(s: &JobSnapshot) -> String {
    let mut t = format!("{:.0} % · {} elapsed", s.fraction * 100.0, format_duration(s.elapsed));
    if s.cancel_requested {
        t.push_str(" · cancelling…");
    } else if let Some(eta) = s.eta {
        t.push_str(&format!(" · ETA {}", format_duration(eta)));
    }
    t
}

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    if !app.jobs.panel_open {
        return;
    }
    egui::Panel::bottom("jobs").resizable(true).default_size(230.0).min_size(120.0).show(ui, |ui| {
        ui.columns(2, |cols| {
            jobs_list(&mut cols[0], app);
            results_table::show(&mut cols[1], app);
        });
    });
}

fn jobs_list(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let jobs = app.jobs.snapshots();
    ui.horizontal(|ui| {
        let active = jobs.iter().filter(|j| j.status.is_active()).count();
        ui.strong("Jobs");
        ui.weak(format!("{active} active, {} ended", jobs.len() - active));
        let ended = jobs.len() > active;
        if ui.add_enabled(ended, egui::Button::new(CLEAR)).clicked() {
            app.queue(Command::ClearFinishedJobs);
        }
        if ui.button("Hide").on_hover_text("Hide the Jobs panel (Analysis → Jobs panel shows it)").clicked() {
            app.queue(Command::ShowJobs(false));
        }
    });
    ui.separator();
    if jobs.is_empty() {
        ui.weak("No jobs yet: start a metric from the Analysis menu.");
        return;
    }
    ScrollArea::vertical().id_salt("jobs-list").auto_shrink([false, false]).show(ui, |ui| {
        for s in jobs.iter().rev() {
            ui.push_id(s.id.0, |ui| job_row(ui, app, s));
            ui.separator();
        }
    });
}

fn job_row(ui: &mut egui::Ui, app: &mut ExplorerApp, s: &JobSnapshot) {
    ui.horizontal(|ui| {
        ui.strong(format!("#{} {}", s.id.0, s.title));
        let colour = match s.status {
            JobStatus::Failed(_) => Color32::from_rgb(230, 90, 80),
            JobStatus::Finished => Color32::from_rgb(110, 190, 110),
            _ => ui.visuals().weak_text_color(),
        };
        ui.label(RichText::new(status_text(&s.status)).color(colour));
        if s.status.is_active() {
            let cancel = ui.add_enabled(!s.cancel_requested, egui::Button::new(CANCEL));
            if cancel.on_hover_text("Stop this job; a stopped metric writes no result line").clicked() {
                app.queue(Command::CancelJob(s.id));
            }
        }
    });
    match &s.status {
        JobStatus::Queued => {
            ui.weak("waiting for the job before it");
        }
        JobStatus::Running => {
            ui.add(ProgressBar::new(s.fraction as f32).text(progress_text(s)));
        }
        JobStatus::Finished => {
            let summary = s.summary.clone().unwrap_or_default();
            ui.label(format!("{summary} · took {}", format_duration(s.elapsed)));
        }
        JobStatus::Failed(e) => {
            ui.label(RichText::new(e).color(Color32::from_rgb(230, 90, 80)));
        }
        JobStatus::Cancelled => {
            ui.weak(format!("stopped after {}; nothing was written", format_duration(s.elapsed)));
        }
    }
    if !s.log.is_empty() {
        egui::CollapsingHeader::new(format!("Log ({} lines)", s.log.len())).id_salt("log").show(ui, |ui| {
            for line in s.log.iter().skip(s.log.len().saturating_sub(LOG_LINES)) {
                ui.add(egui::Label::new(RichText::new(line).monospace().small()).wrap());
            }
        });
    }
}
