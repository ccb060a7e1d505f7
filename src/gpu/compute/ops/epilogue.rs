//! The `bias_act` tail that the convolution and FIR kernels apply before they store a value.

use crate::gpu::compute::step::{b, f};
use crate::nn::config::Activation;
use crate::{Error, Result};

/// `v (+ noise·noise_gain) (+ bias)` → `act(v)·gain` → `clamp(v, ±clamp)` → `(+ residual)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Epilogue {
    pub activation: Activation,
    /// Negative slope of the leaky ReLU.
    pub alpha: f64,
    pub gain: f64,
    pub clamp: Option<f64>,
    pub bias: bool,
    pub noise: bool,
    pub residual: bool,
}

impl Epilogue {
    /// Stores the value as it is.
    pub fn identity() -> Self {
        Self {
            activation: Activation::Linear,
            alpha: 0.0,
            gain: 1.0,
            clamp: None,
            bias: false,
            noise: false,
            residual: false,
        }
    }

    /// `bias_act` with NVIDIA's defaults for `activation` (gain √2 and slope 0.2 for lrelu).
    pub fn bias_act(activation: Activation, clamp: Option<f64>) -> Self {
        Self {
            activation,
            alpha: activation.default_alpha(),
            gain: activation.default_gain(),
            clamp,
            bias: true,
            noise: false,
            residual: false,
        }
    }

    /// The kernels' activation code (0 linear, 1 leaky ReLU) and slope.
    pub(crate) fn act_code(activation: Activation, alpha: f64) -> Result<(u32, f64)> {
        match activation {
            Activation::Linear => Ok((0, 0.0)),
            Activation::Lrelu => Ok((1, alpha)),
            Activation::Relu => Ok((1, 0.0)),
            other => Err(Error::Unsupported(format!("activation `{}` in the GPU engine", other.name()))),
        }
    }

    /// Words `has_bias, has_noise, act, has_residual, alpha, gain, clamp` as the kernels declare them.
    pub(crate) fn words(&self) -> Result<[u32; 7]> {
        let (act, alpha) = Self::act_code(self.activation, self.alpha)?;
        Ok([b(self.bias), b(self.noise), act, b(self.residual), f(alpha), f(self.gain), f(self.clamp.unwrap_or(-1.0))])
    }
}
