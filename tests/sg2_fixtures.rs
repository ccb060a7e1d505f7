//! StyleGAN2 against NVIDIA's own outputs (`sg2_64`): w, raw and uint8 images for every seed,
//! psi and noise mode, every layer output, mapping outputs and styles, early stop, batching.
//!
//! The network is loaded three ways: from `network.pkl` through `Checkpoint`; converted to
//! stylescope safetensors and read back; and from the fixture's `state_dict.safetensors` with the
//! architecture built by `Sg2Hyper` from the manifest's constructor arguments (which also checks
//! the builder against the pickle).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use candle_core::{Device, Tensor};
use stylescope::checkpoint::{Checkpoint, CheckpointFormat, NetworkKind};
use stylescope::latent::z_tensor;
use stylescope::nn::config::Sg2Architecture;
use stylescope::nn::generator::Synthesis;
use stylescope::nn::image::to_u8_hwc;
use stylescope::nn::stylegan2::Sg2Hyper;
use stylescope::nn::{Capture, Generator, GeneratorConfig, NoiseMode, SynthesisOptions, Weights};

const SEEDS: [u64; 5] = [0, 1, 7, 85, 265];
const PSIS: [f64; 2] = [1.0, 0.7];

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// The fixture's constructor arguments as an [`Sg2Hyper`].
fn hyper(dir: &Path) -> Sg2Hyper {
    let m = manifest(dir);
    let k = &m["constructor"]["G_ema_init_kwargs"];
    let u = |v: &serde_json::Value| v.as_u64().unwrap() as usize;
    let clamp = m["architecture"]["blocks"][0]["conv_clamp"].as_f64();
    Sg2Hyper {
        z_dim: u(&k["z_dim"]),
        w_dim: u(&k["w_dim"]),
        c_dim: u(&k["c_dim"]),
        img_resolution: u(&k["img_resolution"]),
        img_channels: u(&k["img_channels"]),
        mapping_layers: u(&k["mapping_kwargs"]["num_layers"]),
        channel_base: u(&k["channel_base"]),
        channel_max: u(&k["channel_max"]),
        conv_clamp: clamp,
        architecture: Sg2Architecture::Skip,
        ..Default::default()
    }
}

/// `G_ema` from `state_dict.safetensors`, architecture from [`hyper`].
fn from_state_dict(dir: &Path) -> Generator {
    let all = candle_core::safetensors::load(dir.join("state_dict.safetensors"), &Device::Cpu).unwrap();
    let map: BTreeMap<String, Tensor> =
        all.into_iter().filter_map(|(k, v)| k.strip_prefix("G_ema.").map(|s| (s.to_string(), v))).collect();
    let weights = Weights::new(map);
    let config = hyper(dir).config().unwrap();
    let g = Generator::new(GeneratorConfig::StyleGan2(config), &weights, &Device::Cpu).unwrap();
    assert!(weights.unused().is_empty(), "unused tensors: {:?}", weights.unused());
    g
}

/// `G_ema` from `network.pkl` through the checkpoint reader.
fn from_pickle(dir: &Path) -> Generator {
    let ckpt = Checkpoint::open(&dir.join("network.pkl")).unwrap();
    ckpt.load_generator(&Device::Cpu).unwrap()
}

/// `G_ema` converted to stylescope safetensors (`Checkpoint::save_safetensors`) and read back.
fn from_safetensors(dir: &Path) -> Generator {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let ckpt = Checkpoint::open(&dir.join("network.pkl")).unwrap();
    let n = COUNT.fetch_add(1, Ordering::SeqCst);
    let out =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sg2_64_G_ema_{}_{n}.safetensors", std::process::id()));
    ckpt.save_safetensors(&out, &["G_ema"]).unwrap();
    let back = Checkpoint::open(&out).unwrap();
    assert_eq!(back.format, CheckpointFormat::Safetensors);
    let g = back.load_generator(&Device::Cpu).unwrap();
    let _ = std::fs::remove_file(&out);
    g
}

fn generators(dir: &Path) -> Vec<(&'static str, Generator)> {
    vec![("pickle", from_pickle(dir)), ("safetensors", from_safetensors(dir)), ("state_dict", from_state_dict(dir))]
}

#[test]
fn the_builder_makes_the_pickles_architecture() {
    let dir = require_fixture!("sg2_64");
    let ckpt = Checkpoint::open(&dir.join("network.pkl")).unwrap();
    let net = ckpt.generator_network().unwrap();
    assert_eq!(net.key, "G_ema");
    let NetworkKind::Generator(GeneratorConfig::StyleGan2(from_pickle)) = &net.kind else {
        panic!("not a StyleGAN2 generator")
    };
    assert_eq!(from_pickle, &hyper(&dir).config().unwrap());
    // Every tensor of G_ema is used by the generator.
    let weights = ckpt.weights("G_ema", &Device::Cpu).unwrap();
    Generator::new(GeneratorConfig::StyleGan2(from_pickle.clone()), &weights, &Device::Cpu).unwrap();
    assert!(weights.unused().is_empty(), "unused: {:?}", weights.unused());
}

fn flat(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

fn ws_for(g: &Generator, seed: u64, psi: f64) -> Tensor {
    let z = z_tensor(&[seed], g.config().z_dim(), &Device::Cpu).unwrap();
    g.mapping(&z, None, psi, None).unwrap()
}

#[test]
fn w_matches_for_every_seed_and_psi() {
    let dir = require_fixture!("sg2_64");
    for (route, g) in generators(&dir) {
        let mut worst = 0f32;
        for seed in SEEDS {
            for psi in PSIS {
                let ws = ws_for(&g, seed, psi);
                let (want, shape) = common::read_npy_f32(&dir.join(format!("w_seed{seed}_psi{psi:.1}.npy")));
                assert_eq!(ws.dims(), shape.as_slice());
                let err = common::max_abs_diff(&flat(&ws), &want);
                assert!(err <= 1e-5, "{route} seed {seed} psi {psi}: w max error {err}");
                worst = worst.max(err);
            }
        }
        eprintln!("{route}: worst w error {worst:.3e}");
    }
}

#[test]
fn images_match_for_every_seed_psi_and_noise_mode() {
    let dir = require_fixture!("sg2_64");
    for (route, g) in generators(&dir) {
        let (mut worst, mut worst_u8_px) = (0f32, 0usize);
        for seed in SEEDS {
            for psi in PSIS {
                let ws = ws_for(&g, seed, psi);
                for (mode, name) in [(NoiseMode::Const, "const"), (NoiseMode::None, "none")] {
                    let opts = SynthesisOptions { noise_mode: mode, ..Default::default() };
                    let img = g.synthesis(&ws, &opts).unwrap().image;
                    let stem = format!("img_seed{seed}_psi{psi:.1}_{name}");
                    let (want, shape) = common::read_npy_f32(&dir.join(format!("{stem}.npy")));
                    assert_eq!(img.dims(), shape.as_slice(), "{stem}");
                    let err = common::max_abs_diff(&flat(&img), &want);
                    assert!(err <= 1e-4, "{route} {stem}: image max error {err}");
                    worst = worst.max(err);

                    // uint8: identical except ≤ 0.1 % of values off by one.
                    let t = Tensor::read_npy(dir.join(format!("{stem}_u8.npy"))).unwrap();
                    let want_u8 = t.flatten_all().unwrap().to_vec1::<u8>().unwrap();
                    let (h, w, c, got_u8) = to_u8_hwc(&img, 0).unwrap();
                    assert_eq!(t.dims(), &[h, w, c]);
                    let mut off = 0;
                    for (a, b) in got_u8.iter().zip(&want_u8) {
                        let d = (*a as i32 - *b as i32).abs();
                        assert!(d <= 1, "{route} {stem}: uint8 differs by {d}");
                        off += usize::from(d == 1);
                    }
                    assert!(off * 1000 <= want_u8.len(), "{route} {stem}: {off} values off by one");
                    worst_u8_px = worst_u8_px.max(off);
                }
            }
        }
        eprintln!("{route}: worst image error {worst:.3e}, at most {worst_u8_px} uint8 values off by one");
    }
}

#[test]
fn every_layer_output_matches_under_the_visualizer_names() {
    let dir = require_fixture!("sg2_64");
    let m = manifest(&dir);
    let want_names: Vec<String> = m["layer_outputs"]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect();
    for (route, g) in generators(&dir) {
        let ws = ws_for(&g, 85, 1.0);
        let out = g.synthesis(&ws, &SynthesisOptions { capture: Capture::All, ..Default::default() }).unwrap();
        let names: Vec<String> = out.layers.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(names, want_names);
        if let Synthesis::StyleGan2(s) = &g.synthesis {
            assert_eq!(s.layer_names(), want_names);
        }
        let mut worst = 0f32;
        for (name, t) in &out.layers {
            let (want, shape) = common::read_npy_f32(&dir.join(format!("layer_{}.npy", name.replace(':', ".out"))));
            assert_eq!(t.dims(), shape.as_slice(), "{name}");
            let rel = common::max_abs_diff(&flat(t), &want) / common::max_abs(&want).max(1.0);
            assert!(rel <= 2e-5, "{route} {name}: error {rel} relative to max(1, max|ref|)");
            worst = worst.max(rel);
        }
        // The clamp is exercised: b64.conv1 reaches ±256 exactly.
        let (_, b64) = out.layers.iter().find(|(n, _)| n == "b64.conv1").unwrap();
        assert_eq!(common::max_abs(&flat(b64)), 256.0);
        eprintln!("{route}: worst layer error {worst:.3e} (relative to max(1, max|ref|))");
    }
}

#[test]
fn mapping_layers_and_styles_match() {
    let dir = require_fixture!("sg2_64");
    for (route, g) in generators(&dir) {
        let z = z_tensor(&[85], g.config().z_dim(), &Device::Cpu).unwrap();
        let outs = g.mapping.layer_outputs(&z, None).unwrap();
        assert_eq!(outs.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), vec!["fc0", "fc1"]);
        for (name, t) in &outs {
            let (want, _) = common::read_npy_f32(&dir.join(format!("mapping_{name}.npy")));
            let err = common::max_abs_diff(&flat(t), &want);
            assert!(err <= 1e-5, "{route} mapping {name}: {err}");
        }
        let Synthesis::StyleGan2(s) = &g.synthesis else { panic!("not StyleGAN2") };
        let styles = s.styles(&ws_for(&g, 85, 1.0)).unwrap();
        assert_eq!(styles.len(), 14);
        for (name, t) in &styles {
            let (want, shape) = common::read_npy_f32(&dir.join(format!("style_{}_affine.npy", name.replace('.', "_"))));
            assert_eq!(t.dims(), shape.as_slice(), "{name}");
            let err = common::max_abs_diff(&flat(t), &want);
            assert!(err <= 1e-5, "{route} style {name}: {err}");
        }
    }
}

#[test]
fn capture_until_stops_at_the_named_layer() {
    let dir = require_fixture!("sg2_64");
    let g = from_pickle(&dir);
    let ws = ws_for(&g, 85, 1.0);
    for name in ["b4.conv1", "b16.conv0", "b32:1", "b64.torgb", "output"] {
        let out =
            g.synthesis(&ws, &SynthesisOptions { capture: Capture::Until(name.into()), ..Default::default() }).unwrap();
        assert_eq!(out.layers.last().map(|(n, _)| n.as_str()), Some(name));
        let (want, shape) = common::read_npy_f32(&dir.join(format!("layer_{}.npy", name.replace(':', ".out"))));
        assert_eq!(out.image.dims(), shape.as_slice());
        let rel = common::max_abs_diff(&flat(&out.image), &want) / common::max_abs(&want).max(1.0);
        assert!(rel <= 2e-5, "{name}: {rel}");
    }
    let err = g.synthesis(&ws, &SynthesisOptions { capture: Capture::Until("b5.conv1".into()), ..Default::default() });
    let msg = err.unwrap_err().to_string();
    assert!(msg.contains("b5.conv1") && msg.contains("b4.torgb"), "{msg}");
}

#[test]
fn a_batch_equals_single_images_and_random_noise_is_seeded() {
    let dir = require_fixture!("sg2_64");
    let g = from_pickle(&dir);
    let z = z_tensor(&SEEDS, g.config().z_dim(), &Device::Cpu).unwrap();
    let ws = g.mapping(&z, None, 0.7, None).unwrap();
    // Batch (shared-weight modulated convolutions) vs one at a time (fused).
    let batch = g.synthesis(&ws, &SynthesisOptions::default()).unwrap().image;
    for (i, seed) in SEEDS.iter().enumerate() {
        let (want, _) = common::read_npy_f32(&dir.join(format!("img_seed{seed}_psi0.7_const.npy")));
        let err = common::max_abs_diff(&flat(&batch.narrow(0, i, 1).unwrap()), &want);
        assert!(err <= 1e-4, "seed {seed} in a batch: {err}");
    }
    // Random noise: reproducible from its seed, different for another seed and from const.
    let one = ws.narrow(0, 0, 1).unwrap();
    let run = |seed| {
        let opts = SynthesisOptions { noise_mode: NoiseMode::Random, noise_seed: seed, ..Default::default() };
        flat(&g.synthesis(&one, &opts).unwrap().image)
    };
    let (a, b, c) = (run(3), run(3), run(4));
    assert_eq!(a, b);
    assert!(common::max_abs_diff(&a, &c) > 1e-3);
    let constant = flat(&g.synthesis(&one, &SynthesisOptions::default()).unwrap().image);
    assert!(common::max_abs_diff(&a, &constant) > 1e-3);
}
