//! `normalize_2nd_moment(x) = x · rsqrt(mean(x², dim) + eps)` (mapping-network input normalisation).

use candle_core::Tensor;

use crate::Result;

/// NVIDIA's epsilon.
pub const NORMALIZE_EPS: f64 = 1e-8;

/// Divides `x` by the root mean square over `dim` (NVIDIA uses `dim = 1`, `eps = 1e-8`).
pub fn normalize_2nd_moment(x: &Tensor, dim: usize, eps: f64) -> Result<Tensor> {
    let ms = x.sqr()?.mean_keepdim(dim)?;
    let scale = (ms + eps)?.sqrt()?.recip()?;
    Ok(x.broadcast_mul(&scale)?)
}
