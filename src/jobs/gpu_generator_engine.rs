//! The render engine of a real generator on the GPU: the same steps as
//! [`crate::jobs::generator_engine::GeneratorEngine`] (seeds → z → mapping with truncation →
//! blend and style mix in W → pseudo-align → synthesis with noise mode and input transform), with
//! mapping and synthesis run by the WGSL engine ([`GpuEngine`]) on a shared device, normally the
//! window's. The frame stays in the engine's texture ([`GpuFrame`]) for the window to paint;
//! pixels are read back only when asked for (or for `untransform`, which resamples on the CPU).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use candle_core::{Device, Tensor};

use crate::analysis::resample::untransform;
use crate::checkpoint::{Checkpoint, NetworkKind};
use crate::gpu::compute::{GpuContext, GpuEngine, GpuFrame, check_support};
use crate::jobs::engine::RenderEngine;
use crate::jobs::request::{ClassChoice, EngineOutput, NetworkInfo, RenderRequest};
use crate::latent::style_mix::{blend_ws, seeds_needed};
use crate::latent::{class_from_seed, z_tensor};
use crate::nn::image::to_raster;
use crate::nn::stylegan3::pseudo_align;
use crate::nn::{Capture, SynthesisOptions};
use crate::{Error, Result};

/// A checkpoint's generator on the GPU, ready to render requests.
#[derive(Debug)]
pub struct GpuGeneratorEngine {
    info: NetworkInfo,
    engine: GpuEngine,
    w_avg: Tensor,
    /// When set, every frame's pixels are also read back (the window's difference view).
    pixels: Arc<AtomicBool>,
}

impl GpuGeneratorEngine {
    /// Opens `path` (`.pkl` or `.safetensors`) and builds its generator on `ctx`'s device. Fails
    /// with a one-line reason when the adapter cannot run it ([`check_support`]).
    pub fn open(path: &Path, ctx: &GpuContext, pixels: Arc<AtomicBool>) -> Result<Self> {
        let checkpoint = Checkpoint::open(path)?;
        let network = checkpoint.generator_network()?;
        let NetworkKind::Generator(config) = &network.kind else {
            return Err(Error::Format("the checkpoint has no generator".into()).in_file(path));
        };
        check_support(ctx, config)?;
        let weights = checkpoint.weights(&network.key, &Device::Cpu)?;
        let w_avg = weights.get("mapping.w_avg", &[config.w_dim()])?;
        let engine = GpuEngine::new(ctx, config, &weights)?;
        let info = NetworkInfo {
            path: path.to_path_buf(),
            family: config.family_name().to_string(),
            resolution: config.img_resolution(),
            img_channels: config.img_channels(),
            z_dim: config.z_dim(),
            w_dim: config.w_dim(),
            c_dim: config.c_dim(),
            num_ws: config.num_ws(),
            has_noise: config.has_noise(),
            has_input_transform: config.has_input_transform(),
            title: checkpoint.title.clone(),
        };
        Ok(Self { info, engine, w_avg, pixels })
    }

    pub fn engine(&self) -> &GpuEngine {
        &self.engine
    }

    /// The texture the frames are rendered into.
    pub fn frame(&self) -> GpuFrame {
        self.engine.frame()
    }

    /// The one-hot label of `seed`, or `None` for an unconditional network.
    fn label(&self, seed: u64, class: ClassChoice) -> Result<Option<Vec<f32>>> {
        let (z_dim, c_dim) = (self.info.z_dim, self.info.c_dim);
        if c_dim == 0 {
            return Ok(None);
        }
        let k = match class {
            ClassChoice::PerSeed => class_from_seed(seed, z_dim, c_dim)?,
            ClassChoice::Fixed(k) => k,
        };
        if k >= c_dim {
            return Err(Error::Invalid(format!("class {k} is out of range: the network has {c_dim} classes")));
        }
        let mut c = vec![0.0; c_dim];
        c[k] = 1.0;
        Ok(Some(c))
    }

    /// The final W of a request, `[num_ws · w_dim]` (mapping on the GPU; blend, style mix and
    /// pseudo-align as the CPU engine does them).
    pub fn ws(&mut self, req: &RenderRequest) -> Result<Vec<f32>> {
        let seeds: Vec<u64> = seeds_needed(&req.seeds, req.stylemix.as_ref()).into_iter().map(u64::from).collect();
        if seeds.is_empty() {
            return Err(Error::Invalid("a render needs at least one seed".into()));
        }
        let (num_ws, w_dim) = (self.info.num_ws, self.info.w_dim);
        let z = z_tensor(&seeds, self.info.z_dim, &Device::Cpu)?;
        let mut per_seed = Vec::with_capacity(seeds.len());
        for (i, &seed) in seeds.iter().enumerate() {
            let zi = z.get(i)?.to_vec1::<f32>()?;
            let c = self.label(seed, req.class)?;
            let ws = self.engine.mapping(&zi, c.as_deref(), req.psi, req.cutoff)?;
            per_seed.push(Tensor::from_vec(ws, (num_ws, w_dim), &Device::Cpu)?);
        }
        let of = |seed: u32| -> &Tensor {
            let i = seeds.iter().position(|s| *s == u64::from(seed)).unwrap_or(0);
            &per_seed[i]
        };
        let blend: Vec<(Tensor, f64)> = req.seeds.iter().map(|s| (of(s.seed).clone(), s.weight)).collect();
        let mix = req.stylemix.as_ref().map(|m| (of(m.seed), m.rows.as_slice()));
        let mut w = crate::latent::directions::apply_edits(
            &blend_ws(&blend, &self.w_avg, mix)?.unsqueeze(0)?,
            &req.directions,
        )?;
        if req.pseudo_align {
            w = pseudo_align(&w, &self.w_avg)?;
        }
        Ok(w.flatten_all()?.to_vec1::<f32>()?)
    }

    fn options(&self, req: &RenderRequest, capture: Capture) -> SynthesisOptions {
        SynthesisOptions {
            noise_mode: req.noise_mode,
            noise_seed: req.noise_seed,
            input_transform: if self.info.has_input_transform { req.input_transform } else { None },
            capture,
            style_offsets: Vec::new(),
        }
    }

    /// The layer inspector's read-back: renders `req` up to the output named `layer` (one of
    /// [`GpuEngine::layer_names`], NVIDIA's module names) and returns it, `[1, C, H, W]`. The
    /// displayed texture keeps the previous frame.
    pub fn render_layer(&mut self, req: &RenderRequest, layer: &str) -> Result<Tensor> {
        let ws = self.ws(req)?;
        let opts = self.options(req, Capture::Until(layer.to_string()));
        self.engine.render(&ws, &opts)?;
        self.engine.read_back_layer(layer)
    }
}

impl RenderEngine for GpuGeneratorEngine {
    fn info(&self) -> NetworkInfo {
        self.info.clone()
    }

    fn render(&mut self, req: &RenderRequest) -> Result<EngineOutput> {
        let mut stages: Vec<(&'static str, Duration)> = Vec::with_capacity(4);
        if !req.style_channels.is_empty() {
            return Err(Error::Unsupported(
                "StyleSpace channel edits run on the CPU engine only: choose the CPU engine under Engine in the control pane".into(),
            ));
        }
        let t = Instant::now();
        let ws = self.ws(req)?;
        stages.push(("mapping (GPU)", t.elapsed()));

        let t = Instant::now();
        let opts = self.options(req, Capture::Nothing);
        self.engine.render(&ws, &opts)?;
        stages.push(("synthesis (GPU)", t.elapsed()));

        if req.untransform
            && let Some(m) = opts.input_transform
        {
            let t = Instant::now();
            let image = untransform(&self.engine.read_back_image()?, &m)?.0;
            let raster = to_raster(&image, 0)?;
            stages.push(("untransform (CPU)", t.elapsed()));
            return Ok(EngineOutput::pixels(raster, stages));
        }
        let image = if self.pixels.load(Ordering::Relaxed) {
            let t = Instant::now();
            let raster = self.engine.read_back_rgba()?;
            stages.push(("read-back", t.elapsed()));
            Some(raster)
        } else {
            None
        };
        Ok(EngineOutput { image, frame: Some(Arc::new(self.engine.frame())), stages })
    }
}
