//! One training iteration as NVIDIA's `training_loop.py` runs it: the phases `Gmain`, `Greg`
//! (path length, StyleGAN2, every `pl_interval` iterations), `Dmain`, `Dreg` (R1, every
//! `r1_interval` iterations), each followed by its optimiser step, then the G EMA update.
//! Losses are NVIDIA's non-saturating logistic loss (`StyleGAN2Loss`).

use std::collections::BTreeMap;

use candle_core::{Device, Tensor};

use crate::nn::config::{DiscriminatorConfig, GeneratorConfig};
use crate::nn::random_state::RandomState;
use crate::train::adam::Adam;
use crate::train::forward::{
    EmaUpdates, GenInputs, Mixing, build_discriminator, build_generator, d_main_loss, g_main_loss, mean_f64,
    run_discriminator, run_generator,
};
use crate::train::options::Hyper;
use crate::train::params::ParamSet;
use crate::train::path_length::{PL_STEP, PlSettings, path_length};
use crate::train::r1::{R1_STEP, R1Settings, r1};
use crate::train::rng::{noise_seed, stream_seed};
use crate::train::workers::{backward_part, part_of, run_parts, sum_grads};
use crate::{Error, Result};

/// Everything that changes during training (what a snapshot stores).
#[derive(Debug)]
pub struct Trainer {
    pub g_config: GeneratorConfig,
    pub d_config: DiscriminatorConfig,
    pub g: ParamSet,
    pub d: ParamSet,
    /// `G_ema`'s tensors by state-dict name.
    pub g_ema: BTreeMap<String, Tensor>,
    pub g_opt: Adam,
    pub d_opt: Adam,
    /// The path-length running mean (`pl_mean`).
    pub pl_mean: f64,
    /// Real images shown so far.
    pub cur_nimg: u64,
    /// Iterations so far.
    pub batch_idx: u64,
    pub hyper: Hyper,
    pub seed: u64,
    pub device: Device,
    /// Threads that each run one equal slice of every phase's batch (`--workers`; 1: the whole
    /// batch on the calling thread). An execution setting, not stored in snapshots.
    pub workers: usize,
}

/// What one iteration measured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepStats {
    /// `Loss/G/loss`: mean `softplus(−D(G(z)))`.
    pub loss_g: f64,
    /// `Loss/D/loss`: mean `softplus(D(G(z)))` + mean `softplus(−D(x))`.
    pub loss_d: f64,
    /// `Loss/scores/real`, `Loss/scores/fake` (of the Dmain phase).
    pub scores_real: f64,
    pub scores_fake: f64,
    pub r1_penalty: Option<f64>,
    pub pl_penalty: Option<f64>,
}

/// What one phase draws: `n` latents of `z_dim`, labels from `labels`, style mixing with
/// probability `mixing_prob` over `num_ws` rows, and the noise seed of its synthesis.
struct Draw<'a> {
    n: usize,
    z_dim: usize,
    num_ws: usize,
    mixing_prob: f64,
    labels: &'a LabelSource<'a>,
    device: &'a Device,
}

impl Draw<'_> {
    fn inputs(&self, rng: &mut RandomState, noise_seed: u64) -> Result<GenInputs> {
        let (n, z_dim) = (self.n, self.z_dim);
        let randn =
            |rng: &mut RandomState, k: usize| -> Vec<f32> { rng.randn(k).into_iter().map(|v| v as f32).collect() };
        let z = Tensor::from_vec(randn(rng, n * z_dim), (n, z_dim), self.device)?;
        let c = if self.labels.dim > 0 {
            let mut v = Vec::with_capacity(n * self.labels.dim);
            for _ in 0..n {
                let i = rng.randint(self.labels.len.max(1) as u64)? as usize;
                v.extend((self.labels.label)(i));
            }
            Some(Tensor::from_vec(v, (n, self.labels.dim), self.device)?)
        } else {
            None
        };
        // NVIDIA draws one cutoff in [1, num_ws) per batch and mixes with probability p.
        let mixing = if self.mixing_prob > 0.0 && self.num_ws > 1 {
            let cutoff = 1 + rng.randint((self.num_ws - 1) as u64)? as usize;
            let mix = rng.random_sample() < self.mixing_prob;
            let z2 = Tensor::from_vec(randn(rng, n * z_dim), (n, z_dim), self.device)?;
            mix.then_some(Mixing { cutoff, z2 })
        } else {
            None
        };
        Ok(GenInputs { z, c, mixing, noise_seed })
    }
}

/// The mean of equal slices' means.
fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// Labels of the training set for the generator's conditioning (random dataset items).
pub struct LabelSource<'a> {
    pub dim: usize,
    pub len: usize,
    pub label: &'a dyn Fn(usize) -> Vec<f32>,
}

impl Trainer {
    /// The blur of D's inputs at the current progress.
    pub fn blur_sigma(&self) -> f64 {
        let h = &self.hyper;
        if h.blur_fade_kimg > 0.0 && h.blur_init_sigma > 0.0 {
            (1.0 - self.cur_nimg as f64 / (h.blur_fade_kimg * 1e3)).max(0.0) * h.blur_init_sigma
        } else {
            0.0
        }
    }

    /// One iteration on the real batch `real [B, C, R, R]` (and its labels).
    pub fn step(&mut self, real: &Tensor, real_c: Option<&Tensor>, labels: &LabelSource<'_>) -> Result<StepStats> {
        let batch = real.dim(0)?;
        let h = self.hyper.clone();
        let dev = self.device.clone();
        let (z_dim, num_ws) = (self.g_config.z_dim(), self.g_config.num_ws());
        let label_dim = if self.g_config.c_dim() > 0 { labels.dim } else { 0 };
        if label_dim != self.g_config.c_dim() {
            return Err(Error::Invalid(format!(
                "the generator takes {} label values, the dataset gives {}",
                self.g_config.c_dim(),
                labels.dim
            )));
        }
        let mut rng = RandomState::new(stream_seed(self.seed, self.batch_idx, 1));
        let conditioning = LabelSource { dim: label_dim, len: labels.len, label: labels.label };
        let draw =
            Draw { n: batch, z_dim, num_ws, mixing_prob: h.style_mixing_prob, labels: &conditioning, device: &dev };
        let (seed, idx) = (self.seed, self.batch_idx);
        let x_gmain = draw.inputs(&mut rng, noise_seed(seed, idx, 10))?;
        let x_greg = draw.inputs(&mut rng, noise_seed(seed, idx, 11))?;
        let x_dmain = draw.inputs(&mut rng, noise_seed(seed, idx, 12))?;
        let blur_sigma = self.blur_sigma();
        let mut stats = StepStats::default();

        // Gmain: maximise D's logits of generated images.
        let parts = self.workers.max(1);
        {
            let (gp, dp, g_config, d_config) = (&self.g, &self.d, &self.g_config, &self.d_config);
            let outs = run_parts(parts, |k| {
                let x = x_gmain.part(k, parts)?;
                let g = build_generator(g_config, &gp.tracked(), &dev)?;
                let d = build_discriminator(d_config, &dp.detached())?;
                let (img, _) = run_generator(&g, &x, None)?;
                let logits = run_discriminator(&d, &img, x.c.as_ref(), blur_sigma)?;
                let loss = g_main_loss(&logits)?;
                Ok((mean_f64(&loss)?, backward_part(&loss, parts)?))
            })?;
            let (losses, grads): (Vec<f64>, Vec<_>) = outs.into_iter().unzip();
            stats.loss_g = mean(&losses);
            let grads = sum_grads(grads, &self.g.params)?;
            self.g_opt.step(&self.g.params, &grads)?;
        }

        // Greg: path-length regularisation.
        if let Some(interval) = h.pl_interval.filter(|_| h.pl_weight > 0.0)
            && self.batch_idx.is_multiple_of(interval as u64)
        {
            let n = (batch / h.pl_batch_shrink).max(1);
            let x = x_greg.head(n)?;
            let r = self.g_config.img_resolution();
            let ch = self.g_config.img_channels();
            let y: Vec<f32> = rng.randn(n * ch * r * r).into_iter().map(|v| (v / r as f64) as f32).collect();
            let y = Tensor::from_vec(y, (n, ch, r, r), &dev)?;
            let s = PlSettings { weight: h.pl_weight, decay: h.pl_decay, gain: interval as f64, step: PL_STEP };
            let pl = path_length(&self.g, &self.g_config, &x, &y, self.pl_mean, s)?;
            stats.pl_penalty = Some(pl.penalty);
            self.pl_mean = pl.pl_mean;
            if let Some(surrogate) = pl.surrogate {
                let grads = surrogate.backward()?;
                self.g_opt.step(&self.g.params, &grads)?;
            }
        }

        // Dmain: minimise D's logits of generated images, maximise those of real ones. G runs
        // with `update_emas` (w_avg, magnitude_ema; with several workers, the first slice's, as
        // NVIDIA keeps rank 0's). Its output is detached (G gets no gradient); it is built from
        // the tracked parameters all the same, because the autograd paths of the ops (im2col
        // convolution, direct FIR kernel) are the faster ones on the CPU.
        {
            let (gp, dp, g_config, d_config) = (&self.g, &self.d, &self.g_config, &self.d_config);
            let outs = run_parts(parts, |k| {
                let x = x_dmain.part(k, parts)?;
                let real = part_of(real, k, parts)?;
                let real_c = real_c.map(|c| part_of(c, k, parts)).transpose()?;
                let g = build_generator(g_config, &gp.tracked(), &dev)?;
                let mut ema = EmaUpdates::new(gp.buffers.clone());
                let (img, _) = run_generator(&g, &x, Some(&mut ema))?;
                // Only the values go on: dropping the tracked image frees G's graph (every
                // layer's saved activations) before D runs.
                let img = img.detach();
                drop(g);
                let d = build_discriminator(d_config, &dp.tracked())?;
                let fake = run_discriminator(&d, &img, x.c.as_ref(), blur_sigma)?;
                let real_logits = run_discriminator(&d, &real, real_c.as_ref(), blur_sigma)?;
                let loss = d_main_loss(&fake, &real_logits)?;
                let values = [mean_f64(&loss)?, mean_f64(&fake)?, mean_f64(&real_logits)?];
                Ok((values, ema.buffers, backward_part(&loss, parts)?))
            })?;
            let mut grads = Vec::with_capacity(parts);
            let mut sums = [0.0; 3];
            for (k, (values, buffers, g)) in outs.into_iter().enumerate() {
                for (s, v) in sums.iter_mut().zip(values) {
                    *s += v / parts as f64;
                }
                if k == 0 {
                    for (name, value) in buffers {
                        self.g.set_buffer(&name, value)?;
                    }
                }
                grads.push(g);
            }
            [stats.loss_d, stats.scores_fake, stats.scores_real] = sums;
            let grads = sum_grads(grads, &self.d.params)?;
            self.d_opt.step(&self.d.params, &grads)?;
        }

        // Dreg: R1 on the real images.
        if h.r1_gamma > 0.0 && self.batch_idx.is_multiple_of(h.r1_interval as u64) {
            let settings = R1Settings { blur_sigma, gamma: h.r1_gamma, gain: h.r1_interval as f64, step: R1_STEP };
            let (dp, d_config) = (&self.d, &self.d_config);
            let outs = run_parts(parts, |k| {
                let real = part_of(real, k, parts)?;
                let real_c = real_c.map(|c| part_of(c, k, parts)).transpose()?;
                let r = r1(dp, d_config, &real, real_c.as_ref(), settings)?;
                let grads = r.surrogate.map(|s| backward_part(&s, parts)).transpose()?;
                Ok((r.penalty, grads))
            })?;
            let (penalties, grads): (Vec<f64>, Vec<_>) = outs.into_iter().unzip();
            stats.r1_penalty = Some(mean(&penalties));
            let grads: Vec<_> = grads.into_iter().flatten().collect();
            if !grads.is_empty() {
                let grads = sum_grads(grads, &self.d.params)?;
                self.d_opt.step(&self.d.params, &grads)?;
            }
        }

        self.update_ema(batch)?;
        self.cur_nimg += batch as u64;
        self.batch_idx += 1;
        Ok(stats)
    }

    /// `G_ema ← lerp(G, G_ema, β)` for parameters (β from the EMA half-life with ramp-up), copy
    /// of buffers.
    pub fn update_ema(&mut self, batch: usize) -> Result<()> {
        let h = &self.hyper;
        let mut ema_nimg = h.ema_kimg * 1000.0;
        if let Some(rampup) = h.ema_rampup {
            ema_nimg = ema_nimg.min(self.cur_nimg as f64 * rampup);
        }
        let beta = 0.5f64.powf(batch as f64 / ema_nimg.max(1e-8));
        for (name, var) in &self.g.params {
            let p = var.as_tensor().detach();
            let e = self.g_ema.get(name).ok_or_else(|| Error::MissingTensor(format!("G_ema.{name}")))?;
            let new = (&p + ((e - &p)? * beta)?)?;
            self.g_ema.insert(name.clone(), new);
        }
        for (name, b) in &self.g.buffers {
            self.g_ema.insert(name.clone(), b.clone());
        }
        Ok(())
    }
}
