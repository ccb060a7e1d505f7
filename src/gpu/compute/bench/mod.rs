//! The GPU engine's benchmark: frames per second of NVIDIA's default StyleGAN2, StyleGAN3-T and
//! StyleGAN3-R architectures (random weights) at chosen resolutions, on one adapter.

mod nets;
mod options;
mod report;
mod row;

use std::time::Instant;

pub use nets::BenchFamily;
pub use options::BenchOptions;
pub use report::BenchReport;
pub use row::BenchRow;

use crate::Result;
use crate::gpu::compute::{GpuContext, GpuEngine, check_support};
use crate::nn::SynthesisOptions;
use crate::nn::Weights;
use crate::nn::config::GeneratorConfig;
use crate::progress::Monitor;

/// Times every family × resolution of `options` on `ctx`. A network the adapter cannot hold is
/// reported as skipped with the reason, and so is one that fails while being measured.
pub fn bench(ctx: &GpuContext, options: &BenchOptions, monitor: &dyn Monitor) -> Result<BenchReport> {
    let mut rows = Vec::new();
    let total = (options.families.len() * options.resolutions.len()).max(1);
    for (i, family) in options.families.iter().enumerate() {
        for (j, &res) in options.resolutions.iter().enumerate() {
            monitor.set_count((i * options.resolutions.len() + j) as u64, total as u64)?;
            monitor.log(&format!("{} {res}²", family.name()));
            let (config, weights) = family.network_scaled(res, 1, options.channel_divisor)?;
            let name = match options.channel_divisor {
                0 | 1 => family.name().to_string(),
                d => format!("{} /{d}", family.name()),
            };
            // A network that fails (e.g. a software adapter timing out on a large one) is
            // reported with its reason; the other rows are still measured.
            let row = bench_network(ctx, &name, &config, &weights, options)
                .unwrap_or_else(|e| BenchRow::failed(&name, res, e.to_string()));
            rows.push(row);
        }
    }
    monitor.set_fraction(1.0)?;
    Ok(BenchReport { adapter: ctx.description(), software: ctx.is_software(), rows })
}

/// Times one network (for example a loaded checkpoint).
pub fn bench_network(
    ctx: &GpuContext,
    name: &str,
    config: &GeneratorConfig,
    weights: &Weights,
    options: &BenchOptions,
) -> Result<BenchRow> {
    let res = config.img_resolution();
    let mut row = BenchRow {
        network: name.to_string(),
        resolution: res,
        build_seconds: 0.0,
        first_frame_seconds: 0.0,
        frames: 0,
        frame_seconds: 0.0,
        fps: 0.0,
        weight_mib: 0.0,
        activation_mib: 0.0,
        skipped: None,
    };
    if let Err(e) = check_support(ctx, config) {
        row.skipped = Some(e.to_string());
        return Ok(row);
    }
    let start = Instant::now();
    let mut engine = GpuEngine::new(ctx, config, weights)?;
    row.build_seconds = start.elapsed().as_secs_f64();
    let (wb, ab) = engine.memory_bytes();
    row.weight_mib = wb as f64 / 1048576.0;
    row.activation_mib = ab as f64 / 1048576.0;
    let z: Vec<f32> = (0..config.z_dim()).map(|i| ((i * 7919 % 1000) as f32 / 500.0) - 1.0).collect();
    let ws = engine.mapping(&z, None, 0.7, None)?;
    let opts = SynthesisOptions::default();
    let t = Instant::now();
    engine.render(&ws, &opts)?;
    row.first_frame_seconds = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut frames = 0;
    while frames < options.frames.max(1) && (frames == 0 || t.elapsed().as_secs_f64() < options.max_seconds) {
        engine.render(&ws, &opts)?;
        frames += 1;
    }
    row.frames = frames;
    row.frame_seconds = t.elapsed().as_secs_f64() / frames as f64;
    row.fps = 1.0 / row.frame_seconds;
    Ok(row)
}
