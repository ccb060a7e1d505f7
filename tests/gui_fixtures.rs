//! The explorer window with real networks: NVIDIA's fixture pickles opened through the UI and
//! rendered by the real generator engine, compared pixel by pixel with the images NVIDIA's code
//! made (`../shared/fixtures`, tolerance from its README: |diff| ≤ 1 on ≤ 0.1 % of pixels).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use std::path::Path;
use std::time::Duration;

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_support::{temp_dir, wait_until};
use stylescope::gui::app::ExplorerApp;
use stylescope::gui::{AppOptions, Command, Side, panels};
use stylescope::jobs::generator_engine::GeneratorLoader;
use stylescope::raster::Raster;

fn harness(files: Vec<std::path::PathBuf>, wgpu: bool) -> Harness<'static, ExplorerApp> {
    let mut o = AppOptions::new(GeneratorLoader::default().shared());
    o.files = files;
    let b = Harness::builder().with_size(vec2(1100.0, 720.0));
    let b = if wgpu { b.wgpu() } else { b };
    b.build_eframe(move |cc| ExplorerApp::new(cc, o).expect("app"))
}

fn wait_image(h: &mut Harness<'_, ExplorerApp>, side: Side, version: u64) {
    wait_until(Duration::from_secs(120), "a rendered image", || {
        h.step();
        let v = h.state().view(side);
        assert!(v.render_error.is_none(), "render failed: {:?}", v.render_error);
        if let stylescope::gui::view::ViewStatus::Failed { error, .. } = &v.status {
            panic!("load failed: {error}");
        }
        v.image_version >= version && !v.busy()
    });
}

/// NVIDIA's uint8 image and ours agree within the fixtures' tolerance.
fn assert_matches_golden(ours: &Raster, golden: &Path) {
    let (want, shape) = common::read_npy_f32(golden);
    assert_eq!(shape, vec![ours.height, ours.width, 3], "{}", golden.display());
    assert_eq!(ours.channels, 3);
    let mut off = 0;
    for (a, b) in ours.pixels.iter().zip(&want) {
        let d = (f32::from(*a) - b).abs();
        assert!(d <= 1.0, "{}: a pixel differs by {d}", golden.display());
        off += usize::from(d > 0.0);
    }
    assert!(off <= want.len() / 1000 + 1, "{}: {off} values differ by 1", golden.display());
}

fn type_path(h: &mut Harness<'_, ExplorerApp>, path: &Path) {
    h.get_by_label(panels::network::PATH_FIELD).focus();
    h.step();
    h.get_by_label(panels::network::PATH_FIELD).type_text(&path.display().to_string());
    h.step();
    h.key_press(egui::Key::Enter);
    h.step();
}

#[test]
fn open_a_fixture_and_change_the_seed_through_the_ui() {
    let sg2 = require_fixture!("sg2_64");
    let mut h = harness(vec![], false);
    type_path(&mut h, &sg2.join("network.pkl"));
    wait_image(&mut h, Side::Left, 1);
    let info = h.state().view(Side::Left).info().cloned().unwrap();
    assert_eq!((info.family.as_str(), info.resolution, info.num_ws), ("StyleGAN2", 64, 10));
    let first = h.state().view(Side::Left).image.clone().unwrap();
    assert_matches_golden(&first, &sg2.join("img_seed0_psi1.0_const_u8.npy"));

    h.get_by_label(panels::latent::SEED).set_value_accesskit(85.0);
    h.step();
    wait_image(&mut h, Side::Left, 2);
    let second = h.state().view(Side::Left).image.clone().unwrap();
    assert_ne!(first, second);
    assert_matches_golden(&second, &sg2.join("img_seed85_psi1.0_const_u8.npy"));

    // Truncation through its slider, noise off through its checkbox.
    h.get_by_role_and_label(egui::accesskit::Role::Slider, panels::trunc_noise::PSI).set_value_accesskit(0.7);
    h.get_by_label("Noise").click();
    h.step();
    wait_image(&mut h, Side::Left, 3);
    let app = h.state();
    assert!(!app.controls(Side::Left).noise_enabled);
    assert_matches_golden(app.view(Side::Left).image.as_ref().unwrap(), &sg2.join("img_seed85_psi0.7_none_u8.npy"));
}

#[test]
fn stylegan2_and_stylegan3_fixtures_side_by_side_with_linked_seeds() {
    let sg2 = require_fixture!("sg2_64");
    let sg3 = require_fixture!("sg3t_64");
    let mut h = harness(vec![sg2.join("network.pkl"), sg3.join("network.pkl")], false);
    wait_image(&mut h, Side::Left, 1);
    wait_image(&mut h, Side::Right, 1);
    assert!(h.state().settings.linked);
    assert_eq!(h.state().view(Side::Right).info().unwrap().family, "StyleGAN3-T");

    h.get_by_label(panels::latent::SEED).set_value_accesskit(7.0);
    h.step();
    wait_image(&mut h, Side::Left, 2);
    wait_image(&mut h, Side::Right, 2);
    assert_matches_golden(
        h.state().view(Side::Left).image.as_ref().unwrap(),
        &sg2.join("img_seed7_psi1.0_const_u8.npy"),
    );
    assert_matches_golden(
        h.state().view(Side::Right).image.as_ref().unwrap(),
        &sg3.join("img_seed7_psi1.0_const_u8.npy"),
    );

    // Same size: the difference view has something to show.
    h.state_mut().queue(Command::SetDifference(true));
    h.run_steps(2);
    assert!(h.state().difference.result.as_ref().is_some_and(|d| d.max > 0));
}

#[test]
fn a_titled_model_shows_its_title_instead_of_the_file_name() {
    let sg2 = require_fixture!("sg2_64");
    let dir = std::env::temp_dir().join(format!("stylescope-title-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("g.safetensors");
    let mut ckpt = stylescope::checkpoint::Checkpoint::open(&sg2.join("network.pkl")).unwrap();
    ckpt.title = Some("toyfaces StyleGAN2".into());
    ckpt.save_safetensors(&file, &["G_ema"]).unwrap();
    let mut h = harness(vec![file.clone(), sg2.join("network.pkl")], false);
    wait_image(&mut h, Side::Left, 1);
    wait_image(&mut h, Side::Right, 1);
    assert_eq!(h.state().view(Side::Left).info().unwrap().name(), "toyfaces StyleGAN2");
    assert_eq!(h.state().view(Side::Right).info().unwrap().name(), "network.pkl");
    // Same weights, same picture.
    assert_eq!(
        h.state().view(Side::Left).image.as_ref().unwrap().rgba_at(10, 10),
        h.state().view(Side::Right).image.as_ref().unwrap().rgba_at(10, 10)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn equivariance_controls_drive_the_stylegan3_transform_and_are_off_for_stylegan2() {
    let sg2 = require_fixture!("sg2_64");
    let sg3 = require_fixture!("sg3t_64");
    let mut h = harness(vec![sg2.join("network.pkl")], false);
    wait_image(&mut h, Side::Left, 1);
    assert!(h.get_by_label(panels::equivariance::TRANSLATE_X).accesskit_node().is_disabled());
    assert!(h.get_by_label(panels::equivariance::ROTATE).accesskit_node().is_disabled());

    type_path(&mut h, &sg3.join("network.pkl"));
    wait_image(&mut h, Side::Left, 2);
    assert!(!h.get_by_label(panels::equivariance::TRANSLATE_X).accesskit_node().is_disabled());
    h.get_by_label(panels::latent::SEED).set_value_accesskit(85.0);
    h.get_by_label(panels::equivariance::TRANSLATE_X).set_value_accesskit(0.13);
    h.get_by_label(panels::equivariance::TRANSLATE_Y).set_value_accesskit(-0.21);
    h.get_by_label(panels::equivariance::ROTATE).set_value_accesskit(17.0 / 360.0);
    h.step();
    wait_image(&mut h, Side::Left, 3);
    assert_matches_golden(
        h.state().view(Side::Left).image.as_ref().unwrap(),
        &sg3.join("xform_both_seed85_psi1.0_u8.npy"),
    );
}

#[test]
fn untransform_resamples_back_as_the_visualizer_does() {
    let sg3 = require_fixture!("sg3t_64");
    let mut h = harness(vec![sg3.join("network.pkl")], false);
    wait_image(&mut h, Side::Left, 1);
    h.get_by_label(panels::latent::SEED).set_value_accesskit(85.0);
    h.get_by_label(panels::equivariance::TRANSLATE_X).set_value_accesskit(0.13);
    h.get_by_label(panels::equivariance::TRANSLATE_Y).set_value_accesskit(-0.21);
    h.get_by_label(panels::equivariance::ROTATE).set_value_accesskit(17.0 / 360.0);
    h.get_by_label(panels::equivariance::UNTRANSFORM).click();
    h.step();
    wait_image(&mut h, Side::Left, 2);
    assert!(h.state().controls(Side::Left).eq.untransform);
    // NVIDIA's untransformed float image [1, 3, H, W] through the same uint8 rule, as HWC.
    let (float, shape) = common::read_npy_f32(&sg3.join("untransform_both_seed85_psi1.0.npy"));
    let (c, hh, w) = (shape[1], shape[2], shape[3]);
    let mut want = vec![0u8; hh * w * c];
    for ch in 0..c {
        for y in 0..hh {
            for x in 0..w {
                want[(y * w + x) * c + ch] = stylescope::nn::image::to_u8(float[(ch * hh + y) * w + x]);
            }
        }
    }
    let ours = h.state().view(Side::Left).image.clone().unwrap();
    assert_eq!((ours.width, ours.height), (w, hh));
    let off: Vec<u8> = ours.pixels.iter().zip(&want).map(|(a, b)| a.abs_diff(*b)).collect();
    assert!(off.iter().all(|d| *d <= 1), "largest difference {:?}", off.iter().max());
    assert!(off.iter().filter(|d| **d > 0).count() <= want.len() / 1000 + 1);
}

#[test]
fn a_broken_pickle_shows_the_reader_error_in_its_view() {
    let dir = temp_dir("gui-fixture-broken");
    let broken = dir.join("truncated.pkl");
    if let Some(sg2) = common::fixture("sg2_64") {
        let bytes = std::fs::read(sg2.join("network.pkl")).unwrap();
        std::fs::write(&broken, &bytes[..bytes.len() / 3]).unwrap();
    } else {
        std::fs::write(&broken, b"\x80\x04\x95\x10\x00\x00\x00").unwrap();
    }
    let mut h = harness(vec![broken.clone()], false);
    wait_until(Duration::from_secs(60), "the load error", || {
        h.step();
        !h.state().view(Side::Left).is_loading()
    });
    h.step();
    let node = h.get_by_label_contains("Could not open the network.");
    let text = node.accesskit_node().value().unwrap_or_default();
    assert!(text.contains("truncated.pkl"), "{text}");
    assert!(h.state().view(Side::Left).image.is_none());
}

#[test]
fn snapshot_stylegan2_and_stylegan3_fixtures() {
    let sg2 = require_fixture!("sg2_64");
    let sg3 = require_fixture!("sg3r_64");
    let mut h = harness(vec![sg2.join("network.pkl"), sg3.join("network.pkl")], true);
    h.step();
    wait_image(&mut h, Side::Left, 1);
    wait_image(&mut h, Side::Right, 1);
    // After loading, so that the header is where the click lands (see gui_directions).
    h.get_by_label("Performance").click();
    h.state_mut().queue(Command::SetDifference(true));
    h.state_mut().settings.shared.plane.set_seed(85);
    wait_image(&mut h, Side::Left, 2);
    wait_image(&mut h, Side::Right, 2);
    h.remove_cursor();
    h.run_steps(3);
    h.snapshot("fixtures_sg2_vs_sg3r");
}
