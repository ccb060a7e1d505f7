//! The equivariance metrics EQ-T, EQ-T_frac and EQ-R (`metrics/equivariance.py`, reference
//! §1.6.3), on the shared band-limited resampler ([`crate::analysis::resample`]).
//!
//! Per batch of `B` latents (psi = 1, StyleGAN3's input transform set explicitly):
//! 1. `orig = synthesis(ws)` with the identity transform;
//! 2. one transform for the whole batch from the batch's uniforms ([`EqKind::transform`]);
//! 3. `img = synthesis(ws)` with that transform;
//! 4. the reference and its validity mask: `orig` translated by whole pixels (EQ-T), translated
//!    with Lanczos-3 (EQ-T_frac), or rotated with the band-limited affine resampler and compared
//!    with the pseudo-rotated `img` under the product of both masks (EQ-R);
//! 5. the sums `[Σ (ref − img)²·mask, Σ mask]` (float32 products summed in float64).
//!
//! The result is `PSNR = 20·log10(2) − 10·log10(Σ err / Σ mask)` over all batches (dB, peak to
//! peak 2). The random numbers come from [`Draws`]: seeded, or replayed from another run.

use candle_core::Tensor;

use crate::analysis::equivariance_draws::Draws;
use crate::analysis::resample::{
    apply_fractional_pseudo_rotation, apply_fractional_rotation, apply_fractional_translation,
    apply_integer_translation, rotation_matrix,
};
use crate::nn::generator::{Generator, Mat3, SynthesisOptions};
use crate::nn::stylegan3::transform::invert;
use crate::progress::Monitor;
use crate::{Error, Result};

/// NVIDIA's message for a generator without an input transform.
pub const NO_INPUT_TRANSFORM: &str =
    "Cannot compute equivariance metrics; the given generator does not support user-specified image transformations";

/// Which equivariance is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EqKind {
    /// EQ-T: translation by whole pixels.
    IntegerTranslation,
    /// EQ-T_frac: sub-pixel translation, reference by Lanczos-3 resampling.
    FractionalTranslation,
    /// EQ-R: rotation, reference by band-limited affine resampling, compared after pseudo-rotation.
    Rotation,
}

/// The transform of one batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BatchTransform {
    /// Content moves by `t` (image units), float32 as NVIDIA computes it.
    Translate([f32; 2]),
    /// Content rotates by `angle` radians (float32).
    Rotate(f32),
}

/// Run settings (NVIDIA's defaults: 50,000 samples in batches of 4, `translate_max = 0.125`,
/// `rotate_max = 1`, i.e. ±180°).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EquivarianceOptions {
    pub num_samples: usize,
    pub batch_size: usize,
    pub translate_max: f64,
    pub rotate_max: f64,
}

impl Default for EquivarianceOptions {
    fn default() -> Self {
        Self { num_samples: 50_000, batch_size: 4, translate_max: 0.125, rotate_max: 1.0 }
    }
}

impl EquivarianceOptions {
    /// Batches run: NVIDIA's loop steps over `num_samples` in whole batches, so the last batch
    /// is not cut.
    pub fn num_batches(&self) -> usize {
        self.num_samples.div_ceil(self.batch_size.max(1))
    }
}

/// The sums of a run, per batch, and its PSNR.
#[derive(Clone, Debug, PartialEq)]
pub struct EquivarianceOutcome {
    pub kind: EqKind,
    /// `[Σ (ref − img)²·mask, Σ mask]` of each batch.
    pub batch_sums: Vec<[f64; 2]>,
    /// Samples evaluated (whole batches).
    pub samples: usize,
}

impl EquivarianceOutcome {
    /// The metric over all batches, in dB.
    pub fn psnr(&self) -> f64 {
        psnr_from_sums(&self.batch_sums)
    }
}

/// `20·log10(2) − 10·log10(Σ err / Σ mask)`.
pub fn psnr_from_sums(sums: &[[f64; 2]]) -> f64 {
    let (err, mask) = sums.iter().fold((0f64, 0f64), |(e, m), s| (e + s[0], m + s[1]));
    20.0 * 2f64.log10() - 10.0 * (err / mask).log10()
}

const IDENTITY: Mat3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

impl EqKind {
    /// Uniforms drawn per batch.
    pub fn uniforms_per_batch(self) -> usize {
        match self {
            Self::IntegerTranslation | Self::FractionalTranslation => 2,
            Self::Rotation => 1,
        }
    }

    /// The fixtures' short name (`eqt_int`, `eqt_frac`, `eqr`).
    pub fn short_name(self) -> &'static str {
        match self {
            Self::IntegerTranslation => "eqt_int",
            Self::FractionalTranslation => "eqt_frac",
            Self::Rotation => "eqr",
        }
    }

    /// The batch's transform from its uniforms `u`, in float32 as NVIDIA computes it:
    /// `t = (u·2 − 1)·translate_max`, for EQ-T rounded to whole pixels `round(t·res)/res` (ties
    /// to even); `angle = (u·2 − 1)·(rotate_max·π)`.
    pub fn transform(self, u: &[f32], resolution: usize, opts: &EquivarianceOptions) -> Result<BatchTransform> {
        if u.len() != self.uniforms_per_batch() {
            return Err(Error::Invalid(format!(
                "{} needs {} uniforms per batch, got {}",
                self.short_name(),
                self.uniforms_per_batch(),
                u.len()
            )));
        }
        let tmax = opts.translate_max as f32;
        Ok(match self {
            Self::IntegerTranslation => {
                let res = resolution as f32;
                let t = [(u[0] * 2.0 - 1.0) * tmax, (u[1] * 2.0 - 1.0) * tmax];
                BatchTransform::Translate(t.map(|v| (v * res).round_ties_even() / res))
            }
            Self::FractionalTranslation => {
                BatchTransform::Translate([(u[0] * 2.0 - 1.0) * tmax, (u[1] * 2.0 - 1.0) * tmax])
            }
            Self::Rotation => {
                BatchTransform::Rotate((u[0] * 2.0 - 1.0) * ((opts.rotate_max * std::f64::consts::PI) as f32))
            }
        })
    }
}

impl BatchTransform {
    /// The forward content transform for [`SynthesisOptions::input_transform`] whose float32
    /// buffer is exactly what NVIDIA writes: `I` with `[:2, 2] = −t`, or `rotation_matrix(−angle)`.
    pub fn input_transform(&self) -> Result<Mat3> {
        match *self {
            Self::Translate([tx, ty]) => Ok([[1.0, 0.0, tx as f64], [0.0, 1.0, ty as f64], [0.0, 0.0, 1.0]]),
            Self::Rotate(angle) => {
                let buffer = rotation_matrix(-(angle as f64));
                invert(&buffer.map(|r| r.map(f64::from)))
            }
        }
    }
}

/// `[Σ (ref − img)²·mask, Σ mask]`: products in float32, sums in float64.
pub fn masked_sums(reference: &Tensor, img: &Tensor, mask: &Tensor) -> Result<[f64; 2]> {
    let host =
        |t: &Tensor| -> Result<Vec<f32>> { Ok(t.to_dtype(candle_core::DType::F32)?.flatten_all()?.to_vec1::<f32>()?) };
    let (r, i, m) = (host(reference)?, host(img)?, host(mask)?);
    if r.len() != i.len() || r.len() != m.len() {
        return Err(Error::Invalid(format!("masked_sums: sizes {} / {} / {}", r.len(), i.len(), m.len())));
    }
    let mut s = [0f64; 2];
    for ((&r, &i), &m) in r.iter().zip(&i).zip(&m) {
        let d = r - i;
        s[0] += (d * d * m) as f64;
        s[1] += m as f64;
    }
    Ok(s)
}

/// The sums of one batch: `ws` `[B, num_ws, w_dim]`, the batch's transform.
pub fn batch_sums(
    g: &Generator,
    kind: EqKind,
    ws: &Tensor,
    transform: BatchTransform,
    monitor: &dyn Monitor,
) -> Result<[f64; 2]> {
    let synth = |m: Mat3| -> Result<Tensor> {
        let opts = SynthesisOptions { input_transform: Some(m), ..Default::default() };
        Ok(g.synthesis(ws, &opts)?.image)
    };
    let orig = synth(IDENTITY)?;
    monitor.check()?;
    let img = synth(transform.input_transform()?)?;
    monitor.check()?;
    match (kind, transform) {
        (EqKind::IntegerTranslation, BatchTransform::Translate([tx, ty])) => {
            let (reference, mask) = apply_integer_translation(&orig, tx as f64, ty as f64)?;
            masked_sums(&reference, &img, &mask)
        }
        (EqKind::FractionalTranslation, BatchTransform::Translate([tx, ty])) => {
            let (reference, mask) = apply_fractional_translation(&orig, tx as f64, ty as f64, 3)?;
            masked_sums(&reference, &img, &mask)
        }
        (EqKind::Rotation, BatchTransform::Rotate(angle)) => {
            let (reference, ref_mask) = apply_fractional_rotation(&orig, angle as f64, 3)?;
            monitor.check()?;
            let (pseudo, pseudo_mask) = apply_fractional_pseudo_rotation(&img, angle as f64, 3)?;
            masked_sums(&reference, &pseudo, &(ref_mask * pseudo_mask)?)
        }
        (kind, t) => Err(Error::Invalid(format!("{} cannot use the transform {t:?}", kind.short_name()))),
    }
}

/// Runs one equivariance metric: `opts.num_batches()` batches from `draws`, progress per batch
/// through `monitor` (which also cancels). A StyleGAN2 generator is refused with NVIDIA's message.
pub fn compute_equivariance(
    g: &Generator,
    kind: EqKind,
    draws: &mut Draws,
    opts: &EquivarianceOptions,
    monitor: &dyn Monitor,
) -> Result<EquivarianceOutcome> {
    let config = g.config();
    if !config.has_input_transform() {
        return Err(Error::Unsupported(format!(
            "{NO_INPUT_TRANSFORM} (the metric needs a StyleGAN3 input transform; this is a {} network)",
            config.family_name()
        )));
    }
    if opts.batch_size == 0 || opts.num_samples == 0 {
        return Err(Error::Invalid("the number of samples and the batch size must be at least 1".into()));
    }
    if !(opts.translate_max.is_finite() && opts.rotate_max.is_finite()) {
        return Err(Error::Invalid("translate_max and rotate_max must be finite".into()));
    }
    let device = g.w_avg().device().clone();
    let (z_dim, c_dim) = (config.z_dim(), config.c_dim());
    let batches = opts.num_batches();
    let mut batch_sums_all = Vec::with_capacity(batches);
    monitor.set_count(0, batches as u64)?;
    for b in 0..batches {
        let d = draws.next_batch(opts.batch_size, z_dim, c_dim, kind.uniforms_per_batch())?;
        let z = d.z_tensor(z_dim, &device)?;
        let c = d.labels(c_dim, &device)?;
        let ws = g.mapping(&z, c.as_ref(), 1.0, None)?;
        let transform = kind.transform(&d.u, config.img_resolution(), opts)?;
        batch_sums_all.push(batch_sums(g, kind, &ws, transform, monitor)?);
        monitor.set_count(b as u64 + 1, batches as u64)?;
    }
    Ok(EquivarianceOutcome { kind, batch_sums: batch_sums_all, samples: batches * opts.batch_size })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::stylegan3::transform::transform_buffer;

    #[test]
    fn transforms_follow_nvidia_float32_recipe() {
        let o = EquivarianceOptions::default();
        // u = 0.75 → t = 0.0625 exactly; ·64 = 4 pixels.
        assert_eq!(
            EqKind::IntegerTranslation.transform(&[0.75, 0.25], 64, &o).unwrap(),
            BatchTransform::Translate([0.0625, -0.0625])
        );
        // 0.1·64 = 6.4 → 6 pixels.
        let u = (0.1f32 / 0.125 + 1.0) / 2.0;
        let BatchTransform::Translate(t) = EqKind::IntegerTranslation.transform(&[u, 0.5], 64, &o).unwrap() else {
            panic!()
        };
        assert_eq!(t, [6.0 / 64.0, 0.0]);
        assert_eq!(EqKind::Rotation.transform(&[1.0], 64, &o).unwrap(), BatchTransform::Rotate(std::f32::consts::PI));
        assert!(EqKind::Rotation.transform(&[0.1, 0.2], 64, &o).is_err());
        assert_eq!(o.num_batches(), 12_500);
        assert_eq!(EquivarianceOptions { num_samples: 9, ..o }.num_batches(), 3);
    }

    #[test]
    fn the_generator_gets_exactly_nvidias_buffers() {
        let t = BatchTransform::Translate([0.1, -0.03125]).input_transform().unwrap();
        assert_eq!(transform_buffer(&t).unwrap(), [[1.0, 0.0, -0.1], [0.0, 1.0, 0.03125], [0.0, 0.0, 1.0]]);
        // rotation_matrix(−angle) in float32, for many angles across ±π.
        for k in 0..=2000 {
            let angle = (k as f32 / 1000.0 - 1.0) * std::f32::consts::PI;
            let m = BatchTransform::Rotate(angle).input_transform().unwrap();
            assert_eq!(transform_buffer(&m).unwrap(), rotation_matrix(-(angle as f64)), "angle {angle}");
        }
    }

    #[test]
    fn psnr_uses_peak_to_peak_two() {
        // MSE 4 → 0 dB; MSE 1e-4 → 20·log10(2) + 40.
        assert!((psnr_from_sums(&[[8.0, 1.0], [0.0, 1.0]]) - 0.0).abs() < 1e-12);
        assert!((psnr_from_sums(&[[1e-4, 1.0]]) - (20.0 * 2f64.log10() + 40.0)).abs() < 1e-9);
        let t = Tensor::new(&[1f32, 2.0, 3.0], &candle_core::Device::Cpu).unwrap();
        let z = Tensor::new(&[0f32, 0.0, 1.0], &candle_core::Device::Cpu).unwrap();
        let m = Tensor::new(&[1f32, 0.0, 1.0], &candle_core::Device::Cpu).unwrap();
        assert_eq!(masked_sums(&t, &z, &m).unwrap(), [5.0, 2.0]);
    }
}
