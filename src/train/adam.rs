//! Adam as PyTorch's `torch.optim.Adam` computes it (no weight decay, no amsgrad), with
//! NVIDIA's gradient clean-up first (`nan_to_num(nan=0, posinf=1e5, neginf=-1e5)`):
//!
//! `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)`.
//!
//! The moments are kept on the host as float32 vectors (easy to snapshot and restore bit for bit).

use std::collections::BTreeMap;

use candle_core::{DType, Tensor, Var, backprop::GradStore};

use crate::{Error, Result};

/// The state of one parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Moments {
    pub exp_avg: Vec<f32>,
    pub exp_avg_sq: Vec<f32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Adam {
    pub lr: f64,
    pub betas: [f64; 2],
    pub eps: f64,
    /// Steps taken so far.
    pub step: u64,
    pub moments: BTreeMap<String, Moments>,
}

/// NVIDIA's `misc.nan_to_num(grad, nan=0, posinf=1e5, neginf=-1e5)`.
pub fn clean_gradient(g: f32) -> f32 {
    if g.is_nan() { 0.0 } else { g.clamp(-1e5, 1e5) }
}

impl Adam {
    pub fn new(lr: f64, betas: [f64; 2], eps: f64) -> Self {
        Self { lr, betas, eps, step: 0, moments: BTreeMap::new() }
    }

    /// One step for every parameter that received a gradient (parameters without one are left
    /// alone, as PyTorch skips `grad is None`).
    pub fn step(&mut self, params: &BTreeMap<String, Var>, grads: &GradStore) -> Result<()> {
        self.step += 1;
        let t = self.step as i32;
        let [b1, b2] = self.betas;
        let bc1 = 1.0 - b1.powi(t);
        let bc2_sqrt = (1.0 - b2.powi(t)).sqrt();
        let step_size = (self.lr / bc1) as f32;
        let (b1f, b2f) = (b1 as f32, b2 as f32);
        let (bc2f, eps) = (bc2_sqrt as f32, self.eps as f32);
        for (name, var) in params {
            let Some(g) = grads.get(var.as_tensor()) else { continue };
            let g = g.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
            let p_t = var.as_tensor().detach();
            let mut p = p_t.flatten_all()?.to_vec1::<f32>()?;
            if g.len() != p.len() {
                return Err(Error::Invalid(format!("gradient of `{name}` has {} values for {}", g.len(), p.len())));
            }
            let m = self
                .moments
                .entry(name.clone())
                .or_insert_with(|| Moments { exp_avg: vec![0.0; p.len()], exp_avg_sq: vec![0.0; p.len()] });
            if m.exp_avg.len() != p.len() || m.exp_avg_sq.len() != p.len() {
                return Err(Error::Invalid(format!("optimiser state of `{name}` does not fit the parameter")));
            }
            for i in 0..p.len() {
                let gi = clean_gradient(g[i]);
                m.exp_avg[i] = b1f * m.exp_avg[i] + (1.0 - b1f) * gi;
                m.exp_avg_sq[i] = b2f * m.exp_avg_sq[i] + (1.0 - b2f) * gi * gi;
                let denom = m.exp_avg_sq[i].sqrt() / bc2f + eps;
                p[i] -= step_size * m.exp_avg[i] / denom;
            }
            var.set(&Tensor::from_vec(p, p_t.dims(), p_t.device())?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    /// Two steps on a quadratic against hand-computed Adam updates.
    #[test]
    fn matches_the_formula() {
        let x = Var::from_vec(vec![1.0f32, -2.0], 2, &Device::Cpu).unwrap();
        let params = BTreeMap::from([("x".to_string(), x.clone())]);
        let mut opt = Adam::new(0.1, [0.5, 0.9], 1e-8);
        let (mut m, mut v, mut p) = ([0.0f64; 2], [0.0f64; 2], [1.0f64, -2.0]);
        for t in 1..=2 {
            let loss = x.as_tensor().sqr().unwrap().sum_all().unwrap();
            let grads = loss.backward().unwrap();
            opt.step(&params, &grads).unwrap();
            for i in 0..2 {
                let g = 2.0 * p[i];
                m[i] = 0.5 * m[i] + 0.5 * g;
                v[i] = 0.9 * v[i] + 0.1 * g * g;
                let mh = m[i] / (1.0 - 0.5f64.powi(t));
                let vh = v[i] / (1.0 - 0.9f64.powi(t));
                p[i] -= 0.1 * mh / (vh.sqrt() + 1e-8);
            }
        }
        let got: Vec<f32> = x.as_tensor().to_vec1().unwrap();
        assert!((f64::from(got[0]) - p[0]).abs() < 1e-6 && (f64::from(got[1]) - p[1]).abs() < 1e-6, "{got:?} vs {p:?}");
        assert_eq!(opt.step, 2);
        assert_eq!(clean_gradient(f32::NAN), 0.0);
        assert_eq!(clean_gradient(f32::INFINITY), 1e5);
    }
}
