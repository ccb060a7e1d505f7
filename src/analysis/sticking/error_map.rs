//! The equivariance error map `|G(t[z]) − t[G(z)]|` per pixel for one transform `t` (StyleGAN3),
//! with the references of the equivariance metrics (reference §1.6.3): a translation by whole
//! pixels is an exact shift (EQ-T), a fractional translation is Lanczos-3 resampling
//! (EQ-T_frac), anything else (rotations) goes through the band-limited affine resampler
//! (EQ-R's, `a = 3`, `amax = 6`). Errors count only where the reference is valid.

use candle_core::{DType, Tensor};

use crate::analysis::equivariance::{masked_sums, psnr_from_sums};
use crate::analysis::resample::{
    BandlimitFilter, apply_affine_transformation, apply_fractional_translation, apply_integer_translation,
};
use crate::analysis::sticking::float_image::FloatImage;
use crate::analysis::sticking::residual::IDENTITY;
use crate::nn::generator::{Generator, Mat3, SynthesisOptions};
use crate::progress::Monitor;
use crate::{Error, Result};

/// How the reference `t[G(z)]` was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceKind {
    /// Shift by whole pixels (exact).
    IntegerTranslation,
    /// Lanczos-3 translation.
    FractionalTranslation,
    /// Band-limited affine resampling.
    Affine,
}

impl ReferenceKind {
    /// The reference used for the forward transform `m` of a `w`×`h` image.
    pub fn for_transform(m: &Mat3, w: usize, h: usize) -> Self {
        let linear_is_identity = (0..2).all(|r| (0..2).all(|c| (m[r][c] - IDENTITY[r][c]).abs() < 1e-12));
        if !linear_is_identity {
            return Self::Affine;
        }
        let whole = |t: f64, n: usize| ((t * n as f64) - (t * n as f64).round()).abs() < 1e-6;
        if whole(m[0][2], w) && whole(m[1][2], h) { Self::IntegerTranslation } else { Self::FractionalTranslation }
    }
}

/// The images and the error map.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorMap {
    pub kind: ReferenceKind,
    /// `t[G(z)]`: the plain image transformed by resampling.
    pub reference: FloatImage,
    /// `G(t[z])`: the image generated with the transformed input.
    pub transformed: FloatImage,
    /// 1 where the reference is valid (`H×W`).
    pub mask: Vec<f32>,
    /// Per pixel, the channel mean of `|transformed − reference|`, zero outside the mask.
    pub heat: Vec<f32>,
    /// PSNR over the mask as the metrics compute it (dB, peak to peak 2; infinite when equal).
    pub psnr: f64,
}

/// The error map of `ws [1, num_ws, w_dim]` under the forward content transform `transform`.
pub fn equivariance_error_map(
    g: &Generator,
    ws: &Tensor,
    transform: &Mat3,
    synth: &SynthesisOptions,
    monitor: &dyn Monitor,
) -> Result<ErrorMap> {
    if !g.config().has_input_transform() {
        return Err(Error::Invalid(format!(
            "the equivariance error map needs a StyleGAN3 network (an input transform); this is a {} network",
            g.config().family_name()
        )));
    }
    let ws = ws.to_dtype(DType::F32)?;
    let run = |m: Mat3| -> Result<Tensor> {
        let opts = SynthesisOptions { input_transform: Some(m), ..synth.clone() };
        Ok(g.synthesis(&ws, &opts)?.image.narrow(0, 0, 1)?.to_dtype(DType::F32)?)
    };
    let orig = run(IDENTITY)?;
    monitor.set_fraction(0.4)?;
    let img = run(*transform)?;
    monitor.set_fraction(0.8)?;
    let (_, _, h, w) = orig.dims4()?;
    let kind = ReferenceKind::for_transform(transform, w, h);
    let (tx, ty) = (transform[0][2], transform[1][2]);
    let (reference, mask) = match kind {
        ReferenceKind::IntegerTranslation => apply_integer_translation(&orig, tx, ty)?,
        ReferenceKind::FractionalTranslation => apply_fractional_translation(&orig, tx, ty, 3)?,
        ReferenceKind::Affine => {
            let m32 = transform.map(|r| r.map(|v| v as f32));
            apply_affine_transformation(&orig, &m32, &BandlimitFilter { a: 3.0, amax: 6, ..Default::default() })?
        }
    };
    let sums = masked_sums(&reference, &img, &mask)?;
    let psnr = if sums[0] == 0.0 { f64::INFINITY } else { psnr_from_sums(&[sums]) };
    let reference = FloatImage::from_tensor(&reference, 0)?;
    let transformed = FloatImage::from_tensor(&img, 0)?;
    let mask = FloatImage::from_tensor(&mask, 0)?.plane(0).to_vec();
    let heat = transformed.abs_difference(&reference, Some(&mask))?;
    monitor.set_fraction(1.0)?;
    Ok(ErrorMap { kind, reference, transformed, mask, heat, psnr })
}
