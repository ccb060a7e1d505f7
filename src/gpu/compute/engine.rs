//! [`GpuEngine`]: a generator compiled for the GPU once, then rendered per request.

use std::collections::HashMap;

use candle_core::{Device, Tensor};

use std::sync::atomic::{AtomicU64, Ordering};

use crate::gpu::compute::builder::Builder;
use crate::gpu::compute::frame::GpuFrame;
use crate::gpu::compute::mapping_plan::MappingPlan;
use crate::gpu::compute::network::Network;
use crate::gpu::compute::noise_slot::NoiseSlot;
use crate::gpu::compute::ops::RgbaSpec;
use crate::gpu::compute::requirements::check_support;
use crate::gpu::compute::step::Step;
use crate::gpu::compute::{GpuContext, sg2_plan, sg3_plan};
use crate::nn::config::GeneratorConfig;
use crate::nn::generator::{Capture, Mat3};
use crate::nn::{SynthesisOptions, Weights};
use crate::raster::Raster;
use crate::{Error, Result};

/// A generator on the GPU: every weight uploaded and every dispatch recorded when it is built;
/// [`GpuEngine::render`] then writes `ws` and the per-frame options and replays the dispatches
/// into an `Rgba8Unorm` texture ([`GpuEngine::texture_view`]) that egui can show directly.
#[derive(Debug)]
pub struct GpuEngine {
    ctx: GpuContext,
    config: GeneratorConfig,
    ws: wgpu::Buffer,
    mapping: MappingPlan,
    synthesis: Network,
    noise: Vec<NoiseSlot>,
    /// StyleGAN3: the transform buffer, the checkpoint's value and the value written last.
    transform: Option<(wgpu::Buffer, [f32; 9], [f32; 9])>,
    rgba: Step,
    rgba_spec: RgbaSpec,
    texture: wgpu::Texture,
    view: wgpu::TextureView,
    /// Read-back buffers by layer name, and the layers the last render copied.
    staging: HashMap<String, wgpu::Buffer>,
    captured: Vec<String>,
    /// Whether the last render ran to the image.
    image_valid: bool,
    /// Unique per engine (see [`GpuFrame::key`]).
    key: u64,
}

/// Keys of engines' textures.
static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

impl GpuEngine {
    /// Uploads the generator (`G_ema`'s tensors under their state-dict names) and records its
    /// dispatches. Fails with a clear message when the adapter cannot hold the network.
    pub fn new(ctx: &GpuContext, config: &GeneratorConfig, weights: &Weights) -> Result<Self> {
        check_support(ctx, config)?;
        ctx.scoped("building the GPU engine", || Self::build(ctx, config, weights))
    }

    fn build(ctx: &GpuContext, config: &GeneratorConfig, weights: &Weights) -> Result<Self> {
        let ws = ctx.storage("ws", config.num_ws() * config.w_dim())?;
        let mapping = MappingPlan::build(ctx, config.mapping(), weights, &ws)?;
        let mut b = Builder::new(ctx, weights);
        let (noise, transform) = match config {
            GeneratorConfig::StyleGan2(c) => (sg2_plan::build(&mut b, c, &ws)?, None),
            GeneratorConfig::StyleGan3(c) => {
                let (buffer, stored) = sg3_plan::build(&mut b, c, &ws)?;
                (Vec::new(), Some((buffer, stored, stored)))
            }
        };
        let synthesis = b.finish();
        let out = synthesis.output().ok_or_else(|| Error::Format("the synthesis network has no output".into()))?;
        let [channels, height, width] = out.shape;
        let rgba_spec = RgbaSpec { channels, height, width };
        let texture = rgba_spec.create_texture(ctx, "stylescope image")?;
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let rgba = rgba_spec.step(ctx, "to_rgba8", &out.buffer, &view)?;
        Ok(Self {
            ctx: ctx.clone(),
            config: config.clone(),
            ws,
            mapping,
            synthesis,
            noise,
            transform,
            rgba,
            rgba_spec,
            texture,
            view,
            staging: HashMap::new(),
            captured: Vec::new(),
            image_valid: false,
            key: NEXT_KEY.fetch_add(1, Ordering::Relaxed),
        })
    }

    pub fn context(&self) -> &GpuContext {
        &self.ctx
    }

    pub fn config(&self) -> &GeneratorConfig {
        &self.config
    }

    /// The texture every full render writes (`Rgba8Unorm`, image resolution, alpha 255).
    pub fn texture(&self) -> &wgpu::Texture {
        &self.texture
    }

    /// A view of [`GpuEngine::texture`] for `egui_wgpu::Renderer::register_native_texture`.
    pub fn texture_view(&self) -> &wgpu::TextureView {
        &self.view
    }

    /// The output texture as a [`GpuFrame`] for the window (it holds the last full render).
    pub fn frame(&self) -> GpuFrame {
        GpuFrame::new(self.key, self.texture.clone(), self.view.clone(), self.ctx.clone(), self.rgba_spec.clone())
    }

    /// Whether the last render ran to the image (else it stopped at a captured layer).
    pub fn has_image(&self) -> bool {
        self.image_valid
    }

    /// The names and `[channels, height, width]` of the outputs [`Capture`] can select, in
    /// forward order (the visualizer's names; the last is `output`).
    pub fn layer_names(&self) -> Vec<(String, [usize; 3])> {
        self.synthesis.layers.iter().map(|l| (l.name.clone(), l.shape)).collect()
    }

    /// Bytes of GPU memory held for weights and for activations.
    pub fn memory_bytes(&self) -> (u64, u64) {
        (
            self.synthesis.weight_bytes + self.mapping.network.weight_bytes,
            self.synthesis.activation_bytes + self.mapping.network.activation_bytes,
        )
    }

    /// Runs the mapping network: z `[z_dim]` (and one-hot c) → ws `[num_ws · w_dim]`, truncated
    /// toward `w_avg` by `psi` on rows `[0, cutoff)` (all rows when `None`).
    pub fn mapping(&mut self, z: &[f32], c: Option<&[f32]>, psi: f64, cutoff: Option<usize>) -> Result<Vec<f32>> {
        self.mapping.prepare(&self.ctx, z, c, psi, cutoff)?;
        let ctx = self.ctx.clone();
        ctx.scoped("running the mapping network", || {
            let mut encoder =
                ctx.device().create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("mapping") });
            self.mapping.network.record(&mut encoder, usize::MAX, &[]);
            ctx.submit_and_wait(encoder)
        })?;
        ctx.read_f32(&self.ws, self.config.num_ws() * self.config.w_dim())
    }

    /// Renders ws `[num_ws · w_dim]` (row-major, as `Tensor::flatten_all` gives it) with the
    /// options' noise mode and StyleGAN3 input transform, and waits for the GPU.
    /// With [`Capture::All`] every named output is copied for [`GpuEngine::read_back_layer`];
    /// with [`Capture::Until`] only that output is copied and the forward stops there (the
    /// texture keeps the previous image).
    pub fn render(&mut self, ws: &[f32], opts: &SynthesisOptions) -> Result<()> {
        let expected = self.config.num_ws() * self.config.w_dim();
        if ws.len() != expected {
            return Err(Error::Invalid(format!("ws has {} values; this network takes {expected}", ws.len())));
        }
        if let Some(i) = ws.iter().position(|v| !v.is_finite()) {
            return Err(Error::Invalid(format!("ws[{i}] is {} (not a finite number)", ws[i])));
        }
        self.ctx.queue().write_buffer(&self.ws, 0, bytemuck::cast_slice(ws));
        self.run(false, opts)
    }

    /// Mapping and synthesis in one submission (no read-back of ws).
    pub fn render_z(
        &mut self,
        z: &[f32],
        c: Option<&[f32]>,
        psi: f64,
        cutoff: Option<usize>,
        opts: &SynthesisOptions,
    ) -> Result<()> {
        self.mapping.prepare(&self.ctx, z, c, psi, cutoff)?;
        self.run(true, opts)
    }

    fn run(&mut self, with_mapping: bool, opts: &SynthesisOptions) -> Result<()> {
        self.ctx.check()?;
        self.apply_options(opts)?;
        let (last, wanted): (usize, Vec<&str>) = match &opts.capture {
            Capture::Nothing => (usize::MAX, Vec::new()),
            Capture::All => (usize::MAX, self.synthesis.layers.iter().map(|l| l.name.as_str()).collect()),
            Capture::Until(name) => {
                let slot = self.synthesis.layer(name).ok_or_else(|| {
                    let names: Vec<&str> = self.synthesis.layers.iter().map(|l| l.name.as_str()).collect();
                    Error::Invalid(format!("no layer `{name}`; the layers are {}", names.join(", ")))
                })?;
                (slot.after_step, vec![name.as_str()])
            }
        };
        let mut copies = Vec::new();
        for name in &wanted {
            let Some(slot) = self.synthesis.layer(name) else {
                continue;
            };
            let bytes = 4 * slot.len() as u64;
            let staging = self
                .staging
                .entry(slot.name.clone())
                .or_insert_with(|| self.ctx.staging(&format!("{} read-back", slot.name), bytes))
                .clone();
            copies.push((slot.after_step, slot.buffer.clone(), staging, bytes));
        }
        let full = last >= self.synthesis.steps.len().saturating_sub(1);
        let ctx = self.ctx.clone();
        ctx.scoped("rendering on the GPU", || {
            let mut encoder =
                ctx.device().create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("render") });
            if with_mapping {
                self.mapping.network.record(&mut encoder, usize::MAX, &[]);
            }
            self.synthesis.record(&mut encoder, last, &copies);
            if full {
                let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("to_rgba8"),
                    timestamp_writes: None,
                });
                self.rgba.record(&mut pass);
            }
            ctx.submit_and_wait(encoder)
        })?;
        self.captured = wanted.iter().map(|s| s.to_string()).collect();
        self.image_valid = full;
        Ok(())
    }

    fn apply_options(&mut self, opts: &SynthesisOptions) -> Result<()> {
        NoiseSlot::apply_all(&mut self.noise, &self.ctx, opts.noise_mode, opts.noise_seed);
        if let Some((buffer, stored, current)) = &mut self.transform {
            let wanted = match &opts.input_transform {
                None => *stored,
                Some(m) => inverse_f32(m)?,
            };
            if wanted != *current {
                self.ctx.queue().write_buffer(buffer, 0, bytemuck::cast_slice(&wanted));
                *current = wanted;
            }
        } else if opts.input_transform.is_some() {
            return Err(Error::Invalid("StyleGAN2 has no input transform".into()));
        }
        Ok(())
    }

    /// Renders once with every dispatch in its own submission and returns each dispatch's label
    /// and wall-clock seconds (for finding slow kernels; slower than [`GpuEngine::render`]).
    pub fn profile(&mut self, ws: &[f32], opts: &SynthesisOptions) -> Result<Vec<(String, f64)>> {
        self.render(ws, opts)?;
        let mut times = Vec::with_capacity(self.synthesis.steps.len() + 1);
        for step in self.synthesis.steps.iter().chain(std::iter::once(&self.rgba)) {
            let t = std::time::Instant::now();
            step.run(&self.ctx)?;
            times.push((step.label.clone(), t.elapsed().as_secs_f64()));
        }
        Ok(times)
    }

    /// The float image `[1, C, H, W]` of the last full render.
    pub fn read_back_image(&self) -> Result<Tensor> {
        if !self.image_valid {
            return Err(Error::Invalid("no image rendered yet (the last render stopped at a layer)".into()));
        }
        let slot = self.synthesis.output().ok_or_else(|| Error::Format("no output".into()))?;
        let data = self.ctx.read_f32(&slot.buffer, slot.len())?;
        let [c, h, w] = slot.shape;
        Ok(Tensor::from_vec(data, (1, c, h, w), &Device::Cpu)?)
    }

    /// The RGBA8 texture of the last full render, copied to the CPU.
    pub fn read_back_rgba(&self) -> Result<Raster> {
        if !self.image_valid {
            return Err(Error::Invalid("no image rendered yet".into()));
        }
        self.rgba_spec.read_texture(&self.ctx, &self.texture)
    }

    /// A named output `[1, C, H, W]` copied by the last render (see [`GpuEngine::render`]).
    pub fn read_back_layer(&self, name: &str) -> Result<Tensor> {
        let slot =
            self.synthesis.layer(name).ok_or_else(|| Error::Invalid(format!("no layer `{name}` in this network")))?;
        if !self.captured.iter().any(|n| n == name) {
            if name == "output" {
                return self.read_back_image();
            }
            return Err(Error::Invalid(format!(
                "layer `{name}` was not captured by the last render (render with Capture::All or Capture::Until)"
            )));
        }
        let staging =
            self.staging.get(name).ok_or_else(|| Error::Invalid(format!("layer `{name}` has no read-back buffer")))?;
        let data = self.ctx.map_f32(staging, slot.len())?;
        let [c, h, w] = slot.shape;
        Ok(Tensor::from_vec(data, (1, c, h, w), &Device::Cpu)?)
    }

    /// The w vector of the mapping layers' last output is not kept; `ws` of the last
    /// [`GpuEngine::render_z`] is.
    pub fn read_back_ws(&self) -> Result<Vec<f32>> {
        self.ctx.read_f32(&self.ws, self.config.num_ws() * self.config.w_dim())
    }
}

/// The inverse of a forward content transform, in f64, rounded to f32 (what NVIDIA's code
/// writes into `synthesis.input.transform`).
fn inverse_f32(m: &Mat3) -> Result<[f32; 9]> {
    let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    if !det.is_finite() || det.abs() < 1e-12 {
        return Err(Error::Invalid(format!("the input transform {m:?} is singular")));
    }
    let c = |r: usize, col: usize| -> f64 {
        let (r0, r1) = ((r + 1) % 3, (r + 2) % 3);
        let (c0, c1) = ((col + 1) % 3, (col + 2) % 3);
        m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]
    };
    // inverse[i][j] = cofactor(j, i) / det
    Ok(std::array::from_fn(|k| (c(k % 3, k / 3) / det) as f32))
}

#[cfg(test)]
mod tests {
    use super::inverse_f32;

    #[test]
    fn inverse_of_a_rotation_and_translation() {
        let a = 17f64.to_radians();
        let m = [[a.cos(), a.sin(), 0.13], [-a.sin(), a.cos(), -0.21], [0.0, 0.0, 1.0]];
        let inv = inverse_f32(&m).unwrap();
        // manifest.json (sg3t_64, `both`): buffer_float32
        let want = [
            0.9563047289848328,
            -0.2923716902732849,
            -0.18571767210960388,
            0.2923716902732849,
            0.9563047289848328,
            0.16281567513942719,
            0.0,
            0.0,
            1.0,
        ];
        for (g, w) in inv.iter().zip(want) {
            assert!((*g as f64 - w).abs() < 1e-7, "{inv:?}");
        }
        assert!(inverse_f32(&[[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [0.0, 0.0, 1.0]]).is_err());
    }
}
