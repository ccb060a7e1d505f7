//! `bias_act`: `y = clamp(act(x + b, alpha) · gain, −clamp, +clamp)` (`torch_utils/ops/bias_act.py`).
//!
//! The bias is broadcast along one dimension (1 = channels of NCHW, or features of `[N, F]`).
//! As NVIDIA's reference: the gain multiply is skipped when `gain == 1` and the clamp when there
//! is none (a negative clamp also means none).
//!
//! [`bias_act_ref`] is the reference, built from candle tensor ops (differentiable).
//! [`bias_act`] has the same signature and takes the fused single-pass CPU kernel
//! ([`super::bias_act_cpu`]) for float32 CPU tensors outside autograd graphs, else the reference.
//! Under an [`super::activation_tape`] (training's regularisers) the reference freezes the
//! leaky-ReLU and clamp patterns.

use candle_core::{DType, Tensor};

use crate::nn::config::Activation;
use crate::nn::ops::activation_tape;
use crate::nn::ops::bias_act_cpu::BiasActCpu;
use crate::{Error, Result};

/// Scale of SELU (`torch.nn.functional.selu`).
const SELU_SCALE: f64 = 1.050_700_987_355_480_5;
/// `torch.nn.functional.softplus` returns `x` itself above this threshold.
const SOFTPLUS_THRESHOLD: f64 = 20.0;

/// The parameters of one `bias_act` call. [`BiasAct::new`] takes NVIDIA's defaults for the
/// activation (`alpha`, `gain`), no clamp, bias along dimension 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BiasAct {
    pub act: Activation,
    /// Negative slope of `lrelu`; ELU's alpha for `elu`/`selu` (NVIDIA's code always uses
    /// PyTorch's fixed values there, which are the defaults).
    pub alpha: f64,
    pub gain: f64,
    /// Clamp to `[-clamp, clamp]` after the gain; `None` (or a negative value) clamps nothing.
    pub clamp: Option<f64>,
    /// The dimension of `x` the bias runs along.
    pub dim: usize,
}

impl BiasAct {
    pub fn new(act: Activation) -> Self {
        Self { act, alpha: act.default_alpha(), gain: act.default_gain(), clamp: None, dim: 1 }
    }
    pub fn with_gain(mut self, gain: f64) -> Self {
        self.gain = gain;
        self
    }
    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }
    pub fn with_clamp(mut self, clamp: Option<f64>) -> Self {
        self.clamp = clamp;
        self
    }
    pub fn with_dim(mut self, dim: usize) -> Self {
        self.dim = dim;
        self
    }
}

/// Applies bias, activation, gain and clamp (in that order): the fast path where it applies,
/// else [`bias_act_ref`].
pub fn bias_act(x: &Tensor, b: Option<&Tensor>, p: &BiasAct) -> Result<Tensor> {
    let fast = x.device().is_cpu()
        && !activation_tape::is_active()
        && x.dtype() == DType::F32
        && !x.track_op()
        && b.is_none_or(|b| !b.track_op() && b.device().is_cpu());
    if !fast {
        return bias_act_ref(x, b, p);
    }
    let rank = x.rank();
    let bias = match b {
        Some(b) => {
            if p.dim >= rank || b.dims() != [x.dim(p.dim)?] {
                return add_bias(x, b, p.dim); // the same error as the reference
            }
            b.to_dtype(DType::F32)?.to_vec1::<f32>()?
        }
        None => Vec::new(),
    };
    let inner: usize = x.dims().iter().skip(p.dim + 1).product();
    let op = BiasActCpu {
        act: p.act,
        alpha: p.alpha as f32,
        gain: (p.gain != 1.0).then_some(p.gain as f32),
        clamp: p.clamp.filter(|c| *c >= 0.0).map(|c| c as f32),
        bias,
        inner,
    };
    Ok(x.contiguous()?.apply_op1_no_bwd(&op)?)
}

/// The reference: bias, activation, gain and clamp (in that order) as NVIDIA's reference does,
/// from candle tensor ops.
pub fn bias_act_ref(x: &Tensor, b: Option<&Tensor>, p: &BiasAct) -> Result<Tensor> {
    let mut x = x.clone();
    if let Some(b) = b {
        x = add_bias(&x, b, p.dim)?;
    }
    // Under an activation tape (training's regularisers) the kink and clamp patterns are recorded or replayed.
    let taped = match p.act {
        Activation::Lrelu => activation_tape::leaky_relu(&x, p.alpha)?,
        Activation::Relu => activation_tape::leaky_relu(&x, 0.0)?,
        _ => None,
    };
    x = match taped {
        Some(y) => y,
        None => activate(&x, p.act, p.alpha)?,
    };
    if p.gain != 1.0 {
        x = x.affine(p.gain, 0.0)?;
    }
    if let Some(c) = p.clamp.filter(|c| *c >= 0.0) {
        x = match activation_tape::clamp(&x, c)? {
            Some(y) => y,
            None => x.clamp(-c, c)?,
        };
    }
    Ok(x)
}

/// `x + b` with `b [x.dim(dim)]` broadcast along `dim`.
fn add_bias(x: &Tensor, b: &Tensor, dim: usize) -> Result<Tensor> {
    let rank = x.rank();
    if dim >= rank || b.dims() != [x.dim(dim)?] {
        return Err(Error::Invalid(format!(
            "bias_act: bias of shape {:?} does not fit dimension {dim} of input {:?}",
            b.dims(),
            x.dims()
        )));
    }
    let mut shape = vec![1; rank];
    shape[dim] = x.dim(dim)?;
    let b = b.to_dtype(x.dtype())?.reshape(shape)?;
    Ok(x.broadcast_add(&b)?)
}

/// The nonlinearity alone, as PyTorch defines each.
pub fn activate(x: &Tensor, act: Activation, alpha: f64) -> Result<Tensor> {
    Ok(match act {
        Activation::Linear => x.clone(),
        Activation::Relu => x.relu()?,
        // `leaky_relu(x, a)`: x where x > 0, else a·x (valid for any slope, also a > 1).
        Activation::Lrelu => {
            let zeros = x.zeros_like()?;
            (x.maximum(&zeros)? + x.minimum(&zeros)?.affine(alpha, 0.0)?)?
        }
        Activation::Tanh => x.tanh()?,
        Activation::Sigmoid => candle_nn::ops::sigmoid(x)?,
        Activation::Elu => x.elu(alpha)?,
        Activation::Selu => x.elu(alpha)?.affine(SELU_SCALE, 0.0)?,
        Activation::Softplus => {
            // log(1 + exp(x)), and x itself above the threshold (PyTorch's default beta 1, threshold 20).
            let soft = (x.exp()? + 1.0)?.log()?;
            x.gt(SOFTPLUS_THRESHOLD)?.where_cond(x, &soft)?
        }
        Activation::Swish => (candle_nn::ops::sigmoid(x)? * x)?,
    })
}
