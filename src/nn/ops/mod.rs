//! Tensor ops of NVIDIA's `torch_utils/ops`, each with a readable reference built from candle
//! tensor ops (so autograd can train through it) and, where speed needs it, a fast path behind
//! the same signature. Tests compare the two.
