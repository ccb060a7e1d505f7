//! Transposed convolution (fast == reference == definition), `conv2d_resample` (every path ==
//! the generic composition), modulated convolution (fused == non-fused == a naive loop).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use candle_core::{Device, Tensor};
use stylescope::nn::ops::conv2d_resample::{Resample, conv2d_resample};
use stylescope::nn::ops::modulated_conv::{ModConv, modulated_conv2d};
use stylescope::nn::ops::transposed_conv::{transposed_conv2d, transposed_conv2d_ref};
use stylescope::nn::ops::upfirdn2d::{UpFirDn, setup_filter_taps, upfirdn2d};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        ((z >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
    fn tensor(&mut self, shape: &[usize]) -> Tensor {
        let n: usize = shape.iter().product();
        Tensor::from_vec((0..n).map(|_| self.next()).collect::<Vec<_>>(), shape, &Device::Cpu).unwrap()
    }
}

fn flat(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// conv_transpose2d by its definition: y[p] += x[i]·K[k] for p = i·s + k − pad.
#[allow(clippy::too_many_arguments)]
fn transposed_naive(
    x: &Tensor,
    w: &Tensor,
    s: usize,
    pad: [usize; 2],
    groups: usize,
    flip: bool,
) -> (Vec<f64>, Vec<usize>) {
    let (n, ci, h, wd) = x.dims4().unwrap();
    let (co, cig, kh, kw) = w.dims4().unwrap();
    let xv = flat(x);
    let wv = flat(w);
    let oh = (h - 1) * s + kh - 2 * pad[0];
    let ow = (wd - 1) * s + kw - 2 * pad[1];
    let cog = co / groups;
    let mut y = vec![0f64; n * co * oh * ow];
    for b in 0..n {
        for o in 0..co {
            let g = o / cog;
            for il in 0..cig {
                let i = g * cig + il;
                for iy in 0..h {
                    for ix in 0..wd {
                        for ky in 0..kh {
                            for kx in 0..kw {
                                let py = (iy * s + ky) as i64 - pad[0] as i64;
                                let px = (ix * s + kx) as i64 - pad[1] as i64;
                                if py < 0 || px < 0 || py >= oh as i64 || px >= ow as i64 {
                                    continue;
                                }
                                let (ky2, kx2) = if flip { (kh - 1 - ky, kw - 1 - kx) } else { (ky, kx) };
                                let k = wv[((o * cig + il) * kh + ky2) * kw + kx2] as f64;
                                y[((b * co + o) * oh + py as usize) * ow + px as usize] +=
                                    k * xv[((b * ci + i) * h + iy) * wd + ix] as f64;
                            }
                        }
                    }
                }
            }
        }
    }
    (y, vec![n, co, oh, ow])
}

#[test]
fn transposed_conv_fast_equals_reference_equals_definition() {
    let mut rng = Rng(3);
    let mut cases = 0;
    for (kh, kw) in [(1, 1), (2, 2), (3, 3), (4, 4), (3, 2)] {
        for s in [1, 2, 3] {
            for pad in [[0, 0], [1, 0], [1, 1]] {
                if pad[0] * 2 >= (4 - 1) * s + kh || pad[1] * 2 >= (5 - 1) * s + kw {
                    continue;
                }
                for groups in [1, 2] {
                    for flip in [false, true] {
                        let x = rng.tensor(&[2, 2 * groups, 4, 5]);
                        let w = rng.tensor(&[3 * groups, 2, kh, kw]);
                        let fast = transposed_conv2d(&x, &w, s, pad, groups, flip).unwrap();
                        let refr = transposed_conv2d_ref(&x, &w, s, pad, groups, flip).unwrap();
                        let (want, shape) = transposed_naive(&x, &w, s, pad, groups, flip);
                        assert_eq!(fast.dims(), shape.as_slice());
                        assert_eq!(refr.dims(), shape.as_slice());
                        let want: Vec<f32> = want.iter().map(|v| *v as f32).collect();
                        let what = format!("k {kh}x{kw} s {s} pad {pad:?} groups {groups} flip {flip}");
                        assert!(max_diff(&flat(&fast), &want) < 1e-5, "fast {what}");
                        assert!(max_diff(&flat(&refr), &want) < 1e-5, "ref {what}");
                        cases += 1;
                    }
                }
            }
        }
    }
    assert!(cases >= 150, "{cases}");
}

/// NVIDIA's generic composition: upfirdn2d(up, padding, gain up²) → conv → upfirdn2d(down).
fn generic(x: &Tensor, w: &Tensor, f: &Tensor, p: &Resample) -> Tensor {
    let (fw, fh) = (f.dims()[1] as i64, f.dims()[0] as i64);
    let (u, d) = (p.up as i64, p.down as i64);
    let mut pad = p.padding;
    if p.up > 1 {
        pad[0] += (fw + u - 1).div_euclid(2);
        pad[1] += (fw - u).div_euclid(2);
        pad[2] += (fh + u - 1).div_euclid(2);
        pad[3] += (fh - u).div_euclid(2);
    }
    if p.down > 1 {
        pad[0] += (fw - d + 1).div_euclid(2);
        pad[1] += (fw - d).div_euclid(2);
        pad[2] += (fh - d + 1).div_euclid(2);
        pad[3] += (fh - d).div_euclid(2);
    }
    let fu = if p.up > 1 { Some(f) } else { None };
    let y = upfirdn2d(x, fu, &UpFirDn::default().up(p.up).padding(pad).gain((p.up * p.up) as f64)).unwrap();
    let w = if p.flip_weight { w.clone() } else { w.flip(&[2, 3]).unwrap() };
    let y = y.conv2d(&w, 0, 1, 1, p.groups).unwrap();
    if p.down > 1 { upfirdn2d(&y, Some(f), &UpFirDn::default().down(p.down)).unwrap() } else { y }
}

#[test]
fn conv2d_resample_paths_equal_the_generic_composition() {
    let mut rng = Rng(5);
    let f = setup_filter_taps(&[1.0, 3.0, 3.0, 1.0], &Device::Cpu).unwrap();
    // An asymmetric filter too, so that every flip matters.
    let fa = rng.tensor(&[3, 4]);
    let mut cases = 0;
    for filter in [&f, &fa] {
        for k in [1, 3] {
            for (up, down) in [(1, 1), (2, 1), (1, 2), (2, 2)] {
                for padding in [[0i64; 4], [1, 1, 1, 1], [2, 1, 0, 1], [-1, 0, 1, 0]] {
                    for (groups, flip_weight) in [(1, true), (1, false), (2, false)] {
                        let x = rng.tensor(&[2, 2 * groups, 6, 7]);
                        let w = rng.tensor(&[3 * groups, 2, k, k]);
                        let p = Resample { up, down, padding, groups, flip_weight, flip_filter: false };
                        let got = conv2d_resample(&x, &w, Some(filter), &p).unwrap();
                        let want = generic(&x, &w, filter, &p);
                        let what =
                            format!("k {k} up {up} down {down} pad {padding:?} groups {groups} flip {flip_weight}");
                        assert_eq!(got.dims(), want.dims(), "{what}");
                        assert!(max_diff(&flat(&got), &flat(&want)) < 2e-5, "{what}");
                        cases += 1;
                    }
                }
            }
        }
    }
    assert_eq!(cases, 192);
    // Sizes of the StyleGAN2 cases: 3×3 up 2 padding 1 doubles; 3×3 padding 1 keeps.
    let x = rng.tensor(&[1, 2, 5, 5]);
    let w = rng.tensor(&[3, 2, 3, 3]);
    let up = Resample { up: 2, padding: [1; 4], flip_weight: false, ..Default::default() };
    assert_eq!(conv2d_resample(&x, &w, Some(&f), &up).unwrap().dims(), &[1, 3, 10, 10]);
    let same = Resample { padding: [1; 4], ..Default::default() };
    assert_eq!(conv2d_resample(&x, &w, Some(&f), &same).unwrap().dims(), &[1, 3, 5, 5]);
    assert!(conv2d_resample(&x, &w, None, &up).is_err(), "resampling without a filter");
}

/// The modulated convolution by its definition (reference-stylegan.md §2.5.1), in f64.
fn modconv_naive(x: &Tensor, w: &Tensor, s: &Tensor, noise: Option<&Tensor>, demod: bool, up: usize) -> Vec<f32> {
    let (n, ci, h, wd) = x.dims4().unwrap();
    let (co, _, k, _) = w.dims4().unwrap();
    let (xv, wv, sv) = (flat(x), flat(w), flat(s));
    let pad = (k / 2) as i64;
    let mut out = Vec::new();
    for b in 0..n {
        // Modulated, demodulated weights.
        let mut wm = vec![0f64; co * ci * k * k];
        for o in 0..co {
            let mut ss = 0.0;
            for i in 0..ci {
                for t in 0..k * k {
                    let v = wv[(o * ci + i) * k * k + t] as f64 * sv[b * ci + i] as f64;
                    wm[(o * ci + i) * k * k + t] = v;
                    ss += v * v;
                }
            }
            if demod {
                let d = 1.0 / (ss + 1e-8).sqrt();
                for v in &mut wm[o * ci * k * k..(o + 1) * ci * k * k] {
                    *v *= d;
                }
            }
        }
        let xb = |i: usize, y: i64, xx: i64| -> f64 {
            if y < 0 || xx < 0 || y >= h as i64 || xx >= wd as i64 {
                0.0
            } else {
                xv[((b * ci + i) * h + y as usize) * wd + xx as usize] as f64
            }
        };
        let (oh, ow) = (h * up, wd * up);
        let mut y = vec![0f64; co * oh * ow];
        if up == 1 {
            // Correlation with padding k/2.
            for o in 0..co {
                for py in 0..oh as i64 {
                    for px in 0..ow as i64 {
                        let mut acc = 0.0;
                        for i in 0..ci {
                            for ky in 0..k as i64 {
                                for kx in 0..k as i64 {
                                    acc += wm[((o * ci + i) * k + ky as usize) * k + kx as usize]
                                        * xb(i, py + ky - pad, px + kx - pad);
                                }
                            }
                        }
                        y[(o * oh + py as usize) * ow + px as usize] = acc;
                    }
                }
            }
        } else {
            // Zero-insert to (2H−1)², true convolution with zero padding 2 → (2H+1)², then the
            // [1,3,3,1] FIR with padding 1 and gain 4 → (2H)².
            let (th, tw) = (2 * h + 1, 2 * wd + 1);
            let zi = |i: usize, y: i64, xx: i64| -> f64 {
                if y % 2 != 0 || xx % 2 != 0 { 0.0 } else { xb(i, y / 2, xx / 2) }
            };
            let mut t = vec![0f64; co * th * tw];
            for o in 0..co {
                for py in 0..th as i64 {
                    for px in 0..tw as i64 {
                        let mut acc = 0.0;
                        for i in 0..ci {
                            for ky in 0..3i64 {
                                for kx in 0..3i64 {
                                    let (zy, zx) = (py - ky, px - kx);
                                    if zy < 0 || zx < 0 {
                                        continue;
                                    }
                                    acc += wm[((o * ci + i) * 3 + ky as usize) * 3 + kx as usize] * zi(i, zy, zx);
                                }
                            }
                        }
                        t[(o * th + py as usize) * tw + px as usize] = acc;
                    }
                }
            }
            let taps = [1.0, 3.0, 3.0, 1.0];
            for o in 0..co {
                for py in 0..oh as i64 {
                    for px in 0..ow as i64 {
                        let mut acc = 0.0;
                        for fy in 0..4i64 {
                            for fx in 0..4i64 {
                                let (ty, tx) = (py + fy - 1, px + fx - 1);
                                if ty < 0 || tx < 0 || ty >= th as i64 || tx >= tw as i64 {
                                    continue;
                                }
                                acc += taps[fy as usize] * taps[fx as usize] / 64.0
                                    * 4.0
                                    * t[(o * th + ty as usize) * tw + tx as usize];
                            }
                        }
                        y[(o * oh + py as usize) * ow + px as usize] = acc;
                    }
                }
            }
        }
        if let Some(nz) = noise {
            let nv = flat(nz);
            for o in 0..co {
                for p in 0..oh * ow {
                    y[o * oh * ow + p] += nv[p] as f64;
                }
            }
        }
        out.extend(y.iter().map(|v| *v as f32));
    }
    out
}

#[test]
fn modulated_conv_fused_equals_non_fused_equals_naive_loop() {
    let mut rng = Rng(9);
    let f = setup_filter_taps(&[1.0, 3.0, 3.0, 1.0], &Device::Cpu).unwrap();
    for (k, up, demod, with_noise) in
        [(3, 1, true, true), (3, 2, true, true), (3, 2, true, false), (1, 1, false, false), (3, 1, false, true)]
    {
        let (n, ci, co, h) = (3, 4, 5, 5);
        let x = rng.tensor(&[n, ci, h, h]);
        let w = rng.tensor(&[co, ci, k, k]);
        let s = (rng.tensor(&[n, ci]) * 2.0).unwrap();
        let noise = if with_noise { Some(rng.tensor(&[h * up, h * up])) } else { None };
        let want = modconv_naive(&x, &w, &s, noise.as_ref(), demod, up);
        let mut outs = Vec::new();
        for fused in [true, false] {
            let p = ModConv { demodulate: demod, up, down: 1, padding: (k / 2) as i64, flip_weight: up == 1, fused };
            let y = modulated_conv2d(&x, &w, &s, noise.as_ref(), Some(&f), &p).unwrap();
            assert_eq!(y.dims(), &[n, co, h * up, h * up]);
            let got = flat(&y);
            let scale = want.iter().fold(1f32, |m, v| m.max(v.abs()));
            let err = max_diff(&got, &want);
            assert!(err < 2e-6 * scale, "k {k} up {up} demod {demod} fused {fused}: err {err}");
            outs.push(got);
        }
        assert!(max_diff(&outs[0], &outs[1]) < 2e-6, "fused vs non-fused");
    }
    // Wrong style width is an error, not a panic.
    let x = rng.tensor(&[1, 4, 5, 5]);
    let w = rng.tensor(&[5, 4, 3, 3]);
    let s = rng.tensor(&[1, 3]);
    assert!(modulated_conv2d(&x, &w, &s, None, None, &ModConv::default()).is_err());
}

/// The CPU inference path of `ops::conv2d` (shifted-view matrix products) equals candle's
/// convolution (`conv2d_ref`) for the shapes StyleGAN2 and the polyphase transposed convolution
/// use: square and rectangular kernels, symmetric and per-axis padding, groups, batches.
#[test]
fn conv2d_cpu_path_equals_the_reference() {
    use stylescope::nn::ops::{conv2d, conv2d_ref};
    let mut rng = Rng(17);
    // (n, c_in, c_out, h, w, kh, kw, padding, groups)
    let cases = [
        (1, 16, 24, 9, 11, 3, 3, [1, 1], 1),
        (2, 8, 6, 7, 5, 3, 3, [1, 1], 1),
        (1, 12, 3, 8, 8, 1, 1, [0, 0], 1),
        (1, 6, 4, 6, 7, 2, 1, [1, 0], 1),
        (1, 6, 4, 6, 7, 1, 2, [0, 1], 1),
        (1, 2 * 5, 2 * 7, 6, 6, 3, 3, [1, 1], 2),
        (3, 4, 5, 5, 9, 2, 2, [2, 1], 1),
    ];
    for (i, &(n, ci, co, h, w, kh, kw, pad, groups)) in cases.iter().enumerate() {
        let x = rng.tensor(&[n, ci, h, w]);
        let wt = rng.tensor(&[co, ci / groups, kh, kw]);
        let fast = conv2d(&x, &wt, pad, 1, groups).unwrap();
        let reference = conv2d_ref(&x, &wt, pad, 1, groups).unwrap();
        assert_eq!(fast.dims(), reference.dims(), "case {i}");
        let err = max_diff(&flat(&fast), &flat(&reference));
        assert!(err < 1e-4, "case {i}: max difference {err}");
    }
}
