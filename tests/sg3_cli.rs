//! `stylescope generate` with the StyleGAN3 flags, end to end on the fixture pickles:
//! `--translate`/`--rotate` reproduce NVIDIA's transformed images, `--untransform` the
//! visualizer's untransform (image and mask), `--pseudo-align` replaces `ws[0]` by `w_avg`, and a
//! StyleGAN2 network refuses the flags.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn stylescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stylescope")).args(args).output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sg3_cli_{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Decoded PNG vs the fixture's uint8 array: equal but for ≤ 0.1 % of pixels off by one.
fn assert_png_matches(png: &Path, u8_npy: &Path) {
    let img = image::open(png).unwrap_or_else(|e| panic!("{}: {e}", png.display())).to_rgb8();
    let want = candle_core::Tensor::read_npy(u8_npy).unwrap();
    assert_eq!(want.dims(), &[img.height() as usize, img.width() as usize, 3]);
    let want = want.flatten_all().unwrap().to_vec1::<u8>().unwrap();
    let mut off = 0;
    for (a, b) in img.as_raw().chunks_exact(3).zip(want.chunks_exact(3)) {
        let d = a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0);
        assert!(d <= 1, "{}: differs by {d}", png.display());
        off += usize::from(d == 1);
    }
    assert!(off * 1000 <= want.len() / 3, "{}: {off} pixels off by one", png.display());
}

fn assert_npy_close(got: &Path, want: &Path, tol: f32) {
    let (a, sa) = common::read_npy_f32(got);
    let (b, sb) = common::read_npy_f32(want);
    assert_eq!(sa, sb, "{}", got.display());
    let err = common::max_abs_diff(&a, &b);
    assert!(err <= tol, "{} vs {}: {err}", got.display(), want.display());
}

#[test]
fn translate_and_rotate_reproduce_nvidias_transformed_images() {
    let dir = require_fixture!("sg3t_64");
    let pkl = dir.join("network.pkl");
    let out = scratch("xform");
    let o = stylescope(&[
        "generate",
        "--network",
        pkl.to_str().unwrap(),
        "--seeds",
        "7,85",
        "--translate",
        "0.13,-0.21",
        "--rotate",
        "17",
        "--save-raw",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for seed in [7, 85] {
        assert_png_matches(
            &out.join(format!("seed{seed:04}.png")),
            &dir.join(format!("xform_both_seed{seed}_psi1.0_u8.npy")),
        );
        assert_npy_close(
            &out.join(format!("seed{seed:04}.npy")),
            &dir.join(format!("xform_both_seed{seed}_psi1.0.npy")),
            1e-4,
        );
    }
    // Translation alone, with a negative first coordinate accepted as a value.
    let out = scratch("translate");
    let o = stylescope(&[
        "generate",
        "--network",
        pkl.to_str().unwrap(),
        "--seeds",
        "85",
        "--translate",
        "0.13,-0.21",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_png_matches(&out.join("seed0085.png"), &dir.join("xform_translate_seed85_psi1.0_u8.npy"));
}

#[test]
fn untransform_writes_the_visualizers_image_and_mask() {
    let dir = require_fixture!("sg3r_64");
    let pkl = dir.join("network.pkl");
    let out = scratch("untransform");
    let o = stylescope(&[
        "generate",
        "--network",
        pkl.to_str().unwrap(),
        "--seeds",
        "85",
        "--rotate",
        "17",
        "--untransform",
        "--save-raw",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_npy_close(&out.join("seed0085.npy"), &dir.join("untransform_rotate_seed85_psi1.0.npy"), 1e-4);
    assert_npy_close(&out.join("seed0085_mask.npy"), &dir.join("untransform_rotate_seed85_psi1.0_mask.npy"), 0.0);
    assert!(out.join("seed0085.png").is_file());
}

#[test]
fn pseudo_align_replaces_the_first_w_row_by_w_avg() {
    let dir = require_fixture!("sg3t_64");
    let pkl = dir.join("network.pkl");
    let out = scratch("align");
    let o = stylescope(&[
        "generate",
        "--network",
        pkl.to_str().unwrap(),
        "--seeds",
        "85",
        "--pseudo-align",
        "--save-w",
        "--save-raw",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (w, shape) = common::read_npy_f32(&out.join("seed0085_w.npy"));
    let (want, _) = common::read_npy_f32(&dir.join("w_seed85_psi1.0.npy"));
    let wd = shape[2];
    let st = candle_core::safetensors::load(dir.join("state_dict.safetensors"), &candle_core::Device::Cpu).unwrap();
    let w_avg: Vec<f32> = st["G_ema.mapping.w_avg"].to_vec1().unwrap();
    assert_eq!(&w[..wd], &w_avg[..]);
    assert!(common::max_abs_diff(&w[wd..], &want[wd..]) <= 1e-5);
    // Only the input's learned transform changed: the image differs from the plain one.
    let (img, _) = common::read_npy_f32(&out.join("seed0085.npy"));
    let (plain, _) = common::read_npy_f32(&dir.join("img_seed85_psi1.0_const.npy"));
    assert!(common::max_abs_diff(&img, &plain) > 1e-2);
}

#[test]
fn stylegan2_networks_refuse_the_stylegan3_flags() {
    let dir = require_fixture!("sg2_64");
    let pkl = dir.join("network.pkl");
    let out = scratch("sg2");
    for flags in [&["--rotate", "10"][..], &["--translate", "0.1,0"], &["--untransform"], &["--pseudo-align"]] {
        let mut args =
            vec!["generate", "--network", pkl.to_str().unwrap(), "--seeds", "0", "--outdir", out.to_str().unwrap()];
        args.extend_from_slice(flags);
        let o = stylescope(&args);
        assert!(!o.status.success(), "{flags:?} accepted");
        let e = stderr(&o);
        assert!(e.contains(flags[0]) && e.contains("StyleGAN3") && e.contains("StyleGAN2"), "{flags:?}: {e}");
        assert!(!out.join("seed0000.png").exists());
    }
    let o = stylescope(&[
        "generate",
        "--network",
        pkl.to_str().unwrap(),
        "--seeds",
        "0",
        "--translate",
        "0.1",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("X,Y"), "{}", stderr(&o));
}

#[test]
fn a_converted_stylegan3_file_generates_the_same_transformed_image() {
    let dir = require_fixture!("sg3r_64");
    let out = scratch("converted");
    let st = out.join("sg3r.safetensors");
    let o = stylescope(&["convert", dir.join("network.pkl").to_str().unwrap(), "--out", st.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = stylescope(&[
        "generate",
        "--network",
        st.to_str().unwrap(),
        "--seeds",
        "85",
        "--translate",
        "0.13,-0.21",
        "--rotate",
        "17",
        "--save-raw",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_npy_close(&out.join("seed0085.npy"), &dir.join("xform_both_seed85_psi1.0.npy"), 1e-4);
    assert_png_matches(&out.join("seed0085.png"), &dir.join("xform_both_seed85_psi1.0_u8.npy"));
}
