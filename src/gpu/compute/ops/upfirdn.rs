//! upfirdn2d with a 2-D filter (StyleGAN2's `[1,3,3,1]` resampling) and a fused epilogue.

use crate::gpu::compute::GpuContext;
use crate::gpu::compute::ops::Epilogue;
use crate::gpu::compute::step::{Step, grid, i};
use crate::{Error, Result};

/// `upfirdn2d(x, f, up, down, padding)` per channel, then the epilogue. The filter `[fh, fw]`
/// carries the gain (NVIDIA: `f · gain` for a 2-D filter).
#[derive(Clone, Debug, PartialEq)]
pub struct UpfirdnSpec {
    pub channels: usize,
    pub in_h: usize,
    pub in_w: usize,
    pub up: usize,
    pub down: usize,
    pub fh: usize,
    pub fw: usize,
    /// `[x0, x1, y0, y1]`; negative values crop.
    pub padding: [i64; 4],
    pub epilogue: Epilogue,
}

impl UpfirdnSpec {
    /// `ceil((in·up + p0 + p1 − f + 1) / down)` per axis.
    pub fn out_size(&self) -> Result<[usize; 2]> {
        let axis = |n: usize, p0: i64, p1: i64, taps: usize| -> i64 {
            let span = (n * self.up) as i64 + p0 + p1 - taps as i64 + 1;
            if span <= 0 { 0 } else { (span + self.down as i64 - 1) / self.down as i64 }
        };
        let [x0, x1, y0, y1] = self.padding;
        let h = axis(self.in_h, y0, y1, self.fh);
        let w = axis(self.in_w, x0, x1, self.fw);
        if h <= 0 || w <= 0 || self.up == 0 || self.down == 0 {
            return Err(Error::Invalid(format!("upfirdn2d {self:?} has an empty output")));
        }
        Ok([h as usize, w as usize])
    }

    fn params(&self) -> Result<Vec<u32>> {
        let [out_h, out_w] = self.out_size()?;
        let e = self.epilogue.words()?;
        Ok(vec![
            self.channels as u32,
            self.in_h as u32,
            self.in_w as u32,
            out_h as u32,
            out_w as u32,
            self.up as u32,
            self.down as u32,
            self.fh as u32,
            self.fw as u32,
            i(self.padding[0]),
            i(self.padding[2]),
            e[0],
            e[1],
            e[2],
            e[3],
            e[4],
            e[5],
            e[6],
            0,
            0,
        ])
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn step(
        &self,
        ctx: &GpuContext,
        label: &str,
        x: &wgpu::Buffer,
        filter: &wgpu::Buffer,
        bias: Option<&wgpu::Buffer>,
        noise: Option<&wgpu::Buffer>,
        residual: Option<&wgpu::Buffer>,
        y: &wgpu::Buffer,
    ) -> Result<Step> {
        let [out_h, out_w] = self.out_size()?;
        let dummy = ctx.dummy();
        Step::new(
            ctx,
            label,
            "upfirdn2d",
            "main",
            &[],
            &self.params()?,
            &[
                (1, x.as_entire_binding()),
                (2, filter.as_entire_binding()),
                (3, bias.unwrap_or(dummy).as_entire_binding()),
                (4, noise.unwrap_or(dummy).as_entire_binding()),
                (5, residual.unwrap_or(dummy).as_entire_binding()),
                (6, y.as_entire_binding()),
            ],
            grid((self.channels * out_h * out_w).div_ceil(256) as u64),
        )
    }

    /// Runs on host data (`noise` is `(plane, gain)`); returns `[channels, out_h, out_w]`.
    pub fn run(
        &self,
        ctx: &GpuContext,
        x: &[f32],
        filter: &[f32],
        bias: Option<&[f32]>,
        noise: Option<(&[f32], f32)>,
        residual: Option<&[f32]>,
    ) -> Result<Vec<f32>> {
        let [out_h, out_w] = self.out_size()?;
        if x.len() != self.channels * self.in_h * self.in_w || filter.len() != self.fh * self.fw {
            return Err(Error::Invalid(format!("upfirdn2d: wrong input lengths for {self:?}")));
        }
        let len = self.channels * out_h * out_w;
        let xb = ctx.storage_init("upfirdn x", x)?;
        let fb = ctx.storage_init("upfirdn f", filter)?;
        let bb = bias.map(|v| ctx.storage_init("upfirdn bias", v)).transpose()?;
        let nb = noise
            .map(|(plane, gain)| {
                let mut v = vec![gain, 0.0, 0.0, 0.0];
                v.extend_from_slice(plane);
                ctx.storage_init("upfirdn noise", &v)
            })
            .transpose()?;
        let rb = residual.map(|v| ctx.storage_init("upfirdn residual", v)).transpose()?;
        let yb = ctx.storage("upfirdn y", len)?;
        self.step(ctx, "upfirdn2d", &xb, &fb, bb.as_ref(), nb.as_ref(), rb.as_ref(), &yb)?.run(ctx)?;
        ctx.read_f32(&yb, len)
    }
}
