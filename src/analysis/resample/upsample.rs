//! A polyphase fast path of `upsample2d` for the resampler's large 2-D filters.
//!
//! [`crate::nn::ops::upfirdn2d::upsample2d`] (the reference) convolves the zero-inserted image,
//! so 15 of every 16 multiplications of a 4× up-sampling hit zeros, and with a 47×47 filter its
//! im2col buffer is gigabytes. This computes the same values visiting only the non-zero input
//! samples of each output phase. Same signature; a test compares the two.

use candle_core::{DType, Tensor};
use rayon::prelude::*;

use crate::nn::ops::upfirdn2d::{filter_size, upsample2d};
use crate::{Error, Result};

/// `upsample2d(x, f, up, padding, flip_filter, gain)` for a 2-D filter on the CPU in float32;
/// anything else goes to the reference.
pub fn upsample2d_fast(
    x: &Tensor,
    f: Option<&Tensor>,
    up: usize,
    padding: [i64; 4],
    flip_filter: bool,
    gain: f64,
) -> Result<Tensor> {
    let Some(filt) = f.filter(|f| f.rank() == 2) else {
        return upsample2d(x, f, up, padding, flip_filter, gain);
    };
    if !x.device().is_cpu() || x.dtype() != DType::F32 || up == 0 {
        return upsample2d(x, f, up, padding, flip_filter, gain);
    }
    let (n, c, h, w) = x.dims4()?;
    let (fw, fh) = filter_size(Some(filt))?;
    let (u, fwi, fhi) = (up as i64, fw as i64, fh as i64);
    let px0 = padding[0] + (fwi + u - 1).div_euclid(2);
    let px1 = padding[1] + (fwi - u).div_euclid(2);
    let py0 = padding[2] + (fhi + u - 1).div_euclid(2);
    let py1 = padding[3] + (fhi - u).div_euclid(2);
    let ow = (w as i64) * u + px0 + px1 - fwi + 1;
    let oh = (h as i64) * u + py0 + py1 - fhi + 1;
    if ow <= 0 || oh <= 0 {
        return Err(Error::Invalid(format!(
            "upsample2d: {h}×{w} with filter {fh}×{fw} and padding {padding:?} leaves no output"
        )));
    }
    let (ow, oh) = (ow as usize, oh as usize);
    // Correlation taps: the true-convolution filter reversed in both axes, times gain·up².
    let total_gain = (gain * (up * up) as f64) as f32;
    let mut g: Vec<f32> = filt.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
    if !flip_filter {
        g.reverse();
    }
    g.iter_mut().for_each(|v| *v *= total_gain);
    let src = x.flatten_all()?.to_vec1::<f32>()?;
    let mut out = vec![0f32; n * c * oh * ow];
    out.par_chunks_mut(oh * ow).enumerate().for_each(|(plane, dst)| {
        let s = &src[plane * h * w..(plane + 1) * h * w];
        for oy in 0..oh {
            let by = oy as i64 - py0;
            let ky0 = (-by).rem_euclid(u) as usize;
            for ox in 0..ow {
                let bx = ox as i64 - px0;
                let kx0 = (-bx).rem_euclid(u) as usize;
                let mut acc = 0f32;
                for ky in (ky0..fh).step_by(up) {
                    let iy = (by + ky as i64) / u;
                    if iy < 0 || iy >= h as i64 {
                        continue;
                    }
                    let row = &s[iy as usize * w..(iy as usize + 1) * w];
                    let grow = &g[ky * fw..(ky + 1) * fw];
                    for kx in (kx0..fw).step_by(up) {
                        let ix = (bx + kx as i64) / u;
                        if ix >= 0 && ix < w as i64 {
                            acc += grow[kx] * row[ix as usize];
                        }
                    }
                }
                dst[oy * ow + ox] = acc;
            }
        }
    });
    Ok(Tensor::from_vec(out, (n, c, oh, ow), x.device())?)
}
