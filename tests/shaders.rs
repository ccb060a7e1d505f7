//! Every WGSL file under `shaders/` (compute kernels and display shaders alike) parses and
//! validates with naga, the shader compiler inside wgpu, so a broken shader fails here with
//! naga's message instead of at pipeline creation inside the app.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on failure (clippy.toml)

use std::path::{Path, PathBuf};

fn wgsl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            wgsl_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "wgsl") {
            out.push(p);
        }
    }
}

fn validate(path: &Path) -> Result<naga::valid::ModuleInfo, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let module = naga::front::wgsl::parse_str(&text).map_err(|e| e.emit_to_string(&text))?;
    naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::default())
        .validate(&module)
        .map_err(|e| e.emit_to_string(&text))
}

#[test]
fn every_wgsl_file_validates_with_naga() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders");
    let mut files = Vec::new();
    wgsl_files(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no .wgsl files under {}", root.display());
    let failures: Vec<String> =
        files.iter().filter_map(|f| validate(f).err().map(|e| format!("{}:\n{e}", f.display()))).collect();
    assert!(failures.is_empty(), "WGSL validation failed:\n{}", failures.join("\n"));
    println!("validated {} WGSL files", files.len());
}

#[test]
fn the_compute_kernels_are_all_present() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders/compute");
    for name in [
        "fc",
        "mapping",
        "modconv_styles",
        "modconv",
        "upfirdn2d",
        "filtered_lrelu",
        "bias_act",
        "fourier_input",
        "to_rgba8",
    ] {
        let path = dir.join(format!("{name}.wgsl"));
        assert!(path.is_file(), "missing kernel {}", path.display());
    }
}

#[test]
fn a_broken_shader_is_rejected() {
    // The validator must catch type errors, not just parse: a test that cannot fail is a defect.
    let bad = "@compute @workgroup_size(1) fn main() { let a: u32 = 1.5; }";
    let dir = std::env::temp_dir().join(format!("stylescope-shader-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.wgsl");
    std::fs::write(&path, bad).unwrap();
    assert!(validate(&path).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}
