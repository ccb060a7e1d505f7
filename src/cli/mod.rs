//! The `stylescope` command line. Everything the window can compute, the command line can too.
//! Flags mirror NVIDIA's `gen_images.py` and `calc_metrics.py` where those exist.

pub mod bench;
pub mod convert;
pub mod dataset;
pub mod direction_strip;
pub mod directions;
pub mod generate;
pub mod inspect;
pub mod metrics;
pub mod sticking;
pub mod terminal_monitor;
pub mod train;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub mod bench_gpu;
pub mod engine_kind;
pub mod generate_gpu;

/// A native laboratory for StyleGAN2 and StyleGAN3 networks.
///
/// Without a subcommand, opens the window (with the given network files in the left and right views).
#[derive(Debug, Parser)]
#[command(name = "stylescope", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Network files to open in the window (left, right): NVIDIA `.pkl` or stylescope `.safetensors`.
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the networks of a checkpoint: family, sizes, parameter counts, per-module table.
    Inspect(inspect::InspectArgs),
    /// Write networks of a checkpoint as stylescope safetensors.
    Convert(convert::ConvertArgs),
    /// Generate images from seeds (as NVIDIA's gen_images.py).
    Generate(generate::GenerateArgs),
    /// Time the generators on random networks of the official full-size configurations.
    Bench(bench::BenchArgs),
    /// Compute metrics of a network: EQ-T, EQ-T_frac, EQ-R (as NVIDIA's calc_metrics.py).
    Metrics(metrics::MetricsArgs),
    /// Write a training data set (procedural toy faces, or a folder of photos).
    #[command(subcommand)]
    Dataset(dataset::DatasetCommand),
    /// Train a StyleGAN2 or StyleGAN3 network (as NVIDIA's train.py).
    Train(train::TrainArgs),
    /// Latent directions: SeFa, GANSpace, labelled SVM boundaries, strips.
    #[command(subcommand)]
    Directions(directions::DirectionsCommand),
    /// Texture sticking and aliasing views as PNGs: average, slice, residual, eqmap, layer, spectrum.
    #[command(subcommand)]
    Sticking(sticking::StickingCommand),
}

/// Entry point used by `main`.
pub fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => match command {
            Command::Inspect(args) => inspect::run(args),
            Command::Convert(args) => convert::run(args),
            Command::Generate(args) => generate::run(args),
            Command::Bench(args) => bench::run(args),
            Command::Metrics(args) => metrics::run(args),
            Command::Dataset(command) => dataset::run(command),
            Command::Train(args) => train::run(args),
            Command::Directions(command) => directions::run(command),
            Command::Sticking(command) => sticking::run(command),
        },
        None => open_window(cli.files),
    }
}

#[cfg(feature = "gui")]
fn open_window(files: Vec<PathBuf>) -> anyhow::Result<()> {
    if let Some(why) = crate::gui::missing_display() {
        anyhow::bail!("cannot open the window: {why}");
    }
    let loader = crate::jobs::generator_engine::GeneratorLoader::default().shared();
    crate::gui::run(files, loader).map_err(|e| anyhow::anyhow!("{e}"))
}

#[cfg(not(feature = "gui"))]
fn open_window(_files: Vec<PathBuf>) -> anyhow::Result<()> {
    anyhow::bail!(
        "this stylescope was built without the window (`--no-default-features`); run `stylescope --help` for the command line"
    )
}
