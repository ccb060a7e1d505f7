//! `stylescope bench`: speed of the generators on random-weight networks of NVIDIA's official
//! full-size configurations. Per configuration: median ms per image after warm-up (wall time and
//! CPU time), achieved GFLOP/s and share of the FP32 peak, peak memory, the per-op split
//! (modulated convolution, filtered leaky ReLU, other) and the ratio to NVIDIA's PyTorch CPU path.
//!
//! Each configuration runs in a child process of its own (so its peak memory is its own) unless
//! `--in-process`. `--json` prints one JSON object per line per configuration.
//!
//! `--engine gpu` needs the `gpu` cargo feature and a GPU engine in `crate::gpu` that implements
//! [`crate::nn::bench::Engine`]; until that exists it reports that the GPU engine is not built.

use std::process::Command;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use crate::cli::inspect::plain;
use crate::nn::bench::{BenchConfig, BenchOptions, BenchReport, CpuEngine, Engine, run as run_config};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineKind {
    Cpu,
    Gpu,
}

impl EngineKind {
    fn flag(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Gpu => "gpu",
        }
    }
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Configurations (repeatable): sg2-256-16k, sg2-256, sg2-1024, sg3t-256, sg3r-256, sg3t-1024.
    /// Default: all.
    #[arg(long = "config", value_name = "NAME")]
    pub configs: Vec<String>,
    /// Images per synthesis call.
    #[arg(long, default_value_t = 1)]
    pub batch: usize,
    /// Worker threads (default: the process's thread count, `RAYON_NUM_THREADS` or all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// One JSON object per line per configuration.
    #[arg(long)]
    pub json: bool,
    /// Timed runs per configuration (the median is reported).
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
    /// Untimed warm-up runs.
    #[arg(long, default_value_t = 1)]
    pub warmup: usize,
    /// Which engine runs the generator.
    #[arg(long, value_enum, default_value_t = EngineKind::Cpu)]
    pub engine: EngineKind,
    /// The machine's FP32 peak in GFLOP/s (for the share of peak; 330 is the project machine's
    /// 2 AVX-512 cores).
    #[arg(long, default_value_t = 330.0)]
    pub peak_gflops: f64,
    /// Seed of the random weights and latents.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Run every configuration in this process (peak memory then includes earlier ones).
    #[arg(long)]
    pub in_process: bool,
    /// Internal: run exactly one configuration and print its JSON line.
    #[arg(long, hide = true)]
    pub child: bool,
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let configs = if args.configs.is_empty() {
        BenchConfig::ALL.to_vec()
    } else {
        args.configs.iter().map(|n| BenchConfig::from_name(n).map_err(plain)).collect::<anyhow::Result<Vec<_>>>()?
    };
    if args.batch == 0 || args.repeat == 0 || args.threads == Some(0) {
        bail!("--batch, --repeat and --threads must be at least 1");
    }
    if args.child || args.in_process || configs.len() == 1 {
        let run_all = || -> anyhow::Result<()> {
            let mut engine = make_engine(args.engine)?;
            print_header(&args);
            for &c in &configs {
                let report = run_config(engine.as_mut(), c, &options(&args)).map_err(plain)?;
                print_report(&args, &report)?;
            }
            Ok(())
        };
        return match args.threads {
            Some(t) => rayon::ThreadPoolBuilder::new().num_threads(t).build()?.install(run_all),
            None => run_all(),
        };
    }
    print_header(&args);
    for &c in &configs {
        let report = run_child(&args, c)?;
        print_report(&args, &report)?;
    }
    Ok(())
}

fn options(args: &BenchArgs) -> BenchOptions {
    BenchOptions {
        batch: args.batch,
        warmup: args.warmup,
        repeat: args.repeat,
        peak_gflops: args.peak_gflops,
        seed: args.seed,
    }
}

fn make_engine(kind: EngineKind) -> anyhow::Result<Box<dyn Engine>> {
    match kind {
        EngineKind::Cpu => Ok(Box::new(CpuEngine::new())),
        EngineKind::Gpu => gpu_engine(),
    }
}

/// The GPU engine: `crate::gpu` is to provide a type implementing [`Engine`] (load the
/// generator's weights onto the device, run synthesis on `ws`, wait for the queue); plug it in here.
#[cfg(feature = "gpu")]
fn gpu_engine() -> anyhow::Result<Box<dyn Engine>> {
    bail!("the GPU engine is not built yet: `crate::gpu` provides no bench engine (a type implementing stylescope::nn::bench::Engine)")
}

#[cfg(not(feature = "gpu"))]
fn gpu_engine() -> anyhow::Result<Box<dyn Engine>> {
    bail!("this stylescope was built without the `gpu` feature, so `--engine gpu` is not available")
}

/// Runs one configuration in a child process (`--child`) and reads its JSON line.
fn run_child(args: &BenchArgs, config: BenchConfig) -> anyhow::Result<BenchReport> {
    let exe = std::env::current_exe().context("cannot find the stylescope executable to run a configuration")?;
    let mut cmd = Command::new(exe);
    cmd.args(["bench", "--child", "--json", "--config", config.name()])
        .args(["--batch", &args.batch.to_string(), "--repeat", &args.repeat.to_string()])
        .args(["--warmup", &args.warmup.to_string(), "--engine", args.engine.flag()])
        .args(["--peak-gflops", &args.peak_gflops.to_string(), "--seed", &args.seed.to_string()]);
    if let Some(t) = args.threads {
        cmd.args(["--threads", &t.to_string()]);
    }
    let out = cmd.output().with_context(|| format!("cannot run the {} benchmark", config.name()))?;
    if !out.status.success() {
        bail!("{}: {}", config.name(), String::from_utf8_lossy(&out.stderr).trim());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().rev().find(|l| l.starts_with('{')).context("the benchmark printed no result")?;
    Ok(serde_json::from_str(line)?)
}

fn print_header(args: &BenchArgs) {
    if args.json || args.child {
        return;
    }
    println!(
        "{:<12} {:>10} {:>10} {:>8} {:>6} {:>9} {:>9} {:>9} {:>8} {:>9} {:>11} {:>5}",
        "config", "wall ms", "cpu ms/thr", "GFLOP/s", "peak", "modconv", "flrelu", "other", "peak MB", "PyTorch", "× PyTorch", "load"
    );
}

fn print_report(args: &BenchArgs, r: &BenchReport) -> anyhow::Result<()> {
    if args.json || args.child {
        println!("{}", serde_json::to_string(r)?);
        return Ok(());
    }
    let opt = |v: Option<f64>, prec: usize| v.map_or("-".to_string(), |v| format!("{v:.prec$}"));
    let speedup = r.pytorch_ms.map(|p| match r.cpu_wall_ms() {
        Some(c) => format!("{:.1} ({:.1})", p / r.median_ms, p / c),
        None => format!("{:.1}", p / r.median_ms),
    });
    println!(
        "{:<12} {:>10.1} {:>10} {:>8.1} {:>5.0}% {:>9} {:>9} {:>9} {:>8} {:>9} {:>11} {:>5}",
        r.config,
        r.median_ms,
        opt(r.cpu_wall_ms(), 1),
        r.gflops,
        r.peak_share * 100.0,
        opt(r.modconv_ms, 1),
        opt(r.flrelu_ms, 1),
        opt(r.other_ms, 1),
        opt(r.peak_rss_mb, 0),
        opt(r.pytorch_ms, 0),
        speedup.unwrap_or_else(|| "-".into()),
        opt(r.load_avg, 1),
    );
    Ok(())
}
