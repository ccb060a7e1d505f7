//! The settings the Analysis menu starts metrics with (persisted with the window's settings).
//!
//! The defaults are small so that a run finishes in a reasonable time on a CPU: the metrics'
//! names promise 50,000 samples (NVIDIA's protocol), which takes hours there. Every result line
//! records the samples it used, so a short run is never mistaken for a full one.

use std::path::PathBuf;

/// Sample counts offered in the Analysis menu.
pub const SAMPLE_CHOICES: [usize; 6] = [16, 64, 256, 1000, 5000, 50_000];

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AnalysisOptions {
    /// Samples per run (rounded up to whole batches by the metric).
    pub num_samples: usize,
    /// Samples per batch (NVIDIA's: 4; one transform is drawn per batch).
    pub batch_size: usize,
    /// Seed of the latents and transforms: the same seed gives the same number.
    pub seed: u64,
    /// Where result lines go; `None`: the network's own folder (as `calc_metrics.py`).
    pub results_dir: Option<PathBuf>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self { num_samples: 64, batch_size: 4, seed: 0, results_dir: None }
    }
}
