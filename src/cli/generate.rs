//! `stylescope generate`: images from seeds, as NVIDIA's `gen_images.py`.
//!
//! Per seed: `z = RandomState(seed).randn(1, z_dim)`, `w = mapping(z, c, psi, cutoff)`,
//! `img = synthesis(w, noise_mode)`, written as `seed%04d.png` with the uint8 rule of
//! `crate::nn::image`. Options add the float32 output (`seed%04d.npy`, `[1, C, H, W]`), the ws
//! (`seed%04d_w.npy`) and every intermediate output (`seed%04d_<layer>.npy`, `:` → `.out`).
//! With `--noise-mode random` every seed's image uses noise from `--noise-seed`, so an image
//! does not depend on which other seeds are in the list.
//!
//! StyleGAN3 only: `--translate X,Y` (image units) and `--rotate DEG` set the input transform
//! (`make_transform`, as gen_images.py); `--untransform` resamples the output back into the
//! untransformed frame as the visualizer does (the PNG and `--save-raw` array are then the
//! untransformed image, and `--save-raw` adds its validity mask `seed%04d_mask.npy`);
//! `--pseudo-align` replaces `ws[0]` (which drives the input's learned transform) by `w_avg`.
//!
//! `--direction FILE.npy[:ROW] --strength X [--layers A-B]` moves w by `X·σ·v` on those W+ rows
//! (before pseudo-align); several `--direction`s add up. `--style-channel L6_12=2` moves one
//! StyleSpace channel by 2 σ (σ of that channel over 2000 sampled w).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use candle_core::{Device, Tensor};

use crate::analysis::resample::untransform;
use crate::checkpoint::Checkpoint;
use crate::cli::direction_strip::{layers_arg, one_direction};
use crate::cli::terminal_monitor::TerminalMonitor;
use crate::error::ResultExt;
use crate::latent::directions::{DirectionEdit, StyleChannel, StyleStats, apply_edits};
use crate::latent::{class_label, parse_seed_list, z_tensor};
use crate::nn::generator::Mat3;
use crate::nn::image::to_raster;
use crate::nn::style_offsets::StyleOffset;
use crate::nn::stylegan3::pseudo_align;
use crate::nn::stylegan3::transform::make_transform;
use crate::nn::{Capture, Generator, GeneratorConfig, NoiseMode, SynthesisOptions};
use crate::progress::Monitor;

/// Generate images from seeds (as NVIDIA's gen_images.py).
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Network file: NVIDIA `.pkl` or stylescope `.safetensors`.
    #[arg(long)]
    pub network: PathBuf,
    /// Seeds, e.g. `0,4-6,10` (ranges inclusive).
    #[arg(long)]
    pub seeds: String,
    /// Truncation psi.
    #[arg(long = "trunc", default_value_t = 1.0, allow_negative_numbers = true)]
    pub trunc: f64,
    /// Truncate only the first N rows of w (default: all rows).
    #[arg(long = "trunc-cutoff")]
    pub trunc_cutoff: Option<usize>,
    /// Class index (required for conditional networks).
    #[arg(long = "class")]
    pub class_idx: Option<usize>,
    /// Noise mode: const, none or random.
    #[arg(long = "noise-mode", default_value = "const")]
    pub noise_mode: NoiseMode,
    /// Seed of the noise for `--noise-mode random`.
    #[arg(long = "noise-seed", default_value_t = 0)]
    pub noise_seed: u64,
    /// Where to write the images.
    #[arg(long, default_value = "out")]
    pub outdir: PathBuf,
    /// Also write the float32 synthesis output as `seedNNNN.npy`.
    #[arg(long)]
    pub save_raw: bool,
    /// Also write the ws as `seedNNNN_w.npy`.
    #[arg(long)]
    pub save_w: bool,
    /// Also write every intermediate output as `seedNNNN_<layer>.npy`.
    #[arg(long)]
    pub save_layers: bool,
    /// StyleGAN3: translate the content by `X,Y` (image units, e.g. `0.1,-0.2`).
    #[arg(long, value_parser = parse_translate, allow_hyphen_values = true)]
    pub translate: Option<[f64; 2]>,
    /// StyleGAN3: rotate the content by DEG degrees.
    #[arg(long, allow_negative_numbers = true)]
    pub rotate: Option<f64>,
    /// StyleGAN3: resample the output back into the untransformed frame (as the visualizer).
    #[arg(long)]
    pub untransform: bool,
    /// StyleGAN3: replace ws[0] by w_avg (the input's average learned transform).
    #[arg(long)]
    pub pseudo_align: bool,
    /// The engine: cpu (candle) or gpu (the WGSL compute engine, see `stylescope bench`).
    #[arg(long, value_enum, default_value = "cpu")]
    pub engine: crate::cli::engine_kind::EngineKind,
    /// Move w along a direction `FILE.npy[:ROW]` (repeat for several at once).
    #[arg(long)]
    pub direction: Vec<String>,
    /// Strength of each --direction in σ units (one value for all, or one per direction).
    #[arg(long, allow_negative_numbers = true)]
    pub strength: Vec<f64>,
    /// W+ rows the directions move, `A-B` or `all` (default: all; StyleGAN3 leaves row 0 alone).
    #[arg(long)]
    pub layers: Option<String>,
    /// StyleSpace: move one style channel by α σ, `L{layer}_{channel}=α` (repeatable); σ from
    /// 2000 sampled w.
    #[arg(long = "style-channel", allow_hyphen_values = true)]
    pub style_channel: Vec<String>,
}

/// `X,Y` → `[X, Y]`.
fn parse_translate(s: &str) -> Result<[f64; 2], String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let [x, y] = parts.as_slice() else {
        return Err(format!("expected X,Y (image units), got `{s}`"));
    };
    let num = |v: &str| v.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| format!("`{v}` is not a number"));
    Ok([num(x)?, num(y)?])
}

/// The file name of a captured layer: `:` becomes `.out` (`b8:0` → `b8.out0`).
pub fn layer_file_name(seed: u64, layer: &str) -> String {
    format!("seed{seed:04}_{}.npy", layer.replace(':', ".out"))
}

pub(crate) fn write_npy(t: &Tensor, path: &Path) -> anyhow::Result<()> {
    Ok(t.write_npy(path).map_err(crate::Error::from).in_file(path)?)
}

/// `--style-channel L{layer}_{channel}=α` → offsets of α σ_c.
fn style_channel_offsets(generator: &Generator, specs: &[String]) -> anyhow::Result<Vec<StyleOffset>> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let stats = StyleStats::compute(generator, 2000, 0, &crate::progress::Silent)?;
    specs
        .iter()
        .map(|s| {
            let (name, alpha) = s
                .split_once('=')
                .with_context(|| format!("--style-channel `{s}`: expected L{{layer}}_{{channel}}=ALPHA"))?;
            let alpha: f64 =
                alpha.trim().parse().with_context(|| format!("--style-channel `{s}`: `{alpha}` is not a number"))?;
            Ok(stats.offset(name.parse::<StyleChannel>()?, alpha)?)
        })
        .collect()
}

/// The `--direction`/`--strength`/`--layers` edits.
fn direction_edits(generator: &Generator, args: &GenerateArgs) -> anyhow::Result<Vec<DirectionEdit>> {
    if args.direction.is_empty() {
        if !args.strength.is_empty() || args.layers.is_some() {
            bail!("--strength and --layers need a --direction FILE.npy[:ROW]");
        }
        return Ok(Vec::new());
    }
    let strengths = match args.strength.len() {
        0 => bail!("--direction needs a --strength (in σ units)"),
        1 => vec![args.strength[0]; args.direction.len()],
        n if n == args.direction.len() => args.strength.clone(),
        n => bail!(
            "{n} --strength values for {} --direction files (give one, or one per direction)",
            args.direction.len()
        ),
    };
    let layers = layers_arg(generator, args.layers.as_deref())?;
    args.direction
        .iter()
        .zip(strengths)
        .map(|(spec, strength)| Ok(DirectionEdit { direction: one_direction(generator, spec)?, strength, layers }))
        .collect()
}

/// `--class` for the network: `[1, c_dim]` one-hot for a conditional network (which needs it),
/// `None` (with a warning if one was given) for an unconditional one. Shared with the GPU path.
pub(crate) fn label_arg(
    args: &GenerateArgs,
    config: &GeneratorConfig,
    device: &Device,
) -> anyhow::Result<Option<Tensor>> {
    Ok(match (config.c_dim(), args.class_idx) {
        (0, Some(c)) => {
            eprintln!("warning: --class={c} ignored when running on an unconditional network");
            None
        }
        (0, None) => None,
        (_, None) => bail!(
            "{}: must specify a class label with --class when using a conditional network",
            args.network.display()
        ),
        (c_dim, Some(c)) => Some(class_label(c_dim, c, 1, device)?),
    })
}

/// The StyleGAN3 input transform of `--translate/--rotate/--untransform`, refusing those flags
/// (and `--pseudo-align`) for a network without an input transform. Shared with the GPU path.
pub(crate) fn input_transform_arg(args: &GenerateArgs, config: &GeneratorConfig) -> anyhow::Result<Option<Mat3>> {
    let sg3_flags = [
        (args.translate.is_some(), "--translate"),
        (args.rotate.is_some(), "--rotate"),
        (args.untransform, "--untransform"),
        (args.pseudo_align, "--pseudo-align"),
    ];
    if !config.has_input_transform()
        && let Some((_, flag)) = sg3_flags.iter().find(|(on, _)| *on)
    {
        bail!(
            "{}: {flag} needs a StyleGAN3 network; this is a {} network, which has no input transform",
            args.network.display(),
            config.family_name()
        );
    }
    Ok((args.translate.is_some() || args.rotate.is_some() || args.untransform)
        .then(|| make_transform(args.translate.unwrap_or([0.0, 0.0]), args.rotate.unwrap_or(0.0))))
}

pub fn run(args: GenerateArgs) -> anyhow::Result<()> {
    if args.engine == crate::cli::engine_kind::EngineKind::Gpu {
        return crate::cli::generate_gpu::run(args);
    }
    let seeds = parse_seed_list(&args.seeds)?;
    let device = Device::Cpu;
    let checkpoint = Checkpoint::open(&args.network).map_err(|e| e.in_file(&args.network))?;
    let generator: Generator = checkpoint.load_generator(&device).map_err(|e| e.in_file(&args.network))?;
    let config = generator.config();

    let label = label_arg(&args, config, &device)?;
    let input_transform = input_transform_arg(&args, config)?;

    let edits = direction_edits(&generator, &args)?;
    let style_offsets = style_channel_offsets(&generator, &args.style_channel)?;

    std::fs::create_dir_all(&args.outdir).with_context(|| format!("cannot create {}", args.outdir.display()))?;
    let capture = if args.save_layers { Capture::All } else { Capture::Nothing };
    let opts = SynthesisOptions {
        noise_mode: args.noise_mode,
        noise_seed: args.noise_seed,
        capture,
        input_transform,
        style_offsets,
    };

    let monitor = TerminalMonitor::new("generating");
    let result = (|| -> anyhow::Result<()> {
        for (i, &seed) in seeds.iter().enumerate() {
            if seeds.len() > 1 {
                monitor.set_count(i as u64, seeds.len() as u64)?;
            }
            let z = z_tensor(&[seed], config.z_dim(), &device)?;
            let mut ws = generator.mapping(&z, label.as_ref(), args.trunc, args.trunc_cutoff)?;
            ws = apply_edits(&ws, &edits)?;
            if args.pseudo_align {
                ws = pseudo_align(&ws, generator.w_avg())?;
            }
            let out = generator.synthesis(&ws, &opts)?;
            let (image, mask) = match (&input_transform, args.untransform) {
                (Some(m), true) => {
                    let (image, mask) = untransform(&out.image, m)?;
                    (image, Some(mask))
                }
                _ => (out.image.clone(), None),
            };
            let png = args.outdir.join(format!("seed{seed:04}.png"));
            to_raster(&image, 0).and_then(|r| r.save_png(&png))?;
            if args.save_raw {
                write_npy(&image, &args.outdir.join(format!("seed{seed:04}.npy")))?;
                if let Some(mask) = &mask {
                    write_npy(mask, &args.outdir.join(format!("seed{seed:04}_mask.npy")))?;
                }
            }
            if args.save_w {
                write_npy(&ws, &args.outdir.join(format!("seed{seed:04}_w.npy")))?;
            }
            for (name, t) in &out.layers {
                write_npy(t, &args.outdir.join(layer_file_name(seed, name)))?;
            }
        }
        if seeds.len() > 1 {
            monitor.set_count(seeds.len() as u64, seeds.len() as u64)?;
        }
        Ok(())
    })();
    monitor.finish();
    result
}
