//! `stylescope directions strip`: one direction from −max to +max σ (columns) over seeds (rows).

use std::path::PathBuf;

use anyhow::bail;

use crate::cli::directions::load_generator;
use crate::cli::terminal_monitor::TerminalMonitor;
use crate::latent::directions::{
    Direction, StripSettings, default_layers, load_directions_for, parse_layer_range, render_strip,
};
use crate::latent::parse_seed_list;
use crate::nn::{Generator, NoiseMode, SynthesisOptions};

#[derive(Debug, clap::Args)]
pub struct StripArgs {
    #[arg(long)]
    pub network: PathBuf,
    /// Direction file `FILE.npy[:ROW]`.
    #[arg(long)]
    pub direction: String,
    /// Seeds (rows), e.g. `0-3`.
    #[arg(long, default_value = "0-3")]
    pub seeds: String,
    /// Columns.
    #[arg(long, default_value_t = 7)]
    pub steps: usize,
    /// Strength of the outer columns, in σ.
    #[arg(long, default_value_t = 3.0)]
    pub max_sigma: f64,
    /// W+ rows to move, `A-B` or `all` (default: all; StyleGAN3 leaves row 0 alone).
    #[arg(long)]
    pub layers: Option<String>,
    #[arg(long = "trunc", default_value_t = 1.0)]
    pub trunc: f64,
    #[arg(long = "noise-mode", default_value = "const")]
    pub noise_mode: NoiseMode,
    /// Output PNG.
    #[arg(long)]
    pub out: PathBuf,
}

/// One direction from `spec` (`FILE.npy` holding several needs `:ROW`).
pub fn one_direction(g: &Generator, spec: &str) -> anyhow::Result<Direction> {
    let mut dirs = load_directions_for(g, spec)?;
    if dirs.len() != 1 {
        bail!("{spec}: the file holds {} directions; pick one with {spec}:ROW (0 is the strongest)", dirs.len());
    }
    Ok(dirs.remove(0))
}

/// `--layers` or the family's default rows.
pub fn layers_arg(g: &Generator, text: Option<&str>) -> anyhow::Result<Option<(usize, usize)>> {
    let c = g.config();
    Ok(match text {
        Some(t) => parse_layer_range(t, c.num_ws())?,
        None => Some(default_layers(c.num_ws(), c.has_input_transform())),
    })
}

pub fn run(args: StripArgs) -> anyhow::Result<()> {
    let g = load_generator(&args.network)?;
    let direction = one_direction(&g, &args.direction)?;
    let settings = StripSettings {
        seeds: parse_seed_list(&args.seeds)?,
        psi: args.trunc,
        steps: args.steps,
        max_sigma: args.max_sigma,
        layers: layers_arg(&g, args.layers.as_deref())?,
    };
    let opts = SynthesisOptions { noise_mode: args.noise_mode, ..Default::default() };
    let monitor = TerminalMonitor::new("strip");
    let result = render_strip(&g, &direction, &settings, &opts, &monitor);
    monitor.finish();
    let raster = result?;
    raster.save_png(&args.out)?;
    eprintln!(
        "strip of `{}` (σ {:.4}): {} seeds × {} steps, ±{}σ → {}",
        direction.name,
        direction.sigma,
        settings.seeds.len(),
        settings.steps.max(2),
        args.max_sigma,
        args.out.display()
    );
    Ok(())
}
