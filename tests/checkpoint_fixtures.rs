#![allow(clippy::unwrap_used, clippy::expect_used)]
//! NVIDIA's own pickles (the golden fixtures) load with exactly the tensors of their
//! `state_dict.safetensors`, the parameter counts of their manifests, and the architecture the
//! official code built (manifest `architecture`).

mod common;

use std::path::Path;

use serde_json::Value;
use stylescope::checkpoint::{Checkpoint, CheckpointFormat, DType, NetworkKind};
use stylescope::nn::config::{GeneratorConfig, Sg2Architecture};

fn manifest(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn open(dir: &Path) -> Checkpoint {
    Checkpoint::open(&dir.join("network.pkl")).unwrap_or_else(|e| panic!("{e}"))
}

/// Every tensor of G, D and G_ema equals the fixture's state dict: same names, shapes and bytes.
fn check_tensors(net: &str) {
    let dir = require_fixture!(net);
    let ckpt = open(&dir);
    assert_eq!(ckpt.format, CheckpointFormat::NvidiaPickle { protocol: 4 });
    let keys: Vec<&str> = ckpt.networks.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(keys, ["G", "D", "G_ema"], "augment_pipe is None in the fixtures");

    let bytes = std::fs::read(dir.join("state_dict.safetensors")).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut total = 0;
    for network in &ckpt.networks {
        let prefix = format!("{}.", network.key);
        let mut expected: Vec<String> =
            st.names().into_iter().filter_map(|n| n.strip_prefix(&prefix).map(str::to_string)).collect();
        expected.sort();
        let mut ours: Vec<String> = network.tensors.iter().map(|(n, _)| n.clone()).collect();
        ours.sort();
        assert_eq!(ours, expected, "{net} {}: tensor names", network.key);
        for (name, t) in &network.tensors {
            let view = st.tensor(&format!("{prefix}{name}")).unwrap();
            assert_eq!(view.dtype(), safetensors::Dtype::F32, "{name}");
            assert_eq!(t.dtype, DType::F32, "{name}");
            assert_eq!(t.shape, view.shape(), "{net} {name}: shape");
            assert!(t.data == view.data(), "{net} {}.{name}: bytes differ", network.key);
            total += 1;
        }
    }
    assert_eq!(total, st.len(), "every fixture tensor was compared");
}

#[test]
fn sg2_tensors_equal_the_state_dict() {
    check_tensors("sg2_64");
}

#[test]
fn sg3t_tensors_equal_the_state_dict() {
    check_tensors("sg3t_64");
}

#[test]
fn sg3r_tensors_equal_the_state_dict() {
    check_tensors("sg3r_64");
}

/// Parameter counts, top-level sizes and the training-set kwargs of every fixture.
#[test]
fn counts_and_sizes_match_the_manifests() {
    for net in ["sg2_64", "sg3t_64", "sg3r_64"] {
        let dir = require_fixture!(net);
        let m = manifest(&dir);
        let ckpt = open(&dir);
        let c = &m["constructor"];
        let g = ckpt.network("G_ema").unwrap();
        let d = ckpt.network("D").unwrap();
        assert_eq!(g.num_params() as u64, c["num_params_G_ema"].as_u64().unwrap(), "{net} G_ema");
        assert_eq!(d.num_params() as u64, c["num_params_D"].as_u64().unwrap(), "{net} D");
        assert_eq!(ckpt.network("G").unwrap().num_params(), g.num_params());
        assert_eq!(ckpt.training_set_kwargs.as_ref(), Some(&c["training_set_kwargs"]), "{net}");
        assert_eq!(g.init_kwargs, c["G_ema_init_kwargs"], "{net}");
        assert_eq!(ckpt.generator_network().unwrap().key, "G_ema");

        let a = &m["architecture"];
        let NetworkKind::Generator(config) = &g.kind else { panic!("{net}: G_ema is not a generator") };
        assert_eq!(config.z_dim() as u64, a["z_dim"].as_u64().unwrap());
        assert_eq!(config.w_dim() as u64, a["w_dim"].as_u64().unwrap());
        assert_eq!(config.c_dim() as u64, a["c_dim"].as_u64().unwrap());
        assert_eq!(config.num_ws() as u64, a["num_ws"].as_u64().unwrap());
        assert_eq!(config.img_resolution() as u64, a["img_resolution"].as_u64().unwrap());
        assert_eq!(config.img_channels() as u64, a["img_channels"].as_u64().unwrap());
        assert_eq!(config.mapping().layers.len() as u64, a["mapping_num_layers"].as_u64().unwrap());
        let family = match net {
            "sg2_64" => "StyleGAN2",
            "sg3t_64" => "StyleGAN3-T",
            _ => "StyleGAN3-R",
        };
        assert_eq!(config.family_name(), family);

        let NetworkKind::Discriminator(dc) = &d.kind else { panic!("{net}: D is not a discriminator") };
        assert_eq!((dc.c_dim, dc.img_resolution, dc.img_channels), (0, 64, 3));
        assert_eq!(dc.blocks.iter().map(|b| b.resolution).collect::<Vec<_>>(), [64, 32, 16, 8]);
        assert_eq!((dc.epilogue.resolution, dc.epilogue.mbstd_group_size, dc.freeze_layers), (4, Some(4), 0));
    }
}

fn f32_scalar(ckpt: &Checkpoint, name: &str) -> f64 {
    let t = ckpt.network("G_ema").unwrap().tensors.iter().find(|(n, _)| n == name).unwrap().1.clone();
    assert!(t.shape.is_empty(), "{name} is a scalar");
    f64::from(t.to_f32_vec().unwrap()[0])
}

/// The StyleGAN3 layers match `architecture.synthesis_layers` field by field.
fn check_sg3_layers(net: &str) {
    let dir = require_fixture!(net);
    let m = manifest(&dir);
    let ckpt = open(&dir);
    let NetworkKind::Generator(GeneratorConfig::StyleGan3(c)) = &ckpt.network("G_ema").unwrap().kind else {
        panic!("{net}: not StyleGAN3")
    };
    let expected = m["architecture"]["synthesis_layers"].as_array().unwrap();
    assert_eq!(c.layers.len(), expected.len());
    let u = |v: &Value| v.as_u64().unwrap() as usize;
    let pair = |v: &Value| [u(&v[0]), u(&v[1])];
    for (l, e) in c.layers.iter().zip(expected) {
        let name = e["name"].as_str().unwrap();
        assert_eq!(l.name, name);
        assert_eq!(l.in_channels, u(&e["in_channels"]), "{name}");
        assert_eq!(l.out_channels, u(&e["out_channels"]), "{name}");
        assert_eq!(l.in_size, pair(&e["in_size"]), "{name}");
        assert_eq!(l.out_size, pair(&e["out_size"]), "{name}");
        assert_eq!(l.in_sampling_rate, e["in_sampling_rate"].as_f64().unwrap(), "{name}");
        assert_eq!(l.out_sampling_rate, e["out_sampling_rate"].as_f64().unwrap(), "{name}");
        assert_eq!(l.up_factor, u(&e["up_factor"]), "{name}");
        assert_eq!(l.down_factor, u(&e["down_factor"]), "{name}");
        assert_eq!(l.up_taps, u(&e["up_taps"]), "{name}");
        assert_eq!(l.down_taps, u(&e["down_taps"]), "{name}");
        assert_eq!(l.down_radial, e["down_radial"].as_bool().unwrap(), "{name}");
        let pad: Vec<i64> = e["padding"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        assert_eq!(l.padding.to_vec(), pad, "{name}");
        assert_eq!(l.conv_kernel, u(&e["conv_kernel"]), "{name}");
        assert_eq!(l.is_torgb, e["is_torgb"].as_bool().unwrap(), "{name}");
        assert_eq!(l.is_critically_sampled, e["is_critically_sampled"].as_bool().unwrap(), "{name}");
        assert_eq!(l.use_fp16, e["use_fp16"].as_bool().unwrap(), "{name}");
        assert_eq!(l.conv_clamp, e["conv_clamp"].as_f64(), "{name}");
        assert_eq!(l.w_dim, c.w_dim);
        assert_eq!(l.affine.in_features, c.w_dim, "{name}");
        assert_eq!(l.affine.out_features, l.in_channels, "{name}");
        let ema = f32_scalar(&ckpt, &format!("synthesis.{name}.magnitude_ema"));
        assert_eq!(ema, e["magnitude_ema"].as_f64().unwrap(), "{name} magnitude_ema");
        // Values the manifest does not list, checked against their definitions.
        assert_eq!(
            l.tmp_sampling_rate,
            l.in_sampling_rate.max(l.out_sampling_rate) * if l.is_torgb { 1.0 } else { 2.0 }
        );
        assert_eq!(l.magnitude_ema_beta, m["constructor"]["G_kwargs"]["magnitude_ema_beta"].as_f64().unwrap());
    }
    let first = &expected[0];
    assert_eq!(c.input.channels, u(&first["in_channels"]));
    assert_eq!(c.input.size, pair(&first["in_size"]));
    assert_eq!(c.input.sampling_rate, first["in_sampling_rate"].as_f64().unwrap());
    assert_eq!(c.input.bandwidth, 2.0);
    assert_eq!(c.input.affine.out_features, 4);
    assert_eq!((c.num_critical, c.margin_size, c.output_scale), (2, 10, 0.25));
    let fp16 = m["constructor"]["G_ema_init_kwargs"]["num_fp16_res"].as_u64().unwrap_or(4) as usize;
    assert_eq!(c.num_fp16_res, fp16);
    assert_eq!(c.mapping.w_avg_beta, 0.998);
    assert!(c.mapping.layers.iter().all(|fc| fc.bias_gain == 0.01 && (fc.weight_gain - 0.01 / 8.0).abs() < 1e-15));
}

#[test]
fn sg3t_layers_match_the_manifest() {
    check_sg3_layers("sg3t_64");
}

#[test]
fn sg3r_layers_match_the_manifest() {
    check_sg3_layers("sg3r_64");
}

#[test]
fn sg2_blocks_match_the_manifest() {
    let dir = require_fixture!("sg2_64");
    let m = manifest(&dir);
    let ckpt = open(&dir);
    let NetworkKind::Generator(GeneratorConfig::StyleGan2(c)) = &ckpt.network("G_ema").unwrap().kind else {
        panic!("not StyleGAN2")
    };
    let expected = m["architecture"]["blocks"].as_array().unwrap();
    assert_eq!(c.blocks.len(), expected.len());
    let mut w_index = 0;
    for (b, e) in c.blocks.iter().zip(expected) {
        let name = e["name"].as_str().unwrap();
        assert_eq!(format!("b{}", b.resolution), name);
        assert_eq!(b.in_channels as u64, e["in_channels"].as_u64().unwrap(), "{name}");
        assert_eq!(b.out_channels as u64, e["out_channels"].as_u64().unwrap(), "{name}");
        assert_eq!(b.use_fp16, e["use_fp16"].as_bool().unwrap(), "{name}");
        assert_eq!(b.architecture, Sg2Architecture::Skip);
        assert_eq!(b.w_index, w_index, "{name}");
        let num_conv = e["num_conv"].as_u64().unwrap() as usize;
        assert_eq!(b.conv0.is_some(), num_conv == 2, "{name}");
        assert_eq!(b.torgb.is_some(), e["num_torgb"].as_u64() == Some(1), "{name}");
        assert_eq!(b.is_last, name == "b64");
        w_index += num_conv;
        let clamp = e["conv_clamp"].as_f64();
        for layer in b.conv0.iter().chain([&b.conv1]) {
            assert_eq!(layer.conv_clamp, clamp, "{name}");
            assert_eq!(layer.resolution, b.resolution);
            assert_eq!((layer.kernel_size, layer.padding, layer.activation.name()), (3, 1, "lrelu"));
            assert_eq!(layer.act_gain, std::f64::consts::SQRT_2);
            assert!(layer.use_noise);
            assert_eq!(layer.affine.in_features, 64);
            assert_eq!(layer.affine.out_features, layer.in_channels);
            assert_eq!((layer.affine.weight_gain, layer.affine.bias_gain), (0.125, 1.0));
        }
        assert_eq!(b.conv0.as_ref().map(|l| l.up), (num_conv == 2).then_some(2));
        assert_eq!(b.conv1.up, 1);
        let rgb = b.torgb.as_ref().unwrap();
        assert_eq!((rgb.in_channels, rgb.out_channels, rgb.kernel_size), (b.out_channels, 3, 1));
        assert_eq!(rgb.weight_gain, 1.0 / (b.out_channels as f64).sqrt());
        assert_eq!(rgb.conv_clamp, clamp);
        // The noise strengths of the manifest are the pickled parameters.
        for (layer, v) in e["noise_strength"].as_object().unwrap() {
            assert_eq!(f32_scalar(&ckpt, &format!("synthesis.{name}.{layer}.noise_strength")), v.as_f64().unwrap());
        }
    }
    // Each block reads num_conv + num_torgb rows; the last torgb row is the last w.
    assert_eq!(w_index + 1, c.num_ws);
}

/// `weights` hands the generator builders candle tensors with the state-dict names and shapes.
#[test]
fn weights_are_candle_tensors_with_state_dict_names() {
    let dir = require_fixture!("sg3r_64");
    let ckpt = open(&dir);
    let g = ckpt.network("G_ema").unwrap();
    let w = ckpt.weights("G_ema", &candle_core::Device::Cpu).unwrap();
    assert_eq!(w.len(), g.tensors.len());
    let t = w.get("synthesis.L14_64_3.weight", &[3, 32, 1, 1]).unwrap();
    assert_eq!(t.dtype(), candle_core::DType::F32);
    let host = &g.tensors.iter().find(|(n, _)| n == "synthesis.L14_64_3.weight").unwrap().1;
    let values: Vec<f32> = t.flatten_all().unwrap().to_vec1().unwrap();
    assert_eq!(values, host.to_f32_vec().unwrap());
    assert!(w.get_opt("synthesis.L14_64_3.up_filter").is_none(), "None buffers are skipped");
    let e = ckpt.weights("nope", &candle_core::Device::Cpu).unwrap_err();
    assert!(e.to_string().contains("network.pkl") && e.to_string().contains("nope"), "{e}");
}
