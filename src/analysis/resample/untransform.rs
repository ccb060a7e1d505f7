//! The visualizer's "Untransform" (reference §1.2 step 7): resample a StyleGAN3 output made with a
//! user transform back into the untransformed frame, so that for a perfectly equivariant
//! generator the content stands still.

use candle_core::Tensor;

use crate::Result;
use crate::analysis::resample::affine::apply_affine_transformation;
use crate::analysis::resample::bandlimit::BandlimitFilter;
use crate::nn::generator::Mat3;
use crate::nn::stylegan3::transform::transform_buffer;

/// `_apply_affine_transformation(image, G.synthesis.input.transform, amax=6)` for an image made
/// with the forward content transform `input_transform` (the value of
/// `SynthesisOptions::input_transform`; the buffer is its float32 inverse). Returns the image and
/// its validity mask (1 where the whole filter footprint lay inside the image), both
/// `[N, C, H, W]`.
pub fn untransform(image: &Tensor, input_transform: &Mat3) -> Result<(Tensor, Tensor)> {
    let buffer = transform_buffer(input_transform)?;
    let filter = BandlimitFilter { amax: 6, ..Default::default() };
    apply_affine_transformation(&image.to_dtype(candle_core::DType::F32)?, &buffer, &filter)
}
