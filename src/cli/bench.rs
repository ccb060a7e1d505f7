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
    /// The machine's FP32 peak in GFLOP/s for the share of peak (default: cores × FLOP/cycle of
    /// the instruction set × the clock in /proc/cpuinfo).
    #[arg(long)]
    pub peak_gflops: Option<f64>,
    /// Timed runs of the reference matrix product after each configuration (0: none).
    #[arg(long, default_value_t = 3)]
    pub calibrate: usize,
    /// Seed of the random weights and latents.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Run every configuration in this process (peak memory then includes earlier ones).
    #[arg(long)]
    pub in_process: bool,
    /// Print the layer schedule of each configuration (shapes, filters, MACs) and exit.
    #[arg(long)]
    pub layers: bool,
    /// Time the ops of this StyleGAN3 layer (e.g. L12_276_128) instead of whole images.
    #[arg(long, value_name = "NAME")]
    pub layer: Option<String>,
    /// With --layer: also time the reference ops (once) and report the largest difference.
    #[arg(long)]
    pub reference: bool,
    /// Internal: run exactly one configuration and print its JSON line.
    #[arg(long, hide = true)]
    pub child: bool,
    /// `--engine gpu`: frames per second of the WGSL compute engine.
    #[command(flatten, next_help_heading = "GPU engine (--engine gpu)")]
    pub gpu: crate::cli::bench_gpu::GpuBenchArgs,
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.engine == EngineKind::Gpu {
        return crate::cli::bench_gpu::run(args.gpu, args.json);
    }
    let configs = if args.configs.is_empty() {
        BenchConfig::ALL.to_vec()
    } else {
        args.configs.iter().map(|n| BenchConfig::from_name(n).map_err(plain)).collect::<anyhow::Result<Vec<_>>>()?
    };
    if args.batch == 0 || args.repeat == 0 || args.threads == Some(0) {
        bail!("--batch, --repeat and --threads must be at least 1");
    }
    if let Some(layer) = &args.layer {
        let run_layer = || -> anyhow::Result<()> {
            for &c in &configs {
                for t in
                    crate::nn::bench::layer_ops::time_layer(c, layer, args.repeat, args.reference).map_err(plain)?
                {
                    print_op(&args, &t)?;
                }
            }
            Ok(())
        };
        return match args.threads {
            Some(t) => rayon::ThreadPoolBuilder::new().num_threads(t).build()?.install(run_layer),
            None => run_layer(),
        };
    }
    if args.layers {
        for &c in &configs {
            print_layers(c)?;
        }
        return Ok(());
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
        calibrate: args.calibrate,
        seed: args.seed,
    }
}

fn make_engine(kind: EngineKind) -> anyhow::Result<Box<dyn Engine>> {
    match kind {
        EngineKind::Cpu => Ok(Box::new(CpuEngine::new())),
        EngineKind::Gpu => gpu_engine(),
    }
}

/// `--engine gpu` is measured by [`crate::cli::bench_gpu`] (frames per second), dispatched in
/// [`run`] before any CPU configuration is built, so this is never reached with a GPU build.
#[cfg(feature = "gpu")]
fn gpu_engine() -> anyhow::Result<Box<dyn Engine>> {
    bail!("the GPU engine is measured by `stylescope bench --engine gpu` (frames per second), not per configuration")
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
        .args(["--calibrate", &args.calibrate.to_string(), "--seed", &args.seed.to_string()]);
    if let Some(p) = args.peak_gflops {
        cmd.args(["--peak-gflops", &p.to_string()]);
    }
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
    println!("wall: median wall-clock ms per image; cpu/thr: median CPU ms per image (all threads) / threads, what an");
    println!(
        "unloaded machine would show; GFLOP/s and shares from CPU time; split (modulated conv, filtered lrelu, other)"
    );
    println!(
        "in CPU ms / threads; matmul: the reference product measured right after, GFLOP per CPU-second × threads."
    );
    println!(
        "{:<12} {:>9} {:>9} {:>8} {:>6} {:>8} {:>8} {:>8} {:>7} {:>8} {:>7} {:>8} {:>13} {:>5}",
        "config",
        "wall ms",
        "cpu/thr",
        "GFLOP/s",
        "peak",
        "matmul",
        "conv",
        "flrelu",
        "other",
        "peak MB",
        "PyTorch",
        "× (cpu)",
        "× (wall)",
        "load"
    );
}

fn print_report(args: &BenchArgs, r: &BenchReport) -> anyhow::Result<()> {
    if args.json || args.child {
        println!("{}", serde_json::to_string(r)?);
        return Ok(());
    }
    let thr = r.threads.max(1) as f64;
    let opt = |v: Option<f64>, prec: usize| v.map_or("-".to_string(), |v| format!("{v:.prec$}"));
    let per_thr = |v: Option<f64>| opt(v.map(|v| v / thr), 0);
    let gflops_cpu = r.gflops_per_cpu_s.map(|g| g * thr);
    let matmul = r.matmul_gflops_per_cpu_s.map(|g| g * thr);
    let share = |v: Option<f64>, of: Option<f64>| match (v, of) {
        (Some(v), Some(of)) => format!("{:.0}%", 100.0 * v / of),
        _ => "-".into(),
    };
    println!(
        "{:<12} {:>9.0} {:>9} {:>8} {:>6} {:>8} {:>8} {:>8} {:>7} {:>8} {:>7} {:>8} {:>13} {:>5}",
        r.config,
        r.median_ms,
        opt(r.cpu_wall_ms(), 0),
        opt(gflops_cpu, 1),
        share(gflops_cpu, Some(r.peak_gflops)),
        share(gflops_cpu, matmul),
        per_thr(r.modconv_cpu_ms),
        per_thr(r.flrelu_cpu_ms),
        per_thr(r.other_cpu_ms),
        opt(r.peak_rss_mb, 0),
        opt(r.pytorch_ms, 0),
        opt(r.pytorch_ms.zip(r.cpu_wall_ms()).map(|(p, c)| p / c), 1),
        opt(r.pytorch_ms.map(|p| p / r.median_ms), 2),
        opt(r.load_avg, 1),
    );
    if args.configs.len() <= 1 || args.in_process {
        println!(
            "  {} · {} threads · peak assumed {:.0} GFLOP/s · reference matmul {} GFLOP/s wall, {} per CPU-s × threads",
            r.isa,
            r.threads,
            r.peak_gflops,
            opt(r.matmul_gflops, 1),
            opt(matmul, 1)
        );
    }
    Ok(())
}

fn print_layers(config: BenchConfig) -> anyhow::Result<()> {
    use crate::nn::config::GeneratorConfig;
    let gc = config.generator_config().map_err(plain)?;
    let m = crate::nn::bench::macs(&gc);
    println!("{}: {:.1} GMAC convolution, {:.1} GMAC FIR", config.name(), m.conv / 1e9, m.fir / 1e9);
    match gc {
        GeneratorConfig::StyleGan3(c) => {
            for l in &c.layers {
                let k = l.conv_kernel;
                println!(
                    "  {:<14} {:>4} → {:>4} ch  {:>4}² → conv {}×{} → {:>4}²  up {} ({:>2} taps)  down {} ({:>2} taps{})  pad {:?}  → {:>4}²",
                    l.name,
                    l.in_channels,
                    l.out_channels,
                    l.in_size[0],
                    k,
                    k,
                    l.in_size[0] + k - 1,
                    l.up_factor,
                    l.up_taps,
                    l.down_factor,
                    l.down_taps,
                    if l.down_radial { ", radial" } else { "" },
                    l.padding,
                    l.out_size[0]
                );
            }
        }
        GeneratorConfig::StyleGan2(c) => {
            for b in &c.blocks {
                println!("  b{:<5} {:>4} → {:>4} ch", b.resolution, b.in_channels, b.out_channels);
            }
        }
    }
    Ok(())
}

fn print_op(args: &BenchArgs, t: &crate::nn::bench::layer_ops::OpTiming) -> anyhow::Result<()> {
    if args.json {
        println!("{}", serde_json::to_string(t)?);
        return Ok(());
    }
    let opt = |v: Option<f64>, prec: usize| v.map_or("-".to_string(), |v| format!("{v:.prec$}"));
    let rate = t.fast_cpu_ms.map(|c| t.gmac / (c / 1e3));
    println!(
        "{:<14} {:<15} {:>7.3} GMAC  fast {:>9.1} ms ({:>9} CPU ms, {:>6} GMAC/CPU-s)  reference {:>9} ms ({:>9} CPU ms)  ×{:>6}  max diff {}",
        t.layer,
        t.op,
        t.gmac,
        t.fast_ms,
        opt(t.fast_cpu_ms, 1),
        opt(rate, 1),
        opt(t.ref_ms, 1),
        opt(t.ref_cpu_ms, 1),
        opt(t.ref_cpu_ms.zip(t.fast_cpu_ms).map(|(r, f)| r / f), 1),
        t.max_abs_diff.map_or("-".into(), |d| format!("{d:.2e}")),
    );
    Ok(())
}
