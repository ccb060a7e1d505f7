//! Every compute kernel run alone on the GPU (software Vulkan in CI) against a plain CPU loop
//! written from NVIDIA's formulas, on small random problems with awkward sizes (tiles only
//! partly filled, negative padding, clamps that bite).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)] // tests may panic on failure (clippy.toml)
#![cfg(feature = "gpu")]

mod gpu_common;

use gpu_common::{Rng, assert_close, lrelu, max_abs, outer, test_filter, to_f32, to_f64, upfirdn2d_ref};
use stylescope::gpu::compute::ops::{
    BiasActSpec, ConvSpec, Epilogue, FcSpec, FilteredLreluSpec, FourierSpec, ModulationSpec, NormalizeSpec, RgbaSpec,
    TruncateSpec, UpfirdnSpec, polyphase_weights,
};
use stylescope::nn::config::Activation;

#[test]
fn fully_connected_matches_the_reference() {
    let ctx = require_gpu!();
    let mut rng = Rng::new(1);
    for (act, bias, x_off, y_off) in [(Activation::Lrelu, true, 5, 3), (Activation::Linear, false, 0, 0)] {
        let (fin, fout) = (70, 130);
        let x = rng.normals(x_off + fin, 1.0);
        let w = rng.normals(fin * fout, 0.2);
        let b = rng.normals(fout, 0.5);
        let spec = FcSpec {
            in_features: fin,
            out_features: fout,
            activation: act,
            alpha: 0.2,
            gain: act.default_gain(),
            out_scale: 0.5,
            x_offset: x_off,
            y_offset: y_off,
        };
        let got = spec.run(&ctx, &x, &w, bias.then_some(&b[..])).unwrap();
        let mut want = vec![0.0f32; y_off + fout];
        for o in 0..fout {
            let mut v: f64 = (0..fin).map(|i| x[x_off + i] as f64 * w[o * fin + i] as f64).sum();
            if bias {
                v += b[o] as f64;
            }
            if act == Activation::Lrelu {
                v = lrelu(v, 0.2);
            }
            want[y_off + o] = (v * act.default_gain() * 0.5) as f32;
        }
        assert_close(&format!("fc {act:?}"), &got[y_off..], &want[y_off..], 1e-5);
    }
}

#[test]
fn normalize_and_truncation_match_the_reference() {
    let ctx = require_gpu!();
    let mut rng = Rng::new(2);
    let x = rng.normals(3 + 100, 2.0);
    let got = NormalizeSpec { n: 100, x_offset: 3, y_offset: 7 }.run(&ctx, &x).unwrap();
    let ms: f64 = x[3..].iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / 100.0;
    let want: Vec<f32> = x[3..].iter().map(|v| (*v as f64 / (ms + 1e-8).sqrt()) as f32).collect();
    assert_close("normalize", &got[7..], &want, 1e-6);

    let w = rng.normals(48, 1.0);
    let w_avg = rng.normals(48, 0.3);
    for (psi, cutoff) in [(0.7, None), (0.3, Some(3)), (1.0, Some(2))] {
        let spec = TruncateSpec { w_dim: 48, num_ws: 6, psi, cutoff, x_offset: 0 };
        let got = spec.run(&ctx, &w, &w_avg).unwrap();
        let mut want = Vec::new();
        for r in 0..6 {
            for i in 0..48 {
                let truncated = psi != 1.0 && r < cutoff.unwrap_or(6);
                let (a, v) = (w_avg[i] as f64, w[i] as f64);
                want.push(if truncated { (a + psi * (v - a)) as f32 } else { w[i] });
            }
        }
        assert_close(&format!("truncate psi {psi} cutoff {cutoff:?}"), &got, &want, 1e-6);
    }
}

#[test]
fn modulation_coefficients_match_the_reference() {
    let ctx = require_gpu!();
    let mut rng = Rng::new(3);
    let (c_in, c_out, k) = (40, 70, 3);
    let w = rng.normals(c_out * c_in * k * k, 0.3);
    let s = rng.normals(c_in, 1.5);
    for (demodulate, style_norm, gain) in [(true, true, 0.7), (true, false, 1.0), (false, false, 1.3)] {
        let spec = ModulationSpec { c_in, c_out, kernel: k, demodulate, style_norm, input_gain: gain };
        let got = spec.run(&ctx, &w, &s).unwrap();
        let ss = if style_norm {
            1.0 / (s.iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / c_in as f64).sqrt()
        } else {
            1.0
        };
        let sp: Vec<f64> = s.iter().map(|v| *v as f64 * ss).collect();
        let mut want: Vec<f32> = sp.iter().map(|v| *v as f32).collect();
        for o in 0..c_out {
            let d = if demodulate {
                let sum: f64 =
                    (0..c_in * k * k).map(|e| (w[o * c_in * k * k + e] as f64 * sp[e / (k * k)]).powi(2)).sum();
                1.0 / (sum + 1e-8).sqrt()
            } else {
                1.0
            };
            want.push((d * gain) as f32);
        }
        assert_close(&format!("modulation demod={demodulate} norm={style_norm}"), &got, &want, 1e-5);
    }
}

/// y[o, p] = epilogue(scale[o]·Σ W[o,i,k]·s[i]·x[…]) from the definitions.
#[allow(clippy::too_many_arguments)]
fn conv_ref(
    spec: &ConvSpec,
    x: &[f32],
    w: &[f32],
    m: &[f32],
    bias: &[f32],
    noise: &[f32],
    noise_gain: f32,
    residual: &[f32],
) -> Vec<f32> {
    let [oh, ow] = spec.out_size().unwrap();
    let (ci, co, k) = (spec.c_in, spec.c_out, spec.kernel);
    let e = spec.epilogue;
    let mut out = vec![0.0f32; co * oh * ow];
    for o in 0..co {
        for oy in 0..oh {
            for ox in 0..ow {
                let mut acc = 0.0f64;
                for i in 0..ci {
                    for ky in 0..k {
                        for kx in 0..k {
                            let (iy, ix) = if spec.transposed {
                                let (jy, jx) = (oy as i64 - ky as i64, ox as i64 - kx as i64);
                                if jy < 0 || jx < 0 || jy % 2 != 0 || jx % 2 != 0 {
                                    continue;
                                }
                                (jy / 2, jx / 2)
                            } else {
                                (oy as i64 + ky as i64 - spec.pad as i64, ox as i64 + kx as i64 - spec.pad as i64)
                            };
                            if iy < 0 || ix < 0 || iy >= spec.in_h as i64 || ix >= spec.in_w as i64 {
                                continue;
                            }
                            let xv = x[(i * spec.in_h + iy as usize) * spec.in_w + ix as usize] as f64;
                            acc += w[((o * ci + i) * k + ky) * k + kx] as f64 * m[i] as f64 * xv;
                        }
                    }
                }
                let p = oy * ow + ox;
                let mut v = acc * m[ci + o] as f64;
                if e.noise {
                    v += noise[p] as f64 * noise_gain as f64;
                }
                if e.bias {
                    v += bias[o] as f64;
                }
                if e.activation == Activation::Lrelu {
                    v = lrelu(v, e.alpha);
                }
                v *= e.gain;
                if let Some(c) = e.clamp {
                    v = v.clamp(-c, c);
                }
                if e.residual {
                    v += residual[o * oh * ow + p] as f64;
                }
                out[o * oh * ow + p] = v as f32;
            }
        }
    }
    out
}

#[test]
fn modulated_convolution_matches_the_reference_in_every_mode() {
    let ctx = require_gpu!();
    let mut rng = Rng::new(4);
    let full = Epilogue {
        activation: Activation::Lrelu,
        alpha: 0.2,
        gain: std::f64::consts::SQRT_2,
        clamp: Some(1.5),
        bias: true,
        noise: true,
        residual: true,
    };
    let cases = [
        ("correlation pad 1 (StyleGAN2 conv1)", 20, 70, 3, 13, 11, 1, false, full),
        (
            "full convolution (StyleGAN3, pad k-1)",
            17,
            5,
            3,
            9,
            12,
            2,
            false,
            Epilogue { clamp: None, noise: false, residual: false, ..full },
        ),
        ("transposed stride 2 (StyleGAN2 conv0)", 12, 66, 3, 5, 6, 0, true, Epilogue::identity()),
        ("1x1 (ToRGB / input mix)", 33, 3, 1, 16, 16, 0, false, Epilogue::bias_act(Activation::Linear, Some(0.8))),
    ];
    for (name, c_in, c_out, k, in_h, in_w, pad, transposed, epilogue) in cases {
        let spec = ConvSpec { c_in, c_out, kernel: k, in_h, in_w, pad, transposed, up: 1, epilogue };
        let [oh, ow] = spec.out_size().unwrap();
        let x = rng.normals(c_in * in_h * in_w, 1.0);
        let w = rng.normals(c_out * c_in * k * k, 0.3);
        let mut m = rng.normals(c_in + c_out, 1.0);
        m.iter_mut().skip(c_in).for_each(|v| *v = v.abs() + 0.1);
        let bias = rng.normals(c_out, 0.5);
        let noise = rng.normals(oh * ow, 1.0);
        let residual = rng.normals(c_out * oh * ow, 1.0);
        let got = spec
            .run(
                &ctx,
                &x,
                &w,
                &m,
                epilogue.bias.then_some(&bias[..]),
                epilogue.noise.then_some((&noise[..], -0.7)),
                epilogue.residual.then_some(&residual[..]),
            )
            .unwrap();
        let want = conv_ref(&spec, &x, &w, &m, &bias, &noise, -0.7, &residual);
        assert_close(name, &got, &want, 2e-5);
        if let Some(c) = epilogue.clamp.filter(|_| !epilogue.residual) {
            let c = c as f32;
            assert!(got.iter().any(|v| (v.abs() - c).abs() < 1e-6), "{name}: the clamp never bit");
        }
    }
}

/// StyleGAN2's up-sampling conv as four phase convolutions equals NVIDIA's two steps (stride-2
/// transposed conv into a (2h+1)² tensor, then the [1,3,3,1] filter with gain 4 and padding 1),
/// noise, bias, lrelu and clamp included.
#[test]
fn four_phase_upsampling_conv_equals_transposed_conv_then_filter() {
    let ctx = require_gpu!();
    let mut rng = Rng::new(9);
    let (c_in, c_out, h, w) = (10, 67, 6, 5);
    let x = rng.normals(c_in * h * w, 1.0);
    let wt = rng.normals(c_out * c_in * 9, 0.3);
    let mut m = rng.normals(c_in + c_out, 1.0);
    m.iter_mut().skip(c_in).for_each(|v| *v = v.abs() + 0.1);
    let bias = rng.normals(c_out, 0.5);
    let noise = rng.normals(4 * h * w, 1.0);
    let f4: Vec<f64> = outer(&[1.0, 3.0, 3.0, 1.0], &[1.0, 3.0, 3.0, 1.0]).iter().map(|v| v * 4.0 / 64.0).collect();
    let (phases, n, pad) = polyphase_weights(&wt, c_out, c_in, 3, &to_f32(&f4), 4, 4, (1, 1)).unwrap();
    assert_eq!((n, pad), (3, 1));
    let epilogue = Epilogue { noise: true, ..Epilogue::bias_act(Activation::Lrelu, Some(1.2)) };
    let spec = ConvSpec { c_in, c_out, kernel: n, in_h: h, in_w: w, pad, transposed: false, up: 2, epilogue };
    assert_eq!(spec.out_size().unwrap(), [2 * h, 2 * w]);
    let got = spec.run(&ctx, &x, &phases, &m, Some(&bias), Some((&noise, 0.3)), None).unwrap();

    let t_spec = ConvSpec {
        c_in,
        c_out,
        kernel: 3,
        in_h: h,
        in_w: w,
        pad: 0,
        transposed: true,
        up: 1,
        epilogue: Epilogue::identity(),
    };
    let t = conv_ref(&t_spec, &x, &wt, &m, &bias, &noise, 0.0, &[]);
    let [th, tw] = t_spec.out_size().unwrap();
    let (fir, oh, ow) = upfirdn2d_ref(&to_f64(&t), c_out, th, tw, &f4, 4, 4, 1, 1, [1, 1, 1, 1]);
    assert_eq!([oh, ow], [2 * h, 2 * w]);
    let want: Vec<f32> = fir
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let (o, p) = (i / (oh * ow), i % (oh * ow));
            let v = lrelu(v + noise[p] as f64 * 0.3 + bias[o] as f64, 0.2) * std::f64::consts::SQRT_2;
            v.clamp(-1.2, 1.2) as f32
        })
        .collect();
    assert_close("four-phase up-sampling conv", &got, &want, 2e-5);
}

#[test]
fn upfirdn2d_matches_the_reference() {
    let ctx = require_gpu!();
    let mut rng = Rng::new(5);
    let f4 = outer(&[1.0, 3.0, 3.0, 1.0], &[1.0, 3.0, 3.0, 1.0]).iter().map(|v| v / 64.0).collect::<Vec<_>>();
    let cases: [(&str, usize, usize, [i64; 4], f64, Epilogue); 3] = [
        (
            "upsample2d (StyleGAN2 image skip)",
            2,
            1,
            [2, 1, 2, 1],
            4.0,
            Epilogue { residual: true, ..Epilogue::identity() },
        ),
        (
            "conv0 post-filter with noise, bias, lrelu, clamp",
            1,
            1,
            [1, 1, 1, 1],
            4.0,
            Epilogue { noise: true, clamp: Some(0.9), ..Epilogue::bias_act(Activation::Lrelu, Some(0.9)) },
        ),
        ("downsample with cropping", 1, 2, [-1, 2, 0, -1], 1.0, Epilogue::identity()),
    ];
    for (name, up, down, padding, gain, epilogue) in cases {
        let (c, h, w) = (3, 9, 7);
        let spec = UpfirdnSpec { channels: c, in_h: h, in_w: w, up, down, fh: 4, fw: 4, padding, epilogue };
        let [oh, ow] = spec.out_size().unwrap();
        let x = rng.normals(c * h * w, 1.0);
        let f: Vec<f64> = f4.iter().map(|v| v * gain).collect();
        let bias = rng.normals(c, 0.3);
        let noise = rng.normals(oh * ow, 1.0);
        let residual = rng.normals(c * oh * ow, 1.0);
        let got = spec
            .run(
                &ctx,
                &x,
                &to_f32(&f),
                epilogue.bias.then_some(&bias[..]),
                epilogue.noise.then_some((&noise[..], 0.4)),
                epilogue.residual.then_some(&residual[..]),
            )
            .unwrap();
        let (r, rh, rw) = upfirdn2d_ref(&to_f64(&x), c, h, w, &f, 4, 4, up, down, padding);
        assert_eq!([rh, rw], [oh, ow], "{name}: output size");
        let want: Vec<f32> = r
            .iter()
            .enumerate()
            .map(|(idx, &v)| {
                let (ch, p) = (idx / (oh * ow), idx % (oh * ow));
                let mut v = v;
                if epilogue.noise {
                    v += noise[p] as f64 * 0.4;
                }
                if epilogue.bias {
                    v += bias[ch] as f64;
                }
                if epilogue.activation == Activation::Lrelu {
                    v = lrelu(v, 0.2);
                }
                v *= epilogue.gain;
                if let Some(cl) = epilogue.clamp {
                    v = v.clamp(-cl, cl);
                }
                if epilogue.residual {
                    v += residual[idx] as f64;
                }
                v as f32
            })
            .collect();
        assert_close(name, &got, &want, 1e-5);
    }
}

#[test]
fn fused_filtered_lrelu_matches_the_unfused_reference() {
    let ctx = require_gpu!();
    let mut rng = Rng::new(6);
    let sqrt2 = std::f64::consts::SQRT_2;
    // name, in_h, in_w, up, fu, down, fd, radial, padding, clamp
    let cases: [(&str, usize, usize, usize, usize, usize, usize, bool, [i64; 4], Option<f64>); 5] = [
        ("up 2 / down 2, separable (SG3-T L0)", 38, 38, 2, 12, 2, 12, false, [9, 8, 9, 8], Some(256.0)),
        ("up 4 / down 2 with cropping (SG3-T L2)", 22, 19, 4, 24, 2, 12, false, [-6, -9, -6, -9], Some(1.0)),
        ("radial down filter (SG3-R L0)", 36, 36, 2, 12, 2, 12, true, [11, 10, 11, 10], None),
        ("critically sampled crop (SG3-T L13)", 30, 33, 2, 12, 2, 12, false, [-11, -12, -11, -12], Some(0.5)),
        ("up 1 / down 2, odd taps", 17, 20, 1, 1, 2, 5, false, [2, 2, 1, 3], None),
    ];
    for (name, in_h, in_w, up, fu_n, down, fd_n, radial, padding, clamp) in cases {
        let c = 3;
        let spec = FilteredLreluSpec {
            channels: c,
            in_h,
            in_w,
            up,
            down,
            fu_taps: fu_n,
            fd_taps: fd_n,
            radial,
            padding,
            slope: 0.2,
            gain: sqrt2,
            clamp,
        };
        let [oh, ow] = spec.out_size().unwrap();
        let x = rng.normals(c * in_h * in_w, 1.5);
        let fu = test_filter(fu_n);
        let fd1 = test_filter(fd_n);
        let fd: Vec<f64> = if radial {
            // any non-separable 2-D filter
            let mut v: Vec<f64> = outer(&fd1, &fd1)
                .iter()
                .enumerate()
                .map(|(i, v)| v * (1.0 + 0.3 * ((i % 7) as f64 - 3.0) / 3.0))
                .collect();
            let s: f64 = v.iter().sum();
            v.iter_mut().for_each(|e| *e /= s);
            v
        } else {
            fd1.clone()
        };
        let fu_gain: Vec<f64> = fu.iter().map(|v| v * up as f64).collect();
        let got = spec.run(&ctx, &x, &to_f32(&fu_gain), &to_f32(&fd)).unwrap();

        // Unfused reference: the whole up-sampled tensor, the activation, then the down-filter.
        let f_up = outer(&fu, &fu).iter().map(|v| v * (up * up) as f64).collect::<Vec<_>>();
        let (t, th, tw) = upfirdn2d_ref(&to_f64(&x), c, in_h, in_w, &f_up, fu_n, fu_n, up, 1, padding);
        let a: Vec<f64> = t
            .iter()
            .map(|&v| {
                let v = lrelu(v, 0.2) * sqrt2;
                clamp.map_or(v, |cl| v.clamp(-cl, cl))
            })
            .collect();
        let fd2 = if radial { fd.clone() } else { outer(&fd, &fd) };
        let (r, rh, rw) = upfirdn2d_ref(&a, c, th, tw, &fd2, fd_n, fd_n, 1, down, [0; 4]);
        assert_eq!([rh, rw], [oh, ow], "{name}: output size");
        assert_close(name, &got, &to_f32(&r), 2e-5);
    }
}

#[test]
fn bias_act_matches_the_reference() {
    let ctx = require_gpu!();
    let mut rng = Rng::new(7);
    let (c, plane) = (5, 300);
    let x = rng.normals(c * plane, 2.0);
    let b = rng.normals(c, 1.0);
    let spec =
        BiasActSpec { channels: c, plane, activation: Activation::Lrelu, alpha: 0.2, gain: 1.5, clamp: Some(2.0) };
    let got = spec.run(&ctx, &x, Some(&b)).unwrap();
    let want: Vec<f32> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| ((lrelu(v as f64 + b[i / plane] as f64, 0.2)) * 1.5).clamp(-2.0, 2.0) as f32)
        .collect();
    assert_close("bias_act lrelu clamp", &got, &want, 1e-6);
    let scale = BiasActSpec { channels: c, plane, activation: Activation::Linear, alpha: 0.0, gain: 0.25, clamp: None };
    let got = scale.run(&ctx, &x, None).unwrap();
    let want: Vec<f32> = x.iter().map(|v| v * 0.25).collect();
    assert_close("bias_act output scale", &got, &want, 0.0);
}

#[test]
fn fourier_features_match_the_reference() {
    let ctx = require_gpu!();
    let mut rng = Rng::new(8);
    let (c, size, rate, bandwidth) = (24, 20, 16.0f64, 2.0f64);
    let mut freqs = Vec::new();
    for _ in 0..c {
        // inside the band disc, like NVIDIA's initialisation
        let (r, a) = (bandwidth * rng.uniform().sqrt(), 2.0 * std::f64::consts::PI * rng.uniform());
        freqs.extend([(r * a.cos()) as f32, (r * a.sin()) as f32]);
    }
    // channel 0 far outside the band (amplitude clamped to 0), channel 1 partly (0 < amplitude < 1)
    freqs[0] = 9.0;
    freqs[3] = -4.0;
    let phases: Vec<f32> = (0..c).map(|_| rng.uniform() as f32 - 0.5).collect();
    let t = [0.9f32, -0.3, 0.05, -0.02];
    // the inverse of a 17° rotation plus a translation, as the user transform
    let ang = 17f64.to_radians();
    let inv = [ang.cos(), -ang.sin(), -0.18, ang.sin(), ang.cos(), 0.16, 0.0, 0.0, 1.0];
    let transform: [f32; 9] = std::array::from_fn(|i| inv[i] as f32);
    let spec = FourierSpec { channels: c, width: size, height: size, sampling_rate: rate, bandwidth };
    let (_prep, feat) = spec.run(&ctx, &t, &transform, &freqs, &phases).unwrap();

    let tf: Vec<f64> = t.iter().map(|v| *v as f64).collect();
    let norm = (tf[0] * tf[0] + tf[1] * tf[1]).sqrt();
    let tn: Vec<f64> = tf.iter().map(|v| v / norm).collect();
    let mr = [[tn[0], -tn[1], 0.0], [tn[1], tn[0], 0.0], [0.0, 0.0, 1.0]];
    let mt = [[1.0, 0.0, -tn[2]], [0.0, 1.0, -tn[3]], [0.0, 0.0, 1.0]];
    let user: Vec<f64> = transform.iter().map(|v| *v as f64).collect();
    let mul = |a: [[f64; 3]; 3], b: [[f64; 3]; 3]| -> [[f64; 3]; 3] {
        std::array::from_fn(|i| std::array::from_fn(|j| (0..3).map(|k| a[i][k] * b[k][j]).sum()))
    };
    let m = mul(mul(mr, mt), std::array::from_fn(|i| std::array::from_fn(|j| user[3 * i + j])));
    let mut want = vec![0.0f32; c * size * size];
    for ch in 0..c {
        let (fx, fy) = (freqs[2 * ch] as f64, freqs[2 * ch + 1] as f64);
        let ph = phases[ch] as f64 + fx * m[0][2] + fy * m[1][2];
        let (nfx, nfy) = (fx * m[0][0] + fy * m[1][0], fx * m[0][1] + fy * m[1][1]);
        let amp = (1.0 - ((nfx * nfx + nfy * nfy).sqrt() - bandwidth) / (rate / 2.0 - bandwidth)).clamp(0.0, 1.0);
        for j in 0..size {
            for i in 0..size {
                let gx = (i as f64 + 0.5 - size as f64 / 2.0) / rate;
                let gy = (j as f64 + 0.5 - size as f64 / 2.0) / rate;
                let v = (2.0 * std::f64::consts::PI * (gx * nfx + gy * nfy + ph)).sin() * amp;
                want[(ch * size + j) * size + i] = v as f32;
            }
        }
    }
    assert_close("Fourier features", &feat, &want, 2e-6);
    let zero_amp = (0..size * size).all(|p| feat[p] == 0.0);
    assert!(zero_amp, "a frequency above 8 at rate 16 / bandwidth 2 must have amplitude 0");
    let partial = max_abs(&feat[size * size..2 * size * size]);
    assert!(partial > 0.1 && partial < 0.9, "channel 1 amplitude {partial} should lie strictly inside (0, 1)");
}

#[test]
fn rgba8_conversion_truncates_like_pytorch() {
    let ctx = require_gpu!();
    let (h, w) = (5, 7);
    let mut img = Vec::new();
    for i in 0..3 * h * w {
        // covers negatives, both clamps and values just beside integers
        img.push(-1.2 + 2.4 * i as f32 / (3 * h * w - 1) as f32);
    }
    img[0] = 0.999;
    img[1] = -1.0039216;
    let spec = RgbaSpec { channels: 3, height: h, width: w };
    let raster = spec.run(&ctx, &img).unwrap();
    assert_eq!((raster.width, raster.height, raster.channels), (w, h, 4));
    let u8_of = |v: f32| (v * 127.5 + 128.0).clamp(0.0, 255.0) as u8;
    for y in 0..h {
        for x in 0..w {
            let p = y * w + x;
            let want = [u8_of(img[p]), u8_of(img[h * w + p]), u8_of(img[2 * h * w + p]), 255];
            assert_eq!(raster.rgba_at(x, y).unwrap(), want, "pixel ({x}, {y})");
        }
    }
    let grey = RgbaSpec { channels: 1, height: h, width: w }.run(&ctx, &img[..h * w]).unwrap();
    let px = grey.rgba_at(3, 2).unwrap();
    assert_eq!(px, [u8_of(img[2 * w + 3]); 3].into_iter().chain([255]).collect::<Vec<_>>()[..]);
}
