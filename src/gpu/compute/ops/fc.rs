//! Fully connected layers (mapping layers and every affine) on the GPU.

use crate::gpu::compute::GpuContext;
use crate::gpu::compute::ops::Epilogue;
use crate::gpu::compute::step::{Step, f, grid};
use crate::nn::config::{Activation, FcConfig};
use crate::{Error, Result};

/// `y[y_offset + o] = act(x[x_offset..] · Wᵀ + b)·gain·out_scale`, with NVIDIA's `weight_gain`
/// and `bias_gain` already folded into W and b (see [`FcSpec::fold`]).
#[derive(Clone, Debug, PartialEq)]
pub struct FcSpec {
    pub in_features: usize,
    pub out_features: usize,
    pub activation: Activation,
    pub alpha: f64,
    pub gain: f64,
    /// Extra factor on the result (ToRGB affines: `1/sqrt(C_in·k²)`).
    pub out_scale: f64,
    pub x_offset: usize,
    pub y_offset: usize,
}

impl FcSpec {
    /// A layer as NVIDIA's `FullyConnectedLayer` runs it, reading x from offset 0.
    pub fn from_config(c: &FcConfig) -> Self {
        Self {
            in_features: c.in_features,
            out_features: c.out_features,
            activation: c.activation,
            alpha: c.activation.default_alpha(),
            gain: c.activation.default_gain(),
            out_scale: 1.0,
            x_offset: 0,
            y_offset: 0,
        }
    }

    /// `weight·weight_gain` and `bias·bias_gain` in f32, as PyTorch computes them.
    pub fn fold(c: &FcConfig, weight: &[f32], bias: Option<&[f32]>) -> (Vec<f32>, Option<Vec<f32>>) {
        let wg = c.weight_gain as f32;
        let bg = c.bias_gain as f32;
        let w = weight.iter().map(|v| v * wg).collect();
        let b = bias.map(|b| if bg == 1.0 { b.to_vec() } else { b.iter().map(|v| v * bg).collect() });
        (w, b)
    }

    fn params(&self, has_bias: bool) -> Result<Vec<u32>> {
        let (act, alpha) = Epilogue::act_code(self.activation, self.alpha)?;
        Ok(vec![
            self.in_features as u32,
            self.out_features as u32,
            self.x_offset as u32,
            self.y_offset as u32,
            act,
            u32::from(has_bias),
            f(alpha),
            f(self.gain),
            f(self.out_scale),
            0,
            0,
            0,
        ])
    }

    pub(crate) fn step(
        &self,
        ctx: &GpuContext,
        label: &str,
        x: &wgpu::Buffer,
        w: &wgpu::Buffer,
        b: Option<&wgpu::Buffer>,
        y: &wgpu::Buffer,
    ) -> Result<Step> {
        Step::new(
            ctx,
            label,
            "fc",
            "main",
            &[],
            &self.params(b.is_some())?,
            &[
                (1, x.as_entire_binding()),
                (2, w.as_entire_binding()),
                (3, b.unwrap_or(ctx.dummy()).as_entire_binding()),
                (4, y.as_entire_binding()),
            ],
            grid(self.out_features as u64),
        )
    }

    /// Runs the layer on host data (weights already folded); returns `y_offset + out_features` values.
    pub fn run(&self, ctx: &GpuContext, x: &[f32], w: &[f32], b: Option<&[f32]>) -> Result<Vec<f32>> {
        if x.len() < self.x_offset + self.in_features || w.len() != self.in_features * self.out_features {
            return Err(Error::Invalid(format!(
                "fully connected {}→{}: got {} inputs and {} weights",
                self.in_features,
                self.out_features,
                x.len(),
                w.len()
            )));
        }
        let xb = ctx.storage_init("fc x", x)?;
        let wb = ctx.storage_init("fc w", w)?;
        let bb = b.map(|b| ctx.storage_init("fc b", b)).transpose()?;
        let n = self.y_offset + self.out_features;
        let yb = ctx.storage("fc y", n)?;
        self.step(ctx, "fc", &xb, &wb, bb.as_ref(), &yb)?.run(ctx)?;
        ctx.read_f32(&yb, n)
    }
}
