//! A kh×kw convolution (correlation with zero padding) of one image as kh·kw accumulated matrix
//! products, with no im2col. The input is copied, zero-padded, into planes `wp = w + 2·pad_x`
//! wide (plus a little slack), and the output is computed on "wide" rows of `wp` samples, of
//! which the first `ow = wp − kw + 1` are valid. Tap `(ky, kx)` then reads, for every wide output
//! position `q = oy·wp + ox`, the padded input at `q + ky·wp + kx` — a plain strided view — so
//! each tap is one product `out[C_out, q] += W_tap[C_out, C_in] · view[C_in, q]`. The wrap-around
//! reads of the wide columns only feed the invalid columns, which are dropped when the band is
//! copied out.
//!
//! The image goes through in bands of output rows sized so that a band's padded input stays in
//! cache while the kh·kw products re-read it, and so that memory stays at the input and output
//! plus a few megabytes.

use rayon::prelude::*;

use crate::nn::kernels::gemm::{MatMut, MatRef, matmul};
use crate::nn::kernels::rows::padded;
use crate::{Error, Result};

/// Bytes of padded input per band (about a core's share of the last-level cache).
const BAND_BYTES: usize = 6 << 20;

/// Shape of one [`conv2d`] call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvShape {
    pub c_in: usize,
    pub c_out: usize,
    pub h: usize,
    pub w: usize,
    /// Kernel `[kh, kw]`.
    pub k: [usize; 2],
    /// Zero padding `[y, x]` on both sides.
    pub pad: [usize; 2],
}

impl ConvShape {
    /// A square `k×k` kernel with the same padding on every side.
    pub fn square(c_in: usize, c_out: usize, h: usize, w: usize, k: usize, pad: usize) -> Self {
        Self { c_in, c_out, h, w, k: [k, k], pad: [pad, pad] }
    }

    /// Output `[oh, ow]`: `h + 2·pad_y − kh + 1` by `w + 2·pad_x − kw + 1`.
    pub fn out_hw(&self) -> [usize; 2] {
        [
            (self.h + 2 * self.pad[0] + 1).saturating_sub(self.k[0]),
            (self.w + 2 * self.pad[1] + 1).saturating_sub(self.k[1]),
        ]
    }
}

/// `out[o, oy, ox] = Σ_{i,ky,kx} weight[o, i, ky, kx] · x[i, oy + ky − pad_y, ox + kx − pad_x]`
/// (zero outside `x`), `x [C_in, h, w]`, `weight [C_out, C_in, kh, kw]`, `out [C_out, oh, ow]`,
/// all row-major. Threads inside the products.
pub fn conv2d(x: &[f32], weight: &[f32], s: ConvShape, out: &mut [f32]) -> Result<()> {
    conv2d_banded(x, weight, s, out, BAND_BYTES)
}

fn conv2d_banded(x: &[f32], weight: &[f32], s: ConvShape, out: &mut [f32], band_bytes: usize) -> Result<()> {
    let ConvShape { c_in, c_out, h, w, k: [kh, kw], pad: [py, px] } = s;
    let [oh, ow] = s.out_hw();
    if kh == 0
        || kw == 0
        || oh == 0
        || ow == 0
        || x.len() != c_in * h * w
        || weight.len() != kh * kw * c_out * c_in
        || out.len() != c_out * oh * ow
    {
        return Err(Error::Invalid(format!(
            "shifted conv: {} inputs, {} weights, {} outputs for {s:?}",
            x.len(),
            weight.len(),
            out.len()
        )));
    }
    if kh == 1 && kw == 1 && py == 0 && px == 0 {
        // A plain product, straight from the input.
        let lhs = MatRef::row_major(weight, c_out, c_in);
        return matmul(MatMut::row_major(out, c_out, h * w), false, lhs, MatRef::row_major(x, c_in, h * w), true);
    }
    let wp = w + 2 * px;
    let band = (band_bytes / (4 * c_in * wp).max(1)).saturating_sub(kh - 1).clamp(1, oh);
    // Padded input rows of one band (band + kh − 1 rows per channel, plus slack for the last
    // taps' views), and the band's wide output.
    let plane = padded((band + kh - 1) * wp + kw);
    let mut xp = vec![0f32; c_in * plane];
    let mut wide = vec![0f32; c_out * band * wp];
    for y0 in (0..oh).step_by(band) {
        let rows = band.min(oh - y0);
        // Output row oy reads padded rows oy .. oy + kh − 1, i.e. input rows oy − pad_y ….
        xp.par_chunks_mut(plane).zip(x.par_chunks(h * w)).for_each(|(dst, src)| {
            for r in 0..rows + kh - 1 {
                let row = &mut dst[r * wp..(r + 1) * wp];
                let iy = (y0 + r) as i64 - py as i64;
                if iy < 0 || iy >= h as i64 {
                    row.fill(0.0);
                } else {
                    let iy = iy as usize;
                    row[..px].fill(0.0);
                    row[px..px + w].copy_from_slice(&src[iy * w..(iy + 1) * w]);
                    row[px + w..].fill(0.0);
                }
            }
        });
        let n = rows * wp;
        let taps = kh * kw;
        for ky in 0..kh {
            for kx in 0..kw {
                let t = ky * kw + kx;
                // W_tap[o, i] = weight[o, i, ky, kx].
                let lhs = MatRef {
                    data: weight,
                    offset: t,
                    rows: c_out,
                    cols: c_in,
                    row_stride: c_in * taps,
                    col_stride: taps,
                };
                let rhs =
                    MatRef { data: &xp, offset: ky * wp + kx, rows: c_in, cols: n, row_stride: plane, col_stride: 1 };
                let dst = MatMut { data: &mut wide, offset: 0, rows: c_out, cols: n, row_stride: n, col_stride: 1 };
                matmul(dst, t > 0, lhs, rhs, true)?;
            }
        }
        // Valid columns of the band into the output.
        out.par_chunks_mut(oh * ow).zip(wide.par_chunks(n)).for_each(|(dst, src)| {
            for r in 0..rows {
                dst[(y0 + r) * ow..(y0 + r + 1) * ow].copy_from_slice(&src[r * wp..r * wp + ow]);
            }
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct(x: &[f32], wt: &[f32], s: ConvShape) -> Vec<f32> {
        let ConvShape { c_in, c_out, h, w, k: [kh, kw], pad: [py, px] } = s;
        let [oh, ow] = s.out_hw();
        let mut out = vec![0f32; c_out * oh * ow];
        for o in 0..c_out {
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut acc = 0f32;
                    for i in 0..c_in {
                        for ky in 0..kh {
                            for kx in 0..kw {
                                let (iy, ix) = ((oy + ky) as i64 - py as i64, (ox + kx) as i64 - px as i64);
                                if iy >= 0 && ix >= 0 && (iy as usize) < h && (ix as usize) < w {
                                    acc += wt[((o * c_in + i) * kh + ky) * kw + kx]
                                        * x[(i * h + iy as usize) * w + ix as usize];
                                }
                            }
                        }
                    }
                    out[(o * oh + oy) * ow + ox] = acc;
                }
            }
        }
        out
    }

    #[test]
    fn shifted_products_equal_a_direct_zero_padded_correlation() {
        for s in [
            ConvShape::square(3, 4, 6, 7, 3, 2),
            ConvShape::square(5, 2, 9, 4, 3, 1),
            ConvShape::square(2, 3, 5, 5, 1, 0),
            ConvShape::square(2, 3, 4, 6, 2, 1),
            ConvShape { c_in: 3, c_out: 2, h: 5, w: 7, k: [2, 1], pad: [0, 1] },
            ConvShape { c_in: 4, c_out: 3, h: 6, w: 5, k: [1, 3], pad: [2, 0] },
        ] {
            let ConvShape { c_in, c_out, k: [kh, kw], .. } = s;
            let x: Vec<f32> = (0..c_in * s.h * s.w).map(|i| (i as f32 * 0.7).sin()).collect();
            let wt: Vec<f32> = (0..c_out * c_in * kh * kw).map(|i| (i as f32 * 0.3).cos()).collect();
            let [oh, ow] = s.out_hw();
            let want = direct(&x, &wt, s);
            // Whole image in one band, and bands of one and two rows.
            for band_bytes in [BAND_BYTES, 1, 4 * c_in * (s.w + 2 * s.pad[1]) * (kh + 1)] {
                let mut out = vec![f32::NAN; c_out * oh * ow];
                conv2d_banded(&x, &wt, s, &mut out, band_bytes).unwrap();
                for (i, (a, b)) in out.iter().zip(&want).enumerate() {
                    assert!((a - b).abs() < 1e-4, "{s:?} band {band_bytes} [{i}]: {a} vs {b}");
                }
            }
        }
    }
}
