//! `stylescope directions sefa|ganspace|svm|strip`: discover latent directions and export them
//! as float32 `[k, w_dim]` `.npy` files (one unit direction per row, strongest first) with a
//! sidecar JSON (eigenvalues / σ / explained-variance ratios / accuracy and the settings), and
//! render a −3σ…+3σ strip of a direction.

use std::path::{Path, PathBuf};

use candle_core::Device;
use serde_json::json;

use crate::checkpoint::Checkpoint;
use crate::cli::terminal_monitor::TerminalMonitor;
use crate::latent::directions::direction_file::SIGMA_SAMPLES;
use crate::latent::directions::{
    Direction, GanSpace, GanSpaceSettings, LayerPreset, LayerSelection, Sefa, SvmSettings, default_layers,
    parse_layer_range, projection_sigmas, read_direction_spec, read_labels_csv, svm_direction, write_direction_set,
};
use crate::nn::Generator;

#[derive(Debug, clap::Subcommand)]
pub enum DirectionsCommand {
    /// SeFa: eigenvectors of the stacked, row-normalised style affines (closed form, instant).
    Sefa(SefaArgs),
    /// GANSpace: principal components of sampled w (with σ and explained-variance ratio).
    Ganspace(GanspaceArgs),
    /// A linear SVM boundary from labelled seeds (CSV `seed,label`, label 0/1).
    Svm(SvmArgs),
    /// A grid of one direction from −3σ to +3σ (columns) over several seeds (rows).
    Strip(crate::cli::direction_strip::StripArgs),
}

#[derive(Debug, clap::Args)]
pub struct SefaArgs {
    /// Network file: NVIDIA `.pkl` or stylescope `.safetensors`.
    #[arg(long)]
    pub network: PathBuf,
    /// Output `.npy` (a sidecar `.json` is written beside it).
    #[arg(long)]
    pub out: PathBuf,
    /// Directions to keep (default: all, w_dim).
    #[arg(short = 'k', long)]
    pub count: Option<usize>,
    /// Factorise only the layers reading these W+ rows: all, coarse, middle or fine.
    #[arg(long, default_value = "all")]
    pub preset: LayerPreset,
    /// Factorise only the layers reading W+ rows A-B (overrides --preset).
    #[arg(long)]
    pub layers: Option<String>,
    /// Include the ToRGB affines.
    #[arg(long)]
    pub include_torgb: bool,
    /// StyleGAN3: include synthesis.input.affine.
    #[arg(long)]
    pub include_input: bool,
}

#[derive(Debug, clap::Args)]
pub struct GanspaceArgs {
    #[arg(long)]
    pub network: PathBuf,
    #[arg(long)]
    pub out: PathBuf,
    /// Samples of w.
    #[arg(long, default_value_t = 100_000)]
    pub samples: usize,
    /// Components to keep.
    #[arg(short = 'k', long, default_value_t = 80)]
    pub components: usize,
    /// Seed of the z stream.
    #[arg(long, default_value_t = 1)]
    pub seed: u32,
    /// Samples mapped per batch.
    #[arg(long, default_value_t = 4096)]
    pub batch: usize,
}

#[derive(Debug, clap::Args)]
pub struct SvmArgs {
    #[arg(long)]
    pub network: PathBuf,
    #[arg(long)]
    pub out: PathBuf,
    /// CSV of `seed,label` lines (label 0/1, false/true or negative/positive; a header is allowed).
    #[arg(long)]
    pub labels: PathBuf,
    /// Truncation psi of the labelled seeds' w.
    #[arg(long = "trunc", default_value_t = 1.0)]
    pub trunc: f64,
    /// SVM penalty C.
    #[arg(long, default_value_t = 1.0)]
    pub c: f64,
    /// Share of each class held out for the accuracy.
    #[arg(long, default_value_t = 0.3)]
    pub holdout: f64,
    /// Condition on another direction, `FILE.npy[:ROW]` (every row without `:ROW`): its
    /// component is projected out of the normal, which is renormalised. Repeatable.
    #[arg(long = "condition", value_name = "FILE.npy[:ROW]")]
    pub conditions: Vec<String>,
}

pub fn run(command: DirectionsCommand) -> anyhow::Result<()> {
    match command {
        DirectionsCommand::Sefa(a) => sefa(a),
        DirectionsCommand::Ganspace(a) => ganspace(a),
        DirectionsCommand::Svm(a) => svm(a),
        DirectionsCommand::Strip(a) => crate::cli::direction_strip::run(a),
    }
}

/// Loads the generator of a network file, errors naming the file.
pub fn load_generator(path: &Path) -> anyhow::Result<Generator> {
    let checkpoint = Checkpoint::open(path).map_err(|e| e.in_file(path))?;
    Ok(checkpoint.load_generator(&Device::Cpu).map_err(|e| e.in_file(path))?)
}

fn network_meta(path: &Path, g: &Generator) -> serde_json::Value {
    let c = g.config();
    json!({ "network": path.display().to_string(), "family": c.family_name(), "w_dim": c.w_dim(), "num_ws": c.num_ws(),
            "default_layers": default_layers(c.num_ws(), c.has_input_transform()) })
}

fn merge(a: serde_json::Value, b: serde_json::Value) -> serde_json::Value {
    match (a, b) {
        (serde_json::Value::Object(mut a), serde_json::Value::Object(b)) => {
            a.extend(b);
            serde_json::Value::Object(a)
        }
        (a, _) => a,
    }
}

fn sefa(args: SefaArgs) -> anyhow::Result<()> {
    let g = load_generator(&args.network)?;
    let c = g.config();
    let first = usize::from(c.has_input_transform());
    let rows = match &args.layers {
        Some(t) => parse_layer_range(t, c.num_ws())?,
        None if args.preset == LayerPreset::All => None,
        None => Some(args.preset.rows(c.num_ws(), first)),
    };
    let selection = LayerSelection { include_torgb: args.include_torgb, include_input: args.include_input, rows };
    let s = Sefa::compute(&g, &selection)?;
    let k = args.count.unwrap_or(c.w_dim()).clamp(1, c.w_dim());
    let dirs: Vec<Vec<f64>> = s.directions.iter().take(k).cloned().collect();
    let sigma = projection_sigmas(&g, &dirs, SIGMA_SAMPLES, 0)?;
    let meta = json!({
        "method": "sefa",
        "eigenvalues": &s.eigenvalues[..k],
        "sigma": sigma,
        "sigma_samples": SIGMA_SAMPLES,
        "settings": { "include_torgb": args.include_torgb, "include_input": args.include_input,
                      "rows": rows, "preset": args.preset.name() },
        "layers": s.layers,
        "stacked_rows": s.rows,
    });
    write_direction_set(&args.out, &dirs, merge(meta, network_meta(&args.network, &g)))?;
    eprintln!(
        "SeFa: {} layers, {} rows; top eigenvalues {:?}; wrote {k} directions to {}",
        s.layers.len(),
        s.rows,
        &s.eigenvalues[..k.min(3)],
        args.out.display()
    );
    Ok(())
}

fn ganspace(args: GanspaceArgs) -> anyhow::Result<()> {
    let g = load_generator(&args.network)?;
    let settings =
        GanSpaceSettings { samples: args.samples, components: args.components, seed: args.seed, batch: args.batch };
    let monitor = TerminalMonitor::new("sampling w");
    let result = GanSpace::compute(&g, &settings, &monitor);
    monitor.finish();
    let gs = result?;
    let meta = json!({
        "method": "ganspace",
        "sigma": gs.sigma,
        "variance_ratio": gs.variance_ratio,
        "mean": gs.mean,
        "settings": settings,
    });
    write_direction_set(&args.out, &gs.components, merge(meta, network_meta(&args.network, &g)))?;
    eprintln!(
        "GANSpace: {} samples; σ {:?}…; explained {:.1}% by the first component; wrote {} components to {}",
        args.samples,
        &gs.sigma[..gs.sigma.len().min(3)],
        100.0 * gs.variance_ratio.first().copied().unwrap_or(0.0),
        gs.components.len(),
        args.out.display()
    );
    Ok(())
}

fn svm(args: SvmArgs) -> anyhow::Result<()> {
    let g = load_generator(&args.network)?;
    let labels = read_labels_csv(&args.labels)?;
    let c = g.config();
    if c.c_dim() > 0 {
        anyhow::bail!("{}: labelled directions support unconditional networks only", args.network.display());
    }
    let mut conditions = Vec::new();
    for spec in &args.conditions {
        let (dirs, _) = read_direction_spec(spec, c.w_dim(), c.num_ws())?;
        conditions.extend(dirs.iter().map(Direction::mean_vector));
    }
    let settings = SvmSettings { c: args.c, holdout: args.holdout, ..Default::default() };
    let monitor = TerminalMonitor::new("svm");
    let result = svm_direction(&g, &labels, args.trunc, &settings, &conditions, &monitor);
    monitor.finish();
    let found = result.map_err(|e| match e {
        crate::Error::Invalid(m) if m.starts_with("conditional") => crate::Error::Invalid(m),
        other => other.in_file(&args.labels),
    })?;
    let fit = &found.fit;
    let meta = json!({
        "method": "svm",
        "sigma": [found.sigma],
        "train_accuracy": fit.train_accuracy,
        "heldout_accuracy": fit.heldout_accuracy,
        "n_train": fit.n_train,
        "n_heldout": fit.n_heldout,
        "labels": args.labels.display().to_string(),
        "conditions": args.conditions,
        "settings": { "c": args.c, "holdout": args.holdout, "trunc": args.trunc },
    });
    write_direction_set(&args.out, std::slice::from_ref(&found.normal), merge(meta, network_meta(&args.network, &g)))?;
    let held = fit.heldout_accuracy.map_or_else(|| "n/a".to_string(), |a| format!("{:.1}%", 100.0 * a));
    let cond = if found.conditioned {
        format!(
            " (conditioned on {} direction(s); accuracies are the boundary's before conditioning)",
            conditions.len()
        )
    } else {
        String::new()
    };
    eprintln!(
        "SVM: {} samples ({} held out); training accuracy {:.1}%, held-out accuracy {held}{cond}; wrote {}",
        labels.len(),
        fit.n_heldout,
        100.0 * fit.train_accuracy,
        args.out.display()
    );
    println!("heldout_accuracy {held}");
    Ok(())
}
