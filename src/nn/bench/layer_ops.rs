//! Per-op timing of one StyleGAN3 layer (`stylescope bench --layer NAME`): its modulated
//! convolution and filtered leaky ReLU on random inputs of the layer's shapes, the fast path and,
//! on request, the reference in the same run, with their largest difference.

use std::time::Instant;

use candle_core::{Device, Tensor};

use crate::nn::bench::config::BenchConfig;
use crate::nn::bench::process_stats::cpu_time;
use crate::nn::config::GeneratorConfig;
use crate::nn::ops::filtered_lrelu::{FilteredLrelu, filtered_lrelu_fast, filtered_lrelu_ref};
use crate::nn::stylegan3::SynthesisLayer;
use crate::nn::stylegan3::builder::init_weights;
use crate::nn::stylegan3::init_rng::InitRng;
use crate::nn::stylegan3::modulated_conv::{modulated_conv2d_fast, modulated_conv2d_ref};
use crate::{Error, Result};

/// One op of one layer.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct OpTiming {
    pub layer: String,
    pub op: String,
    /// Useful multiply-accumulates of the op.
    pub gmac: f64,
    /// Median wall and CPU (all threads) milliseconds of the fast path.
    pub fast_ms: f64,
    pub fast_cpu_ms: Option<f64>,
    /// The reference, timed once, when asked for.
    pub ref_ms: Option<f64>,
    pub ref_cpu_ms: Option<f64>,
    /// Largest absolute difference fast − reference.
    pub max_abs_diff: Option<f64>,
}

fn time<T>(reps: usize, mut f: impl FnMut() -> Result<T>) -> Result<(T, f64, Option<f64>)> {
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    let mut last = None;
    for _ in 0..reps.max(1) {
        let c0 = cpu_time();
        let t0 = Instant::now();
        last = Some(f()?);
        wall.push(t0.elapsed().as_secs_f64() * 1e3);
        if let (Some(c0), Some(c1)) = (c0, cpu_time()) {
            cpu.push(c1.saturating_sub(c0).as_secs_f64() * 1e3);
        }
    }
    let med = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let out = last.ok_or_else(|| Error::Invalid("no run".into()))?;
    Ok((out, med(wall), (!cpu.is_empty()).then(|| med(cpu))))
}

fn max_diff(a: &Tensor, b: &Tensor) -> Result<f64> {
    let d = (a - b)?.abs()?.flatten_all()?.max(0)?.to_scalar::<f32>()? as f64;
    let s = a.abs()?.flatten_all()?.max(0)?.to_scalar::<f32>()? as f64;
    eprintln!("max diff {d} max abs {s} dims {:?} {:?}", a.dims(), b.dims());
    Ok(d)
}

/// Times layer `name` of `config` (a StyleGAN3 configuration): `reps` fast runs (median), and
/// one reference run each when `reference`.
pub fn time_layer(config: BenchConfig, name: &str, reps: usize, reference: bool) -> Result<Vec<OpTiming>> {
    let GeneratorConfig::StyleGan3(gc) = config.generator_config()? else {
        return Err(Error::Invalid(format!("{}: per-layer timing is for StyleGAN3 configurations", config.name())));
    };
    let Some(lc) = gc.layers.iter().find(|l| l.name == name) else {
        let names: Vec<&str> = gc.layers.iter().map(|l| l.name.as_str()).collect();
        return Err(Error::Invalid(format!("{} has no layer {name} (layers: {})", config.name(), names.join(", "))));
    };
    let weights = init_weights(&gc, 0, &Device::Cpu)?;
    let layer = SynthesisLayer::new(lc, &weights, &format!("synthesis.{name}"), &Device::Cpu)?;
    let mut rng = InitRng::new(7);
    let [h, w] = lc.in_size;
    let x = Tensor::from_vec(rng.normal_vec(lc.in_channels * h * w), (1, lc.in_channels, h, w), &Device::Cpu)?;
    let wv = Tensor::from_vec(rng.normal_vec(lc.w_dim), (1, lc.w_dim), &Device::Cpu)?;
    let styles = layer.affine.forward(&wv)?;
    let k = lc.conv_kernel;
    let demod = !lc.is_torgb;
    let conv = |fast: bool| {
        let f = if fast { modulated_conv2d_fast } else { modulated_conv2d_ref };
        f(&x, &layer.weight, &styles, k - 1, demod, Some(&layer.input_gain))
    };
    let (y, fast_ms, fast_cpu_ms) = time(reps, || conv(true))?;
    let m = (lc.in_size[0] + k - 1) * (lc.in_size[1] + k - 1);
    let mut conv_t = OpTiming {
        layer: name.into(),
        op: "modulated conv".into(),
        gmac: (lc.out_channels * lc.in_channels * k * k * m) as f64 / 1e9,
        fast_ms,
        fast_cpu_ms,
        ref_ms: None,
        ref_cpu_ms: None,
        max_abs_diff: None,
    };
    if reference {
        let (r, ms, cpu) = time(1, || conv(false))?;
        conv_t.ref_ms = Some(ms);
        conv_t.ref_cpu_ms = cpu;
        conv_t.max_abs_diff = Some(max_diff(&y, &r)?);
    }
    let p = FilteredLrelu {
        up: lc.up_factor,
        down: lc.down_factor,
        padding: lc.padding,
        gain: if lc.is_torgb { 1.0 } else { std::f64::consts::SQRT_2 },
        slope: if lc.is_torgb { 1.0 } else { 0.2 },
        clamp: lc.conv_clamp,
        flip_filter: false,
    };
    // A non-zero bias, so that the bias path is exercised.
    let bias = Tensor::from_vec(rng.normal_vec(lc.out_channels), lc.out_channels, &Device::Cpu)?;
    let (fu, fd) = (layer.up_filter.as_ref(), layer.down_filter.as_ref());
    let (z, fast_ms, fast_cpu_ms) = time(reps, || filtered_lrelu_fast(&y, fu, fd, Some(&bias), &p))?;
    let fir = crate::nn::bench::config::macs(&GeneratorConfig::StyleGan3(crate::nn::config::Sg3Config {
        layers: vec![lc.clone()],
        ..gc.clone()
    }))
    .fir;
    let mut fl = OpTiming {
        layer: name.into(),
        op: "filtered lrelu".into(),
        gmac: fir / 1e9,
        fast_ms,
        fast_cpu_ms,
        ref_ms: None,
        ref_cpu_ms: None,
        max_abs_diff: None,
    };
    if reference {
        let (r, ms, cpu) = time(1, || filtered_lrelu_ref(&y, fu, fd, Some(&bias), &p))?;
        fl.ref_ms = Some(ms);
        fl.ref_cpu_ms = cpu;
        fl.max_abs_diff = Some(max_diff(&z, &r)?);
    }
    Ok(vec![conv_t, fl])
}
