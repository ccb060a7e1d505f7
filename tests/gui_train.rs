//! Training from the window (egui_kittest): File → Train… on 16 toy faces at 16² with a tiny
//! network, the job starts, the live sample grid and the curves appear while the window keeps
//! answering (frames drawn, pause and resume clicked mid-run), Stop ends the run with a complete
//! final snapshot and no partial file, and "Open latest snapshot in left view" opens it in the
//! left view, where the real generator renders it.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod common;
mod gui_support;
#[path = "common/train_util.rs"]
mod train_util;

use std::path::Path;
use std::time::Duration;

use candle_core::Device;
use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gui_support::wait_until;
use stylescope::checkpoint::Checkpoint;
use stylescope::gui::app::ExplorerApp;
use stylescope::gui::{AppOptions, Side, train_dialog, train_view};
use stylescope::jobs::JobStatus;
use stylescope::jobs::generator_engine::GeneratorLoader;
use stylescope::progress::Silent;
use stylescope::train::datasets::ToyFaces;

fn type_into(h: &mut Harness<'_, ExplorerApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.step();
    h.get_by_label(label).type_text(text);
    h.step();
}

fn set_number(h: &mut Harness<'_, ExplorerApp>, label: &str, v: f64) {
    h.get_by_label(label).set_value_accesskit(v);
    h.step();
}

fn status(h: &Harness<'_, ExplorerApp>) -> JobStatus {
    h.state().train.run.as_ref().expect("a run").status()
}

fn assert_not_failed(h: &Harness<'_, ExplorerApp>) {
    if let JobStatus::Failed(e) = status(h) {
        panic!("the run failed: {e}");
    }
}

fn stray_files(run_dir: &Path) -> Vec<String> {
    let known = [".safetensors", ".png", ".txt", ".json", ".jsonl"];
    std::fs::read_dir(run_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !known.iter().any(|k| n.ends_with(k)))
        .collect()
}

#[test]
fn train_dialog_starts_a_live_run_that_stops_cleanly_and_opens_in_a_view() {
    let dir = common::temp_dir("test-gui-train");
    let data = dir.join("toyfaces16.zip");
    ToyFaces { count: 16, resolution: 16, unaligned: false, seed: 1 }.write_zip(&data, &Silent).unwrap();
    let outdir = dir.join("runs");

    let o = AppOptions::new(GeneratorLoader::default().shared());
    let mut h = Harness::builder()
        .with_size(vec2(1400.0, 1000.0))
        .build_eframe(move |cc| ExplorerApp::new(cc, o).expect("app"));
    h.step();

    // File → Train…
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Train…").click();
    h.step();
    h.step();
    assert!(h.query_by_label(train_dialog::TITLE).is_some(), "the dialog is open");

    // A typo in the dataset path is named, nothing starts.
    type_into(&mut h, train_dialog::DATA, &dir.join("missing.zip").display().to_string());
    h.get_by_label(train_dialog::START).click();
    h.step();
    h.step();
    assert!(h.state().train.run.is_none());
    let error = h.state().train.error.clone().unwrap_or_default();
    assert!(error.contains("missing.zip") && error.contains("does not exist"), "{error}");

    h.state_mut().train.form.data.clear();
    h.step();
    type_into(&mut h, train_dialog::DATA, &data.display().to_string());
    h.state_mut().train.form.outdir.clear();
    h.step();
    type_into(&mut h, train_dialog::OUTDIR, &outdir.display().to_string());
    set_number(&mut h, train_dialog::KIMG, 10.0);
    set_number(&mut h, train_dialog::BATCH, 4.0);
    set_number(&mut h, train_dialog::GAMMA, 0.1);
    set_number(&mut h, train_dialog::CBASE, 128.0);
    set_number(&mut h, train_dialog::CMAX, 16.0);
    set_number(&mut h, train_dialog::Z_DIM, 16.0);
    set_number(&mut h, train_dialog::W_DIM, 16.0);
    set_number(&mut h, train_dialog::MAP_DEPTH, 2.0);
    set_number(&mut h, train_dialog::TICK, 0.008);
    set_number(&mut h, train_dialog::SNAP, 1000.0);
    set_number(&mut h, train_dialog::GRID_COLS, 4.0);
    set_number(&mut h, train_dialog::GRID_ROWS, 2.0);
    h.get_by_label(train_dialog::MIRROR).click();
    h.step();
    let form = h.state().train.form.clone();
    assert_eq!(
        (form.kimg, form.batch, form.cbase, form.cmax, form.z_dim, form.map_depth, form.snap),
        (10.0, 4, 128, 16, 16, 2, 1000)
    );
    assert!(form.mirror && (form.tick - 0.008).abs() < 1e-12 && (form.gamma - 0.1).abs() < 1e-12);
    assert_eq!(form.data, data.display().to_string());

    h.get_by_label(train_dialog::START).click();
    h.step();
    h.step();
    assert!(h.state().train.run.is_some(), "Start submitted a job: {:?}", h.state().train.error);
    assert!(h.query_by_label(train_dialog::TITLE).is_none(), "the dialog closed");
    assert!(h.query_by_label(train_view::TITLE).is_some(), "the training window is open");

    // The grid and the curves appear while the UI keeps drawing frames.
    let frames_before = h.state().frames;
    wait_until(Duration::from_secs(300), "a live grid and curves", || {
        h.step();
        assert_not_failed(&h);
        let t = &h.state().train;
        t.grid_version >= 3 && t.curve_segments >= 4
    });
    let t = &h.state().train;
    assert_eq!(t.grid_texture.size(), [64, 32], "4x2 grid of 16² samples");
    assert_eq!(t.grid_texture.allocations(), 1, "one texture, reused for every grid");
    assert!(t.grid_texture.uploads() >= 3);
    assert!(h.state().frames - frames_before >= 10, "the window drew frames while training");
    assert_eq!(status(&h), JobStatus::Running);

    // Pause and resume in the middle of the run.
    h.get_by_label(train_view::PAUSE).click();
    h.step();
    h.step();
    assert!(h.state().train.run.as_ref().unwrap().is_paused());
    assert!(h.query_by_label(train_view::RESUME).is_some(), "the button now resumes");
    wait_until(Duration::from_secs(120), "the pause", || {
        h.step();
        h.state().train.run.as_ref().unwrap().snapshot().log.iter().any(|l| l.starts_with("Paused at"))
    });
    h.get_by_label(train_view::RESUME).click();
    h.step();
    assert!(!h.state().train.run.as_ref().unwrap().is_paused());

    // Stop: the run ends on its own thread with a final snapshot; nothing partial is left.
    h.get_by_label(train_view::CANCEL).click();
    wait_until(Duration::from_secs(120), "the run to stop", || {
        h.step();
        !status(&h).is_active()
    });
    h.step();
    assert_eq!(status(&h), JobStatus::Finished, "stopped with its final snapshot");
    let live = h.state().train.run.as_ref().unwrap().live.state();
    assert_eq!(live.finished, Some(true));
    let latest = live.latest_snapshot().cloned().expect("a snapshot");
    assert_eq!(h.state().train.latest_snapshot(), Some(latest.clone()));
    assert_eq!(stray_files(live.run_dir.as_ref().unwrap()), Vec::<String>::new());
    for (_, p) in &live.snapshots {
        Checkpoint::open(p).unwrap().load_generator(&Device::Cpu).unwrap();
    }

    // Open the latest snapshot in the left view: the real generator renders it.
    h.get_by_label(train_view::OPEN_LEFT).click();
    h.step();
    h.step();
    assert_eq!(h.state().view(Side::Left).path(), Some(latest.as_path()));
    wait_until(Duration::from_secs(120), "the snapshot rendered in the left view", || {
        h.step();
        let v = h.state().view(Side::Left);
        if let stylescope::gui::view::ViewStatus::Failed { error, .. } = &v.status {
            panic!("load failed: {error}");
        }
        v.image_version >= 1 && !v.busy()
    });
    let img = h.state().view(Side::Left).image.clone().unwrap();
    assert_eq!((img.width, img.height), (16, 16));
}
