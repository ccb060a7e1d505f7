//! StyleGAN2's modulated convolution (`modulated_conv2d` of `training/networks_stylegan2.py`).
//!
//! 1. Modulate: `Wm[n, o, i, ·] = W[o, i, ·] · s[n, i]`.
//! 2. Demodulate (optional): `d[n, o] = rsqrt(Σ_{i,ky,kx} Wm[n, o, i, ky, kx]² + 1e-8)`.
//! 3. Convolve with [`conv2d_resample`] (`up = 2` is the transposed convolution followed by the
//!    FIR filter), then add `noise` (broadcast to `[N, C_out, H, W]`).
//!
//! Two paths, mathematically identical:
//! - *fused*: per-sample weights `Wm·d` and a grouped convolution (groups = N), as NVIDIA's
//!   inference; in candle a grouped convolution is a loop over the batch.
//! - *non-fused*: `x·s`, one convolution with the shared weight for the whole batch, then `·d` and
//!   `+ noise` — the fast path for batches on candle (one large convolution instead of N small).
//!
//! The FP16 pre-normalisation of NVIDIA's code only runs for float16 inputs; everything here
//! computes in the input's dtype (float32 for faithful inference), so it is not needed.

use candle_core::{D, Tensor};

use crate::nn::ops::conv2d_resample::{Resample, conv2d_resample};
use crate::{Error, Result};

/// NVIDIA's demodulation epsilon.
pub const DEMOD_EPS: f64 = 1e-8;

/// Options of [`modulated_conv2d`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModConv {
    pub demodulate: bool,
    pub up: usize,
    pub down: usize,
    /// Symmetric padding (`kernel_size / 2` in StyleGAN2 layers).
    pub padding: i64,
    /// `true`: correlation (PyTorch's conv2d). StyleGAN2 passes `up == 1`.
    pub flip_weight: bool,
    /// Grouped convolution of per-sample weights (NVIDIA's inference path) instead of the
    /// shared-weight path; the results agree to float rounding.
    pub fused: bool,
}

impl Default for ModConv {
    fn default() -> Self {
        Self { demodulate: true, up: 1, down: 1, padding: 0, flip_weight: true, fused: true }
    }
}

/// `x [N, I, H, W]`, `weight [O, I, kh, kw]`, `styles [N, I]` → `[N, O, H', W']`.
pub fn modulated_conv2d(
    x: &Tensor,
    weight: &Tensor,
    styles: &Tensor,
    noise: Option<&Tensor>,
    resample_filter: Option<&Tensor>,
    p: &ModConv,
) -> Result<Tensor> {
    let (n, c_in, h, w) = x.dims4()?;
    let (c_out, w_in, kh, kw) = weight.dims4()?;
    if w_in != c_in || styles.dims() != [n, c_in] {
        return Err(Error::Invalid(format!(
            "modulated conv: input {:?}, weight {:?} and styles {:?} do not fit",
            x.dims(),
            weight.dims(),
            styles.dims()
        )));
    }
    let weight = weight.to_dtype(x.dtype())?;
    let styles = styles.to_dtype(x.dtype())?;
    let resample = |groups: usize| Resample {
        up: p.up,
        down: p.down,
        padding: [p.padding; 4],
        groups,
        flip_weight: p.flip_weight,
        flip_filter: false,
    };

    // Per-sample weights [N, O, I, kh, kw] (needed for the demodulation coefficients or the fused path).
    let modulated = if p.demodulate || p.fused {
        Some(weight.unsqueeze(0)?.broadcast_mul(&styles.reshape((n, 1, c_in, 1, 1))?)?)
    } else {
        None
    };
    let dcoefs = match (&modulated, p.demodulate) {
        (Some(wm), true) => Some(demod_coefficients(wm)?),
        _ => None,
    };

    if !p.fused {
        let xs = x.broadcast_mul(&styles.reshape((n, c_in, 1, 1))?)?;
        let mut y = conv2d_resample(&xs, &weight, resample_filter, &resample(1))?;
        if let Some(d) = &dcoefs {
            y = y.broadcast_mul(&d.reshape((n, c_out, 1, 1))?)?;
        }
        if let Some(noise) = noise {
            y = y.broadcast_add(&noise.to_dtype(y.dtype())?)?;
        }
        return Ok(y);
    }

    let mut wm = modulated.ok_or_else(|| Error::Invalid("modulated conv: no weights".into()))?;
    if let Some(d) = &dcoefs {
        wm = wm.broadcast_mul(&d.reshape((n, c_out, 1, 1, 1))?)?;
    }
    let xg = x.reshape((1, n * c_in, h, w))?;
    let wg = wm.reshape((n * c_out, c_in, kh, kw))?;
    let y = conv2d_resample(&xg, &wg, resample_filter, &resample(n))?;
    let (_, _, oh, ow) = y.dims4()?;
    let mut y = y.reshape((n, c_out, oh, ow))?;
    if let Some(noise) = noise {
        y = y.broadcast_add(&noise.to_dtype(y.dtype())?)?;
    }
    Ok(y)
}

/// `rsqrt(Σ_{i,ky,kx} wm² + 1e-8)` of per-sample weights `[N, O, I, kh, kw]` → `[N, O]`.
pub fn demod_coefficients(wm: &Tensor) -> Result<Tensor> {
    let (n, o, _, _, _) = wm.dims5()?;
    let sq = wm.sqr()?.reshape((n, o, ()))?.sum(D::Minus1)?;
    Ok((sq + DEMOD_EPS)?.sqrt()?.recip()?)
}
