//! `stylescope directions …` and `generate --direction` end to end on the fixture networks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn stylescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stylescope")).args(args).output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("directions_cli_{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ok(o: &Output) {
    assert!(o.status.success(), "failed: {}", String::from_utf8_lossy(&o.stderr));
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn sefa_writes_unit_rows_strongest_first_with_a_sidecar() {
    let Some(dir) = common::fixture("sg3t_64") else { return };
    let out = scratch("sefa");
    let npy = out.join("sefa.npy");
    ok(&stylescope(&["directions", "sefa", "--network", s(&dir.join("network.pkl")), "--out", s(&npy), "-k", "5"]));
    let t = candle_core::Tensor::read_npy(&npy).unwrap();
    assert_eq!(t.dtype(), candle_core::DType::F32);
    assert_eq!(t.dims(), &[5, 64]);
    let rows = t.to_vec2::<f32>().unwrap();
    let gold = common::read_npy_f64(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sefa/sg3t_64_default_eigvecs.npy"),
    )
    .0;
    for (i, r) in rows.iter().enumerate() {
        let norm: f32 = r.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        let cos: f64 = r.iter().zip(&gold[i * 64..(i + 1) * 64]).map(|(a, b)| *a as f64 * b).sum();
        assert!(cos.abs() > 1.0 - 1e-6, "row {i}: cos {cos}");
    }
    let meta = json(&out.join("sefa.json"));
    let ev: Vec<f64> = meta["eigenvalues"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(ev.len(), 5);
    assert!(ev.windows(2).all(|w| w[0] >= w[1]));
    assert!((ev[0] - 11.87499405).abs() < 1e-6, "{}", ev[0]);
    assert_eq!(meta["method"], "sefa");
    assert_eq!(meta["layers"].as_array().unwrap().len(), 14);
    assert_eq!(meta["default_layers"], serde_json::json!([1, 15]));
    assert!(meta["sigma"].as_array().unwrap().iter().all(|v| v.as_f64().unwrap() > 0.0));
}

#[test]
fn ganspace_and_svm_and_strip() {
    let Some(dir) = common::fixture("sg2_64") else { return };
    let net = dir.join("network.pkl");
    let out = scratch("gs");
    let gs = out.join("gs.npy");
    ok(&stylescope(&["directions", "ganspace", "--network", s(&net), "--out", s(&gs), "--samples", "4000", "-k", "6"]));
    let t = candle_core::Tensor::read_npy(&gs).unwrap();
    assert_eq!(t.dims(), &[6, 64]);
    let meta = json(&out.join("gs.json"));
    let sig: Vec<f64> = meta["sigma"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let vr: Vec<f64> = meta["variance_ratio"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(sig.windows(2).all(|w| w[0] >= w[1]) && vr.windows(2).all(|w| w[0] >= w[1]));
    assert!(vr.iter().sum::<f64>() < 1.0 && vr[0] > 0.0);
    assert_eq!(meta["settings"]["samples"], 4000);

    // Labels planted along GANSpace component 0 (the 200 most extreme seeds on each side, as
    // InterFaceGAN keeps the extremes): the SVM must find the component again.
    let comp = t.to_vec2::<f32>().unwrap()[0].clone();
    let seeds: Vec<u64> = (0..1000).collect();
    let z = stylescope::latent::z_tensor(&seeds, 64, &candle_core::Device::Cpu).unwrap();
    let g = stylescope::checkpoint::Checkpoint::open(&net).unwrap().load_generator(&candle_core::Device::Cpu).unwrap();
    let w =
        g.mapping(&z, None, 1.0, None).unwrap().narrow(1, 0, 1).unwrap().squeeze(1).unwrap().to_vec2::<f32>().unwrap();
    let proj: Vec<f32> = w.iter().map(|r| r.iter().zip(&comp).map(|(a, b)| a * b).sum()).collect();
    let mut sorted = proj.clone();
    sorted.sort_by(f32::total_cmp);
    let (low, high) = (sorted[199], sorted[800]);
    let mut csv = String::from("seed,label\n");
    for (seed, p) in seeds.iter().zip(&proj) {
        if *p <= low || *p >= high {
            csv.push_str(&format!("{seed},{}\n", u8::from(*p >= high)));
        }
    }
    std::fs::write(out.join("labels.csv"), csv).unwrap();
    let svm = out.join("svm.npy");
    let o = stylescope(&[
        "directions",
        "svm",
        "--network",
        s(&net),
        "--labels",
        s(&out.join("labels.csv")),
        "--out",
        s(&svm),
        "--c",
        "10",
    ]);
    ok(&o);
    let n = candle_core::Tensor::read_npy(&svm).unwrap().to_vec2::<f32>().unwrap()[0].clone();
    let cos: f32 = n.iter().zip(&comp).map(|(a, b)| a * b).sum();
    let meta = json(&out.join("svm.json"));
    let acc = meta["heldout_accuracy"].as_f64().unwrap();
    eprintln!("svm on planted labels: cos {cos}, held-out accuracy {acc}");
    assert!(cos > 0.9, "cos {cos}");
    assert!(acc > 0.95 && acc <= 1.0, "held-out accuracy {acc}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("heldout_accuracy"));
    // Conditioned on GANSpace components 1 and 2: orthogonal to both, unit length; the sidecar
    // lists the conditions. Conditioning on the direction itself leaves nothing: an error.
    let cond = out.join("svm_cond.npy");
    let (c1, c2) = (format!("{}:1", s(&gs)), format!("{}:2", s(&gs)));
    let labels = out.join("labels.csv");
    let base = ["directions", "svm", "--network", s(&net), "--labels", s(&labels), "--c", "10"];
    let mut args = base.to_vec();
    args.extend_from_slice(&["--out", s(&cond), "--condition", &c1, "--condition", &c2]);
    ok(&stylescope(&args));
    let v = candle_core::Tensor::read_npy(&cond).unwrap().to_vec2::<f32>().unwrap()[0].clone();
    let rows = t.to_vec2::<f32>().unwrap();
    for r in [1, 2] {
        let dot: f64 = v.iter().zip(&rows[r]).map(|(a, b)| f64::from(*a) * f64::from(*b)).sum();
        assert!(dot.abs() < 1e-6, "dot with component {r}: {dot}");
    }
    let norm: f64 = v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    assert!((norm - 1.0).abs() < 1e-6, "norm {norm}");
    let cos_c: f32 = v.iter().zip(&comp).map(|(a, b)| a * b).sum();
    assert!(cos_c > 0.9, "the conditioned direction keeps the planted one: cos {cos_c}");
    assert_eq!(json(&out.join("svm_cond.json"))["conditions"], serde_json::json!([c1, c2]));
    let mut args = base.to_vec();
    let none = out.join("none.npy");
    args.extend_from_slice(&["--out", s(&none), "--condition", s(&svm)]);
    let o = stylescope(&args);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && e.contains("span"), "{e}");
    assert!(!none.exists());

    // A label file with a bad line names the file and the line.
    std::fs::write(out.join("bad.csv"), "1,1\n2,maybe\n").unwrap();
    let o =
        stylescope(&["directions", "svm", "--network", s(&net), "--labels", s(&out.join("bad.csv")), "--out", s(&svm)]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && e.contains("bad.csv") && e.contains("line 2"), "{e}");

    // Strip: 2 seeds × 5 steps of 64² tiles; the centre column is the unedited image.
    let png = out.join("strip.png");
    let spec = format!("{}:0", s(&gs));
    ok(&stylescope(&[
        "directions",
        "strip",
        "--network",
        s(&net),
        "--direction",
        &spec,
        "--seeds",
        "3,4",
        "--steps",
        "5",
        "--out",
        s(&png),
    ]));
    let img = image::open(&png).unwrap().to_rgb8();
    assert_eq!((img.width(), img.height()), (5 * 64, 2 * 64));
    ok(&stylescope(&["generate", "--network", s(&net), "--seeds", "3", "--outdir", s(&out.join("plain"))]));
    let plain = image::open(out.join("plain/seed0003.png")).unwrap().to_rgb8();
    let centre = image::imageops::crop_imm(&img, 2 * 64, 0, 64, 64).to_image();
    assert_eq!(centre.as_raw(), plain.as_raw());
    let left = image::imageops::crop_imm(&img, 0, 0, 64, 64).to_image();
    assert_ne!(left.as_raw(), plain.as_raw());
}

#[test]
fn generate_with_a_direction() {
    let Some(dir) = common::fixture("sg3r_64") else { return };
    let net = dir.join("network.pkl");
    let out = scratch("gen");
    let d = out.join("d.npy");
    ok(&stylescope(&["directions", "sefa", "--network", s(&net), "--out", s(&d), "-k", "2"]));
    let run = |name: &str, extra: &[&str]| {
        let o = out.join(name);
        let mut args = vec!["generate", "--network", s(&net), "--seeds", "7", "--save-w", "--outdir", s(&o)];
        args.extend_from_slice(extra);
        let res = stylescope(&args);
        (res, o)
    };
    let (r, plain) = run("plain", &[]);
    ok(&r);
    let spec = format!("{}:1", s(&d));
    let (r, edited) = run("edited", &["--direction", &spec, "--strength", "-2", "--layers", "3-5"]);
    ok(&r);
    let w0 = common::read_npy_f32(&plain.join("seed0007_w.npy")).0;
    let w1 = common::read_npy_f32(&edited.join("seed0007_w.npy")).0;
    let sigma = json(&out.join("d.json"))["sigma"][1].as_f64().unwrap() as f32;
    let v = candle_core::Tensor::read_npy(&d).unwrap().to_vec2::<f32>().unwrap()[1].clone();
    for l in 0..16 {
        for j in 0..64 {
            let want = if (3..=5).contains(&l) { -2.0 * sigma * v[j] } else { 0.0 };
            let got = w1[l * 64 + j] - w0[l * 64 + j];
            assert!((got - want).abs() < 1e-5, "row {l}, {j}: {got} vs {want}");
        }
    }
    let a = image::open(plain.join("seed0007.png")).unwrap().to_rgb8();
    let b = image::open(edited.join("seed0007.png")).unwrap().to_rgb8();
    assert_ne!(a.as_raw(), b.as_raw());

    // Errors: a whole set without :ROW, a width mismatch naming the file and both widths.
    let (r, _) = run("set", &["--direction", s(&d), "--strength", "1"]);
    assert!(String::from_utf8_lossy(&r.stderr).contains(":ROW"));
    let wide = out.join("wide.npy");
    stylescope::latent::directions::npy::write_npy_f32(&wide, &[1, 512], &vec![0.1; 512]).unwrap();
    let (r, _) = run("wide", &["--direction", s(&wide), "--strength", "1"]);
    let e = String::from_utf8_lossy(&r.stderr);
    assert!(!r.status.success() && e.contains("wide.npy") && e.contains("512") && e.contains("w_dim 64"), "{e}");
    let (r, _) = run("range", &["--direction", &spec, "--strength", "1", "--layers", "3-16"]);
    assert!(String::from_utf8_lossy(&r.stderr).contains("0-15"));
}

#[test]
fn generate_with_a_style_channel() {
    let Some(dir) = common::fixture("sg2_64") else { return };
    let net = dir.join("network.pkl");
    let out = scratch("style");
    let run = |name: &str, extra: &[&str]| {
        let o = out.join(name);
        let mut args = vec!["generate", "--network", s(&net), "--seeds", "2", "--save-raw", "--outdir", s(&o)];
        args.extend_from_slice(extra);
        (stylescope(&args), o)
    };
    let (r, plain) = run("plain", &[]);
    ok(&r);
    let (r, edited) = run("edited", &["--style-channel", "L4_10=-3", "--style-channel", "L0_1=2"]);
    ok(&r);
    let a = common::read_npy_f32(&plain.join("seed0002.npy")).0;
    let b = common::read_npy_f32(&edited.join("seed0002.npy")).0;
    assert!(common::max_abs_diff(&a, &b) > 1e-3);
    let (r, zero) = run("zero", &["--style-channel", "L4_10=0"]);
    ok(&r);
    assert_eq!(common::read_npy_f32(&zero.join("seed0002.npy")).0, a);
    for (bad, want) in
        [("L99_0=1", "L0-L"), ("L4_999=1", "channels"), ("X4=1", "not a style channel"), ("L4_1", "expected")]
    {
        let (r, _) = run("bad", &["--style-channel", bad]);
        let e = String::from_utf8_lossy(&r.stderr);
        assert!(!r.status.success() && e.contains(want), "{bad}: {e}");
    }
}
