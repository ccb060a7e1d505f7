//! Element-wise `bias_act` (linear or leaky ReLU).

use crate::gpu::compute::GpuContext;
use crate::gpu::compute::ops::Epilogue;
use crate::gpu::compute::step::{Step, f, grid};
use crate::nn::config::Activation;
use crate::{Error, Result};

/// `y[c, i] = clamp(act(x[c, i] + b[c])·gain, ±clamp)` over `channels` planes of `plane` values.
#[derive(Clone, Debug, PartialEq)]
pub struct BiasActSpec {
    pub channels: usize,
    pub plane: usize,
    pub activation: Activation,
    pub alpha: f64,
    pub gain: f64,
    pub clamp: Option<f64>,
}

impl BiasActSpec {
    fn params(&self, has_bias: bool) -> Result<Vec<u32>> {
        let (act, alpha) = Epilogue::act_code(self.activation, self.alpha)?;
        Ok(vec![
            self.channels as u32,
            self.plane as u32,
            u32::from(has_bias),
            act,
            f(alpha),
            f(self.gain),
            f(self.clamp.unwrap_or(-1.0)),
            0,
        ])
    }

    pub(crate) fn step(
        &self,
        ctx: &GpuContext,
        label: &str,
        x: &wgpu::Buffer,
        bias: Option<&wgpu::Buffer>,
        y: &wgpu::Buffer,
    ) -> Result<Step> {
        Step::new(
            ctx,
            label,
            "bias_act",
            "main",
            &[],
            &self.params(bias.is_some())?,
            &[
                (1, x.as_entire_binding()),
                (2, bias.unwrap_or(ctx.dummy()).as_entire_binding()),
                (3, y.as_entire_binding()),
            ],
            grid((self.channels * self.plane).div_ceil(256) as u64),
        )
    }

    /// Runs on host data.
    pub fn run(&self, ctx: &GpuContext, x: &[f32], bias: Option<&[f32]>) -> Result<Vec<f32>> {
        let len = self.channels * self.plane;
        if x.len() != len || bias.is_some_and(|b| b.len() != self.channels) {
            return Err(Error::Invalid(format!("bias_act: wrong input lengths for {self:?}")));
        }
        let xb = ctx.storage_init("bias_act x", x)?;
        let bb = bias.map(|v| ctx.storage_init("bias_act b", v)).transpose()?;
        let yb = ctx.storage("bias_act y", len)?;
        self.step(ctx, "bias_act", &xb, bb.as_ref(), &yb)?.run(ctx)?;
        ctx.read_f32(&yb, len)
    }
}
