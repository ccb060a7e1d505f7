//! The regularisers' parameter gradients used by the trainer (R1 and path length, computed
//! without second-order autograd: central differences of first-order gradients with frozen
//! activation patterns) against exact references: the penalties themselves evaluated in float64
//! and differentiated by central differences in parameter space with a tiny step (no kink is
//! crossed), along random directions over all parameters and along random directions within each
//! parameter tensor. The main losses (Gmain through a fixed D, Dmain) are checked the same way.
//! The trainer runs in float32, as in training.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use candle_core::{D, DType, Device, Tensor, Var};
use stylescope::nn::config::{DiscriminatorConfig, GeneratorConfig, Sg2Architecture};
use stylescope::nn::discriminator::{DiscriminatorHyper, init::random_weights as d_init};
use stylescope::nn::random_state::RandomState;
use stylescope::nn::stylegan2::{Sg2Hyper, init::random_weights as g_init};
use stylescope::nn::weights::Weights;
use stylescope::train::forward::{
    GenInputs, Mixing, build_discriminator, build_generator, d_main_loss, g_main_loss, run_discriminator,
    run_generator, run_mapping, run_synthesis,
};
use stylescope::train::params::{ParamSet, is_generator_buffer};
use stylescope::train::path_length::{PL_STEP, PlSettings, path_length};
use stylescope::train::r1::{R1_STEP, R1Settings, r1};

type Map = BTreeMap<String, Tensor>;

fn randn(rng: &mut RandomState, shape: &[usize], scale: f64) -> Tensor {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = rng.randn(n).into_iter().map(|x| x * scale).collect();
    Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
}

fn to(map: &Map, dt: DType) -> Map {
    map.iter().map(|(k, t)| (k.clone(), t.to_dtype(dt).unwrap())).collect()
}

fn flat(t: &Tensor) -> Vec<f64> {
    t.to_dtype(DType::F64).unwrap().flatten_all().unwrap().to_vec1().unwrap()
}

/// Random init, then non-trivial biases and noise strengths (a fresh init has zeros there).
fn perturbed(map: Map, rng: &mut RandomState) -> Map {
    map.into_iter()
        .map(|(k, t)| {
            let t = t.to_dtype(DType::F64).unwrap();
            let shape = t.dims().to_vec();
            let t = if (k.ends_with(".bias") && !k.contains("affine")) || k.ends_with("noise_strength") {
                (t + randn(rng, &shape, 0.3)).unwrap()
            } else {
                t
            };
            (k, t)
        })
        .collect()
}

/// The gradient of the trainer's surrogate, per parameter (float64 values).
fn gradient(ps: &ParamSet, surrogate: &Tensor) -> BTreeMap<String, Vec<f64>> {
    let g = surrogate.backward().unwrap();
    ps.params
        .iter()
        .map(|(k, v)| (k.clone(), g.get(v.as_tensor()).map(flat).unwrap_or_else(|| vec![0.0; v.elem_count()])))
        .collect()
}

/// Compares `⟨grad, Δ⟩` with central differences of `penalty` along directions Δ: random over
/// all parameters, and random within each tensor. Returns the two relative errors.
fn compare(
    name: &str,
    base: &Map,
    params: &[String],
    grad: &BTreeMap<String, Vec<f64>>,
    penalty: &dyn Fn(&Map) -> f64,
    rng: &mut RandomState,
) -> (f64, f64) {
    // The reference: a central difference with a step small enough that no activation changes
    // side (checked: two steps must agree, otherwise another direction is drawn).
    let directional = |make: &mut dyn FnMut() -> Map| -> (f64, f64) {
        for _ in 0..4 {
            let dir = make();
            let shifted = |s: f64| -> Map {
                base.iter()
                    .map(|(k, t)| {
                        (k.clone(), dir.get(k).map_or_else(|| t.clone(), |d| (t + (d * s).unwrap()).unwrap()))
                    })
                    .collect()
            };
            let fd = |eps: f64| (penalty(&shifted(eps)) - penalty(&shifted(-eps))) / (2.0 * eps);
            let (reference, check) = (fd(1e-9), fd(3e-9));
            if (reference - check).abs() > 1e-2 * reference.abs() + 1e-6 {
                eprintln!(
                    "  {name}: a kink lies within 3e-9 along this direction ({reference:e} vs {check:e}); drawing another"
                );
                continue;
            }
            let ours: f64 =
                dir.iter().map(|(k, d)| flat(d).iter().zip(&grad[k]).map(|(a, b)| a * b).sum::<f64>()).sum();
            return (reference, ours);
        }
        panic!("{name}: no kink-free direction found");
    };
    let rel = |pairs: &[(f64, f64)]| {
        let num: f64 = pairs.iter().map(|(r, o)| (r - o).powi(2)).sum();
        let den: f64 = pairs.iter().map(|(r, _)| r * r).sum();
        (num / den).sqrt()
    };
    let all: Vec<(f64, f64)> = (0..12)
        .map(|_| directional(&mut || params.iter().map(|k| (k.clone(), randn(rng, base[k].dims(), 1.0))).collect()))
        .collect();
    let per_tensor: Vec<(f64, f64)> = params
        .iter()
        .map(|k| directional(&mut || BTreeMap::from([(k.clone(), randn(rng, base[k].dims(), 1.0))])))
        .collect();
    let (e_all, e_tensor) = (rel(&all), rel(&per_tensor));
    eprintln!(
        "{name}: relative error {e_all:.2e} over 12 random directions, {e_tensor:.2e} over {} per-tensor directions (e.g. {:.5e} vs {:.5e})",
        per_tensor.len(),
        all[0].1,
        all[0].0
    );
    (e_all, e_tensor)
}

/// `mean_i ‖∇ₓᵢ Σ D(blur(x))‖²` in the dtype of `map`.
fn r1_penalty(config: &DiscriminatorConfig, map: &Map, x: &Tensor, c: Option<&Tensor>, blur: f64) -> f64 {
    let d = build_discriminator(config, &Weights::new(map.clone())).unwrap();
    let xv = Var::from_tensor(x).unwrap();
    let s = run_discriminator(&d, xv.as_tensor(), c, blur).unwrap().sum_all().unwrap();
    let v = s.backward().unwrap().get(xv.as_tensor()).unwrap().clone();
    flat(&v.sqr().unwrap().sum_all().unwrap())[0] / x.dim(0).unwrap() as f64
}

fn check_r1(name: &str, h: DiscriminatorHyper, blur: f64, seed: u32) -> (f64, f64) {
    let config = h.config().unwrap();
    let mut rng = RandomState::new(seed);
    let base = perturbed(d_init(&config, seed, &Device::Cpu).unwrap().into_map(), &mut rng);
    let n = 4;
    let x = randn(&mut rng, &[n, h.img_channels, h.img_resolution, h.img_resolution], 0.5);
    let c = (h.c_dim > 0).then(|| {
        let v: Vec<f64> =
            (0..n * h.c_dim).map(|i| if i % h.c_dim == (i / h.c_dim) % h.c_dim { 1.0 } else { 0.0 }).collect();
        Tensor::from_vec(v, (n, h.c_dim), &Device::Cpu).unwrap()
    });
    let ps = ParamSet::new(to(&base, DType::F32), |k| config.is_trainable(k)).unwrap();
    let c32 = c.as_ref().map(|c| c.to_dtype(DType::F32).unwrap());
    let s = R1Settings { blur_sigma: blur, gamma: 2.0, gain: 1.0, step: R1_STEP };
    let out = r1(&ps, &config, &x.to_dtype(DType::F32).unwrap(), c32.as_ref(), s).unwrap();
    let reference = r1_penalty(&config, &base, &x, c.as_ref(), blur);
    assert!((out.penalty - reference).abs() < 1e-4 * reference, "{name}: penalty {} vs {reference}", out.penalty);
    let grad = gradient(&ps, &out.surrogate.unwrap());
    let params: Vec<String> = ps.params.keys().cloned().collect();
    compare(name, &base, &params, &grad, &|m| r1_penalty(&config, m, &x, c.as_ref(), blur), &mut rng)
}

#[test]
fn r1_gradient_matches_the_exact_gradient() {
    let plain = DiscriminatorHyper {
        img_resolution: 16,
        channel_base: 64,
        channel_max: 8,
        mbstd_group_size: Some(2),
        conv_clamp: None,
        ..Default::default()
    };
    let (a, b) = check_r1("R1, resnet D, group 2", plain, 0.0, 3);
    assert!(a < 1e-2 && b < 1e-2);
    // Conditional, skip architecture, group 4, an active clamp, and the StyleGAN3-R blur.
    let busy = DiscriminatorHyper {
        img_resolution: 16,
        channel_base: 64,
        channel_max: 8,
        c_dim: 3,
        mapping_layers: 2,
        architecture: Sg2Architecture::Skip,
        mbstd_group_size: Some(4),
        conv_clamp: Some(1.0),
        ..Default::default()
    };
    let (a, b) = check_r1("R1, conditional skip D, group 4, clamp 1, blur 1", busy, 1.0, 4);
    assert!(a < 1e-2 && b < 1e-2);
}

/// NVIDIA's path-length loss `w·mean_i (Lᵢ − μ)²` with `μ = μ₀ + decay·(mean L − μ₀)`, in the dtype of `map`.
fn pl_loss(
    config: &GeneratorConfig,
    map: &Map,
    x: &GenInputs,
    y: &Tensor,
    pl_mean: f64,
    weight: f64,
    decay: f64,
) -> f64 {
    let g = build_generator(config, &Weights::new(map.clone()), &Device::Cpu).unwrap();
    let ws = run_mapping(&g, x, None).unwrap();
    let wv = Var::from_tensor(&ws).unwrap();
    let img = run_synthesis(&g, wv.as_tensor(), x.noise_seed, None).unwrap();
    let grads = (img * y).unwrap().sum_all().unwrap().backward().unwrap();
    let gw = grads.get(wv.as_tensor()).unwrap();
    let lengths = flat(&gw.sqr().unwrap().sum(D::Minus1).unwrap().mean(1).unwrap().sqrt().unwrap());
    let n = lengths.len() as f64;
    let mu = pl_mean + decay * (lengths.iter().sum::<f64>() / n - pl_mean);
    weight * lengths.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / n
}

#[test]
fn path_length_gradient_matches_the_exact_gradient() {
    for (name, clamp, seed) in [
        ("path length, StyleGAN2 16², no clamp", None, 11u32),
        ("path length, StyleGAN2 16², clamp 0.5", Some(0.5), 12),
    ] {
        let mut rng = RandomState::new(seed);
        let (config, base) = tiny_generator(clamp, seed, &mut rng);
        let n = 4;
        let (x64, x32) = (gen_inputs(DType::F64, seed + 1), gen_inputs(DType::F32, seed + 1));
        let y = (randn(&mut rng, &[n, 3, 16, 16], 1.0) / 16.0).unwrap();
        let (pl_mean, weight, decay) = (0.3, 2.0, 0.01);
        let ps = ParamSet::new(to(&base, DType::F32), |k| !is_generator_buffer(k)).unwrap();
        let s = PlSettings { weight, decay, gain: 1.0, step: PL_STEP };
        let out = path_length(&ps, &config, &x32, &y.to_dtype(DType::F32).unwrap(), pl_mean, s).unwrap();
        let reference = pl_loss(&config, &base, &x64, &y, pl_mean, weight, decay);
        assert!(
            (out.penalty * weight - reference).abs() < 1e-4 * reference,
            "{name}: penalty {} vs {reference}",
            out.penalty * weight
        );
        let grad = gradient(&ps, &out.surrogate.unwrap());
        let params: Vec<String> = ps.params.keys().cloned().collect();
        let (a, b) =
            compare(name, &base, &params, &grad, &|m| pl_loss(&config, m, &x64, &y, pl_mean, weight, decay), &mut rng);
        assert!(a < 1e-2 && b < 1e-2, "{name}: relative errors {a}, {b}");
    }
}

/// A tiny StyleGAN2 generator at 16² (z and w of 8), with non-trivial biases and noise strengths.
fn tiny_generator(conv_clamp: Option<f64>, seed: u32, rng: &mut RandomState) -> (GeneratorConfig, Map) {
    let h = Sg2Hyper {
        z_dim: 8,
        w_dim: 8,
        img_resolution: 16,
        mapping_layers: 2,
        channel_base: 64,
        channel_max: 8,
        conv_clamp,
        ..Default::default()
    };
    let config = h.config().unwrap();
    let map = perturbed(g_init(&config, seed, &Device::Cpu).unwrap().into_map(), rng);
    (GeneratorConfig::StyleGan2(config), map)
}

/// Four latents (with style mixing from layer 3) for [`tiny_generator`], in `dt`.
fn gen_inputs(dt: DType, seed: u32) -> GenInputs {
    let mut rng = RandomState::new(seed);
    GenInputs {
        z: randn(&mut rng, &[4, 8], 1.0).to_dtype(dt).unwrap(),
        c: None,
        mixing: Some(Mixing { cutoff: 3, z2: randn(&mut rng, &[4, 8], 1.0).to_dtype(dt).unwrap() }),
        noise_seed: 77,
    }
}

/// [`tiny_generator`] and a resnet discriminator at 16² (minibatch-std groups of 2).
fn gan(seed: u32) -> (GeneratorConfig, Map, DiscriminatorConfig, Map) {
    let mut rng = RandomState::new(seed);
    let (g_config, g) = tiny_generator(None, seed, &mut rng);
    let dh = DiscriminatorHyper {
        img_resolution: 16,
        channel_base: 64,
        channel_max: 8,
        mbstd_group_size: Some(2),
        ..Default::default()
    };
    let d_config = dh.config().unwrap();
    let d = perturbed(d_init(&d_config, seed + 1, &Device::Cpu).unwrap().into_map(), &mut rng);
    (g_config, g, d_config, d)
}

/// The trainer's Gmain loss ([`g_main_loss`] of D's logits of G's images), in the weights' dtype.
fn gmain_loss(
    g_config: &GeneratorConfig,
    g: Weights,
    d_config: &DiscriminatorConfig,
    d: Weights,
    x: &GenInputs,
) -> Tensor {
    let g = build_generator(g_config, &g, &Device::Cpu).unwrap();
    let d = build_discriminator(d_config, &d).unwrap();
    let (img, _) = run_generator(&g, x, None).unwrap();
    g_main_loss(&run_discriminator(&d, &img, None, 0.0).unwrap()).unwrap()
}

/// The generator's main loss differentiated as the trainer does it (float32 autograd through G and
/// a detached D, the minibatch-std layer coupling the samples) against float64 central differences.
/// The regulariser tests above do not cover this: their references take D's input gradient from
/// the same autograd.
#[test]
fn gmain_gradient_matches_the_exact_gradient() {
    let (g_config, g, d_config, d) = gan(21);
    let ps = ParamSet::new(to(&g, DType::F32), |k| !is_generator_buffer(k)).unwrap();
    let x32 = gen_inputs(DType::F32, 22);
    let loss = gmain_loss(&g_config, ps.tracked(), &d_config, Weights::new(to(&d, DType::F32)), &x32);
    let x64 = gen_inputs(DType::F64, 22);
    let reference = flat(&gmain_loss(&g_config, Weights::new(g.clone()), &d_config, Weights::new(d.clone()), &x64))[0];
    assert!((flat(&loss)[0] - reference).abs() < 1e-4 * reference.abs().max(1.0), "loss {loss} vs {reference}");
    let grad = gradient(&ps, &loss);
    let params: Vec<String> = ps.params.keys().cloned().collect();
    let (a, b) = compare(
        "Gmain, StyleGAN2 16² through a resnet D",
        &g,
        &params,
        &grad,
        &|m| flat(&gmain_loss(&g_config, Weights::new(m.clone()), &d_config, Weights::new(d.clone()), &x64))[0],
        &mut RandomState::new(23),
    );
    assert!(a < 1e-2 && b < 1e-2, "Gmain: relative errors {a}, {b}");
}

/// The trainer's Dmain loss ([`d_main_loss`] of D's logits) with G's images fixed, in the
/// weights' dtype.
fn dmain_loss(d_config: &DiscriminatorConfig, d: Weights, fake: &Tensor, real: &Tensor) -> Tensor {
    let d = build_discriminator(d_config, &d).unwrap();
    let logits = |x: &Tensor| run_discriminator(&d, x, None, 0.0).unwrap();
    d_main_loss(&logits(fake), &logits(real)).unwrap()
}

#[test]
fn dmain_gradient_matches_the_exact_gradient() {
    let (g_config, g, d_config, d) = gan(31);
    let generator = build_generator(&g_config, &Weights::new(g), &Device::Cpu).unwrap();
    let (fake, _) = run_generator(&generator, &gen_inputs(DType::F64, 32), None).unwrap();
    let real = randn(&mut RandomState::new(33), &[4, 3, 16, 16], 0.5);
    let ps = ParamSet::new(to(&d, DType::F32), |k| d_config.is_trainable(k)).unwrap();
    let (f32_fake, f32_real) = (fake.to_dtype(DType::F32).unwrap(), real.to_dtype(DType::F32).unwrap());
    let loss = dmain_loss(&d_config, ps.tracked(), &f32_fake, &f32_real);
    let grad = gradient(&ps, &loss);
    let params: Vec<String> = ps.params.keys().cloned().collect();
    let (a, b) = compare(
        "Dmain, resnet D 16², group 2",
        &d,
        &params,
        &grad,
        &|m| flat(&dmain_loss(&d_config, Weights::new(m.clone()), &fake, &real))[0],
        &mut RandomState::new(34),
    );
    assert!(a < 1e-2 && b < 1e-2, "Dmain: relative errors {a}, {b}");
}
