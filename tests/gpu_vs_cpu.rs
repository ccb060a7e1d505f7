//! The GPU engine against the CPU engine (candle): every golden fixture (images, random noise,
//! StyleGAN3 transforms, layers) and other architectures with random weights (orig and
//! conditional StyleGAN2, one-channel and unclamped StyleGAN3). Images in [-1, 1] must agree
//! within 1e-3 (max abs); the measured errors are printed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on failure (clippy.toml)
#![cfg(feature = "gpu")]

mod common;
mod gpu_common;

use candle_core::{Device, Tensor};
use gpu_common::max_abs_diff;
use gpu_common::nets::fixture_network;
use stylescope::gpu::compute::{GpuContext, GpuEngine};
use stylescope::latent::{class_label, z_tensor};
use stylescope::nn::config::{GeneratorConfig, Sg2Architecture};
use stylescope::nn::stylegan2::builder::Sg2Hyper;
use stylescope::nn::stylegan2::init::random_weights;
use stylescope::nn::stylegan3::builder::{Sg3Hyper, init_weights};
use stylescope::nn::{Capture, Generator, NoiseMode, SynthesisOptions, Weights};

fn flat(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

/// Renders seed `seed` (psi, options) on both engines; returns the max abs image difference.
fn compare(
    ctx: &GpuContext,
    cpu: &Generator,
    gpu: &mut GpuEngine,
    seed: u64,
    psi: f64,
    class: Option<usize>,
    opts: &SynthesisOptions,
) -> f32 {
    let config = cpu.config();
    let z = z_tensor(&[seed], config.z_dim(), &Device::Cpu).unwrap();
    let c = class.map(|k| class_label(config.c_dim(), k, 1, &Device::Cpu).unwrap());
    let ws = cpu.mapping(&z, c.as_ref(), psi, None).unwrap();
    let want = cpu.synthesis(&ws, opts).unwrap().image;
    let c_flat = c.as_ref().map(flat);
    let gws = gpu.mapping(&flat(&z), c_flat.as_deref(), psi, None).unwrap();
    let dw = max_abs_diff(&gws, &flat(&ws));
    assert!(dw <= 2e-5, "w differs by {dw}");
    gpu.render(&flat(&ws), opts).unwrap();
    let got = gpu.read_back_image().unwrap();
    assert_eq!(got.dims(), want.dims());
    let _ = ctx;
    max_abs_diff(&flat(&got), &flat(&want))
}

fn engines(ctx: &GpuContext, config: &GeneratorConfig, weights: &Weights) -> (Generator, GpuEngine) {
    let cpu = Generator::new(config.clone(), weights, &Device::Cpu).unwrap();
    let gpu = GpuEngine::new(ctx, config, weights).unwrap();
    (cpu, gpu)
}

fn fixture(net: &str, modes: &[NoiseMode], transforms: bool) {
    let ctx = require_gpu!();
    let dir = require_fixture!(net);
    let (config, weights) = fixture_network(&dir);
    let (cpu, mut gpu) = engines(&ctx, &config, &weights);
    let mut worst = 0.0f32;
    for seed in [0, 85, 265] {
        for psi in [1.0, 0.7] {
            for &noise_mode in modes {
                let opts = SynthesisOptions { noise_mode, noise_seed: 3 + seed, ..Default::default() };
                let d = compare(&ctx, &cpu, &mut gpu, seed, psi, None, &opts);
                eprintln!("{net} seed {seed} psi {psi} noise {noise_mode:?}: GPU vs CPU max abs diff {d:.3e}");
                assert!(d <= 1e-3, "{net} seed {seed} psi {psi} {noise_mode:?}: {d}");
                worst = worst.max(d);
            }
        }
    }
    if transforms {
        let a = 31f64.to_radians();
        let m = [[a.cos(), a.sin(), -0.07], [-a.sin(), a.cos(), 0.11], [0.0, 0.0, 1.0]];
        let opts = SynthesisOptions { input_transform: Some(m), ..Default::default() };
        let d = compare(&ctx, &cpu, &mut gpu, 7, 1.0, None, &opts);
        eprintln!("{net} transformed: GPU vs CPU max abs diff {d:.3e}");
        assert!(d <= 1e-3);
        worst = worst.max(d);
    }
    // Every layer of one render.
    let z = z_tensor(&[1], config.z_dim(), &Device::Cpu).unwrap();
    let ws = cpu.mapping(&z, None, 1.0, None).unwrap();
    let opts = SynthesisOptions { capture: Capture::All, ..Default::default() };
    let out = cpu.synthesis(&ws, &opts).unwrap();
    gpu.render(&flat(&ws), &opts).unwrap();
    for (name, t) in &out.layers {
        let got = gpu.read_back_layer(name).unwrap();
        let want = flat(t);
        let scale = gpu_common::max_abs(&want).max(1.0);
        let d = max_abs_diff(&flat(&got), &want);
        assert!(d <= 1e-4 * scale, "{net} layer {name}: {d} (scale {scale})");
    }
    eprintln!("{net}: worst GPU vs CPU image difference {worst:.3e}; {} layers agree", out.layers.len());
}

#[test]
fn stylegan2_fixture_gpu_matches_cpu() {
    fixture("sg2_64", &[NoiseMode::Const, NoiseMode::None, NoiseMode::Random], false);
}

#[test]
fn stylegan3_t_fixture_gpu_matches_cpu() {
    fixture("sg3t_64", &[NoiseMode::Const], true);
}

#[test]
fn stylegan3_r_fixture_gpu_matches_cpu() {
    fixture("sg3r_64", &[NoiseMode::Const], true);
}

#[test]
fn other_stylegan2_architectures_gpu_matches_cpu() {
    let ctx = require_gpu!();
    let cases = [
        (
            "orig, conditional, 1 channel, no clamp",
            Sg2Hyper {
                img_resolution: 32,
                img_channels: 1,
                c_dim: 5,
                z_dim: 24,
                w_dim: 32,
                mapping_layers: 3,
                channel_base: 512,
                channel_max: 32,
                conv_clamp: None,
                architecture: Sg2Architecture::Orig,
                ..Sg2Hyper::default()
            },
        ),
        (
            "skip, 16², 4 channels",
            Sg2Hyper {
                img_resolution: 16,
                img_channels: 4,
                z_dim: 16,
                w_dim: 16,
                mapping_layers: 1,
                channel_base: 256,
                channel_max: 24,
                ..Sg2Hyper::default()
            },
        ),
    ];
    for (name, hyper) in cases {
        let config = hyper.config().unwrap();
        let weights = random_weights(&config, 11, &Device::Cpu).unwrap();
        let config = GeneratorConfig::StyleGan2(config);
        let (cpu, mut gpu) = engines(&ctx, &config, &weights);
        let class = (hyper.c_dim > 0).then_some(3);
        let d = compare(&ctx, &cpu, &mut gpu, 5, 0.8, class, &SynthesisOptions::default());
        eprintln!("StyleGAN2 {name}: GPU vs CPU max abs diff {d:.3e}");
        assert!(d <= 1e-3, "{name}: {d}");
    }
}

#[test]
fn other_stylegan3_architectures_gpu_matches_cpu() {
    let ctx = require_gpu!();
    let small = |h: Sg3Hyper| Sg3Hyper {
        z_dim: 16,
        w_dim: 16,
        channel_base: h.channel_base / 64.0,
        channel_max: h.channel_max / 32.0,
        ..h
    };
    let cases = [
        ("T 16²", small(Sg3Hyper::t(16))),
        (
            "R 32², 1 channel, no clamp, 8 layers",
            Sg3Hyper { img_channels: 1, conv_clamp: None, num_layers: 8, ..small(Sg3Hyper::r(32)) },
        ),
    ];
    for (name, hyper) in cases {
        let config = hyper.config().unwrap();
        let weights = init_weights(&config, 4, &Device::Cpu).unwrap();
        let config = GeneratorConfig::StyleGan3(config);
        let (cpu, mut gpu) = engines(&ctx, &config, &weights);
        let a = 0.3f64;
        let opts = SynthesisOptions {
            input_transform: Some([[a.cos(), a.sin(), 0.2], [-a.sin(), a.cos(), 0.0], [0.0, 0.0, 1.0]]),
            ..Default::default()
        };
        let d = compare(&ctx, &cpu, &mut gpu, 9, 1.0, None, &opts);
        eprintln!("StyleGAN3 {name}: GPU vs CPU max abs diff {d:.3e}");
        assert!(d <= 1e-3, "{name}: {d}");
    }
}
