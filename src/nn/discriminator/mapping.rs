//! The discriminator's label mapping network: `normalize_2nd_moment(embed(c))` through the
//! fully connected layers `fc0 …` (no `w_avg`, no broadcast, no truncation).

use candle_core::{DType, Tensor};

use crate::nn::config::DiscriminatorMappingConfig;
use crate::nn::ops::fully_connected::FullyConnectedLayer;
use crate::nn::ops::normalize::{NORMALIZE_EPS, normalize_2nd_moment};
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct LabelMapping {
    pub config: DiscriminatorMappingConfig,
    pub embed: FullyConnectedLayer,
    pub layers: Vec<FullyConnectedLayer>,
}

impl LabelMapping {
    /// Looks up `{prefix}.embed.*` and `{prefix}.fc{i}.*`.
    pub fn new(config: &DiscriminatorMappingConfig, weights: &Weights, prefix: &str) -> Result<Self> {
        if config.embed.in_features != config.c_dim {
            return Err(Error::Format(format!(
                "{prefix}.embed takes {} features for c_dim {}",
                config.embed.in_features, config.c_dim
            )));
        }
        let embed = FullyConnectedLayer::new(&config.embed, weights, &format!("{prefix}.embed"))?;
        let mut width = config.embed.out_features;
        let mut layers = Vec::with_capacity(config.layers.len());
        for (i, fc) in config.layers.iter().enumerate() {
            if fc.in_features != width {
                return Err(Error::Format(format!(
                    "{prefix}.fc{i} takes {} features but receives {width}",
                    fc.in_features
                )));
            }
            width = fc.out_features;
            layers.push(FullyConnectedLayer::new(fc, weights, &format!("{prefix}.fc{i}"))?);
        }
        if width != config.cmap_dim {
            return Err(Error::Format(format!("{prefix} ends with {width} features, cmap_dim is {}", config.cmap_dim)));
        }
        Ok(Self { config: config.clone(), embed, layers })
    }

    /// `c [N, c_dim]` → `cmap [N, cmap_dim]` in the dtype `dtype`.
    pub fn forward(&self, c: &Tensor, dtype: DType) -> Result<Tensor> {
        let n = c.dims().first().copied().unwrap_or(0);
        if c.dims() != [n, self.config.c_dim] {
            return Err(Error::Invalid(format!(
                "class label c must have shape [N, {}], got {:?}",
                self.config.c_dim,
                c.dims()
            )));
        }
        let mut x = normalize_2nd_moment(&self.embed.forward(&c.to_dtype(dtype)?)?, 1, NORMALIZE_EPS)?;
        for layer in &self.layers {
            x = layer.forward(&x)?;
        }
        Ok(x)
    }
}
