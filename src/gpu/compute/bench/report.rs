//! The benchmark's result table.

use std::fmt;

use crate::gpu::compute::bench::BenchRow;

/// The adapter and one row per network and resolution.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BenchReport {
    pub adapter: String,
    pub software: bool,
    pub rows: Vec<BenchRow>,
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "GPU engine on {}{}", self.adapter, if self.software { " (software rasteriser)" } else { "" })?;
        writeln!(
            f,
            "{:<16} {:>5} {:>9} {:>9} {:>7} {:>10} {:>9} {:>9} {:>9}",
            "network", "res", "build s", "first s", "frames", "ms/frame", "FPS", "weights", "activ."
        )?;
        for r in &self.rows {
            match &r.skipped {
                Some(why) => writeln!(f, "{:<16} {:>5}  skipped: {why}", r.network, r.resolution)?,
                None => writeln!(
                    f,
                    "{:<16} {:>5} {:>9.2} {:>9.2} {:>7} {:>10.1} {:>9.3} {:>6.0}MiB {:>6.0}MiB",
                    r.network,
                    r.resolution,
                    r.build_seconds,
                    r.first_frame_seconds,
                    r.frames,
                    1000.0 * r.frame_seconds,
                    r.fps,
                    r.weight_mib,
                    r.activation_mib
                )?,
            }
        }
        Ok(())
    }
}
