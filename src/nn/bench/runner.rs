//! Running one benchmark configuration: build the network, warm up, time repeated synthesis
//! calls (wall and CPU time, per-op split), record peak memory.

use std::time::{Duration, Instant};

use candle_core::{DType, Device, Tensor};

use crate::Result;
use crate::nn::bench::calibrate::{matmul_speed, nominal_peak_gflops};
use crate::nn::bench::config::{BenchConfig, macs};
use crate::nn::bench::engine::Engine;
use crate::nn::bench::process_stats;
use crate::nn::bench::report::BenchReport;
use crate::nn::mapping::MappingNetwork;
use crate::nn::stylegan3::init_rng::InitRng;

/// How to run a configuration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BenchOptions {
    pub batch: usize,
    /// Untimed runs first.
    pub warmup: usize,
    /// Timed runs (the median is reported).
    pub repeat: usize,
    /// The machine's FP32 peak in GFLOP/s, for the share of peak (`None`: the nominal peak from
    /// the instruction set and clock, [`nominal_peak_gflops`]).
    pub peak_gflops: Option<f64>,
    /// Timed runs of the reference matrix product after the configuration (0: none).
    pub calibrate: usize,
    /// Seed of the random weights and latents.
    pub seed: u64,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self { batch: 1, warmup: 1, repeat: 5, peak_gflops: None, calibrate: 3, seed: 0 }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Builds `config` with random weights, loads it into `engine` and times it.
pub fn run(engine: &mut dyn Engine, config: BenchConfig, opts: &BenchOptions) -> Result<BenchReport> {
    let batch = opts.batch.max(1);
    let gen_config = config.generator_config()?;
    let weights = config.weights(&gen_config, opts.seed, &Device::Cpu)?;
    let mapping = MappingNetwork::new(gen_config.mapping(), &weights, "mapping", &Device::Cpu)?;
    let z_dim = gen_config.mapping().z_dim;
    let z = Tensor::from_vec(InitRng::new(opts.seed + 1).normal_vec(batch * z_dim), (batch, z_dim), &Device::Cpu)?;
    let ws = mapping.forward(&z.to_dtype(DType::F32)?, None, 1.0, None)?;
    process_stats::reset_peak_rss();
    engine.load(&gen_config, &weights)?;
    drop(weights);

    for _ in 0..opts.warmup {
        engine.synthesize(&ws)?;
    }
    let (mut wall, mut cpu, mut conv, mut flrelu) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut conv_cpu, mut flrelu_cpu) = (Vec::new(), Vec::new());
    let load_before = process_stats::load_average();
    for _ in 0..opts.repeat.max(1) {
        let c0 = process_stats::cpu_time();
        let t0 = Instant::now();
        engine.synthesize(&ws)?;
        let dt = t0.elapsed();
        let c1 = process_stats::cpu_time();
        wall.push(ms(dt) / batch as f64);
        if let (Some(c0), Some(c1)) = (c0, c1) {
            cpu.push(ms(c1.saturating_sub(c0)) / batch as f64);
        }
        if let Some(s) = engine.op_split() {
            conv.push(ms(s.modulated_conv) / batch as f64);
            flrelu.push(ms(s.filtered_lrelu) / batch as f64);
            if let (Some(c), Some(f)) = (s.modulated_conv_cpu, s.filtered_lrelu_cpu) {
                conv_cpu.push(ms(c) / batch as f64);
                flrelu_cpu.push(ms(f) / batch as f64);
            }
        }
    }
    let load_after = process_stats::load_average();
    let peak_rss_mb = process_stats::peak_rss_bytes().map(|b| b as f64 / (1 << 20) as f64);
    let threads = rayon::current_num_threads();
    let peak = opts.peak_gflops.or_else(|| nominal_peak_gflops(threads)).unwrap_or(f64::NAN);
    let reference = if opts.calibrate > 0 { Some(matmul_speed(opts.calibrate)?) } else { None };
    let m = macs(&gen_config);
    let median_ms = median(wall.clone());
    let cpu_ms = (!cpu.is_empty()).then(|| median(cpu));
    let gflops = 2.0 * m.total() / 1e9 / (median_ms / 1e3);
    let gflops_per_cpu_s = cpu_ms.map(|c| 2.0 * m.total() / 1e9 / (c / 1e3));
    let split = (!conv.is_empty()).then(|| {
        let (c, f) = (median(conv), median(flrelu));
        [c, f, (median_ms - c - f).max(0.0)]
    });
    let cpu_split = match (cpu_ms, conv_cpu.is_empty()) {
        (Some(total), false) => {
            let (c, f) = (median(conv_cpu), median(flrelu_cpu));
            Some([c, f, (total - c - f).max(0.0)])
        }
        _ => None,
    };
    Ok(BenchReport {
        config: config.name().to_string(),
        engine: engine.describe(),
        batch,
        threads,
        isa: crate::nn::kernels::dispatch::level().to_string(),
        runs: wall.len(),
        median_ms,
        min_ms: wall.iter().copied().fold(f64::INFINITY, f64::min),
        cpu_ms,
        gmac: m.total() / 1e9,
        conv_gmac: m.conv / 1e9,
        fir_gmac: m.fir / 1e9,
        gflops,
        gflops_per_cpu_s,
        peak_gflops: peak,
        peak_share: gflops / peak,
        peak_share_cpu: gflops_per_cpu_s.map(|g| g * threads as f64 / peak),
        matmul_gflops: reference.map(|r| r.gflops),
        matmul_gflops_per_cpu_s: reference.and_then(|r| r.gflops_per_cpu_s),
        peak_rss_mb,
        modconv_ms: split.map(|s| s[0]),
        flrelu_ms: split.map(|s| s[1]),
        other_ms: split.map(|s| s[2]),
        modconv_cpu_ms: cpu_split.map(|s| s[0]),
        flrelu_cpu_ms: cpu_split.map(|s| s[1]),
        other_cpu_ms: cpu_split.map(|s| s[2]),
        pytorch_ms: config.pytorch_seconds().map(|s| s * 1e3),
        load_avg: match (load_before, load_after) {
            (Some(a), Some(b)) => Some(0.5 * (a + b)),
            (a, b) => a.or(b),
        },
    })
}
