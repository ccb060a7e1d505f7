//! StyleGAN2 `ToRGBLayer`: modulated 1×1 convolution without demodulation, bias, clamp.

use candle_core::Tensor;

use crate::nn::config::{Activation, Sg2ToRgbConfig};
use crate::nn::op_timer::{TimedOp, timed};
use crate::nn::ops::bias_act::{BiasAct, bias_act};
use crate::nn::ops::fully_connected::FullyConnectedLayer;
use crate::nn::ops::modulated_conv::{ModConv, modulated_conv2d};
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct ToRgbLayer {
    pub config: Sg2ToRgbConfig,
    pub affine: FullyConnectedLayer,
    /// `[img_channels, in, k, k]`.
    pub weight: Tensor,
    /// `[img_channels]`.
    pub bias: Tensor,
}

impl ToRgbLayer {
    pub fn new(config: &Sg2ToRgbConfig, weights: &Weights, prefix: &str) -> Result<Self> {
        let k = config.kernel_size;
        let affine = FullyConnectedLayer::new(&config.affine, weights, &format!("{prefix}.affine"))?;
        if config.affine.out_features != config.in_channels {
            return Err(Error::Format(format!(
                "{prefix}.affine gives {} styles for {} input channels",
                config.affine.out_features, config.in_channels
            )));
        }
        let weight = weights.get(&format!("{prefix}.weight"), &[config.out_channels, config.in_channels, k, k])?;
        let bias = weights.get(&format!("{prefix}.bias"), &[config.out_channels])?;
        Ok(Self { config: config.clone(), affine, weight, bias })
    }

    /// `affine(w)` (before the layer's `weight_gain`), `[N, in_channels]`.
    pub fn styles(&self, w: &Tensor) -> Result<Tensor> {
        self.affine.forward(w)
    }

    /// `x [N, in, R, R]` and the affine output → `[N, img_channels, R, R]`.
    pub fn forward(&self, x: &Tensor, styles: &Tensor, fused: bool) -> Result<Tensor> {
        let styles = styles.affine(self.config.weight_gain, 0.0)?;
        let p = ModConv { demodulate: false, up: 1, down: 1, padding: 0, flip_weight: true, fused };
        let y = timed(TimedOp::ModConv, || modulated_conv2d(x, &self.weight, &styles, None, None, &p))?;
        bias_act(&y, Some(&self.bias), &BiasAct::new(Activation::Linear).with_clamp(self.config.conv_clamp))
    }
}
