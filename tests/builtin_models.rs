//! The built-in models in `assets/` (issue #12): the two toy-face networks trained by
//! `stylescope train` (commands and log in `docs/toyfaces/`) load, carry their display names, and
//! render the images recorded when they were shipped (`tests/data/builtin/`, written with
//! `UPDATE_GOLDEN=1 cargo test --test builtin_models -- --test-threads=1`; tolerance |diff| ≤ 2 of 255 on ≤ 1 % of the values, for other CPUs'
//! rounding).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod gui_support;

use std::path::{Path, PathBuf};

use candle_core::Device;
use stylescope::checkpoint::Checkpoint;
use stylescope::jobs::generator_engine::GeneratorEngine;
use stylescope::jobs::{RenderEngine, RenderRequest};
use stylescope::latent::seed_plane::SeedWeight;
use stylescope::raster::Raster;

/// File name, display name, family.
const SHIPPED: [(&str, &str, &str); 2] = [
    ("1-toyfaces-stylegan2.safetensors", "toyfaces StyleGAN2", "StyleGAN2"),
    ("2-toyfaces-stylegan3-t.safetensors", "toyfaces StyleGAN3-T", "StyleGAN3-T"),
];
const SEEDS: [u32; 4] = [0, 1, 2, 3];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn asset(name: &str) -> PathBuf {
    root().join("assets").join(name)
}

fn render(engine: &mut GeneratorEngine, seed: u32) -> Raster {
    let req = RenderRequest { seeds: vec![SeedWeight { seed, weight: 1.0 }], ..RenderRequest::default() };
    engine.render(&req).unwrap().image.expect("a CPU render returns pixels")
}

fn golden_path(file: &str, seed: u32) -> PathBuf {
    let stem = file.trim_end_matches(".safetensors");
    root().join("tests/data/builtin").join(format!("{stem}-seed{seed}.png"))
}

fn read_png(path: &Path) -> Raster {
    let img = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_rgb8();
    Raster::new(img.width() as usize, img.height() as usize, 3, img.into_raw()).unwrap()
}

/// `ours` is the image recorded in `golden`: |diff| ≤ 2 on ≤ 1 % of the values.
fn assert_matches_recorded(ours: &Raster, golden: &Path, what: &str) {
    let want = read_png(golden);
    assert_eq!((want.width, want.height), (ours.width, ours.height), "{what}: {}", golden.display());
    let diffs: Vec<u8> = ours.pixels.iter().zip(&want.pixels).map(|(a, b)| a.abs_diff(*b)).collect();
    let max = diffs.iter().copied().max().unwrap_or(0);
    let off = diffs.iter().filter(|&&d| d > 0).count();
    assert!(max <= 2, "{what}: a value differs by {max} from {}", golden.display());
    assert!(off <= diffs.len() / 100, "{what}: {off} values differ from {}", golden.display());
}

#[test]
fn the_app_opens_the_two_toyfaces_networks_side_by_side() {
    #[cfg(feature = "gui")]
    {
        // What the window opens when no file is given: left, then right.
        let found = stylescope::gui::startup::builtin_models(&root().join("assets"));
        let names: Vec<String> = found.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(
            names,
            SHIPPED.map(|s| s.0.to_string()),
            "assets/ must hold exactly the two built-in models, StyleGAN2 first"
        );
    }
    for (file, title, family) in SHIPPED {
        let path = asset(file);
        let bytes = std::fs::metadata(&path).unwrap().len();
        assert!(bytes < 8 << 20, "{file}: {bytes} bytes; the built-in models are meant to be a few MB");
        let ckpt = Checkpoint::open(&path).unwrap();
        assert_eq!(ckpt.title.as_deref(), Some(title), "{file}");
        assert_eq!(ckpt.networks.len(), 1, "{file}: G_ema only");
        assert_eq!(ckpt.networks[0].key, "G_ema", "{file}");
        let engine = GeneratorEngine::open(&path, &Device::Cpu).unwrap();
        let info = engine.info();
        assert_eq!((info.family.as_str(), info.resolution, info.c_dim), (family, 32, 0), "{file}");
        assert_eq!(info.name(), title, "{file}: the name the window shows");
    }
}

#[test]
fn the_built_in_models_render_the_images_recorded_when_they_shipped() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for (file, _, _) in SHIPPED {
        let mut engine = GeneratorEngine::open(&asset(file), &Device::Cpu).unwrap();
        let images: Vec<Raster> = SEEDS.iter().map(|&s| render(&mut engine, s)).collect();
        for (&seed, ours) in SEEDS.iter().zip(&images) {
            assert_eq!((ours.width, ours.height, ours.channels), (32, 32, 3));
            let golden = golden_path(file, seed);
            if update {
                std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
                ours.save_png(&golden).unwrap();
            }
            assert_matches_recorded(ours, &golden, &format!("{file} seed {seed}"));
        }
        // Pictures, not a flat colour: each image has contrast, and seeds give different faces.
        for (&seed, img) in SEEDS.iter().zip(&images) {
            let n = img.pixels.len() as f64;
            let mean = img.pixels.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
            let std = (img.pixels.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n).sqrt();
            assert!(std > 20.0, "{file} seed {seed}: standard deviation {std:.1} of 255");
        }
        for i in 1..images.len() {
            let d: f64 =
                images[0].pixels.iter().zip(&images[i].pixels).map(|(a, b)| f64::from(a.abs_diff(*b))).sum::<f64>()
                    / images[0].pixels.len() as f64;
            assert!(d > 10.0, "{file}: seeds 0 and {} differ by only {d:.1} on average", SEEDS[i]);
        }
    }
}

/// `cargo run --release` with no file: the window opens both built-in models, compared side by
/// side, renders them with the real engine, and names them by their titles.
#[cfg(feature = "gui")]
#[test]
fn the_window_starts_on_the_built_in_models() {
    use std::time::Duration;

    use stylescope::gui::app::ExplorerApp;
    use stylescope::gui::startup::StartSource;
    use stylescope::gui::view::ViewStatus;
    use stylescope::gui::{AppOptions, Side};
    use stylescope::jobs::generator_engine::GeneratorLoader;

    let mut o = AppOptions::new(GeneratorLoader::default().shared());
    o.assets_dir = Some(root().join("assets"));
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .build_eframe(move |cc| ExplorerApp::new(cc, o).expect("app"));
    assert_eq!(h.state().start_source, StartSource::Assets);
    gui_support::wait_until(Duration::from_secs(120), "the built-in models to render", || {
        h.step();
        let views = &h.state().views;
        for v in views.iter() {
            assert!(v.render_error.is_none(), "render failed: {:?}", v.render_error);
            if let ViewStatus::Failed { error, .. } = &v.status {
                panic!("load failed: {error}");
            }
        }
        views.iter().all(|v| v.image_version >= 1 && !v.busy())
    });
    assert!(h.state().settings.compare, "the two models open side by side");
    for (side, (file, title, _)) in [Side::Left, Side::Right].into_iter().zip(SHIPPED) {
        let view = h.state().view(side);
        assert_eq!(view.info().map(|i| i.name()), Some(title.to_string()));
        // The default controls render seed 0 at psi 1: the recorded image.
        let ours = view.image.clone().unwrap();
        assert_eq!(ours.channels, 3, "{file}");
        assert_matches_recorded(&ours, &golden_path(file, 0), &format!("{file}, the window's image"));
    }
}
