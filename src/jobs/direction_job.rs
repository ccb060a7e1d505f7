//! Direction jobs for the window: open a network's generator on the job's thread and compute a
//! set of sliders (SeFa, GANSpace, an imported `.npy`), or render a strip PNG. The render worker
//! holds its own copy of the network; the job loads another (host memory only, freed at the end).

use std::path::{Path, PathBuf};

use candle_core::Device;

use crate::checkpoint::Checkpoint;
use crate::jobs::job::JobOutput;
use crate::latent::directions::direction_file::SIGMA_SAMPLES;
use crate::latent::directions::{
    Direction, GanSpace, GanSpaceSettings, LayerSelection, Sefa, StripSettings, default_layers, load_directions_for,
    projection_sigmas, render_strip,
};
use crate::nn::{Generator, SynthesisOptions};
use crate::progress::{Monitor, SubRange};
use crate::{Error, Result};

/// How to get a set of directions.
#[derive(Clone, Debug, PartialEq)]
pub enum DirectionSource {
    Sefa(LayerSelection),
    GanSpace(GanSpaceSettings),
    /// `FILE.npy[:ROW]`.
    Import(String),
}

/// Directions for one network, ready to become sliders.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectionSet {
    pub network: PathBuf,
    /// `SeFa`, `GANSpace` or the imported file's name.
    pub method: String,
    pub w_dim: usize,
    pub num_ws: usize,
    /// The W+ rows sliders move by default (StyleGAN3 leaves row 0 alone).
    pub default_layers: (usize, usize),
    pub directions: Vec<Direction>,
    /// One short note per direction (eigenvalue, explained variance).
    pub notes: Vec<String>,
}

impl JobOutput for DirectionSet {
    fn summary(&self) -> String {
        format!("{}: {} directions", self.method, self.directions.len())
    }
}

fn open_generator(network: &Path, monitor: &dyn Monitor) -> Result<Generator> {
    monitor.log(&format!("opening {}", network.display()));
    let g = Checkpoint::open(network).and_then(|c| c.load_generator(&Device::Cpu)).map_err(|e| e.in_file(network))?;
    monitor.check()?;
    Ok(g)
}

/// Opens `network` and computes its directions from `source`.
pub fn compute_direction_set(network: &Path, source: &DirectionSource, monitor: &dyn Monitor) -> Result<DirectionSet> {
    let g = open_generator(network, &SubRange::new(monitor, 0.0, 0.1))?;
    let c = g.config();
    let (w_dim, num_ws) = (c.w_dim(), c.num_ws());
    let (method, directions, notes) = match source {
        DirectionSource::Sefa(sel) => {
            let s = Sefa::compute(&g, sel)?;
            let sig = projection_sigmas(&g, &s.directions, SIGMA_SAMPLES, 0)?;
            let dirs = s
                .directions
                .iter()
                .zip(&sig)
                .enumerate()
                .map(|(i, (v, sg))| Direction::new(format!("SeFa {i}"), v, *sg))
                .collect::<Result<Vec<_>>>()?;
            let notes = s.eigenvalues.iter().map(|l| format!("λ {l:.3}")).collect();
            ("SeFa".to_string(), dirs, notes)
        }
        DirectionSource::GanSpace(settings) => {
            let gs = GanSpace::compute(&g, settings, &SubRange::new(monitor, 0.1, 1.0))?;
            let dirs = gs
                .components
                .iter()
                .zip(&gs.sigma)
                .enumerate()
                .map(|(i, (v, sg))| Direction::new(format!("PC {i}"), v, *sg))
                .collect::<Result<Vec<_>>>()?;
            let notes = gs.variance_ratio.iter().map(|r| format!("{:.1}% var", 100.0 * r)).collect();
            ("GANSpace".to_string(), dirs, notes)
        }
        DirectionSource::Import(spec) => {
            let dirs = load_directions_for(&g, spec)?;
            let notes = dirs.iter().map(|d| if d.rows > 1 { "W+".to_string() } else { String::new() }).collect();
            let name = crate::latent::directions::parse_direction_spec(spec).0;
            let name = name.file_name().map_or_else(|| spec.clone(), |n| n.to_string_lossy().into_owned());
            (name, dirs, notes)
        }
    };
    monitor.set_fraction(1.0)?;
    Ok(DirectionSet {
        network: network.to_path_buf(),
        method,
        w_dim,
        num_ws,
        default_layers: default_layers(num_ws, c.has_input_transform()),
        directions,
        notes,
    })
}

/// Opens `network`, renders the strip of `direction` and writes it to `out`.
pub fn strip_job(
    network: &Path,
    direction: &Direction,
    settings: &StripSettings,
    out: &Path,
    monitor: &dyn Monitor,
) -> Result<String> {
    let g = open_generator(network, &SubRange::new(monitor, 0.0, 0.1))?;
    let raster =
        render_strip(&g, direction, settings, &SynthesisOptions::default(), &SubRange::new(monitor, 0.1, 1.0))?;
    raster.save_png(out).map_err(|e| e.in_file(out))?;
    if raster.width == 0 {
        return Err(Error::Invalid("empty strip".into()));
    }
    Ok(format!("strip of {} saved to {}", direction.name, out.display()))
}
