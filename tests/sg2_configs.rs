//! StyleGAN2 networks of other configurations than the fixture, built from NVIDIA's constructor
//! arguments with random weights: every resolution, mapping depth, channel setting, 1 and 4 image
//! channels, conditional with an embedding, z-less, `orig` and `resnet`, clamp on and off.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use candle_core::{Device, Tensor};
use stylescope::latent::{RandomState, class_label, z_tensor};
use stylescope::nn::config::{Sg2Architecture, Sg2Config};
use stylescope::nn::generator::Synthesis;
use stylescope::nn::image::to_raster;
use stylescope::nn::stylegan2::init::random_weights;
use stylescope::nn::stylegan2::{ModConvPath, Sg2Hyper};
use stylescope::nn::{Capture, Generator, GeneratorConfig, NoiseMode, SynthesisOptions, Weights};

fn flat(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1::<f32>().unwrap()
}

/// Random weights, then the perturbations a fresh init lacks: noise strengths, biases, `w_avg`.
fn perturbed_weights(config: &Sg2Config, seed: u32) -> BTreeMap<String, Tensor> {
    let mut map = random_weights(config, seed, &Device::Cpu).unwrap().into_map();
    let mut rng = RandomState::new(seed + 1000);
    for (name, t) in map.iter_mut() {
        let n = t.elem_count();
        let noise: Vec<f32> = rng.randn(n).into_iter().map(|v| v as f32).collect();
        let noise = Tensor::from_vec(noise, t.dims(), &Device::Cpu).unwrap();
        if name.ends_with("noise_strength") {
            *t = (noise * 0.3).unwrap();
        } else if name.ends_with("w_avg") || (name.ends_with(".bias") && !name.contains("affine")) {
            *t = (&*t + (noise * 0.1).unwrap()).unwrap();
        }
    }
    map
}

fn build(h: &Sg2Hyper, seed: u32) -> (Sg2Config, Generator) {
    let config = h.config().unwrap();
    let weights = Weights::new(perturbed_weights(&config, seed));
    let g = Generator::new(GeneratorConfig::StyleGan2(config.clone()), &weights, &Device::Cpu).unwrap();
    assert!(weights.unused().is_empty(), "unused: {:?}", weights.unused());
    (config, g)
}

fn label(g: &Generator, n: usize) -> Option<Tensor> {
    let c = g.config().c_dim();
    (c > 0).then(|| class_label(c, c - 1, n, &Device::Cpu).unwrap())
}

fn configurations() -> Vec<(&'static str, Sg2Hyper)> {
    let base =
        Sg2Hyper { z_dim: 16, w_dim: 24, mapping_layers: 2, channel_base: 256, channel_max: 32, ..Default::default() };
    vec![
        (
            "32², 1 mapping layer, grey, no clamp",
            Sg2Hyper { img_resolution: 32, mapping_layers: 1, img_channels: 1, conv_clamp: None, ..base.clone() },
        ),
        (
            "16², 3 mapping layers, RGBA, orig",
            Sg2Hyper {
                img_resolution: 16,
                mapping_layers: 3,
                img_channels: 4,
                architecture: Sg2Architecture::Orig,
                ..base.clone()
            },
        ),
        (
            "32², conditional with an embedding, hidden width 12, resnet",
            Sg2Hyper {
                img_resolution: 32,
                c_dim: 5,
                embed_features: Some(8),
                layer_features: Some(12),
                mapping_layers: 4,
                architecture: Sg2Architecture::Resnet,
                ..base.clone()
            },
        ),
        (
            "8², z-less conditional, no noise",
            Sg2Hyper { img_resolution: 8, z_dim: 0, c_dim: 3, use_noise: false, ..base.clone() },
        ),
        (
            "128², 8 mapping layers, 8 channels at most",
            Sg2Hyper {
                img_resolution: 128,
                mapping_layers: 8,
                channel_base: 512,
                channel_max: 8,
                num_fp16_res: 2,
                ..base
            },
        ),
    ]
}

#[test]
fn other_configurations_run_with_the_right_shapes_deterministically() {
    for (what, h) in configurations() {
        let (config, mut g) = build(&h, 7);
        let r = h.img_resolution;
        assert_eq!(config.num_ws, 2 * r.trailing_zeros() as usize - 2, "{what}");
        let z = z_tensor(&[1, 2], h.z_dim, &Device::Cpu).unwrap();
        let c = label(&g, 2);
        let ws = g.mapping(&z, c.as_ref(), 0.8, None).unwrap();
        assert_eq!(ws.dims(), &[2, config.num_ws, h.w_dim], "{what}");

        let opts = SynthesisOptions { capture: Capture::All, ..Default::default() };
        let a = g.synthesis(&ws, &opts).unwrap();
        assert_eq!(a.image.dims(), &[2, h.img_channels, r, r], "{what}");
        let img = flat(&a.image);
        assert!(img.iter().all(|v| v.is_finite()), "{what}: non-finite output");
        assert!(img.iter().any(|v| v.abs() > 1e-3), "{what}: output is all zero");
        let b = g.synthesis(&ws, &opts).unwrap();
        assert_eq!(img, flat(&b.image), "{what}: not deterministic");

        // Capture names are the synthesis network's layer list; every output has the block's size.
        let Synthesis::StyleGan2(s) = &g.synthesis else { panic!() };
        let names: Vec<String> = a.layers.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(names, s.layer_names(), "{what}");
        for (name, t) in &a.layers {
            assert_eq!(t.dim(0).unwrap(), 2, "{what} {name}");
            assert!(flat(t).iter().all(|v| v.is_finite()), "{what} {name}");
        }
        match h.architecture {
            Sg2Architecture::Orig => assert!(
                names.contains(&"b8".to_string()) && !names.contains(&"b8.torgb".to_string()),
                "{what}: {names:?}"
            ),
            Sg2Architecture::Resnet => assert!(names.contains(&"b8.skip".to_string()), "{what}: {names:?}"),
            Sg2Architecture::Skip => assert!(names.contains(&"b8:1".to_string()), "{what}: {names:?}"),
        }

        // Fused and shared-weight modulated convolutions agree.
        let Synthesis::StyleGan2(s) = &mut g.synthesis else { panic!() };
        s.modconv_path = ModConvPath::Fused;
        let fused = flat(&g.synthesis(&ws, &SynthesisOptions::default()).unwrap().image);
        let scale = img.iter().fold(1f32, |m, v| m.max(v.abs()));
        let diff = img.iter().zip(&fused).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
        assert!(diff <= 1e-5 * scale, "{what}: fused vs non-fused {diff}");

        // Noise modes: none differs from const when the layers have noise; random is seeded.
        let run = |mode, seed| {
            flat(
                &g.synthesis(&ws, &SynthesisOptions { noise_mode: mode, noise_seed: seed, ..Default::default() })
                    .unwrap()
                    .image,
            )
        };
        let none = run(NoiseMode::None, 0);
        let differs = img.iter().zip(&none).any(|(x, y)| (x - y).abs() > 1e-4);
        assert_eq!(differs, h.use_noise, "{what}: const vs none");
        assert_eq!(run(NoiseMode::Random, 5), run(NoiseMode::Random, 5), "{what}");

        // Every channel count converts to an image.
        let raster = to_raster(&a.image, 1).unwrap();
        assert_eq!((raster.width, raster.height, raster.channels), (r, r, h.img_channels), "{what}");
    }
}

#[test]
fn builder_follows_nvidias_constructor() {
    let h = Sg2Hyper { img_resolution: 256, channel_base: 16384, channel_max: 512, ..Default::default() };
    let c = h.config().unwrap();
    let res: Vec<usize> = c.blocks.iter().map(|b| b.resolution).collect();
    assert_eq!(res, vec![4, 8, 16, 32, 64, 128, 256]);
    let ch: Vec<usize> = c.blocks.iter().map(|b| b.out_channels).collect();
    assert_eq!(ch, vec![512, 512, 512, 512, 256, 128, 64]);
    let fp16: Vec<bool> = c.blocks.iter().map(|b| b.use_fp16).collect();
    assert_eq!(fp16, vec![false, false, false, true, true, true, true]);
    let w_idx: Vec<usize> = c.blocks.iter().map(|b| b.w_index).collect();
    assert_eq!(w_idx, vec![0, 1, 3, 5, 7, 9, 11]);
    assert_eq!(c.num_ws, 14);
    assert_eq!(c.mapping.layers.len(), 8);
    assert!((c.mapping.layers[0].weight_gain - 0.01 / 512f64.sqrt()).abs() < 1e-15);
    let torgb = c.blocks[6].torgb.as_ref().unwrap();
    assert!((torgb.weight_gain - 1.0 / 8.0).abs() < 1e-15);
    assert!(c.blocks[0].conv0.is_none() && c.blocks[0].in_channels == 0);
    // Bad hyper-parameters are errors.
    assert!(Sg2Hyper { img_resolution: 48, ..Default::default() }.config().is_err());
    assert!(Sg2Hyper { channel_base: 16, img_resolution: 64, ..Default::default() }.config().is_err());
}

#[test]
fn conv_clamp_none_is_honoured() {
    for clamp in [Some(256.0), None] {
        let h = Sg2Hyper {
            z_dim: 8,
            w_dim: 8,
            img_resolution: 8,
            channel_base: 64,
            channel_max: 8,
            mapping_layers: 1,
            conv_clamp: clamp,
            ..Default::default()
        };
        let config = h.config().unwrap();
        let mut map = perturbed_weights(&config, 3);
        map.insert("synthesis.b8.conv1.bias".into(), Tensor::full(1000f32, 8, &Device::Cpu).unwrap());
        let g = Generator::new(GeneratorConfig::StyleGan2(config), &Weights::new(map), &Device::Cpu).unwrap();
        let ws = g.mapping(&z_tensor(&[0], 8, &Device::Cpu).unwrap(), None, 1.0, None).unwrap();
        let out = g
            .synthesis(&ws, &SynthesisOptions { capture: Capture::Until("b8.conv1".into()), ..Default::default() })
            .unwrap();
        let m = flat(&out.image).iter().fold(0f32, |m, v| m.max(v.abs()));
        match clamp {
            Some(c) => assert_eq!(m, c as f32),
            None => assert!(m > 1000.0, "unclamped maximum {m}"),
        }
    }
}

#[test]
fn truncation_and_labels() {
    let h = Sg2Hyper {
        z_dim: 8,
        w_dim: 8,
        c_dim: 4,
        img_resolution: 8,
        channel_base: 64,
        channel_max: 8,
        mapping_layers: 2,
        ..Default::default()
    };
    let (config, g) = build(&h, 11);
    let z = z_tensor(&[9], 8, &Device::Cpu).unwrap();
    let c = class_label(4, 1, 1, &Device::Cpu).unwrap();
    let full = flat(&g.mapping(&z, Some(&c), 1.0, None).unwrap());
    let avg = flat(g.w_avg());
    // psi 0: every row is w_avg; cutoff 2: rows from 2 on untouched.
    let zero = flat(&g.mapping(&z, Some(&c), 0.0, None).unwrap());
    for row in 0..config.num_ws {
        assert_eq!(&zero[row * 8..row * 8 + 8], avg.as_slice());
    }
    let cut = flat(&g.mapping(&z, Some(&c), 0.5, Some(2)).unwrap());
    assert_eq!(&cut[16..], &full[16..]);
    for i in 0..16 {
        let want = avg[i % 8] + 0.5 * (full[i] - avg[i % 8]);
        assert!((cut[i] - want).abs() < 1e-6);
    }
    // The class matters; a missing label is a clear error.
    let other = flat(&g.mapping(&z, Some(&class_label(4, 2, 1, &Device::Cpu).unwrap()), 1.0, None).unwrap());
    assert!(full.iter().zip(&other).any(|(a, b)| (a - b).abs() > 1e-4));
    let err = g.mapping(&z, None, 1.0, None).unwrap_err().to_string();
    assert!(err.contains("class label"), "{err}");
    let err = g.mapping(&z_tensor(&[9], 7, &Device::Cpu).unwrap(), Some(&c), 1.0, None).unwrap_err().to_string();
    assert!(err.contains("[N, 8]"), "{err}");
}

#[test]
fn missing_or_misshapen_tensors_are_named() {
    let h = Sg2Hyper {
        z_dim: 8,
        w_dim: 8,
        img_resolution: 8,
        channel_base: 64,
        channel_max: 8,
        mapping_layers: 1,
        ..Default::default()
    };
    let config = h.config().unwrap();
    let mut map = perturbed_weights(&config, 1);
    map.remove("synthesis.b8.conv0.noise_const");
    let err = Generator::new(GeneratorConfig::StyleGan2(config.clone()), &Weights::new(map), &Device::Cpu)
        .unwrap_err()
        .to_string();
    assert!(err.contains("synthesis.b8.conv0.noise_const"), "{err}");
    let mut map = perturbed_weights(&config, 1);
    map.insert(
        "synthesis.b4.torgb.weight".into(),
        Tensor::zeros((3, 7, 1, 1), candle_core::DType::F32, &Device::Cpu).unwrap(),
    );
    let err = Generator::new(GeneratorConfig::StyleGan2(config.clone()), &Weights::new(map), &Device::Cpu)
        .unwrap_err()
        .to_string();
    assert!(err.contains("synthesis.b4.torgb.weight") && err.contains("[3, 8, 1, 1]"), "{err}");
    // Wrong ws shape.
    let g = Generator::new(
        GeneratorConfig::StyleGan2(config),
        &Weights::new(perturbed_weights(&h.config().unwrap(), 1)),
        &Device::Cpu,
    )
    .unwrap();
    let bad = Tensor::zeros((1, 3, 8), candle_core::DType::F32, &Device::Cpu).unwrap();
    assert!(g.synthesis(&bad, &SynthesisOptions::default()).is_err());
}
