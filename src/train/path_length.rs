//! Path-length regularisation (StyleGAN2) without second-order autograd.
//!
//! NVIDIA's definition: for ws from the mapping network (with style mixing) and images
//! `G(ws)`, `y ~ N(0, 1)/√(H·W)`, `g = ∇_ws ⟨G(ws), y⟩` (`[N, num_ws, w_dim]`),
//! `Lᵢ = √(mean_rows ‖gᵢ‖²)`, `μ ← μ + decay·(mean(L) − μ)` (with gradient through `mean(L)`),
//! loss `= w·mean_i (Lᵢ − μ)²`.
//!
//! Its parameter gradient: `∂loss/∂Lⱼ = aⱼ = (2w/N)·[(Lⱼ − μ) − (decay/N)·Σᵢ(Lᵢ − μ)]` and
//! `∇θ Lⱼ = ∇θ ⟨gⱼ, gⱼ/(num_ws·Lⱼ)⟩` with the right factor held fixed, so with
//! `V = aⱼ·gⱼ/(num_ws·Lⱼ)` (fixed) and `F(ws; θ) = ⟨G(ws; θ), y⟩`:
//! `∇θ loss = ∇θ ∂_V F(ws(θ); θ) ≈ ∇θ (F(ws + hV) − F(ws − hV)) / 2h`, where `ws(θ)` stays
//! differentiable in the mapping network's parameters (its gradient is the second derivative of
//! `F` along `V` times `∂ws/∂θ`, which the central difference also gives). As for R1 the
//! perturbed syntheses reuse the leaky-ReLU and clamp patterns of the unperturbed one
//! ([`activation_tape`]), so the difference converges to the exact derivative. The step moves ws
//! by [`PL_STEP`] of their RMS.

use candle_core::{D, Tensor, Var};

use crate::Result;
use crate::nn::config::GeneratorConfig;
use crate::nn::ops::activation_tape;
use crate::train::forward::{GenInputs, build_generator, mean_f64, run_mapping, run_synthesis};
use crate::train::params::ParamSet;

/// Relative size of the finite-difference step (of the ws' RMS) used in training.
pub const PL_STEP: f64 = 1e-3;

#[derive(Debug)]
pub struct PathLength {
    /// `mean_i (Lᵢ − μ)²` (NVIDIA's `Loss/pl_penalty`).
    pub penalty: f64,
    /// The updated running mean μ.
    pub pl_mean: f64,
    /// A scalar whose gradient with respect to G's parameters is that of `w·penalty·gain`.
    pub surrogate: Option<Tensor>,
}

/// Settings of one evaluation.
#[derive(Clone, Copy, Debug)]
pub struct PlSettings {
    pub weight: f64,
    pub decay: f64,
    /// The lazy regularisation interval.
    pub gain: f64,
    /// The finite-difference step relative to the ws' RMS ([`PL_STEP`]).
    pub step: f64,
}

/// The penalty for the latents `x` and noise `y` (`[N, C, R, R]`, already scaled by `1/√(H·W)`).
pub fn path_length(
    g: &ParamSet,
    config: &GeneratorConfig,
    x: &GenInputs,
    y: &Tensor,
    pl_mean: f64,
    s: PlSettings,
) -> Result<PathLength> {
    let device = x.z.device();
    // g = ∇_ws ⟨G(ws), y⟩ with G's parameters as constants.
    let g_fixed = build_generator(config, &g.detached(), device)?;
    let ws0 = run_mapping(&g_fixed, x, None)?.detach();
    let ws = Var::from_tensor(&ws0)?;
    let tape = activation_tape::record();
    let img = run_synthesis(&g_fixed, ws.as_tensor(), x.noise_seed, None)?;
    let patterns = tape.finish()?;
    let grads = (img * y)?.sum_all()?.backward()?;
    let Some(grad) = grads.get(ws.as_tensor()).map(Tensor::detach) else {
        return Ok(PathLength { penalty: 0.0, pl_mean, surrogate: None });
    };
    let (n, num_ws, _) = grad.dims3()?;
    let lengths: Vec<f64> =
        grad.sqr()?.sum(D::Minus1)?.mean(1)?.sqrt()?.to_dtype(candle_core::DType::F64)?.to_vec1()?;
    let mean_len = lengths.iter().sum::<f64>() / n as f64;
    let mu = pl_mean + s.decay * (mean_len - pl_mean);
    let penalty = lengths.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / n as f64;
    let dev_sum: f64 = lengths.iter().map(|l| l - mu).sum();
    let coef: Vec<f32> = lengths
        .iter()
        .map(|&l| {
            let a = 2.0 * s.weight * s.gain / n as f64 * ((l - mu) - s.decay / n as f64 * dev_sum);
            if l > 0.0 { (a / (num_ws as f64 * l)) as f32 } else { 0.0 }
        })
        .collect();
    let coef = Tensor::from_vec(coef, (n, 1, 1), device)?;
    let v = grad.broadcast_mul(&coef)?;
    let v_rms = mean_f64(&v.sqr()?)?.sqrt();
    let ws_rms = mean_f64(&ws0.sqr()?)?.sqrt().max(1e-3);
    if !(v_rms.is_finite() && v_rms > 0.0) {
        return Ok(PathLength { penalty, pl_mean: mu, surrogate: None });
    }
    let h = s.step * ws_rms / v_rms;
    // (F(ws(θ) + hV; θ) − F(ws(θ) − hV; θ)) / 2h, differentiable in all of G's parameters.
    let g_train = build_generator(config, &g.tracked(), device)?;
    let ws_t = run_mapping(&g_train, x, None)?;
    let hv = v.affine(h, 0.0)?;
    let at = |ws: &Tensor| -> Result<Tensor> {
        let tape = activation_tape::replay(&patterns);
        let f = (run_synthesis(&g_train, ws, x.noise_seed, None)? * y)?.sum_all()?;
        tape.finish()?;
        Ok(f)
    };
    let plus = at(&(&ws_t + &hv)?)?;
    let minus = at(&(&ws_t - &hv)?)?;
    let surrogate = (plus - minus)?.affine(1.0 / (2.0 * h), 0.0)?;
    Ok(PathLength { penalty, pl_mean: mu, surrogate: Some(surrogate) })
}
