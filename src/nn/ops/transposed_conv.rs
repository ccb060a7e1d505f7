//! Transposed (fractionally strided) 2-D convolution, as `torch.nn.functional.conv_transpose2d`
//! computes it, with the weight in the ordinary `[C_out, C_in/groups, kh, kw]` layout.
//!
//! `y[n, o, p_y, p_x] = Σ_{i, ky, kx} x[n, i, i_y, i_x] · K[o, i, ky, kx]` over all
//! `p = i·stride + k − padding`, i.e. a *true* convolution of the zero-inserted input with `K`,
//! cropped by `padding` on each side; output size `(H−1)·stride + kh − 2·padding`.
//! `K` is the weight, spatially flipped when `flip_kernel`.
//!
//! [`transposed_conv2d_ref`] follows that definition literally (zero insertion, padding by
//! `k − 1 − padding`, correlation with the flipped kernel). [`transposed_conv2d`] is the fast
//! path with the same signature: the polyphase decomposition, one small convolution per output
//! phase on the input as it is (no multiplications by inserted zeros: a quarter of the work at
//! stride 2), then interleaving. Both use only candle tensor ops.

use candle_core::Tensor;

use crate::{Error, Result};

fn check(
    x: &Tensor,
    w: &Tensor,
    stride: usize,
    groups: usize,
) -> Result<(usize, usize, usize, usize, usize, usize, usize)> {
    let (n, c_in, h, wd) = x.dims4()?;
    let (c_out, c_in_g, kh, kw) = w.dims4()?;
    if stride == 0
        || groups == 0
        || c_in_g * groups != c_in
        || c_out % groups != 0
        || h == 0
        || wd == 0
        || kh == 0
        || kw == 0
    {
        return Err(Error::Invalid(format!(
            "transposed conv: input {:?}, weight {:?}, stride {stride}, groups {groups} do not fit",
            x.dims(),
            w.dims()
        )));
    }
    Ok((n, c_in, h, wd, c_out, kh, kw))
}

fn flip_if(w: &Tensor, flip: bool) -> Result<Tensor> {
    Ok(if flip { w.flip(&[2, 3])? } else { w.clone() })
}

/// Crops `c` samples from both ends of `dim`, or pads with zeros where `c` is negative.
fn crop_both(x: &Tensor, dim: usize, c: i64) -> Result<Tensor> {
    if c >= 0 {
        let len = x.dim(dim)?;
        let c = c as usize;
        if 2 * c >= len {
            return Err(Error::Invalid(format!("transposed conv: padding {c} leaves no output")));
        }
        Ok(x.narrow(dim, c, len - 2 * c)?)
    } else {
        Ok(x.pad_with_zeros(dim, (-c) as usize, (-c) as usize)?)
    }
}

/// The reference: zero insertion, padding `k − 1 − padding`, correlation with the flipped kernel.
pub fn transposed_conv2d_ref(
    x: &Tensor,
    w: &Tensor,
    stride: usize,
    padding: [usize; 2],
    groups: usize,
    flip_kernel: bool,
) -> Result<Tensor> {
    let (n, c_in, h, wd, _, kh, kw) = check(x, w, stride, groups)?;
    let k = flip_if(w, flip_kernel)?;
    // Zero insertion: (H−1)·stride + 1 samples, x at multiples of stride.
    let xz = x
        .reshape((n, c_in, h, 1, wd, 1))?
        .pad_with_zeros(3, 0, stride - 1)?
        .pad_with_zeros(5, 0, stride - 1)?
        .reshape((n, c_in, h * stride, wd * stride))?
        .narrow(2, 0, (h - 1) * stride + 1)?
        .narrow(3, 0, (wd - 1) * stride + 1)?;
    // Full true convolution = pad by k−1 and correlate with the flipped kernel; then crop `padding`.
    let xp = xz.pad_with_zeros(2, kh - 1, kh - 1)?.pad_with_zeros(3, kw - 1, kw - 1)?;
    let y = super::conv2d(&xp, &k.flip(&[2, 3])?, [0, 0], 1, groups)?;
    let y = crop_both(&y, 2, padding[0] as i64)?;
    crop_both(&y, 3, padding[1] as i64)
}

/// The fast path (polyphase), same signature and result as [`transposed_conv2d_ref`].
pub fn transposed_conv2d(
    x: &Tensor,
    w: &Tensor,
    stride: usize,
    padding: [usize; 2],
    groups: usize,
    flip_kernel: bool,
) -> Result<Tensor> {
    let (n, _c_in, h, wd, c_out, kh, kw) = check(x, w, stride, groups)?;
    // In autograd graphs (training): col2im, whose backward is fast.
    if (x.track_op() || w.track_op())
        && x.device().is_cpu()
        && matches!(x.dtype(), candle_core::DType::F32 | candle_core::DType::F64)
    {
        return super::conv_im2col::conv_transpose2d_col2im(x, w, stride, padding, groups, flip_kernel);
    }
    if stride == 1 {
        let k = flip_if(w, flip_kernel)?;
        let xp = x.pad_with_zeros(2, kh - 1, kh - 1)?.pad_with_zeros(3, kw - 1, kw - 1)?;
        let y = super::conv2d(&xp, &k.flip(&[2, 3])?, [0, 0], 1, groups)?;
        let y = crop_both(&y, 2, padding[0] as i64)?;
        return crop_both(&y, 3, padding[1] as i64);
    }
    let k = flip_if(w, flip_kernel)?;
    let s = stride;
    // Full (uncropped) output length and the per-phase length after padding every phase to it.
    let (full_h, full_w) = ((h - 1) * s + kh, (wd - 1) * s + kw);
    let (mh, mw) = (full_h.div_ceil(s), full_w.div_ceil(s));
    let mut rows = Vec::with_capacity(s);
    for ry in 0..s {
        let mut cols = Vec::with_capacity(s);
        for rx in 0..s {
            // Phase (ry, rx): y[s·m + r] = Σ_j K[r + j·s] · x[m − j] — a full true convolution of x
            // with the sub-kernel K[r::s].
            let ly = if ry < kh { (kh - ry).div_ceil(s) } else { 0 };
            let lx = if rx < kw { (kw - rx).div_ceil(s) } else { 0 };
            let phase = if ly == 0 || lx == 0 {
                Tensor::zeros((n, c_out, mh, mw), x.dtype(), x.device())?
            } else {
                let iy = Tensor::new((0..ly).map(|j| (ry + j * s) as u32).collect::<Vec<_>>().as_slice(), x.device())?;
                let ix = Tensor::new((0..lx).map(|j| (rx + j * s) as u32).collect::<Vec<_>>().as_slice(), x.device())?;
                let sub = k.index_select(&iy, 2)?.index_select(&ix, 3)?;
                let xp = x.pad_with_zeros(2, ly - 1, ly - 1)?.pad_with_zeros(3, lx - 1, lx - 1)?;
                let y = super::conv2d(&xp, &sub.flip(&[2, 3])?, [0, 0], 1, groups)?;
                // Length h + ly − 1 (≤ mh); pad to the common phase length.
                let (_, _, yh, yw) = y.dims4()?;
                y.pad_with_zeros(2, 0, mh - yh)?.pad_with_zeros(3, 0, mw - yw)?
            };
            cols.push(phase);
        }
        // [N, O, mh, mw, s] for this row phase.
        rows.push(Tensor::stack(&cols, 4)?);
    }
    // [N, O, mh, s, mw, s] → [N, O, mh·s, mw·s], then the full length, then the crop.
    let y = Tensor::stack(&rows, 3)?.reshape((n, c_out, mh * s, mw * s))?;
    let y = y.narrow(2, 0, full_h)?.narrow(3, 0, full_w)?;
    let y = crop_both(&y, 2, padding[0] as i64)?;
    crop_both(&y, 3, padding[1] as i64)
}
