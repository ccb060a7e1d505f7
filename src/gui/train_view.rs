//! The training window: the run's progress (kimg, ETA), pause/resume and cancel, the live grid of
//! `G_ema` samples at fixed seeds (one reused texture), loss, score and R1/path-length curves,
//! the job's log, and "open the latest snapshot" in the left or right view.

use std::path::PathBuf;

use egui::{Color32, Vec2};

use crate::gui::side::Side;
use crate::gui::train_plot::{Series, plot};
use crate::gui::train_ui::TrainUi;
use crate::jobs::JobStatus;
use crate::jobs::progress_state::format_duration;
use crate::train::TickStats;

/// Window title and button labels (tests find them by these).
pub const TITLE: &str = "Training";
pub const PAUSE: &str = "Pause";
pub const RESUME: &str = "Resume";
pub const CANCEL: &str = "Stop (final snapshot)";
pub const OPEN_LEFT: &str = "Open latest snapshot in left view";
pub const OPEN_RIGHT: &str = "Open latest snapshot in right view";
pub const SAMPLES: &str = "Samples";

fn series(ticks: &[TickStats], name: &'static str, color: Color32, value: impl Fn(&TickStats) -> Option<f64>) -> Series {
    Series { name, color, points: ticks.iter().filter_map(|t| value(t).map(|v| [t.kimg, v])).collect() }
}

fn status_text(status: &JobStatus, paused: bool, finished: Option<bool>) -> String {
    match status {
        JobStatus::Queued => "queued".into(),
        JobStatus::Running if paused => "paused".into(),
        JobStatus::Running => "running".into(),
        JobStatus::Finished if finished == Some(true) => "stopped on request (final snapshot written)".into(),
        JobStatus::Finished => "finished".into(),
        JobStatus::Failed(e) => format!("failed: {e}"),
        JobStatus::Cancelled => "cancelled".into(),
    }
}

/// Draws the window while it is open; returns a request to open a snapshot in a view.
pub fn show(ctx: &egui::Context, t: &mut TrainUi) -> Option<(Side, PathBuf)> {
    if !t.view_open {
        return None;
    }
    let run = t.run.as_ref()?;
    let mut open = true;
    let mut request = None;
    let mut new_run = false;
    let job = run.snapshot();
    let paused = run.is_paused();
    let live = run.live.state_without_grids();
    let latest = live.latest_snapshot().cloned();
    let mut segments = 0;
    egui::Window::new(TITLE).open(&mut open).default_size([720.0, 640.0]).show(ctx, |ui| {
        ui.horizontal(|ui| {
            ui.strong(&run.title);
            ui.label(status_text(&job.status, paused, live.finished));
        });
        if let Some(dir) = &live.run_dir {
            ui.weak(dir.display().to_string());
        }
        let kimg = live.kimg();
        let mut text = format!("{kimg:.3} / {:.3} kimg", live.total_kimg);
        if let Some(eta) = job.eta.filter(|_| !paused) {
            text.push_str(&format!(" · {} left", format_duration(eta)));
        }
        ui.add(egui::ProgressBar::new(job.fraction as f32).text(text));
        ui.horizontal(|ui| {
            let active = job.status.is_active() && !job.cancel_requested;
            let label = if paused { RESUME } else { PAUSE };
            if ui.add_enabled(active, egui::Button::new(label)).clicked() {
                run.set_paused(!paused);
            }
            if ui.add_enabled(active, egui::Button::new(CANCEL)).on_hover_text("Stops after the current iteration and writes a snapshot").clicked() {
                run.cancel();
            }
            let has = latest.is_some();
            if ui.add_enabled(has, egui::Button::new(OPEN_LEFT)).clicked() {
                request = latest.clone().map(|p| (Side::Left, p));
            }
            if ui.add_enabled(has, egui::Button::new(OPEN_RIGHT)).clicked() {
                request = latest.clone().map(|p| (Side::Right, p));
            }
            if ui.add_enabled(!job.status.is_active(), egui::Button::new("New run…")).clicked() {
                new_run = true;
            }
        });
        if let Some(p) = &latest {
            ui.weak(format!("latest snapshot: {}", p.display()));
        }
        if let Some(last) = live.ticks.last() {
            ui.monospace(last.line());
        }
        ui.separator();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.strong(SAMPLES);
                match (t.grid_texture.id(), t.grid_texture.size()) {
                    (Some(id), [w, h]) if w > 0 => {
                        let scale = (320.0 / w as f32).clamp(0.25, 8.0);
                        let size = Vec2::new(w as f32, h as f32) * scale;
                        ui.add(egui::Image::new((id, size)).fit_to_exact_size(size)).on_hover_text("G_ema at seeds 0, 1, …");
                    }
                    _ => {
                        ui.weak("the first grid comes after the first tick");
                    }
                }
            });
            ui.vertical(|ui| {
                let size = Vec2::new(ui.available_width().max(200.0), 80.0);
                let ticks = &live.ticks;
                let losses = [
                    series(ticks, "G", Color32::from_rgb(80, 160, 255), |s| Some(s.loss_g)),
                    series(ticks, "D", Color32::from_rgb(255, 140, 60), |s| Some(s.loss_d)),
                ];
                segments += plot(ui, "Losses", &losses, size);
                let scores = [
                    series(ticks, "real", Color32::from_rgb(90, 200, 120), |s| Some(s.scores_real)),
                    series(ticks, "fake", Color32::from_rgb(220, 90, 90), |s| Some(s.scores_fake)),
                ];
                segments += plot(ui, "D logits", &scores, size);
                // R1 and the path-length penalty differ by orders of magnitude: one plot each.
                let r1 = [series(ticks, "R1", Color32::from_rgb(200, 120, 255), |s| s.r1_penalty)];
                segments += plot(ui, "R1 penalty", &r1, size);
                if ticks.iter().any(|s| s.pl_penalty.is_some()) {
                    let pl = [series(ticks, "PL", Color32::from_rgb(240, 210, 80), |s| s.pl_penalty)];
                    segments += plot(ui, "Path-length penalty", &pl, size);
                }
            });
        });
        egui::CollapsingHeader::new("Log").default_open(false).show(ui, |ui| {
            egui::ScrollArea::vertical().max_height(160.0).stick_to_bottom(true).show(ui, |ui| {
                for line in &job.log {
                    ui.monospace(line);
                }
            });
        });
    });
    t.curve_segments = segments;
    if new_run {
        t.open_dialog();
    }
    if !open {
        t.view_open = false;
    }
    request
}
