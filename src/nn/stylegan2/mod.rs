//! StyleGAN2 synthesis network (placeholder until the StyleGAN2 work lands).

use candle_core::{Device, Tensor};

use crate::nn::config::Sg2Config;
use crate::nn::generator::{SynthesisOptions, SynthesisOutput};
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug)]
pub struct Sg2Synthesis {}

impl Sg2Synthesis {
    pub fn new(_config: &Sg2Config, _weights: &Weights, _device: &Device) -> Result<Self> {
        Err(Error::Unsupported("StyleGAN2 synthesis is not implemented yet".into()))
    }
    pub fn forward(&self, _ws: &Tensor, _opts: &SynthesisOptions) -> Result<SynthesisOutput> {
        Err(Error::Unsupported("StyleGAN2 synthesis is not implemented yet".into()))
    }
}
