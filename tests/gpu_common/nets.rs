//! Networks for the GPU tests: the golden fixtures' `G_ema` (architecture from `manifest.json`,
//! tensors from `state_dict.safetensors`), until the checkpoint reader gives them directly.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use stylescope::nn::Weights;
use stylescope::nn::config::*;

fn u(v: &Value) -> usize {
    v.as_u64().unwrap_or_else(|| panic!("not an integer: {v}")) as usize
}

fn clamp(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// `G_ema`'s tensors, keyed by state-dict name.
pub fn fixture_weights(dir: &Path) -> Weights {
    let all = candle_core::safetensors::load(dir.join("state_dict.safetensors"), &candle_core::Device::Cpu).unwrap();
    let map: BTreeMap<String, candle_core::Tensor> =
        all.into_iter().filter_map(|(k, t)| k.strip_prefix("G_ema.").map(|n| (n.to_string(), t))).collect();
    Weights::new(map)
}

fn mapping(a: &Value, weights: &Weights) -> MappingConfig {
    let n = u(&a["mapping_num_layers"]);
    let layers = (0..n)
        .map(|i| {
            let dims = weights.get_any(&format!("mapping.fc{i}.weight")).unwrap().dims().to_vec();
            FcConfig::new(dims[1], dims[0], Activation::Lrelu, 0.01)
        })
        .collect();
    MappingConfig {
        z_dim: u(&a["z_dim"]),
        c_dim: u(&a["c_dim"]),
        w_dim: u(&a["w_dim"]),
        num_ws: u(&a["num_ws"]),
        embed: None,
        layers,
        w_avg_beta: 0.998,
    }
}

/// The fixture's generator architecture, from `manifest.json`.
pub fn fixture_config(dir: &Path, weights: &Weights) -> GeneratorConfig {
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let a = &manifest["architecture"];
    let (z_dim, w_dim, num_ws, res, img_ch) =
        (u(&a["z_dim"]), u(&a["w_dim"]), u(&a["num_ws"]), u(&a["img_resolution"]), u(&a["img_channels"]));
    let mapping = mapping(a, weights);
    if let Some(blocks) = a["blocks"].as_array() {
        let mut w_index = 0;
        let blocks = blocks
            .iter()
            .map(|bl| {
                let r: usize = bl["name"].as_str().unwrap()[1..].parse().unwrap();
                let (cin, cout) = (u(&bl["in_channels"]), u(&bl["out_channels"]));
                let cc = clamp(&bl["conv_clamp"]);
                let layer = |cin: usize, up: usize| Sg2LayerConfig {
                    in_channels: cin,
                    out_channels: cout,
                    kernel_size: 3,
                    resolution: r,
                    up,
                    use_noise: true,
                    activation: Activation::Lrelu,
                    conv_clamp: cc,
                    padding: 1,
                    act_gain: std::f64::consts::SQRT_2,
                    affine: FcConfig::new(w_dim, cin, Activation::Linear, 1.0),
                };
                let num_conv = u(&bl["num_conv"]);
                let block = Sg2BlockConfig {
                    resolution: r,
                    in_channels: cin,
                    out_channels: cout,
                    img_channels: img_ch,
                    is_last: r == res,
                    architecture: Sg2Architecture::Skip,
                    use_fp16: bl["use_fp16"].as_bool().unwrap(),
                    w_index,
                    conv0: (cin > 0).then(|| layer(cin, 2)),
                    conv1: layer(cout, 1),
                    torgb: (u(&bl["num_torgb"]) > 0).then(|| Sg2ToRgbConfig {
                        in_channels: cout,
                        out_channels: img_ch,
                        kernel_size: 1,
                        conv_clamp: cc,
                        weight_gain: 1.0 / (cout as f64).sqrt(),
                        affine: FcConfig::new(w_dim, cout, Activation::Linear, 1.0),
                    }),
                    skip: None,
                };
                w_index += num_conv;
                block
            })
            .collect();
        return GeneratorConfig::StyleGan2(Sg2Config {
            z_dim,
            c_dim: 0,
            w_dim,
            img_resolution: res,
            img_channels: img_ch,
            num_ws,
            mapping,
            blocks,
        });
    }
    let layers: Vec<Sg3LayerConfig> = a["synthesis_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let size = |v: &Value| [u(&v[0]), u(&v[1])];
            let pad: Vec<i64> = l["padding"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
            let cin = u(&l["in_channels"]);
            Sg3LayerConfig {
                name: l["name"].as_str().unwrap().to_string(),
                w_dim,
                is_torgb: l["is_torgb"].as_bool().unwrap(),
                is_critically_sampled: l["is_critically_sampled"].as_bool().unwrap(),
                use_fp16: l["use_fp16"].as_bool().unwrap(),
                in_channels: cin,
                out_channels: u(&l["out_channels"]),
                in_size: size(&l["in_size"]),
                out_size: size(&l["out_size"]),
                in_sampling_rate: l["in_sampling_rate"].as_f64().unwrap(),
                out_sampling_rate: l["out_sampling_rate"].as_f64().unwrap(),
                tmp_sampling_rate: 0.0,
                in_cutoff: 0.0,
                out_cutoff: 0.0,
                in_half_width: 0.0,
                out_half_width: 0.0,
                conv_kernel: u(&l["conv_kernel"]),
                conv_clamp: clamp(&l["conv_clamp"]),
                up_factor: u(&l["up_factor"]),
                up_taps: u(&l["up_taps"]),
                down_factor: u(&l["down_factor"]),
                down_taps: u(&l["down_taps"]),
                down_radial: l["down_radial"].as_bool().unwrap(),
                padding: [pad[0], pad[1], pad[2], pad[3]],
                magnitude_ema_beta: 0.999,
                affine: FcConfig::new(w_dim, cin, Activation::Linear, 1.0),
            }
        })
        .collect();
    let first = &layers[0];
    let input = Sg3InputConfig {
        w_dim,
        channels: first.in_channels,
        size: first.in_size,
        sampling_rate: first.in_sampling_rate,
        bandwidth: 2.0,
        affine: FcConfig::new(w_dim, 4, Activation::Linear, 1.0),
    };
    GeneratorConfig::StyleGan3(Sg3Config {
        z_dim,
        c_dim: 0,
        w_dim,
        img_resolution: res,
        img_channels: img_ch,
        num_ws,
        mapping,
        input,
        layers,
        num_critical: 2,
        margin_size: 10,
        output_scale: 0.25,
        num_fp16_res: 0,
    })
}
