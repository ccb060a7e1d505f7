//! `DiscriminatorEpilogue` `b4`: (`fromrgb` in the `skip` architecture), minibatch standard
//! deviation, 3×3 `conv`, `fc` on the flattened features, `out`; conditional discriminators
//! project the output onto the mapped label: `Σ(out·cmap)/√cmap_dim`.

use candle_core::Tensor;

use crate::nn::config::{DiscriminatorEpilogueConfig, Sg2Architecture};
use crate::nn::discriminator::mbstd::minibatch_std;
use crate::nn::ops::conv2d_layer::Conv2dLayer;
use crate::nn::ops::fully_connected::FullyConnectedLayer;
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct DiscriminatorEpilogue {
    pub config: DiscriminatorEpilogueConfig,
    pub fromrgb: Option<Conv2dLayer>,
    pub conv: Conv2dLayer,
    pub fc: FullyConnectedLayer,
    pub out: FullyConnectedLayer,
}

impl DiscriminatorEpilogue {
    /// Looks up `{prefix}.fromrgb`, `{prefix}.conv`, `{prefix}.fc`, `{prefix}.out`.
    pub fn new(config: &DiscriminatorEpilogueConfig, weights: &Weights, prefix: &str) -> Result<Self> {
        let c = config;
        let r = c.resolution;
        let out_width = if c.cmap_dim == 0 { 1 } else { c.cmap_dim };
        let fits = c.conv.in_channels == c.in_channels + c.mbstd_num_channels
            && c.conv.out_channels == c.in_channels
            && c.fc.in_features == c.in_channels * r * r
            && c.out.in_features == c.fc.out_features
            && c.out.out_features == out_width;
        if !fits {
            return Err(Error::Format(format!(
                "{prefix}: the conv, fc and out layers do not fit {} channels at {r}²",
                c.in_channels
            )));
        }
        let fromrgb = match (&c.fromrgb, c.architecture) {
            (Some(f), Sg2Architecture::Skip) => Some(Conv2dLayer::new(f, weights, &format!("{prefix}.fromrgb"))?),
            (None, Sg2Architecture::Skip) => {
                return Err(Error::Format(format!("{prefix} is a skip epilogue without fromrgb")));
            }
            _ => None,
        };
        Ok(Self {
            config: c.clone(),
            fromrgb,
            conv: Conv2dLayer::new(&c.conv, weights, &format!("{prefix}.conv"))?,
            fc: FullyConnectedLayer::new(&c.fc, weights, &format!("{prefix}.fc"))?,
            out: FullyConnectedLayer::new(&c.out, weights, &format!("{prefix}.out"))?,
        })
    }

    /// `x [N, C, 4, 4]`, the image (skip architecture) and the mapped label → logits `[N, 1]`.
    pub fn forward(&self, x: &Tensor, img: Option<&Tensor>, cmap: Option<&Tensor>) -> Result<Tensor> {
        let c = &self.config;
        let mut x = x.clone();
        if let Some(fromrgb) = &self.fromrgb {
            let img = img.ok_or_else(|| Error::Invalid("the skip epilogue needs the image".into()))?;
            x = (x + fromrgb.forward(img, 1.0)?)?;
        }
        x = minibatch_std(&x, c.mbstd_group_size, c.mbstd_num_channels)?;
        x = self.conv.forward(&x, 1.0)?;
        x = self.fc.forward(&x.flatten_from(1)?)?;
        x = self.out.forward(&x)?;
        if c.cmap_dim > 0 {
            let cmap =
                cmap.ok_or_else(|| Error::Invalid("a conditional discriminator needs the mapped label".into()))?;
            let cmap = cmap.to_dtype(x.dtype())?;
            x = (x * cmap)?.sum_keepdim(1)?.affine(1.0 / (c.cmap_dim as f64).sqrt(), 0.0)?;
        }
        Ok(x)
    }
}
