//! `toyfaces`: a procedural data set of cartoon faces with known factors (see [`ToyFaceFactors`]
//! for the factors and the label format), written in NVIDIA's dataset format.
//!
//! The archive holds the images, `dataset.json` (labels: the normalised factor vector of each
//! image, plus a `stylescope` key naming the factors and the generator settings) and
//! `factors.csv` (the raw factors of every image, one row per file). Image `i` depends only on
//! the seed and `i`, so the archive's bytes do not depend on the number of threads.

use std::path::Path;

use rayon::prelude::*;

use super::factors::{FACTORS, ToyFaceFactors};
use super::render::render_toyface;
use super::writer::{DatasetZipWriter, encode_png, image_name, write_dataset_json};
use crate::progress::Monitor;
use crate::raster::Raster;
use crate::{Error, Result};

/// Images rendered in parallel between two progress reports and writes.
const CHUNK: usize = 256;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToyFaces {
    pub count: usize,
    /// Width and height in pixels: a power of two from 8 to 2048.
    pub resolution: usize,
    /// Random translation and rotation of the whole figure (otherwise a small position jitter).
    pub unaligned: bool,
    pub seed: u64,
}

impl ToyFaces {
    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        if !self.resolution.is_power_of_two() || !(8..=2048).contains(&self.resolution) {
            return Err(Error::Invalid(format!(
                "resolution must be a power of two from 8 to 2048, got {}",
                self.resolution
            )));
        }
        if !(1..=10_000_000).contains(&self.count) {
            return Err(Error::Invalid(format!("count must be from 1 to 10000000, got {}", self.count)));
        }
        Ok(())
    }

    /// The factors of image `index`.
    pub fn factors(&self, index: usize) -> ToyFaceFactors {
        ToyFaceFactors::sample(self.seed, index as u64, self.unaligned)
    }

    /// Image `index`, exactly as written to the archive.
    pub fn render(&self, index: usize) -> Result<Raster> {
        Ok(render_toyface(&self.factors(index), self.resolution)?.0)
    }

    /// Writes the data set to `out` (a `.zip`). Reports progress and stops on cancellation
    /// through `monitor`; on any error `out` is left as it was.
    pub fn write_zip(&self, out: &Path, monitor: &dyn Monitor) -> Result<()> {
        self.validate()?;
        let mut writer = DatasetZipWriter::create(out)?;
        monitor.set_count(0, self.count as u64)?;
        for start in (0..self.count).step_by(CHUNK) {
            let end = (start + CHUNK).min(self.count);
            let pngs: Vec<Vec<u8>> = (start..end)
                .into_par_iter()
                .map(|i| {
                    monitor.check()?;
                    encode_png(&self.render(i)?)
                })
                .collect::<Result<_>>()?;
            for png in &pngs {
                writer.add_image(png)?;
            }
            monitor.set_count(end as u64, self.count as u64)?;
        }
        writer.add_file("factors.csv", |w| {
            writeln!(w, "{}", ToyFaceFactors::csv_header())?;
            for i in 0..self.count {
                writeln!(w, "{}", self.factors(i).csv_row(&image_name(i), self.resolution))?;
            }
            Ok(())
        })?;
        // f32 Display is the shortest text that reads back to the same f32, as JSON wants.
        let label = |i: usize| {
            let values: Vec<String> = self.factors(i).label().iter().map(|v| v.to_string()).collect();
            format!("[{}]", values.join(","))
        };
        let meta = serde_json::json!({
            "generator": "toyfaces",
            "seed": self.seed,
            "unaligned": self.unaligned,
            "resolution": self.resolution,
            "label_factors": FACTORS.iter().map(|f| f.0).collect::<Vec<_>>(),
            "label_ranges": FACTORS.iter().map(|f| [f.1, f.2]).collect::<Vec<_>>(),
        });
        writer
            .add_file("dataset.json", |w| write_dataset_json(w, self.count, Some(&label), &[("stylescope", meta)]))?;
        monitor.check()?;
        writer.finish()
    }
}
