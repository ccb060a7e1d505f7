//! The walls between layers (DEVELOPERS.md, "Architecture rules"): a single crate has no
//! Cargo-level wall, so this test is the wall.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// Layers from the bottom up. A module may use only layers listed before it.
const LAYERS: &[&str] = &["nn", "checkpoint", "latent", "analysis", "train", "jobs"];
/// Above every library layer.
const FRONT_ENDS: &[&str] = &["cli", "gui"];
/// Names that must not appear anywhere below the front ends (`gpu` may use egui-wgpu for display).
const GUI_NAMES: &[&str] = &["egui", "eframe", "rfd::", "winit"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Code lines of a file (line comments and doc comments removed).
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let code = match l.find("//") {
                Some(pos) => &l[..pos],
                None => l,
            };
            (!code.trim().is_empty()).then(|| (i + 1, code.to_string()))
        })
        .collect()
}

fn uses_module(line: &str, module: &str) -> bool {
    line.contains(&format!("crate::{module}::"))
        || line.contains(&format!("crate::{module};"))
        || line.contains(&format!("crate::{module}}}"))
        || line.contains(&format!("crate::{{{module}"))
        || line.contains(&format!("stylescope::{module}::"))
}

#[test]
fn lower_layers_do_not_use_higher_layers_or_gui_types() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    for (i, layer) in LAYERS.iter().enumerate() {
        let forbidden: Vec<&str> = LAYERS[i + 1..]
            .iter()
            .chain(FRONT_ENDS)
            .copied()
            .chain(if *layer == "jobs" { None } else { Some("gpu") })
            .collect();
        let mut files = Vec::new();
        rust_files(&src.join(layer), &mut files);
        assert!(!files.is_empty() || *layer == "train", "layer {layer} has no files");
        for f in files {
            for (n, line) in code_lines(&f) {
                for m in &forbidden {
                    if uses_module(&line, m) {
                        violations.push(format!("{}:{n}: layer `{layer}` uses `{m}`: {}", f.display(), line.trim()));
                    }
                }
                for g in GUI_NAMES {
                    if line.contains(g) {
                        violations.push(format!("{}:{n}: layer `{layer}` names `{g}`: {}", f.display(), line.trim()));
                    }
                }
                if *layer != "jobs" && line.contains("wgpu") {
                    violations.push(format!("{}:{n}: layer `{layer}` names `wgpu`: {}", f.display(), line.trim()));
                }
            }
        }
    }
    // The GPU layer serves the window but must not depend on it.
    let mut files = Vec::new();
    rust_files(&src.join("gpu"), &mut files);
    for f in files {
        for (n, line) in code_lines(&f) {
            for m in FRONT_ENDS {
                if uses_module(&line, m) {
                    violations.push(format!("{}:{n}: `gpu` uses `{m}`: {}", f.display(), line.trim()));
                }
            }
        }
    }
    assert!(violations.is_empty(), "layering violations:\n{}", violations.join("\n"));
}

#[test]
fn library_code_has_no_unwrap_or_expect() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains("#[cfg(test)]") {
                break; // unit tests live at the end of a file
            }
            let code = line.split("//").next().unwrap_or("");
            if code.contains(".unwrap()") || code.contains(".expect(") {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "unwrap/expect outside tests:\n{}", found.join("\n"));
}

#[test]
fn source_files_stay_small() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let big: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 800).then(|| format!("{} has {n} lines", f.display()))
        })
        .collect();
    assert!(big.is_empty(), "split these files (one type or panel per file, ~600 lines):\n{}", big.join("\n"));
}
