//! What each [`Command`] does to the window.

use std::path::PathBuf;

use crate::Error;
use crate::analysis::registry::MetricId;
use crate::gui::app::{ExplorerApp, report};
use crate::gui::capture;
use crate::gui::command::Command;
use crate::gui::image_view::Zoom;
use crate::gui::panels::analysis_menu::Target;
use crate::gui::side::Side;
use crate::gui::texture::color_image;
use crate::jobs::engine_switch::EngineChoice;
use crate::jobs::task::Task;
use crate::raster::Raster;

pub fn execute(app: &mut ExplorerApp, command: Command) {
    match command {
        Command::Open { side, path } => open(app, side, path),
        Command::OpenDialog(side) => open_dialog(app, side),
        Command::Close(side) => {
            app.view_mut(side).close();
            app.settings.session[side.index()] = None;
        }
        Command::SetCompare(on) => {
            app.settings.compare = on;
            if !on {
                app.active = Side::Left;
            }
        }
        Command::SetLinked(on) => {
            if on != app.settings.linked {
                // Unlinking starts each view from the shared values; linking takes the active view's.
                if on {
                    app.settings.shared = app.settings.own[app.active.index()].clone();
                } else {
                    let shared = app.settings.shared.clone();
                    app.settings.own = [shared.clone(), shared];
                }
                app.settings.linked = on;
            }
        }
        Command::SetActive(side) => {
            app.active = if app.settings.compare { side } else { Side::Left };
        }
        Command::SaveImage(side) => save_image(app, side),
        Command::SaveComposite => save_composite(app),
        Command::SaveWindow => {
            let (tx, rx) = std::sync::mpsc::channel();
            let ctx = app.ctx().clone();
            let callback = egui::ScreenshotCallback::new(move |image| {
                let _ = tx.send(image);
                ctx.request_repaint();
            });
            app.ctx().send_viewport_cmd(egui::ViewportCommand::Screenshot(callback));
            app.set_screenshot(rx);
        }
        Command::CopyImage(side) => match app.view_mut(side).fetch_pixels() {
            Some(img) => {
                app.ctx().copy_image(color_image(&img));
                app.message = Some(format!(
                    "Copied the {} image ({}×{}) to the clipboard",
                    side.name().to_lowercase(),
                    img.width,
                    img.height
                ));
            }
            None => app.message = Some("Nothing to copy yet".into()),
        },
        Command::ZoomFit => app.zoom = Zoom::default(),
        Command::SetNearest(on) => {
            app.settings.nearest = on;
            let ctx = app.ctx().clone();
            for side in Side::BOTH {
                app.view_mut(side).set_filter(&ctx, on);
            }
            let heat = app.difference.result.as_ref().map(|d| d.heatmap.clone());
            app.difference.texture.set_filter(heat.as_ref(), &ctx, on);
        }
        Command::SetDifference(on) => app.settings.show_difference = on,
        Command::SetEngine(choice) => set_engine(app, choice),
        Command::StepSeed { dx, dy } => {
            let c = app.edited_controls_mut();
            c.plane.x = c.plane.x.round_ties_even() + dx as f64;
            c.plane.y = c.plane.y.round_ties_even() + dy as f64;
        }
        Command::ToggleAnimation => {
            let c = app.edited_controls_mut();
            c.latent_anim = !c.latent_anim;
        }
        Command::Snap => app.edited_controls_mut().plane.snap(),
        Command::ResetLatent => app.edited_controls_mut().reset_latent(),
        Command::ShowHelp(on) => app.help_open = on,
        Command::FocusPath => app.focus_path = true,
        Command::Quit => app.ctx().send_viewport_cmd(egui::ViewportCommand::Close),
        Command::RunMetric { metric, side } => run_metric(app, metric, side),
        Command::CancelJob(id) => app.jobs.cancel(id),
        Command::ShowJobs(on) => app.jobs.panel_open = on,
        Command::ClearFinishedJobs => app.jobs.clear_finished(),
    }
}

/// Queues `metric` for the network in `side`; refuses (in the status bar) what the Analysis menu
/// greys out.
fn run_metric(app: &mut ExplorerApp, metric: MetricId, side: Side) {
    if let Some(why) = crate::gui::panels::analysis_menu::why_not(app, Target::One(side)) {
        app.message = Some(format!("{}: {why}", metric.label()));
        return;
    }
    let Some(path) = app.view(side).info().map(|i| i.path.clone()) else { return };
    let options = app.settings.analysis.clone();
    app.jobs.start_metric(side, &path, metric, &options);
}

fn open(app: &mut ExplorerApp, side: Side, path: PathBuf) {
    let side = if side == Side::Right || app.settings.compare { side } else { Side::Left };
    if side == Side::Right {
        app.settings.compare = true;
    }
    app.view_mut(side).open(&path);
    app.message = None;
}

fn open_dialog(app: &mut ExplorerApp, side: Side) {
    if app.dialog_open() {
        return; // one dialog at a time
    }
    let Some(pick) = app.pick_file() else {
        app.message = Some("No file dialog here: type or paste a path into the field, or drop a file on a view".into());
        return;
    };
    let ctx = app.ctx().clone();
    match Task::spawn("file-dialog", move || pick(), move || ctx.request_repaint()) {
        Ok(task) => app.set_dialog(side, task),
        Err(e) => report(app, "Open", &e),
    }
}

/// Chooses the engine and reopens the views' files with it.
fn set_engine(app: &mut ExplorerApp, choice: EngineChoice) {
    app.settings.engine = choice;
    let Some(engines) = app.engines.clone() else { return };
    if engines.choice() == choice {
        return;
    }
    engines.set_choice(choice);
    for side in Side::BOTH {
        if let Some(path) = app.view(side).path().map(std::path::Path::to_path_buf) {
            app.view_mut(side).open(&path);
        }
    }
}

fn save_image(app: &mut ExplorerApp, side: Side) {
    let Some(img) = app.view_mut(side).fetch_pixels() else {
        app.message = Some(format!("The {} view has no image to save yet", side.name().to_lowercase()));
        return;
    };
    let dir = app.settings.capture_dir.clone();
    match capture::save_capture(&dir, "", &img) {
        Ok(path) => app.message = Some(format!("Saved {}", path.display())),
        Err(e) => report(app, "Save image", &e),
    }
}

/// The images of the composite: left, right, and the difference when it is shown.
pub fn composite(app: &ExplorerApp) -> Result<Raster, Error> {
    let mut images: Vec<&Raster> = Vec::new();
    for side in app.shown_sides() {
        if let Some(img) = &app.view(side).image {
            images.push(img);
        }
    }
    if app.settings.compare
        && app.settings.show_difference
        && let Some(d) = &app.difference.result
    {
        images.push(&d.heatmap);
    }
    capture::side_by_side(&images, 4)
}

/// Writes a window screenshot as the next `NNNNN-window.png`.
pub fn save_window(app: &mut ExplorerApp, image: &egui::ColorImage) {
    let [w, h] = image.size;
    let pixels: Vec<u8> = image.pixels.iter().flat_map(|c| [c.r(), c.g(), c.b()]).collect();
    let dir = app.settings.capture_dir.clone();
    match Raster::new(w, h, 3, pixels).and_then(|r| capture::save_capture(&dir, "-window", &r)) {
        Ok(path) => app.message = Some(format!("Saved {}", path.display())),
        Err(e) => report(app, "Save window", &e),
    }
}

fn save_composite(app: &mut ExplorerApp) {
    for side in app.shown_sides() {
        app.view_mut(side).fetch_pixels();
    }
    let dir = app.settings.capture_dir.clone();
    match composite(app).and_then(|img| capture::save_capture(&dir, "-compare", &img)) {
        Ok(path) => app.message = Some(format!("Saved {}", path.display())),
        Err(e) => report(app, "Save side by side", &e),
    }
}
