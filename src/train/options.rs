//! What a training run is asked to do (`train.py`'s options) and the hyper-parameters each
//! configuration derives from them (NVIDIA's `train.py` and `training/loss.py` defaults).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// `--cfg`: the generator family and its training recipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrainCfg {
    #[serde(rename = "stylegan2")]
    StyleGan2,
    #[serde(rename = "stylegan3-t")]
    StyleGan3T,
    #[serde(rename = "stylegan3-r")]
    StyleGan3R,
}

impl TrainCfg {
    pub fn name(self) -> &'static str {
        match self {
            Self::StyleGan2 => "stylegan2",
            Self::StyleGan3T => "stylegan3-t",
            Self::StyleGan3R => "stylegan3-r",
        }
    }
}

impl std::str::FromStr for TrainCfg {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "stylegan2" => Ok(Self::StyleGan2),
            "stylegan3-t" => Ok(Self::StyleGan3T),
            "stylegan3-r" => Ok(Self::StyleGan3R),
            other => Err(Error::Invalid(format!("unknown --cfg `{other}` (stylegan2, stylegan3-t or stylegan3-r)"))),
        }
    }
}

/// The options of one training run. [`TrainOptions::new`] fills in NVIDIA's defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    pub cfg: TrainCfg,
    /// Dataset: a zip or folder of square PNGs (NVIDIA's `dataset_tool.py` format).
    pub data: PathBuf,
    /// Where the run directory `NNNNN-<cfg>-<dataset>-…` is created.
    pub outdir: PathBuf,
    /// Total training length in thousands of real images shown to D (a resumed snapshot's
    /// progress counts towards it).
    pub kimg: f64,
    pub batch: usize,
    /// R1 weight γ.
    pub gamma: f64,
    /// Train conditionally on the dataset's labels (`--cond`).
    pub cond: bool,
    /// Add x-flipped copies of the dataset (`--mirror`).
    pub mirror: bool,
    /// Channel base and maximum of G and D (`--cbase`, `--cmax`).
    pub cbase: usize,
    pub cmax: usize,
    /// Mapping layers (`--map-depth`; default 8 for stylegan2, 2 for stylegan3).
    pub map_depth: Option<usize>,
    /// Latent and intermediate latent widths (512 in NVIDIA's `train.py`; smaller for CPU work).
    pub z_dim: usize,
    pub w_dim: usize,
    /// Learning rates (`--glr`, default 0.002 for stylegan2 and 0.0025 for stylegan3; `--dlr` 0.002).
    pub glr: Option<f64>,
    pub dlr: f64,
    /// Minibatch standard deviation group size (`--mbstd-group`).
    pub mbstd_group: usize,
    /// Freeze-D: the first N discriminator layers are not trained (`--freezed`).
    pub freezed: usize,
    /// NVIDIA's `--fp32`: `num_fp16_res = 0` and no `conv_clamp`. (Everything computes in
    /// float32 here either way; this changes the architecture's clamps.)
    pub fp32: bool,
    /// Progress every `tick` kimg; snapshots (network and image grid) every `snap` ticks.
    pub tick: f64,
    pub snap: usize,
    pub seed: u64,
    /// Continue from a stylescope snapshot or an NVIDIA pickle.
    pub resume: Option<PathBuf>,
    /// Description appended to the run directory name (`--desc`).
    pub desc: Option<String>,
    /// Sample grid, columns × rows (samples at seeds `0 .. cols·rows`).
    pub grid: [usize; 2],
    /// Lazy regularisation intervals (NVIDIA: R1 every 16 D steps, path length every 4 G steps).
    pub r1_interval: usize,
    pub pl_interval: usize,
    /// Threads that each run an equal slice of the batch, their gradients averaged, as NVIDIA
    /// splits a batch across `--gpus` (`--workers`; see [`crate::train::workers`]).
    #[serde(default = "one")]
    pub workers: usize,
}

fn one() -> usize {
    1
}

impl TrainOptions {
    /// NVIDIA's defaults for everything but the required options.
    pub fn new(cfg: TrainCfg, data: PathBuf, outdir: PathBuf, batch: usize, gamma: f64) -> Self {
        Self {
            cfg,
            data,
            outdir,
            kimg: 25000.0,
            batch,
            gamma,
            cond: false,
            mirror: false,
            cbase: 32768,
            cmax: 512,
            map_depth: None,
            z_dim: 512,
            w_dim: 512,
            glr: None,
            dlr: 0.002,
            mbstd_group: 4,
            freezed: 0,
            fp32: false,
            tick: 4.0,
            snap: 50,
            seed: 0,
            resume: None,
            desc: None,
            grid: [8, 4],
            r1_interval: 16,
            pl_interval: 4,
            workers: 1,
        }
    }

    /// Rejects options no run could use.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Invalid(m));
        if self.batch == 0 {
            return bad("--batch must be at least 1".into());
        }
        if !self.batch.is_multiple_of(self.mbstd_group.min(self.batch).max(1)) {
            return bad(format!("--batch {} must be a multiple of --mbstd-group {}", self.batch, self.mbstd_group));
        }
        if self.workers == 0 || !self.batch.is_multiple_of(self.workers) {
            return bad(format!("--batch {} must be a multiple of --workers {}", self.batch, self.workers));
        }
        let slice = self.batch / self.workers;
        if self.workers > 1 && !slice.is_multiple_of(self.mbstd_group.min(slice).max(1)) {
            return bad(format!(
                "each worker's slice of {slice} images (--batch {} / --workers {}) must be a multiple of --mbstd-group {}",
                self.batch, self.workers, self.mbstd_group
            ));
        }
        if !(self.kimg.is_finite() && self.kimg >= 0.0 && self.tick.is_finite() && self.tick > 0.0) {
            return bad("--kimg must be ≥ 0 and --tick > 0".into());
        }
        if !(self.gamma.is_finite() && self.gamma >= 0.0) {
            return bad(format!("--gamma must be ≥ 0, got {}", self.gamma));
        }
        if self.cbase == 0 || self.cmax == 0 || self.z_dim == 0 || self.w_dim == 0 || self.snap == 0 {
            return bad("--cbase, --cmax, --z-dim, --w-dim and --snap must be ≥ 1".into());
        }
        if self.grid[0] == 0 || self.grid[1] == 0 || self.r1_interval == 0 || self.pl_interval == 0 {
            return bad("the sample grid and the regularisation intervals must be ≥ 1".into());
        }
        let lrs = [self.glr.unwrap_or(1.0), self.dlr];
        if lrs.iter().any(|lr| !(lr.is_finite() && *lr > 0.0)) {
            return bad("learning rates must be positive".into());
        }
        Ok(())
    }

    /// The loss and optimiser settings of this configuration.
    pub fn hyper(&self) -> Hyper {
        let sg2 = self.cfg == TrainCfg::StyleGan2;
        let b = self.batch as f64;
        Hyper {
            glr: self.glr.unwrap_or(if sg2 { 0.002 } else { 0.0025 }),
            dlr: self.dlr,
            betas: [0.0, 0.99],
            eps: 1e-8,
            r1_gamma: self.gamma,
            r1_interval: self.r1_interval,
            style_mixing_prob: if sg2 { 0.9 } else { 0.0 },
            pl_weight: if sg2 { 2.0 } else { 0.0 },
            pl_interval: if sg2 { Some(self.pl_interval) } else { None },
            pl_batch_shrink: 2,
            pl_decay: 0.01,
            blur_init_sigma: if self.cfg == TrainCfg::StyleGan3R { 10.0 } else { 0.0 },
            blur_fade_kimg: if self.cfg == TrainCfg::StyleGan3R { b * 200.0 / 32.0 } else { 0.0 },
            ema_kimg: b * 10.0 / 32.0,
            ema_rampup: Some(0.05),
            magnitude_ema_beta: 0.5f64.powf(b / 20000.0),
            map_depth: self.map_depth.unwrap_or(if sg2 { 8 } else { 2 }),
        }
    }
}

/// Derived hyper-parameters (NVIDIA's `train.py` configuration and `StyleGAN2Loss` defaults).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hyper {
    pub glr: f64,
    pub dlr: f64,
    /// Adam's β₁, β₂ (before the lazy-regularisation adjustment).
    pub betas: [f64; 2],
    pub eps: f64,
    pub r1_gamma: f64,
    pub r1_interval: usize,
    pub style_mixing_prob: f64,
    pub pl_weight: f64,
    /// `None`: no path-length regularisation (StyleGAN3), G is not lazily regularised.
    pub pl_interval: Option<usize>,
    pub pl_batch_shrink: usize,
    pub pl_decay: f64,
    /// The blur of D's inputs at the start of StyleGAN3-R runs, fading out over `blur_fade_kimg`.
    pub blur_init_sigma: f64,
    pub blur_fade_kimg: f64,
    /// G EMA half-life in kimg, and its ramp-up (`None` after resuming from an NVIDIA pickle).
    pub ema_kimg: f64,
    pub ema_rampup: Option<f64>,
    pub magnitude_ema_beta: f64,
    pub map_depth: usize,
}

impl Hyper {
    /// Adam settings of a network regularised every `interval` steps (NVIDIA's lazy
    /// regularisation: `lr·r`, `β^r` with `r = interval/(interval+1)`); `None`: not lazy.
    pub fn lazy_adam(lr: f64, betas: [f64; 2], interval: Option<usize>) -> (f64, [f64; 2]) {
        match interval {
            Some(i) => {
                let r = i as f64 / (i as f64 + 1.0);
                (lr * r, [betas[0].powf(r), betas[1].powf(r)])
            }
            None => (lr, betas),
        }
    }
}
