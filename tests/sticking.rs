//! Texture-sticking views on the fixture networks (issue #8): each view's numbers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use candle_core::{Device, Tensor};
use rustfft::num_complex::Complex;
use stylescope::analysis::sticking::FloatImage;
use stylescope::analysis::sticking::avg_spectra::spectrum_of_images;
use stylescope::analysis::sticking::error_map::{ReferenceKind, equivariance_error_map};
use stylescope::analysis::sticking::kaiser::kaiser_window;
use stylescope::analysis::sticking::layer_view::LayerViewOptions;
use stylescope::analysis::sticking::neighbourhood::{NeighbourhoodOptions, average_images, neighbourhood_average};
use stylescope::analysis::sticking::residual::{IDENTITY, untransform_residual};
use stylescope::analysis::sticking::spectrum::{FftOptions, fft_view, power_spectrum_db};
use stylescope::analysis::sticking::time_space::{
    Animation, SliceLine, estimate_drift, render_frames, time_space_slice,
};
use stylescope::checkpoint::Checkpoint;
use stylescope::nn::stylegan3::transform::make_transform;
use stylescope::nn::{Generator, SynthesisOptions};
use stylescope::progress::Silent;

fn load(dir: &std::path::Path) -> Generator {
    Checkpoint::open(&dir.join("network.pkl")).unwrap().load_generator(&Device::Cpu).unwrap()
}

fn ws(dir: &std::path::Path, seed: u64) -> Tensor {
    Tensor::read_npy(dir.join(format!("w_seed{seed}_psi1.0.npy"))).unwrap()
}

fn max_diff(a: &FloatImage, b: &FloatImage) -> f32 {
    common::max_abs_diff(&a.data, &b.data)
}

#[test]
fn the_average_of_identical_images_is_the_image() {
    for net in ["sg2_64", "sg3t_64"] {
        let dir = require_fixture!(net);
        let g = load(&dir);
        let w = ws(&dir, 85);
        let opts = NeighbourhoodOptions { count: 6, radius: 0.0, seed: 1, batch: 4 };
        let n = neighbourhood_average(&g, &w, &opts, &SynthesisOptions::default(), &Silent).unwrap();
        // The centre is NVIDIA's image.
        let (expected, _) = common::read_npy_f32(&dir.join("img_seed85_psi1.0_const.npy"));
        assert!(common::max_abs_diff(&n.center.data, &expected) < 2e-4, "{net}: centre differs from NVIDIA's image");
        let d = max_diff(&n.average, &n.center);
        assert!(d < 1e-5, "{net}: average of 6 identical images differs from the image by {d}");
        // A real neighbourhood blurs: the average moves away from the centre.
        let blurred = neighbourhood_average(
            &g,
            &w,
            &NeighbourhoodOptions { radius: 3.0, ..opts.clone() },
            &SynthesisOptions::default(),
            &Silent,
        )
        .unwrap();
        assert!(max_diff(&blurred.average, &blurred.center) > 0.05, "{net}: perturbations changed nothing");
        // The average of two different images is their mean.
        let w2 = ws(&dir, 7);
        let mean = average_images(&g, &[w.clone(), w2.clone()], &SynthesisOptions::default(), 1, &Silent).unwrap();
        let (b, _) = common::read_npy_f32(&dir.join("img_seed7_psi1.0_const.npy"));
        let manual: Vec<f32> = expected.iter().zip(&b).map(|(x, y)| (x + y) / 2.0).collect();
        assert!(common::max_abs_diff(&mean.data, &manual) < 2e-4, "{net}: mean of two images");
    }
}

#[test]
fn a_translation_draws_a_diagonal_with_the_translation_speed() {
    let dir = require_fixture!("sg3t_64");
    let g = load(&dir);
    let w = ws(&dir, 85);
    for (speed, line, per_frame) in [
        (0.5, SliceLine::Row(32), [0.5, 0.0]),
        (-0.75, SliceLine::Column(20), [0.0, -0.75]),
        (1.25, SliceLine::Row(10), [1.25, 0.0]),
    ] {
        let anim = Animation::translation(24, per_frame, 64);
        let frames = render_frames(&g, &w, &anim, &SynthesisOptions::default(), &Silent).unwrap();
        let slice = time_space_slice(&frames, line).unwrap();
        // The slice is the line of every frame.
        match line {
            SliceLine::Row(y) => {
                assert_eq!((slice.height, slice.width), (24, 64));
                assert_eq!(slice.at(1, 7, 13), frames[7].at(1, y, 13));
            }
            SliceLine::Column(x) => {
                assert_eq!((slice.height, slice.width), (64, 24));
                assert_eq!(slice.at(2, 40, 5), frames[5].at(2, 40, x));
            }
        }
        let drift = estimate_drift(&slice, line, 40).unwrap();
        let err = (drift - speed).abs() / speed.abs();
        eprintln!("speed {speed} px/frame: estimated slope {drift:.4} ({:.2}%)", err * 100.0);
        assert!(err < 0.05, "slope {drift} vs speed {speed}");
    }
    // A still animation has no drift.
    let frames =
        render_frames(&g, &w, &Animation::translation(6, [0.0, 0.0], 64), &SynthesisOptions::default(), &Silent)
            .unwrap();
    let slice = time_space_slice(&frames, SliceLine::Row(30)).unwrap();
    assert!(estimate_drift(&slice, SliceLine::Row(30), 20).unwrap().abs() < 1e-9);
}

/// The reference formula computed with a direct 2-D DFT (no FFT): mean removal, Kaiser window,
/// power summed over channels, fftshift, divided by the mean, dB.
fn naive_db(img: &FloatImage, beta: f64) -> Vec<f64> {
    let (h, w) = (img.height, img.width);
    let (wy, wx) = (kaiser_window(h, beta), kaiser_window(w, beta));
    let tw = |n: usize| -> Vec<Complex<f64>> {
        (0..n).map(|k| Complex::from_polar(1.0, -2.0 * std::f64::consts::PI * k as f64 / n as f64)).collect()
    };
    let (ty, tx) = (tw(h), tw(w));
    let mut power = vec![0f64; h * w];
    for c in 0..img.channels {
        let p = img.plane(c);
        let mean = p.iter().map(|&v| v as f64).sum::<f64>() / (h * w) as f64;
        let x: Vec<f64> = (0..h * w).map(|i| (p[i] as f64 - mean) * wy[i / w] * wx[i % w]).collect();
        for u in 0..h {
            for v in 0..w {
                let mut acc = Complex::new(0.0, 0.0);
                for y in 0..h {
                    let ry = ty[(u * y) % h];
                    for xx in 0..w {
                        acc += ry * tx[(v * xx) % w] * x[y * w + xx];
                    }
                }
                power[((u + h / 2) % h) * w + (v + w / 2) % w] += acc.norm_sqr();
            }
        }
    }
    let mean = power.iter().sum::<f64>() / (h * w) as f64;
    power.iter().map(|p| 10.0 * (p / mean).log10()).collect()
}

#[test]
fn the_fft_view_matches_a_direct_dft_of_the_reference_formula() {
    for (net, layer) in [("sg3t_64", "layer_L0_36_32"), ("sg3t_64", "layer_output"), ("sg2_64", "layer_b8.conv1")] {
        let dir = require_fixture!(net);
        let t = Tensor::read_npy(dir.join(format!("{layer}.npy"))).unwrap();
        let img = FloatImage::from_tensor(&t, 0).unwrap();
        for beta in [8.0, 0.0] {
            let fast = power_spectrum_db(&img, beta).unwrap();
            let direct = naive_db(&img, beta);
            let floor = -100.0;
            let (mut worst, mut counted) = (0f64, 0usize);
            for (a, b) in fast.db.iter().zip(&direct) {
                if *b > floor {
                    worst = worst.max((a - b).abs());
                    counted += 1;
                }
            }
            eprintln!("{net} {layer} beta {beta}: max |ΔdB| {worst:.2e} over {counted} bins above {floor} dB");
            assert!(counted > fast.db.len() / 2, "{net} {layer}: too few bins above the floor");
            assert!(worst < 1e-4, "{net} {layer}: {worst} dB");
        }
    }
    // The view sums all channels, or only the selection.
    let dir = require_fixture!("sg3t_64");
    let img = FloatImage::from_tensor(&Tensor::read_npy(dir.join("layer_L0_36_32.npy")).unwrap(), 0).unwrap();
    let sel = LayerViewOptions { rgb: false, base_channel: 5, ..Default::default() };
    let one = fft_view(&img, &sel, &FftOptions { all_channels: false, ..Default::default() }).unwrap();
    let only5 = FloatImage::new(1, 36, 36, img.plane(5).to_vec()).unwrap();
    assert_eq!(one, power_spectrum_db(&only5, 8.0).unwrap());
    assert_ne!(one, fft_view(&img, &sel, &FftOptions::default()).unwrap());
}

#[test]
fn untransform_residual_and_error_map_vanish_for_the_identity() {
    let dir = require_fixture!("sg3t_64");
    let g = load(&dir);
    let w = ws(&dir, 85);
    let r = untransform_residual(&g, &w, &IDENTITY, &SynthesisOptions::default(), &Silent).unwrap();
    let max = r.heat.iter().fold(0f32, |m, v| m.max(*v));
    eprintln!("identity untransform residual: mean {:.3e}, max {max:.3e}", r.mean);
    assert!(r.mean < 1e-5 && max < 1e-4, "identity residual mean {} max {max}", r.mean);
    assert!(r.mask.iter().filter(|&&m| m > 0.0).count() > 40 * 40);

    let e = equivariance_error_map(&g, &w, &IDENTITY, &SynthesisOptions::default(), &Silent).unwrap();
    assert_eq!(e.kind, ReferenceKind::IntegerTranslation);
    assert!(e.heat.iter().all(|&v| v == 0.0), "identity error map is not zero");
    assert!(e.psnr.is_infinite());

    // A translation: the untransformed image is NVIDIA's untransform of its transformed image,
    // and the residual is small but not zero.
    let m = make_transform([0.13, -0.21], 0.0);
    let r = untransform_residual(&g, &w, &m, &SynthesisOptions::default(), &Silent).unwrap();
    let (expected, _) = common::read_npy_f32(&dir.join("untransform_translate_seed85_psi1.0.npy"));
    let d = common::max_abs_diff(&r.untransformed.data, &expected);
    assert!(d < 1e-3, "untransformed image vs NVIDIA's: {d}");
    eprintln!("translate (0.13, -0.21): residual mean {:.4}", r.mean);
    assert!(r.mean > 1e-5 && r.mean < 1e-2, "residual mean {}", r.mean);

    // A fractional translation uses the Lanczos reference and gives a finite PSNR near EQ-T_frac's.
    let e = equivariance_error_map(&g, &w, &make_transform([0.05, 0.02], 0.0), &SynthesisOptions::default(), &Silent)
        .unwrap();
    assert_eq!(e.kind, ReferenceKind::FractionalTranslation);
    eprintln!("translate (0.05, 0.02): PSNR {:.2} dB", e.psnr);
    assert!(e.psnr.is_finite() && e.psnr > 40.0, "PSNR {}", e.psnr);
    let e = equivariance_error_map(&g, &w, &make_transform([0.0, 0.0], 30.0), &SynthesisOptions::default(), &Silent)
        .unwrap();
    assert_eq!(e.kind, ReferenceKind::Affine);
    eprintln!("rotate 30°: PSNR {:.2} dB", e.psnr);
    assert!(e.psnr.is_finite() && e.psnr > 10.0);
}

#[test]
fn stylegan2_views_that_need_an_input_transform_say_so() {
    let dir = require_fixture!("sg2_64");
    let g = load(&dir);
    let w = ws(&dir, 85);
    let m = make_transform([0.1, 0.0], 0.0);
    let e = untransform_residual(&g, &w, &m, &SynthesisOptions::default(), &Silent).unwrap_err();
    assert!(e.to_string().contains("StyleGAN3"), "{e}");
    let e = equivariance_error_map(&g, &w, &m, &SynthesisOptions::default(), &Silent).unwrap_err();
    assert!(e.to_string().contains("StyleGAN3"), "{e}");
    let e = render_frames(&g, &w, &Animation::translation(3, [1.0, 0.0], 64), &SynthesisOptions::default(), &Silent)
        .unwrap_err();
    assert!(e.to_string().contains("StyleGAN3"), "{e}");
    // A latent interpolation works on StyleGAN2: the first and last frames are the end images.
    let anim = Animation { frames: 5, translate: [0.0, 0.0], rotate: 0.0, ws_end: Some(ws(&dir, 7)) };
    let frames = render_frames(&g, &w, &anim, &SynthesisOptions::default(), &Silent).unwrap();
    let (a, _) = common::read_npy_f32(&dir.join("img_seed85_psi1.0_const.npy"));
    let (b, _) = common::read_npy_f32(&dir.join("img_seed7_psi1.0_const.npy"));
    assert!(common::max_abs_diff(&frames[0].data, &a) < 2e-4);
    assert!(common::max_abs_diff(&frames[4].data, &b) < 2e-4);
}

#[test]
fn the_single_pass_average_spectrum_equals_whitening_first() {
    let dir = require_fixture!("sg3t_64");
    let images: Vec<FloatImage> = [0u64, 1, 7]
        .iter()
        .map(|s| {
            FloatImage::from_tensor(&Tensor::read_npy(dir.join(format!("img_seed{s}_psi1.0_const.npy"))).unwrap(), 0)
                .unwrap()
        })
        .collect();
    let (interp, beta) = (2usize, 8.0);
    let avg = spectrum_of_images(&images, interp, beta).unwrap();
    // Two passes: stats of the 8-bit values, then whiten, window, pad, FFT, average.
    let u8s: Vec<Vec<f64>> =
        images.iter().map(|i| i.data.iter().map(|&v| stylescope::nn::image::to_u8(v) as f64).collect()).collect();
    let all: Vec<f64> = u8s.iter().flatten().copied().collect();
    let mean = all.iter().sum::<f64>() / all.len() as f64;
    let std = (all.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / all.len() as f64).sqrt();
    assert!((avg.mean - mean).abs() < 1e-9 && (avg.std - std).abs() < 1e-9);
    let n = 64;
    let size = n * interp;
    let w1 = kaiser_window(n, beta);
    let e = w1.iter().map(|v| v * v).sum::<f64>().sqrt();
    let mut planner = rustfft::FftPlanner::new();
    let mut expected = vec![0f64; size * size];
    let mut planes = 0;
    for img in &u8s {
        for c in 0..3 {
            let mut buf = vec![Complex::new(0.0, 0.0); size * size];
            for y in 0..n {
                for x in 0..n {
                    buf[y * size + x] =
                        Complex::new((img[(c * n + y) * n + x] - mean) / std * w1[y] / e * w1[x] / e, 0.0);
                }
            }
            stylescope::analysis::sticking::fft2::fft2(&mut buf, size, size, &mut planner);
            expected.iter_mut().zip(&buf).for_each(|(p, z)| *p += z.norm_sqr());
            planes += 1;
        }
    }
    let worst = expected
        .iter()
        .zip(&avg.power)
        .map(|(a, b)| (a / planes as f64 - b).abs() / (a / planes as f64).max(1e-6))
        .fold(0f64, f64::max);
    assert!(worst < 1e-6, "relative difference {worst}");
    // Parseval: the mean of the spectrum is the windowed energy per plane, below 1 (whitened, unit-energy window).
    let total = avg.power.iter().sum::<f64>() / (size * size) as f64;
    assert!(total > 0.05 && total < 5.0, "{total}");
}
