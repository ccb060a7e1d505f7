//! Tensor ops of NVIDIA's `torch_utils/ops`, each with a readable reference built from candle
//! tensor ops (so autograd can train through it) and, where speed needs it, a fast path behind
//! the same signature. Tests compare the two.
//!
//! | file | op |
//! |---|---|
//! | [`bias_act`] | bias + nonlinearity + gain + clamp (`torch_utils/ops/bias_act.py`); fast CPU path in [`bias_act_cpu`] |
//! | [`upfirdn2d`] | upsample, FIR filter, downsample; `setup_filter`, `upsample2d`, `downsample2d`, `filter2d` |
//! | [`filtered_lrelu`] | StyleGAN3's bias + up-sample + leaky ReLU + down-sample (`torch_utils/ops/filtered_lrelu.py`); fused CPU kernel in [`filtered_lrelu_cpu`] |
//! | [`normalize`] | `normalize_2nd_moment` |
//! | [`fully_connected`] | the equalised-learning-rate `FullyConnectedLayer` |
//! | [`transposed_conv`] | transposed convolution: reference and polyphase fast path |
//! | [`conv2d_resample`] | convolution with FIR up/down-sampling (`torch_utils/ops/conv2d_resample.py`) |
//! | [`modulated_conv`] | StyleGAN2's modulated/demodulated convolution, fused and non-fused |
//! | [`conv2d_layer`] | the equalised-learning-rate `Conv2dLayer` |
//!
//! Everything computes in the dtype of its input (float32 for bit-faithful inference).

pub mod bias_act;
pub mod bias_act_cpu;
pub mod conv2d_layer;
pub mod conv2d_resample;
pub mod filtered_lrelu;
pub mod filtered_lrelu_cpu;
pub mod fully_connected;
pub mod modulated_conv;
pub mod normalize;
pub mod transposed_conv;
pub mod upfirdn2d;

pub use bias_act::{BiasAct, bias_act, bias_act_ref};
pub use conv2d_layer::Conv2dLayer;
pub use conv2d_resample::{Resample, conv2d_resample};
pub use fully_connected::{FullyConnectedLayer, fully_connected};
pub use modulated_conv::{ModConv, modulated_conv2d};
pub use normalize::normalize_2nd_moment;
pub use transposed_conv::{transposed_conv2d, transposed_conv2d_ref};
pub use upfirdn2d::{UpFirDn, downsample2d, filter2d, setup_filter, setup_filter_taps, upfirdn2d, upsample2d};
