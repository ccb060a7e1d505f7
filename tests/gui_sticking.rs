//! The Inspect window (issue #8) with the fixture networks: each view is computed as a job off
//! the UI thread and its pictures and numbers arrive in the window, for StyleGAN2 and StyleGAN3
//! side by side.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use std::time::Duration;

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gui_support::wait_until;
use stylescope::gui::app::ExplorerApp;
use stylescope::gui::panels::sticking::{BOTH_VIEWS, COMPUTE, WINDOW};
use stylescope::gui::sticking_state::StickingTab;
use stylescope::gui::{AppOptions, Side};
use stylescope::jobs::generator_engine::GeneratorLoader;

fn harness(files: Vec<std::path::PathBuf>) -> Harness<'static, ExplorerApp> {
    let mut o = AppOptions::new(GeneratorLoader::default().shared());
    o.files = files;
    Harness::builder().with_size(vec2(1400.0, 900.0)).build_eframe(move |cc| ExplorerApp::new(cc, o).expect("app"))
}

fn wait_loaded(h: &mut Harness<'_, ExplorerApp>, sides: &[Side]) {
    wait_until(Duration::from_secs(120), "networks loaded", || {
        h.step();
        sides.iter().all(|s| h.state().view(*s).info().is_some() && h.state().view(*s).image.is_some())
    });
}

/// Clicks Compute and waits for both sides' results of `tab`.
fn compute(h: &mut Harness<'_, ExplorerApp>, tab: StickingTab, sides: &[Side]) {
    h.get_by_label(tab.label()).click();
    h.step();
    h.get_by_label(COMPUTE).click();
    h.step();
    assert!(h.state().sticking.busy() || sides.iter().all(|s| h.state().sticking.results[s.index()].is_some()));
    wait_until(Duration::from_secs(300), tab.label(), || {
        h.step();
        let s = &h.state().sticking;
        !s.busy()
            && sides.iter().all(|side| {
                s.results[side.index()].as_ref().is_some_and(|r| r.tab == tab) || s.errors[side.index()].is_some()
            })
    });
}

#[test]
fn every_view_arrives_for_stylegan2_and_stylegan3_side_by_side() {
    let sg2 = require_fixture!("sg2_64");
    let sg3 = require_fixture!("sg3t_64");
    let mut h = harness(vec![sg2.join("network.pkl"), sg3.join("network.pkl")]);
    wait_loaded(&mut h, &Side::BOTH);

    // The window opens from the View menu.
    h.get_by_label("View").click();
    h.run_steps(3);
    h.get_by_label_contains("Inspect: sticking").click();
    h.run_steps(2);
    assert!(h.state().sticking.open);
    assert!(h.query_by_label(WINDOW).is_some());
    h.get_by_label(BOTH_VIEWS).click();
    h.step();
    assert!(h.state().sticking.both);

    // Small settings so that the test stays short.
    {
        let s = &mut h.state_mut().sticking.settings;
        s.average.count = 4;
        s.frames = 6;
        s.speed = [1.0, 0.0];
        s.spectrum.num = 2;
        s.spectrum.interp = 1;
    }

    compute(&mut h, StickingTab::Average, &Side::BOTH);
    for side in Side::BOTH {
        let r = h.state().sticking.results[side.index()].as_ref().unwrap();
        assert_eq!(r.textures.len(), 3, "centre, average, difference");
        assert_eq!(r.textures[0].1.size(), [64, 64]);
        assert!(r.outcome.notes[0].contains("sharpness"));
        assert!(r.outcome.notes[1].contains("% retained"), "{:?}", r.outcome.notes);
    }

    // A slice: SG2 cannot translate its input (the error says why), SG3 can.
    compute(&mut h, StickingTab::Slice, &Side::BOTH);
    let s = &h.state().sticking;
    assert!(s.errors[0].as_ref().unwrap().contains("StyleGAN3"), "{:?}", s.errors[0]);
    let r = s.results[1].as_ref().unwrap();
    assert_eq!(r.textures[1].1.size(), [6, 64], "column slice: 64 rows, one column per frame");
    assert_eq!(r.outcome.frames.len(), 6);

    // Latent interpolation works on both.
    h.state_mut().sticking.settings.speed = [0.0, 0.0];
    compute(&mut h, StickingTab::Slice, &Side::BOTH);
    assert!(h.state().sticking.errors.iter().all(Option::is_none));
    assert_eq!(h.state().sticking.animation().unwrap().len(), 6);

    // Residual and error map: StyleGAN3 only.
    compute(&mut h, StickingTab::Residual, &Side::BOTH);
    assert!(h.state().sticking.errors[0].is_some());
    assert!(h.state().sticking.results[1].as_ref().unwrap().outcome.notes[0].contains("mean residual"));
    compute(&mut h, StickingTab::ErrorMap, &Side::BOTH);
    assert!(h.state().sticking.results[1].as_ref().unwrap().outcome.notes[0].contains("PSNR"));

    // Layers: the list with sizes and channels, then another layer and the FFT view.
    compute(&mut h, StickingTab::Layers, &Side::BOTH);
    let layers = h.state().sticking.results[0].as_ref().unwrap().outcome.layers.clone();
    assert!(layers.iter().any(|l| l.name == "b8.conv0" && l.channels == 48 && l.width == 8));
    let sg3_layers = &h.state().sticking.results[1].as_ref().unwrap().outcome.layers;
    assert!(sg3_layers.iter().any(|l| l.name == "L4_52_32" && l.width == 52 && l.channels == 32));
    h.state_mut().sticking.both = false;
    h.state_mut().active = Side::Right;
    h.run_steps(2);
    h.get_by_label("L4_52_32").click();
    h.step();
    // Changing the layer recomputes by itself.
    wait_until(Duration::from_secs(120), "layer L4", || {
        h.step();
        let s = &h.state().sticking;
        !s.busy() && s.results[1].as_ref().is_some_and(|r| r.outcome.notes[0].starts_with("L4_52_32"))
    });
    let r = h.state().sticking.results[1].as_ref().unwrap();
    assert_eq!(r.textures.len(), 2, "image and FFT");
    assert_eq!(r.textures[1].1.size(), [52, 52]);
    // The FFT view is coloured by the WGSL shader (software Vulkan in CI).
    assert!(r.textures[1].0.ends_with("(WGSL)"), "{}", r.textures[1].0);

    h.state_mut().sticking.both = true;
    compute(&mut h, StickingTab::Spectrum, &Side::BOTH);
    assert!(h.state().sticking.slices_plot.is_some());
    assert_eq!(h.state().sticking.results[0].as_ref().unwrap().textures[0].1.size(), [64, 64]);
}

/// Writes `docs/sticking/window.png`: the real window (wgpu on software Vulkan) comparing
/// StyleGAN2 and StyleGAN3 with the Inspect window showing time–space slices. Run with
/// `cargo test --test gui_sticking -- --ignored`.
#[test]
#[ignore = "writes the documentation screenshot"]
fn window_screenshot_for_docs() {
    let sg2 = require_fixture!("sg2_64");
    let sg3 = require_fixture!("sg3t_64");
    let mut o = AppOptions::new(GeneratorLoader::default().shared());
    o.files = vec![sg2.join("network.pkl"), sg3.join("network.pkl")];
    let mut h = Harness::builder()
        .with_size(vec2(1500.0, 950.0))
        .wgpu()
        .build_eframe(move |cc| ExplorerApp::new(cc, o).expect("app"));
    wait_loaded(&mut h, &Side::BOTH);
    h.state_mut().sticking.open = true;
    h.state_mut().sticking.both = true;
    h.state_mut().sticking.settings.frames = 48;
    h.state_mut().sticking.settings.speed = [0.0, 0.0];
    h.state_mut().sticking.settings.to_seed = 7;
    h.run_steps(3);
    compute(&mut h, StickingTab::Slice, &Side::BOTH);
    h.run_steps(5);
    let image = h.render().expect("render");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sticking/window.png");
    image.save(&path).unwrap();
    eprintln!("wrote {}", path.display());
}
