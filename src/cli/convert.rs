//! `stylescope convert FILE --out OUT.safetensors [--network KEY ...] [--all]`: writes networks
//! of a checkpoint as stylescope safetensors (state-dict names, architecture in the metadata).

use std::path::PathBuf;

use clap::Args;

use crate::checkpoint::Checkpoint;

use super::inspect::{plain, thousands};

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// An NVIDIA network pickle (.pkl) or a stylescope .safetensors file.
    pub file: PathBuf,
    /// The safetensors file to write (replaced atomically if it exists).
    #[arg(long, value_name = "OUT.safetensors")]
    pub out: PathBuf,
    /// The networks to write (G, D, G_ema, augment_pipe); repeatable. Default: the generator
    /// (G_ema, else G). One network is written with bare tensor names, several with `KEY.` prefixes.
    #[arg(long = "network", value_name = "KEY", conflicts_with = "all")]
    pub networks: Vec<String>,
    /// Write every network of the checkpoint.
    #[arg(long)]
    pub all: bool,
    /// A display name stored with the model; the window shows it as the view's title
    /// (e.g. "toyfaces StyleGAN2"). Default: keep the source's title, if any.
    #[arg(long)]
    pub title: Option<String>,
}

pub fn run(args: ConvertArgs) -> anyhow::Result<()> {
    let mut ckpt = Checkpoint::open(&args.file).map_err(plain)?;
    if let Some(title) = &args.title {
        let title = title.trim();
        anyhow::ensure!(!title.is_empty(), "--title: the title is empty");
        ckpt.title = Some(title.to_string());
    }
    let keys: Vec<String> = if args.all {
        ckpt.networks.iter().map(|n| n.key.clone()).collect()
    } else if args.networks.is_empty() {
        vec![ckpt.generator_network().map_err(plain)?.key.clone()]
    } else {
        args.networks.clone()
    };
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    ckpt.save_safetensors(&args.out, &key_refs).map_err(plain)?;
    let size = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);
    println!("wrote {} ({} bytes):", args.out.display(), thousands(size as usize));
    if let Some(title) = &ckpt.title {
        println!("  title: {title}");
    }
    for key in &keys {
        if let Some(n) = ckpt.network(key) {
            println!("  {key}: {} ({}), {} parameters", n.class_name, n.description(), thousands(n.num_params()));
        }
    }
    Ok(())
}
