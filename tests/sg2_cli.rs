//! `stylescope generate` end to end: NVIDIA's images from the fixture pickle, the optional
//! outputs, and clear errors naming the file for bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn stylescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stylescope")).args(args).output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sg2_cli_{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Decoded PNG vs the fixture's uint8 array: equal but for ≤ 0.1 % of values off by one.
fn assert_png_matches(png: &Path, u8_npy: &Path) {
    let img = image::open(png).unwrap_or_else(|e| panic!("{}: {e}", png.display())).to_rgb8();
    let want = candle_core::Tensor::read_npy(u8_npy).unwrap();
    assert_eq!(want.dims(), &[img.height() as usize, img.width() as usize, 3]);
    let want = want.flatten_all().unwrap().to_vec1::<u8>().unwrap();
    let mut off = 0;
    for (a, b) in img.as_raw().iter().zip(&want) {
        let d = (*a as i32 - *b as i32).abs();
        assert!(d <= 1, "{}: differs by {d}", png.display());
        off += usize::from(d == 1);
    }
    assert!(off * 1000 <= want.len(), "{}: {off} values off by one", png.display());
}

#[test]
fn generate_reproduces_nvidias_images_and_writes_the_extras() {
    let dir = require_fixture!("sg2_64");
    let pkl = dir.join("network.pkl");
    let out = scratch("extras");
    let o = stylescope(&[
        "generate",
        "--network",
        pkl.to_str().unwrap(),
        "--seeds",
        "85",
        "--outdir",
        out.to_str().unwrap(),
        "--save-raw",
        "--save-w",
        "--save-layers",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_png_matches(&out.join("seed0085.png"), &dir.join("img_seed85_psi1.0_const_u8.npy"));
    let (raw, shape) = common::read_npy_f32(&out.join("seed0085.npy"));
    let (want, want_shape) = common::read_npy_f32(&dir.join("img_seed85_psi1.0_const.npy"));
    assert_eq!(shape, want_shape);
    assert!(common::max_abs_diff(&raw, &want) <= 1e-4);
    let (w, shape) = common::read_npy_f32(&out.join("seed0085_w.npy"));
    let (want, want_shape) = common::read_npy_f32(&dir.join("w_seed85_psi1.0.npy"));
    assert_eq!(shape, want_shape);
    assert!(common::max_abs_diff(&w, &want) <= 1e-5);
    // Every layer, named as the fixture names them (`:` → `.out`).
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    for layer in manifest["layer_outputs"]["layers"].as_array().unwrap() {
        let file = layer["file"].as_str().unwrap();
        let ours = out.join(file.replacen("layer_", "seed0085_", 1));
        let (got, _) = common::read_npy_f32(&ours);
        let (want, _) = common::read_npy_f32(&dir.join(file));
        let rel = common::max_abs_diff(&got, &want) / common::max_abs(&want).max(1.0);
        assert!(rel <= 2e-5, "{file}: {rel}");
    }
}

#[test]
fn generate_from_a_converted_safetensors_file_gives_the_same_images() {
    let dir = require_fixture!("sg2_64");
    let out = scratch("converted");
    let st = out.join("sg2_64.safetensors");
    let o = stylescope(&["convert", dir.join("network.pkl").to_str().unwrap(), "--out", st.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = stylescope(&[
        "generate",
        "--network",
        st.to_str().unwrap(),
        "--seeds",
        "265",
        "--trunc",
        "0.7",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_png_matches(&out.join("seed0265.png"), &dir.join("img_seed265_psi0.7_const_u8.npy"));
}

#[test]
fn generate_with_truncation_and_noise_mode_over_a_seed_range() {
    let dir = require_fixture!("sg2_64");
    let pkl = dir.join("network.pkl");
    let out = scratch("range");
    let o = stylescope(&[
        "generate",
        "--network",
        pkl.to_str().unwrap(),
        "--seeds",
        "0-1,7",
        "--trunc",
        "0.7",
        "--noise-mode",
        "none",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for seed in [0, 1, 7] {
        assert_png_matches(
            &out.join(format!("seed{seed:04}.png")),
            &dir.join(format!("img_seed{seed}_psi0.7_none_u8.npy")),
        );
    }
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 3, "only the three PNGs");
}

#[test]
fn bad_input_gives_clear_errors_naming_the_file() {
    let out = scratch("errors");
    // A missing file.
    let missing = out.join("no-such-network.pkl");
    let o = stylescope(&[
        "generate",
        "--network",
        missing.to_str().unwrap(),
        "--seeds",
        "0",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no-such-network.pkl"), "{}", stderr(&o));
    // A file that is no network at all.
    let text = out.join("notes.pkl");
    std::fs::write(&text, "these are not the weights you are looking for\n").unwrap();
    let o = stylescope(&[
        "generate",
        "--network",
        text.to_str().unwrap(),
        "--seeds",
        "0",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("notes.pkl"), "{}", stderr(&o));
    // A well-formed pickle holding no generator: `pickle.dumps({'foo': 1}, protocol=2)`.
    let nogen = out.join("dict.pkl");
    std::fs::write(&nogen, b"\x80\x02}q\x00X\x03\x00\x00\x00fooq\x01K\x01s.").unwrap();
    let o = stylescope(&[
        "generate",
        "--network",
        nogen.to_str().unwrap(),
        "--seeds",
        "0",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("dict.pkl"), "{}", stderr(&o));
    // A bad seed list.
    let o = stylescope(&[
        "generate",
        "--network",
        nogen.to_str().unwrap(),
        "--seeds",
        "3-1",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("seed list"), "{}", stderr(&o));
    assert!(!out.join("seed0000.png").exists());
}

#[test]
fn a_stylegan3_file_generates_or_says_why_not() {
    let dir = require_fixture!("sg3t_64");
    let pkl = dir.join("network.pkl");
    let out = scratch("sg3");
    let o = stylescope(&[
        "generate",
        "--network",
        pkl.to_str().unwrap(),
        "--seeds",
        "85",
        "--outdir",
        out.to_str().unwrap(),
    ]);
    if o.status.success() {
        // StyleGAN3 has landed: the image is NVIDIA's.
        assert_png_matches(&out.join("seed0085.png"), &dir.join("img_seed85_psi1.0_const_u8.npy"));
    } else {
        let e = stderr(&o);
        assert!(e.contains("network.pkl") && e.contains("StyleGAN3"), "{e}");
    }
}

/// A random conditional greyscale network written as stylescope safetensors.
fn conditional_network(out: &Path) -> PathBuf {
    use candle_core::Device;
    use stylescope::checkpoint::{
        Checkpoint, CheckpointFormat, DType, HostTensor, ModuleSummary, Network, NetworkKind,
    };
    use stylescope::nn::GeneratorConfig;
    use stylescope::nn::stylegan2::Sg2Hyper;
    use stylescope::nn::stylegan2::init::random_weights;

    let h = Sg2Hyper {
        z_dim: 8,
        w_dim: 8,
        c_dim: 4,
        img_resolution: 16,
        img_channels: 1,
        channel_base: 128,
        channel_max: 16,
        mapping_layers: 2,
        ..Default::default()
    };
    let config = h.config().unwrap();
    let weights = random_weights(&config, 5, &Device::Cpu).unwrap();
    let tensors: Vec<(String, HostTensor)> = weights
        .into_map()
        .into_iter()
        .map(|(name, t)| {
            let data: Vec<u8> =
                t.flatten_all().unwrap().to_vec1::<f32>().unwrap().iter().flat_map(|v| v.to_le_bytes()).collect();
            (name, HostTensor { dtype: DType::F32, shape: t.dims().to_vec(), data })
        })
        .collect();
    // The module table the format stores: every tensor under its module's path.
    let mut modules: Vec<ModuleSummary> = Vec::new();
    for (name, t) in &tensors {
        let (path, local) = name.rsplit_once('.').unwrap();
        match modules.iter_mut().find(|m| m.path == path) {
            Some(m) => m.params.push((local.to_string(), t.shape.clone())),
            None => modules.push(ModuleSummary {
                path: path.to_string(),
                class_name: "Module".into(),
                params: vec![(local.to_string(), t.shape.clone())],
                buffers: vec![],
            }),
        }
    }
    let file = out.join("conditional.safetensors");
    let ckpt = Checkpoint {
        path: file.clone(),
        format: CheckpointFormat::Safetensors,
        networks: vec![Network {
            key: "G_ema".into(),
            class_name: "training.networks_stylegan2.Generator".into(),
            kind: NetworkKind::Generator(GeneratorConfig::StyleGan2(config)),
            tensors,
            modules,
            init_kwargs: serde_json::Value::Null,
        }],
        training_set_kwargs: None,
        title: None,
    };
    ckpt.save_safetensors(&file, &["G_ema"]).unwrap();
    file
}

#[test]
fn a_conditional_network_needs_the_class_and_uses_it() {
    use candle_core::Device;
    use stylescope::checkpoint::Checkpoint;
    use stylescope::latent::{class_label, z_tensor};
    use stylescope::nn::SynthesisOptions;
    use stylescope::nn::image::to_raster;

    let out = scratch("conditional");
    let net = conditional_network(&out);
    let (n, o) = (net.to_str().unwrap(), out.to_str().unwrap());
    let r = stylescope(&["generate", "--network", n, "--seeds", "3", "--outdir", o]);
    assert!(!r.status.success());
    assert!(stderr(&r).contains("--class"), "{}", stderr(&r));
    let r = stylescope(&["generate", "--network", n, "--seeds", "3", "--class", "9", "--outdir", o]);
    assert!(!r.status.success());
    assert!(stderr(&r).contains("class 9"), "{}", stderr(&r));
    for class in [1usize, 2] {
        let dir = out.join(format!("class{class}"));
        let r = stylescope(&[
            "generate",
            "--network",
            n,
            "--seeds",
            "3",
            "--class",
            &class.to_string(),
            "--outdir",
            dir.to_str().unwrap(),
        ]);
        assert!(r.status.success(), "{}", stderr(&r));
        let png = image::open(dir.join("seed0003.png")).unwrap();
        assert_eq!(png.color(), image::ColorType::L8, "a one-channel network gives a grey PNG");
        // The same image as the library computes for seed 3 and this class.
        let g = Checkpoint::open(&net).unwrap().load_generator(&Device::Cpu).unwrap();
        let z = z_tensor(&[3], 8, &Device::Cpu).unwrap();
        let c = class_label(4, class, 1, &Device::Cpu).unwrap();
        let ws = g.mapping(&z, Some(&c), 1.0, None).unwrap();
        let want = to_raster(&g.synthesis(&ws, &SynthesisOptions::default()).unwrap().image, 0).unwrap();
        assert_eq!(png.to_luma8().as_raw(), &want.pixels, "class {class}");
    }
    let a = image::open(out.join("class1/seed0003.png")).unwrap().to_luma8();
    let b = image::open(out.join("class2/seed0003.png")).unwrap().to_luma8();
    assert_ne!(a.as_raw(), b.as_raw(), "the class changes the image");
}
