//! 2-D convolution with optional FIR up/down-sampling (`torch_utils/ops/conv2d_resample.py`).
//!
//! Semantics: up-sample `x` by zero insertion, filter with `f` (gain `up²`), convolve with `w`,
//! filter with `f` and down-sample, with `padding` (`[x0, x1, y0, y1]`) applied to the input
//! and adjusted for the filter as `upsample2d`/`downsample2d` do. The same path as NVIDIA's is
//! taken for each case (they are mathematically identical; matching the path keeps the rounding
//! close): 1×1 with down-sampling filters first; 1×1 with up-sampling convolves first;
//! down-sampling uses a strided convolution; up-sampling a transposed convolution followed by the
//! FIR filter; otherwise a plain convolution.
//!
//! `flip_weight = true` is PyTorch's `conv2d` (correlation); `false` convolves with the
//! spatially flipped weight. Grouped convolution uses candle's grouped `conv2d` (a per-group loop).

use candle_core::Tensor;

use crate::nn::ops::transposed_conv::transposed_conv2d;
use crate::nn::ops::upfirdn2d::{UpFirDn, filter_size, upfirdn2d};
use crate::{Error, Result};

/// Options of [`conv2d_resample`]; the default is a plain correlation with no padding.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resample {
    pub up: usize,
    pub down: usize,
    /// `[x0, x1, y0, y1]` on the input (before the filter adjustments).
    pub padding: [i64; 4],
    pub groups: usize,
    pub flip_weight: bool,
    pub flip_filter: bool,
}

impl Default for Resample {
    fn default() -> Self {
        Self { up: 1, down: 1, padding: [0; 4], groups: 1, flip_weight: true, flip_filter: false }
    }
}

/// `x [N, C_in, H, W]`, `w [C_out, C_in/groups, kh, kw]`, FIR filter `f` (1-D or 2-D, needed
/// when `up > 1` or `down > 1`) → `[N, C_out, H', W']`.
pub fn conv2d_resample(x: &Tensor, w: &Tensor, f: Option<&Tensor>, p: &Resample) -> Result<Tensor> {
    let (_, c_in, _, _) = x.dims4()?;
    let (_, c_in_g, kh, kw) = w.dims4()?;
    let (up, down, groups) = (p.up, p.down, p.groups);
    if up == 0 || down == 0 || groups == 0 || c_in_g * groups != c_in {
        return Err(Error::Invalid(format!(
            "conv2d_resample: input {:?}, weight {:?}, up {up}, down {down}, groups {groups} do not fit",
            x.dims(),
            w.dims()
        )));
    }
    if (up > 1 || down > 1) && f.is_none() {
        return Err(Error::Invalid("conv2d_resample: resampling needs a FIR filter".into()));
    }
    let (fw, fh) = filter_size(f)?;
    let (fw, fh, ui, di) = (fw as i64, fh as i64, up as i64, down as i64);
    let [mut px0, mut px1, mut py0, mut py1] = p.padding;
    if up > 1 {
        px0 += (fw + ui - 1).div_euclid(2);
        px1 += (fw - ui).div_euclid(2);
        py0 += (fh + ui - 1).div_euclid(2);
        py1 += (fh - ui).div_euclid(2);
    }
    if down > 1 {
        px0 += (fw - di + 1).div_euclid(2);
        px1 += (fw - di).div_euclid(2);
        py0 += (fh - di + 1).div_euclid(2);
        py1 += (fh - di).div_euclid(2);
    }
    let fir = |x: &Tensor, up: usize, down: usize, pad: [i64; 4], gain: f64| {
        let opts = UpFirDn::default().up(up).down(down).padding(pad).gain(gain).flip_filter(p.flip_filter);
        upfirdn2d(x, f, &opts)
    };
    let pad = [px0, px1, py0, py1];

    // 1×1 convolution with down-sampling only: down-sample first, then convolve.
    if kw == 1 && kh == 1 && down > 1 && up == 1 {
        let x = fir(x, 1, down, pad, 1.0)?;
        return conv(&x, w, 1, [0, 0], groups, p.flip_weight);
    }
    // 1×1 convolution with up-sampling only: convolve first, then up-sample.
    if kw == 1 && kh == 1 && up > 1 && down == 1 {
        let x = conv(x, w, 1, [0, 0], groups, p.flip_weight)?;
        return fir(&x, up, 1, pad, (up * up) as f64);
    }
    // Down-sampling only: filter, then a strided convolution.
    if down > 1 && up == 1 {
        let x = fir(x, 1, 1, pad, 1.0)?;
        return conv(&x, w, down, [0, 0], groups, p.flip_weight);
    }
    // Up-sampling (and maybe down-sampling): transposed convolution, then the FIR filter.
    if up > 1 {
        let (kw, kh) = (kw as i64, kh as i64);
        let (px0, px1, py0, py1) = (px0 - (kw - 1), px1 - (kw - ui), py0 - (kh - 1), py1 - (kh - ui));
        let pxt = (-px0).min(-px1).max(0);
        let pyt = (-py0).min(-py1).max(0);
        // NVIDIA transposes the weight and passes `flip_weight = !flip_weight` to the transposed
        // op, whose wrapper flips when that is false: the kernel is flipped iff `flip_weight`.
        let y = transposed_conv2d(x, w, up, [pyt as usize, pxt as usize], groups, p.flip_weight)?;
        let y = fir(&y, 1, 1, [px0 + pxt, px1 + pxt, py0 + pyt, py1 + pyt], (up * up) as f64)?;
        return if down > 1 { fir(&y, 1, down, [0; 4], 1.0) } else { Ok(y) };
    }
    // No resampling, symmetric non-negative padding: a plain convolution.
    if px0 == px1 && py0 == py1 && px0 >= 0 && py0 >= 0 {
        return conv(x, w, 1, [py0 as usize, px0 as usize], groups, p.flip_weight);
    }
    // Anything else (asymmetric or negative padding): pad/crop (no filter), then convolve.
    let x = upfirdn2d(x, None, &UpFirDn::default().padding(pad).flip_filter(p.flip_filter))?;
    conv(&x, w, 1, [0, 0], groups, p.flip_weight)
}

/// PyTorch's `conv2d` (correlation) with per-axis zero padding `[y, x]`; the weight is flipped
/// first when `!flip_weight` (for kernels larger than 1×1).
fn conv(
    x: &Tensor,
    w: &Tensor,
    stride: usize,
    padding: [usize; 2],
    groups: usize,
    flip_weight: bool,
) -> Result<Tensor> {
    let (_, _, kh, kw) = w.dims4()?;
    let w = if !flip_weight && (kh > 1 || kw > 1) { w.flip(&[2, 3])? } else { w.clone() };
    let w = w.to_dtype(x.dtype())?;
    super::conv2d(x, &w, padding, stride, groups)
}
