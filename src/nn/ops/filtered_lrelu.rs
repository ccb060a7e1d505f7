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
//! - [`filtered_lrelu_fast`] is a CPU kernel per channel plane: polyphase up-sampling (only the
//!   non-zero taps), activation, and down-sampling that computes only the kept samples; no
//!   autograd. Other devices use the reference.
//!
//! [`filtered_lrelu`] picks the fast path where it applies. Tests compare the two.

use candle_core::{CpuStorage, CustomOp1, DType, Layout, Shape, Tensor};
use rayon::prelude::*;

use crate::nn::config::Activation;
use crate::nn::ops::bias_act::{BiasAct, bias_act};
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
        Self { up: 1, down: 1, padding: [0; 4], gain: std::f64::consts::SQRT_2, slope: 0.2, clamp: None, flip_filter: false }
    }
}

/// Bytes of up-sampled signal the reference keeps alive at once (per chunk of channels).
const REF_CHUNK_BYTES: usize = 256 << 20;

fn check(x: &Tensor, fu: Option<&Tensor>, fd: Option<&Tensor>, b: Option<&Tensor>, p: &FilteredLrelu) -> Result<[usize; 4]> {
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
        let up = UpFirDn::default()
            .up(p.up)
            .padding(p.padding)
            .gain((p.up * p.up) as f64)
            .flip_filter(p.flip_filter);
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

/// The same computation as [`filtered_lrelu_ref`], fused per channel plane on the CPU (float32,
/// 1-D up filter); falls back to the reference on other devices, dtypes and for 2-D up filters.
pub fn filtered_lrelu_fast(
    x: &Tensor,
    fu: Option<&Tensor>,
    fd: Option<&Tensor>,
    b: Option<&Tensor>,
    p: &FilteredLrelu,
) -> Result<Tensor> {
    let [th, tw, oh, ow] = check(x, fu, fd, b, p)?;
    if !x.device().is_cpu() || x.dtype() != DType::F32 || fu.is_some_and(|f| f.rank() != 1) {
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
    let fd_2d = fd.is_some_and(|f| f.rank() == 2);
    let fd = host(fd)?.map(flip).unwrap_or_else(|| vec![1.0]);
    let op = FusedFilteredLrelu {
        fu,
        fd,
        fd_2d,
        bias: host(b)?,
        up: p.up,
        down: p.down,
        padding: p.padding,
        gain: p.gain as f32,
        slope: p.slope as f32,
        clamp: p.clamp.filter(|c| *c >= 0.0).map(|c| c as f32),
        tmp: [th, tw],
        out: [oh, ow],
    };
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

/// The fused CPU kernel (correlation taps; see [`filtered_lrelu_fast`]).
struct FusedFilteredLrelu {
    fu: Vec<f32>,
    fd: Vec<f32>,
    fd_2d: bool,
    bias: Option<Vec<f32>>,
    up: usize,
    down: usize,
    padding: [i64; 4],
    gain: f32,
    slope: f32,
    clamp: Option<f32>,
    tmp: [usize; 2],
    out: [usize; 2],
}

/// The polyphase decomposition of one up-sampling axis: output `o` reads the input samples
/// `j0(o) .. j0(o) + taps.len()` with the sub-filter of its phase (the non-zero taps of the
/// correlation `out[o] = Σ_k f[k]·x_up[o + k − p0]`, `x_up` the zero-inserted input).
struct Polyphase {
    /// Per output: (first input index, phase).
    starts: Vec<(i64, usize)>,
    /// Per phase: its taps, in input order.
    phases: Vec<Vec<f32>>,
}

impl Polyphase {
    fn new(f: &[f32], up: usize, p0: i64, out_len: usize) -> Self {
        let u = up as i64;
        let phases: Vec<Vec<f32>> = (0..up).map(|k0| f.iter().skip(k0).step_by(up).copied().collect()).collect();
        let starts = (0..out_len)
            .map(|o| {
                let base = o as i64 - p0;
                let k0 = (-base).rem_euclid(u);
                ((base + k0).div_euclid(u), k0 as usize)
            })
            .collect();
        Self { starts, phases }
    }
}

/// `Σ_m taps[m]·src[j0 + m]` with zeros outside `src`.
fn dot_clipped(taps: &[f32], src: &[f32], j0: i64) -> f32 {
    let len = src.len() as i64;
    if j0 >= 0 && j0 + taps.len() as i64 <= len {
        let s = &src[j0 as usize..j0 as usize + taps.len()];
        return taps.iter().zip(s).map(|(a, b)| a * b).sum();
    }
    let mut acc = 0f32;
    for (m, t) in taps.iter().enumerate() {
        let j = j0 + m as i64;
        if j >= 0 && j < len {
            acc += t * src[j as usize];
        }
    }
    acc
}

/// `dst += a·src` (row operations, vectorisable).
fn axpy(dst: &mut [f32], a: f32, src: &[f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d += a * s;
    }
}

impl FusedFilteredLrelu {
    /// One channel plane: `src [h, w]` → `dst [oh, ow]`.
    fn plane(&self, src: &[f32], h: usize, w: usize, bias: f32, dst: &mut [f32]) {
        let [th, tw] = self.tmp;
        let [oh, ow] = self.out;
        let [px0, _, py0, _] = self.padding;
        // Bias, then the up pass along x: [h, tw].
        let biased: Vec<f32> = src.iter().map(|v| v + bias).collect();
        let px = Polyphase::new(&self.fu, self.up, px0, tw);
        let mut ux = vec![0f32; h * tw];
        for r in 0..h {
            let row = &biased[r * w..(r + 1) * w];
            for (o, &(j0, ph)) in px.starts.iter().enumerate() {
                ux[r * tw + o] = dot_clipped(&px.phases[ph], row, j0);
            }
        }
        // Up pass along y, whole rows at a time; then activation, gain and clamp: [th, tw].
        let py = Polyphase::new(&self.fu, self.up, py0, th);
        let mut t = vec![0f32; th * tw];
        let (gain, slope) = (self.gain, self.slope);
        for (o, &(j0, ph)) in py.starts.iter().enumerate() {
            let out = &mut t[o * tw..(o + 1) * tw];
            for (m, &tap) in py.phases[ph].iter().enumerate() {
                let j = j0 + m as i64;
                if j >= 0 && (j as usize) < h {
                    axpy(out, tap, &ux[j as usize * tw..(j as usize + 1) * tw]);
                }
            }
            for v in out.iter_mut() {
                let a = if *v < 0.0 { *v * slope } else { *v } * gain;
                *v = match self.clamp {
                    Some(c) => a.clamp(-c, c),
                    None => a,
                };
            }
        }
        // Down pass: only the kept samples. The columns are split into their `d` phases first
        // (`ph[p][r][i] = t[r][i·d + p]`), so that `t[r][ox·d + k] = ph[k mod d][r][ox + k div d]`
        // and every tap becomes one contiguous row operation.
        let d = self.down;
        let fd = &self.fd;
        let pw = tw.div_ceil(d);
        let mut ph = vec![0f32; d * th * pw];
        for r in 0..th {
            let row = &t[r * tw..(r + 1) * tw];
            for p in 0..d {
                let dst = &mut ph[(p * th + r) * pw..(p * th + r + 1) * pw];
                for (o, &v) in dst.iter_mut().zip(row.iter().skip(p).step_by(d)) {
                    *o = v;
                }
            }
        }
        let phase_row = |k: usize, r: usize| -> &[f32] {
            let start = ((k % d) * th + r) * pw + k / d;
            &ph[start..start + ow]
        };
        if self.fd_2d {
            let ft = (fd.len() as f64).sqrt() as usize;
            for oy in 0..oh {
                let out = &mut dst[oy * ow..(oy + 1) * ow];
                for ky in 0..ft {
                    for (kx, &fv) in fd[ky * ft..(ky + 1) * ft].iter().enumerate() {
                        axpy(out, fv, phase_row(kx, oy * d + ky));
                    }
                }
            }
        } else {
            let mut dx = vec![0f32; th * ow];
            for r in 0..th {
                let out = &mut dx[r * ow..(r + 1) * ow];
                for (k, &fv) in fd.iter().enumerate() {
                    axpy(out, fv, phase_row(k, r));
                }
            }
            for oy in 0..oh {
                let out = &mut dst[oy * ow..(oy + 1) * ow];
                for (k, &fv) in fd.iter().enumerate() {
                    axpy(out, fv, &dx[(oy * d + k) * ow..(oy * d + k + 1) * ow]);
                }
            }
        }
    }
}

impl CustomOp1 for FusedFilteredLrelu {
    fn name(&self) -> &'static str {
        "filtered_lrelu"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let CpuStorage::F32(data) = storage else {
            candle_core::bail!("filtered_lrelu: float32 input expected")
        };
        let (n, c, h, w) = layout.shape().dims4()?;
        let src = match layout.contiguous_offsets() {
            Some((a, b)) => &data[a..b],
            None => candle_core::bail!("filtered_lrelu: contiguous input expected"),
        };
        let [oh, ow] = self.out;
        let mut out = vec![0f32; n * c * oh * ow];
        out.par_chunks_mut(oh * ow).enumerate().for_each(|(i, dst)| {
            let bias = self.bias.as_ref().map_or(0.0, |b| b[i % c]);
            self.plane(&src[i * h * w..(i + 1) * h * w], h, w, bias, dst);
        });
        Ok((CpuStorage::F32(out), Shape::from((n, c, oh, ow))))
    }
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
