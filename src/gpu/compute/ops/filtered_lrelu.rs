//! The fused filtered leaky ReLU of StyleGAN3 (up-filter → activation/clamp → down-filter per
//! tile in workgroup memory).

use crate::gpu::compute::GpuContext;
use crate::gpu::compute::step::{Step, f, i};
use crate::{Error, Result};

/// `upfirdn2d(act(upfirdn2d(x, fu, up, padding, gain=up²)), fd, down)` with
/// `act(v) = clamp(lrelu(v, slope)·gain, ±clamp)`. `fu` is 1-D (separable); `fd` is 1-D, or 2-D
/// `[fd_taps, fd_taps]` when `radial`. Filters of one tap are `[1.0]`.
#[derive(Clone, Debug, PartialEq)]
pub struct FilteredLreluSpec {
    pub channels: usize,
    pub in_h: usize,
    pub in_w: usize,
    pub up: usize,
    pub down: usize,
    pub fu_taps: usize,
    pub fd_taps: usize,
    pub radial: bool,
    /// `[x0, x1, y0, y1]`, applied to the up-sampled signal; negative values crop.
    pub padding: [i64; 4],
    pub slope: f64,
    pub gain: f64,
    pub clamp: Option<f64>,
}

/// Workgroup-memory sizes (f32 elements) for output tiles of `tile`² samples.
struct Tiling {
    tile: usize,
    tmp_tile: usize,
    in_tile: usize,
    a: usize,
    b: usize,
    c: usize,
}

impl FilteredLreluSpec {
    /// `(in·up + p0 + p1 − (fu − 1) − (fd − 1) + down − 1) / down` per axis.
    pub fn out_size(&self) -> Result<[usize; 2]> {
        let axis = |n: usize, p0: i64, p1: i64| -> i64 {
            let t = (n * self.up) as i64 + p0 + p1 - (self.fu_taps as i64 - 1);
            let span = t - (self.fd_taps as i64 - 1);
            if span <= 0 { 0 } else { (span + self.down as i64 - 1) / self.down as i64 }
        };
        let [x0, x1, y0, y1] = self.padding;
        let (h, w) = (axis(self.in_h, y0, y1), axis(self.in_w, x0, x1));
        if h <= 0 || w <= 0 || self.up == 0 || self.down == 0 || self.fu_taps == 0 || self.fd_taps == 0 {
            return Err(Error::Invalid(format!("filtered lrelu {self:?} has an empty output")));
        }
        Ok([h as usize, w as usize])
    }

    fn tiling(&self, tile: usize) -> Tiling {
        let tmp_tile = (tile - 1) * self.down + self.fd_taps;
        let in_tile = (tmp_tile + self.fu_taps - 1).div_ceil(self.up);
        let a = if self.radial { in_tile * in_tile } else { (in_tile * in_tile).max(tmp_tile * tile) };
        Tiling { tile, tmp_tile, in_tile, a, b: in_tile * tmp_tile, c: tmp_tile * tmp_tile }
    }

    /// The largest output tile (16, 8, 4, 2 or 1) whose workgroup arrays fit in `max_bytes`.
    fn choose_tiling(&self, max_bytes: u32) -> Result<Tiling> {
        for tile in [16, 8, 4, 2, 1] {
            let t = self.tiling(tile);
            if 4 * (t.a + t.b + t.c) <= max_bytes as usize {
                return Ok(t);
            }
        }
        Err(Error::Gpu(format!(
            "filtered lrelu with up {} ({} taps) and down {} ({} taps) needs more workgroup memory than the {} bytes this adapter has",
            self.up, self.fu_taps, self.down, self.fd_taps, max_bytes
        )))
    }

    pub(crate) fn step(
        &self,
        ctx: &GpuContext,
        label: &str,
        x: &wgpu::Buffer,
        fu: &wgpu::Buffer,
        fd: &wgpu::Buffer,
        y: &wgpu::Buffer,
    ) -> Result<Step> {
        let [out_h, out_w] = self.out_size()?;
        let t = self.choose_tiling(ctx.limits().max_compute_workgroup_storage_size)?;
        let params = vec![
            self.channels as u32,
            self.in_h as u32,
            self.in_w as u32,
            out_h as u32,
            out_w as u32,
            self.up as u32,
            self.down as u32,
            self.fu_taps as u32,
            self.fd_taps as u32,
            u32::from(self.radial),
            i(self.padding[0]),
            i(self.padding[2]),
            t.tile as u32,
            t.tmp_tile as u32,
            t.in_tile as u32,
            f(self.slope),
            f(self.gain),
            f(self.clamp.unwrap_or(-1.0)),
            0,
            0,
        ];
        // Rounded up to a multiple of 64 so that few pipeline variants exist.
        let round = |n: usize| n.div_ceil(64) * 64;
        Step::new(
            ctx,
            label,
            "filtered_lrelu",
            "main",
            &[("A_SIZE", round(t.a) as f64), ("B_SIZE", round(t.b) as f64), ("C_SIZE", round(t.c) as f64)],
            &params,
            &[
                (1, x.as_entire_binding()),
                (2, fu.as_entire_binding()),
                (3, fd.as_entire_binding()),
                (4, y.as_entire_binding()),
            ],
            [out_w.div_ceil(t.tile) as u32, out_h.div_ceil(t.tile) as u32, self.channels as u32],
        )
    }

    /// Runs on host data: `fu` already carries the gain `up` per pass. Returns `[channels, out_h, out_w]`.
    pub fn run(&self, ctx: &GpuContext, x: &[f32], fu: &[f32], fd: &[f32]) -> Result<Vec<f32>> {
        let [out_h, out_w] = self.out_size()?;
        let fd_len = if self.radial { self.fd_taps * self.fd_taps } else { self.fd_taps };
        if x.len() != self.channels * self.in_h * self.in_w || fu.len() != self.fu_taps || fd.len() != fd_len {
            return Err(Error::Invalid(format!("filtered lrelu: wrong input lengths for {self:?}")));
        }
        let len = self.channels * out_h * out_w;
        let xb = ctx.storage_init("filtered lrelu x", x)?;
        let fub = ctx.storage_init("filtered lrelu fu", fu)?;
        let fdb = ctx.storage_init("filtered lrelu fd", fd)?;
        let yb = ctx.storage("filtered lrelu y", len)?;
        self.step(ctx, "filtered lrelu", &xb, &fub, &fdb, &yb)?.run(ctx)?;
        ctx.read_f32(&yb, len)
    }
}
