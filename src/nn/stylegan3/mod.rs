//! StyleGAN3 synthesis network (placeholder until the StyleGAN3 work lands).

pub mod builder;
pub mod init_rng;

use candle_core::{Device, Tensor};

use crate::nn::config::Sg3Config;
use crate::nn::generator::{SynthesisOptions, SynthesisOutput};
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug)]
pub struct Sg3Synthesis {}

impl Sg3Synthesis {
    pub fn new(_config: &Sg3Config, _weights: &Weights, _device: &Device) -> Result<Self> {
        Err(Error::Unsupported("StyleGAN3 synthesis is not implemented yet".into()))
    }
    pub fn forward(&self, _ws: &Tensor, _opts: &SynthesisOptions) -> Result<SynthesisOutput> {
        Err(Error::Unsupported("StyleGAN3 synthesis is not implemented yet".into()))
    }
}
