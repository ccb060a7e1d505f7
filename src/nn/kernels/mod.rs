//! CPU kernels behind the fast paths of `nn::ops` and the generators (inference only).
//!
//! | file | content |
//! |---|---|
//! | [`dispatch`] | run-time choice of AVX-512 / AVX2+FMA / baseline code (`pulp`, no `unsafe`) |
//! | [`rows`] | weighted sums of shifted rows: every FIR pass |
//! | [`gemm`] | bounds-checked strided matrix products (the crate's only `unsafe`, around `gemm::gemm`) |
//! | [`shifted_conv`] | k×k convolution as k² accumulated products of shifted views of a padded image |

pub mod dispatch;
pub mod gemm;
pub mod rows;
pub mod shifted_conv;
