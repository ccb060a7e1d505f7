//! The mapping network (`MappingNetwork` of both families) as GPU steps writing `ws`.

use crate::gpu::compute::GpuContext;
use crate::gpu::compute::builder::Builder;
use crate::gpu::compute::network::Network;
use crate::gpu::compute::ops::{FcSpec, NormalizeSpec, TruncateSpec};
use crate::nn::Weights;
use crate::nn::config::MappingConfig;
use crate::{Error, Result};

/// z (and c) → ws `[num_ws, w_dim]`; the truncation is the last step and is rewritten per call.
#[derive(Debug)]
pub(crate) struct MappingPlan {
    pub network: Network,
    pub z: wgpu::Buffer,
    pub c: Option<wgpu::Buffer>,
    pub truncate: TruncateSpec,
    pub z_dim: usize,
    pub c_dim: usize,
}

impl MappingPlan {
    pub(crate) fn build(ctx: &GpuContext, m: &MappingConfig, weights: &Weights, ws: &wgpu::Buffer) -> Result<Self> {
        let mut b = Builder::new(ctx, weights);
        let z = ctx.storage("mapping z", m.z_dim)?;
        let first = m.layers.first().ok_or_else(|| Error::Format("mapping network without layers".into()))?;
        let x0 = b.alloc("mapping input", first.in_features)?;
        let mut width = 0;
        if m.z_dim > 0 {
            let step = NormalizeSpec { n: m.z_dim, x_offset: 0, y_offset: 0 }.step(ctx, "normalize z", &z, &x0)?;
            b.push(step);
            width = m.z_dim;
        }
        let c = match (&m.embed, m.c_dim) {
            (Some(embed), c_dim) if c_dim > 0 => {
                let c = ctx.storage("mapping c", c_dim)?;
                let weight = b.tensor("mapping.embed.weight", &[embed.out_features, embed.in_features])?;
                let bias =
                    if embed.has_bias { Some(b.tensor("mapping.embed.bias", &[embed.out_features])?) } else { None };
                let (w, bias) = FcSpec::fold(embed, &weight, bias.as_deref());
                let wb = b.upload("mapping.embed.weight", &w)?;
                let bb = bias.map(|v| b.upload("mapping.embed.bias", &v)).transpose()?;
                let y = b.alloc("mapping embed", embed.out_features)?;
                let step = FcSpec::from_config(embed).step(ctx, "mapping.embed", &c, &wb, bb.as_ref(), &y)?;
                b.push(step);
                let spec = NormalizeSpec { n: embed.out_features, x_offset: 0, y_offset: width };
                let step = spec.step(ctx, "normalize embed", &y, &x0)?;
                b.push(step);
                b.free(&y);
                width += embed.out_features;
                Some(c)
            }
            _ => None,
        };
        if width != first.in_features {
            return Err(Error::Format(format!(
                "mapping.fc0 takes {} features, z and c give {width}",
                first.in_features
            )));
        }
        let mut x = x0;
        for (i, layer) in m.layers.iter().enumerate() {
            let prefix = format!("mapping.fc{i}");
            let weight = b.tensor(&format!("{prefix}.weight"), &[layer.out_features, layer.in_features])?;
            let bias =
                if layer.has_bias { Some(b.tensor(&format!("{prefix}.bias"), &[layer.out_features])?) } else { None };
            let (w, bias) = FcSpec::fold(layer, &weight, bias.as_deref());
            let wb = b.upload(&format!("{prefix}.weight"), &w)?;
            let bb = bias.map(|v| b.upload(&format!("{prefix}.bias"), &v)).transpose()?;
            let y = b.alloc(&prefix, layer.out_features)?;
            let step = FcSpec::from_config(layer).step(ctx, &prefix, &x, &wb, bb.as_ref(), &y)?;
            b.push(step);
            b.free(&x);
            b.name_layer(&prefix, &y, [layer.out_features, 1, 1]);
            x = y;
        }
        let w_avg = b.tensor("mapping.w_avg", &[m.w_dim])?;
        let w_avg = b.upload("mapping.w_avg", &w_avg)?;
        let truncate = TruncateSpec { w_dim: m.w_dim, num_ws: m.num_ws, psi: 1.0, cutoff: None, x_offset: 0 };
        let step = truncate.step(ctx, "truncation", &x, &w_avg, ws)?;
        b.push(step);
        Ok(Self { network: b.finish(), z, c, truncate, z_dim: m.z_dim, c_dim: m.c_dim })
    }

    /// Writes z, c and the truncation settings for the next run.
    pub(crate) fn prepare(
        &mut self,
        ctx: &GpuContext,
        z: &[f32],
        c: Option<&[f32]>,
        psi: f64,
        cutoff: Option<usize>,
    ) -> Result<()> {
        if z.len() != self.z_dim {
            return Err(Error::Invalid(format!("z has {} values, the network takes {}", z.len(), self.z_dim)));
        }
        match (&self.c, c) {
            (Some(buf), Some(c)) if c.len() == self.c_dim => ctx.queue().write_buffer(buf, 0, bytemuck::cast_slice(c)),
            (None, None) => {}
            (None, Some([])) => {}
            _ => {
                return Err(Error::Invalid(format!(
                    "the network takes {} class labels; got {:?}",
                    self.c_dim,
                    c.map(<[f32]>::len)
                )));
            }
        }
        if !psi.is_finite() {
            return Err(Error::Invalid(format!("truncation psi {psi} is not a number")));
        }
        ctx.queue().write_buffer(&self.z, 0, bytemuck::cast_slice(z));
        self.truncate.psi = psi;
        self.truncate.cutoff = cutoff;
        if let Some(step) = self.network.steps.last() {
            step.set_params(ctx, &self.truncate.params());
        }
        Ok(())
    }
}
