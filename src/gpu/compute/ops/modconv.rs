//! Modulated convolution (tiled implicit GEMM; modulation folded into the weight loads,
//! demodulation into the epilogue).

use crate::gpu::compute::GpuContext;
use crate::gpu::compute::ops::Epilogue;
use crate::gpu::compute::step::{Step, b};
use crate::{Error, Result};

/// Output channels and pixels per workgroup tile.
const TILE: usize = 64;

/// `y[o, p] = epilogue(scale[o] · Σ_{i,ky,kx} W[o,i,ky,kx]·s'[i]·x[i, …])` with `m = [s', scale]`.
/// With `transposed`, the stride-2 transposed convolution of StyleGAN2's up-sampling layers
/// (output `(in − 1)·2 + k`); otherwise a correlation with zero padding
/// `pad` (output `in + 2·pad − k + 1`). With `up == 2` (not transposed) the output is twice that
/// size, computed as four phase correlations whose weights `[4, c_out, c_in, k, k]` come from
/// [`polyphase_weights`](crate::gpu::compute::ops::polyphase_weights).
#[derive(Clone, Debug, PartialEq)]
pub struct ConvSpec {
    pub c_in: usize,
    pub c_out: usize,
    pub kernel: usize,
    pub in_h: usize,
    pub in_w: usize,
    pub pad: usize,
    pub transposed: bool,
    /// 1, or 2 for the four-phase up-sampling form.
    pub up: usize,
    pub epilogue: Epilogue,
}

impl ConvSpec {
    /// The stored output size.
    pub fn out_size(&self) -> Result<[usize; 2]> {
        let [h, w] = self.grid_size()?;
        Ok([h * self.up, w * self.up])
    }

    /// The size of one phase's output grid.
    fn grid_size(&self) -> Result<[usize; 2]> {
        if !matches!(self.up, 1 | 2) || (self.up == 2 && self.transposed) {
            return Err(Error::Invalid(format!("convolution {self:?}: up must be 1, or 2 without transposed")));
        }
        let size = |n: usize| -> Option<usize> {
            if self.transposed {
                Some((n.checked_sub(1)?) * 2 + self.kernel)
            } else {
                (n + 2 * self.pad + 1).checked_sub(self.kernel)
            }
        };
        match (size(self.in_h), size(self.in_w)) {
            (Some(h), Some(w)) if h > 0 && w > 0 => Ok([h, w]),
            _ => Err(Error::Invalid(format!("convolution {self:?} has an empty output"))),
        }
    }

    fn params(&self, phase: (usize, usize)) -> Result<Vec<u32>> {
        let [out_h, out_w] = self.grid_size()?;
        let e = self.epilogue.words()?;
        let phase_len = self.c_out * self.c_in * self.kernel * self.kernel;
        Ok(vec![
            self.c_in as u32,
            self.c_out as u32,
            self.kernel as u32,
            b(self.transposed),
            self.in_h as u32,
            self.in_w as u32,
            out_h as u32,
            out_w as u32,
            self.pad as u32,
            e[0],
            e[1],
            e[2],
            e[3],
            e[4],
            e[5],
            e[6],
            self.up as u32,
            phase.0 as u32,
            phase.1 as u32,
            ((phase.0 * self.up + phase.1) * phase_len) as u32,
        ])
    }

    /// Length of the weight buffer (`up²` phase kernels when `up == 2`).
    pub fn weight_len(&self) -> usize {
        self.up * self.up * self.c_out * self.c_in * self.kernel * self.kernel
    }

    /// The dispatches (one, or one per phase). Unused inputs (bias, noise, residual) may be `None`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn steps(
        &self,
        ctx: &GpuContext,
        label: &str,
        x: &wgpu::Buffer,
        w: &wgpu::Buffer,
        m: &wgpu::Buffer,
        bias: Option<&wgpu::Buffer>,
        noise: Option<&wgpu::Buffer>,
        residual: Option<&wgpu::Buffer>,
        y: &wgpu::Buffer,
    ) -> Result<Vec<Step>> {
        let [out_h, out_w] = self.grid_size()?;
        let pixels = out_h * out_w;
        let dummy = ctx.dummy();
        let mut steps = Vec::new();
        for py in 0..self.up {
            for px in 0..self.up {
                let name = if self.up == 1 { label.to_string() } else { format!("{label} phase {py}{px}") };
                steps.push(Step::new(
                    ctx,
                    &name,
                    "modconv",
                    "main",
                    &[],
                    &self.params((py, px))?,
                    &[
                        (1, x.as_entire_binding()),
                        (2, w.as_entire_binding()),
                        (3, m.as_entire_binding()),
                        (4, bias.unwrap_or(dummy).as_entire_binding()),
                        (5, noise.unwrap_or(dummy).as_entire_binding()),
                        (6, residual.unwrap_or(dummy).as_entire_binding()),
                        (7, y.as_entire_binding()),
                    ],
                    [pixels.div_ceil(TILE) as u32, self.c_out.div_ceil(TILE) as u32, 1],
                )?);
            }
        }
        Ok(steps)
    }

    /// Runs on host data. `noise` is `(plane, gain)`. Returns `[c_out, out_h, out_w]`.
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &self,
        ctx: &GpuContext,
        x: &[f32],
        w: &[f32],
        m: &[f32],
        bias: Option<&[f32]>,
        noise: Option<(&[f32], f32)>,
        residual: Option<&[f32]>,
    ) -> Result<Vec<f32>> {
        let [out_h, out_w] = self.out_size()?;
        let len = self.c_out * out_h * out_w;
        if x.len() != self.c_in * self.in_h * self.in_w
            || w.len() != self.weight_len()
            || m.len() != self.c_in + self.c_out
        {
            return Err(Error::Invalid(format!("convolution: wrong input lengths for {self:?}")));
        }
        let xb = ctx.storage_init("conv x", x)?;
        let wb = ctx.storage_init("conv w", w)?;
        let mb = ctx.storage_init("conv m", m)?;
        let bb = bias.map(|v| ctx.storage_init("conv bias", v)).transpose()?;
        let nb = noise
            .map(|(plane, gain)| {
                let mut v = vec![gain, 0.0, 0.0, 0.0];
                v.extend_from_slice(plane);
                ctx.storage_init("conv noise", &v)
            })
            .transpose()?;
        let rb = residual.map(|v| ctx.storage_init("conv residual", v)).transpose()?;
        let yb = ctx.storage("conv y", len)?;
        for step in self.steps(ctx, "conv", &xb, &wb, &mb, bb.as_ref(), nb.as_ref(), rb.as_ref(), &yb)? {
            step.run(ctx)?;
        }
        ctx.read_f32(&yb, len)
    }
}
