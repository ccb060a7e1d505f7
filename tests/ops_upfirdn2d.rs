//! `upfirdn2d` and its helpers against the per-axis closed form
//! `out[o] = Σ_k f[k] · x_up[o·d + fw − 1 − k − p0]` on random data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use candle_core::{Device, Tensor};
use stylescope::nn::ops::upfirdn2d::{
    UpFirDn, downsample2d, filter2d, output_len, setup_filter, setup_filter_taps, upfirdn2d, upsample2d,
};

/// Deterministic uniform numbers in [-1, 1) (splitmix64).
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
    fn vec(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.next()).collect()
    }
}

/// The closed form with a 2-D filter `f2[fh][fw]` (already including any gain), in f64.
#[allow(clippy::too_many_arguments)]
fn closed_form(
    x: &[f32],
    (n, c, h, w): (usize, usize, usize, usize),
    f2: &[f64],
    (fh, fw): (usize, usize),
    up: [usize; 2],
    down: [usize; 2],
    pad: [i64; 4],
    flip: bool,
) -> (Vec<f64>, usize, usize) {
    let oh = output_len(h, up[1], down[1], pad[2], pad[3], fh);
    let ow = output_len(w, up[0], down[0], pad[0], pad[1], fw);
    assert!(oh > 0 && ow > 0);
    let (oh, ow) = (oh as usize, ow as usize);
    let xup = |nc: usize, i: i64, j: i64| -> f64 {
        if i < 0 || j < 0 || i % up[1] as i64 != 0 || j % up[0] as i64 != 0 {
            return 0.0;
        }
        let (i, j) = ((i / up[1] as i64) as usize, (j / up[0] as i64) as usize);
        if i >= h || j >= w { 0.0 } else { x[nc * h * w + i * w + j] as f64 }
    };
    let mut out = vec![0.0; n * c * oh * ow];
    for nc in 0..n * c {
        for oy in 0..oh {
            for ox in 0..ow {
                let mut s = 0.0;
                for ky in 0..fh {
                    for kx in 0..fw {
                        let fv = if flip { f2[(fh - 1 - ky) * fw + (fw - 1 - kx)] } else { f2[ky * fw + kx] };
                        let iy = (oy * down[1]) as i64 + fh as i64 - 1 - ky as i64 - pad[2];
                        let ix = (ox * down[0]) as i64 + fw as i64 - 1 - kx as i64 - pad[0];
                        s += fv * xup(nc, iy, ix);
                    }
                }
                out[(nc * oh + oy) * ow + ox] = s;
            }
        }
    }
    (out, oh, ow)
}

fn to_vec(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

fn max_err(a: &[f32], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (*x as f64 - y).abs()).fold(0.0, f64::max)
}

#[test]
fn matches_closed_form_for_many_parameter_combinations() {
    let dev = Device::Cpu;
    let mut rng = Rng(7);
    let dims = (2, 3, 5, 7);
    let x = rng.vec(2 * 3 * 5 * 7);
    let xt = Tensor::from_vec(x.clone(), (2, 3, 5, 7), &dev).unwrap();
    // Filters: asymmetric 2-D 3×4, 1-D separable 4 taps and 9 taps, no filter.
    let f2d = rng.vec(12);
    let f1d4 = rng.vec(4);
    let f1d9 = rng.vec(9);
    let ups = [[1, 1], [2, 2], [3, 1], [1, 2]];
    let downs = [[1, 1], [2, 2], [1, 3], [2, 1]];
    let pads: [[i64; 4]; 6] =
        [[0, 0, 0, 0], [1, 2, 3, 0], [2, 1, 1, 2], [-1, 0, 0, -1], [-2, 3, 4, -1], [3, -2, -1, 2]];
    let mut checked = 0;
    for (fi, (fshape, taps)) in
        [(vec![3usize, 4], &f2d), (vec![4], &f1d4), (vec![9], &f1d9), (vec![], &f2d)].iter().enumerate()
    {
        let ft = if fshape.is_empty() {
            None
        } else {
            Some(Tensor::from_vec(taps[..fshape.iter().product()].to_vec(), fshape.as_slice(), &dev).unwrap())
        };
        // The equivalent 2-D filter (outer product for 1-D, separable passes each scaled by sqrt(gain)).
        let (f2, fh, fw): (Vec<f64>, usize, usize) = match fshape.as_slice() {
            [h, w] => (taps[..h * w].iter().map(|v| *v as f64).collect(), *h, *w),
            [t] => ((0..t * t).map(|i| taps[i / t] as f64 * taps[i % t] as f64).collect(), *t, *t),
            _ => (vec![1.0], 1, 1),
        };
        for up in ups {
            for down in downs {
                for pad in pads {
                    for (flip, gain) in [(false, 1.0), (true, 2.5)] {
                        let p = UpFirDn { up, down, padding: pad, flip_filter: flip, gain };
                        let oh = output_len(5, up[1], down[1], pad[2], pad[3], fh);
                        let ow = output_len(7, up[0], down[0], pad[0], pad[1], fw);
                        let got = upfirdn2d(&xt, ft.as_ref(), &p);
                        if oh <= 0 || ow <= 0 {
                            assert!(got.is_err(), "empty output must be an error");
                            continue;
                        }
                        let got =
                            got.unwrap_or_else(|e| panic!("filter {fi} up {up:?} down {down:?} pad {pad:?}: {e}"));
                        let f2g: Vec<f64> = f2.iter().map(|v| v * gain).collect();
                        let (want, wh, ww) = closed_form(&x, dims, &f2g, (fh, fw), up, down, pad, flip);
                        assert_eq!(got.dims(), &[2, 3, wh, ww], "filter {fi} up {up:?} down {down:?} pad {pad:?}");
                        let err = max_err(&to_vec(&got), &want);
                        assert!(err < 2e-5, "filter {fi} up {up:?} down {down:?} pad {pad:?} flip {flip}: err {err}");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 600, "only {checked} combinations checked");
}

#[test]
fn setup_filter_makes_the_stylegan2_resample_filter() {
    let f = setup_filter_taps(&[1.0, 3.0, 3.0, 1.0], &Device::Cpu).unwrap();
    assert_eq!(f.dims(), &[4, 4]);
    let v = f.to_vec2::<f32>().unwrap();
    let t = [1.0f32, 3.0, 3.0, 1.0];
    for i in 0..4 {
        for j in 0..4 {
            assert_eq!(v[i][j], t[i] * t[j] / 64.0);
        }
    }
    // Eight taps or more stay separable; gain is applied per dimension.
    let long = Tensor::new(&[1f32, 2., 3., 4., 4., 3., 2., 1.], &Device::Cpu).unwrap();
    let f = setup_filter(&long, None, true, false, 4.0).unwrap();
    assert_eq!(f.dims(), &[8]);
    let v = f.to_vec1::<f32>().unwrap();
    assert!((v[0] - 2.0 / 20.0).abs() < 1e-7 && (v[3] - 8.0 / 20.0).abs() < 1e-7, "{v:?}");
    // Flip reverses.
    let asym = Tensor::new(&[1f32, 2., 5.], &Device::Cpu).unwrap();
    let f = setup_filter(&asym, Some(true), false, true, 1.0).unwrap();
    assert_eq!(f.to_vec1::<f32>().unwrap(), vec![5., 2., 1.]);
}

#[test]
fn helpers_pick_the_documented_padding() {
    let dev = Device::Cpu;
    let mut rng = Rng(11);
    let x = Tensor::from_vec(rng.vec(2 * 6 * 6), (1, 2, 6, 6), &dev).unwrap();
    let f = setup_filter_taps(&[1.0, 3.0, 3.0, 1.0], &dev).unwrap();
    // upsample2d with [1,3,3,1] = pad (2,1,2,1), gain 4, up 2.
    let a = upsample2d(&x, Some(&f), 2, [0; 4], false, 1.0).unwrap();
    let b = upfirdn2d(&x, Some(&f), &UpFirDn::default().up(2).padding([2, 1, 2, 1]).gain(4.0)).unwrap();
    assert_eq!(a.dims(), &[1, 2, 12, 12]);
    assert_eq!(to_vec(&a), to_vec(&b));
    // A constant image stays constant in the interior after up-sampling (the filter sums to 1 per phase).
    let ones = Tensor::ones((1, 1, 6, 6), candle_core::DType::F32, &dev).unwrap();
    let up = upsample2d(&ones, Some(&f), 2, [0; 4], false, 1.0).unwrap();
    let v = up.squeeze(0).unwrap().to_vec3::<f32>().unwrap();
    assert!((v[0][5][5] - 1.0).abs() < 1e-6, "{}", v[0][5][5]);
    // downsample2d: pad (1,1,1,1) for a 4-tap filter and down 2; filter2d: pad (2,1,2,1).
    let d = downsample2d(&x, Some(&f), 2, [0; 4], false, 1.0).unwrap();
    let d2 = upfirdn2d(&x, Some(&f), &UpFirDn::default().down(2).padding([1, 1, 1, 1])).unwrap();
    assert_eq!(d.dims(), &[1, 2, 3, 3]);
    assert_eq!(to_vec(&d), to_vec(&d2));
    let g = filter2d(&x, Some(&f), [0; 4], false, 1.0).unwrap();
    let g2 = upfirdn2d(&x, Some(&f), &UpFirDn::default().padding([2, 1, 2, 1])).unwrap();
    assert_eq!(g.dims(), &[1, 2, 6, 6]);
    assert_eq!(to_vec(&g), to_vec(&g2));
}

#[test]
fn bad_parameters_are_errors() {
    let dev = Device::Cpu;
    let x = Tensor::zeros((1, 1, 4, 4), candle_core::DType::F32, &dev).unwrap();
    let f = setup_filter_taps(&[1.0, 3.0, 3.0, 1.0], &dev).unwrap();
    assert!(upfirdn2d(&x, Some(&f), &UpFirDn::default().padding([-3, -2, 0, 0])).is_err());
    assert!(upfirdn2d(&x, Some(&f), &UpFirDn { up: [0, 1], ..Default::default() }).is_err());
    let f3 = Tensor::zeros((2, 2, 2), candle_core::DType::F32, &dev).unwrap();
    assert!(upfirdn2d(&x, Some(&f3), &UpFirDn::default()).is_err());
}
