//! The R1 penalty `(γ/2)·‖∇ₓD(x)‖²` on real images and its parameter gradient, without
//! second-order autograd (candle detaches gradients during `backward`).
//!
//! With `S(x; θ) = Σᵢ D(xᵢ)` (the minibatch is coupled through the minibatch standard deviation,
//! so the gradient is taken of the sum, as NVIDIA does) and `v = ∇ₓS` held fixed:
//!
//! `∇θ (γ/2)·mean_i ‖vᵢ‖² = (γ/N)·∇θ ⟨∇ₓS(x; θ), v⟩ = (γ/N)·∇θ ∂_v S(x; θ)`,
//!
//! and the directional derivative is a central difference,
//! `∂_v S ≈ (S(x + h·v) − S(x − h·v)) / 2h`, whose parameter gradient is ordinary first-order
//! backpropagation. The two perturbed passes reuse the leaky-ReLU and clamp patterns of the
//! unperturbed one ([`activation_tape`]): otherwise samples straddling a kink add the jump of the
//! slope divided by `2h`, which swamps the result (measured: 20× the true gradient at h = 1e-3).
//! With frozen patterns the difference converges to the exact (almost-everywhere) derivative that
//! PyTorch's double backpropagation computes. Cost: one backward with respect to the images, two
//! forward/backward passes with respect to the parameters. The step `h` moves the images by
//! [`R1_STEP`] of their RMS; `tests/train_gradients.rs` measures the error against exact references.

use candle_core::{Tensor, Var};

use crate::Result;
use crate::nn::config::DiscriminatorConfig;
use crate::nn::ops::activation_tape;
use crate::train::forward::{build_discriminator, mean_f64, run_discriminator};
use crate::train::params::ParamSet;

/// Relative size of the finite-difference step (of the images' RMS) used in training.
pub const R1_STEP: f64 = 3e-4;

/// Settings of one evaluation.
#[derive(Clone, Copy, Debug)]
pub struct R1Settings {
    /// The blur of D's inputs (StyleGAN3-R), part of the function being differentiated.
    pub blur_sigma: f64,
    pub gamma: f64,
    /// The lazy regularisation interval.
    pub gain: f64,
    /// The finite-difference step relative to the images' RMS ([`R1_STEP`]).
    pub step: f64,
}

/// The result of one R1 evaluation.
#[derive(Debug)]
pub struct R1 {
    /// `mean_i ‖∇ₓᵢ S‖²` (NVIDIA's `Loss/r1_penalty`).
    pub penalty: f64,
    /// A scalar whose gradient with respect to D's parameters is that of
    /// `(γ/2)·penalty·gain`; `None` when the penalty's gradient is zero.
    pub surrogate: Option<Tensor>,
}

/// `real [N, C, R, R]` (and labels) → the penalty and its gradient surrogate, with weight
/// `gamma·gain` (`gain` = the lazy regularisation interval).
pub fn r1(d: &ParamSet, config: &DiscriminatorConfig, real: &Tensor, c: Option<&Tensor>, r: R1Settings) -> Result<R1> {
    let R1Settings { blur_sigma, gamma, gain, step } = r;
    let n = real.dim(0)? as f64;
    // v = ∇ₓ Σ D(x), with D's parameters as constants.
    let d_fixed = build_discriminator(config, &d.detached())?;
    let x = Var::from_tensor(&real.detach())?;
    let tape = activation_tape::record();
    let s = run_discriminator(&d_fixed, x.as_tensor(), c, blur_sigma)?.sum_all()?;
    let patterns = tape.finish()?;
    let grads = s.backward()?;
    let v = match grads.get(x.as_tensor()) {
        Some(v) => v.detach(),
        None => return Ok(R1 { penalty: 0.0, surrogate: None }),
    };
    let per_sample = v.sqr()?.flatten_from(1)?.sum(1)?;
    let penalty = mean_f64(&per_sample)?;
    let v_rms = (penalty / (v.elem_count() as f64 / n)).sqrt();
    let x_rms = mean_f64(&real.sqr()?)?.sqrt().max(1e-3);
    if !(v_rms.is_finite() && v_rms > 0.0) || gamma == 0.0 {
        return Ok(R1 { penalty, surrogate: None });
    }
    let h = step * x_rms / v_rms;
    // (γ·gain/N) · (S(x + hv) − S(x − hv)) / 2h, differentiable in D's parameters.
    let d_train = build_discriminator(config, &d.tracked())?;
    let hv = v.affine(h, 0.0)?;
    let at = |x: &Tensor| -> Result<Tensor> {
        let tape = activation_tape::replay(&patterns);
        let s = run_discriminator(&d_train, x, c, blur_sigma)?.sum_all()?;
        tape.finish()?;
        Ok(s)
    };
    let plus = at(&(real + &hv)?)?;
    let minus = at(&(real - &hv)?)?;
    let surrogate = (plus - minus)?.affine(gamma * gain / (n * 2.0 * h), 0.0)?;
    Ok(R1 { penalty, surrogate: Some(surrogate) })
}
