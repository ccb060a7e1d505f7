//! The equalised-learning-rate `Conv2dLayer` (StyleGAN2's resnet skips and the discriminator):
//! `y = clamp(act(conv2d_resample(x, weight·weight_gain) + bias)·act_gain·gain, ±conv_clamp·gain)`.

use candle_core::Tensor;

use crate::nn::config::Conv2dConfig;
use crate::nn::ops::bias_act::{BiasAct, bias_act};
use crate::nn::ops::conv2d_resample::{Resample, conv2d_resample};
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct Conv2dLayer {
    pub config: Conv2dConfig,
    /// `[out, in, k, k]`.
    pub weight: Tensor,
    pub bias: Option<Tensor>,
    /// The FIR filter buffer (needed when resampling).
    pub resample_filter: Option<Tensor>,
}

impl Conv2dLayer {
    /// Looks up `{prefix}.weight`, `{prefix}.bias` (when configured) and `{prefix}.resample_filter`.
    pub fn new(config: &Conv2dConfig, weights: &Weights, prefix: &str) -> Result<Self> {
        let k = config.kernel_size;
        let weight = weights.get(&format!("{prefix}.weight"), &[config.out_channels, config.in_channels, k, k])?;
        let bias =
            if config.has_bias { Some(weights.get(&format!("{prefix}.bias"), &[config.out_channels])?) } else { None };
        let resample_filter = weights.get_opt(&format!("{prefix}.resample_filter"));
        if (config.up > 1 || config.down > 1) && resample_filter.is_none() {
            return Err(Error::MissingTensor(format!("{prefix}.resample_filter")));
        }
        Ok(Self { config: config.clone(), weight, bias, resample_filter })
    }

    /// `x [N, in, H, W]` → `[N, out, H·up/down, W·up/down]`; `gain` scales the activation gain
    /// and the clamp (NVIDIA's resnet blocks pass √0.5).
    pub fn forward(&self, x: &Tensor, gain: f64) -> Result<Tensor> {
        let c = &self.config;
        let w = self.weight.to_dtype(x.dtype())?.affine(c.weight_gain, 0.0)?;
        let p = Resample {
            up: c.up,
            down: c.down,
            padding: [c.padding as i64; 4],
            groups: 1,
            flip_weight: c.up == 1,
            flip_filter: false,
        };
        let y = conv2d_resample(x, &w, self.resample_filter.as_ref(), &p)?;
        let act = BiasAct::new(c.activation).with_gain(c.act_gain * gain).with_clamp(c.conv_clamp.map(|cl| cl * gain));
        bias_act(&y, self.bias.as_ref(), &act)
    }
}
