//! A direction strip: a grid with one row per seed and one column per strength, from −max to
//! +max σ (the centre column is the unedited image when the step count is odd).

use candle_core::Device;

use crate::latent::directions::direction::Direction;
use crate::latent::directions::direction_edit::{DirectionEdit, apply_edits};
use crate::latent::z_tensor;
use crate::nn::generator::{Generator, SynthesisOptions};
use crate::nn::image::to_raster;
use crate::progress::Monitor;
use crate::raster::Raster;
use crate::{Error, Result};

/// What a strip shows.
#[derive(Clone, Debug, PartialEq)]
pub struct StripSettings {
    pub seeds: Vec<u64>,
    /// Truncation psi of the seeds' w.
    pub psi: f64,
    /// Columns (≥ 2).
    pub steps: usize,
    /// The outer columns' strength in σ.
    pub max_sigma: f64,
    /// Inclusive W+ rows; `None` = every row.
    pub layers: Option<(usize, usize)>,
}

/// The strengths of the columns, evenly from −max to +max.
pub fn strip_strengths(steps: usize, max_sigma: f64) -> Vec<f64> {
    let steps = steps.max(2);
    (0..steps).map(|i| -max_sigma + 2.0 * max_sigma * i as f64 / (steps - 1) as f64).collect()
}

/// Renders the strip (unconditional networks; class 0 for conditional ones).
pub fn render_strip(
    generator: &Generator,
    direction: &Direction,
    settings: &StripSettings,
    opts: &SynthesisOptions,
    monitor: &dyn Monitor,
) -> Result<Raster> {
    if settings.seeds.is_empty() {
        return Err(Error::Invalid("a strip needs at least one seed".into()));
    }
    let cfg = generator.config();
    let device = Device::Cpu;
    let label = if cfg.c_dim() > 0 { Some(crate::latent::class_label(cfg.c_dim(), 0, 1, &device)?) } else { None };
    let strengths = strip_strengths(settings.steps, settings.max_sigma);
    let total = (settings.seeds.len() * strengths.len()) as u64;
    let mut tiles: Vec<Raster> = Vec::with_capacity(total as usize);
    for &seed in &settings.seeds {
        let z = z_tensor(&[seed], cfg.z_dim(), generator.w_avg().device())?;
        let ws = generator.mapping(&z, label.as_ref(), settings.psi, None)?;
        for &s in &strengths {
            let edit = DirectionEdit { direction: direction.clone(), strength: s, layers: settings.layers };
            let img = generator.synthesis(&apply_edits(&ws, &[edit])?, opts)?.image;
            tiles.push(to_raster(&img, 0)?);
            monitor.set_count(tiles.len() as u64, total)?;
        }
    }
    grid(&tiles, strengths.len())
}

/// Tiles of equal size in rows of `cols`.
fn grid(tiles: &[Raster], cols: usize) -> Result<Raster> {
    let first = tiles.first().ok_or_else(|| Error::Invalid("no tiles".into()))?;
    let (w, h, c) = (first.width, first.height, first.channels);
    let rows = tiles.len().div_ceil(cols);
    let (gw, gh) = (w * cols, h * rows);
    let mut px = vec![0u8; gw * gh * c];
    for (i, t) in tiles.iter().enumerate() {
        if (t.width, t.height, t.channels) != (w, h, c) {
            return Err(Error::Invalid("strip tiles differ in size".into()));
        }
        let (ox, oy) = ((i % cols) * w, (i / cols) * h);
        for y in 0..h {
            let dst = ((oy + y) * gw + ox) * c;
            px[dst..dst + w * c].copy_from_slice(&t.pixels[y * w * c..(y + 1) * w * c]);
        }
    }
    Raster::new(gw, gh, c, px)
}
