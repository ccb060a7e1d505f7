//! The networks a run starts from: new ones built from the options (NVIDIA's `train.py`
//! constructor arguments), a stylescope snapshot (everything restored, so training continues bit
//! for bit), or an NVIDIA pickle (G, D and G_ema; fresh optimisers; as NVIDIA's `--resume`, no EMA
//! ramp-up and no blur). A network file without a discriminator (a generator exported with
//! `convert`) is continued like a pickle, with a new discriminator built from the options.

use std::collections::BTreeMap;

use candle_core::{Device, Tensor};
use serde_json::json;

use crate::checkpoint::{Checkpoint, NetworkKind};
use crate::nn::config::{DiscriminatorConfig, GeneratorConfig};
use crate::nn::discriminator::DiscriminatorHyper;
use crate::nn::stylegan2::Sg2Hyper;
use crate::nn::stylegan3::builder::{Sg3Hyper, init_weights};
use crate::train::adam::Adam;
use crate::train::dataset::ImageDataset;
use crate::train::options::{Hyper, TrainCfg, TrainOptions};
use crate::train::params::{ParamSet, is_generator_buffer};
use crate::train::rng::stream_seed;
use crate::train::snapshot::{NetworkInfo, Progress, is_training_snapshot, read_state, tensors};
use crate::train::trainer::Trainer;
use crate::{Error, Result};

/// A trainer ready to run, with what the snapshots keep about its networks.
pub struct Setup {
    pub trainer: Trainer,
    pub g_info: NetworkInfo,
    pub d_info: NetworkInfo,
    /// Where a resumed run stood (`None` for a new run).
    pub resumed: Option<Progress>,
    /// Lines for the log.
    pub notes: Vec<String>,
}

/// The generator NVIDIA's `train.py` builds for `options` and the dataset.
pub fn new_generator(
    options: &TrainOptions,
    hyper: &Hyper,
    ds: &ImageDataset,
    c_dim: usize,
) -> Result<(GeneratorConfig, serde_json::Value)> {
    let (num_fp16_res, conv_clamp) = if options.fp32 { (0, None) } else { (4, Some(256.0)) };
    let mut kwargs = json!({
        "z_dim": options.z_dim, "w_dim": options.w_dim, "mapping_kwargs": {"num_layers": hyper.map_depth},
        "channel_base": options.cbase, "channel_max": options.cmax,
        "c_dim": c_dim, "img_resolution": ds.resolution, "img_channels": ds.channels,
    });
    if options.fp32 {
        kwargs["num_fp16_res"] = json!(0);
        kwargs["conv_clamp"] = json!(null);
    }
    match options.cfg {
        TrainCfg::StyleGan2 => {
            kwargs["fused_modconv_default"] = json!("inference_only");
            let h = Sg2Hyper {
                z_dim: options.z_dim,
                c_dim,
                w_dim: options.w_dim,
                img_resolution: ds.resolution,
                img_channels: ds.channels,
                mapping_layers: hyper.map_depth,
                channel_base: options.cbase,
                channel_max: options.cmax,
                num_fp16_res,
                conv_clamp,
                ..Default::default()
            };
            Ok((GeneratorConfig::StyleGan2(h.config()?), kwargs))
        }
        TrainCfg::StyleGan3T | TrainCfg::StyleGan3R => {
            let r = options.cfg == TrainCfg::StyleGan3R;
            // train.py: `magnitude_ema_beta = 0.5 ** (batch / 20000)`; stylegan3-r doubles the
            // channel base and maximum and uses 1×1 convolutions with radial filters.
            kwargs["magnitude_ema_beta"] = json!(hyper.magnitude_ema_beta);
            let base = if r { Sg3Hyper::r(ds.resolution) } else { Sg3Hyper::t(ds.resolution) };
            let mult = if r { 2.0 } else { 1.0 };
            if r {
                kwargs["conv_kernel"] = json!(1);
                kwargs["use_radial_filters"] = json!(true);
                kwargs["channel_base"] = json!(options.cbase * 2);
                kwargs["channel_max"] = json!(options.cmax * 2);
            }
            let h = Sg3Hyper {
                z_dim: options.z_dim,
                c_dim,
                w_dim: options.w_dim,
                img_channels: ds.channels,
                mapping_layers: hyper.map_depth,
                channel_base: options.cbase as f64 * mult,
                channel_max: options.cmax as f64 * mult,
                num_fp16_res,
                conv_clamp,
                magnitude_ema_beta: hyper.magnitude_ema_beta,
                ..base
            };
            Ok((GeneratorConfig::StyleGan3(h.config()?), kwargs))
        }
    }
}

/// Random initial weights for a new generator.
fn generator_weights(config: &GeneratorConfig, seed: u64, device: &Device) -> Result<BTreeMap<String, Tensor>> {
    match config {
        GeneratorConfig::StyleGan2(c) => {
            Ok(crate::nn::stylegan2::init::random_weights(c, stream_seed(seed, 0, 101), device)?.into_map())
        }
        GeneratorConfig::StyleGan3(c) => Ok(init_weights(c, u64::from(stream_seed(seed, 0, 101)), device)?.into_map()),
    }
}

/// A new discriminator for the options, with random weights, and what its snapshots keep.
fn fresh_discriminator(
    options: &TrainOptions,
    d_hyper: &DiscriminatorHyper,
    c_dim: usize,
    device: &Device,
) -> Result<(DiscriminatorConfig, BTreeMap<String, Tensor>, NetworkInfo)> {
    let config = d_hyper.config()?;
    let map =
        crate::nn::discriminator::init::random_weights(&config, stream_seed(options.seed, 0, 102), device)?.into_map();
    let init_kwargs = json!({
        "c_dim": c_dim, "img_resolution": d_hyper.img_resolution, "img_channels": d_hyper.img_channels,
        "channel_base": options.cbase, "channel_max": options.cmax,
        "block_kwargs": {"freeze_layers": options.freezed}, "mapping_kwargs": {}, "epilogue_kwargs": {"mbstd_group_size": options.mbstd_group},
    });
    Ok((config, map, NetworkInfo { class_name: "Discriminator".into(), modules: None, init_kwargs }))
}

fn adam_pair(hyper: &Hyper) -> (Adam, Adam) {
    let (glr, gbetas) = Hyper::lazy_adam(hyper.glr, hyper.betas, hyper.pl_interval.filter(|_| hyper.pl_weight > 0.0));
    let (dlr, dbetas) = Hyper::lazy_adam(hyper.dlr, hyper.betas, Some(hyper.r1_interval));
    (Adam::new(glr, gbetas, hyper.eps), Adam::new(dlr, dbetas, hyper.eps))
}

fn check_fits(
    g: &GeneratorConfig,
    d: &DiscriminatorConfig,
    ds: &ImageDataset,
    c_dim: usize,
    cfg: TrainCfg,
) -> Result<()> {
    let family_ok = match cfg {
        TrainCfg::StyleGan2 => g.family_name() == "StyleGAN2",
        TrainCfg::StyleGan3T => g.family_name() == "StyleGAN3-T",
        TrainCfg::StyleGan3R => g.family_name() == "StyleGAN3-R",
    };
    if !family_ok {
        return Err(Error::Invalid(format!(
            "the checkpoint holds a {} generator, but --cfg is {}",
            g.family_name(),
            cfg.name()
        )));
    }
    if g.img_resolution() != ds.resolution || g.img_channels() != ds.channels {
        return Err(Error::Invalid(format!(
            "the checkpoint makes {r}×{r} images with {} channels, the dataset has {}×{} with {}",
            g.img_channels(),
            ds.resolution,
            ds.resolution,
            ds.channels,
            r = g.img_resolution()
        )));
    }
    if d.img_resolution != ds.resolution || d.img_channels != ds.channels {
        return Err(Error::Invalid("the checkpoint's discriminator does not fit the dataset's images".into()));
    }
    if g.c_dim() != c_dim || d.c_dim != c_dim {
        return Err(Error::Invalid(format!(
            "the checkpoint's networks take {} / {} label values, the run gives {c_dim} (use --cond with a labelled dataset for conditional networks)",
            g.c_dim(),
            d.c_dim
        )));
    }
    Ok(())
}

fn info_of(ckpt: &Checkpoint, key: &str) -> NetworkInfo {
    ckpt.network(key)
        .map(|n| NetworkInfo {
            class_name: n.class_name.clone(),
            modules: Some(n.modules.clone()),
            init_kwargs: n.init_kwargs.clone(),
        })
        .unwrap_or_default()
}

/// Builds the trainer for `options` (`hyper` is adjusted when resuming from an NVIDIA pickle).
pub fn setup(options: &TrainOptions, hyper: &mut Hyper, ds: &ImageDataset, device: &Device) -> Result<Setup> {
    let c_dim = if options.cond { ds.label_dim } else { 0 };
    let d_hyper = DiscriminatorHyper {
        c_dim,
        img_resolution: ds.resolution,
        img_channels: ds.channels,
        channel_base: options.cbase,
        channel_max: options.cmax,
        num_fp16_res: if options.fp32 { 0 } else { 4 },
        conv_clamp: if options.fp32 { None } else { Some(256.0) },
        mbstd_group_size: Some(options.mbstd_group),
        freeze_layers: options.freezed,
        ..Default::default()
    };
    let mut notes = Vec::new();
    let Some(path) = &options.resume else {
        let (g_config, g_kwargs) = new_generator(options, hyper, ds, c_dim)?;
        let g_map = generator_weights(&g_config, options.seed, device)?;
        let (d_config, d_map, d_info) = fresh_discriminator(options, &d_hyper, c_dim, device)?;
        let (g_opt, d_opt) = adam_pair(hyper);
        let d_cfg = d_config.clone();
        let trainer = Trainer {
            g: ParamSet::new(g_map.clone(), |n| !is_generator_buffer(n))?,
            d: ParamSet::new(d_map, |n| d_cfg.is_trainable(n))?,
            g_ema: g_map,
            g_config,
            d_config,
            g_opt,
            d_opt,
            pl_mean: 0.0,
            cur_nimg: 0,
            batch_idx: 0,
            hyper: hyper.clone(),
            seed: options.seed,
            device: device.clone(),
            workers: options.workers,
        };
        return Ok(Setup {
            trainer,
            g_info: NetworkInfo { class_name: "Generator".into(), modules: None, init_kwargs: g_kwargs },
            d_info,
            resumed: None,
            notes,
        });
    };

    let ckpt = Checkpoint::open(path)?;
    let gen_config = |key: &str| match ckpt.network(key).map(|n| &n.kind) {
        Some(NetworkKind::Generator(c)) => Some(c.clone()),
        _ => None,
    };
    let g_config = gen_config("G")
        .or_else(|| gen_config("G_ema"))
        .ok_or_else(|| Error::Format("no generator `G` or `G_ema` to resume from".into()).in_file(path))?;
    // A file without `D` (a generator exported with `convert`, such as the built-in models)
    // continues with a new discriminator built from the options.
    let (d_config, d_map, d_info) = match ckpt.network("D").map(|n| &n.kind) {
        Some(NetworkKind::Discriminator(c)) => (c.clone(), tensors(&ckpt, "D", device)?, info_of(&ckpt, "D")),
        Some(NetworkKind::Other(what)) => return Err(Error::Format(format!("its `D` is {what}")).in_file(path)),
        Some(NetworkKind::Generator(_)) => {
            return Err(Error::Format("its `D` is a generator".into()).in_file(path));
        }
        None if is_training_snapshot(&ckpt) => {
            return Err(Error::Format("a training snapshot without its discriminator `D`".into()).in_file(path));
        }
        None => {
            notes.push(format!(
                "{} holds no discriminator: starting a new one (--cbase {}, --cmax {}).",
                path.display(),
                options.cbase,
                options.cmax
            ));
            fresh_discriminator(options, &d_hyper, c_dim, device)?
        }
    };
    check_fits(&g_config, &d_config, ds, c_dim, options.cfg).map_err(|e| e.in_file(path))?;
    let g_key = if gen_config("G").is_some() { "G" } else { "G_ema" };
    let ema_key = if gen_config("G_ema").is_some() { "G_ema" } else { "G" };
    let g_map = tensors(&ckpt, g_key, device)?;
    let g_ema = tensors(&ckpt, ema_key, device)?;
    if g_ema.keys().ne(g_map.keys()) {
        return Err(Error::Format("G and G_ema hold different tensors".into()).in_file(path));
    }
    let (mut g_opt, mut d_opt) = adam_pair(hyper);
    let (resumed, pl_mean, seed) = if is_training_snapshot(&ckpt) {
        let r = read_state(&ckpt)?;
        // Settings come from the options; the moments and step counts from the snapshot.
        (g_opt.moments, g_opt.step, d_opt.moments, d_opt.step) =
            (r.g_opt.moments, r.g_opt.step, r.d_opt.moments, r.d_opt.step);
        // A run that began from a pickle or a generator-only file keeps its ramp-up and blur off.
        if let Some(rampup) = r.ema_rampup {
            hyper.ema_rampup = rampup;
        }
        if let Some(sigma) = r.blur_init_sigma {
            hyper.blur_init_sigma = sigma;
        }
        if r.seed != options.seed {
            notes.push(format!(
                "Resuming with the snapshot's seed {} (not --seed {}), so the run continues exactly.",
                r.seed, options.seed
            ));
        }
        notes.push(format!(
            "Resuming from {} at {:.3} kimg (iteration {}).",
            path.display(),
            r.progress.cur_nimg as f64 / 1000.0,
            r.progress.batch_idx
        ));
        (Some(r.progress), r.pl_mean, r.seed)
    } else {
        // NVIDIA's --resume: fresh optimisers, no EMA ramp-up, no blur ramp.
        hyper.ema_rampup = None;
        hyper.blur_init_sigma = 0.0;
        notes.push(format!("Resuming from the networks of {} (fresh optimisers, no EMA ramp-up).", path.display()));
        (None, 0.0, options.seed)
    };
    let progress = resumed.clone().unwrap_or(Progress { cur_nimg: 0, batch_idx: 0, cur_tick: 0 });
    let d_cfg = d_config.clone();
    let trainer = Trainer {
        g: ParamSet::new(g_map, |n| !is_generator_buffer(n))?,
        d: ParamSet::new(d_map, |n| d_cfg.is_trainable(n))?,
        g_ema,
        g_config,
        d_config,
        g_opt,
        d_opt,
        pl_mean,
        cur_nimg: progress.cur_nimg,
        batch_idx: progress.batch_idx,
        hyper: hyper.clone(),
        seed,
        device: device.clone(),
        workers: options.workers,
    };
    Ok(Setup { trainer, g_info: info_of(&ckpt, g_key), d_info, resumed, notes })
}
