//! `normalize_2nd_moment` of the mapping network's inputs.

use crate::Result;
use crate::gpu::compute::GpuContext;
use crate::gpu::compute::step::Step;

/// `y[y_offset + i] = x[x_offset + i] · rsqrt(mean(x²) + 1e-8)` over `n` values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NormalizeSpec {
    pub n: usize,
    pub x_offset: usize,
    pub y_offset: usize,
}

impl NormalizeSpec {
    fn params(&self) -> Vec<u32> {
        vec![self.n as u32, self.x_offset as u32, self.y_offset as u32, 0, 0, 0, 0, 0]
    }

    pub(crate) fn step(&self, ctx: &GpuContext, label: &str, x: &wgpu::Buffer, y: &wgpu::Buffer) -> Result<Step> {
        Step::new(
            ctx,
            label,
            "mapping",
            "normalize",
            &[],
            &self.params(),
            &[(1, x.as_entire_binding()), (3, y.as_entire_binding())],
            [1, 1, 1],
        )
    }

    /// Runs on host data; returns `y_offset + n` values.
    pub fn run(&self, ctx: &GpuContext, x: &[f32]) -> Result<Vec<f32>> {
        let xb = ctx.storage_init("normalize x", x)?;
        let len = self.y_offset + self.n;
        let yb = ctx.storage("normalize y", len)?;
        self.step(ctx, "normalize", &xb, &yb)?.run(ctx)?;
        ctx.read_f32(&yb, len)
    }
}
