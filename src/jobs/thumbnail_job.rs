//! Thumbnails for the labelling view: a page of seeds rendered on a job's thread through an
//! [`EngineLoader`] (the window's CPU loader; tests pass a synthetic one), shrunk for a grid.
//! The window only uploads the finished pictures.

use std::path::{Path, PathBuf};

use crate::jobs::engine::EngineLoader;
use crate::jobs::job::JobOutput;
use crate::jobs::request::RenderRequest;
use crate::latent::seed_plane::SeedWeight;
use crate::progress::Monitor;
use crate::raster::Raster;
use crate::{Error, Result};

/// One page of the labelling grid.
#[derive(Clone, Debug, PartialEq)]
pub struct ThumbnailPage {
    pub network: PathBuf,
    pub psi: f64,
    /// The page's seeds, in grid order, and their pictures.
    pub seeds: Vec<u64>,
    pub images: Vec<Raster>,
}

impl JobOutput for ThumbnailPage {
    fn summary(&self) -> String {
        match (self.seeds.first(), self.seeds.last()) {
            (Some(a), Some(b)) => format!("{} thumbnails, seeds {a}-{b}", self.seeds.len()),
            _ => "no thumbnails".into(),
        }
    }
}

/// Opens `network` with `loader` and renders each seed (truncation `psi`, default settings
/// otherwise), each picture shrunk to at most `max_side` pixels a side.
pub fn render_thumbnails(
    loader: &dyn EngineLoader,
    network: &Path,
    seeds: &[u64],
    psi: f64,
    max_side: usize,
    monitor: &dyn Monitor,
) -> Result<ThumbnailPage> {
    let mut engine = loader.load(network)?;
    monitor.check()?;
    let mut images = Vec::with_capacity(seeds.len());
    for (i, &seed) in seeds.iter().enumerate() {
        let seed32 = u32::try_from(seed)
            .map_err(|_| Error::Invalid(format!("seed {seed} is beyond the window's seeds (0-{})", u32::MAX)))?;
        let request =
            RenderRequest { seeds: vec![SeedWeight { seed: seed32, weight: 1.0 }], psi, ..Default::default() };
        let out = engine.render(&request)?;
        let image = out.image.ok_or_else(|| Error::Invalid("the engine returned no pixels for a thumbnail".into()))?;
        images.push(image.shrunk(max_side));
        monitor.set_count(i as u64 + 1, seeds.len() as u64)?;
    }
    Ok(ThumbnailPage { network: network.to_path_buf(), psi, seeds: seeds.to_vec(), images })
}
