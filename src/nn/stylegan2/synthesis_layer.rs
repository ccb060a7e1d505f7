//! StyleGAN2 `SynthesisLayer` (`b{res}.conv0`, `b{res}.conv1`): modulated 3×3 convolution
//! (up-sampling ×2 in `conv0`), noise, bias, leaky ReLU with gain √2, clamp.

use candle_core::Tensor;

use crate::nn::config::Sg2LayerConfig;
use crate::nn::op_timer::{TimedOp, timed};
use crate::nn::ops::bias_act::{BiasAct, bias_act};
use crate::nn::ops::fully_connected::FullyConnectedLayer;
use crate::nn::ops::modulated_conv::{ModConv, modulated_conv2d};
use crate::nn::stylegan2::noise::NoiseSource;
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct SynthesisLayer {
    pub config: Sg2LayerConfig,
    /// `affine`: w → styles `[N, in_channels]`.
    pub affine: FullyConnectedLayer,
    /// `[out, in, k, k]`.
    pub weight: Tensor,
    /// `[out]`.
    pub bias: Tensor,
    /// `noise_strength` (0-dim) and `noise_const [res, res]`, when the layer uses noise.
    pub noise_strength: Option<Tensor>,
    pub noise_const: Option<Tensor>,
    /// `resample_filter` (needed for `up > 1`).
    pub resample_filter: Option<Tensor>,
}

impl SynthesisLayer {
    pub fn new(config: &Sg2LayerConfig, weights: &Weights, prefix: &str) -> Result<Self> {
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
        let (noise_strength, noise_const) = if config.use_noise {
            let r = config.resolution;
            (
                Some(weights.get(&format!("{prefix}.noise_strength"), &[])?),
                Some(weights.get(&format!("{prefix}.noise_const"), &[r, r])?),
            )
        } else {
            (None, None)
        };
        let resample_filter = weights.get_opt(&format!("{prefix}.resample_filter"));
        if config.up > 1 && resample_filter.is_none() {
            return Err(Error::MissingTensor(format!("{prefix}.resample_filter")));
        }
        Ok(Self { config: config.clone(), affine, weight, bias, noise_strength, noise_const, resample_filter })
    }

    /// `affine(w)`: the styles `[N, in_channels]`.
    pub fn styles(&self, w: &Tensor) -> Result<Tensor> {
        self.affine.forward(w)
    }

    /// `x [N, in, res/up, res/up]`, styles `[N, in]` → `[N, out, res, res]`. `gain` scales the
    /// activation gain and the clamp (resnet blocks pass √0.5 to `conv1`).
    pub fn forward(
        &self,
        x: &Tensor,
        styles: &Tensor,
        noise: &mut NoiseSource,
        gain: f64,
        fused: bool,
    ) -> Result<Tensor> {
        let c = &self.config;
        let n = x.dim(0)?;
        let noise = match (&self.noise_strength, noise.draw(n, c.resolution, self.noise_const.as_ref(), x.device())?) {
            (Some(strength), Some(raw)) => Some(raw.to_dtype(strength.dtype())?.broadcast_mul(strength)?),
            _ => None,
        };
        let p =
            ModConv { demodulate: true, up: c.up, down: 1, padding: c.padding as i64, flip_weight: c.up == 1, fused };
        let y = timed(TimedOp::ModConv, || {
            modulated_conv2d(x, &self.weight, styles, noise.as_ref(), self.resample_filter.as_ref(), &p)
        })?;
        let act = BiasAct::new(c.activation).with_gain(c.act_gain * gain).with_clamp(c.conv_clamp.map(|cl| cl * gain));
        bias_act(&y, Some(&self.bias), &act)
    }
}
