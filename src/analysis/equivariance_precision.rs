//! How much float32 rounding moves an equivariance batch's error sum: the batch computed twice
//! from the same draws, with the generator in float32 (as every run) and in float64 (weights cast
//! from float32, [`crate::checkpoint::Checkpoint::load_generator_f64`]), and the difference split
//! into its two terms.
//!
//! With `e` the float64 error image (`ref − img` under the mask) and `δ` what float32 adds to it,
//! `S32 − S64 = Σ (2·e·δ + δ²)·mask`. The cross term dominates where `e` is tiny (batches whose
//! transform the network follows almost exactly), and it is large when `δ` is spatially
//! correlated with `e`, which a white-noise estimate `2·rms(δ)/(rms(e)·√N)` misses.
//! `docs/equivariance-precision.md` has the numbers on the fixture networks.

use candle_core::{DType, Tensor};

use crate::analysis::equivariance::{EqKind, EquivarianceOptions, batch_terms};
use crate::analysis::equivariance_draws::BatchDraws;
use crate::nn::generator::Generator;
use crate::progress::Monitor;
use crate::{Error, Result};

/// One batch in float32 and in float64.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PrecisionRow {
    /// `Σ mask`.
    pub mask_sum: f64,
    /// `Σ (ref − img)²·mask` with the float32 generator (the metric's own number, products in
    /// float32 as [`crate::analysis::equivariance::masked_sums`]).
    pub s32: f64,
    /// The same with the float64 generator and float64 resampling (EQ-R: the rotated reference
    /// is resampled in float32, as the metric does, from the float64 image).
    pub s64: f64,
    /// `rms(e)`: `√(S64 / Σ mask)`.
    pub e_rms: f64,
    /// `rms(δ)` over the mask, `δ = e32 − e64`.
    pub delta_rms: f64,
    /// `Σ 2·e64·δ·mask / S64`.
    pub cross: f64,
    /// `Σ δ²·mask / S64`.
    pub quad: f64,
}

impl PrecisionRow {
    /// `(S32 − S64) / S64`: what float32 rounding did to the batch.
    pub fn rel_f32_f64(&self) -> f64 {
        (self.s32 - self.s64) / self.s64
    }

    /// The perturbation white noise of `rms(δ)`, uncorrelated with `e`, would cause on average:
    /// `2·rms(δ)/(rms(e)·√N) + rms(δ)²/rms(e)²`.
    pub fn white_noise_estimate(&self) -> f64 {
        let r = self.delta_rms / self.e_rms;
        2.0 * r / self.mask_sum.sqrt() + r * r
    }

    /// The most any `δ` of `rms(δ)` can cause (Cauchy–Schwarz): `2·r + r²`, `r = rms(δ)/rms(e)`.
    pub fn cauchy_schwarz_bound(&self) -> f64 {
        let r = self.delta_rms / self.e_rms;
        2.0 * r + r * r
    }
}

fn host(t: &Tensor) -> Result<Vec<f64>> {
    Ok(t.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?)
}

/// The batch `d` through `g32` (float32) and `g64` (the same network in float64).
pub fn compare_precision(
    g32: &Generator,
    g64: &Generator,
    kind: EqKind,
    d: &BatchDraws,
    opts: &EquivarianceOptions,
    monitor: &dyn Monitor,
) -> Result<PrecisionRow> {
    let config = g32.config();
    let device = g32.w_avg().device().clone();
    if g64.w_avg().dtype() != DType::F64 {
        return Err(Error::Invalid("compare_precision: the second generator must compute in float64".into()));
    }
    let z = d.z_tensor(config.z_dim(), &device)?;
    let c = d.labels(config.c_dim(), &device)?;
    let transform = kind.transform(&d.u, config.img_resolution(), opts)?;
    let errors = |g: &Generator| -> Result<(Vec<f64>, Vec<f64>)> {
        let ws = g.mapping(&z, c.as_ref(), 1.0, None)?;
        let (reference, img, mask) = batch_terms(g, kind, &ws, transform, monitor)?;
        let f32_products = g.w_avg().dtype() != DType::F64;
        let (r, i) = (host(&reference)?, host(&img)?);
        // The float32 run's error as the metric squares it: the difference in float32.
        let e = r
            .iter()
            .zip(&i)
            .map(|(&r, &i)| if f32_products { f64::from(r as f32 - i as f32) } else { r - i })
            .collect();
        Ok((e, host(&mask)?))
    };
    let (e32, mask) = errors(g32)?;
    let (e64, mask64) = errors(g64)?;
    if mask != mask64 {
        return Err(Error::Invalid("compare_precision: the float32 and float64 masks differ".into()));
    }
    let (mut s32, mut s64, mut dd, mut cross, mut n) = (0f64, 0f64, 0f64, 0f64, 0f64);
    for ((&a, &b), &m) in e32.iter().zip(&e64).zip(&mask) {
        let delta = a - b;
        s32 += f64::from(a as f32 * a as f32 * m as f32);
        s64 += b * b * m;
        dd += delta * delta * m;
        cross += 2.0 * b * delta * m;
        n += m;
    }
    Ok(PrecisionRow {
        mask_sum: n,
        s32,
        s64,
        e_rms: (s64 / n).sqrt(),
        delta_rms: (dd / n).sqrt(),
        cross: cross / s64,
        quad: dd / s64,
    })
}
