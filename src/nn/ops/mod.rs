//! Tensor ops of NVIDIA's `torch_utils/ops`, each with a readable reference built from candle
//! tensor ops (so autograd can train through it) and, where speed needs it, a fast path behind
//! the same signature. Tests compare the two.
//!
//! | file | op |
//! |---|---|
//! | [`activation_tape`] | frozen leaky-ReLU/clamp patterns for training's finite-difference regularisers |
//! | [`bias_act`] | bias + nonlinearity + gain + clamp (`torch_utils/ops/bias_act.py`); fast CPU path in [`bias_act_cpu`] |
//! | [`upfirdn2d`] | upsample, FIR filter, downsample; `setup_filter`, `upsample2d`, `downsample2d`, `filter2d`; direct kernel with backward in [`upfirdn2d_cpu`] |
//! | [`filtered_lrelu`] | StyleGAN3's bias + up-sample + leaky ReLU + down-sample (`torch_utils/ops/filtered_lrelu.py`); fused CPU kernel in [`filtered_lrelu_cpu`], one autograd node with its backward in [`filtered_lrelu_grad`] |
//! | [`normalize`] | `normalize_2nd_moment` |
//! | [`fully_connected`] | the equalised-learning-rate `FullyConnectedLayer` |
//! | [`transposed_conv`] | transposed convolution: reference and polyphase fast path |
//! | [`conv2d_cpu`] | the CPU inference path of [`conv2d`]: shifted-view matrix products, no im2col |
//! | [`conv_im2col`] | `conv2d` as im2col + matrix products with a fast backward (the autograd path; [`conv2d`] dispatches) |
//! | [`conv2d_resample`] | convolution with FIR up/down-sampling (`torch_utils/ops/conv2d_resample.py`) |
//! | [`modulated_conv`] | StyleGAN2's modulated/demodulated convolution, fused and non-fused |
//! | [`conv2d_layer`] | the equalised-learning-rate `Conv2dLayer` |
//!
//! Everything computes in the dtype of its input (float32 for bit-faithful inference).

pub mod activation_tape;
pub mod bias_act;
pub mod bias_act_cpu;
pub mod conv2d_cpu;
pub mod conv2d_layer;
pub mod conv2d_resample;
pub mod conv_im2col;
pub mod filtered_lrelu;
pub mod filtered_lrelu_cpu;
pub mod filtered_lrelu_grad;
pub mod fully_connected;
pub mod modulated_conv;
pub mod normalize;
pub mod transposed_conv;
pub mod upfirdn2d;
pub mod upfirdn2d_cpu;

pub use bias_act::{BiasAct, bias_act, bias_act_ref};
pub use conv2d_layer::Conv2dLayer;
pub use conv2d_resample::{Resample, conv2d_resample};

use candle_core::{DType, Tensor};

/// PyTorch's `conv2d` with zero padding `[y, x]`: for float32 CPU inference with stride 1, the
/// shifted-view matrix products of [`conv2d_cpu`]; the im2col convolution ([`conv_im2col`], same
/// result, fast backward) when the input or the weight is part of an autograd graph; else
/// [`conv2d_ref`].
pub fn conv2d(x: &Tensor, w: &Tensor, padding: [usize; 2], stride: usize, groups: usize) -> crate::Result<Tensor> {
    let tracked = x.track_op() || w.track_op();
    if tracked && x.device().is_cpu() && matches!(x.dtype(), DType::F32 | DType::F64) {
        return conv_im2col::conv2d_im2col(x, w, padding, stride, groups);
    }
    if conv2d_cpu::applies(x, w, stride) {
        return conv2d_cpu::conv2d_cpu(x, w, padding, groups);
    }
    conv2d_ref(x, w, padding, stride, groups)
}

/// The reference of [`conv2d`]: candle's convolution.
pub fn conv2d_ref(x: &Tensor, w: &Tensor, padding: [usize; 2], stride: usize, groups: usize) -> crate::Result<Tensor> {
    if padding[0] == padding[1] {
        return Ok(x.conv2d(w, padding[0], stride, 1, groups)?);
    }
    let x = x.pad_with_zeros(2, padding[0], padding[0])?.pad_with_zeros(3, padding[1], padding[1])?;
    Ok(x.conv2d(w, 0, stride, 1, groups)?)
}
pub use fully_connected::{FullyConnectedLayer, fully_connected};
pub use modulated_conv::{ModConv, modulated_conv2d};
pub use normalize::normalize_2nd_moment;
pub use transposed_conv::{transposed_conv2d, transposed_conv2d_ref};
pub use upfirdn2d::{UpFirDn, downsample2d, filter2d, setup_filter, setup_filter_taps, upfirdn2d, upsample2d};
