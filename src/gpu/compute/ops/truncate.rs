//! Broadcast of w to `num_ws` rows with the truncation trick.

use crate::Result;
use crate::gpu::compute::GpuContext;
use crate::gpu::compute::step::{Step, f, grid};

/// `ws[r] = w_avg.lerp(w, psi)` for rows `r < cutoff` when `psi != 1`, else `w` (PyTorch's lerp).
#[derive(Clone, Debug, PartialEq)]
pub struct TruncateSpec {
    pub w_dim: usize,
    pub num_ws: usize,
    pub psi: f64,
    /// `None`: every row.
    pub cutoff: Option<usize>,
    pub x_offset: usize,
}

impl TruncateSpec {
    pub(crate) fn params(&self) -> Vec<u32> {
        let cutoff = self.cutoff.unwrap_or(self.num_ws).min(self.num_ws);
        vec![
            self.w_dim as u32,
            self.x_offset as u32,
            0,
            self.num_ws as u32,
            cutoff as u32,
            u32::from(self.psi != 1.0),
            f(self.psi),
            0,
        ]
    }

    pub(crate) fn step(
        &self,
        ctx: &GpuContext,
        label: &str,
        x: &wgpu::Buffer,
        w_avg: &wgpu::Buffer,
        ws: &wgpu::Buffer,
    ) -> Result<Step> {
        Step::new(
            ctx,
            label,
            "mapping",
            "broadcast",
            &[],
            &self.params(),
            &[(1, x.as_entire_binding()), (2, w_avg.as_entire_binding()), (3, ws.as_entire_binding())],
            grid((self.w_dim * self.num_ws).div_ceil(64) as u64),
        )
    }

    /// Runs on host data; returns `num_ws · w_dim` values.
    pub fn run(&self, ctx: &GpuContext, x: &[f32], w_avg: &[f32]) -> Result<Vec<f32>> {
        let xb = ctx.storage_init("truncate x", x)?;
        let ab = ctx.storage_init("truncate w_avg", w_avg)?;
        let len = self.w_dim * self.num_ws;
        let yb = ctx.storage("truncate ws", len)?;
        self.step(ctx, "truncate", &xb, &ab, &yb)?.run(ctx)?;
        ctx.read_f32(&yb, len)
    }
}
