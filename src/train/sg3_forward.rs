//! StyleGAN3 synthesis with `update_emas` (NVIDIA's training forward): every layer first moves
//! its `magnitude_ema` toward the mean square of its input, then uses the updated gain.

use candle_core::Tensor;

use crate::nn::stylegan3::Sg3Synthesis;
use crate::train::forward::EmaUpdates;
use crate::{Error, Result};

pub fn synthesis_updating_emas(_s: &Sg3Synthesis, _ws: &Tensor, _ema: &mut EmaUpdates) -> Result<Tensor> {
    Err(Error::Unsupported("StyleGAN3 synthesis is not implemented yet".into()))
}
