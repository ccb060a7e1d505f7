//! `MappingNetwork` (placeholder until the StyleGAN2 work lands).

use candle_core::{Device, Tensor};

use crate::nn::config::MappingConfig;
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug)]
pub struct MappingNetwork {
    w_avg: Tensor,
}

impl MappingNetwork {
    pub fn new(config: &MappingConfig, weights: &Weights, prefix: &str, _device: &Device) -> Result<Self> {
        Ok(Self { w_avg: weights.get(&format!("{prefix}.w_avg"), &[config.w_dim])? })
    }
    pub fn w_avg(&self) -> &Tensor {
        &self.w_avg
    }
    pub fn forward(&self, _z: &Tensor, _c: Option<&Tensor>, _psi: f64, _cutoff: Option<usize>) -> Result<Tensor> {
        Err(Error::Unsupported("the mapping network is not implemented yet".into()))
    }
}
