//! The result of one benchmark configuration (one JSON line of `stylescope bench --json`).

use serde::{Deserialize, Serialize};

/// Times are milliseconds per image.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    pub config: String,
    pub engine: String,
    pub batch: usize,
    pub threads: usize,
    /// The instruction set the kernels run with.
    pub isa: String,
    /// Timed runs.
    pub runs: usize,
    /// Median wall time per image.
    pub median_ms: f64,
    pub min_ms: f64,
    /// Median CPU time (all threads, user + system) per image; divided by `threads` it is the
    /// wall time an unloaded machine would show, were the threads busy throughout.
    pub cpu_ms: Option<f64>,
    /// Multiply-accumulates per image: total, modulated convolutions, FIR filtering.
    pub gmac: f64,
    pub conv_gmac: f64,
    pub fir_gmac: f64,
    /// `2 · gmac / median` (GFLOP/s achieved, wall time).
    pub gflops: f64,
    /// `2 · gmac / cpu_ms`: GFLOP per CPU-second (all threads); independent of other load.
    pub gflops_per_cpu_s: Option<f64>,
    /// The FP32 peak assumed (GFLOP/s, all threads).
    pub peak_gflops: f64,
    /// `gflops / peak_gflops`, and the same from CPU time (`gflops_per_cpu_s · threads / peak`).
    pub peak_share: f64,
    pub peak_share_cpu: Option<f64>,
    /// The reference matrix product measured right after (wall, and per CPU-second).
    pub matmul_gflops: Option<f64>,
    pub matmul_gflops_per_cpu_s: Option<f64>,
    /// Peak resident memory of the process while loading and running this configuration.
    pub peak_rss_mb: Option<f64>,
    /// Per-op split of the median (wall time): modulated convolution, filtered leaky ReLU, other.
    pub modconv_ms: Option<f64>,
    pub flrelu_ms: Option<f64>,
    pub other_ms: Option<f64>,
    /// The same split in CPU time (all threads).
    pub modconv_cpu_ms: Option<f64>,
    pub flrelu_cpu_ms: Option<f64>,
    pub other_cpu_ms: Option<f64>,
    /// NVIDIA's PyTorch CPU path on the project machine (reference-stylegan.md §5.4).
    pub pytorch_ms: Option<f64>,
    /// The 1-minute load average during the timed runs.
    pub load_avg: Option<f64>,
}

impl BenchReport {
    /// `cpu_ms / threads`: the CPU-time-derived time per image.
    pub fn cpu_wall_ms(&self) -> Option<f64> {
        self.cpu_ms.map(|c| c / self.threads.max(1) as f64)
    }
}
