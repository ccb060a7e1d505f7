//! `filtered_lrelu` (`torch_utils/ops/filtered_lrelu.py`, reference §2.3.3 step 3): the
//! alias-suppressing nonlinearity of StyleGAN3.
//!
//! 1. `y = x + b` (bias along channels);
//! 2. `y = upfirdn2d(y, fu, up, padding, gain = up²)` (zero insertion, padding, FIR low-pass);
//! 3. `y = clamp(lrelu_slope(y) · gain, −clamp, clamp)`;
//! 4. `y = upfirdn2d(y, fd, down)` (FIR low-pass, keep every `down`-th sample).
//!
//! Two implementations with the same signature:
//! - [`filtered_lrelu_ref`] composes [`bias_act`] and [`upfirdn2d`] (differentiable). It
//!   materialises the up-sampled signal, so it works through the channels in chunks to bound
//!   memory (the up-sampled tensor of a 1024² layer is gigabytes at full width).
//! - [`filtered_lrelu_fast`] is a CPU kernel per channel plane ([`super::filtered_lrelu_cpu`]):
//!   polyphase up-sampling (only the non-zero taps), activation, and down-sampling that computes
//!   only the kept samples, streaming down the plane a few rows at a time; no autograd. Other
//!   devices use the reference.
//!
//! [`filtered_lrelu`] picks the fast path where it applies. Tests compare the two.

use candle_core::{DType, Tensor};

use crate::nn::config::Activation;
use crate::nn::ops::bias_act::{BiasAct, bias_act};
use crate::nn::ops::filtered_lrelu_cpu::{FusedFilteredLrelu, FusedParams};
use crate::nn::ops::upfirdn2d::{UpFirDn, filter_size, output_len, upfirdn2d};
use crate::{Error, Result};

/// Parameters of one `filtered_lrelu` call (NVIDIA's keyword arguments).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FilteredLrelu {
    pub up: usize,
    pub down: usize,
    /// `[x0, x1, y0, y1]` of the up-sampling pass; negative values crop.
    pub padding: [i64; 4],
    /// Gain after the activation (√2 for hidden layers, 1 for ToRGB).
    pub gain: f64,
    /// Negative slope (0.2; 1 makes the activation linear).
    pub slope: f64,
    /// Clamp after the gain; `None` clamps nothing.
    pub clamp: Option<f64>,
    /// Correlate instead of convolve (matters only for asymmetric filters).
    pub flip_filter: bool,
}

impl Default for FilteredLrelu {
    fn default() -> Self {
        Self {
            up: 1,
            down: 1,
            padding: [0; 4],
            gain: std::f64::consts::SQRT_2,
            slope: 0.2,
            clamp: None,
            flip_filter: false,
        }
    }
}

/// Bytes of up-sampled signal the reference keeps alive at once (per chunk of channels).
const REF_CHUNK_BYTES: usize = 256 << 20;

fn check(
    x: &Tensor,
    fu: Option<&Tensor>,
    fd: Option<&Tensor>,
    b: Option<&Tensor>,
    p: &FilteredLrelu,
) -> Result<[usize; 4]> {
    let (_, c, h, w) = x.dims4()?;
    if p.up == 0 || p.down == 0 {
        return Err(Error::Invalid(format!("filtered_lrelu: up {} and down {} must be ≥ 1", p.up, p.down)));
    }
    if let Some(b) = b
        && b.dims() != [c]
    {
        return Err(Error::Invalid(format!("filtered_lrelu: bias of shape {:?} for {c} channels", b.dims())));
    }
    let (fuw, fuh) = filter_size(fu)?;
    let (fdw, fdh) = filter_size(fd)?;
    let [px0, px1, py0, py1] = p.padding;
    let tw = output_len(w, p.up, 1, px0, px1, fuw);
    let th = output_len(h, p.up, 1, py0, py1, fuh);
    let ow = if tw > 0 { output_len(tw as usize, 1, p.down, 0, 0, fdw) } else { 0 };
    let oh = if th > 0 { output_len(th as usize, 1, p.down, 0, 0, fdh) } else { 0 };
    if ow <= 0 || oh <= 0 {
        return Err(Error::Invalid(format!(
            "filtered_lrelu: input {h}×{w}, up {}, padding {:?}, filters {fuh}×{fuw} / {fdh}×{fdw}, down {} leave no output",
            p.up, p.padding, p.down
        )));
    }
    Ok([th as usize, tw as usize, oh as usize, ow as usize])
}

/// The reference: bias, [`upfirdn2d`] up, leaky ReLU with gain and clamp, [`upfirdn2d`] down.
/// `x [N, C, H, W]`, filters `fu`/`fd` 1-D (separable), 2-D, or `None` (identity), `b [C]` (or `None`).
pub fn filtered_lrelu_ref(
    x: &Tensor,
    fu: Option<&Tensor>,
    fd: Option<&Tensor>,
    b: Option<&Tensor>,
    p: &FilteredLrelu,
) -> Result<Tensor> {
    filtered_lrelu_ref_chunked(x, fu, fd, b, p, REF_CHUNK_BYTES)
}

/// [`filtered_lrelu_ref`] keeping at most about `chunk_bytes` of up-sampled signal alive.
fn filtered_lrelu_ref_chunked(
    x: &Tensor,
    fu: Option<&Tensor>,
    fd: Option<&Tensor>,
    b: Option<&Tensor>,
    p: &FilteredLrelu,
    chunk_bytes: usize,
) -> Result<Tensor> {
    let [th, tw, _, _] = check(x, fu, fd, b, p)?;
    let (n, c, _, _) = x.dims4()?;
    let per_channel = n * th * tw * x.dtype().size_in_bytes() * 3;
    let chunk = (chunk_bytes / per_channel.max(1)).clamp(1, c);
    let mut outs = Vec::with_capacity(c.div_ceil(chunk));
    for c0 in (0..c).step_by(chunk) {
        let len = chunk.min(c - c0);
        let xs = if len == c { x.clone() } else { x.narrow(1, c0, len)? };
        let bs = match b {
            Some(b) => Some(if len == c { b.clone() } else { b.narrow(0, c0, len)? }),
            None => None,
        };
        let mut y = match &bs {
            Some(bs) => bias_act(&xs, Some(bs), &BiasAct::new(Activation::Linear))?,
            None => xs,
        };
        let up = UpFirDn::default().up(p.up).padding(p.padding).gain((p.up * p.up) as f64).flip_filter(p.flip_filter);
        y = upfirdn2d(&y, fu, &up)?;
        let act = BiasAct::new(Activation::Lrelu).with_alpha(p.slope).with_gain(p.gain).with_clamp(p.clamp);
        y = bias_act(&y, None, &act)?;
        y = upfirdn2d(&y, fd, &UpFirDn::default().down(p.down).flip_filter(p.flip_filter))?;
        outs.push(y);
    }
    if outs.len() == 1 {
        return Ok(outs.remove(0));
    }
    Ok(Tensor::cat(&outs, 1)?)
}

/// The same computation as [`filtered_lrelu_ref`], fused per channel plane on the CPU
/// ([`FusedFilteredLrelu`]: float32, 1-D up filter, `up` a multiple of `down`); the reference
/// elsewhere (other devices and dtypes, 2-D up filters, other sampling factors).
pub fn filtered_lrelu_fast(
    x: &Tensor,
    fu: Option<&Tensor>,
    fd: Option<&Tensor>,
    b: Option<&Tensor>,
    p: &FilteredLrelu,
) -> Result<Tensor> {
    let [th, tw, oh, ow] = check(x, fu, fd, b, p)?;
    let fd_2d = fd.is_some_and(|f| f.rank() == 2);
    let fu_len = fu.map_or(1, |f| f.elem_count());
    let fd_len = fd.map_or(1, |f| f.elem_count());
    if !x.device().is_cpu()
        || x.dtype() != DType::F32
        || fu.is_some_and(|f| f.rank() != 1)
        || fd.is_some_and(|f| f.rank() == 2 && f.dim(0).ok() != f.dim(1).ok())
        || !FusedFilteredLrelu::supports(p.up, p.down, fu_len, fd_len, fd_2d)
    {
        return filtered_lrelu_ref(x, fu, fd, b, p);
    }
    let host = |t: Option<&Tensor>| -> Result<Option<Vec<f32>>> {
        t.map(|t| Ok(t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?)).transpose()
    };
    let flip = |mut v: Vec<f32>| {
        if !p.flip_filter {
            v.reverse();
        }
        v
    };
    // Correlation taps (the true-convolution filter reversed), with the gain folded in as
    // upfirdn2d does: `up` per separable pass of the up filter.
    let up_gain = p.up as f32;
    let fu = host(fu)?.map(|v| flip(v.into_iter().map(|t| t * up_gain).collect())).unwrap_or_else(|| vec![up_gain]);
    let fd = host(fd)?.map(flip).unwrap_or_else(|| vec![1.0]);
    let (_, _, h, w) = x.dims4()?;
    let op = FusedFilteredLrelu::new(FusedParams {
        up_filter: fu,
        down_filter: fd,
        down_2d: fd_2d,
        bias: host(b)?,
        up: p.up,
        down: p.down,
        padding: p.padding,
        gain: p.gain as f32,
        slope: p.slope as f32,
        clamp: p.clamp.filter(|c| *c >= 0.0).map(|c| c as f32),
        in_hw: [h, w],
        tmp_hw: [th, tw],
        out_hw: [oh, ow],
    });
    Ok(x.contiguous()?.apply_op1_no_bwd(&op)?)
}

/// The fast path where it applies, else the reference — always the reference when the input or
/// the bias is part of an autograd graph (training), since the fast kernel has no backward, and
/// under an [`crate::nn::ops::activation_tape`] (whose patterns only the reference records).
pub fn filtered_lrelu(
    x: &Tensor,
    fu: Option<&Tensor>,
    fd: Option<&Tensor>,
    b: Option<&Tensor>,
    p: &FilteredLrelu,
) -> Result<Tensor> {
    if x.track_op() || b.is_some_and(Tensor::track_op) || crate::nn::ops::activation_tape::is_active() {
        return filtered_lrelu_ref(x, fu, fd, b, p);
    }
    filtered_lrelu_fast(x, fu, fd, b, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn the_reference_gives_the_same_result_in_channel_chunks() {
        let x = Tensor::arange(0f32, 2.0 * 5.0 * 9.0 * 9.0, &Device::Cpu).unwrap().reshape((2, 5, 9, 9)).unwrap();
        let x = ((x * 0.37).unwrap().sin().unwrap() * 3.0).unwrap();
        let b = Tensor::new(&[0.1f32, -0.2, 0.3, 0.0, 0.5], &Device::Cpu).unwrap();
        let fu = Tensor::new(&[0.1f32, 0.4, 0.4, 0.1], &Device::Cpu).unwrap();
        let fd = Tensor::new(&[0.25f32, 0.5, 0.25], &Device::Cpu).unwrap();
        let p = FilteredLrelu { up: 2, down: 2, padding: [2, 1, 2, 1], clamp: Some(2.0), ..Default::default() };
        let whole = filtered_lrelu_ref(&x, Some(&fu), Some(&fd), Some(&b), &p).unwrap();
        // Room for two channels at a time: three chunks (2, 2, 1).
        let per_channel = 2 * 18 * 18 * 4 * 3;
        let chunked = filtered_lrelu_ref_chunked(&x, Some(&fu), Some(&fd), Some(&b), &p, 2 * per_channel).unwrap();
        assert_eq!(whole.dims(), &[2, 5, 8, 8]);
        let d = (whole - chunked).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f32>().unwrap();
        assert_eq!(d, 0.0);
    }
}
