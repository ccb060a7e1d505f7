//! wgpu snapshots of the window's main states, compared with the committed images in
//! `tests/snapshots/` (regenerate with `UPDATE_SNAPSHOTS=1`). Rendered with the software Vulkan
//! driver in CI (`.ci/run` installs `mesa-vulkan-drivers`).
//!
//! Determinism: fixed window size, no pointer, the Performance section (timings) collapsed, no
//! absolute temporary paths on screen, and synthetic images that depend only on the controls.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gui_support::{fake_loader, fake_network, temp_dir, wait_until};
use stylescope::gui::app::ExplorerApp;
use stylescope::gui::{AppOptions, Command, Side, panels};

fn harness(files: Vec<PathBuf>) -> Harness<'static, ExplorerApp> {
    let mut o = AppOptions::new(fake_loader(Arc::new(AtomicUsize::new(0))));
    o.files = files;
    let mut h = Harness::builder()
        .with_size(vec2(1100.0, 720.0))
        .wgpu()
        .build_eframe(move |cc| ExplorerApp::new(cc, o).expect("app"));
    h.step();
    // Timings change from run to run: keep that section closed. Clicked once the files have
    // loaded: a click is a pointer event at the header's place, which moves when they arrive.
    settle(&mut h);
    h.get_by_label("Performance").click();
    h.remove_cursor();
    h.step();
    h
}

/// Steps until nothing is loading or rendering, then a few more frames for layout to settle.
fn settle(h: &mut Harness<'_, ExplorerApp>) {
    wait_until(Duration::from_secs(20), "views to settle", || {
        h.step();
        h.state().views.iter().all(|v| !v.is_loading() && !v.busy())
    });
    h.remove_cursor();
    h.run_steps(3);
}

#[test]
fn snapshot_welcome() {
    let mut h = harness(vec![]);
    settle(&mut h);
    assert!(h.query_by_label(panels::welcome::TITLE).is_some());
    h.snapshot("welcome");
}

#[test]
fn snapshot_compare_with_difference() {
    let dir = temp_dir("snap-compare");
    let a = fake_network(&dir, "stylegan2.fake", "sg2", 64, 0);
    let b = fake_network(&dir, "stylegan3.fake", "sg3", 64, 0);
    let mut h = harness(vec![a, b]);
    settle(&mut h);
    h.state_mut().queue(Command::SetDifference(true));
    h.state_mut().settings.shared.eq.x = 0.1;
    h.state_mut().settings.shared.plane.set_seed(7);
    settle(&mut h);
    assert!(h.state().difference.result.as_ref().is_some_and(|d| d.max > 0));
    h.snapshot("compare_difference");
}

#[test]
fn snapshot_broken_file() {
    // A relative path that does not exist: the message is the same on every machine.
    let mut h = harness(vec![PathBuf::from("no-such-network.pkl")]);
    settle(&mut h);
    assert!(h.query_by_label_contains("no-such-network.pkl").is_some());
    h.snapshot("broken_file");
}

#[test]
fn snapshot_stylegan2_equivariance_disabled() {
    let dir = temp_dir("snap-sg2");
    let a = fake_network(&dir, "stylegan2.fake", "sg2", 64, 0);
    let mut h = harness(vec![a]);
    settle(&mut h);
    assert!(h.state().view(Side::Left).info().is_some());
    h.get_by_label(panels::equivariance::UNTRANSFORM).hover();
    h.run_steps(6);
    assert!(h.query_by_label_contains("StyleGAN2 has no input transform").is_some());
    h.snapshot("stylegan2_equivariance_disabled");
}

#[test]
fn save_window_writes_a_screenshot() {
    let dir = temp_dir("snap-window");
    let a = fake_network(&dir, "stylegan2.fake", "sg2", 32, 0);
    let mut h = harness(vec![a]);
    settle(&mut h);
    h.state_mut().settings.capture_dir = dir.join("shots");
    h.state_mut().queue(Command::SaveWindow);
    wait_until(Duration::from_secs(20), "the screenshot", || {
        h.step();
        dir.join("shots/00001-window.png").is_file()
    });
    let img = image::open(dir.join("shots/00001-window.png")).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (1100, 720));
    // The left pane shows the image: its centre pixel is not the pane background.
    let pane = h.state().pane_rects[0].unwrap();
    let c = img.get_pixel(pane.center().x as u32, pane.center().y as u32);
    assert_ne!(c.0, [16, 16, 16]);
}
