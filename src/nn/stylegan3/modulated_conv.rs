//! StyleGAN3's `modulated_conv2d` (`training/networks_stylegan3.py`, reference §2.3.3 step 2).
//!
//! It differs from StyleGAN2's: the convolution is "full" (zero padding `k−1`, the spatial size
//! grows by `k−1`), the two FP16-protecting rescalings come before modulation when demodulating
//! (`W·rsqrt(mean W²)` per output channel, `s·rsqrt(mean s²)` over the whole batch), and the input
//! gain `rsqrt(magnitude_ema)` multiplies the modulated weights after demodulation.
//!
//! [`modulated_conv2d_ref`] is one grouped convolution with groups = N, as NVIDIA computes it;
//! [`modulated_conv2d_fast`] uses one batched matrix product for 1×1 kernels (StyleGAN3-R and
//! every ToRGB) and the reference otherwise.

use candle_core::{D, Tensor};

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
    let y = x.conv2d(&wm, padding, 1, 1, n)?;
    let (_, _, oh, ow) = y.dims4()?;
    Ok(y.reshape((n, co, oh, ow))?)
}

/// Same signature and result as [`modulated_conv2d_ref`]; 1×1 kernels without padding run as one
/// batched matrix product `[N, C_out, C_in] × [N, C_in, H·W]`.
pub fn modulated_conv2d_fast(
    x: &Tensor,
    weight: &Tensor,
    styles: &Tensor,
    padding: usize,
    demodulate: bool,
    input_gain: Option<&Tensor>,
) -> Result<Tensor> {
    let (_, _, kh, kw) = weight.dims4()?;
    if kh != 1 || kw != 1 || padding != 0 {
        return modulated_conv2d_ref(x, weight, styles, padding, demodulate, input_gain);
    }
    let (n, ci, h, w) = check_input(x, styles)?;
    let wm = modulate_weights(weight, styles, demodulate, input_gain)?;
    let co = wm.dim(1)?;
    let wm = wm.squeeze(D::Minus1)?.squeeze(D::Minus1)?.to_dtype(x.dtype())?;
    let y = wm.matmul(&x.reshape((n, ci, h * w))?.contiguous()?)?;
    Ok(y.reshape((n, co, h, w))?)
}
