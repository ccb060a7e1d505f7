//! StyleGAN3 test helpers (included with `#[path = "common/sg3.rs"] mod sg3_common;`).
#![allow(dead_code)]

use std::path::Path;

use stylescope::nn::stylegan3::builder::Sg3Hyper;

/// A fixture network's `manifest.json`.
pub fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// The builder's hyper-parameters for a fixture network, from its manifest's constructor kwargs
/// (`stylegan3-t` / `stylegan3-r` defaults plus the recorded overrides).
pub fn hyper_from_manifest(m: &serde_json::Value) -> Sg3Hyper {
    let k = &m["constructor"]["G_ema_init_kwargs"];
    let u = |key: &str| k[key].as_u64().unwrap() as usize;
    let res = u("img_resolution");
    let mut h = if m["constructor"]["cfg"] == "stylegan3-r" { Sg3Hyper::r(res) } else { Sg3Hyper::t(res) };
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
