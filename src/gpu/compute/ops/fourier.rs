//! StyleGAN3's Fourier-feature input (before its channel mix, which is a plain 1×1 convolution).

use crate::gpu::compute::GpuContext;
use crate::gpu::compute::step::{Step, f, grid};
use crate::{Error, Result};

/// `SynthesisInput` up to the features: `t = affine(w0)` and the user transform give per-channel
/// frequencies, phases and amplitudes (`prep`), then `feat[c, j, i] = sin(2π(X_i·fx + Y_j·fy + φ))·amp`.
#[derive(Clone, Debug, PartialEq)]
pub struct FourierSpec {
    pub channels: usize,
    pub width: usize,
    pub height: usize,
    pub sampling_rate: f64,
    pub bandwidth: f64,
}

impl FourierSpec {
    fn params(&self) -> Vec<u32> {
        vec![
            self.channels as u32,
            self.width as u32,
            self.height as u32,
            0,
            f(self.sampling_rate),
            f(self.bandwidth),
            0,
            0,
        ]
    }

    /// `t` holds the 4 affine outputs, `transform` 9 floats (row-major), `freqs_phases` the
    /// `[C, 2]` frequencies followed by the `[C]` phases; `prep` receives `[C, 4]`.
    pub(crate) fn prep_step(
        &self,
        ctx: &GpuContext,
        label: &str,
        t: &wgpu::Buffer,
        transform: &wgpu::Buffer,
        freqs_phases: &wgpu::Buffer,
        prep: &wgpu::Buffer,
    ) -> Result<Step> {
        Step::new(
            ctx,
            label,
            "fourier_input",
            "prep_main",
            &[],
            &self.params(),
            &[
                (1, t.as_entire_binding()),
                (2, transform.as_entire_binding()),
                (3, freqs_phases.as_entire_binding()),
                (4, prep.as_entire_binding()),
            ],
            [1, 1, 1],
        )
    }

    /// `feat` receives `[C, height, width]`.
    pub(crate) fn features_step(
        &self,
        ctx: &GpuContext,
        label: &str,
        prep: &wgpu::Buffer,
        feat: &wgpu::Buffer,
    ) -> Result<Step> {
        Step::new(
            ctx,
            label,
            "fourier_input",
            "features",
            &[],
            &self.params(),
            &[(4, prep.as_entire_binding()), (5, feat.as_entire_binding())],
            grid((self.channels * self.width * self.height).div_ceil(256) as u64),
        )
    }

    /// Runs both steps on host data; returns `(prep [C, 4], feat [C, H, W])`.
    pub fn run(
        &self,
        ctx: &GpuContext,
        t: &[f32; 4],
        transform: &[f32; 9],
        freqs: &[f32],
        phases: &[f32],
    ) -> Result<(Vec<f32>, Vec<f32>)> {
        let c = self.channels;
        if freqs.len() != 2 * c || phases.len() != c {
            return Err(Error::Invalid(format!(
                "Fourier input: {} freqs and {} phases for {c} channels",
                freqs.len(),
                phases.len()
            )));
        }
        let fp: Vec<f32> = freqs.iter().chain(phases).copied().collect();
        let tb = ctx.storage_init("fourier t", t)?;
        let mb = ctx.storage_init("fourier transform", transform)?;
        let fpb = ctx.storage_init("fourier freqs", &fp)?;
        let prep = ctx.storage("fourier prep", 4 * c)?;
        let len = c * self.width * self.height;
        let feat = ctx.storage("fourier feat", len)?;
        self.prep_step(ctx, "fourier prep", &tb, &mb, &fpb, &prep)?.run(ctx)?;
        self.features_step(ctx, "fourier features", &prep, &feat)?.run(ctx)?;
        Ok((ctx.read_f32(&prep, 4 * c)?, ctx.read_f32(&feat, len)?))
    }
}
