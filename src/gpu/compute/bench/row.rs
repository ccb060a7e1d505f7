//! One benchmark measurement.

/// A network's timing on the GPU engine, or why it could not run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BenchRow {
    pub network: String,
    pub resolution: usize,
    /// Seconds to upload the weights and build the pipelines.
    pub build_seconds: f64,
    /// Seconds of the first (warm-up) frame.
    pub first_frame_seconds: f64,
    /// Timed frames and their mean seconds (render + wait, no read-back).
    pub frames: usize,
    pub frame_seconds: f64,
    pub fps: f64,
    pub weight_mib: f64,
    pub activation_mib: f64,
    /// Set when the network could not run on this adapter.
    pub skipped: Option<String>,
}

impl BenchRow {
    /// A row for a network that could not be measured, with the reason.
    pub fn failed(network: &str, resolution: usize, why: String) -> Self {
        Self {
            network: network.to_string(),
            resolution,
            build_seconds: 0.0,
            first_frame_seconds: 0.0,
            frames: 0,
            frame_seconds: 0.0,
            fps: 0.0,
            weight_mib: 0.0,
            activation_mib: 0.0,
            skipped: Some(why),
        }
    }
}
