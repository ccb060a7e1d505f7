//! `stylescope metrics`: metrics of a network, as NVIDIA's `calc_metrics.py`.
//!
//! Each metric prints one JSON line on stdout (`{"results": {...}, "metric": ..., "total_time":
//! ..., ...}`) and appends it to `metric-<name>.jsonl` in the network's folder (or
//! `--results-dir`; `--no-save` writes nothing). A progress bar shows on a terminal; Ctrl-C stops
//! the metric in progress, which then prints and writes nothing.
//!
//! `--draws-z Z.npy --draws-u U.npy` replays the latents and transform draws recorded from
//! another run (layouts as the fixtures' `eq_*_z.npy` `[batches, batch, z_dim]` and
//! `eq_*_u.npy` `[batches, 2]` or `[batches]`), for one metric at a time.

use std::path::PathBuf;

use anyhow::bail;
use candle_core::Device;

use crate::analysis::metric_result::format_time;
use crate::analysis::registry::MetricId;
use crate::checkpoint::Checkpoint;
use crate::cli::terminal_monitor::TerminalMonitor;
use crate::jobs::{MetricJob, Replay, ResultsFolder};
use crate::progress::{Monitor, SubRange};

/// Compute metrics of a network (as NVIDIA's calc_metrics.py).
#[derive(Debug, clap::Args)]
pub struct MetricsArgs {
    /// Network file: NVIDIA `.pkl` or stylescope `.safetensors`.
    #[arg(long)]
    pub network: PathBuf,
    /// Comma-separated metrics: eqt50k_int, eqt50k_frac, eqr50k.
    #[arg(long, default_value = "eqt50k_int,eqt50k_frac,eqr50k")]
    pub metrics: String,
    /// Samples per metric (default: the metric's own 50,000; all recorded ones when replaying).
    #[arg(long = "num-samples")]
    pub num_samples: Option<usize>,
    /// Seed of the random draws (NumPy RandomState); the same seed and batch give the same numbers.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Batch size (default 4, as NVIDIA's; the recorded one when replaying).
    #[arg(long)]
    pub batch: Option<usize>,
    /// Replay these recorded latents `[batches, batch, z_dim]` (.npy) instead of drawing them.
    #[arg(long = "draws-z", requires = "draws_u")]
    pub draws_z: Option<PathBuf>,
    /// Replay these recorded uniform transform draws `[batches, k]` (.npy).
    #[arg(long = "draws-u", requires = "draws_z")]
    pub draws_u: Option<PathBuf>,
    /// Folder for `metric-<name>.jsonl` (default: the network's folder).
    #[arg(long = "results-dir", conflicts_with = "no_save")]
    pub results_dir: Option<PathBuf>,
    /// Only print the result lines; write no file.
    #[arg(long = "no-save")]
    pub no_save: bool,
}

pub fn run(args: MetricsArgs) -> anyhow::Result<()> {
    // Ctrl-C from here on cancels (also while the network loads).
    crate::cli::terminal_monitor::install_ctrl_c();
    let metrics = MetricId::parse_list(&args.metrics)?;
    let replay = match (args.draws_z, args.draws_u) {
        (Some(z), Some(u)) => Some(Replay { z, u }),
        _ => None,
    };
    if replay.is_some() && metrics.len() != 1 {
        bail!("replaying recorded draws needs exactly one metric (the draws of one run); got {}", args.metrics);
    }
    let results = match (args.no_save, args.results_dir) {
        (true, _) => ResultsFolder::Nowhere,
        (false, Some(d)) => ResultsFolder::Folder(d),
        (false, None) => ResultsFolder::NetworkFolder,
    };
    let jobs: Vec<MetricJob> = metrics
        .iter()
        .map(|&metric| MetricJob {
            network: args.network.clone(),
            metric,
            num_samples: args.num_samples,
            batch_size: args.batch,
            seed: args.seed,
            replay: replay.clone(),
            results: results.clone(),
        })
        .collect();
    for job in &jobs {
        job.validate()?;
    }

    let checkpoint = Checkpoint::open(&args.network).map_err(|e| e.in_file(&args.network))?;
    let generator = checkpoint.load_generator(&Device::Cpu).map_err(|e| e.in_file(&args.network))?;
    if !generator.config().has_input_transform() {
        bail!(
            "{}: the equivariance metrics need a StyleGAN3 input transform; this is a {} network, which has none",
            args.network.display(),
            generator.config().family_name()
        );
    }
    // One monitor for the whole command: Ctrl-C is wired to it once.
    let monitor = TerminalMonitor::new("metrics");
    let n = jobs.len() as f64;
    let outcome = (|| -> anyhow::Result<()> {
        for (i, job) in jobs.iter().enumerate() {
            let result = job.evaluate(&generator, &SubRange::new(&monitor, i as f64 / n, (i + 1) as f64 / n))?;
            // Ends the progress line before the result goes to stdout.
            monitor.log(&format!(
                "{}: {:.4} dB in {}",
                job.metric,
                result.value().unwrap_or(f64::NAN),
                format_time(result.total_time)
            ));
            println!("{}", result.to_json_line());
            if let Some(path) = job.save(&result)? {
                monitor.log(&format!("appended to {}", path.display()));
            }
        }
        Ok(())
    })();
    monitor.finish();
    outcome
}
