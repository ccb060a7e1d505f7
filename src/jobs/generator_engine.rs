//! The render engine of a real generator: a checkpoint's `G_ema` run on candle, following the
//! visualizer's renderer (reference §1.2): seeds → z (and classes) → mapping with truncation →
//! bilinear blend and style mix in W → direction sliders → (pseudo-align) → synthesis with noise mode and input
//! transform → (untransform) → 8-bit image.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use candle_core::{Device, Tensor};

use crate::analysis::resample::untransform;
use crate::checkpoint::Checkpoint;
use crate::jobs::engine::{EngineLoader, RenderEngine};
use crate::jobs::request::{ClassChoice, EngineOutput, NetworkInfo, RenderRequest};
use crate::latent::directions::apply_edits;
use crate::latent::style_mix::{blend_ws, seeds_needed};
use crate::latent::{class_from_seed, class_label, z_tensor};
use crate::nn::image::to_raster;
use crate::nn::stylegan3::pseudo_align;
use crate::nn::{Capture, Generator, SynthesisOptions};
use crate::{Error, Result};

/// A loaded generator ready to render requests.
#[derive(Debug)]
pub struct GeneratorEngine {
    info: NetworkInfo,
    generator: Generator,
    device: Device,
}

impl GeneratorEngine {
    /// Opens `path` (`.pkl` or `.safetensors`) and builds its generator on `device`.
    pub fn open(path: &Path, device: &Device) -> Result<Self> {
        let checkpoint = Checkpoint::open(path)?;
        let generator = checkpoint.load_generator(device)?;
        let title = checkpoint.title.clone();
        drop(checkpoint); // the host copy of the weights is no longer needed
        let c = generator.config();
        let info = NetworkInfo {
            path: path.to_path_buf(),
            family: c.family_name().to_string(),
            resolution: c.img_resolution(),
            img_channels: c.img_channels(),
            z_dim: c.z_dim(),
            w_dim: c.w_dim(),
            c_dim: c.c_dim(),
            num_ws: c.num_ws(),
            has_noise: c.has_noise(),
            has_input_transform: c.has_input_transform(),
            title,
        };
        Ok(Self { info, generator, device: device.clone() })
    }

    pub fn generator(&self) -> &Generator {
        &self.generator
    }

    /// The one-hot labels `[n, c_dim]` of `seeds`, or `None` for an unconditional network.
    fn labels(&self, seeds: &[u64], class: ClassChoice) -> Result<Option<Tensor>> {
        let (z_dim, c_dim) = (self.info.z_dim, self.info.c_dim);
        if c_dim == 0 {
            return Ok(None);
        }
        let rows = seeds
            .iter()
            .map(|&s| {
                let k = match class {
                    ClassChoice::PerSeed => class_from_seed(s, z_dim, c_dim)?,
                    ClassChoice::Fixed(k) => k,
                };
                class_label(c_dim, k, 1, &self.device)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(Tensor::cat(&rows, 0)?))
    }

    /// Renderer steps 3–5 (and pseudo-align): the final W, `[1, num_ws, w_dim]`.
    pub fn ws(&self, req: &RenderRequest) -> Result<Tensor> {
        let seeds: Vec<u64> = seeds_needed(&req.seeds, req.stylemix.as_ref()).into_iter().map(u64::from).collect();
        if seeds.is_empty() {
            return Err(Error::Invalid("a render needs at least one seed".into()));
        }
        let z = z_tensor(&seeds, self.info.z_dim, &self.device)?;
        let c = self.labels(&seeds, req.class)?;
        let ws = self.generator.mapping(&z, c.as_ref(), req.psi, req.cutoff)?;
        let of = |seed: u32| -> Result<Tensor> {
            let i = seeds.iter().position(|s| *s == u64::from(seed)).unwrap_or(0);
            Ok(ws.get(i)?)
        };
        let blend = req.seeds.iter().map(|s| Ok((of(s.seed)?, s.weight))).collect::<Result<Vec<_>>>()?;
        let mix = match &req.stylemix {
            Some(m) => Some((of(m.seed)?, m.rows.as_slice())),
            None => None,
        };
        let w_avg = self.generator.w_avg();
        let w = blend_ws(&blend, w_avg, mix.as_ref().map(|(t, r)| (t, *r)))?.unsqueeze(0)?;
        let w = apply_edits(&w, &req.directions)?;
        if req.pseudo_align { pseudo_align(&w, w_avg) } else { Ok(w) }
    }
}

impl RenderEngine for GeneratorEngine {
    fn info(&self) -> NetworkInfo {
        self.info.clone()
    }

    fn render(&mut self, req: &RenderRequest) -> Result<EngineOutput> {
        let mut stages: Vec<(&'static str, Duration)> = Vec::with_capacity(4);
        let t = Instant::now();
        let ws = self.ws(req)?;
        stages.push(("mapping", t.elapsed()));

        let t = Instant::now();
        let transform = if self.info.has_input_transform { req.input_transform } else { None };
        let opts = SynthesisOptions {
            noise_mode: req.noise_mode,
            noise_seed: req.noise_seed,
            input_transform: transform,
            capture: Capture::Nothing,
            style_offsets: req.style_channels.clone(),
        };
        let mut image = self.generator.synthesis(&ws, &opts)?.image;
        stages.push(("synthesis", t.elapsed()));

        if req.untransform
            && let Some(m) = transform
        {
            let t = Instant::now();
            image = untransform(&image, &m)?.0;
            stages.push(("untransform", t.elapsed()));
        }
        let t = Instant::now();
        let raster = to_raster(&image, 0)?;
        stages.push(("to image", t.elapsed()));
        Ok(EngineOutput::pixels(raster, stages))
    }
}

/// Opens networks with [`GeneratorEngine`] on `device`.
#[derive(Clone, Debug)]
pub struct GeneratorLoader {
    pub device: Device,
}

impl Default for GeneratorLoader {
    fn default() -> Self {
        Self { device: Device::Cpu }
    }
}

impl EngineLoader for GeneratorLoader {
    fn load(&self, path: &Path) -> Result<Box<dyn RenderEngine>> {
        Ok(Box::new(GeneratorEngine::open(path, &self.device)?))
    }
}

impl GeneratorLoader {
    pub fn shared(self) -> Arc<dyn EngineLoader> {
        Arc::new(self)
    }
}
