//! StyleGAN3-T and -R against NVIDIA's golden outputs (fixtures `sg3t_64`, `sg3r_64`): mapping,
//! images (float and uint8) with and without user transforms, every layer output (margins
//! included, through the clamp-exercised layer), early stop, and the visualizer's untransform.
//! Networks are read from the pickles through [`Checkpoint`].

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/sg3.rs"]
mod sg3_common;

use std::collections::BTreeMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use sg3_common::{hyper_from_manifest, manifest};
use stylescope::analysis::resample::untransform;
use stylescope::checkpoint::Checkpoint;
use stylescope::nn::config::GeneratorConfig;
use stylescope::nn::generator::{Capture, Generator, Mat3, SynthesisOptions};
use stylescope::nn::image::to_u8_hwc;
use stylescope::nn::stylegan3::transform::{make_transform, transform_buffer};
use stylescope::nn::weights::Weights;

const NETS: [&str; 2] = ["sg3t_64", "sg3r_64"];

/// `G_ema` of the fixture pickle, through the checkpoint reader.
fn load_generator(dir: &Path) -> Generator {
    let ckpt = Checkpoint::open(&dir.join("network.pkl")).unwrap();
    ckpt.load_generator(&Device::Cpu).unwrap()
}

#[test]
fn the_pickled_architecture_is_what_the_builder_computes_and_every_tensor_is_used() {
    for net in NETS {
        let dir = require_fixture!(net);
        let ckpt = Checkpoint::open(&dir.join("network.pkl")).unwrap();
        let GeneratorConfig::StyleGan3(pickled) = load_generator(&dir).config().clone() else {
            panic!("{net}: not a StyleGAN3 generator");
        };
        let built = hyper_from_manifest(&manifest(&dir)).config().unwrap();
        // Floats read from the pickle and computed by the builder agree to rounding.
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(1.0);
        assert_eq!(pickled.layers.len(), built.layers.len());
        assert_eq!(
            (pickled.num_ws, pickled.input.channels, pickled.input.size),
            (built.num_ws, built.input.channels, built.input.size)
        );
        assert!(
            close(pickled.input.bandwidth, built.input.bandwidth)
                && close(pickled.input.sampling_rate, built.input.sampling_rate)
        );
        for (p, b) in pickled.layers.iter().zip(&built.layers) {
            assert_eq!(p.name, b.name);
            assert_eq!(
                (p.in_size, p.out_size, p.in_channels, p.out_channels),
                (b.in_size, b.out_size, b.in_channels, b.out_channels)
            );
            assert_eq!(
                (p.up_factor, p.down_factor, p.up_taps, p.down_taps, p.down_radial),
                (b.up_factor, b.down_factor, b.up_taps, b.down_taps, b.down_radial)
            );
            assert_eq!(
                (p.padding, p.conv_kernel, p.conv_clamp, p.is_torgb, p.use_fp16),
                (b.padding, b.conv_kernel, b.conv_clamp, b.is_torgb, b.use_fp16)
            );
            for (x, y) in [
                (p.in_cutoff, b.in_cutoff),
                (p.out_cutoff, b.out_cutoff),
                (p.in_half_width, b.in_half_width),
                (p.out_half_width, b.out_half_width),
            ] {
                assert!(close(x, y), "{}: {x} vs {y}", p.name);
            }
        }
        // The generator consumes every tensor of G_ema.
        let weights = ckpt.weights("G_ema", &Device::Cpu).unwrap();
        let _ = Generator::new(GeneratorConfig::StyleGan3(pickled), &weights, &Device::Cpu).unwrap();
        assert!(weights.unused().is_empty(), "{net}: unused tensors {:?}", weights.unused());
        // The same generator from the state dict's tensors and the builder's architecture.
        let st = candle_core::safetensors::load(dir.join("state_dict.safetensors"), &Device::Cpu).unwrap();
        let map: BTreeMap<String, Tensor> =
            st.into_iter().filter_map(|(k, t)| k.strip_prefix("G_ema.").map(|k| (k.to_string(), t))).collect();
        let g = Generator::new(GeneratorConfig::StyleGan3(built), &Weights::new(map), &Device::Cpu).unwrap();
        let ws = npy(&dir, "w_seed85_psi1.0.npy");
        let a = g.synthesis(&ws, &SynthesisOptions::default()).unwrap().image;
        let b = load_generator(&dir).synthesis(&ws, &SynthesisOptions::default()).unwrap().image;
        assert_eq!(v(&a), v(&b), "{net}: builder + state dict vs pickle");
    }
}

fn npy(dir: &Path, name: &str) -> Tensor {
    Tensor::read_npy(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn v(t: &Tensor) -> Vec<f32> {
    t.to_dtype(DType::F32).unwrap().flatten_all().unwrap().to_vec1().unwrap()
}

fn seeds_and_psis(m: &serde_json::Value) -> (Vec<u64>, Vec<f64>) {
    let seeds = m["seeds"].as_array().unwrap().iter().map(|s| s.as_u64().unwrap()).collect();
    let psis = m["psis"].as_array().unwrap().iter().map(|s| s.as_f64().unwrap()).collect();
    (seeds, psis)
}

/// Sample `i` of `img` against a `[1, C, H, W]` reference: float max error ≤ 1e-4, and the uint8
/// conversion identical except ≤ 0.1 % of pixels off by one. Returns the float error.
fn check_image(img: &Tensor, i: usize, dir: &Path, float_file: &str, u8_file: &str) -> f32 {
    let got = img.narrow(0, i, 1).unwrap();
    let want = npy(dir, float_file);
    assert_eq!(got.dims(), want.dims(), "{float_file}");
    let err = common::max_abs_diff(&v(&got), &v(&want));
    assert!(err <= 1e-4, "{}/{float_file}: max error {err}", dir.display());
    let (h, w, c, bytes) = to_u8_hwc(img, i).unwrap();
    let want_u8 = npy(dir, u8_file);
    assert_eq!(want_u8.dims(), &[h, w, c]);
    let want_u8: Vec<u8> = want_u8.flatten_all().unwrap().to_vec1().unwrap();
    let mut off_pixels = 0;
    for (p, q) in bytes.chunks_exact(c).zip(want_u8.chunks_exact(c)) {
        let d = p.iter().zip(q).map(|(a, b)| a.abs_diff(*b)).max().unwrap_or(0);
        assert!(d <= 1, "{u8_file}: a pixel differs by {d}");
        off_pixels += (d > 0) as usize;
    }
    assert!(off_pixels * 1000 <= h * w, "{u8_file}: {off_pixels} pixels differ by one");
    err
}

#[test]
fn mapping_and_images_match_for_every_seed_and_psi() {
    for net in NETS {
        let dir = require_fixture!(net);
        let m = manifest(&dir);
        let g = load_generator(&dir);
        let (seeds, psis) = seeds_and_psis(&m);
        let z: Vec<Tensor> = seeds.iter().map(|s| npy(&dir, &format!("z_seed{s}_f64.npy"))).collect();
        let z = Tensor::cat(&z, 0).unwrap();
        let (mut w_err, mut img_err) = (0f32, 0f32);
        for psi in &psis {
            let ws = g.mapping(&z, None, *psi, None).unwrap();
            for (i, s) in seeds.iter().enumerate() {
                let want = npy(&dir, &format!("w_seed{s}_psi{psi:?}.npy"));
                let e = common::max_abs_diff(&v(&ws.narrow(0, i, 1).unwrap()), &v(&want));
                assert!(e <= 1e-5, "{net} seed {s} psi {psi}: w error {e}");
                w_err = w_err.max(e);
            }
            let img = g.synthesis(&ws, &SynthesisOptions::default()).unwrap().image;
            assert_eq!(img.dims(), &[seeds.len(), 3, 64, 64]);
            assert_eq!(img.dtype(), DType::F32);
            for (i, s) in seeds.iter().enumerate() {
                let stem = format!("img_seed{s}_psi{psi:?}_const");
                img_err = img_err.max(check_image(&img, i, &dir, &format!("{stem}.npy"), &format!("{stem}_u8.npy")));
            }
        }
        eprintln!("{net}: w max error {w_err:e}, image max error {img_err:e}");
    }
}

fn transforms(m: &serde_json::Value) -> Vec<(String, Mat3)> {
    let t = m["transforms"].as_object().unwrap();
    t.iter()
        .map(|(name, x)| {
            let tr = [x["translate"][0].as_f64().unwrap(), x["translate"][1].as_f64().unwrap()];
            (name.clone(), make_transform(tr, x["rotate_degrees"].as_f64().unwrap()))
        })
        .collect()
}

#[test]
fn transformed_images_and_untransform_match() {
    for net in NETS {
        let dir = require_fixture!(net);
        let m = manifest(&dir);
        let g = load_generator(&dir);
        let (seeds, _) = seeds_and_psis(&m);
        let ws: Vec<Tensor> = seeds.iter().map(|s| npy(&dir, &format!("w_seed{s}_psi1.0.npy"))).collect();
        let ws = Tensor::cat(&ws, 0).unwrap();
        let xf = transforms(&m);
        assert_eq!(xf.len(), 3);
        let (mut img_err, mut un_err) = (0f32, 0f32);
        for (name, mat) in &xf {
            // The matrix and the buffer value are NVIDIA's.
            let want_m = v(&npy(&dir, &format!("xform_{name}_matrix.npy")));
            let got_m: Vec<f32> = mat.iter().flatten().map(|&x| x as f32).collect();
            assert!(common::max_abs_diff(&got_m, &want_m) < 1e-7, "{name} matrix");
            let buf: Vec<f32> = transform_buffer(mat).unwrap().iter().flatten().copied().collect();
            assert_eq!(buf, v(&npy(&dir, &format!("xform_{name}_inverse.npy"))), "{name} buffer");

            let opts = SynthesisOptions { input_transform: Some(*mat), ..Default::default() };
            let img = g.synthesis(&ws, &opts).unwrap().image;
            for (i, s) in seeds.iter().enumerate() {
                let stem = format!("xform_{name}_seed{s}_psi1.0");
                img_err = img_err.max(check_image(&img, i, &dir, &format!("{stem}.npy"), &format!("{stem}_u8.npy")));
            }
            // The visualizer's untransform of NVIDIA's own transformed seed-85 image.
            let src = npy(&dir, &format!("xform_{name}_seed85_psi1.0.npy"));
            let (z, mask) = untransform(&src, mat).unwrap();
            let zr = npy(&dir, &format!("untransform_{name}_seed85_psi1.0.npy"));
            let mr = npy(&dir, &format!("untransform_{name}_seed85_psi1.0_mask.npy"));
            assert_eq!(z.dims(), zr.dims());
            let ez = common::max_abs_diff(&v(&z), &v(&zr));
            let em = common::max_abs_diff(&v(&mask), &v(&mr));
            assert!(ez <= 1e-4 && em <= 1e-4, "{net} untransform {name}: image {ez}, mask {em}");
            assert!(v(&mr).iter().filter(|&&x| x == 1.0).count() > 6000);
            un_err = un_err.max(ez).max(em);
        }
        eprintln!("{net}: transformed image max error {img_err:e}, untransform max error {un_err:e}");
    }
}

#[test]
fn every_layer_output_matches_including_margins() {
    for net in NETS {
        let dir = require_fixture!(net);
        let m = manifest(&dir);
        let g = load_generator(&dir);
        let ws = npy(&dir, "w_seed85_psi1.0.npy");
        let opts = SynthesisOptions { capture: Capture::All, ..Default::default() };
        let out = g.synthesis(&ws, &opts).unwrap();
        let files: BTreeMap<String, &serde_json::Value> = m["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"].as_str().is_some_and(|k| k.starts_with("layer_output")))
            .map(|f| (f["file"].as_str().unwrap().to_string(), f))
            .collect();
        let recorded: Vec<&str> =
            m["layer_outputs"]["layers"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
        let names: Vec<&str> = out.layers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, recorded, "{net}: captured layer names");
        let mut worst = 0f32;
        for (l, (name, t)) in m["layer_outputs"]["layers"].as_array().unwrap().iter().zip(&out.layers) {
            let shape: Vec<usize> =
                l["shape"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect();
            assert_eq!(t.dims(), shape.as_slice(), "{net} {name}");
            let file = l["file"].as_str().unwrap();
            let got = match files.get(file).map(|f| &f["crop"]) {
                Some(crop) if crop.is_object() => {
                    let r = |k: &str| (crop[k][0].as_u64().unwrap() as usize, crop[k][1].as_u64().unwrap() as usize);
                    let ((c0, c1), (y0, y1), (x0, x1)) = (r("channels"), r("y"), r("x"));
                    t.narrow(1, c0, c1 - c0).unwrap().narrow(2, y0, y1 - y0).unwrap().narrow(3, x0, x1 - x0).unwrap()
                }
                _ => t.clone(),
            };
            let want = npy(&dir, file);
            assert_eq!(got.dims(), want.dims(), "{net} {file}");
            let (a, b) = (v(&got), v(&want));
            let peak = common::max_abs(&b);
            let err = common::max_abs_diff(&a, &b);
            assert!(err <= 2e-5 * peak.max(1.0), "{net} {name}: max error {err} (max |ref| {peak})");
            worst = worst.max(err / peak.max(1.0));
        }
        // One layer reaches the clamp (sg3t: clamped at 256; sg3r: no clamp, far above 256), so a
        // missing or spurious clamp fails the comparison above.
        let max_all = m["layer_outputs"]["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["max"].as_f64().unwrap())
            .fold(0.0, f64::max);
        assert!(max_all > 255.9, "{net}: the fixture no longer exercises the clamp");
        eprintln!("{net}: layer outputs max error relative to max(1, max|ref|): {worst:e}");

        // Early stop: the requested layer is the result and nothing after it runs.
        let stop = recorded[5].to_string();
        let opts = SynthesisOptions { capture: Capture::Until(stop.clone()), ..Default::default() };
        let early = g.synthesis(&ws, &opts).unwrap();
        assert_eq!(early.layers.len(), 6);
        assert_eq!(early.layers.last().unwrap().0, stop);
        assert_eq!(v(&early.image), v(&out.layers[5].1));
        let bad = SynthesisOptions { capture: Capture::Until("L99_1_1".into()), ..Default::default() };
        assert!(g.synthesis(&ws, &bad).is_err());
    }
}

#[test]
fn mapping_layers_and_styles_match() {
    use stylescope::nn::generator::Synthesis;
    for net in NETS {
        let dir = require_fixture!(net);
        let g = load_generator(&dir);
        let z = npy(&dir, "z_seed85_f64.npy");
        let fc = g.mapping.layer_outputs(&z, None).unwrap();
        assert_eq!(fc.len(), 2);
        for (name, t) in &fc {
            let want = npy(&dir, &format!("mapping_{name}.npy"));
            let e = common::max_abs_diff(&v(t), &v(&want));
            assert!(e <= 1e-5 * common::max_abs(&v(&want)).max(1.0), "{net} mapping.{name}: {e}");
        }
        let Synthesis::StyleGan3(s) = &g.synthesis else { panic!("{net}: not StyleGAN3") };
        let styles = s.styles(&npy(&dir, "w_seed85_psi1.0.npy")).unwrap();
        assert_eq!(styles.len(), s.layers.len() + 1);
        for (name, t) in &styles {
            let want = npy(&dir, &format!("style_{name}_affine.npy"));
            let e = common::max_abs_diff(&v(t), &v(&want));
            assert!(e <= 1e-5 * common::max_abs(&v(&want)).max(1.0), "{net} {name}.affine: {e}");
        }
    }
}
