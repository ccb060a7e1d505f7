//! The untransform residual (StyleGAN3): generate with an input transform, undo the transform
//! on the output with the visualizer's untransform (reference §1.2 step 7), and compare with the
//! image made without the transform. For a perfectly equivariant generator the untransformed
//! image equals the plain one; what remains is motion that should not exist.

use candle_core::{DType, Tensor};

use crate::analysis::resample::untransform;
use crate::analysis::sticking::float_image::FloatImage;
use crate::nn::generator::{Generator, Mat3, SynthesisOptions};
use crate::progress::Monitor;
use crate::{Error, Result};

/// The identity transform.
pub const IDENTITY: Mat3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

/// The images and the residual heatmap.
#[derive(Clone, Debug, PartialEq)]
pub struct Residual {
    /// `G(w)` with the identity transform.
    pub reference: FloatImage,
    /// `G(w)` with the transform.
    pub transformed: FloatImage,
    /// `transformed` resampled back into the untransformed frame.
    pub untransformed: FloatImage,
    /// 1 where the untransform's filter footprint lay inside the image (`H×W`).
    pub mask: Vec<f32>,
    /// Per pixel, the channel mean of `|untransformed − reference|`, zero outside the mask.
    pub heat: Vec<f32>,
    /// Mean of `heat` over the mask.
    pub mean: f64,
}

/// The residual of `ws [1, num_ws, w_dim]` under the forward content transform `transform`
/// (as `SynthesisOptions::input_transform`). Needs a StyleGAN3 network.
pub fn untransform_residual(
    g: &Generator,
    ws: &Tensor,
    transform: &Mat3,
    synth: &SynthesisOptions,
    monitor: &dyn Monitor,
) -> Result<Residual> {
    if !g.config().has_input_transform() {
        return Err(Error::Invalid(format!(
            "the untransform residual needs a StyleGAN3 network (an input transform); this is a {} network",
            g.config().family_name()
        )));
    }
    let ws = ws.to_dtype(DType::F32)?;
    let run = |m: Mat3| -> Result<Tensor> {
        let opts = SynthesisOptions { input_transform: Some(m), ..synth.clone() };
        Ok(g.synthesis(&ws, &opts)?.image.narrow(0, 0, 1)?)
    };
    let reference = run(IDENTITY)?;
    monitor.set_fraction(0.4)?;
    let transformed = run(*transform)?;
    monitor.set_fraction(0.8)?;
    let (back, mask) = untransform(&transformed, transform)?;
    let reference = FloatImage::from_tensor(&reference, 0)?;
    let untransformed = FloatImage::from_tensor(&back, 0)?;
    let mask = FloatImage::from_tensor(&mask, 0)?.plane(0).to_vec();
    let heat = untransformed.abs_difference(&reference, Some(&mask))?;
    let inside = mask.iter().map(|&m| m as f64).sum::<f64>();
    let mean = if inside > 0.0 { heat.iter().map(|&v| v as f64).sum::<f64>() / inside } else { 0.0 };
    monitor.set_fraction(1.0)?;
    Ok(Residual { reference, transformed: FloatImage::from_tensor(&transformed, 0)?, untransformed, mask, heat, mean })
}
