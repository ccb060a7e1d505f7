//! StyleGAN3's own ops: `filtered_lrelu` (reference vs fast path, closed forms) and the
//! StyleGAN3 modulated convolution (reference vs fast path, closed form).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)]

mod common;

use candle_core::{DType, Var};
use candle_core::{Device, Tensor};
use stylescope::nn::filter_design::{firwin, radial_lowpass};
use stylescope::nn::ops::filtered_lrelu::{
    FilteredLrelu, filtered_lrelu_fast, filtered_lrelu_ref, filtered_lrelu_tracked,
};
use stylescope::nn::stylegan3::modulated_conv::{modulated_conv2d_fast, modulated_conv2d_ref};

/// Deterministic pseudo-random values in [-scale, scale).
fn values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
        })
        .collect()
}

fn tensor(shape: &[usize], seed: u64, scale: f32) -> Tensor {
    let n = shape.iter().product();
    Tensor::from_vec(values(n, seed, scale), shape, &Device::Cpu).unwrap()
}

fn vec(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1().unwrap()
}

fn taps(v: Vec<f64>) -> Tensor {
    let n = v.len();
    Tensor::from_vec(v.into_iter().map(|x| x as f32).collect::<Vec<_>>(), n, &Device::Cpu).unwrap()
}

#[test]
fn filtered_lrelu_fast_matches_reference_on_stylegan3_layer_shapes() {
    let fu2 = taps(firwin(12, 2.0, 12.0, 32.0).unwrap());
    let fu4 = taps(firwin(24, 8.0, 19.3 * 2.0, 128.0).unwrap());
    let fd2 = taps(firwin(12, 3.175, 4.825 * 2.0, 32.0).unwrap());
    let radial = Tensor::from_vec(
        radial_lowpass(12, 2.0, 12.0, 32.0).unwrap().into_iter().map(|v| v as f32).collect::<Vec<_>>(),
        (12, 12),
        &Device::Cpu,
    )
    .unwrap();
    // (input [N, C, H, W], up filter, down filter, params): T hidden layer, T up-4 layer with
    // cropping, R radial layer, critically sampled crop, ToRGB (no filters, clamp only).
    let cases: Vec<(Vec<usize>, Option<&Tensor>, Option<&Tensor>, FilteredLrelu)> = vec![
        (
            vec![2, 3, 38, 38],
            Some(&fu2),
            Some(&fd2),
            FilteredLrelu { up: 2, down: 2, padding: [9, 8, 9, 8], clamp: Some(256.0), ..Default::default() },
        ),
        (
            vec![1, 2, 38, 38],
            Some(&fu4),
            Some(&fd2),
            FilteredLrelu { up: 4, down: 2, padding: [-6, -9, -6, -9], clamp: Some(0.5), ..Default::default() },
        ),
        (
            vec![1, 3, 36, 36],
            Some(&fu2),
            Some(&radial),
            FilteredLrelu { up: 2, down: 2, padding: [11, 10, 11, 10], ..Default::default() },
        ),
        (
            vec![1, 2, 86, 84],
            Some(&fu2),
            Some(&fd2),
            FilteredLrelu { up: 2, down: 2, padding: [-9, -10, -7, -10], ..Default::default() },
        ),
        (
            vec![2, 3, 16, 16],
            None,
            None,
            FilteredLrelu { gain: 1.0, slope: 1.0, clamp: Some(0.3), ..Default::default() },
        ),
    ];
    for (i, (shape, fu, fd, p)) in cases.into_iter().enumerate() {
        let x = tensor(&shape, 10 + i as u64, 2.0);
        let b = tensor(&[shape[1]], 20 + i as u64, 0.5);
        let r = filtered_lrelu_ref(&x, fu, fd, Some(&b), &p).unwrap();
        let f = filtered_lrelu_fast(&x, fu, fd, Some(&b), &p).unwrap();
        assert_eq!(r.dims(), f.dims(), "case {i}");
        let (rv, fv) = (vec(&r), vec(&f));
        let err = common::max_abs_diff(&rv, &fv);
        let scale = common::max_abs(&rv).max(1.0);
        assert!(err <= 2e-6 * scale, "case {i}: fast vs ref max error {err} (max |ref| {scale})");
        assert!(common::max_abs(&rv) > 0.05, "case {i}: degenerate output");
        // Flip the filter: symmetric filters give the same result.
        let pf = FilteredLrelu { flip_filter: true, ..p };
        let ff = filtered_lrelu_fast(&x, fu, fd, Some(&b), &pf).unwrap();
        assert!(common::max_abs_diff(&vec(&ff), &fv) <= 1e-6 * scale, "case {i}: flip");
    }
    // The documented output sizes.
    let x = tensor(&[1, 1, 38, 38], 1, 1.0);
    let y = filtered_lrelu_fast(
        &x,
        Some(&fu2),
        Some(&fd2),
        None,
        &FilteredLrelu { up: 2, down: 2, padding: [9, 8, 9, 8], ..Default::default() },
    )
    .unwrap();
    assert_eq!(y.dims(), &[1, 1, 36, 36]);
}

/// The training node (fused forward, hand-written backward) against the reference's autograd:
/// the same values and the same gradients for input and bias, in float32 (fused forward) and
/// float64 (unfused forward), for every StyleGAN3 layer kind, with clamps that cut.
#[test]
fn filtered_lrelu_training_node_matches_the_reference_and_its_gradients() {
    let fu2 = taps(firwin(12, 2.0, 12.0, 32.0).unwrap());
    let fu4 = taps(firwin(24, 8.0, 19.3 * 2.0, 128.0).unwrap());
    let fd2 = taps(firwin(12, 3.175, 4.825 * 2.0, 32.0).unwrap());
    let radial = Tensor::from_vec(
        radial_lowpass(12, 2.0, 12.0, 32.0).unwrap().into_iter().map(|v| v as f32).collect::<Vec<_>>(),
        (12, 12),
        &Device::Cpu,
    )
    .unwrap();
    let asym_u = Tensor::new(&[0.1f32, 0.5, 0.3, 0.1, 0.0, -0.05], &Device::Cpu).unwrap();
    let asym_d = Tensor::new(&[[0.2f32, 0.1, 0.0], [0.3, 0.1, 0.05], [0.05, 0.1, 0.1]], &Device::Cpu).unwrap();
    let cases: Vec<(Vec<usize>, Option<&Tensor>, Option<&Tensor>, FilteredLrelu)> = vec![
        (
            vec![2, 3, 38, 38],
            Some(&fu2),
            Some(&fd2),
            FilteredLrelu { up: 2, down: 2, padding: [9, 8, 9, 8], clamp: Some(1.0), ..Default::default() },
        ),
        (
            vec![1, 2, 38, 38],
            Some(&fu4),
            Some(&fd2),
            FilteredLrelu { up: 4, down: 2, padding: [-6, -9, -6, -9], clamp: Some(0.5), ..Default::default() },
        ),
        (
            vec![1, 3, 36, 36],
            Some(&fu2),
            Some(&radial),
            FilteredLrelu { up: 2, down: 2, padding: [11, 10, 11, 10], ..Default::default() },
        ),
        (
            vec![1, 2, 30, 28],
            Some(&fu2),
            Some(&fd2),
            FilteredLrelu { up: 2, down: 2, padding: [-9, -10, -7, -10], ..Default::default() },
        ),
        (
            vec![2, 3, 16, 16],
            None,
            None,
            FilteredLrelu { gain: 1.0, slope: 1.0, clamp: Some(0.3), ..Default::default() },
        ),
        (
            vec![1, 2, 9, 11],
            Some(&asym_u),
            Some(&asym_d),
            FilteredLrelu { up: 2, down: 3, padding: [2, 3, 1, 4], flip_filter: true, ..Default::default() },
        ),
    ];
    for (i, (shape, fu, fd, p)) in cases.into_iter().enumerate() {
        for dt in [DType::F32, DType::F64] {
            let x0 = tensor(&shape, 30 + i as u64, 2.0).to_dtype(dt).unwrap();
            let b0 = tensor(&[shape[1]], 40 + i as u64, 0.5).to_dtype(dt).unwrap();
            let (fu, fd) = (fu.map(|f| f.to_dtype(dt).unwrap()), fd.map(|f| f.to_dtype(dt).unwrap()));
            let run = |tracked: bool| {
                let (x, b) = (Var::from_tensor(&x0).unwrap(), Var::from_tensor(&b0).unwrap());
                let f = if tracked { filtered_lrelu_tracked } else { filtered_lrelu_ref };
                let y = f(x.as_tensor(), fu.as_ref(), fd.as_ref(), Some(b.as_tensor()), &p).unwrap();
                let probe = tensor(y.dims(), 50 + i as u64, 1.0).to_dtype(dt).unwrap();
                let grads = (&y * &probe).unwrap().sum_all().unwrap().backward().unwrap();
                let f64s = |t: &Tensor| -> Vec<f32> { vec(&t.to_dtype(DType::F32).unwrap()) };
                (f64s(&y), f64s(grads.get(x.as_tensor()).unwrap()), f64s(grads.get(b.as_tensor()).unwrap()))
            };
            let (ry, rgx, rgb) = run(false);
            let (ty, tgx, tgb) = run(true);
            let tol = if dt == DType::F32 { 2e-6 } else { 1e-6 };
            for (what, r, t) in [("value", &ry, &ty), ("input gradient", &rgx, &tgx), ("bias gradient", &rgb, &tgb)] {
                assert_eq!(r.len(), t.len(), "case {i} {dt:?}: {what} sizes");
                let scale = common::max_abs(r).max(1.0);
                let err = common::max_abs_diff(r, t);
                assert!(err <= tol * scale, "case {i} {dt:?}: {what} differs by {err} (max |ref| {scale})");
                assert!(common::max_abs(r) > 0.05, "case {i} {dt:?}: degenerate {what}");
            }
        }
    }
}

#[test]
fn filtered_lrelu_with_asymmetric_filters_agrees_and_flips() {
    let fu = Tensor::new(&[0.1f32, 0.5, 0.3, 0.1, 0.0, -0.05], &Device::Cpu).unwrap();
    let fd = Tensor::new(&[[0.2f32, 0.1, 0.0], [0.3, 0.1, 0.05], [0.05, 0.1, 0.1]], &Device::Cpu).unwrap();
    let x = tensor(&[1, 2, 9, 11], 3, 1.5);
    for flip in [false, true] {
        let p = FilteredLrelu { up: 2, down: 3, padding: [2, 3, 1, 4], flip_filter: flip, ..Default::default() };
        let r = filtered_lrelu_ref(&x, Some(&fu), Some(&fd), None, &p).unwrap();
        let f = filtered_lrelu_fast(&x, Some(&fu), Some(&fd), None, &p).unwrap();
        assert_eq!(r.dims(), f.dims());
        let err = common::max_abs_diff(&vec(&r), &vec(&f));
        assert!(err < 1e-6, "flip {flip}: {err}");
    }
}

#[test]
fn filtered_lrelu_without_filters_is_bias_lrelu_gain_clamp() {
    let x = Tensor::new(&[[[[-2.0f32, -0.5], [0.5, 300.0]]]], &Device::Cpu).unwrap();
    let b = Tensor::new(&[0.25f32], &Device::Cpu).unwrap();
    let p = FilteredLrelu { clamp: Some(256.0), ..Default::default() };
    let s2 = std::f32::consts::SQRT_2;
    let want = [-1.75 * 0.2 * s2, -0.25 * 0.2 * s2, 0.75 * s2, 256.0];
    for y in [
        filtered_lrelu_ref(&x, None, None, Some(&b), &p).unwrap(),
        filtered_lrelu_fast(&x, None, None, Some(&b), &p).unwrap(),
    ] {
        let y = vec(&y);
        for (a, w) in y.iter().zip(want) {
            assert!((a - w).abs() < 1e-6, "{y:?} vs {want:?}");
        }
    }
    // An impossible geometry is an error, not a panic.
    let p = FilteredLrelu { padding: [-5, -5, 0, 0], ..Default::default() };
    assert!(filtered_lrelu_fast(&x, None, None, None, &p).is_err());
    assert!(filtered_lrelu_ref(&x, None, None, None, &p).is_err());
}

#[test]
fn modulated_conv_fast_matches_reference_and_closed_form() {
    for (k, demod, n) in [(3usize, true, 2usize), (1, true, 2), (1, false, 1), (3, false, 1)] {
        let (ci, co, h) = (5, 4, 7);
        let x = tensor(&[n, ci, h, h], 40 + k as u64, 1.0);
        let w = tensor(&[co, ci, k, k], 50, 1.0);
        let s = tensor(&[n, ci], 60, 1.0);
        let gain = Tensor::new(0.7f32, &Device::Cpu).unwrap();
        let r = modulated_conv2d_ref(&x, &w, &s, k - 1, demod, Some(&gain)).unwrap();
        let f = modulated_conv2d_fast(&x, &w, &s, k - 1, demod, Some(&gain)).unwrap();
        assert_eq!(r.dims(), &[n, co, h + k - 1, h + k - 1]);
        assert_eq!(r.dims(), f.dims());
        let err = common::max_abs_diff(&vec(&r), &vec(&f));
        assert!(err < 1e-5, "k {k} demod {demod}: {err}");

        // Closed form at one output pixel of sample n-1, channel 1 (full padding k−1).
        let (xv, wv, sv, rv) = (vec(&x), vec(&w), vec(&s), vec(&r));
        let (b, o, oy, ox) = (n - 1, 1, 2usize, 3usize);
        let wm = |i: usize, ky: usize, kx: usize| wv[((o * ci + i) * k + ky) * k + kx] as f64 * sv[b * ci + i] as f64;
        let mut d = 1.0;
        if demod {
            let mut ss = 0.0;
            for i in 0..ci {
                for ky in 0..k {
                    for kx in 0..k {
                        ss += wm(i, ky, kx).powi(2);
                    }
                }
            }
            d = 1.0 / (ss + 1e-8).sqrt();
        }
        let mut acc = 0.0;
        for i in 0..ci {
            for ky in 0..k {
                for kx in 0..k {
                    let (yy, xx) = (oy as i64 + ky as i64 - (k as i64 - 1), ox as i64 + kx as i64 - (k as i64 - 1));
                    if yy >= 0 && xx >= 0 && (yy as usize) < h && (xx as usize) < h {
                        acc += wm(i, ky, kx) * xv[((b * ci + i) * h + yy as usize) * h + xx as usize] as f64;
                    }
                }
            }
        }
        let want = acc * d * 0.7;
        let got = rv[((b * co + o) * (h + k - 1) + oy) * (h + k - 1) + ox] as f64;
        // Demodulation cancels the FP16-protecting rescalings; without it they must not be applied.
        assert!((got - want).abs() < 1e-5 * want.abs().max(1.0), "k {k} demod {demod}: {got} vs {want}");
    }
}

#[test]
fn modulated_conv_fast_matches_reference_for_other_paddings_and_shapes() {
    for (k, pad, h, w) in [(3usize, 0usize, 6usize, 9usize), (3, 1, 5, 4), (5, 4, 7, 3), (1, 1, 4, 4)] {
        let x = tensor(&[2, 3, h, w], 70 + pad as u64, 1.0);
        let wt = tensor(&[4, 3, k, k], 80, 1.0);
        let s = tensor(&[2, 3], 90, 1.0);
        let r = modulated_conv2d_ref(&x, &wt, &s, pad, true, None).unwrap();
        let f = modulated_conv2d_fast(&x, &wt, &s, pad, true, None).unwrap();
        assert_eq!(r.dims(), f.dims(), "k {k} pad {pad}");
        assert_eq!(r.dims(), &[2, 4, h + 2 * pad + 1 - k, w + 2 * pad + 1 - k]);
        let err = common::max_abs_diff(&vec(&r), &vec(&f));
        assert!(err < 1e-5, "k {k} pad {pad}: {err}");
    }
}
