//! Performance section (reference §1.3.5): frame and render time plots with means and rates,
//! and what the render workers skipped. Everything here changes from run to run.

use egui::{Color32, Sense, Stroke, pos2, vec2};

use crate::gui::app::ExplorerApp;
use crate::gui::perf::History;

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    crate::gui::panels::engine::show(ui, app);
    row(ui, "UI", &app.perf.frames, Color32::from_rgb(120, 180, 255), "UI-thread time per frame");
    row(ui, "Render", &app.perf.renders, Color32::from_rgb(255, 170, 90), "Render time per image (worker threads)");
    ui.weak(format!("{} frames in the last second", app.perf.fps()));
    let mut skipped = 0;
    let mut dropped = 0;
    for side in app.shown_sides() {
        skipped += app.view(side).worker().superseded();
        dropped += app.view(side).worker().dropped();
    }
    ui.weak(format!(
        "longest frame {:.0} ms · requests superseded {skipped} · stale results dropped {dropped}",
        app.perf.worst_frame.as_secs_f64() * 1e3
    ));
    for side in app.shown_sides() {
        if let Some(t) = &app.view(side).timings {
            let stages: Vec<String> =
                t.stages.iter().map(|(n, d)| format!("{n} {:.1}", d.as_secs_f64() * 1e3)).collect();
            ui.weak(format!(
                "{}: render {:.1} ms (wait {:.1}){}{}",
                side.name(),
                t.render.as_secs_f64() * 1e3,
                t.wait.as_secs_f64() * 1e3,
                if stages.is_empty() { "" } else { " · " },
                stages.join(" · ")
            ));
        }
    }
}

fn row(ui: &mut egui::Ui, name: &str, h: &History, color: Color32, what: &str) {
    ui.horizontal(|ui| {
        ui.label(name).on_hover_text(what);
        let (rect, _) = ui.allocate_exact_size(vec2(140.0, 28.0), Sense::hover());
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
        let top = h.max().unwrap_or(0.0).max(1e-3);
        let n = h.len().max(2);
        let points: Vec<_> = h
            .values()
            .enumerate()
            .map(|(i, v)| {
                let x = rect.left() + rect.width() * i as f32 / (n - 1) as f32;
                let y = rect.bottom() - rect.height() * (v / top) as f32;
                pos2(x, y)
            })
            .collect();
        if points.len() > 1 {
            painter.add(egui::Shape::line(points, Stroke::new(1.5, color)));
        }
        match (h.mean(), h.rate()) {
            (Some(m), Some(r)) => ui.label(format!("{:.1} ms · {:.1}/s", m * 1e3, r)),
            _ => ui.weak("–"),
        };
    });
}
