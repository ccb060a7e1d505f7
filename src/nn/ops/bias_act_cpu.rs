//! The fast path of [`bias_act`](super::bias_act::bias_act) on the CPU: bias, activation, gain
//! and clamp in one pass over float32 data (the reference makes five or six passes, each a
//! synchronised parallel candle op). Same rounding as the reference for linear/relu/lrelu;
//! the transcendental activations agree to float rounding. Inference only: no backward (the
//! dispatcher uses the reference whenever a tensor is part of an autograd graph).

use candle_core::{CpuStorage, CustomOp1, Layout, Shape};
use rayon::prelude::*;

use crate::nn::config::Activation;

/// One fused `bias_act` over a contiguous float32 tensor; the bias runs along the dimension
/// whose inner block size (product of the later dimensions) is `inner`.
pub struct BiasActCpu {
    pub act: Activation,
    pub alpha: f32,
    pub gain: Option<f32>,
    pub clamp: Option<f32>,
    /// Bias values (empty: no bias) and the size of one bias channel's contiguous run.
    pub bias: Vec<f32>,
    pub inner: usize,
}

const SELU_SCALE: f32 = 1.050_701;

impl BiasActCpu {
    #[inline]
    fn apply(&self, x: f32) -> f32 {
        let a = self.alpha;
        let mut y = match self.act {
            Activation::Linear => x,
            Activation::Relu => x.max(0.0),
            Activation::Lrelu => {
                if x > 0.0 {
                    x
                } else {
                    x * a
                }
            }
            Activation::Tanh => x.tanh(),
            Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            Activation::Elu => {
                if x > 0.0 {
                    x
                } else {
                    a * (x.exp() - 1.0)
                }
            }
            Activation::Selu => SELU_SCALE * if x > 0.0 { x } else { a * (x.exp() - 1.0) },
            Activation::Softplus => {
                if x > 20.0 {
                    x
                } else {
                    (x.exp() + 1.0).ln()
                }
            }
            Activation::Swish => x / (1.0 + (-x).exp()),
        };
        if let Some(g) = self.gain {
            y *= g;
        }
        if let Some(c) = self.clamp {
            y = y.max(-c).min(c);
        }
        y
    }
}

impl CustomOp1 for BiasActCpu {
    fn name(&self) -> &'static str {
        "bias_act_cpu"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let CpuStorage::F32(data) = storage else {
            candle_core::bail!("bias_act_cpu: float32 only");
        };
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("bias_act_cpu: contiguous input only");
        };
        let src = &data[start..end];
        let mut out = vec![0f32; src.len()];
        if self.bias.is_empty() || self.inner == 0 {
            out.par_chunks_mut(1 << 14).zip(src.par_chunks(1 << 14)).for_each(|(o, s)| {
                for (o, s) in o.iter_mut().zip(s) {
                    *o = self.apply(*s);
                }
            });
        } else {
            let nb = self.bias.len();
            out.par_chunks_mut(self.inner).zip(src.par_chunks(self.inner)).enumerate().for_each(|(row, (o, s))| {
                let b = self.bias[row % nb];
                for (o, s) in o.iter_mut().zip(s) {
                    *o = self.apply(*s + b);
                }
            });
        }
        Ok((CpuStorage::F32(out), layout.shape().clone()))
    }
}
