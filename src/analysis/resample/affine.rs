//! Band-limited affine resampling (`apply_affine_transformation`, reference §1.6.3 step 6) and the
//! rotations built on it: fractional rotation and pseudo-rotation (EQ-R), and the visualizer's
//! untransform.
//!
//! The image is up-sampled 4× with the [`BandlimitFilter`] for the map, then sampled bilinearly
//! through the map (`grid_sample`, zeros outside, `align_corners=False`). The mask samples, with
//! nearest neighbour through the same grid, an image of ones with a zero border of `2p+1`
//! up-sampled pixels (`p` the filter's half-size). Arithmetic follows PyTorch's float32 CPU
//! kernels so that masks agree pixel for pixel.

use candle_core::Tensor;

use crate::analysis::resample::bandlimit::BandlimitFilter;
use crate::analysis::resample::translate::{host, tensor};
use crate::analysis::resample::upsample::upsample2d_fast;
use crate::nn::ops::upfirdn2d::filter2d;
use crate::{Error, Result};

/// `rotation_matrix(angle)` (radians) in float32: `[[cos, sin, 0], [−sin, cos, 0], [0, 0, 1]]`.
pub fn rotation_matrix(angle: f64) -> [[f32; 3]; 3] {
    let a = angle as f32;
    let (s, c) = (a.sin(), a.cos());
    [[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]]
}

/// The inverse of a float32 3×3 matrix, computed in f64 and rounded to float32.
fn inverse_f32(m: &[[f32; 3]; 3]) -> Result<[[f32; 3]; 3]> {
    let m64 = m.map(|r| r.map(f64::from));
    Ok(crate::nn::stylegan3::transform::invert(&m64)?.map(|r| r.map(|v| v as f32)))
}

/// `torch.linspace(-1, 1, n) · (n−1)/n` in float32 (`affine_grid`, `align_corners=False`).
fn base_coords(n: usize) -> Vec<f32> {
    if n == 1 {
        return vec![0.0];
    }
    let step = 2.0f32 / (n - 1) as f32;
    (0..n)
        .map(|i| {
            let v = if i < n / 2 { -1.0 + step * i as f32 } else { 1.0 - step * (n - 1 - i) as f32 };
            v * (n - 1) as f32 / n as f32
        })
        .collect()
}

/// Sampling positions of `affine_grid(theta, [.., h, w])` followed by `grid_sample`'s
/// un-normalisation to pixel coordinates of an `ih × iw` input: `(x, y)` per output pixel.
fn sample_positions(theta: &[[f32; 3]; 2], h: usize, w: usize, ih: usize, iw: usize) -> Vec<(f32, f32)> {
    let (bx, by) = (base_coords(w), base_coords(h));
    let (sx, sy) = (iw as f32 / 2.0, ih as f32 / 2.0);
    let mut out = Vec::with_capacity(h * w);
    for &yb in &by {
        for &xb in &bx {
            let gx = xb * theta[0][0] + yb * theta[0][1] + theta[0][2];
            let gy = xb * theta[1][0] + yb * theta[1][1] + theta[1][2];
            out.push(((gx + 1.0) * sx - 0.5, (gy + 1.0) * sy - 0.5));
        }
    }
    out
}

/// Bilinear `grid_sample` with zero padding of one `ih × iw` plane at `pos`.
fn bilinear(plane: &[f32], ih: usize, iw: usize, pos: &[(f32, f32)], out: &mut [f32]) {
    let at = |y: i64, x: i64| -> f32 {
        if y >= 0 && x >= 0 && (y as usize) < ih && (x as usize) < iw {
            plane[y as usize * iw + x as usize]
        } else {
            0.0
        }
    };
    for (o, &(x, y)) in out.iter_mut().zip(pos) {
        let (xw, yn) = (x.floor(), y.floor());
        let (we, ns) = (x - xw, y - yn);
        let (e, s) = (1.0 - we, 1.0 - ns);
        let (nw, ne, sw, se) = (s * e, s * we, ns * e, ns * we);
        let (ix, iy) = (xw as i64, yn as i64);
        *o = at(iy, ix) * nw + at(iy, ix + 1) * ne + at(iy + 1, ix) * sw + at(iy + 1, ix + 1) * se;
    }
}

/// `apply_affine_transformation(x, mat, up)` with the filter parameters `filter` (its `up` is the
/// up-sampling factor): resamples `x [N, C, H, W]` so that the output at `p` shows the input at
/// `mat⁻¹·p`-ish coordinates as NVIDIA's code defines them. Returns `(image, mask)`.
pub fn apply_affine_transformation(
    x: &Tensor,
    mat: &[[f32; 3]; 3],
    filter: &BandlimitFilter,
) -> Result<(Tensor, Tensor)> {
    let (n, c, h, w) = x.dims4()?;
    let up = filter.up;
    let f = filter.tensor(mat, x.device())?;
    let size = filter.size();
    if size.is_multiple_of(2) {
        return Err(Error::Invalid(format!("band-limit filter of even size {size}")));
    }
    let p = size / 2;

    // Sampling grid: theta = mat⁻¹, translation ×2 plus half an up-sampled pixel, scaled to the
    // padded size of the up-sampled image.
    let inv = inverse_f32(mat)?;
    let mut theta = [inv[0], inv[1]];
    let (wf, hf) = (w as f64, h as f64);
    theta[0][2] = theta[0][2] * 2.0 + (1.0 / up as f64 / wf) as f32;
    theta[1][2] = theta[1][2] * 2.0 + (1.0 / up as f64 / hf) as f32;
    let (kx, ky) = ((wf / (wf + p as f64 / up as f64 * 2.0)) as f32, (hf / (hf + p as f64 * 2.0 / up as f64)) as f32);
    theta[0].iter_mut().for_each(|v| *v *= kx);
    theta[1].iter_mut().for_each(|v| *v *= ky);

    let pi = p as i64;
    let y = upsample2d_fast(x, Some(&f), up, [pi, pi, pi, pi], false, 1.0)?;
    let (_, _, yh, yw) = y.dims4()?;
    let pos = sample_positions(&theta, h, w, yh, yw);
    let (yv, _) = host(&y)?;
    let mut z = vec![0f32; n * c * h * w];
    for (plane, out) in z.chunks_exact_mut(h * w).enumerate() {
        bilinear(&yv[plane * yh * yw..(plane + 1) * yh * yw], yh, yw, &pos, out);
    }
    // Nearest-neighbour samples of ones with a zero border of 2p+1 pixels.
    let border = (2 * p + 1) as i64;
    let mask_plane: Vec<f32> = pos
        .iter()
        .map(|&(x, y)| {
            let (ix, iy) = (x.round_ties_even() as i64, y.round_ties_even() as i64);
            let inside = |v: i64, len: usize| v >= border && v < len as i64 - border;
            if inside(ix, yw) && inside(iy, yh) { 1.0 } else { 0.0 }
        })
        .collect();
    let mut m = Vec::with_capacity(n * c * h * w);
    for _ in 0..n * c {
        m.extend_from_slice(&mask_plane);
    }
    Ok((tensor(z, [n, c, h, w], x)?, tensor(m, [n, c, h, w], x)?))
}

/// `apply_fractional_rotation(x, angle, a=3)`: rotate the content by `angle` radians with the
/// band-limited resampler (`amax = 2a`).
pub fn apply_fractional_rotation(x: &Tensor, angle: f64, a: usize) -> Result<(Tensor, Tensor)> {
    let filter = BandlimitFilter { a: a as f64, amax: 2 * a, ..Default::default() };
    apply_affine_transformation(x, &rotation_matrix(angle), &filter)
}

/// `apply_fractional_pseudo_rotation(x, angle, a=3)`: no resampling, only the band limit of the
/// rotation `R(−angle)` (filter with `up = 1`, `amax = 2a`, same-size output). The mask is 1
/// except for a border of half the filter size.
pub fn apply_fractional_pseudo_rotation(x: &Tensor, angle: f64, a: usize) -> Result<(Tensor, Tensor)> {
    let filter = BandlimitFilter { a: a as f64, amax: 2 * a, up: 1, ..Default::default() };
    let f = filter.tensor(&rotation_matrix(-angle), x.device())?;
    let y = filter2d(x, Some(&f), [0; 4], false, 1.0)?;
    let (n, c, h, w) = y.dims4()?;
    let b = filter.size() / 2;
    let mut m = vec![0f32; n * c * h * w];
    if h > 2 * b && w > 2 * b {
        for plane in m.chunks_exact_mut(h * w) {
            for yy in b..h - b {
                plane[yy * w + b..yy * w + w - b].fill(1.0);
            }
        }
    }
    Ok((y, tensor(m, [n, c, h, w], x)?))
}
