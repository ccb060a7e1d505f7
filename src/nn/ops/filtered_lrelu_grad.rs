//! `filtered_lrelu` in autograd graphs on the CPU (training): one graph node with a hand-written
//! backward instead of the reference's chain of tensor ops.
//!
//! The reference ([`super::filtered_lrelu::filtered_lrelu_ref`]) records about eight tensors of
//! the up-sampled size per layer (the up-sampled signal, and every step of the leaky ReLU, gain
//! and clamp), all alive until the backward pass; for a StyleGAN3 generator that is gigabytes of
//! fresh allocations per iteration. This node keeps only its input and bias, computes the
//! forward with the fused kernel ([`super::filtered_lrelu_cpu`], float32) or the direct
//! [`UpFirDnCpu`] passes (float64 and shapes the kernel does not take), and in the backward
//! recomputes the up-sampled signal for the activation's pattern:
//!
//! `t = up(x + b)`, `y = down(act(t))`, so `∂x = upᵀ(act′(t) ⊙ downᵀ(∂y))`, `∂b = Σ_{n,h,w} ∂x`,
//!
//! with `upᵀ`/`downᵀ` the adjoint `upfirdn2d` calls (the same as the reference's backward),
//! `act′ = gain · (1 or slope)`, and zero where the clamp cut the value. First-order only (the
//! regularisers that differentiate twice, R1 and path length, do not run through StyleGAN3
//! layers; under an activation tape the caller uses the reference).

use candle_core::{CpuStorage, CustomOp1, CustomOp2, Layout, Shape, Tensor, WithDType};
use rayon::prelude::*;

use crate::nn::ops::filtered_lrelu_cpu::FusedFilteredLrelu;
use crate::nn::ops::upfirdn2d_cpu::UpFirDnCpu;

/// The leaky ReLU, gain and clamp of `filtered_lrelu` (step 3), in the order the reference applies them.
#[derive(Clone, Copy, Debug)]
pub struct LreluGainClamp {
    pub slope: f64,
    pub gain: f64,
    /// `None` clamps nothing.
    pub clamp: Option<f64>,
}

impl LreluGainClamp {
    #[inline(always)]
    fn act<T: WithDType>(&self, v: T, slope: T, gain: T, clamp: Option<T>) -> T {
        let zero = T::zero();
        let mut a = if v < zero { v * slope } else { v };
        if self.gain != 1.0 {
            a *= gain;
        }
        match clamp {
            Some(c) if a > c => c,
            Some(c) if a < zero - c => zero - c,
            _ => a,
        }
    }

    /// `g · act′(v)`: zero where the clamp cut, else `g · gain`, times `slope` below zero.
    #[inline(always)]
    fn grad<T: WithDType>(&self, v: T, g: T, slope: T, gain: T, clamp: Option<T>) -> T {
        let zero = T::zero();
        if let Some(c) = clamp {
            let a = self.act(v, slope, gain, None);
            if a > c || a < zero - c {
                return zero;
            }
        }
        let g = if self.gain != 1.0 { g * gain } else { g };
        if v < zero { g * slope } else { g }
    }

    fn consts<T: WithDType>(&self) -> (T, T, Option<T>) {
        (T::from_f64(self.slope), T::from_f64(self.gain), self.clamp.filter(|c| *c >= 0.0).map(T::from_f64))
    }
}

/// The graph node: `(x [N, C, H, W], b [C]) → y`.
pub struct FilteredLreluGrad {
    /// The up pass `up(·)` (bias excluded) and the down pass.
    pub up: UpFirDnCpu,
    pub down: UpFirDnCpu,
    pub act: LreluGainClamp,
    /// The fused forward for float32 (bias folded in), where it applies.
    pub fused: Option<FusedFilteredLrelu>,
}

fn contiguous<'a, T: WithDType>(s: &'a CpuStorage, l: &Layout) -> candle_core::Result<&'a [T]> {
    match l.contiguous_offsets() {
        Some((a, b)) => Ok(&T::cpu_storage_as_slice(s)?[a..b]),
        None => candle_core::bail!("filtered_lrelu: contiguous input expected"),
    }
}

impl FilteredLreluGrad {
    /// Bias, up pass, activation, down pass, one step after the other (the up-sampled signal
    /// exists only inside this call).
    fn unfused<T: WithDType>(
        &self,
        x: &[T],
        bias: &[T],
        dims: (usize, usize, usize, usize),
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (n, c, h, w) = dims;
        let plane = h * w;
        let mut xb = x.to_vec();
        xb.par_chunks_mut(plane).enumerate().for_each(|(i, p)| {
            let b = bias[i % c];
            p.iter_mut().for_each(|v| *v += b);
        });
        let (t, tshape) = self.up.cpu_fwd(&T::to_cpu_storage_owned(xb), &Layout::contiguous((n, c, h, w)))?;
        let (slope, gain, clamp) = self.act.consts::<T>();
        let t: Vec<T> = T::cpu_storage_as_slice(&t)?.iter().map(|&v| self.act.act(v, slope, gain, clamp)).collect();
        self.down.cpu_fwd(&T::to_cpu_storage_owned(t), &Layout::contiguous(tshape))
    }
}

impl CustomOp2 for FilteredLreluGrad {
    fn name(&self) -> &'static str {
        "filtered_lrelu_grad"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let dims = l1.shape().dims4()?;
        if let (Some(fused), CpuStorage::F32(_)) = (&self.fused, s1) {
            return fused.cpu_fwd(s1, l1);
        }
        match (s1, s2) {
            (CpuStorage::F32(_), CpuStorage::F32(_)) => {
                self.unfused::<f32>(contiguous(s1, l1)?, contiguous(s2, l2)?, dims)
            }
            (CpuStorage::F64(_), CpuStorage::F64(_)) => {
                self.unfused::<f64>(contiguous(s1, l1)?, contiguous(s2, l2)?, dims)
            }
            _ => candle_core::bail!("filtered_lrelu: float32 or float64 input and bias of one dtype expected"),
        }
    }

    fn bwd(
        &self,
        x: &Tensor,
        b: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let (_, c, h, w) = x.dims4()?;
        let xb = x.detach().broadcast_add(&b.detach().reshape((1, c, 1, 1))?)?;
        let t = xb.apply_op1_no_bwd(&self.up)?;
        let (_, _, th, tw) = t.dims4()?;
        let gt = grad.contiguous()?.apply_op1_no_bwd(&self.down.adjoint(th, tw))?;
        let gt = gt.narrow(2, 0, th)?.narrow(3, 0, tw)?.contiguous()?;
        let gm = t.apply_op2_no_bwd(&gt, &ActGrad(self.act))?;
        let gx = gm.apply_op1_no_bwd(&self.up.adjoint(h, w))?;
        let gx = gx.narrow(2, 0, h)?.narrow(3, 0, w)?.contiguous()?;
        let gb = gx.sum_keepdim(3)?.sum_keepdim(2)?.sum_keepdim(0)?.flatten_all()?;
        Ok((Some(gx), Some(gb)))
    }
}

/// `(t, ∂act) → ∂act · act′(t)`, elementwise (no backward).
struct ActGrad(LreluGainClamp);

impl ActGrad {
    fn run<T: WithDType>(&self, t: &[T], g: &[T]) -> Vec<T> {
        let (slope, gain, clamp) = self.0.consts::<T>();
        let mut out = vec![T::zero(); t.len()];
        out.par_chunks_mut(1 << 14).zip(t.par_chunks(1 << 14).zip(g.par_chunks(1 << 14))).for_each(|(o, (t, g))| {
            for ((o, &t), &g) in o.iter_mut().zip(t).zip(g) {
                *o = self.0.grad(t, g, slope, gain, clamp);
            }
        });
        out
    }
}

impl CustomOp2 for ActGrad {
    fn name(&self) -> &'static str {
        "filtered_lrelu_act_grad"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        if l1.shape() != l2.shape() {
            candle_core::bail!(
                "filtered_lrelu: activation and gradient shapes differ: {:?} vs {:?}",
                l1.shape(),
                l2.shape()
            )
        }
        let shape = l1.shape().clone();
        Ok(match (s1, s2) {
            (CpuStorage::F32(_), CpuStorage::F32(_)) => {
                (CpuStorage::F32(self.run::<f32>(contiguous(s1, l1)?, contiguous(s2, l2)?)), shape)
            }
            (CpuStorage::F64(_), CpuStorage::F64(_)) => {
                (CpuStorage::F64(self.run::<f64>(contiguous(s1, l1)?, contiguous(s2, l2)?)), shape)
            }
            _ => candle_core::bail!("filtered_lrelu: float32 or float64 of one dtype expected"),
        })
    }
}
