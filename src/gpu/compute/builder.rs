//! Helpers shared by the StyleGAN2, StyleGAN3 and mapping plans: reading tensors, uploading
//! weights, allocating activations, and the layer pieces (affine, modulation, convolution).

use crate::gpu::compute::GpuContext;
use crate::gpu::compute::arena::Arena;
use crate::gpu::compute::layer_slot::LayerSlot;
use crate::gpu::compute::network::Network;
use crate::gpu::compute::ops::{ConvSpec, FcSpec, ModulationSpec};
use crate::gpu::compute::step::Step;
use crate::nn::Weights;
use crate::nn::config::FcConfig;
use crate::{Error, Result};

/// Builds a [`Network`] step by step.
pub(crate) struct Builder<'a> {
    pub ctx: &'a GpuContext,
    weights: &'a Weights,
    arena: Arena,
    steps: Vec<Step>,
    layers: Vec<LayerSlot>,
    weight_bytes: u64,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(ctx: &'a GpuContext, weights: &'a Weights) -> Self {
        Self { ctx, weights, arena: Arena::default(), steps: Vec::new(), layers: Vec::new(), weight_bytes: 0 }
    }

    /// The f32 values of tensor `name`, which must have `shape`.
    pub(crate) fn tensor(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
        let t = self.weights.get(name, shape)?;
        Ok(t.to_dtype(candle_core::DType::F32)?.flatten_all()?.to_vec1::<f32>()?)
    }

    /// The values and shape of tensor `name`, if present (`None` buffers are absent).
    pub(crate) fn tensor_opt(&self, name: &str) -> Result<Option<(Vec<f32>, Vec<usize>)>> {
        match self.weights.get_opt(name) {
            None => Ok(None),
            Some(t) => {
                let shape = t.dims().to_vec();
                Ok(Some((t.to_dtype(candle_core::DType::F32)?.flatten_all()?.to_vec1::<f32>()?, shape)))
            }
        }
    }

    /// A scalar tensor (`magnitude_ema`, `noise_strength`).
    pub(crate) fn scalar(&self, name: &str) -> Result<f32> {
        let t = self.weights.get_any(name)?;
        if t.elem_count() != 1 {
            return Err(Error::Shape { name: name.into(), expected: vec![], found: t.dims().to_vec() });
        }
        Ok(t.to_dtype(candle_core::DType::F32)?.flatten_all()?.to_vec1::<f32>()?[0])
    }

    /// A persistent buffer (weights, filters, constants).
    pub(crate) fn upload(&mut self, label: &str, data: &[f32]) -> Result<wgpu::Buffer> {
        self.weight_bytes += 4 * data.len() as u64;
        self.ctx.storage_init(label, data)
    }

    pub(crate) fn alloc(&mut self, label: &str, len: usize) -> Result<wgpu::Buffer> {
        self.arena.alloc(self.ctx, label, len)
    }

    /// Lets later steps reuse `buffer`.
    pub(crate) fn free(&mut self, buffer: &wgpu::Buffer) {
        self.arena.free(buffer)
    }

    pub(crate) fn push(&mut self, step: Step) {
        self.steps.push(step);
    }

    /// Names the output of the last step pushed.
    pub(crate) fn name_layer(&mut self, name: &str, buffer: &wgpu::Buffer, shape: [usize; 3]) {
        let after_step = self.steps.len().saturating_sub(1);
        self.layers.push(LayerSlot { name: name.to_string(), buffer: buffer.clone(), shape, after_step });
    }

    /// `prefix.weight`/`prefix.bias` as a fully connected layer reading row `row` of `ws`
    /// (`w_dim` wide) into a new buffer of `c.out_features` values times `out_scale`.
    pub(crate) fn affine(
        &mut self,
        prefix: &str,
        c: &FcConfig,
        ws: &wgpu::Buffer,
        row: usize,
        out_scale: f64,
    ) -> Result<wgpu::Buffer> {
        let weight = self.tensor(&format!("{prefix}.weight"), &[c.out_features, c.in_features])?;
        let bias = if c.has_bias { Some(self.tensor(&format!("{prefix}.bias"), &[c.out_features])?) } else { None };
        let (w, b) = FcSpec::fold(c, &weight, bias.as_deref());
        let wb = self.upload(&format!("{prefix}.weight"), &w)?;
        let bb = b.map(|b| self.upload(&format!("{prefix}.bias"), &b)).transpose()?;
        let y = self.alloc(&format!("{prefix} output"), c.out_features)?;
        let spec = FcSpec { x_offset: row * c.in_features, out_scale, ..FcSpec::from_config(c) };
        let step = spec.step(self.ctx, prefix, ws, &wb, bb.as_ref(), &y)?;
        self.push(step);
        Ok(y)
    }

    /// Modulation coefficients `[s', scale]` of weights `w` (already uploaded) and styles `s`.
    pub(crate) fn modulation(
        &mut self,
        label: &str,
        spec: &ModulationSpec,
        w: &wgpu::Buffer,
        s: &wgpu::Buffer,
    ) -> Result<wgpu::Buffer> {
        let m = self.alloc(&format!("{label} modulation"), spec.len())?;
        let step = spec.step(self.ctx, &format!("{label} modulation"), w, s, &m)?;
        self.push(step);
        Ok(m)
    }

    /// A convolution into a new activation buffer; returns it with its `[c, h, w]` shape.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn conv(
        &mut self,
        label: &str,
        spec: &ConvSpec,
        x: &wgpu::Buffer,
        w: &wgpu::Buffer,
        m: &wgpu::Buffer,
        bias: Option<&wgpu::Buffer>,
        noise: Option<&wgpu::Buffer>,
        residual: Option<&wgpu::Buffer>,
    ) -> Result<(wgpu::Buffer, [usize; 3])> {
        let [h, w_] = spec.out_size()?;
        let y = self.alloc(label, spec.c_out * h * w_)?;
        for step in spec.steps(self.ctx, label, x, w, m, bias, noise, residual, &y)? {
            self.push(step);
        }
        Ok((y, [spec.c_out, h, w_]))
    }

    pub(crate) fn finish(self) -> Network {
        Network {
            steps: self.steps,
            layers: self.layers,
            weight_bytes: self.weight_bytes,
            activation_bytes: self.arena.bytes(),
        }
    }
}
