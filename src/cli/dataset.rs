//! `stylescope dataset`: write training data sets in NVIDIA's format (ZIP of PNGs + `dataset.json`).
//!
//! `toyfaces` draws procedural cartoon faces with known factors (labels in `dataset.json`, all
//! factors in `factors.csv`); `from-folder` centre-crops and resizes a folder of photos.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::terminal_monitor::TerminalMonitor;
use crate::train::datasets::contact_sheet::contact_sheet;
use crate::train::datasets::{FACTORS, ToyFaces, convert_folder};

/// Write a training data set (NVIDIA's format: a ZIP of PNGs with dataset.json).
#[derive(Debug, clap::Subcommand)]
pub enum DatasetCommand {
    /// Procedural cartoon faces with known factors (labels: the normalised factors).
    Toyfaces {
        /// Number of images.
        #[arg(long)]
        count: usize,
        /// Width and height in pixels (a power of two).
        #[arg(long, default_value_t = 64)]
        resolution: usize,
        /// The archive to write (`.zip`).
        #[arg(long)]
        out: PathBuf,
        /// Random translation and rotation of the whole figure.
        #[arg(long)]
        unaligned: bool,
        /// Seed of the factors.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Also write a PNG contact sheet of the first 64 images.
        #[arg(long)]
        preview: Option<PathBuf>,
    },
    /// Centre-crop and resize a folder of PNG/JPEG photos (unreadable files are skipped and listed).
    FromFolder {
        /// Folder of images (searched recursively).
        dir: PathBuf,
        /// Width and height in pixels (a power of two).
        #[arg(long)]
        resolution: usize,
        /// The archive to write (`.zip`).
        #[arg(long)]
        out: PathBuf,
    },
}

fn write_preview(toy: &ToyFaces, path: &Path) -> anyhow::Result<()> {
    let images = (0..toy.count.min(64)).map(|i| toy.render(i)).collect::<crate::Result<Vec<_>>>()?;
    contact_sheet(&images, 8, 2, 255)?.save_png(path)?;
    Ok(())
}

pub fn run(command: DatasetCommand) -> anyhow::Result<()> {
    match command {
        DatasetCommand::Toyfaces { count, resolution, out, unaligned, seed, preview } => {
            let toy = ToyFaces { count, resolution, unaligned, seed };
            toy.validate()?;
            let monitor = TerminalMonitor::new("toyfaces");
            let start = std::time::Instant::now();
            let result = toy.write_zip(&out, &monitor);
            monitor.finish();
            result?;
            eprintln!(
                "wrote {count} images of {resolution}x{resolution} to {} in {:.1} s; labels: {} factors ({})",
                out.display(),
                start.elapsed().as_secs_f64(),
                FACTORS.len(),
                FACTORS.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
            );
            if let Some(path) = preview {
                write_preview(&toy, &path).with_context(|| format!("writing the preview {}", path.display()))?;
            }
            Ok(())
        }
        DatasetCommand::FromFolder { dir, resolution, out } => {
            let monitor = TerminalMonitor::new("converting");
            let result = convert_folder(&dir, resolution, &out, &monitor);
            monitor.finish();
            let report = result?;
            eprintln!("wrote {} images of {resolution}x{resolution} to {}", report.written, out.display());
            if !report.skipped.is_empty() {
                eprintln!("skipped {} unreadable files:", report.skipped.len());
                for (path, why) in &report.skipped {
                    eprintln!("  {}: {why}", path.display());
                }
            }
            Ok(())
        }
    }
}
