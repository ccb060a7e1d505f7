//! `stylescope generate --engine gpu` and `stylescope bench --engine gpu`, end to end on the
//! fixture pickles: the GPU path writes NVIDIA's images, and the benchmark reports frames per
//! second.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on failure (clippy.toml)
#![cfg(feature = "gpu")]

mod common;
mod gpu_common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn stylescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stylescope")).args(args).output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gpu_cli_{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn generate_on_the_gpu_writes_nvidias_images() {
    let _ctx = require_gpu!();
    for (net, extra) in [("sg2_64", vec![]), ("sg3r_64", vec!["--translate", "0.13,-0.21", "--rotate", "17"])] {
        let dir = require_fixture!(net);
        let out = scratch(net);
        let pkl = dir.join("network.pkl");
        let mut args = vec![
            "generate",
            "--engine",
            "gpu",
            "--network",
            pkl.to_str().unwrap(),
            "--seeds",
            "85",
            "--save-raw",
            "--save-w",
            "--outdir",
            out.to_str().unwrap(),
        ];
        args.extend(extra.iter().copied());
        let o = stylescope(&args);
        assert!(o.status.success(), "{net}: {}", stderr(&o));
        assert!(stderr(&o).contains("GPU engine on"), "{}", stderr(&o));
        let want = if extra.is_empty() { "img_seed85_psi1.0_const" } else { "xform_both_seed85_psi1.0" };
        let (got, shape) = common::read_npy_f32(&out.join("seed0085.npy"));
        let (reference, rshape) = common::read_npy_f32(&dir.join(format!("{want}.npy")));
        assert_eq!(shape, rshape);
        let d = common::max_abs_diff(&got, &reference);
        assert!(d <= 1e-3, "{net}: image differs by {d}");
        let (w, _) = common::read_npy_f32(&out.join("seed0085_w.npy"));
        let (w_ref, _) = common::read_npy_f32(&dir.join("w_seed85_psi1.0.npy"));
        assert!(common::max_abs_diff(&w, &w_ref) <= 2e-5);
        let png = image::open(out.join("seed0085.png")).unwrap().to_rgb8();
        let u8_ref = candle_core::Tensor::read_npy(dir.join(format!("{want}_u8.npy"))).unwrap();
        let u8_ref = u8_ref.flatten_all().unwrap().to_vec1::<u8>().unwrap();
        let off = png.as_raw().iter().zip(&u8_ref).filter(|(a, b)| a.abs_diff(**b) > 1).count();
        assert_eq!(off, 0, "{net}: PNG differs from NVIDIA's uint8 image by more than 1");
    }
}

#[test]
fn generate_on_the_gpu_refuses_stylegan3_flags_for_stylegan2() {
    let dir = require_fixture!("sg2_64");
    let pkl = dir.join("network.pkl");
    let o = stylescope(&[
        "generate",
        "--engine",
        "gpu",
        "--network",
        pkl.to_str().unwrap(),
        "--seeds",
        "1",
        "--rotate",
        "5",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--rotate needs a StyleGAN3 network"), "{}", stderr(&o));
}

#[test]
fn bench_reports_frames_per_second() {
    let _ctx = require_gpu!();
    let dir = require_fixture!("sg3t_64");
    let pkl = dir.join("network.pkl");
    let o = stylescope(&[
        "bench",
        "--engine",
        "gpu",
        "--network",
        pkl.to_str().unwrap(),
        "--frames",
        "2",
        "--max-seconds",
        "10000",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = &report["rows"][0];
    assert_eq!(row["resolution"], 64);
    assert_eq!(row["frames"], 2);
    assert!(row["fps"].as_f64().unwrap() > 0.0, "{report}");
    assert!(row["skipped"].is_null());
    let o = stylescope(&["bench", "--engine", "gpu", "--families", "sg9"]);
    assert!(!o.status.success() && stderr(&o).contains("unknown architecture `sg9`"));
}
