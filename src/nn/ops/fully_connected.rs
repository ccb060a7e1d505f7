//! The equalised-learning-rate `FullyConnectedLayer` of both generator families:
//! `y = act(x · (weight·weight_gain)ᵀ + bias·bias_gain)`.

use candle_core::Tensor;

use crate::nn::config::{Activation, FcConfig};
use crate::nn::ops::bias_act::{BiasAct, bias_act};
use crate::nn::weights::Weights;
use crate::{Error, Result};

/// The functional form: `x [N, in]`, `weight [out, in]`, `bias [out]` → `[N, out]`.
///
/// As NVIDIA's forward: the weight is scaled by `weight_gain` and the bias by `bias_gain` (when
/// not 1) before use; a linear layer adds the bias after the matrix product, any other
/// activation goes through [`bias_act`] with its default alpha and gain.
pub fn fully_connected(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    weight_gain: f64,
    bias_gain: f64,
    activation: Activation,
) -> Result<Tensor> {
    let (out_features, in_features) = weight.dims2()?;
    let x_in = x.dims().last().copied().unwrap_or(0);
    if x.rank() != 2 || x_in != in_features {
        return Err(Error::Invalid(format!(
            "fully connected layer {in_features}→{out_features}: input has shape {:?}",
            x.dims()
        )));
    }
    let w = weight.to_dtype(x.dtype())?.affine(weight_gain, 0.0)?;
    let b = match bias {
        Some(b) => {
            let b = b.to_dtype(x.dtype())?;
            Some(if bias_gain != 1.0 { b.affine(bias_gain, 0.0)? } else { b })
        }
        None => None,
    };
    let y = x.matmul(&w.t()?)?;
    match (activation, b) {
        (Activation::Linear, Some(b)) => Ok(y.broadcast_add(&b.unsqueeze(0)?)?),
        (act, b) => bias_act(&y, b.as_ref(), &BiasAct::new(act)),
    }
}

/// A `FullyConnectedLayer` with its tensors (`{prefix}.weight [out, in]`, `{prefix}.bias [out]`).
#[derive(Debug, Clone)]
pub struct FullyConnectedLayer {
    pub config: FcConfig,
    pub weight: Tensor,
    pub bias: Option<Tensor>,
}

impl FullyConnectedLayer {
    /// Looks up the layer's tensors under `prefix` (e.g. `mapping.fc0`), checking their shapes.
    pub fn new(config: &FcConfig, weights: &Weights, prefix: &str) -> Result<Self> {
        let weight = weights.get(&format!("{prefix}.weight"), &[config.out_features, config.in_features])?;
        let bias =
            if config.has_bias { Some(weights.get(&format!("{prefix}.bias"), &[config.out_features])?) } else { None };
        Ok(Self { config: config.clone(), weight, bias })
    }

    /// `x [N, in]` → `[N, out]`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let c = &self.config;
        fully_connected(x, &self.weight, self.bias.as_ref(), c.weight_gain, c.bias_gain, c.activation)
    }
}
