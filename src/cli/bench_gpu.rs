//! `stylescope bench --engine gpu`: frames per second of the WGSL compute engine
//! ([`crate::gpu::compute::bench`]) on NVIDIA's StyleGAN2, StyleGAN3-T and StyleGAN3-R
//! architectures with random weights, or on one network file.

use std::path::PathBuf;

use clap::Args;

/// Options of `stylescope bench --engine gpu`, which times NVIDIA's default StyleGAN2 (config F),
/// StyleGAN3-T and StyleGAN3-R architectures with random weights, or one network file, and
/// prints frames per second.
#[derive(Debug, Clone, Args)]
pub struct GpuBenchArgs {
    /// Measure this network (`.pkl`) instead of the built-in architectures.
    #[arg(long)]
    pub network: Option<PathBuf>,
    /// Image resolutions of the built-in architectures.
    #[arg(long, value_delimiter = ',', default_values_t = vec![256, 512, 1024])]
    pub resolutions: Vec<usize>,
    /// Architectures: sg2, sg3t, sg3r.
    #[arg(long, value_delimiter = ',', default_values_t = vec!["sg2".to_string(), "sg3t".to_string(), "sg3r".to_string()])]
    pub families: Vec<String>,
    /// Timed frames per network (after one warm-up frame).
    #[arg(long, default_value_t = 20)]
    pub frames: usize,
    /// Stop timing a network after this many seconds (at least one frame is timed).
    #[arg(long, default_value_t = 20.0)]
    pub max_seconds: f64,
    /// Divide the architectures' channel base and maximum by this (1 = NVIDIA's sizes; e.g. 16
    /// for small networks that a software adapter can time).
    #[arg(long, default_value_t = 1)]
    pub channel_divisor: usize,
}

/// `stylescope bench --engine gpu` (the options of the CPU benchmark that do not apply are ignored).
pub fn run(args: GpuBenchArgs, json: bool) -> anyhow::Result<()> {
    gpu(args, json)
}

#[cfg(feature = "gpu")]
fn gpu(args: GpuBenchArgs, json: bool) -> anyhow::Result<()> {
    use crate::checkpoint::{Checkpoint, NetworkKind};
    use crate::gpu::compute::GpuContext;
    use crate::gpu::compute::bench::{BenchFamily, BenchOptions, BenchReport, bench, bench_network};

    let families = args
        .families
        .iter()
        .map(|f| match f.as_str() {
            "sg2" => Ok(BenchFamily::StyleGan2),
            "sg3t" => Ok(BenchFamily::StyleGan3T),
            "sg3r" => Ok(BenchFamily::StyleGan3R),
            other => anyhow::bail!("unknown architecture `{other}` (sg2, sg3t or sg3r)"),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if let Some(r) = args.resolutions.iter().find(|r| !r.is_power_of_two() || **r < 16) {
        anyhow::bail!("resolution {r} is not a power of two ≥ 16");
    }
    let options = BenchOptions {
        families,
        resolutions: args.resolutions,
        frames: args.frames,
        max_seconds: args.max_seconds,
        channel_divisor: args.channel_divisor,
    };
    let ctx = GpuContext::headless()?;
    let report = match &args.network {
        None => bench(&ctx, &options, &crate::progress::Silent)?,
        Some(path) => {
            let ckpt = Checkpoint::open(path)?;
            let net = ckpt.generator_network()?;
            let NetworkKind::Generator(config) = &net.kind else { anyhow::bail!("{}: no generator", path.display()) };
            let weights = ckpt.weights(&net.key, &candle_core::Device::Cpu)?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let row = bench_network(&ctx, &name, config, &weights, &options)?;
            BenchReport { adapter: ctx.description(), software: ctx.is_software(), rows: vec![row] }
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
        if report.software {
            println!("(a software adapter: real GPUs are orders of magnitude faster)");
        }
    }
    Ok(())
}

#[cfg(not(feature = "gpu"))]
fn gpu(_args: GpuBenchArgs, _json: bool) -> anyhow::Result<()> {
    anyhow::bail!("this stylescope was built without the GPU engine (feature `gpu`)")
}
