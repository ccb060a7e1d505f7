//! StyleGAN3 as training runs it: the differentiable synthesis (tensor-op `SynthesisInput`,
//! reference paths of the modulated convolution and `filtered_lrelu` in autograd graphs) gives the
//! inference forward's values, its parameter gradients match central differences, `update_emas`
//! moves `magnitude_ema` as NVIDIA's does, and short StyleGAN3-T and -R runs train and snapshot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/toy_data.rs"]
mod toy_data;
#[path = "common/train_util.rs"]
mod train_util;

use std::collections::BTreeMap;

use candle_core::{DType, Device, IndexOp, Tensor};
use stylescope::checkpoint::Checkpoint;
use stylescope::nn::config::GeneratorConfig;
use stylescope::nn::generator::{Generator, Synthesis, SynthesisOptions};
use stylescope::nn::ops::activation_tape;
use stylescope::nn::random_state::RandomState;
use stylescope::nn::stylegan3::builder::{Sg3Hyper, init_weights};
use stylescope::nn::weights::Weights;
use stylescope::train::forward::{EmaUpdates, GenInputs, build_generator, run_generator};
use stylescope::train::params::{ParamSet, is_generator_buffer};
use stylescope::train::sg3_forward;
use stylescope::train::{NoSink, TrainCfg, train};
use train_util::{TestMonitor, tiny_options};

fn randn(rng: &mut RandomState, shape: &[usize], scale: f64) -> Tensor {
    let n: usize = shape.iter().product();
    let v: Vec<f32> = rng.randn(n).into_iter().map(|x| (x * scale) as f32).collect();
    Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
}

fn flat(t: &Tensor) -> Vec<f64> {
    t.to_dtype(DType::F64).unwrap().flatten_all().unwrap().to_vec1().unwrap()
}

/// A tiny network with a non-trivial learned input transform, biases and magnitudes.
fn network(h: &Sg3Hyper, seed: u64) -> (GeneratorConfig, BTreeMap<String, Tensor>) {
    let config = h.config().unwrap();
    let mut rng = RandomState::new(seed as u32);
    let map = init_weights(&config, seed, &Device::Cpu)
        .unwrap()
        .into_map()
        .into_iter()
        .map(|(k, t)| {
            let dims = t.dims().to_vec();
            let t = if k == "synthesis.input.affine.weight" {
                randn(&mut rng, &dims, 0.3)
            } else if k.ends_with(".bias") && !k.contains("affine") {
                (t + randn(&mut rng, &dims, 0.2)).unwrap()
            } else if k.ends_with("magnitude_ema") {
                (t * (1.0 + rng.random_sample())).unwrap()
            } else {
                t
            };
            (k, t)
        })
        .collect();
    (GeneratorConfig::StyleGan3(config), map)
}

fn configs() -> Vec<(&'static str, Sg3Hyper)> {
    vec![
        ("StyleGAN3-T 16²", Sg3Hyper { z_dim: 8, w_dim: 8, channel_base: 128.0, channel_max: 8.0, ..Sg3Hyper::t(16) }),
        ("StyleGAN3-R 16²", Sg3Hyper { z_dim: 8, w_dim: 8, channel_base: 256.0, channel_max: 8.0, ..Sg3Hyper::r(16) }),
    ]
}

#[test]
fn training_forward_matches_inference_and_its_gradients_match_differences() {
    for (name, h) in configs() {
        let (config, map) = network(&h, 3);
        let mut rng = RandomState::new(9);
        let x = GenInputs { z: randn(&mut rng, &[3, 8], 1.0), c: None, mixing: None, noise_seed: 0 };

        // Values: the tracked training forward equals the inference forward.
        let g = Generator::new(config.clone(), &Weights::new(map.clone()), &Device::Cpu).unwrap();
        let ws = g.mapping(&x.z, None, 1.0, None).unwrap();
        let inference = g.synthesis(&ws, &SynthesisOptions::default()).unwrap().image;
        let ps = ParamSet::new(map.clone(), |k| !is_generator_buffer(k)).unwrap();
        let gt = build_generator(&config, &ps.tracked(), &Device::Cpu).unwrap();
        let (img, _) = run_generator(&gt, &x, None).unwrap();
        let diff = flat(&(&img - &inference).unwrap().abs().unwrap()).into_iter().fold(0.0, f64::max);
        eprintln!("{name}: training forward vs inference: max abs difference {diff:.2e}");
        assert!(diff < 1e-4, "{name}: {diff}");

        // Gradients: every parameter tensor gets one, and they match central differences of the
        // loss along random directions (leaky-ReLU patterns frozen, so the loss is smooth there).
        let probe = randn(&mut rng, img.dims(), 1.0);
        let grads = (&img * &probe).unwrap().sum_all().unwrap().backward().unwrap();
        let loss = |m: &BTreeMap<String, Tensor>| -> f64 {
            let g = build_generator(&config, &Weights::new(m.clone()), &Device::Cpu).unwrap();
            let (img, _) = run_generator(&g, &x, None).unwrap();
            flat(
                &(&img.to_dtype(DType::F64).unwrap() * &probe.to_dtype(DType::F64).unwrap())
                    .unwrap()
                    .sum_all()
                    .unwrap(),
            )[0]
        };
        let recording = activation_tape::record();
        loss(&map);
        let patterns = recording.finish().unwrap();
        let frozen = |m: &BTreeMap<String, Tensor>| {
            let tape = activation_tape::replay(&patterns);
            let v = loss(m);
            tape.finish().unwrap();
            v
        };
        let (mut num, mut den) = (0.0, 0.0);
        for _ in 0..8 {
            let mut dirs = BTreeMap::new();
            for (k, var) in &ps.params {
                let rms = flat(&var.as_tensor().sqr().unwrap().mean_all().unwrap())[0].sqrt().max(1e-2);
                dirs.insert(k.clone(), (randn(&mut rng, var.dims(), 1.0) * rms).unwrap());
            }
            let eps = 1e-3;
            let shifted = |s: f64| -> BTreeMap<String, Tensor> {
                map.iter()
                    .map(|(k, t)| {
                        (k.clone(), dirs.get(k).map_or_else(|| t.clone(), |d| (t + (d * s).unwrap()).unwrap()))
                    })
                    .collect()
            };
            let fd = (frozen(&shifted(eps)) - frozen(&shifted(-eps))) / (2.0 * eps);
            let ours: f64 = ps
                .params
                .iter()
                .map(|(k, var)| {
                    let g = grads.get(var.as_tensor()).unwrap_or_else(|| panic!("{name}: no gradient for {k}"));
                    flat(g).iter().zip(flat(&dirs[k])).map(|(a, b)| a * b).sum::<f64>()
                })
                .sum();
            num += (fd - ours).powi(2);
            den += fd * fd;
        }
        let rel = (num / den).sqrt();
        eprintln!(
            "{name}: gradient vs central differences, relative error {rel:.2e} over 8 random directions ({} tensors)",
            ps.params.len()
        );
        assert!(rel < 1e-2, "{name}: {rel}");
    }
}

#[test]
fn update_emas_moves_magnitude_ema_as_nvidia() {
    let (_, h) = configs().remove(0);
    let (config, map) = network(&h, 4);
    let g = Generator::new(config.clone(), &Weights::new(map.clone()), &Device::Cpu).unwrap();
    let Synthesis::StyleGan3(s) = &g.synthesis else { unreachable!() };
    let mut rng = RandomState::new(2);
    let ws = g.mapping(&randn(&mut rng, &[4, 8], 1.0), None, 1.0, None).unwrap();
    let mut ema = EmaUpdates::new(map.clone());
    sg3_forward::synthesis(s, &ws, Some(&mut ema)).unwrap();
    assert_eq!(ema.buffers.len(), s.layers.len());
    // The first layer's update: lerp(mean(input²), magnitude_ema, β).
    let input = sg3_forward::input_forward(&s.input, &ws.i((.., 0)).unwrap().contiguous().unwrap()).unwrap();
    let ms = flat(&input.sqr().unwrap().mean_all().unwrap())[0];
    let name = format!("synthesis.{}.magnitude_ema", s.layers[0].config.name);
    let old = flat(&map[&name])[0];
    let beta = s.layers[0].config.magnitude_ema_beta;
    let (got_name, got) = &ema.buffers[0];
    assert_eq!(got_name, &name);
    let want = ms + beta * (old - ms);
    assert!((flat(got)[0] - want).abs() < 1e-5 * want, "{} vs {want}", flat(got)[0]);
}

#[test]
fn stylegan3_t_and_r_train_and_snapshot() {
    let dir = common::temp_dir("test-sg3");
    let data = dir.join("discs");
    toy_data::write_discs(&data, 8, 16, 2);
    for cfg in [TrainCfg::StyleGan3T, TrainCfg::StyleGan3R] {
        let mut o = tiny_options(cfg, &data, &dir.join(cfg.name()), 4, 0.008);
        o.cbase = 128;
        o.cmax = 8;
        o.tick = 0.004;
        let out = train(&o, &TestMonitor::new(None), &NoSink).unwrap();
        assert_eq!(out.batch_idx, 2);
        let log = std::fs::read_to_string(out.run_dir.join("log.txt")).unwrap();
        assert!(log.contains(&format!("Training {}", cfg.name())) && !log.contains("NaN"), "{log}");
        let ckpt = Checkpoint::open(&out.last_snapshot).unwrap();
        let g = ckpt.load_generator(&Device::Cpu).unwrap();
        assert_eq!(g.config().family_name(), if cfg == TrainCfg::StyleGan3T { "StyleGAN3-T" } else { "StyleGAN3-R" });
        // The magnitude EMAs moved from their initial 1, and G_ema copies G's buffers.
        let tensor = |key: &str, name: &str| {
            let n = ckpt.network(key).unwrap();
            n.tensors.iter().find(|(k, _)| k == name).unwrap().1.to_f32_vec().unwrap()
        };
        let first = match g.config() {
            GeneratorConfig::StyleGan3(c) => format!("synthesis.{}.magnitude_ema", c.layers[0].name),
            GeneratorConfig::StyleGan2(_) => unreachable!(),
        };
        assert_ne!(tensor("G", &first), [1.0]);
        assert_eq!(tensor("G", &first), tensor("G_ema", &first));
        assert_ne!(tensor("G", "synthesis.input.affine.weight"), tensor("G_ema", "synthesis.input.affine.weight"));
    }
}
