//! The in-run reference for `stylescope bench`: a large matrix product through the same `gemm`
//! microkernels the convolutions use, timed in the same process and conditions, so that a
//! configuration's speed can be quoted as a share of what this machine's matrix product reaches
//! right now. Also a nominal FP32 peak from the instruction set and the clock.

use std::time::Instant;

use crate::Result;
use crate::nn::bench::process_stats::cpu_time;
use crate::nn::kernels::gemm::{MatMut, MatRef, matmul};

/// GFLOP/s of the reference product: by wall time, and per CPU-second of all threads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatmulSpeed {
    pub gflops: f64,
    pub gflops_per_cpu_s: Option<f64>,
}

/// Median of `reps` products `[512, 4608] · [4608, 4096]` (19.3 GFLOP, the shape of a 3×3
/// convolution of 512 channels over a 64² image; reference-rust-stack.md §3(h)).
pub fn matmul_speed(reps: usize) -> Result<MatmulSpeed> {
    let (m, k, n) = (512, 4608, 4096);
    let a: Vec<f32> = (0..m * k).map(|i| ((i % 97) as f32 - 48.0) / 97.0).collect();
    let b: Vec<f32> = (0..k * n).map(|i| ((i % 89) as f32 - 44.0) / 89.0).collect();
    let mut c = vec![0f32; m * n];
    let flop = 2.0 * (m * k * n) as f64;
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for r in 0..reps.max(1) + 1 {
        let c0 = cpu_time();
        let t0 = Instant::now();
        matmul(MatMut::row_major(&mut c, m, n), false, MatRef::row_major(&a, m, k), MatRef::row_major(&b, k, n), true)?;
        let dt = t0.elapsed().as_secs_f64();
        // The first product warms up (pages, thread pool).
        if r > 0 {
            wall.push(dt);
            if let (Some(c0), Some(c1)) = (c0, cpu_time()) {
                cpu.push(c1.saturating_sub(c0).as_secs_f64());
            }
        }
    }
    std::hint::black_box(&c);
    let med = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Ok(MatmulSpeed {
        gflops: flop / 1e9 / med(wall),
        gflops_per_cpu_s: (!cpu.is_empty()).then(|| flop / 1e9 / med(cpu)),
    })
}

/// A nominal FP32 peak in GFLOP/s: cores × FLOP per cycle of the instruction set the kernels
/// use (two fused multiply-add units: 64 with AVX-512, 32 with AVX2, 8 otherwise) × the clock
/// `/proc/cpuinfo` reports (the base clock in a VM; turbo can exceed it). `None` off Linux.
pub fn nominal_peak_gflops(threads: usize) -> Option<f64> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let mhz: f64 = text.lines().find(|l| l.starts_with("cpu MHz"))?.split(':').nth(1)?.trim().parse().ok()?;
    let per_cycle = match crate::nn::kernels::dispatch::level() {
        l if l.contains("AVX-512") => 64.0,
        l if l.contains("AVX2") => 32.0,
        _ => 8.0,
    };
    Some(threads as f64 * per_cycle * mhz / 1e3)
}
