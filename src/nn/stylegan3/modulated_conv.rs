//! StyleGAN3's `modulated_conv2d` (`training/networks_stylegan3.py`, reference §2.3.3 step 2).
//!
//! It differs from StyleGAN2's: the convolution is "full" (zero padding `k−1`, the spatial size
//! grows by `k−1`), the two FP16-protecting rescalings come before modulation when demodulating
//! (`W·rsqrt(mean W²)` per output channel, `s·rsqrt(mean s²)` over the whole batch), and the input
//! gain `rsqrt(magnitude_ema)` multiplies the modulated weights after demodulation.
//!
//! [`modulated_conv2d_ref`] is one grouped convolution with groups = N, as NVIDIA computes it;
//! [`modulated_conv2d_fast`] computes the modulated weights in one pass and runs each sample as
//! one matrix product (1×1 kernels: StyleGAN3-R and every ToRGB) or k² accumulated products on
//! shifted views of the padded input (StyleGAN3-T's 3×3), with no im2col.

use candle_core::{CpuStorage, CustomOp1, DType, Layout, Shape, Tensor};
use rayon::prelude::*;

use crate::nn::kernels::shifted_conv::{ConvShape, conv2d};

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
        return Err(Error::Invalid(format!("modulated_conv2d: {si} styles for a weight of shape {:?}", weight.dims())));
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
        return Err(Error::Invalid(format!("modulated_conv2d: styles {:?} for input {:?}", styles.dims(), x.dims())));
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

/// Same signature and result as [`modulated_conv2d_ref`]. On the CPU in float32: the per-sample
/// modulated weights are computed in one pass ([`modulated_weights_cpu`]), and each sample's
/// convolution runs as k² accumulated matrix products on shifted views of the zero-padded input
/// ([`crate::nn::kernels::shifted_conv`]; one plain product for 1×1 kernels), reading the input
/// tensor in place. Other devices and dtypes, and non-square kernels, use the reference.
pub fn modulated_conv2d_fast(
    x: &Tensor,
    weight: &Tensor,
    styles: &Tensor,
    padding: usize,
    demodulate: bool,
    input_gain: Option<&Tensor>,
) -> Result<Tensor> {
    let (co, ci, kh, kw) = weight.dims4()?;
    // The fast path leaves the autograd graph: training (tracked inputs) takes the reference.
    let tracked = x.track_op() || weight.track_op() || styles.track_op() || input_gain.is_some_and(Tensor::track_op);
    if !x.device().is_cpu() || x.dtype() != DType::F32 || kh != kw || tracked {
        return modulated_conv2d_ref(x, weight, styles, padding, demodulate, input_gain);
    }
    let (n, xc, h, w) = check_input(x, styles)?;
    if xc != ci {
        return Err(Error::Invalid(format!("modulated_conv2d: weight {:?} for input {:?}", weight.dims(), x.dims())));
    }
    let shape = ConvShape::square(ci, co, h, w, kh, padding);
    let [oh, ow] = shape.out_hw();
    if oh == 0 || ow == 0 {
        return Err(Error::Invalid(format!(
            "modulated_conv2d: {h}×{w} input, {kh}×{kw} kernel, padding {padding}: no output"
        )));
    }
    let host = |t: &Tensor| -> Result<Vec<f32>> { Ok(t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?) };
    let gain = match input_gain {
        None => Gain::None,
        Some(g) if g.elem_count() == 1 => Gain::Scalar(host(g)?[0]),
        Some(g) if g.elem_count() == n * ci => Gain::PerInput(host(g)?),
        Some(g) => {
            return Err(Error::Invalid(format!(
                "modulated_conv2d: input gain of shape {:?} for {n}×{ci} styles",
                g.dims()
            )));
        }
    };
    let wm = modulated_weights_cpu(&host(weight)?, [co, ci, kh * kw], &host(styles)?, demodulate, &gain);
    Ok(x.contiguous()?.apply_op1_no_bwd(&ModConvCpu { weights: wm, shape, n })?)
}

/// `rsqrt(magnitude_ema)` as [`modulated_weights_cpu`] takes it.
#[derive(Clone, Debug, PartialEq)]
pub enum Gain {
    None,
    Scalar(f32),
    /// `[N, C_in]`.
    PerInput(Vec<f32>),
}

/// [`modulate_weights`] on host data: `weight [C_out, C_in, taps]`, `styles [N, C_in]` →
/// `[N, C_out, C_in, taps]`, with the same rescalings in the same order (float32).
pub fn modulated_weights_cpu(
    weight: &[f32],
    [co, ci, taps]: [usize; 3],
    styles: &[f32],
    demodulate: bool,
    gain: &Gain,
) -> Vec<f32> {
    let n = styles.len() / ci.max(1);
    let per_out = ci * taps;
    // The FP16-protecting rescalings (cancelled by demodulation, kept for equal rounding).
    let (wscale, sscale): (Vec<f32>, f32) = if demodulate {
        let ws = weight
            .chunks_exact(per_out)
            .map(|r| 1.0 / (r.iter().map(|v| v * v).sum::<f32>() / per_out as f32).sqrt())
            .collect();
        let ms = styles.iter().map(|v| v * v).sum::<f32>() / styles.len().max(1) as f32;
        (ws, 1.0 / ms.sqrt())
    } else {
        (vec![1.0; co], 1.0)
    };
    let mut out = vec![0f32; n * co * per_out];
    out.par_chunks_mut(per_out).enumerate().for_each(|(j, dst)| {
        let (s, o) = (j / co, j % co);
        let st = &styles[s * ci..(s + 1) * ci];
        let src = &weight[o * per_out..(o + 1) * per_out];
        for ((d, w), sv) in dst.chunks_exact_mut(taps).zip(src.chunks_exact(taps)).zip(st) {
            let sv = sv * sscale;
            for (d, w) in d.iter_mut().zip(w) {
                *d = w * wscale[o] * sv;
            }
        }
        if demodulate {
            let dcoef = 1.0 / (dst.iter().map(|v| v * v).sum::<f32>() + 1e-8).sqrt();
            dst.iter_mut().for_each(|v| *v *= dcoef);
        }
        match gain {
            Gain::None => {}
            Gain::Scalar(g) => dst.iter_mut().for_each(|v| *v *= g),
            Gain::PerInput(g) => {
                for (d, g) in dst.chunks_exact_mut(taps).zip(&g[s * ci..(s + 1) * ci]) {
                    d.iter_mut().for_each(|v| *v *= g);
                }
            }
        }
    });
    out
}

/// Per-sample convolutions with prepared weights, reading the input storage in place.
struct ModConvCpu {
    /// `[N, C_out, C_in, k, k]`.
    weights: Vec<f32>,
    shape: ConvShape,
    n: usize,
}

impl CustomOp1 for ModConvCpu {
    fn name(&self) -> &'static str {
        "modulated_conv2d_sg3"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let CpuStorage::F32(data) = storage else { candle_core::bail!("modulated_conv2d: float32 input expected") };
        let Some((a, b)) = layout.contiguous_offsets() else {
            candle_core::bail!("modulated_conv2d: contiguous input expected")
        };
        let s = self.shape;
        let [oh, ow] = s.out_hw();
        let (per_in, per_out, per_w) = (s.c_in * s.h * s.w, s.c_out * oh * ow, s.c_out * s.c_in * s.k[0] * s.k[1]);
        let x = &data[a..b];
        if x.len() != self.n * per_in {
            candle_core::bail!("modulated_conv2d: {} input samples for {:?}", x.len(), layout.shape())
        }
        let mut out = vec![0f32; self.n * per_out];
        for (i, dst) in out.chunks_exact_mut(per_out).enumerate() {
            let w = &self.weights[i * per_w..(i + 1) * per_w];
            conv2d(&x[i * per_in..(i + 1) * per_in], w, s, dst).map_err(|e| candle_core::Error::Msg(e.to_string()))?;
        }
        Ok((CpuStorage::F32(out), Shape::from((self.n, s.c_out, oh, ow))))
    }
}
