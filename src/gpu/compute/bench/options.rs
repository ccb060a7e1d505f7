//! What `stylescope bench --engine gpu` measures.

use crate::gpu::compute::bench::BenchFamily;

/// Families × resolutions, each timed for `frames` frames after one warm-up frame, or until
/// `max_seconds` of frames have run (whichever comes first, at least one timed frame).
#[derive(Clone, Debug, PartialEq)]
pub struct BenchOptions {
    pub families: Vec<BenchFamily>,
    pub resolutions: Vec<usize>,
    pub frames: usize,
    pub max_seconds: f64,
    /// Divides `channel_base` and `channel_max` (1 = NVIDIA's sizes; larger values give small
    /// networks that software adapters can time).
    pub channel_divisor: usize,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            families: BenchFamily::ALL.to_vec(),
            resolutions: vec![256, 512, 1024],
            frames: 20,
            max_seconds: 20.0,
            channel_divisor: 1,
        }
    }
}
