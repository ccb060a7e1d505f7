//! `stylescope train`: NVIDIA's `train.py` on the CPU. One progress line per tick (kimg,
//! sec/kimg, losses); Ctrl-C stops after the current iteration and writes a final snapshot (a
//! second Ctrl-C ends the process at once).

use std::path::PathBuf;

use anyhow::Context;

use crate::cli::terminal_monitor::TerminalMonitor;
use crate::train::{NoSink, TrainCfg, TrainOptions, train};

fn parse_bool(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(format!("expected a boolean (1/0, true/false), got `{other}`")),
    }
}

fn parse_grid(s: &str) -> Result<[usize; 2], String> {
    let (a, b) = s.split_once(['x', 'X', ',']).ok_or_else(|| format!("expected COLSxROWS, got `{s}`"))?;
    let p = |v: &str| v.trim().parse::<usize>().map_err(|e| format!("`{v}`: {e}"));
    Ok([p(a)?, p(b)?])
}

/// Train a StyleGAN2 or StyleGAN3 network (as NVIDIA's train.py).
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Base configuration: stylegan2, stylegan3-t or stylegan3-r.
    #[arg(long)]
    pub cfg: TrainCfg,
    /// Training data: a zip or folder of square PNGs (NVIDIA's dataset_tool.py format).
    #[arg(long)]
    pub data: PathBuf,
    /// Where to create the run directory.
    #[arg(long)]
    pub outdir: PathBuf,
    /// Total batch size.
    #[arg(long)]
    pub batch: usize,
    /// R1 regularisation weight.
    #[arg(long)]
    pub gamma: f64,
    /// Total training length in kimg (a resumed snapshot's progress counts towards it).
    #[arg(long, default_value_t = 25000.0)]
    pub kimg: f64,
    /// Train conditionally on the dataset's labels.
    #[arg(long, value_parser = parse_bool, num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub cond: bool,
    /// Enable dataset x-flips.
    #[arg(long, value_parser = parse_bool, num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub mirror: bool,
    /// Capacity multiplier (channel base).
    #[arg(long, default_value_t = 32768)]
    pub cbase: usize,
    /// Maximum feature maps.
    #[arg(long, default_value_t = 512)]
    pub cmax: usize,
    /// Mapping network depth (default 8 for stylegan2, 2 for stylegan3).
    #[arg(long = "map-depth")]
    pub map_depth: Option<usize>,
    /// z and w widths (512 as in NVIDIA's train.py; smaller for quick CPU runs).
    #[arg(long = "z-dim", default_value_t = 512)]
    pub z_dim: usize,
    #[arg(long = "w-dim", default_value_t = 512)]
    pub w_dim: usize,
    /// G learning rate (default 0.002 for stylegan2, 0.0025 for stylegan3).
    #[arg(long)]
    pub glr: Option<f64>,
    /// D learning rate.
    #[arg(long, default_value_t = 0.002)]
    pub dlr: f64,
    /// Minibatch standard deviation group size.
    #[arg(long = "mbstd-group", default_value_t = 4)]
    pub mbstd_group: usize,
    /// Freeze the first N discriminator layers.
    #[arg(long, default_value_t = 0)]
    pub freezed: usize,
    /// NVIDIA's --fp32 architecture: no fp16 resolutions, no conv_clamp.
    #[arg(long, value_parser = parse_bool, num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub fp32: bool,
    /// How often to print progress, in kimg.
    #[arg(long, default_value_t = 4.0)]
    pub tick: f64,
    /// How often to save snapshots (network and image grid), in ticks.
    #[arg(long, default_value_t = 50)]
    pub snap: usize,
    /// Random seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Resume from a stylescope snapshot (exact continuation), an NVIDIA network pickle, or a
    /// generator-only network file (such as `assets/`; a new discriminator is built).
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// String to include in the run directory name.
    #[arg(long)]
    pub desc: Option<String>,
    /// Sample grid, COLSxROWS (samples at seeds 0, 1, …).
    #[arg(long, default_value = "8x4", value_parser = parse_grid)]
    pub grid: [usize; 2],
    /// Threads that each compute an equal slice of the batch, gradients averaged (as NVIDIA
    /// splits a batch across --gpus); 2 on a 2-core CPU with RAYON_NUM_THREADS=1.
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
}

impl TrainArgs {
    pub fn options(&self) -> TrainOptions {
        let mut o = TrainOptions::new(self.cfg, self.data.clone(), self.outdir.clone(), self.batch, self.gamma);
        o.kimg = self.kimg;
        o.cond = self.cond;
        o.mirror = self.mirror;
        o.cbase = self.cbase;
        o.cmax = self.cmax;
        o.map_depth = self.map_depth;
        o.z_dim = self.z_dim;
        o.w_dim = self.w_dim;
        o.glr = self.glr;
        o.dlr = self.dlr;
        o.mbstd_group = self.mbstd_group;
        o.freezed = self.freezed;
        o.fp32 = self.fp32;
        o.tick = self.tick;
        o.snap = self.snap;
        o.seed = self.seed;
        o.resume = self.resume.clone();
        o.desc = self.desc.clone();
        o.grid = self.grid;
        o.workers = self.workers;
        o
    }
}

pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    let options = args.options();
    let monitor = TerminalMonitor::new("training");
    let outcome = train(&options, &monitor, &NoSink);
    monitor.finish();
    let outcome = outcome.context("training failed")?;
    let how = if outcome.cancelled { "stopped" } else { "finished" };
    println!("Training {how} at {:.3} kimg. Run directory: {}", outcome.kimg, outcome.run_dir.display());
    println!("Last snapshot: {}", outcome.last_snapshot.display());
    Ok(())
}
