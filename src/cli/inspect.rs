//! `stylescope inspect FILE [--json]`: the networks of a checkpoint, their family, sizes and
//! parameter counts, and a per-module table (path, class, parameters, buffers, shapes) in the
//! spirit of NVIDIA's module summary. `--json` prints the same as one JSON document.

use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use crate::checkpoint::{Checkpoint, CheckpointFormat, ModuleSummary, Network, NetworkKind};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// An NVIDIA network pickle (.pkl) or a stylescope .safetensors file.
    pub file: PathBuf,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Only these networks (G, D, G_ema, augment_pipe); repeatable.
    #[arg(long = "network", value_name = "KEY")]
    pub networks: Vec<String>,
}

/// A library error as one message. `crate::Error`'s text already contains its causes (the file,
/// then the problem), so anyhow's cause chain would repeat them.
pub fn plain(e: crate::Error) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub fn run(args: InspectArgs) -> anyhow::Result<()> {
    let ckpt = Checkpoint::open(&args.file).map_err(plain)?;
    for key in &args.networks {
        if ckpt.network(key).is_none() {
            let have: Vec<&str> = ckpt.networks.iter().map(|n| n.key.as_str()).collect();
            anyhow::bail!("{}: no network `{key}` (it has {})", args.file.display(), have.join(", "));
        }
    }
    let selected: Vec<&Network> =
        ckpt.networks.iter().filter(|n| args.networks.is_empty() || args.networks.contains(&n.key)).collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report_json(&ckpt, &selected))?);
    } else {
        print!("{}", report_text(&ckpt, &selected));
    }
    Ok(())
}

fn format_name(f: &CheckpointFormat) -> String {
    match f {
        CheckpointFormat::NvidiaPickle { protocol } => format!("NVIDIA network pickle (protocol {protocol})"),
        CheckpointFormat::Safetensors => "stylescope safetensors".to_string(),
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn shape_text(shape: &[usize]) -> String {
    format!("[{}]", shape.iter().map(usize::to_string).collect::<Vec<_>>().join(", "))
}

fn shapes_text(m: &ModuleSummary) -> String {
    let params = m.params.iter().map(|(n, s)| format!("{n} {}", shape_text(s)));
    let buffers = m.buffers.iter().map(|(n, s)| match s {
        Some(s) => format!("{n} {}", shape_text(s)),
        None => format!("{n} None"),
    });
    params.chain(buffers).collect::<Vec<_>>().join(", ")
}

/// One line on what the network is and its sizes.
fn headline(n: &Network) -> String {
    match &n.kind {
        NetworkKind::Generator(c) => format!(
            "{}: {res}×{res}, {} channels; z_dim {}, w_dim {}, c_dim {}, num_ws {}, mapping layers {}",
            c.family_name(),
            c.img_channels(),
            c.z_dim(),
            c.w_dim(),
            c.c_dim(),
            c.num_ws(),
            c.mapping().layers.len(),
            res = c.img_resolution(),
        ),
        NetworkKind::Discriminator(d) => format!(
            "StyleGAN2 discriminator: {res}×{res}, {} channels; c_dim {}",
            d.img_channels,
            d.c_dim,
            res = d.img_resolution
        ),
        NetworkKind::Other(what) => format!("not a network stylescope runs ({what})"),
    }
}

pub fn report_text(ckpt: &Checkpoint, networks: &[&Network]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "{}: {}", ckpt.path.display(), format_name(&ckpt.format));
    if let Some(title) = &ckpt.title {
        let _ = writeln!(s, "title: {title}");
    }
    if let Some(Value::Object(t)) = &ckpt.training_set_kwargs {
        let field = |k: &str| match t.get(k) {
            Some(Value::String(v)) => v.clone(),
            Some(v) => v.to_string(),
            None => "?".into(),
        };
        let _ = writeln!(s, "training set: {} (resolution {})", field("path"), field("resolution"));
    }
    for n in networks {
        let _ = writeln!(s, "\n{}  ({})  {}", n.key, n.class_name, headline(n));
        let _ = writeln!(
            s,
            "  parameters {}   buffer elements {}   tensors {}\n",
            thousands(n.num_params()),
            thousands(n.num_buffer_elements()),
            n.tensors.len()
        );
        let rows: Vec<[String; 5]> = n
            .modules
            .iter()
            .map(|m| {
                [
                    if m.path.is_empty() { "(network)".to_string() } else { m.path.clone() },
                    m.class_name.clone(),
                    thousands(m.num_params()),
                    thousands(m.num_buffer_elements()),
                    shapes_text(m),
                ]
            })
            .collect();
        let header = ["module", "class", "params", "buffers", "shapes"].map(str::to_string);
        let total = [
            "total".to_string(),
            String::new(),
            thousands(n.num_params()),
            thousands(n.num_buffer_elements()),
            String::new(),
        ];
        let width = |i: usize| rows.iter().chain([&header, &total]).map(|r| r[i].chars().count()).max().unwrap_or(0);
        let w = [width(0), width(1), width(2), width(3)];
        let line = |r: &[String; 5]| {
            format!(
                "  {:<a$}  {:<b$}  {:>c$}  {:>d$}  {}",
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                a = w[0],
                b = w[1],
                c = w[2],
                d = w[3]
            )
            .trim_end()
            .to_string()
        };
        let _ = writeln!(s, "{}", line(&header));
        let rule = w.map(|n| "-".repeat(n));
        let _ = writeln!(s, "  {}  {}  {}  {}  ------", rule[0], rule[1], rule[2], rule[3]);
        for r in &rows {
            let _ = writeln!(s, "{}", line(r));
        }
        let _ = writeln!(s, "  {}  {}  {}  {}", rule[0], rule[1], rule[2], rule[3]);
        let _ = writeln!(s, "{}", line(&total));
    }
    s
}

fn module_json(m: &ModuleSummary) -> Value {
    json!({
        "path": m.path,
        "class_name": m.class_name,
        "num_params": m.num_params(),
        "num_buffer_elements": m.num_buffer_elements(),
        "params": m.params.iter().map(|(n, s)| json!({"name": n, "shape": s})).collect::<Vec<_>>(),
        "buffers": m.buffers.iter().map(|(n, s)| json!({"name": n, "shape": s})).collect::<Vec<_>>(),
    })
}

fn network_json(n: &Network) -> Value {
    let mut v = json!({
        "key": n.key,
        "class_name": n.class_name,
        "description": n.description(),
        "num_params": n.num_params(),
        "num_buffer_elements": n.num_buffer_elements(),
        "num_tensors": n.tensors.len(),
        "init_kwargs": n.init_kwargs,
        "modules": n.modules.iter().map(module_json).collect::<Vec<_>>(),
    });
    let extra = match &n.kind {
        NetworkKind::Generator(c) => json!({
            "kind": "generator",
            "family": c.family_name(),
            "img_resolution": c.img_resolution(),
            "img_channels": c.img_channels(),
            "z_dim": c.z_dim(),
            "w_dim": c.w_dim(),
            "c_dim": c.c_dim(),
            "num_ws": c.num_ws(),
            "mapping_layers": c.mapping().layers.len(),
            "config": c,
        }),
        NetworkKind::Discriminator(d) => json!({
            "kind": "discriminator",
            "img_resolution": d.img_resolution,
            "img_channels": d.img_channels,
            "c_dim": d.c_dim,
        }),
        NetworkKind::Other(_) => json!({"kind": "other"}),
    };
    if let (Value::Object(o), Value::Object(e)) = (&mut v, extra) {
        o.extend(e);
    }
    v
}

pub fn report_json(ckpt: &Checkpoint, networks: &[&Network]) -> Value {
    let format = match ckpt.format {
        CheckpointFormat::NvidiaPickle { protocol } => json!({"name": "nvidia-pickle", "protocol": protocol}),
        CheckpointFormat::Safetensors => json!({"name": "safetensors"}),
    };
    json!({
        "file": ckpt.path.display().to_string(),
        "format": format,
        "title": ckpt.title,
        "training_set_kwargs": ckpt.training_set_kwargs,
        "networks": networks.iter().map(|n| network_json(n)).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(146981), "146,981");
        assert_eq!(thousands(30370060), "30,370,060");
    }
}
