//! The band-limited resampler (reference §1.6.3): translations and masks, the affine band-limit
//! filter, affine resampling, rotations, and the polyphase up-sampler against the reference.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use candle_core::{Device, Tensor};
use stylescope::analysis::resample::upsample::upsample2d_fast;
use stylescope::analysis::resample::{
    BandlimitFilter, apply_affine_transformation, apply_fractional_pseudo_rotation, apply_fractional_rotation,
    apply_fractional_translation, apply_integer_translation, rotation_matrix,
};
use stylescope::nn::ops::upfirdn2d::upsample2d;

const W: usize = 32;

fn impulse(y: usize, x: usize) -> Tensor {
    let mut v = vec![0f32; W * W];
    v[y * W + x] = 1.0;
    Tensor::from_vec(v, (1, 1, W, W), &Device::Cpu).unwrap()
}

fn vec(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1().unwrap()
}

/// A smooth, band-limited test image: a few low-frequency cosines (two channels).
fn smooth(w: usize, shift: (f64, f64)) -> Tensor {
    let mut v = Vec::with_capacity(2 * w * w);
    for ch in 0..2 {
        for y in 0..w {
            for x in 0..w {
                let (xf, yf) = ((x as f64 - shift.0) / w as f64, (y as f64 - shift.1) / w as f64);
                let t = std::f64::consts::TAU;
                let val = (t * (2.0 * xf + 1.0 * yf) + ch as f64).cos() * 0.5 + (t * (-xf + 3.0 * yf)).sin() * 0.3;
                v.push(val as f32);
            }
        }
    }
    Tensor::from_vec(v, (1, 2, w, w), &Device::Cpu).unwrap()
}

#[test]
fn integer_translation_moves_content_and_masks_the_border() {
    let (z, m) = apply_integer_translation(&impulse(10, 12), 3.0 / W as f64, -2.0 / W as f64).unwrap();
    let z = vec(&z);
    assert_eq!(z[8 * W + 15], 1.0);
    assert_eq!(z.iter().sum::<f32>(), 1.0);
    let m = vec(&m);
    for y in 0..W {
        for x in 0..W {
            let want = if x >= 3 && y < W - 2 { 1.0 } else { 0.0 };
            assert_eq!(m[y * W + x], want, "mask at ({y}, {x})");
        }
    }
    // Rounding: 2.5 pixels rounds to 2 (ties to even), 3.5 to 4.
    let (z, _) = apply_integer_translation(&impulse(5, 5), 2.5 / W as f64, 3.5 / W as f64).unwrap();
    assert_eq!(vec(&z)[9 * W + 7], 1.0);
    // Translating by the whole image leaves nothing.
    let (z, m) = apply_integer_translation(&impulse(5, 5), 1.0, 0.0).unwrap();
    assert!(vec(&z).iter().chain(vec(&m).iter()).all(|&v| v == 0.0));
    assert!(apply_integer_translation(&impulse(5, 5), f64::NAN, 0.0).is_err());
}

fn sinc(x: f64) -> f64 {
    if x == 0.0 { 1.0 } else { (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x) }
}

#[test]
fn fractional_translation_moves_an_impulse_by_t_times_w() {
    let (y0, x0) = (14, 9);
    // 4.5 pixels right, 2.25 pixels up.
    let (tx, ty) = (4.5 / W as f64, -2.25 / W as f64);
    let (z, m) = apply_fractional_translation(&impulse(y0, x0), tx, ty, 3).unwrap();
    let z = vec(&z);
    // Centroid moves by exactly +4.5 in x (the taps are symmetric about the half pixel).
    let total: f64 = z.iter().map(|&v| v as f64).sum();
    assert!((total - 1.0).abs() < 1e-6);
    let cx: f64 = z.iter().enumerate().map(|(i, &v)| v as f64 * (i % W) as f64).sum::<f64>() / total;
    assert!((cx - (x0 as f64 + 4.5)).abs() < 1e-5, "centroid x {cx}");
    // The response is the separable normalised Lanczos-3 kernel at the documented positions.
    let taps = |f: f64| -> Vec<f64> {
        let h: Vec<f64> = (-2..=3).map(|k| sinc(k as f64 - f) * sinc((k as f64 - f) / 3.0)).collect();
        let s: f64 = h.iter().sum();
        h.into_iter().map(|v| v / s).collect()
    };
    let (ix, fx, iy, fy) = (4i64, 0.5, -3i64, 0.75);
    let (hx, hy) = (taps(fx), taps(fy));
    for (j, hyv) in hy.iter().enumerate() {
        for (i, hxv) in hx.iter().enumerate() {
            let (y, x) = (y0 as i64 + iy + j as i64 - 2, x0 as i64 + ix + i as i64 - 2);
            let got = z[y as usize * W + x as usize] as f64;
            assert!((got - hxv * hyv).abs() < 1e-6, "({y}, {x}): {got} vs {}", hxv * hyv);
        }
    }
    // Mask: columns [ix+3, W) and rows [0, W + iy − 2).
    let m = vec(&m);
    for y in 0..W as i64 {
        for x in 0..W as i64 {
            let want = (x >= ix + 3 && y < W as i64 + iy - 2) as i32 as f32;
            assert_eq!(m[(y * W as i64 + x) as usize], want, "mask ({y}, {x})");
        }
    }
}

#[test]
fn fractional_translation_of_a_smooth_image_matches_the_shifted_image_inside_the_mask() {
    let (tx, ty) = (0.0937, -0.061);
    let (z, m) = apply_fractional_translation(&smooth(64, (0.0, 0.0)), tx, ty, 3).unwrap();
    let want = vec(&smooth(64, (tx * 64.0, ty * 64.0)));
    let (z, m) = (vec(&z), vec(&m));
    let mut worst = 0f32;
    for i in 0..z.len() {
        if m[i] > 0.0 {
            worst = worst.max((z[i] - want[i]).abs());
        } else {
            assert!(z[i].abs() < 1.0);
        }
    }
    assert!(worst < 2e-3, "Lanczos-3 error inside the mask: {worst}");
    assert!(m.iter().filter(|&&v| v > 0.0).count() > 2 * 50 * 50);
}

#[test]
fn affine_bandlimit_filter_has_normalised_phases_and_point_symmetry() {
    for mat in [rotation_matrix(0.0), rotation_matrix(0.3), rotation_matrix(-2.0)] {
        let p = BandlimitFilter { amax: 6, ..Default::default() };
        let f = p.taps(&mat).unwrap();
        let s = p.size();
        assert_eq!(s, 47);
        assert_eq!(f.len(), s * s);
        // Each of the 4×4 polyphase components sums to 1/16.
        for py in 0..4 {
            for px in 0..4 {
                let mut sum = 0f64;
                for y in (py..s).step_by(4) {
                    for x in (px..s).step_by(4) {
                        sum += f[y * s + x] as f64;
                    }
                }
                assert!((sum - 1.0 / 16.0).abs() < 1e-6, "phase ({py}, {px}) sums to {sum}");
            }
        }
        // Point symmetry about the centre tap (23, 23), which is the largest.
        for y in 0..s {
            for x in 0..s {
                let (a, b) = (f[y * s + x], f[(s - 1 - y) * s + (s - 1 - x)]);
                assert!((a - b).abs() < 1e-7, "({y}, {x}): {a} vs {b}");
            }
        }
        let centre = f[23 * s + 23];
        assert!(f.iter().all(|&v| v <= centre));
    }
    // Without rotation the filter is also symmetric under x ↔ y and mirror in x alone.
    let p = BandlimitFilter { amax: 6, ..Default::default() };
    let f = p.taps(&rotation_matrix(0.0)).unwrap();
    for y in 0..47 {
        for x in 0..47 {
            assert!((f[y * 47 + x] - f[x * 47 + y]).abs() < 1e-7);
            assert!((f[y * 47 + x] - f[y * 47 + 46 - x]).abs() < 1e-7);
        }
    }
    // The pseudo-rotation filter (up = 1) has 11×11 taps summing to 1.
    let p1 = BandlimitFilter { amax: 6, up: 1, ..Default::default() };
    let f1 = p1.taps(&rotation_matrix(0.7)).unwrap();
    assert_eq!(f1.len(), 121);
    assert!((f1.iter().map(|&v| v as f64).sum::<f64>() - 1.0).abs() < 1e-6);
    assert!(BandlimitFilter { amax: 70, ..Default::default() }.taps(&rotation_matrix(0.0)).is_err());
}

#[test]
fn affine_resampling_reproduces_translated_and_rotated_smooth_images() {
    let p = BandlimitFilter { amax: 6, ..Default::default() };
    let x = smooth(64, (0.0, 0.0));
    // Identity: the image comes back inside the mask.
    let (z, m) = apply_affine_transformation(&x, &rotation_matrix(0.0), &p).unwrap();
    let (z, m, xv) = (vec(&z), vec(&m), vec(&x));
    let inside: Vec<usize> = (0..z.len()).filter(|&i| m[i] > 0.0).collect();
    assert!(inside.len() > 2 * 40 * 40);
    let err = inside.iter().map(|&i| (z[i] - xv[i]).abs()).fold(0f32, f32::max);
    assert!(err < 5e-3, "identity resampling error {err}");
    // A translation by t (image units) moves the content by +t·W pixels.
    let t = [0.1f32, -0.05];
    let mat = [[1.0, 0.0, t[0]], [0.0, 1.0, t[1]], [0.0, 0.0, 1.0]];
    let (z, m) = apply_affine_transformation(&x, &mat, &p).unwrap();
    let want = vec(&smooth(64, (t[0] as f64 * 64.0, t[1] as f64 * 64.0)));
    let (z, m) = (vec(&z), vec(&m));
    let err = (0..z.len()).filter(|&i| m[i] > 0.0).map(|i| (z[i] - want[i]).abs()).fold(0f32, f32::max);
    assert!(err < 5e-3, "translation resampling error {err}");
    // Fractional rotation by 90° equals the exact rotation of the grid.
    let (z, m) = apply_fractional_rotation(&x, std::f64::consts::FRAC_PI_2, 3).unwrap();
    let (z, m) = (vec(&z), vec(&m));
    let mut worst = 0f32;
    let mut count = 0;
    for ch in 0..2 {
        for y in 0..64 {
            for xx in 0..64 {
                let i = (ch * 64 + y) * 64 + xx;
                if m[i] > 0.0 {
                    // theta = inv(R(90°)) samples the input at column 63 − y, row x.
                    let a = xv[(ch * 64 + xx) * 64 + (63 - y)];
                    worst = worst.max((z[i] - a).abs());
                    count += 1;
                }
            }
        }
    }
    assert!(count > 2 * 40 * 40);
    assert!(worst < 5e-3, "90° rotation error {worst}");
}

#[test]
fn pseudo_rotation_keeps_size_and_masks_half_the_filter() {
    let x = smooth(32, (0.0, 0.0));
    let (y, m) = apply_fractional_pseudo_rotation(&x, 0.4, 3).unwrap();
    assert_eq!(y.dims(), x.dims());
    let m = vec(&m);
    for yy in 0..32 {
        for xx in 0..32 {
            let want = ((5..27).contains(&yy) && (5..27).contains(&xx)) as i32 as f32;
            assert_eq!(m[yy * 32 + xx], want);
        }
    }
    // A smooth image passes the band limit almost unchanged inside the mask.
    let (y, xv) = (vec(&y), vec(&x));
    let err = (0..y.len()).filter(|&i| m[i % 1024] > 0.0).map(|i| (y[i] - xv[i]).abs()).fold(0f32, f32::max);
    assert!(err < 2e-2, "pseudo-rotation changed a smooth image by {err}");
}

#[test]
fn polyphase_upsampling_matches_the_reference() {
    let p = BandlimitFilter { a: 2.0, amax: 2, ..Default::default() };
    let f = p.tensor(&rotation_matrix(0.5), &Device::Cpu).unwrap();
    let asym = Tensor::new(&[[0.1f32, 0.4, -0.2], [0.3, 0.0, 0.5], [0.05, 0.2, 0.1]], &Device::Cpu).unwrap();
    let x = smooth(12, (0.3, 0.0));
    for (filt, up, pad, flip) in
        [(&f, 4, [p.size() as i64 / 2; 4], false), (&asym, 3, [1, -2, 0, 2], false), (&asym, 2, [0; 4], true)]
    {
        let r = upsample2d(&x, Some(filt), up, pad, flip, 1.5).unwrap();
        let q = upsample2d_fast(&x, Some(filt), up, pad, flip, 1.5).unwrap();
        assert_eq!(r.dims(), q.dims());
        let err = common::max_abs_diff(&vec(&r), &vec(&q));
        assert!(err < 1e-5, "up {up}: {err}");
        assert!(common::max_abs(&vec(&r)) > 0.1);
    }
}
