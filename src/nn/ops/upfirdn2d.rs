//! `upfirdn2d`: upsample by zero insertion, pad (negative = crop), FIR-filter, downsample
//! (`torch_utils/ops/upfirdn2d.py`), plus the `setup_filter`, `upsample2d`, `downsample2d` and
//! `filter2d` helpers.
//!
//! Per axis, with `x_up` the zero-inserted signal (zero outside `[0, L·u)`), `fw` the filter
//! length and `p0` the leading padding:
//! `out[o] = Σ_k f[k] · x_up[o·d + fw − 1 − k − p0]` (a true convolution; a correlation with
//! `flip_filter`), `len(out) = ceil((L·u + p0 + p1 − fw + 1) / d)`.
//!
//! A 2-D filter `[fh, fw]` is applied as is, scaled by `gain`; a 1-D filter `[ft]` is separable:
//! applied along x, then along y, each pass scaled by `sqrt(gain)`. No filter means the 1×1
//! identity (still scaled by `gain`).
//!
//! The implementation is the readable reference: candle reshapes, pads and a single-channel
//! `conv2d` over `[N·C, 1, H, W]` (every channel uses the same filter), so it is differentiable.
//! On the CPU (float32/float64) the direct kernel of [`super::upfirdn2d_cpu`] runs instead: it
//! skips the inserted zeros, and its backward is fast (the reference's goes through candle's
//! transposed convolution).

use candle_core::{DType, Device, Tensor};

use crate::nn::ops::upfirdn2d_cpu::{Fir, UpFirDnCpu, upfirdn2d_cpu};
use crate::{Error, Result};

/// Scaling, padding and filter options of one [`upfirdn2d`] call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UpFirDn {
    /// Up-sampling factors `[x, y]` (zero insertion).
    pub up: [usize; 2],
    /// Down-sampling factors `[x, y]` (keep every d-th sample, starting at 0).
    pub down: [usize; 2],
    /// `[x0, x1, y0, y1]`; negative values crop.
    pub padding: [i64; 4],
    /// Correlate instead of convolve (matters only for asymmetric filters).
    pub flip_filter: bool,
    /// Overall gain (the filter is multiplied by `gain^(ndim/2)` per pass).
    pub gain: f64,
}

impl Default for UpFirDn {
    fn default() -> Self {
        Self { up: [1, 1], down: [1, 1], padding: [0; 4], flip_filter: false, gain: 1.0 }
    }
}

impl UpFirDn {
    pub fn up(mut self, up: usize) -> Self {
        self.up = [up, up];
        self
    }
    pub fn down(mut self, down: usize) -> Self {
        self.down = [down, down];
        self
    }
    pub fn padding(mut self, padding: [i64; 4]) -> Self {
        self.padding = padding;
        self
    }
    pub fn gain(mut self, gain: f64) -> Self {
        self.gain = gain;
        self
    }
    pub fn flip_filter(mut self, flip: bool) -> Self {
        self.flip_filter = flip;
        self
    }
}

/// `(fw, fh)` of a filter: 1-D filters are square, `None` is 1×1.
pub fn filter_size(f: Option<&Tensor>) -> Result<(usize, usize)> {
    match f {
        None => Ok((1, 1)),
        Some(f) => match f.dims() {
            [t] => Ok((*t, *t)),
            [h, w] => Ok((*w, *h)),
            other => Err(Error::Invalid(format!("FIR filter must be 1-D or 2-D, got shape {other:?}"))),
        },
    }
}

/// Output size of one axis of [`upfirdn2d`] (may be ≤ 0 for impossible parameters).
pub fn output_len(len: usize, up: usize, down: usize, p0: i64, p1: i64, taps: usize) -> i64 {
    let n = (len * up) as i64 + p0 + p1 - taps as i64 + 1;
    if n <= 0 { n } else { (n + down as i64 - 1) / down as i64 }
}

/// Upsample, pad, FIR-filter and downsample `x [N, C, H, W]` (see the module docs).
pub fn upfirdn2d(x: &Tensor, f: Option<&Tensor>, p: &UpFirDn) -> Result<Tensor> {
    let (n, c, h, w) = x.dims4()?;
    let [ux, uy] = p.up;
    let [dx, dy] = p.down;
    let [px0, px1, py0, py1] = p.padding;
    if ux == 0 || uy == 0 || dx == 0 || dy == 0 {
        return Err(Error::Invalid(format!("upfirdn2d: up {:?} and down {:?} must be ≥ 1", p.up, p.down)));
    }
    let (fw, fh) = filter_size(f)?;
    let (ow, oh) = (output_len(w, ux, dx, px0, px1, fw), output_len(h, uy, dy, py0, py1, fh));
    if ow <= 0 || oh <= 0 || n * c == 0 || fw == 0 || fh == 0 {
        return Err(Error::Invalid(format!(
            "upfirdn2d: input {h}×{w} with up {:?}, padding {:?}, filter {fh}×{fw}, down {:?} leaves no output",
            p.up, p.padding, p.down
        )));
    }

    // CPU float32/float64 takes the direct kernel: it sums only the taps that meet input samples
    // (inference), and its backward is fast (training: autograd graphs, activation tapes).
    if x.device().is_cpu() && matches!(x.dtype(), DType::F32 | DType::F64) {
        let fir = match f {
            None => Fir::Full { taps: vec![1.0], fh: 1, fw: 1 },
            Some(f) => {
                let taps = f.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?;
                match f.dims() {
                    [_] => Fir::Separable(taps),
                    [fh, fw] => Fir::Full { taps, fh: *fh, fw: *fw },
                    other => return Err(Error::Invalid(format!("FIR filter must be 1-D or 2-D, got shape {other:?}"))),
                }
            }
        };
        let op =
            UpFirDnCpu { fir, up: p.up, down: p.down, padding: p.padding, flip_filter: p.flip_filter, gain: p.gain };
        return upfirdn2d_cpu(x, op);
    }
    upfirdn2d_ref(x, f, p)
}

/// The readable reference of [`upfirdn2d`] (zero insertion, pad/crop, single-channel convolution,
/// subsampling); other devices and dtypes use it, and tests compare the direct kernel with it.
pub fn upfirdn2d_ref(x: &Tensor, f: Option<&Tensor>, p: &UpFirDn) -> Result<Tensor> {
    let (n, c, h, w) = x.dims4()?;
    let [ux, uy] = p.up;
    let [dx, dy] = p.down;
    let [px0, px1, py0, py1] = p.padding;
    let (fw, fh) = filter_size(f)?;
    let (ow, oh) = (output_len(w, ux, dx, px0, px1, fw), output_len(h, uy, dy, py0, py1, fh));
    if ow <= 0 || oh <= 0 || n * c == 0 || fw == 0 || fh == 0 {
        return Err(Error::Invalid(format!(
            "upfirdn2d: input {h}×{w} with up {:?}, padding {:?}, filter {fh}×{fw}, down {:?} leaves no output",
            p.up, p.padding, p.down
        )));
    }

    // 1. Zero insertion: every sample followed by u−1 zeros.
    let mut y = x.reshape((n * c, 1, h, w))?;
    if ux > 1 || uy > 1 {
        y = y.reshape((n * c, h, 1, w, 1))?.pad_with_zeros(2, 0, uy - 1)?.pad_with_zeros(4, 0, ux - 1)?.reshape((
            n * c,
            1,
            h * uy,
            w * ux,
        ))?;
    }
    // 2. Pad with zeros, crop where negative.
    y = pad_or_crop(&y, 3, px0, px1)?;
    y = pad_or_crop(&y, 2, py0, py1)?;

    // 3. Valid true convolution with the (gain-scaled, flipped unless `flip_filter`) filter.
    let filter = match f {
        Some(f) => f.to_dtype(y.dtype())?,
        None => Tensor::ones((1, 1), y.dtype(), y.device())?,
    };
    y = match filter.dims() {
        [fh, fw] => {
            let k = prepare(&filter, p.gain, p.flip_filter)?.reshape((1, 1, *fh, *fw))?;
            super::conv2d(&y, &k, [0, 0], 1, 1)?
        }
        [ft] => {
            let k = prepare(&filter, p.gain.sqrt(), p.flip_filter)?;
            let y = super::conv2d(&y, &k.reshape((1, 1, 1, *ft))?, [0, 0], 1, 1)?;
            super::conv2d(&y, &k.reshape((1, 1, *ft, 1))?, [0, 0], 1, 1)?
        }
        other => return Err(Error::Invalid(format!("FIR filter must be 1-D or 2-D, got shape {other:?}"))),
    };

    // 4. Keep every d-th sample, starting at 0.
    y = subsample(&y, 3, dx)?;
    y = subsample(&y, 2, dy)?;
    let (_, _, yh, yw) = y.dims4()?;
    Ok(y.reshape((n, c, yh, yw))?)
}

fn prepare(f: &Tensor, gain: f64, flip_filter: bool) -> Result<Tensor> {
    let f = if gain != 1.0 { f.affine(gain, 0.0)? } else { f.clone() };
    if flip_filter {
        return Ok(f);
    }
    let dims: Vec<usize> = (0..f.rank()).collect();
    Ok(f.flip(&dims)?)
}

/// Pads `dim` with `p0`/`p1` zeros; negative values crop instead.
fn pad_or_crop(x: &Tensor, dim: usize, p0: i64, p1: i64) -> Result<Tensor> {
    let x = x.pad_with_zeros(dim, p0.max(0) as usize, p1.max(0) as usize)?;
    let (c0, c1) = ((-p0).max(0) as usize, (-p1).max(0) as usize);
    if c0 == 0 && c1 == 0 {
        return Ok(x);
    }
    let len = x.dim(dim)?;
    if c0 + c1 >= len {
        return Err(Error::Invalid(format!("upfirdn2d: cropping {c0}+{c1} of {len} samples leaves nothing")));
    }
    Ok(x.narrow(dim, c0, len - c0 - c1)?)
}

/// Samples `0, d, 2d, …` of `dim`.
fn subsample(x: &Tensor, dim: usize, d: usize) -> Result<Tensor> {
    if d == 1 {
        return Ok(x.clone());
    }
    let len = x.dim(dim)?;
    let idx: Vec<u32> = (0..len).step_by(d).map(|i| i as u32).collect();
    let idx = Tensor::new(idx.as_slice(), x.device())?;
    Ok(x.index_select(&idx, dim)?)
}

/// NVIDIA's `setup_filter`: taps (0-, 1- or 2-D) as float32; a 1-D filter with fewer than 8
/// taps becomes the outer product `f⊗f` unless `separable` says otherwise; normalised to sum 1
/// when `normalize`; flipped when `flip_filter`; multiplied by `gain^(ndim/2)`.
pub fn setup_filter(
    f: &Tensor,
    separable: Option<bool>,
    normalize: bool,
    flip_filter: bool,
    gain: f64,
) -> Result<Tensor> {
    let mut f = f.to_dtype(DType::F32)?;
    if f.elem_count() == 0 {
        return Err(Error::Invalid("setup_filter: empty filter".into()));
    }
    if f.rank() == 0 {
        f = f.reshape(1)?;
    }
    if f.rank() > 2 {
        return Err(Error::Invalid(format!("setup_filter: filter must be 0-, 1- or 2-D, got {:?}", f.dims())));
    }
    let separable = separable.unwrap_or(f.rank() == 1 && f.elem_count() >= 8);
    if f.rank() == 1 && !separable {
        let col = f.unsqueeze(1)?;
        let row = f.unsqueeze(0)?;
        f = col.broadcast_mul(&row)?;
    }
    if separable && f.rank() != 1 {
        return Err(Error::Invalid("setup_filter: a 2-D filter cannot be separable".into()));
    }
    if normalize {
        f = f.broadcast_div(&f.sum_all()?)?;
    }
    if flip_filter {
        let dims: Vec<usize> = (0..f.rank()).collect();
        f = f.flip(&dims)?;
    }
    if gain != 1.0 {
        f = f.affine(gain.powf(f.rank() as f64 / 2.0), 0.0)?;
    }
    Ok(f)
}

/// [`setup_filter`] of 1-D taps with NVIDIA's defaults (`[1,3,3,1]` → the 4×4 `f⊗f / 64`).
pub fn setup_filter_taps(taps: &[f32], device: &Device) -> Result<Tensor> {
    let f = Tensor::new(taps, device)?;
    setup_filter(&f, None, true, false, 1.0)
}

fn floor_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b)
}

/// `upsample2d`: [`upfirdn2d`] with `up`, padding `[(fw+up−1)//2, (fw−up)//2]` per axis added to
/// `padding`, and total gain `gain·up²`. With `[1,3,3,1]` this doubles the size exactly.
pub fn upsample2d(
    x: &Tensor,
    f: Option<&Tensor>,
    up: usize,
    padding: [i64; 4],
    flip_filter: bool,
    gain: f64,
) -> Result<Tensor> {
    let (fw, fh) = filter_size(f)?;
    let (fw, fh, u) = (fw as i64, fh as i64, up as i64);
    let p = [
        padding[0] + floor_div(fw + u - 1, 2),
        padding[1] + floor_div(fw - u, 2),
        padding[2] + floor_div(fh + u - 1, 2),
        padding[3] + floor_div(fh - u, 2),
    ];
    let opts = UpFirDn::default().up(up).padding(p).flip_filter(flip_filter).gain(gain * (up * up) as f64);
    upfirdn2d(x, f, &opts)
}

/// `downsample2d`: [`upfirdn2d`] with `down` and padding `[(fw−down+1)//2, (fw−down)//2]` per axis
/// added to `padding`.
pub fn downsample2d(
    x: &Tensor,
    f: Option<&Tensor>,
    down: usize,
    padding: [i64; 4],
    flip_filter: bool,
    gain: f64,
) -> Result<Tensor> {
    let (fw, fh) = filter_size(f)?;
    let (fw, fh, d) = (fw as i64, fh as i64, down as i64);
    let p = [
        padding[0] + floor_div(fw - d + 1, 2),
        padding[1] + floor_div(fw - d, 2),
        padding[2] + floor_div(fh - d + 1, 2),
        padding[3] + floor_div(fh - d, 2),
    ];
    let opts = UpFirDn::default().down(down).padding(p).flip_filter(flip_filter).gain(gain);
    upfirdn2d(x, f, &opts)
}

/// `filter2d`: same-size filtering, padding `[fw//2, (fw−1)//2]` per axis added to `padding`.
pub fn filter2d(x: &Tensor, f: Option<&Tensor>, padding: [i64; 4], flip_filter: bool, gain: f64) -> Result<Tensor> {
    let (fw, fh) = filter_size(f)?;
    let (fw, fh) = (fw as i64, fh as i64);
    let p = [
        padding[0] + floor_div(fw, 2),
        padding[1] + floor_div(fw - 1, 2),
        padding[2] + floor_div(fh, 2),
        padding[3] + floor_div(fh - 1, 2),
    ];
    let opts = UpFirDn::default().padding(p).flip_filter(flip_filter).gain(gain);
    upfirdn2d(x, f, &opts)
}
