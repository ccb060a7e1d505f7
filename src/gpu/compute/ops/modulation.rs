//! Modulation and demodulation coefficients of a modulated convolution.

use crate::gpu::compute::GpuContext;
use crate::gpu::compute::step::{Step, b, f, grid};
use crate::{Error, Result};

/// Computes `m = [s', scale]` from the weights `[c_out, c_in, k, k]` and the styles `s [c_in]`:
/// `s' = s·rsqrt(mean(s²))` if `style_norm`, else `s`; `scale[o] = rsqrt(Σ(W[o]·s')² + 1e-8)·input_gain`
/// if `demodulate`, else `input_gain`.
#[derive(Clone, Debug, PartialEq)]
pub struct ModulationSpec {
    pub c_in: usize,
    pub c_out: usize,
    pub kernel: usize,
    pub demodulate: bool,
    pub style_norm: bool,
    pub input_gain: f64,
}

impl ModulationSpec {
    /// Length of the `m` buffer.
    pub fn len(&self) -> usize {
        self.c_in + self.c_out
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn params(&self) -> Vec<u32> {
        vec![
            self.c_in as u32,
            self.c_out as u32,
            (self.kernel * self.kernel) as u32,
            b(self.demodulate),
            b(self.style_norm),
            f(self.input_gain),
            0,
            0,
        ]
    }

    pub(crate) fn step(
        &self,
        ctx: &GpuContext,
        label: &str,
        w: &wgpu::Buffer,
        s: &wgpu::Buffer,
        m: &wgpu::Buffer,
    ) -> Result<Step> {
        Step::new(
            ctx,
            label,
            "modconv_styles",
            "main",
            &[],
            &self.params(),
            &[(1, w.as_entire_binding()), (2, s.as_entire_binding()), (3, m.as_entire_binding())],
            grid(self.c_out as u64),
        )
    }

    /// Runs on host data; returns `m`.
    pub fn run(&self, ctx: &GpuContext, w: &[f32], s: &[f32]) -> Result<Vec<f32>> {
        if w.len() != self.c_out * self.c_in * self.kernel * self.kernel || s.len() != self.c_in {
            return Err(Error::Invalid(format!("modulation: {} weights and {} styles for {self:?}", w.len(), s.len())));
        }
        let wb = ctx.storage_init("modulation w", w)?;
        let sb = ctx.storage_init("modulation s", s)?;
        let mb = ctx.storage("modulation m", self.len())?;
        self.step(ctx, "modulation", &wb, &sb, &mb)?.run(ctx)?;
        ctx.read_f32(&mb, self.len())
    }
}
