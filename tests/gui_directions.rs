//! The Directions panel with a real network: SeFa computed on pick, a slider moves the image
//! (exactly as the library's edit of the same direction does), reset restores it, several
//! sliders add up, GANSpace runs as a job, and a `.npy` of the wrong width shows its error.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use std::time::Duration;

use candle_core::Device;
use egui::accesskit::Role;
use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_support::{temp_dir, wait_until};
use stylescope::gui::app::ExplorerApp;
use stylescope::gui::directions::panel;
use stylescope::gui::{AppOptions, Side};
use stylescope::jobs::generator_engine::GeneratorLoader;
use stylescope::latent::directions::{DirectionEdit, apply_edits};
use stylescope::raster::Raster;

/// Equal up to float rounding (|diff| ≤ 1 on ≤ 0.1 % of values, the fixtures' tolerance), with a
/// short message instead of two whole arrays.
fn assert_same(a: &Raster, b: &Raster, what: &str) {
    assert_eq!((a.width, a.height, a.channels), (b.width, b.height, b.channels), "{what}");
    let off = a.pixels.iter().zip(&b.pixels).filter(|(x, y)| x != y).count();
    let max = a.pixels.iter().zip(&b.pixels).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0);
    assert!(max <= 1 && off <= a.pixels.len() / 1000 + 1, "{what}: {off} values differ (largest by {max})");
}

fn harness(files: Vec<std::path::PathBuf>) -> Harness<'static, ExplorerApp> {
    let mut o = AppOptions::new(GeneratorLoader::default().shared());
    o.files = files;
    let mut h = Harness::builder()
        .with_size(vec2(1100.0, 1600.0))
        .build_eframe(move |cc| ExplorerApp::new(cc, o).expect("app"));
    h.step();
    // The section starts closed.
    assert!(h.query_by_label(panel::SEFA).is_none());
    // Open it once the network has loaded: the click is a pointer event at the header's place,
    // and the Network section grows when the file arrives, which moved the header under a click
    // sent earlier (a CI flake).
    wait_image(&mut h, 1);
    h.get_by_label(stylescope::gui::panels::controls_pane::DIRECTIONS).click();
    h.run_steps(2);
    assert!(h.query_by_label(panel::SEFA).is_some(), "the Directions section did not open");
    // Opening starts SeFa (the default method); until it ends, other runs are disabled and its
    // sliders are still to push the controls below down.
    wait_set(&mut h, "SeFa");
    h
}

fn wait_image(h: &mut Harness<'_, ExplorerApp>, version: u64) {
    wait_until(Duration::from_secs(120), "a rendered image", || {
        h.step();
        let v = h.state().view(Side::Left);
        assert!(v.render_error.is_none(), "render failed: {:?}", v.render_error);
        v.image_version >= version && !v.busy()
    });
}

fn wait_set(h: &mut Harness<'_, ExplorerApp>, method: &str) {
    wait_until(Duration::from_secs(120), "a direction set", || {
        h.step();
        let d = &h.state().directions;
        assert!(d.error.is_none(), "panel error: {:?}", d.error);
        d.set.as_ref().is_some_and(|s| s.method == method) && !d.busy()
    });
    h.run_steps(2);
}

/// The image the library makes for seed 0 with `edits` (what the render worker must show).
fn expected(net: &std::path::Path, edits: &[DirectionEdit]) -> Raster {
    let g = stylescope::checkpoint::Checkpoint::open(net).unwrap().load_generator(&Device::Cpu).unwrap();
    let z = stylescope::latent::z_tensor(&[0], g.config().z_dim(), &Device::Cpu).unwrap();
    let ws = apply_edits(&g.mapping(&z, None, 1.0, None).unwrap(), edits).unwrap();
    let img = g.synthesis(&ws, &Default::default()).unwrap().image;
    stylescope::nn::image::to_raster(&img, 0).unwrap()
}

#[test]
fn sefa_slider_moves_the_image_and_reset_restores_it() {
    let dir = require_fixture!("sg2_64");
    let net = dir.join("network.pkl");
    let mut h = harness(vec![net.clone()]);
    wait_image(&mut h, 1);
    let plain = h.state().view(Side::Left).image.clone().unwrap();
    assert_same(&plain, &expected(&net, &[]), "plain image");

    h.get_by_label(panel::SEFA).click();
    wait_set(&mut h, "SeFa");
    let set = h.state().directions.set.clone().unwrap();
    assert_eq!(set.directions.len(), 64);
    assert_eq!(set.default_layers, (0, 9));

    let v = h.state().view(Side::Left).image_version;
    h.get_by_role_and_label(Role::Slider, "SeFa 0").set_value_accesskit(3.0);
    h.step();
    wait_image(&mut h, v + 1);
    let moved = h.state().view(Side::Left).image.clone().unwrap();
    assert_ne!(moved.pixels, plain.pixels, "the slider did not change the image");
    assert_eq!(h.state().directions.strengths[0], 3.0);
    let edit = DirectionEdit { direction: set.directions[0].clone(), strength: 3.0, layers: Some((0, 9)) };
    assert_same(&moved, &expected(&net, std::slice::from_ref(&edit)), "SeFa 0 at +3σ");

    // A second slider on a row range adds up.
    let v = h.state().view(Side::Left).image_version;
    h.get_by_label(panel::FROM_ROW).set_value_accesskit(2.0);
    h.get_by_label(panel::TO_ROW).set_value_accesskit(5.0);
    h.get_by_role_and_label(Role::Slider, "SeFa 1").set_value_accesskit(-2.0);
    h.step();
    wait_image(&mut h, v + 1);
    let both = [
        DirectionEdit { layers: Some((2, 5)), ..edit.clone() },
        DirectionEdit { direction: set.directions[1].clone(), strength: -2.0, layers: Some((2, 5)) },
    ];
    assert_same(&h.state().view(Side::Left).image.clone().unwrap(), &expected(&net, &both), "two sliders on rows 2-5");

    let v = h.state().view(Side::Left).image_version;
    h.get_by_label(panel::RESET).click();
    h.step();
    wait_image(&mut h, v + 1);
    assert_eq!(
        h.state().view(Side::Left).image.clone().unwrap().pixels,
        plain.pixels,
        "reset restores the image exactly"
    );
}

#[test]
fn importing_a_mismatched_npy_shows_its_error() {
    let dir = require_fixture!("sg3t_64");
    let tmp = temp_dir("gui-directions-import");
    let wide = tmp.join("wide_boundary.npy");
    stylescope::latent::directions::npy::write_npy_f32(&wide, &[1, 512], &vec![0.05; 512]).unwrap();
    let mut h = harness(vec![dir.join("network.pkl")]);
    wait_image(&mut h, 1);
    h.get_by_label(panel::IMPORT).click();
    h.step();
    h.get_by_label(panel::IMPORT_PATH).focus();
    h.step();
    h.get_by_label(panel::IMPORT_PATH).type_text(&wide.display().to_string());
    h.step();
    h.get_by_label(panel::IMPORT_BUTTON).click();
    wait_until(Duration::from_secs(120), "the import error", || {
        h.step();
        h.state().directions.error.is_some()
    });
    h.step();
    let shown = h.get_by_label_contains("does not match");
    let text = shown.accesskit_node().value().unwrap_or_default();
    assert!(text.contains("wide_boundary.npy") && text.contains("512") && text.contains("w_dim 64"), "{text}");
    // The failed import replaced nothing (the SeFa sliders computed on opening stay).
    assert!(h.state().directions.set.as_ref().is_none_or(|s| s.method == "SeFa"));

    // A file of the right width imports as a slider (σ measured from samples).
    let good = tmp.join("good.npy");
    let mut v = vec![0f32; 64];
    v[3] = 1.0;
    stylescope::latent::directions::npy::write_npy_f32(&good, &[64], &v).unwrap();
    h.state_mut().directions.import_path = good.display().to_string();
    h.step();
    h.get_by_label(panel::IMPORT_BUTTON).click();
    wait_set(&mut h, "good.npy");
    let d = h.state().directions.set.clone().unwrap();
    assert_eq!(d.directions.len(), 1);
    assert!(d.directions[0].sigma > 0.0 && d.directions[0].sigma != 1.0);
    assert_eq!(d.default_layers, (1, 15), "StyleGAN3 leaves ws[0] alone");
    let ver = h.state().view(Side::Left).image_version;
    h.get_by_role_and_label(Role::Slider, "good").set_value_accesskit(4.0);
    h.step();
    wait_image(&mut h, ver + 1);
    assert!(h.state().directions.error.is_none());
}

#[test]
fn ganspace_runs_as_a_job_and_becomes_sliders() {
    let dir = require_fixture!("sg3r_64");
    let mut h = harness(vec![dir.join("network.pkl")]);
    wait_image(&mut h, 1);
    h.get_by_label(panel::GANSPACE).click();
    h.step();
    h.state_mut().directions.ganspace.samples = 3000;
    h.state_mut().directions.ganspace.components = 12;
    h.step();
    h.get_by_label(panel::RUN_GANSPACE).click();
    wait_set(&mut h, "GANSpace");
    let set = h.state().directions.set.clone().unwrap();
    assert_eq!(set.directions.len(), 12);
    // The job ran on the window's shared runner: the Jobs panel lists it, finished.
    let jobs = h.state().jobs.snapshots();
    assert!(jobs.iter().any(|j| j.title == "GANSpace" && j.status == stylescope::jobs::JobStatus::Finished));
    assert!(h.state().jobs.panel_open);
    assert!(set.directions.windows(2).all(|w| w[0].sigma >= w[1].sigma));
    let ver = h.state().view(Side::Left).image_version;
    h.get_by_role_and_label(Role::Slider, "PC 0").set_value_accesskit(-3.0);
    h.step();
    wait_image(&mut h, ver + 1);
}

#[test]
fn a_stylespace_channel_slider_moves_one_channel() {
    let dir = require_fixture!("sg3t_64");
    let net = dir.join("network.pkl");
    let mut h = harness(vec![net.clone()]);
    wait_image(&mut h, 1);
    let plain = h.state().view(Side::Left).image.clone().unwrap();
    h.get_by_label(panel::STYLE_LAYER).set_value_accesskit(4.0);
    h.get_by_label(panel::STYLE_CHANNEL).set_value_accesskit(3.0);
    h.get_by_role_and_label(Role::Slider, panel::STYLE_STRENGTH).set_value_accesskit(4.0);
    wait_until(Duration::from_secs(120), "the channel edit", || {
        h.step();
        let v = h.state().view(Side::Left);
        !v.style_channels.is_empty() && v.image_version >= 2 && !v.busy()
    });
    h.run_steps(2);
    let v = h.state().view(Side::Left).image_version;
    wait_image(&mut h, v);
    let shown = h.state().view(Side::Left).image.clone().unwrap();
    assert_ne!(shown.pixels, plain.pixels);
    // The library's image with the same offset (σ of L4_3 over the same 2000 samples).
    let g = stylescope::checkpoint::Checkpoint::open(&net).unwrap().load_generator(&Device::Cpu).unwrap();
    let stats =
        stylescope::latent::directions::StyleStats::compute(&g, 2000, 0, &stylescope::progress::Silent).unwrap();
    let o = stats.offset(stylescope::latent::directions::StyleChannel { layer: 4, channel: 3 }, 4.0).unwrap();
    assert_eq!(h.state().view(Side::Left).style_channels, vec![o]);
    let z = stylescope::latent::z_tensor(&[0], 64, &Device::Cpu).unwrap();
    let ws = g.mapping(&z, None, 1.0, None).unwrap();
    let img =
        g.synthesis(&ws, &stylescope::nn::SynthesisOptions { style_offsets: vec![o], ..Default::default() }).unwrap();
    assert_same(&shown, &stylescope::nn::image::to_raster(&img.image, 0).unwrap(), "L4_3 at +4σ");
}
