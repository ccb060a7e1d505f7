//! StyleGAN3 configurations other than the fixtures, built from hyper-parameters with NVIDIA-style
//! random weights: other resolutions, channel settings, layer counts, mapping depths, class
//! conditioning, one output channel, clamp off. They run without code changes, produce the
//! shapes the schedule says, and behave as StyleGAN3 should (translation equivariance of -T,
//! rotation equivariance of -R, the user transform moving content).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use candle_core::{DType, Device, Tensor};
use stylescope::analysis::resample::{
    apply_fractional_pseudo_rotation, apply_fractional_rotation, apply_integer_translation,
};
use stylescope::nn::config::{GeneratorConfig, Sg3Config};
use stylescope::nn::generator::{Capture, Generator, SynthesisOptions};
use stylescope::nn::image::to_raster;
use stylescope::nn::stylegan3::builder::{Sg3Hyper, init_weights};
use stylescope::nn::stylegan3::transform::make_transform;

fn build(h: &Sg3Hyper, seed: u64) -> (Sg3Config, Generator) {
    let config = h.config().unwrap();
    let weights = init_weights(&config, seed, &Device::Cpu).unwrap();
    let g = Generator::new(GeneratorConfig::StyleGan3(config.clone()), &weights, &Device::Cpu).unwrap();
    assert!(weights.unused().is_empty(), "unused: {:?}", weights.unused());
    (config, g)
}

fn z(n: usize, dim: usize, seed: u64) -> Tensor {
    let mut rng = stylescope::nn::stylegan3::init_rng::InitRng::new(seed);
    Tensor::from_vec(rng.normal_vec(n * dim), (n, dim), &Device::Cpu).unwrap()
}

fn v(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1().unwrap()
}

/// PSNR (peak-to-peak 2) of `a` against `b` over `mask`, as the equivariance metrics compute it.
fn psnr(a: &Tensor, b: &Tensor, mask: &Tensor) -> f64 {
    let (a, b, m) = (v(a), v(b), v(mask));
    let (mut se, mut sm) = (0f64, 0f64);
    for i in 0..a.len() {
        se += ((a[i] - b[i]) as f64).powi(2) * m[i] as f64;
        sm += m[i] as f64;
    }
    20.0 * 2f64.log10() - 10.0 * (se / sm).log10()
}

#[test]
fn other_configurations_run_with_the_shapes_of_their_schedule() {
    let cases = [
        // Another resolution and tiny channels, one mapping layer.
        Sg3Hyper { z_dim: 16, w_dim: 24, channel_base: 256.0, channel_max: 16.0, mapping_layers: 1, ..Sg3Hyper::t(32) },
        // StyleGAN3-R, conditional, one output channel, deeper mapping, no clamp, FP32 settings.
        Sg3Hyper {
            z_dim: 8,
            w_dim: 16,
            c_dim: 5,
            img_channels: 1,
            mapping_layers: 4,
            channel_base: 512.0,
            channel_max: 12.0,
            conv_clamp: None,
            num_fp16_res: 0,
            ..Sg3Hyper::r(16)
        },
        // Fewer layers, a smaller margin, 128².
        Sg3Hyper {
            z_dim: 8,
            w_dim: 8,
            channel_base: 128.0,
            channel_max: 4.0,
            num_layers: 8,
            margin_size: 4,
            ..Sg3Hyper::t(128)
        },
    ];
    for (k, h) in cases.iter().enumerate() {
        let (config, g) = build(h, 100 + k as u64);
        assert_eq!(config.num_ws, h.num_layers + 2);
        let n = 2;
        let c = (h.c_dim > 0).then(|| {
            let mut labels = vec![0f32; n * h.c_dim];
            labels[1] = 1.0;
            labels[h.c_dim + 3] = 1.0;
            Tensor::from_vec(labels, (n, h.c_dim), &Device::Cpu).unwrap()
        });
        let zs = z(n, h.z_dim, k as u64);
        let ws = g.mapping(&zs, c.as_ref(), 0.8, None).unwrap();
        assert_eq!(ws.dims(), &[n, config.num_ws, h.w_dim]);
        if let Some(c) = &c {
            // The label matters, and a conditional network needs one.
            let other =
                Tensor::from_vec(vec![1f32, 0., 0., 0., 0., 0., 0., 1., 0., 0.], (n, h.c_dim), &Device::Cpu).unwrap();
            let ws2 = g.mapping(&zs, Some(&other), 0.8, None).unwrap();
            assert!(common::max_abs_diff(&v(&ws), &v(&ws2)) > 1e-3);
            assert!(g.mapping(&zs, None, 0.8, None).is_err());
            let _ = c;
        }
        let out = g.synthesis(&ws, &SynthesisOptions { capture: Capture::All, ..Default::default() }).unwrap();
        let r = h.img_resolution;
        assert_eq!(out.image.dims(), &[n, h.img_channels, r, r]);
        assert_eq!(out.image.dtype(), DType::F32);
        let img = v(&out.image);
        assert!(img.iter().all(|x| x.is_finite()));
        let mean = img.iter().map(|&x| x as f64).sum::<f64>() / img.len() as f64;
        let std = (img.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / img.len() as f64).sqrt();
        assert!(std > 1e-3, "case {k}: flat output (std {std})");
        // Captured layers: input, every layer with its scheduled shape, output.
        assert_eq!(out.layers.len(), config.layers.len() + 2);
        assert_eq!(out.layers[0].1.dims(), &[n, config.input.channels, config.input.size[1], config.input.size[0]]);
        for (l, (name, t)) in config.layers.iter().zip(&out.layers[1..]) {
            assert_eq!(&l.name, name);
            assert_eq!(t.dims(), &[n, l.out_channels, l.out_size[1], l.out_size[0]], "case {k} {name}");
        }
        // Both samples differ, and the image converts to a raster (grey for one channel).
        assert!(common::max_abs_diff(&img[..img.len() / 2], &img[img.len() / 2..]) > 1e-3);
        let raster = to_raster(&out.image, 1).unwrap();
        assert_eq!((raster.width, raster.height, raster.channels), (r, r, h.img_channels));
    }
}

#[test]
fn stylegan3_t_is_translation_equivariant_and_the_transform_moves_content() {
    let h = Sg3Hyper { z_dim: 16, w_dim: 16, channel_base: 1024.0, channel_max: 16.0, ..Sg3Hyper::t(64) };
    let (_, g) = build(&h, 7);
    let ws = g.mapping(&z(1, 16, 3), None, 1.0, None).unwrap();
    let base = g.synthesis(&ws, &SynthesisOptions::default()).unwrap().image;
    // Content moved by (5, −3) pixels through the input transform vs the image shifted by pixels.
    let (tx, ty) = (5.0 / 64.0, -3.0 / 64.0);
    let opts = SynthesisOptions { input_transform: Some(make_transform([tx, ty], 0.0)), ..Default::default() };
    let moved = g.synthesis(&ws, &opts).unwrap().image;
    let (shifted, mask) = apply_integer_translation(&base, tx, ty).unwrap();
    let eq = psnr(&moved, &shifted, &mask);
    let not_moved = psnr(&moved, &base, &mask);
    eprintln!("EQ-T at init: {eq:.2} dB (unshifted: {not_moved:.2} dB)");
    assert!(eq > 60.0 && eq > not_moved + 20.0, "EQ-T {eq} dB, unshifted {not_moved} dB");
}

#[test]
fn stylegan3_r_is_rotation_equivariant() {
    let h = Sg3Hyper { z_dim: 16, w_dim: 16, channel_base: 2048.0, channel_max: 16.0, ..Sg3Hyper::r(64) };
    let (_, g) = build(&h, 9);
    let ws = g.mapping(&z(1, 16, 4), None, 1.0, None).unwrap();
    let base = g.synthesis(&ws, &SynthesisOptions::default()).unwrap().image;
    // As EQ-R: the network rotated through its input vs the band-limited rotation of its output.
    let angle = 0.6f64;
    let opts = SynthesisOptions {
        input_transform: Some(make_transform([0.0, 0.0], angle.to_degrees())),
        ..Default::default()
    };
    let rotated = g.synthesis(&ws, &opts).unwrap().image;
    let (reference, ref_mask) = apply_fractional_rotation(&base, angle, 3).unwrap();
    let (pseudo, pseudo_mask) = apply_fractional_pseudo_rotation(&rotated, angle, 3).unwrap();
    let mask = (ref_mask * pseudo_mask).unwrap();
    let eq = psnr(&pseudo, &reference, &mask);
    let (unrotated, _) = apply_fractional_pseudo_rotation(&base, angle, 3).unwrap();
    let not_rotated = psnr(&unrotated, &reference, &mask);
    eprintln!("EQ-R at init: {eq:.2} dB (unrotated: {not_rotated:.2} dB)");
    assert!(eq > 60.0 && eq > not_rotated + 20.0, "EQ-R {eq} dB, unrotated {not_rotated} dB");
}
