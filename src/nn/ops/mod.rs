//! Tensor ops of NVIDIA's `torch_utils/ops`, each with a readable reference built from candle
//! tensor ops (so autograd can train through it) and, where speed needs it, a fast path behind
//! the same signature. Tests compare the two.
//!
//! | file | op |
//! |---|---|
//! | [`bias_act`] | bias + nonlinearity + gain + clamp (`torch_utils/ops/bias_act.py`) |
//! | [`upfirdn2d`] | upsample, FIR filter, downsample; `setup_filter`, `upsample2d`, `downsample2d`, `filter2d` |
//! | [`filtered_lrelu`] | StyleGAN3's bias + up-sample + leaky ReLU + down-sample (`torch_utils/ops/filtered_lrelu.py`) |
//! | [`normalize`] | `normalize_2nd_moment` |
//! | [`fully_connected`] | the equalised-learning-rate `FullyConnectedLayer` |
//!
//! Everything computes in the dtype of its input (float32 for bit-faithful inference).

pub mod bias_act;
pub mod filtered_lrelu;
pub mod fully_connected;
pub mod normalize;
pub mod upfirdn2d;

pub use bias_act::{BiasAct, bias_act};
pub use fully_connected::{FullyConnectedLayer, fully_connected};
pub use normalize::normalize_2nd_moment;
pub use upfirdn2d::{UpFirDn, downsample2d, filter2d, setup_filter, setup_filter_taps, upfirdn2d, upsample2d};
