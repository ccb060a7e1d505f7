//! The networks as training runs them (NVIDIA's `StyleGAN2Loss.run_G` / `run_D`): the generator
//! built for training (non-fused modulated convolutions, random noise), style mixing, the
//! moving averages a training forward updates (`w_avg`; StyleGAN3's `magnitude_ema`), and the
//! blur of the discriminator's inputs at the start of StyleGAN3-R runs.

use candle_core::{DType, Device, IndexOp, Tensor};

use crate::Result;
use crate::nn::config::{DiscriminatorConfig, GeneratorConfig};
use crate::nn::discriminator::Discriminator;
use crate::nn::generator::{Generator, NoiseMode, Synthesis, SynthesisOptions};
use crate::nn::ops::upfirdn2d::filter2d;
use crate::nn::stylegan2::ModConvPath;
use crate::nn::weights::Weights;

/// The generator for training: every modulated convolution non-fused (NVIDIA's
/// `fused_modconv_default = 'inference_only'`).
pub fn build_generator(config: &GeneratorConfig, weights: &Weights, device: &Device) -> Result<Generator> {
    let mut g = Generator::new(config.clone(), weights, device)?;
    if let Synthesis::StyleGan2(s) = &mut g.synthesis {
        s.modconv_path = ModConvPath::NonFused;
    }
    Ok(g)
}

pub fn build_discriminator(config: &DiscriminatorConfig, weights: &Weights) -> Result<Discriminator> {
    Discriminator::new(config, weights)
}

/// Style mixing of one batch: rows `cutoff..` of ws come from the mapping of `z2`.
#[derive(Clone, Debug)]
pub struct Mixing {
    pub cutoff: usize,
    pub z2: Tensor,
}

/// The latent inputs of one `run_G`.
#[derive(Clone, Debug)]
pub struct GenInputs {
    pub z: Tensor,
    pub c: Option<Tensor>,
    pub mixing: Option<Mixing>,
    /// Seed of the StyleGAN2 noise inputs of this call.
    pub noise_seed: u64,
}

impl GenInputs {
    /// The first `n` samples.
    pub fn head(&self, n: usize) -> Result<Self> {
        self.narrow(0, n, self.noise_seed)
    }

    /// Slice `k` of `parts` equal slices (data-parallel steps, [`crate::train::workers`]); the
    /// slices after the first draw their noise from seeds of their own.
    pub fn part(&self, k: usize, parts: usize) -> Result<Self> {
        if parts <= 1 {
            return Ok(self.clone());
        }
        let (start, len) = crate::train::workers::slice_range(self.z.dim(0)?, k, parts)?;
        // Seeds are 32 bits (`NoiseMode::Random`).
        let seed = if k == 0 {
            self.noise_seed
        } else {
            (self.noise_seed ^ (k as u64).wrapping_mul(0x7F4A_7C15)) & 0xFFFF_FFFF
        };
        self.narrow(start, len, seed)
    }

    fn narrow(&self, start: usize, len: usize, noise_seed: u64) -> Result<Self> {
        Ok(Self {
            z: self.z.narrow(0, start, len)?,
            c: self.c.as_ref().map(|c| c.narrow(0, start, len)).transpose()?,
            mixing: self
                .mixing
                .as_ref()
                .map(|m| Ok::<_, crate::Error>(Mixing { cutoff: m.cutoff, z2: m.z2.narrow(0, start, len)? }))
                .transpose()?,
            noise_seed,
        })
    }
}

/// Moving averages updated by a forward with `update_emas` (written back by the caller).
#[derive(Debug, Default)]
pub struct EmaUpdates {
    /// The generator's buffers before the forward.
    pub before: std::collections::BTreeMap<String, Tensor>,
    /// `(name, new value)`.
    pub buffers: Vec<(String, Tensor)>,
}

impl EmaUpdates {
    pub fn new(before: std::collections::BTreeMap<String, Tensor>) -> Self {
        Self { before, buffers: Vec::new() }
    }

    /// The value of buffer `name` before the forward.
    pub fn current(&self, name: &str) -> Result<Tensor> {
        self.before.get(name).cloned().ok_or_else(|| crate::Error::MissingTensor(name.to_string()))
    }
}

/// `G.mapping` with style mixing: ws `[N, num_ws, w_dim]`. With `ema`, records the new
/// `mapping.w_avg = lerp(mean(w), w_avg, w_avg_beta)` (from the first mapping only).
pub fn run_mapping(g: &Generator, x: &GenInputs, ema: Option<&mut EmaUpdates>) -> Result<Tensor> {
    let mut ws = g.mapping(&x.z, x.c.as_ref(), 1.0, None)?;
    if let Some(ema) = ema {
        let beta = g.config().mapping().w_avg_beta;
        let mean = ws.i((.., 0))?.detach().mean(0)?;
        let avg = g.w_avg().to_dtype(mean.dtype())?;
        ema.buffers.push(("mapping.w_avg".into(), (&mean + ((avg - &mean)? * beta)?)?));
    }
    if let Some(m) = &x.mixing {
        let num_ws = ws.dim(1)?;
        if m.cutoff > 0 && m.cutoff < num_ws {
            let ws2 = g.mapping(&m.z2, x.c.as_ref(), 1.0, None)?;
            ws = Tensor::cat(&[&ws.narrow(1, 0, m.cutoff)?, &ws2.narrow(1, m.cutoff, num_ws - m.cutoff)?], 1)?;
        }
    }
    Ok(ws)
}

/// `G.synthesis` as in training: random noise from `noise_seed` (StyleGAN2); StyleGAN3 through
/// [`crate::train::sg3_forward`], whose layers, with `ema`, update `magnitude_ema` from their
/// inputs and use the updated gains.
pub fn run_synthesis(g: &Generator, ws: &Tensor, noise_seed: u64, ema: Option<&mut EmaUpdates>) -> Result<Tensor> {
    match &g.synthesis {
        Synthesis::StyleGan3(s) => crate::train::sg3_forward::synthesis(s, ws, ema),
        Synthesis::StyleGan2(_) => {
            let opts = SynthesisOptions { noise_mode: NoiseMode::Random, noise_seed, ..Default::default() };
            Ok(g.synthesis(ws, &opts)?.image)
        }
    }
}

/// `run_G`: mapping (with mixing) and synthesis; returns `(img, ws)`.
pub fn run_generator(g: &Generator, x: &GenInputs, mut ema: Option<&mut EmaUpdates>) -> Result<(Tensor, Tensor)> {
    let ws = run_mapping(g, x, ema.as_deref_mut())?;
    let img = run_synthesis(g, &ws, x.noise_seed, ema)?;
    Ok((img, ws))
}

/// The Gaussian blur of D's inputs (`blur_sigma > 0` only early in StyleGAN3-R runs):
/// taps `exp2(−(k/σ)²)` for `|k| ≤ ⌊3σ⌋`, normalised, applied separably.
pub fn blur(img: &Tensor, sigma: f64) -> Result<Tensor> {
    let size = (sigma * 3.0).floor();
    if size <= 0.0 {
        return Ok(img.clone());
    }
    let taps: Vec<f32> = (-(size as i64)..=size as i64).map(|k| (-(k as f64 / sigma).powi(2)).exp2() as f32).collect();
    let sum: f32 = taps.iter().sum();
    let f = Tensor::from_vec(taps.iter().map(|t| t / sum).collect::<Vec<_>>(), taps.len(), img.device())?
        .to_dtype(img.dtype())?;
    filter2d(img, Some(&f), [0; 4], false, 1.0)
}

/// `run_D`: optional blur, then the discriminator → logits `[N, 1]`.
pub fn run_discriminator(d: &Discriminator, img: &Tensor, c: Option<&Tensor>, blur_sigma: f64) -> Result<Tensor> {
    let img = if blur_sigma > 0.0 { blur(img, blur_sigma)? } else { img.clone() };
    d.forward(&img, c)
}

/// `softplus(x) = log(1 + exp(x))`, computed stably as `max(x, 0) + log(1 + exp(−|x|))`.
pub fn softplus(x: &Tensor) -> Result<Tensor> {
    Ok((x.relu()? + (x.abs()?.neg()?.exp()? + 1.0)?.log()?)?)
}

/// NVIDIA's non-saturating generator loss: `mean softplus(−D(G(z)))` from D's logits of fakes.
pub fn g_main_loss(fake_logits: &Tensor) -> Result<Tensor> {
    Ok(softplus(&fake_logits.neg()?)?.mean_all()?)
}

/// NVIDIA's discriminator loss: `mean softplus(D(G(z))) + mean softplus(−D(x))`.
pub fn d_main_loss(fake_logits: &Tensor, real_logits: &Tensor) -> Result<Tensor> {
    Ok((softplus(fake_logits)?.mean_all()? + softplus(&real_logits.neg()?)?.mean_all()?)?)
}

/// The mean of a tensor as f64.
pub fn mean_f64(x: &Tensor) -> Result<f64> {
    Ok(x.to_dtype(DType::F64)?.mean_all()?.to_scalar::<f64>()?)
}
