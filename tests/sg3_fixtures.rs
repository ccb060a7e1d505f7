//! StyleGAN3-T and -R against NVIDIA's golden outputs (fixtures `sg3t_64`, `sg3r_64`).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use stylescope::nn::generator::{Capture, SynthesisOptions};
use stylescope::nn::stylegan3::Sg3Synthesis;
use stylescope::nn::stylegan3::builder::Sg3Hyper;
use stylescope::nn::weights::Weights;

fn hyper_from_manifest(manifest: &serde_json::Value) -> Sg3Hyper {
    let k = &manifest["constructor"]["G_ema_init_kwargs"];
    let cfg = manifest["constructor"]["cfg"].as_str().unwrap();
    let u = |key: &str| k[key].as_u64().unwrap() as usize;
    let mut h = if cfg == "stylegan3-r" { Sg3Hyper::r(u("img_resolution")) } else { Sg3Hyper::t(u("img_resolution")) };
    h.z_dim = u("z_dim");
    h.w_dim = u("w_dim");
    h.c_dim = u("c_dim");
    h.img_channels = u("img_channels");
    h.mapping_layers = k["mapping_kwargs"]["num_layers"].as_u64().unwrap() as usize;
    h.channel_base = k["channel_base"].as_f64().unwrap();
    h.channel_max = k["channel_max"].as_f64().unwrap();
    h.magnitude_ema_beta = k["magnitude_ema_beta"].as_f64().unwrap();
    if let Some(v) = k.get("num_fp16_res") {
        h.num_fp16_res = v.as_u64().unwrap() as usize;
    }
    if let Some(v) = k.get("conv_clamp") {
        h.conv_clamp = v.as_f64();
    }
    h
}

fn load(dir: &Path) -> Sg3Synthesis {
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let config = hyper_from_manifest(&manifest).config().unwrap();
    let st = candle_core::safetensors::load(dir.join("state_dict.safetensors"), &Device::Cpu).unwrap();
    let map: BTreeMap<String, Tensor> = st.into_iter().filter_map(|(k, t)| k.strip_prefix("G_ema.").map(|k| (k.to_string(), t))).collect();
    Sg3Synthesis::new(&config, &Weights::new(map), &Device::Cpu).unwrap()
}

fn npy(dir: &Path, name: &str) -> Tensor {
    Tensor::read_npy(dir.join(name)).unwrap()
}

fn v(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1().unwrap()
}

#[test]
fn seed85_layers_and_image() {
    for net in ["sg3t_64", "sg3r_64"] {
        let dir = require_fixture!(net);
        let g = load(&dir);
        let ws = npy(&dir, "w_seed85_psi1.0.npy");
        let t0 = std::time::Instant::now();
        let out = g.forward(&ws, &SynthesisOptions { capture: Capture::All, ..Default::default() }).unwrap();
        eprintln!("{net}: forward {:?}", t0.elapsed());
        for (name, t) in &out.layers {
            let crop = net == "sg3r_64";
            let f = if crop { format!("layer_{name}_crop.npy") } else { format!("layer_{name}.npy") };
            let r = npy(&dir, &f);
            let t = if crop {
                let (_, _, h, _) = r.dims4().unwrap();
                let (_, _, fh, _) = t.dims4().unwrap();
                let c = r.dim(1).unwrap();
                let off = (fh - h) / 2;
                let off = if fh > 64 { off } else { 0 };
                t.narrow(1, 0, c).unwrap().narrow(2, off, h).unwrap().narrow(3, off, h).unwrap()
            } else { t.clone() };
            let (a, b) = (v(&t), v(&r));
            let err = common::max_abs_diff(&a, &b);
            let m = common::max_abs(&b);
            eprintln!("{net} {name}: err {err:e} max {m} rel {:e}", err / m.max(1.0));
        }
        let img = npy(&dir, "img_seed85_psi1.0_const.npy");
        eprintln!("{net} image err {:e}", common::max_abs_diff(&v(&out.image), &v(&img)));
    }
}

#[test]
fn untransform_probe() {
    use stylescope::analysis::resample::untransform;
    use stylescope::nn::stylegan3::transform::make_transform;
    for net in ["sg3t_64", "sg3r_64"] {
        let dir = require_fixture!(net);
        for (t, tr, ang) in [("translate", [0.13, -0.21], 0.0), ("rotate", [0.0, 0.0], 17.0), ("both", [0.13, -0.21], 17.0)] {
            let img = npy(&dir, &format!("xform_{t}_seed85_psi1.0.npy"));
            let t0 = std::time::Instant::now();
            let (z, m) = untransform(&img, &make_transform(tr, ang)).unwrap();
            let el = t0.elapsed();
            let zr = npy(&dir, &format!("untransform_{t}_seed85_psi1.0.npy"));
            let mr = npy(&dir, &format!("untransform_{t}_seed85_psi1.0_mask.npy"));
            let (mv, mrv) = (v(&m), v(&mr));
            let nd = mv.iter().zip(&mrv).filter(|(a, b)| a != b).count();
            eprintln!("{net} {t}: img err {:e}, mask err {:e} ({nd} differ, {} ones) {el:?}", common::max_abs_diff(&v(&z), &v(&zr)), common::max_abs_diff(&mv, &mrv), mrv.iter().filter(|&&x| x > 0.5).count());
        }
    }
}

#[test]
fn untransform_timing_probe() {
    use stylescope::analysis::resample::BandlimitFilter;
    use stylescope::nn::ops::upfirdn2d::upsample2d;
    let m = [[0.9563047f32, -0.29237169, -0.18571767], [0.29237169, 0.9563047, 0.16281568], [0.0, 0.0, 1.0]];
    let f = BandlimitFilter { amax: 6, ..Default::default() };
    let t0 = std::time::Instant::now();
    let ft = f.tensor(&m, &Device::Cpu).unwrap();
    eprintln!("filter {:?}", t0.elapsed());
    let x = Tensor::zeros((1, 3, 64, 64), candle_core::DType::F32, &Device::Cpu).unwrap();
    let t0 = std::time::Instant::now();
    let y = upsample2d(&x, Some(&ft), 4, [23; 4], false, 1.0).unwrap();
    eprintln!("upsample {:?} {:?}", t0.elapsed(), y.dims());
}
