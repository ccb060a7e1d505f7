//! StyleGAN3 layer schedule and filter design: against the tables of the reference (§2.3.1) and
//! against the fixtures' manifests and stored filter buffers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/sg3.rs"]
mod sg3_common;

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use sg3_common::{hyper_from_manifest, manifest};
use stylescope::nn::config::Sg3Config;
use stylescope::nn::stylegan3::builder::{Sg3Hyper, init_weights, layer_filters};

/// Parameters (not buffers) of a generator built from `config`, as `sum(p.numel() for p in G.parameters())`.
fn parameter_count(c: &Sg3Config) -> usize {
    let fc = |i: usize, o: usize| i * o + o;
    let mut n = 0;
    if let Some(e) = &c.mapping.embed {
        n += fc(e.in_features, e.out_features);
    }
    n += c.mapping.layers.iter().map(|l| fc(l.in_features, l.out_features)).sum::<usize>();
    n += c.input.channels * c.input.channels + fc(c.w_dim, 4);
    for l in &c.layers {
        n += l.out_channels * l.in_channels * l.conv_kernel * l.conv_kernel
            + l.out_channels
            + fc(c.w_dim, l.in_channels);
    }
    n
}

fn names(c: &Sg3Config) -> Vec<String> {
    c.layers.iter().map(|l| l.name.clone()).collect()
}

fn split(s: &str) -> Vec<String> {
    s.split(", ").map(str::to_string).collect()
}

#[test]
fn stylegan3_t_1024_matches_the_reference_table() {
    let c = Sg3Hyper::t(1024).config().unwrap();
    assert_eq!(
        names(&c),
        split(
            "L0_36_512, L1_36_512, L2_52_512, L3_52_512, L4_84_512, L5_148_512, L6_148_512, L7_276_323, \
             L8_276_203, L9_532_128, L10_1044_81, L11_1044_51, L12_1044_32, L13_1024_32, L14_1024_3"
        )
    );
    assert_eq!(parameter_count(&c), 22_313_167);
    assert_eq!(c.num_ws, 16);
    assert_eq!((c.input.channels, c.input.size, c.input.sampling_rate, c.input.bandwidth), (512, [36, 36], 16.0, 2.0));
    let cutoffs =
        [2.0, 3.175, 5.040, 8.0, 12.699, 20.159, 32.0, 50.797, 80.635, 128.0, 203.187, 322.540, 512.0, 512.0, 512.0];
    let half_widths = [
        6.0, 4.825, 10.960, 8.0, 19.301, 43.841, 32.0, 77.203, 47.365, 128.0, 308.813, 189.460, 118.346, 118.346,
        118.346,
    ];
    let pads = [
        [9, 8],
        [9, 8],
        [-6, -9],
        [9, 8],
        [-6, -9],
        [-6, -9],
        [9, 8],
        [-6, -9],
        [9, 8],
        [-6, -9],
        [-6, -9],
        [9, 8],
        [9, 8],
        [-11, -12],
        [0, 0],
    ];
    let updown = [2, 2, 4, 2, 4, 4, 2, 4, 2, 4, 4, 2, 2, 2, 1];
    let tmp = [32, 32, 64, 64, 128, 256, 256, 512, 512, 1024, 2048, 2048, 2048, 2048, 1024];
    for (i, l) in c.layers.iter().enumerate() {
        assert!((l.out_cutoff - cutoffs[i]).abs() < 5e-4, "{}: cutoff {}", l.name, l.out_cutoff);
        assert!((l.out_half_width - half_widths[i]).abs() < 5e-4, "{}: half width {}", l.name, l.out_half_width);
        assert_eq!(l.padding, [pads[i][0], pads[i][1], pads[i][0], pads[i][1]], "{}", l.name);
        assert_eq!(l.up_factor, updown[i], "{}", l.name);
        assert_eq!(l.down_factor, if i == 14 { 1 } else { 2 }, "{}", l.name);
        assert_eq!(l.up_taps, if i == 14 { 1 } else { 6 * updown[i] }, "{}", l.name);
        assert_eq!(l.tmp_sampling_rate, tmp[i] as f64, "{}", l.name);
        assert_eq!(l.use_fp16, i >= 5, "{}", l.name);
        assert_eq!(l.conv_kernel, if i == 14 { 1 } else { 3 });
        assert!(!l.down_radial);
        assert_eq!(l.is_critically_sampled, i >= 12);
        assert_eq!(l.is_torgb, i == 14);
    }
}

#[test]
fn stylegan3_r_1024_matches_the_reference_table() {
    let c = Sg3Hyper::r(1024).config().unwrap();
    assert_eq!(
        names(&c),
        split(
            "L0_36_1024, L1_36_1024, L2_52_1024, L3_52_1024, L4_84_1024, L5_148_1024, L6_148_1024, L7_276_645, \
             L8_276_406, L9_532_256, L10_1044_161, L11_1044_102, L12_1044_64, L13_1024_64, L14_1024_3"
        )
    );
    assert_eq!(parameter_count(&c), 15_093_151);
    for (i, l) in c.layers.iter().enumerate() {
        let pad = match (i, l.up_factor) {
            (14, _) => [0, 0],
            (13, _) => [-9, -10],
            (_, 2) => [11, 10],
            _ => [-2, -5],
        };
        assert_eq!(l.padding, [pad[0], pad[1], pad[0], pad[1]], "{}", l.name);
        assert_eq!(l.down_radial, i <= 11, "{}", l.name);
        let (_, down) = layer_filters(l).unwrap();
        match i {
            0..=11 => assert_eq!(down.unwrap().shape(), vec![12, 12], "{}", l.name),
            12 | 13 => assert_eq!(down.unwrap().shape(), vec![12], "{}", l.name),
            _ => assert!(down.is_none()),
        }
    }
}

#[test]
fn stylegan3_512_and_256_match_the_reference_tables() {
    let t512 = Sg3Hyper::t(512).config().unwrap();
    assert_eq!(
        names(&t512),
        split(
            "L0_36_512, L1_36_512, L2_52_512, L3_52_512, L4_84_512, L5_84_512, L6_148_512, L7_148_483, L8_276_323, \
             L9_276_215, L10_532_144, L11_532_96, L12_532_64, L13_512_64, L14_512_3"
        )
    );
    assert_eq!(parameter_count(&t512), 24_873_519);
    let cut512 = [
        2.0, 2.997, 4.490, 6.727, 10.079, 15.102, 22.627, 33.903, 50.797, 76.109, 114.035, 170.860, 256.0, 256.0, 256.0,
    ];
    for (l, c) in t512.layers.iter().zip(cut512) {
        assert!((l.out_cutoff - c).abs() < 5e-4, "{}", l.name);
        assert_eq!(l.use_fp16, l.out_sampling_rate >= 64.0, "{}", l.name);
    }
    assert!(!t512.layers[3].use_fp16 && t512.layers[4].use_fp16);

    let t256 = Sg3Hyper::t(256).config().unwrap();
    assert_eq!(
        names(&t256),
        split(
            "L0_36_512, L1_36_512, L2_36_512, L3_52_512, L4_52_512, L5_84_512, L6_84_512, L7_148_512, L8_148_512, \
             L9_148_362, L10_276_256, L11_276_181, L12_276_128, L13_256_128, L14_256_3"
        )
    );
    assert_eq!(parameter_count(&t256), 28_472_133);
    assert!(!t256.layers[2].use_fp16 && t256.layers[3].use_fp16);
    let cut256 = [2.0, 2.828, 4.0, 5.657, 8.0, 11.314, 16.0, 22.627, 32.0, 45.255, 64.0, 90.510, 128.0, 128.0, 128.0];
    for (l, c) in t256.layers.iter().zip(cut256) {
        assert!((l.out_cutoff - c).abs() < 5e-4, "{}", l.name);
    }

    let t256_small = Sg3Hyper { channel_base: 16384.0, ..Sg3Hyper::t(256) }.config().unwrap();
    assert_eq!(
        names(&t256_small)[7..],
        split("L7_148_362, L8_148_256, L9_148_181, L10_276_128, L11_276_91, L12_276_64, L13_256_64, L14_256_3")[..]
    );
    assert_eq!(parameter_count(&t256_small), 23_320_443);

    let r512 = Sg3Hyper::r(512).config().unwrap();
    assert_eq!(
        names(&r512)[7..],
        split("L7_148_967, L8_276_645, L9_276_431, L10_532_287, L11_532_192, L12_532_128, L13_512_128, L14_512_3")[..]
    );
    assert_eq!(parameter_count(&r512), 16_665_594);
    assert!(!r512.layers[3].use_fp16 && r512.layers[4].use_fp16);
    let r256 = Sg3Hyper::r(256).config().unwrap();
    assert_eq!(
        names(&r256)[9..],
        split("L9_148_724, L10_276_512, L11_276_362, L12_276_256, L13_256_256, L14_256_3")[..]
    );
    assert_eq!(parameter_count(&r256), 18_816_387);
}

fn check_fixture(net: &str, dir: &std::path::Path) {
    let manifest = manifest(dir);
    let config = hyper_from_manifest(&manifest).config().unwrap();
    let arch = &manifest["architecture"];
    assert_eq!(config.num_ws as u64, arch["num_ws"].as_u64().unwrap());
    let layers = arch["synthesis_layers"].as_array().unwrap();
    assert_eq!(layers.len(), config.layers.len());
    let stored: HashMap<String, Tensor> =
        candle_core::safetensors::load(dir.join("state_dict.safetensors"), &Device::Cpu).unwrap();
    let mut checked = 0;
    let mut worst = 0f32;
    for (l, m) in config.layers.iter().zip(layers) {
        let name = m["name"].as_str().unwrap();
        assert_eq!(l.name, name);
        let usz = |k: &str| m[k].as_u64().unwrap() as usize;
        let size = |k: &str| [m[k][0].as_u64().unwrap() as usize, m[k][1].as_u64().unwrap() as usize];
        assert_eq!((l.in_channels, l.out_channels), (usz("in_channels"), usz("out_channels")), "{name}");
        assert_eq!((l.in_size, l.out_size), (size("in_size"), size("out_size")), "{name}");
        assert_eq!(l.in_sampling_rate, m["in_sampling_rate"].as_f64().unwrap(), "{name}");
        assert_eq!(l.out_sampling_rate, m["out_sampling_rate"].as_f64().unwrap(), "{name}");
        assert_eq!((l.up_factor, l.down_factor), (usz("up_factor"), usz("down_factor")), "{name}");
        assert_eq!((l.up_taps, l.down_taps), (usz("up_taps"), usz("down_taps")), "{name}");
        assert_eq!(l.down_radial, m["down_radial"].as_bool().unwrap(), "{name}");
        let pad: Vec<i64> = m["padding"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        assert_eq!(l.padding.to_vec(), pad, "{name}");
        assert_eq!(l.conv_kernel, usz("conv_kernel"), "{name}");
        assert_eq!(l.is_torgb, m["is_torgb"].as_bool().unwrap(), "{name}");
        assert_eq!(l.is_critically_sampled, m["is_critically_sampled"].as_bool().unwrap(), "{name}");
        assert_eq!(l.use_fp16, m["use_fp16"].as_bool().unwrap(), "{name}");
        assert_eq!(l.conv_clamp, m["conv_clamp"].as_f64(), "{name}");

        let (up, down) = layer_filters(l).unwrap();
        for (buf, designed) in [("up_filter", up), ("down_filter", down)] {
            let key = format!("G_ema.synthesis.{name}.{buf}");
            match (stored.get(&key), designed) {
                (None, None) => {}
                (Some(t), Some(f)) => {
                    assert_eq!(t.dims(), &f.shape()[..], "{key}");
                    let want: Vec<f32> = t.flatten_all().unwrap().to_vec1().unwrap();
                    let err = common::max_abs_diff(&f.to_f32(), &want);
                    assert!(err <= 1e-6, "{net} {key}: max error {err}");
                    worst = worst.max(err);
                    checked += 1;
                }
                (s, d) => {
                    panic!("{key}: stored {:?}, designed {:?}", s.map(|t| t.dims().to_vec()), d.map(|f| f.shape()))
                }
            }
        }
    }
    assert_eq!(checked, 28, "{net}: every non-ToRGB layer has two filters");
    eprintln!("{net}: designed filters vs stored buffers: max abs error {worst:e}");

    // The builder's initial weights have exactly the names and shapes of NVIDIA's state dict.
    let w = init_weights(&config, 1, &Device::Cpu).unwrap();
    let mut built: Vec<(String, Vec<usize>)> = w.into_map().into_iter().map(|(k, t)| (k, t.dims().to_vec())).collect();
    let mut want: Vec<(String, Vec<usize>)> = stored
        .iter()
        .filter_map(|(k, t)| k.strip_prefix("G_ema.").map(|k| (k.to_string(), t.dims().to_vec())))
        .collect();
    built.sort();
    want.sort();
    assert_eq!(built, want, "{net}: initial weights vs the state dict");
}

#[test]
fn fixture_schedules_and_filters_are_reproduced() {
    for net in ["sg3t_64", "sg3r_64"] {
        let dir = require_fixture!(net);
        check_fixture(net, &dir);
    }
}
