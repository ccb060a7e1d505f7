//! Integer and fractional (Lanczos-3) translation with validity masks (`metrics/equivariance.py`,
//! reference §1.6.3 steps 4–5). Translations are in image units: content moves by `+t·W` pixels.
//! Both keep the input's dtype (float64 images stay float64: the precision reference).

use candle_core::{DType, Tensor};

use crate::nn::filter_design::sinc;
use crate::{Error, Result};

/// `x [N, C, H, W]` as host float32 values.
pub(super) fn host(x: &Tensor) -> Result<(Vec<f32>, [usize; 4])> {
    let (n, c, h, w) = x.dims4()?;
    Ok((x.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?, [n, c, h, w]))
}

pub(super) fn tensor(v: Vec<f32>, dims: [usize; 4], like: &Tensor) -> Result<Tensor> {
    Ok(Tensor::from_vec(v, dims.to_vec(), like.device())?)
}

/// `x [N, C, H, W]` as host float64 values (exact for float32 input).
fn host_f64(x: &Tensor) -> Result<(Vec<f64>, [usize; 4])> {
    let (n, c, h, w) = x.dims4()?;
    Ok((x.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?, [n, c, h, w]))
}

/// Float64 values as a tensor of `like`'s dtype (float64 stays, float32 rounds to nearest).
fn tensor_like(v: Vec<f64>, dims: [usize; 4], like: &Tensor) -> Result<Tensor> {
    let t = Tensor::from_vec(v, dims.to_vec(), like.device())?;
    Ok(if like.dtype() == DType::F64 { t } else { t.to_dtype(DType::F32)? })
}

fn check_t(tx: f64, ty: f64) -> Result<()> {
    if tx.is_finite() && ty.is_finite() {
        Ok(())
    } else {
        Err(Error::Invalid(format!("translation ({tx}, {ty}) is not finite")))
    }
}

/// `apply_integer_translation(x, tx, ty)`: shift by `(round(tx·W), round(ty·H))` pixels (ties to
/// even, as `torch.round`) with zero fill. The mask is 1 on the pixels that received image
/// content. Returns `(shifted, mask)`, both `[N, C, H, W]`.
pub fn apply_integer_translation(x: &Tensor, tx: f64, ty: f64) -> Result<(Tensor, Tensor)> {
    check_t(tx, ty)?;
    let (src, [n, c, h, w]) = host_f64(x)?;
    let ix = ((tx * w as f64) as f32).round_ties_even() as i64;
    let iy = ((ty * h as f64) as f32).round_ties_even() as i64;
    let mut z = vec![0f64; src.len()];
    let mut m = vec![0f64; src.len()];
    if ix.unsigned_abs() < w as u64 && iy.unsigned_abs() < h as u64 {
        let (w_i, h_i) = (w as i64, h as i64);
        for plane in 0..n * c {
            let base = plane * h * w;
            for yy in iy.max(0)..h_i + iy.min(0) {
                for xx in ix.max(0)..w_i + ix.min(0) {
                    let d = base + (yy * w_i + xx) as usize;
                    z[d] = src[base + ((yy - iy) * w_i + (xx - ix)) as usize];
                    m[d] = 1.0;
                }
            }
        }
    }
    Ok((tensor_like(z, [n, c, h, w], x)?, tensor_like(m, [n, c, h, w], x)?))
}

/// The 6 Lanczos-3 taps for a fractional offset `f ∈ [0, 1)`, for `k = −b..=a` (`b = a − 1`),
/// normalised to sum 1: `h[k] = sinc(k − f)·sinc((k − f)/a)`.
fn lanczos_taps(f: f32, a: i64) -> Vec<f64> {
    let taps: Vec<f64> = (-(a - 1)..=a)
        .map(|k| {
            let t = (k as f32 - f) as f64;
            sinc(t) * sinc(t / a as f64)
        })
        .collect();
    let s: f64 = taps.iter().sum();
    taps.into_iter().map(|v| v / s).collect()
}

/// `apply_fractional_translation(x, tx, ty, a=3)`: Lanczos-`a` resampling so that
/// `ref[p] = Σ_{k=−(a−1)..a} h[k]·x[p − i − k]` per axis (`i = floor(t·W)`, `h` built for the
/// fraction `t·W − i`), zero outside the image. The mask is 1 on columns
/// `[max(i_x + a, 0), W + min(i_x − (a−1), 0))` × the same for rows: the pixels whose whole
/// filter footprint lay inside the image.
pub fn apply_fractional_translation(x: &Tensor, tx: f64, ty: f64, a: usize) -> Result<(Tensor, Tensor)> {
    check_t(tx, ty)?;
    if a == 0 {
        return Err(Error::Invalid("Lanczos order must be at least 1".into()));
    }
    let (src, [n, c, h, w]) = host_f64(x)?;
    let a = a as i64;
    let b = a - 1;
    let (txw, tyh) = ((tx * w as f64) as f32, (ty * h as f64) as f32);
    let (ix, iy) = (txw.floor() as i64, tyh.floor() as i64);
    let (fx, fy) = (txw - ix as f32, tyh - iy as f32);
    let (hx, hy) = (lanczos_taps(fx, a), lanczos_taps(fy, a));
    let (w_i, h_i) = (w as i64, h as i64);
    let mut z = vec![0f64; src.len()];
    let mut tmp = vec![0f64; h * w];
    for plane in 0..n * c {
        let s = &src[plane * h * w..(plane + 1) * h * w];
        // Along x.
        for yy in 0..h {
            for xx in 0..w_i {
                let mut acc = 0f64;
                for (j, hv) in hx.iter().enumerate() {
                    let q = xx - ix - (j as i64 - b);
                    if (0..w_i).contains(&q) {
                        acc += hv * s[yy * w + q as usize];
                    }
                }
                tmp[yy * w + xx as usize] = acc;
            }
        }
        // Along y.
        let d = &mut z[plane * h * w..(plane + 1) * h * w];
        for yy in 0..h_i {
            for xx in 0..w {
                let mut acc = 0f64;
                for (j, hv) in hy.iter().enumerate() {
                    let q = yy - iy - (j as i64 - b);
                    if (0..h_i).contains(&q) {
                        acc += hv * tmp[q as usize * w + xx];
                    }
                }
                d[yy as usize * w + xx] = acc;
            }
        }
    }
    let mut m = vec![0f64; src.len()];
    let (mx0, mx1) = ((ix + a).max(0), (ix - b).min(0) + w_i);
    let (my0, my1) = ((iy + a).max(0), (iy - b).min(0) + h_i);
    if mx0 < mx1 && my0 < my1 {
        for plane in 0..n * c {
            for yy in my0..my1 {
                let row = plane * h * w + yy as usize * w;
                m[row + mx0 as usize..row + mx1 as usize].fill(1.0);
            }
        }
    }
    Ok((tensor_like(z, [n, c, h, w], x)?, tensor_like(m, [n, c, h, w], x)?))
}
