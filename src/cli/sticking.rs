//! `stylescope sticking …`: the texture-sticking and aliasing views (issue #8) as PNGs, one row
//! per `--network` (give a StyleGAN2 and a StyleGAN3 network to compare), pictures of a row side
//! by side. Measured numbers go to stdout.
//!
//! - `average`: neighbourhood average in W (centre | average | difference).
//! - `slice`: time–space slice of an input translation/rotation (StyleGAN3) and/or a latent
//!   interpolation (`--to-seed`); `--gif`/`--mp4` export the animation.
//! - `residual`: untransform residual (StyleGAN3).
//! - `eqmap`: equivariance error map (StyleGAN3).
//! - `layer`: layer inspector (`--list` prints the intermediate outputs) with the FFT view.
//! - `spectrum`: average power spectrum heatmaps (and `--slices` plot, networks overlaid).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::analysis::sticking::animation::{write_gif, write_mp4};
use crate::analysis::sticking::avg_spectra::AvgSpectraOptions;
use crate::analysis::sticking::float_image::{enlarge, side_by_side, stacked};
use crate::analysis::sticking::layer_view::LayerViewOptions;
use crate::analysis::sticking::neighbourhood::NeighbourhoodOptions;
use crate::analysis::sticking::plot::spectrum_slices_plot;
use crate::analysis::sticking::spectrum::FftOptions;
use crate::analysis::sticking::time_space::SliceLine;
use crate::cli::terminal_monitor::TerminalMonitor;
use crate::error::ResultExt;
use crate::jobs::sticking_job::{StickingJob, StickingView, seed_request};
use crate::jobs::sticking_outcome::StickingOutcome;
use crate::nn::NoiseMode;
use crate::nn::stylegan3::transform::make_transform;
use crate::raster::Raster;

/// Options shared by every view.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// Network file(s): NVIDIA `.pkl` or stylescope `.safetensors`; repeat to compare (one row each).
    #[arg(long, required = true)]
    pub network: Vec<PathBuf>,
    /// Seed of the latent.
    #[arg(long, default_value_t = 0)]
    pub seed: u32,
    /// Truncation psi.
    #[arg(long = "trunc", default_value_t = 1.0, allow_negative_numbers = true)]
    pub trunc: f64,
    /// Noise mode: const, none or random.
    #[arg(long = "noise-mode", default_value = "const")]
    pub noise_mode: NoiseMode,
    /// Enlarge the pictures by this factor (pixel repetition).
    #[arg(long, default_value_t = 1)]
    pub zoom: usize,
    /// The PNG to write.
    #[arg(long)]
    pub out: PathBuf,
}

/// StyleGAN3 input transform of a view.
#[derive(Debug, clap::Args)]
pub struct TransformArgs {
    /// Translate the content by `X,Y` (image units).
    #[arg(long, value_parser = parse_pair, allow_hyphen_values = true, default_value = "0,0")]
    pub translate: [f64; 2],
    /// Rotate the content by DEG degrees.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub rotate: f64,
}

#[derive(Debug, clap::Subcommand)]
pub enum StickingCommand {
    /// Neighbourhood average: mean of images from random W perturbations (paper Fig. 1, left).
    Average {
        #[command(flatten)]
        common: Common,
        /// Images averaged.
        #[arg(long, default_value_t = 64)]
        count: usize,
        /// Length of the W perturbations (on the built-in models two samples lie about 14 apart;
        /// at 2 the content barely moves and both networks' averages stay sharp).
        #[arg(long, default_value_t = 4.0)]
        radius: f64,
        /// Seed of the perturbation directions.
        #[arg(long, default_value_t = 0)]
        perturb_seed: u32,
    },
    /// Time–space slice of an animation (paper Fig. 1, right).
    Slice {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 64)]
        frames: usize,
        /// StyleGAN3: translate the input by `DX,DY` pixels per frame.
        #[arg(long, value_parser = parse_pair, allow_hyphen_values = true, default_value = "0,0")]
        speed: [f64; 2],
        /// StyleGAN3: rotate the input by DEG degrees per frame.
        #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
        rotate: f64,
        /// Interpolate in W to this seed over the animation.
        #[arg(long)]
        to_seed: Option<u32>,
        /// Take pixel row Y from every frame (time runs down).
        #[arg(long, conflicts_with = "column")]
        row: Option<usize>,
        /// Take pixel column X from every frame (time runs right; the default is the middle column).
        #[arg(long)]
        column: Option<usize>,
        /// Also write the animation as an animated GIF.
        #[arg(long)]
        gif: Option<PathBuf>,
        /// Also write the animation as MP4 (needs ffmpeg on the PATH; skipped otherwise).
        #[arg(long)]
        mp4: Option<PathBuf>,
        /// Frames per second of the exported animation.
        #[arg(long, default_value_t = 24.0)]
        fps: f64,
    },
    /// Untransform residual (StyleGAN3): motion that should not exist.
    Residual {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        transform: TransformArgs,
    },
    /// Equivariance error map |G(t[z]) − t[G(z)]| (StyleGAN3).
    Eqmap {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        transform: TransformArgs,
    },
    /// Layer inspector: one intermediate output, its statistics and FFT view.
    Layer {
        #[command(flatten)]
        common: Common,
        /// The intermediate output (default: the image); see --list.
        #[arg(long)]
        layer: Option<String>,
        /// Print the intermediate outputs and stop (no PNG).
        #[arg(long)]
        list: bool,
        /// First channel shown.
        #[arg(long, default_value_t = 0)]
        channel: usize,
        /// One channel instead of three.
        #[arg(long)]
        single: bool,
        /// Divide each channel by its max |value|.
        #[arg(long)]
        normalize: bool,
        /// Gain in dB.
        #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
        scale_db: f32,
        /// Add the FFT view.
        #[arg(long)]
        fft: bool,
        /// FFT of the selected channels only (default: all channels).
        #[arg(long)]
        fft_selected: bool,
        /// FFT colour range ±dB.
        #[arg(long, default_value_t = 50.0)]
        range_db: f64,
        /// Kaiser beta.
        #[arg(long, default_value_t = 8.0)]
        beta: f64,
    },
    /// Average power spectrum of generated images (as avg_spectra.py).
    Spectrum {
        #[command(flatten)]
        common: Common,
        /// Images (seeds --seed .. --seed + N).
        #[arg(long, default_value_t = 100)]
        num: usize,
        /// Zero padding factor.
        #[arg(long, default_value_t = 4)]
        interp: usize,
        #[arg(long, default_value_t = 8.0)]
        beta: f64,
        /// Also write the 1-D slices plot (networks overlaid: blue, orange, green, red; diagonal lighter).
        #[arg(long)]
        slices: Option<PathBuf>,
    },
}

fn parse_pair(s: &str) -> Result<[f64; 2], String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let [x, y] = parts.as_slice() else {
        return Err(format!("expected X,Y, got `{s}`"));
    };
    let num = |v: &str| v.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| format!("`{v}` is not a number"));
    Ok([num(x)?, num(y)?])
}

/// The views' jobs, one per network.
fn jobs(common: &Common, view: StickingView) -> Vec<StickingJob> {
    let mut latent = seed_request(common.seed, common.trunc);
    latent.noise_mode = common.noise_mode;
    common
        .network
        .iter()
        .map(|n| StickingJob { network: n.clone(), latent: latent.clone(), view: view.clone() })
        .collect()
}

/// Runs every job; a network the view cannot use is skipped with a warning while others remain.
fn run_all(jobs: &[StickingJob]) -> anyhow::Result<Vec<StickingOutcome>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for job in jobs {
        let monitor = TerminalMonitor::new(&job.title());
        let r = job.run(&monitor);
        monitor.finish();
        match r {
            Ok(o) => {
                for n in &o.notes {
                    println!("{}: {n}", o.network);
                }
                out.push(o);
            }
            Err(crate::Error::Cancelled) => bail!("cancelled"),
            Err(e) => {
                let e = e.in_file(&job.network);
                eprintln!("warning: skipped: {e}");
                errors.push(e.to_string());
            }
        }
    }
    if out.is_empty() {
        bail!("{}", errors.join("; "));
    }
    Ok(out)
}

/// One row per network, pictures side by side, enlarged by `zoom`.
fn compose(outcomes: &[StickingOutcome], zoom: usize) -> anyhow::Result<Raster> {
    let rows = outcomes
        .iter()
        .map(|o| {
            let big: Vec<Raster> = o.panels.iter().map(|p| enlarge(&p.image, zoom)).collect::<crate::Result<_>>()?;
            side_by_side(&big.iter().collect::<Vec<_>>(), 4 * zoom.max(1))
        })
        .collect::<crate::Result<Vec<_>>>()?;
    Ok(stacked(&rows.iter().collect::<Vec<_>>(), 4 * zoom.max(1))?)
}

fn save(r: &Raster, path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    r.save_png(path).in_file(path)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// The frames of every network side by side, frame by frame (the shortest animation decides).
fn animation_frames(outcomes: &[StickingOutcome], zoom: usize) -> anyhow::Result<Vec<Raster>> {
    let n = outcomes.iter().map(|o| o.frames.len()).min().unwrap_or(0);
    (0..n)
        .map(|f| {
            let parts: Vec<Raster> =
                outcomes.iter().map(|o| enlarge(&o.frames[f], zoom)).collect::<crate::Result<_>>()?;
            Ok(side_by_side(&parts.iter().collect::<Vec<_>>(), 4 * zoom.max(1))?)
        })
        .collect()
}

pub fn run(command: StickingCommand) -> anyhow::Result<()> {
    match command {
        StickingCommand::Average { common, count, radius, perturb_seed } => {
            let view = StickingView::Average(NeighbourhoodOptions { count, radius, seed: perturb_seed, batch: 8 });
            let outcomes = run_all(&jobs(&common, view))?;
            save(&compose(&outcomes, common.zoom)?, &common.out)
        }
        StickingCommand::Slice { common, frames, speed, rotate, to_seed, row, column, gif, mp4, fps } => {
            if speed == [0.0, 0.0] && rotate == 0.0 && to_seed.is_none() {
                bail!("nothing moves: give --speed DX,DY or --rotate DEG (StyleGAN3) and/or --to-seed S");
            }
            let line = match (row, column) {
                (Some(y), _) => Some(SliceLine::Row(y)),
                (None, Some(x)) => Some(SliceLine::Column(x)),
                (None, None) => None,
            };
            let all =
                jobs(&common, StickingView::Slice { frames, translate_px: speed, rotate_deg: rotate, to_seed, line });
            let outcomes = run_all(&all)?;
            save(&compose(&outcomes, common.zoom)?, &common.out)?;
            if gif.is_some() || mp4.is_some() {
                let anim = animation_frames(&outcomes, common.zoom)?;
                if let Some(p) = gif {
                    write_gif(&anim, &p, fps)?;
                    println!("wrote {}", p.display());
                }
                if let Some(p) = mp4 {
                    if write_mp4(&anim, &p, fps)? {
                        println!("wrote {}", p.display());
                    } else {
                        eprintln!("warning: ffmpeg is not on the PATH; {} not written", p.display());
                    }
                }
            }
            Ok(())
        }
        StickingCommand::Residual { common, transform } => {
            let m = make_transform(transform.translate, transform.rotate);
            let outcomes = run_all(&jobs(&common, StickingView::Residual(m)))?;
            save(&compose(&outcomes, common.zoom)?, &common.out)
        }
        StickingCommand::Eqmap { common, transform } => {
            let m = make_transform(transform.translate, transform.rotate);
            let outcomes = run_all(&jobs(&common, StickingView::ErrorMap(m)))?;
            save(&compose(&outcomes, common.zoom)?, &common.out)
        }
        StickingCommand::Layer {
            common,
            layer,
            list,
            channel,
            single,
            normalize,
            scale_db,
            fft,
            fft_selected,
            range_db,
            beta,
        } => {
            let view = LayerViewOptions { rgb: !single, base_channel: channel, normalize, scale_db };
            let fft = fft.then_some(FftOptions { all_channels: !fft_selected, range_db, beta });
            let name = if list { None } else { layer };
            let outcomes = run_all(&jobs(&common, StickingView::Layer { name, view, fft }))?;
            if list {
                for o in &outcomes {
                    println!("{}", o.network);
                    for l in &o.layers {
                        println!("  {:<16} {:>4}x{:<4} {:>4} channels", l.name, l.width, l.height, l.channels);
                    }
                }
                return Ok(());
            }
            save(&compose(&outcomes, common.zoom)?, &common.out)
        }
        StickingCommand::Spectrum { common, num, interp, beta, slices } => {
            let opts =
                AvgSpectraOptions { num, seed: u64::from(common.seed), psi: common.trunc, beta, interp, batch: 8 };
            let outcomes = run_all(&jobs(&common, StickingView::Spectrum(opts)))?;
            save(&compose(&outcomes, common.zoom)?, &common.out)?;
            if let Some(p) = slices {
                let spectra: Vec<_> = outcomes.iter().filter_map(|o| o.spectrum.as_ref()).collect();
                save(&spectrum_slices_plot(&spectra, 640, 400)?, &p)?;
                for (i, o) in outcomes.iter().enumerate() {
                    println!("slices: {} in {}", o.network, ["blue", "orange", "green", "red"][i % 4]);
                }
            }
            Ok(())
        }
    }
}
