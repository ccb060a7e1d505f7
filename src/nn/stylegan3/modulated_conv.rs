//! StyleGAN3's `modulated_conv2d` (`training/networks_stylegan3.py`, reference §2.3.3 step 2).
//!
//! It differs from StyleGAN2's: the convolution is "full" (zero padding `k−1`, the spatial size
//! grows by `k−1`), the two FP16-protecting rescalings come before modulation when demodulating
//! (`W·rsqrt(mean W²)` per output channel, `s·rsqrt(mean s²)` over the whole batch), and the input
//! gain `rsqrt(magnitude_ema)` multiplies the modulated weights after demodulation.
//!
//! [`modulated_conv2d_ref`] is one grouped convolution with groups = N, as NVIDIA computes it;
//! [`modulated_conv2d_fast`] uses one batched matrix product for 1×1 kernels (StyleGAN3-R and
//! every ToRGB) and im2col + matrix products for larger kernels (StyleGAN3-T's 3×3).

use candle_core::{D, DType, Tensor};
use rayon::prelude::*;

use crate::{Error, Result};

/// The per-sample weights `[N, C_out, C_in, k, k]`: style modulation, optional demodulation and
/// input gain.
pub fn modulate_weights(
    weight: &Tensor,
    styles: &Tensor,
    demodulate: bool,
    input_gain: Option<&Tensor>,
) -> Result<Tensor> {
    let (co, ci, kh, kw) = weight.dims4()?;
    let (n, si) = styles.dims2()?;
    if si != ci {
        return Err(Error::Invalid(format!(
            "modulated_conv2d: {si} styles for a weight of shape {:?}",
            weight.dims()
        )));
    }
    let mut w = weight.to_dtype(styles.dtype())?;
    let mut s = styles.clone();
    if demodulate {
        // Pure rescalings that demodulation cancels; they keep FP16 in range.
        let wms = w.sqr()?.reshape((co, ci * kh * kw))?.mean_keepdim(1)?;
        w = w.broadcast_mul(&wms.sqrt()?.recip()?.reshape((co, 1, 1, 1))?)?;
        let sms = s.sqr()?.mean_all()?;
        s = s.broadcast_mul(&sms.sqrt()?.recip()?)?;
    }
    let mut wm = w.unsqueeze(0)?.broadcast_mul(&s.reshape((n, 1, ci, 1, 1))?)?;
    if demodulate {
        let d = (wm.sqr()?.sum_keepdim((2, 3, 4))? + 1e-8)?.sqrt()?.recip()?;
        wm = wm.broadcast_mul(&d)?;
    }
    if let Some(g) = input_gain {
        let g = g.to_dtype(wm.dtype())?;
        let g = match g.rank() {
            0 => g.reshape((1, 1, 1, 1, 1))?,
            _ => g.reshape((g.dim(0)?, 1, ci, 1, 1))?,
        };
        wm = wm.broadcast_mul(&g)?;
    }
    Ok(wm)
}

fn check_input(x: &Tensor, styles: &Tensor) -> Result<(usize, usize, usize, usize)> {
    let (n, ci, h, w) = x.dims4()?;
    if styles.dims() != [n, ci] {
        return Err(Error::Invalid(format!(
            "modulated_conv2d: styles {:?} for input {:?}",
            styles.dims(),
            x.dims()
        )));
    }
    Ok((n, ci, h, w))
}

/// `x [N, C_in, H, W]`, `weight [C_out, C_in, k, k]`, `styles [N, C_in]`, `input_gain` a scalar
/// (or `[N, C_in]`) → `[N, C_out, H + 2p − k + 1, W + 2p − k + 1]` with zero padding `padding`.
pub fn modulated_conv2d_ref(
    x: &Tensor,
    weight: &Tensor,
    styles: &Tensor,
    padding: usize,
    demodulate: bool,
    input_gain: Option<&Tensor>,
) -> Result<Tensor> {
    let (n, ci, h, w) = check_input(x, styles)?;
    let wm = modulate_weights(weight, styles, demodulate, input_gain)?;
    let (_, co, _, kh, kw) = wm.dims5()?;
    let x = x.reshape((1, n * ci, h, w))?;
    let wm = wm.reshape((n * co, ci, kh, kw))?.to_dtype(x.dtype())?;
    let y = crate::nn::ops::conv2d(&x, &wm, [padding, padding], 1, n)?;
    let (_, _, oh, ow) = y.dims4()?;
    Ok(y.reshape((n, co, oh, ow))?)
}

/// Same signature and result as [`modulated_conv2d_ref`]. On the CPU in float32: 1×1 kernels
/// without padding run as one batched matrix product `[N, C_out, C_in] × [N, C_in, H·W]`; larger
/// kernels as im2col (in bands of output rows, to bound memory) and one matrix product per band
/// and sample. Other devices and dtypes use the reference.
pub fn modulated_conv2d_fast(
    x: &Tensor,
    weight: &Tensor,
    styles: &Tensor,
    padding: usize,
    demodulate: bool,
    input_gain: Option<&Tensor>,
) -> Result<Tensor> {
    let (_, _, kh, kw) = weight.dims4()?;
    // The banded im2col below leaves the autograd graph: training (tracked inputs) takes the reference.
    let tracked = x.track_op() || weight.track_op() || styles.track_op() || input_gain.is_some_and(Tensor::track_op);
    if !x.device().is_cpu() || x.dtype() != DType::F32 || tracked {
        return modulated_conv2d_ref(x, weight, styles, padding, demodulate, input_gain);
    }
    let (n, ci, h, w) = check_input(x, styles)?;
    let wm = modulate_weights(weight, styles, demodulate, input_gain)?.to_dtype(DType::F32)?;
    let co = wm.dim(1)?;
    if kh == 1 && kw == 1 && padding == 0 {
        let wm = wm.squeeze(D::Minus1)?.squeeze(D::Minus1)?;
        let y = wm.matmul(&x.reshape((n, ci, h * w))?.contiguous()?)?;
        return Ok(y.reshape((n, co, h, w))?);
    }
    let (oh, ow) = ((h + 2 * padding + 1).saturating_sub(kh), (w + 2 * padding + 1).saturating_sub(kw));
    if oh == 0 || ow == 0 {
        return Err(Error::Invalid(format!("modulated_conv2d: {h}×{w} input, {kh}×{kw} kernel, padding {padding}: no output")));
    }
    let k = ci * kh * kw;
    let wm = wm.reshape((n, co, k))?;
    let src = x.flatten_all()?.to_vec1::<f32>()?;
    let band = (IM2COL_FLOATS / (k * ow).max(1)).clamp(1, oh);
    let mut out = vec![0f32; n * co * oh * ow];
    for s in 0..n {
        let plane = &src[s * ci * h * w..(s + 1) * ci * h * w];
        let wm_s = wm.get(s)?;
        for y0 in (0..oh).step_by(band) {
            let rows = band.min(oh - y0);
            let cols = im2col(plane, [ci, h, w], [kh, kw], padding, y0, rows, ow);
            let cols = Tensor::from_vec(cols, (k, rows * ow), x.device())?;
            let y: Vec<f32> = wm_s.matmul(&cols)?.flatten_all()?.to_vec1()?;
            for o in 0..co {
                let dst = (s * co + o) * oh * ow + y0 * ow;
                out[dst..dst + rows * ow].copy_from_slice(&y[o * rows * ow..(o + 1) * rows * ow]);
            }
        }
    }
    Ok(Tensor::from_vec(out, (n, co, oh, ow), x.device())?)
}

/// Floats of im2col buffer per band (64 MiB).
const IM2COL_FLOATS: usize = 16 << 20;

/// Columns `[(c, ky, kx), (oy, ox)]` for output rows `y0 .. y0 + rows` of a zero-padded correlation.
fn im2col(x: &[f32], [c, h, w]: [usize; 3], [kh, kw]: [usize; 2], pad: usize, y0: usize, rows: usize, ow: usize) -> Vec<f32> {
    let mut cols = vec![0f32; c * kh * kw * rows * ow];
    cols.par_chunks_mut(rows * ow).enumerate().for_each(|(r, dst)| {
        let (ci, ky, kx) = (r / (kh * kw), (r / kw) % kh, r % kw);
        let chan = &x[ci * h * w..(ci + 1) * h * w];
        for oy in 0..rows {
            let iy = (y0 + oy + ky) as i64 - pad as i64;
            if iy < 0 || iy >= h as i64 {
                continue;
            }
            let src = &chan[iy as usize * w..(iy as usize + 1) * w];
            let d = &mut dst[oy * ow..(oy + 1) * ow];
            // Output column ox reads input column ox + kx − pad.
            let lo = pad.saturating_sub(kx).min(ow);
            let hi = (w + pad).saturating_sub(kx).min(ow);
            if lo < hi {
                d[lo..hi].copy_from_slice(&src[lo + kx - pad..hi + kx - pad]);
            }
        }
    });
    cols
}
