//! Whole networks on the GPU engine (software Vulkan in CI) against NVIDIA's golden outputs for
//! every fixture: mapping, images for every seed/psi/noise mode, the RGBA8 texture, every
//! intermediate layer, and StyleGAN3 input transforms.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on failure (clippy.toml)
#![cfg(feature = "gpu")]

mod common;
mod gpu_common;

use std::path::Path;

use common::read_npy_f32;
use gpu_common::nets::fixture_network;
use gpu_common::{max_abs, max_abs_diff};
use stylescope::gpu::compute::{GpuContext, GpuEngine};
use stylescope::nn::{Capture, NoiseMode, SynthesisOptions};

const SEEDS: [u64; 5] = [0, 1, 7, 85, 265];

fn build(ctx: &GpuContext, dir: &Path) -> GpuEngine {
    let (config, weights) = fixture_network(dir);
    GpuEngine::new(ctx, &config, &weights).unwrap()
}

fn flat(t: &candle_core::Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Mapping for every seed and psi, then synthesis of the golden w in every noise mode; the float
/// image within 1e-3 (the acceptance bound) and the RGBA8 texture within ±1 on ≤ 0.1 % of values.
fn images_match(net: &str, modes: &[NoiseMode]) {
    let ctx = require_gpu!();
    let dir = require_fixture!(net);
    let mut engine = build(&ctx, &dir);
    let (mut worst_w, mut worst_img) = (0.0f32, 0.0f32);
    for seed in SEEDS {
        let (z, _) = read_npy_f32(&dir.join(format!("z_seed{seed}.npy")));
        for psi in ["1.0", "0.7"] {
            let (w_ref, _) = read_npy_f32(&dir.join(format!("w_seed{seed}_psi{psi}.npy")));
            let ws = engine.mapping(&z, None, psi.parse().unwrap(), None).unwrap();
            let dw = max_abs_diff(&ws, &w_ref);
            worst_w = worst_w.max(dw);
            assert!(dw <= 2e-5, "{net} seed {seed} psi {psi}: w differs by {dw}");
            for &mode in modes {
                let name =
                    format!("img_seed{seed}_psi{psi}_{}", if mode == NoiseMode::None { "none" } else { "const" });
                let (img_ref, shape) = read_npy_f32(&dir.join(format!("{name}.npy")));
                engine.render(&w_ref, &SynthesisOptions { noise_mode: mode, ..Default::default() }).unwrap();
                let img = engine.read_back_image().unwrap();
                assert_eq!(img.dims(), &shape[..]);
                let d = max_abs_diff(&flat(&img), &img_ref);
                eprintln!("{net} {name}: max abs diff {d:.3e}");
                worst_img = worst_img.max(d);
                assert!(d <= 1e-3, "{net} {name}: image differs by {d}");

                let u8_ref = candle_core::Tensor::read_npy(dir.join(format!("{name}_u8.npy"))).unwrap();
                let u8_ref = u8_ref.flatten_all().unwrap().to_vec1::<u8>().unwrap();
                let rgba = engine.read_back_rgba().unwrap();
                let mut off = 0;
                for (i, px) in rgba.pixels.chunks(4).enumerate() {
                    assert_eq!(px[3], 255);
                    for ch in 0..3 {
                        let (g, r) = (px[ch] as i32, u8_ref[3 * i + ch] as i32);
                        assert!((g - r).abs() <= 1, "{net} {name}: pixel {i} channel {ch}: {g} vs {r}");
                        off += usize::from(g != r);
                    }
                }
                assert!(off * 1000 <= u8_ref.len(), "{net} {name}: {off} of {} uint8 values off by one", u8_ref.len());
            }
        }
    }
    eprintln!("{net}: worst w diff {worst_w:.3e}, worst image diff {worst_img:.3e}");
}

#[test]
fn stylegan2_images_match_the_golden_outputs() {
    images_match("sg2_64", &[NoiseMode::Const, NoiseMode::None]);
}

#[test]
fn stylegan3_t_images_match_the_golden_outputs() {
    images_match("sg3t_64", &[NoiseMode::Const]);
}

#[test]
fn stylegan3_r_images_match_the_golden_outputs() {
    images_match("sg3r_64", &[NoiseMode::Const]);
}

/// Every named output of seed 85 (psi 1, const noise) against the fixture's layer files, within
/// 5e-5·max(1, max|ref|); crops (sg3r_64) are channels 0–3 and the central ≤ 64² window.
fn layers_match(net: &str) {
    let ctx = require_gpu!();
    let dir = require_fixture!(net);
    let mut engine = build(&ctx, &dir);
    let (w, _) = read_npy_f32(&dir.join("w_seed85_psi1.0.npy"));
    engine.render(&w, &SynthesisOptions { capture: Capture::All, ..Default::default() }).unwrap();
    let m = manifest(&dir);
    let layers = m["layer_outputs"]["layers"].as_array().unwrap();
    let names: Vec<String> = engine.layer_names().into_iter().map(|(n, _)| n).collect();
    let want_names: Vec<&str> = layers.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, want_names, "{net}: layer names and order");
    for l in layers {
        let name = l["name"].as_str().unwrap();
        let (want, wshape) = read_npy_f32(&dir.join(l["file"].as_str().unwrap()));
        let got = engine.read_back_layer(name).unwrap();
        let shape: Vec<usize> = l["shape"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
        assert_eq!(got.dims(), &shape[..], "{net} {name}: shape");
        let got = flat(&got);
        let got = if wshape == shape {
            got
        } else {
            let (c, h, w_) = (shape[1], shape[2], shape[3]);
            let (cc, ch, cw) = (wshape[1], wshape[2], wshape[3]);
            let (y0, x0) = ((h - ch) / 2, (w_ - cw) / 2);
            let mut v = Vec::new();
            for k in 0..cc.min(c) {
                for y in 0..ch {
                    for x in 0..cw {
                        v.push(got[(k * h + y0 + y) * w_ + x0 + x]);
                    }
                }
            }
            v
        };
        let d = max_abs_diff(&got, &want);
        let scale = max_abs(&want).max(1.0);
        eprintln!("{net} {name}: max abs diff {d:.3e} (max |ref| {:.3})", max_abs(&want));
        assert!(d <= 5e-5 * scale, "{net} {name}: differs by {d} (scale {scale})");
    }
}

#[test]
fn stylegan2_layers_match_the_golden_outputs() {
    layers_match("sg2_64");
}

#[test]
fn stylegan3_t_layers_match_the_golden_outputs() {
    layers_match("sg3t_64");
}

#[test]
fn stylegan3_r_layers_match_the_golden_outputs() {
    layers_match("sg3r_64");
}

/// The user transform (forward matrix, inverted by the engine), as gen_images does: every
/// transform for two seeds (lavapipe renders a 64² StyleGAN3 frame in seconds).
fn transforms_match(net: &str) {
    let ctx = require_gpu!();
    let dir = require_fixture!(net);
    let mut engine = build(&ctx, &dir);
    for t in ["translate", "rotate", "both"] {
        let (m, _) = common::read_npy_f64(&dir.join(format!("xform_{t}_matrix.npy")));
        let matrix = [[m[0], m[1], m[2]], [m[3], m[4], m[5]], [m[6], m[7], m[8]]];
        for seed in [0, 85] {
            let (w, _) = read_npy_f32(&dir.join(format!("w_seed{seed}_psi1.0.npy")));
            let (want, _) = read_npy_f32(&dir.join(format!("xform_{t}_seed{seed}_psi1.0.npy")));
            engine.render(&w, &SynthesisOptions { input_transform: Some(matrix), ..Default::default() }).unwrap();
            let d = max_abs_diff(&flat(&engine.read_back_image().unwrap()), &want);
            eprintln!("{net} {t} seed {seed}: max abs diff {d:.3e}");
            assert!(d <= 1e-3, "{net} {t} seed {seed}: differs by {d}");
        }
    }
    // Back to the stored (identity) transform.
    let (w, _) = read_npy_f32(&dir.join("w_seed85_psi1.0.npy"));
    let (want, _) = read_npy_f32(&dir.join("img_seed85_psi1.0_const.npy"));
    engine.render(&w, &SynthesisOptions::default()).unwrap();
    assert!(max_abs_diff(&flat(&engine.read_back_image().unwrap()), &want) <= 1e-3);
}

#[test]
fn stylegan3_t_input_transforms_match() {
    transforms_match("sg3t_64");
}

#[test]
fn stylegan3_r_input_transforms_match() {
    transforms_match("sg3r_64");
}

#[test]
fn render_from_z_equals_mapping_then_render() {
    let ctx = require_gpu!();
    let dir = require_fixture!("sg3t_64");
    let mut engine = build(&ctx, &dir);
    let (z, _) = read_npy_f32(&dir.join("z_seed7.npy"));
    let (want, _) = read_npy_f32(&dir.join("img_seed7_psi0.7_const.npy"));
    engine.render_z(&z, None, 0.7, None, &SynthesisOptions::default()).unwrap();
    let d = max_abs_diff(&flat(&engine.read_back_image().unwrap()), &want);
    assert!(d <= 1e-3, "render_z differs by {d}");
    let (w_ref, _) = read_npy_f32(&dir.join("w_seed7_psi0.7.npy"));
    assert!(max_abs_diff(&engine.read_back_ws().unwrap(), &w_ref) <= 2e-5);
}
