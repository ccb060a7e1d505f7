//! Benchmark networks: NVIDIA's default architectures (StyleGAN2 config F, StyleGAN3-T and -R
//! as `train.py` builds them) with seeded random weights. Only the shapes matter for timing; the
//! filters are plain windowed low-pass filters, not NVIDIA's designs.

use std::collections::BTreeMap;

use candle_core::{Device, Tensor};

use crate::nn::Weights;
use crate::nn::config::*;
use crate::Result;

/// Which architecture to benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BenchFamily {
    StyleGan2,
    StyleGan3T,
    StyleGan3R,
}

impl BenchFamily {
    pub const ALL: [BenchFamily; 3] = [BenchFamily::StyleGan2, BenchFamily::StyleGan3T, BenchFamily::StyleGan3R];

    pub fn name(self) -> &'static str {
        match self {
            Self::StyleGan2 => "StyleGAN2",
            Self::StyleGan3T => "StyleGAN3-T",
            Self::StyleGan3R => "StyleGAN3-R",
        }
    }

    /// The architecture at `resolution` (a power of two ≥ 16) and random weights for it.
    pub fn network(self, resolution: usize, seed: u64) -> Result<(GeneratorConfig, Weights)> {
        self.network_scaled(resolution, seed, 1)
    }

    /// The same with `channel_base` and `channel_max` divided by `divisor` (small networks for
    /// tests on software adapters).
    pub fn network_scaled(self, resolution: usize, seed: u64, divisor: usize) -> Result<(GeneratorConfig, Weights)> {
        let mut w = RandomWeights { seed, map: BTreeMap::new() };
        let d = divisor.max(1) as f64;
        let config = match self {
            Self::StyleGan2 => sg2(resolution, 32768.0 / d, 512.0 / d, &mut w)?,
            Self::StyleGan3T => sg3(resolution, 32768.0 / d, 512.0 / d, 3, false, &mut w)?,
            Self::StyleGan3R => sg3(resolution, 65536.0 / d, 1024.0 / d, 1, true, &mut w)?,
        };
        Ok((config, Weights::new(w.map)))
    }
}

struct RandomWeights {
    seed: u64,
    map: BTreeMap<String, Tensor>,
}

impl RandomWeights {
    fn randn(&mut self, name: &str, shape: &[usize], std: f32, mean: f32) -> Result<()> {
        self.seed = self.seed.wrapping_add(1);
        let n: usize = shape.iter().product();
        let mut state = self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let data: Vec<f32> = (0..n)
            .map(|_| {
                // sum of 4 uniforms ≈ normal; fast and good enough for timing
                let mut s = 0.0f32;
                for _ in 0..4 {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    s += (state >> 40) as f32 / (1u64 << 24) as f32;
                }
                mean + std * (s - 2.0) * 1.732
            })
            .collect();
        self.map.insert(name.to_string(), Tensor::from_vec(data, shape, &Device::Cpu)?);
        Ok(())
    }

    fn value(&mut self, name: &str, shape: &[usize], data: Vec<f32>) -> Result<()> {
        self.map.insert(name.to_string(), Tensor::from_vec(data, shape, &Device::Cpu)?);
        Ok(())
    }

    fn fc(&mut self, prefix: &str, c: &FcConfig, bias_mean: f32) -> Result<()> {
        self.randn(&format!("{prefix}.weight"), &[c.out_features, c.in_features], 1.0, 0.0)?;
        self.randn(&format!("{prefix}.bias"), &[c.out_features], 0.1, bias_mean)
    }
}

fn mapping(z_dim: usize, w_dim: usize, layers: usize, num_ws: usize, w: &mut RandomWeights) -> Result<MappingConfig> {
    let layers: Vec<FcConfig> = (0..layers)
        .map(|i| FcConfig::new(if i == 0 { z_dim } else { w_dim }, w_dim, Activation::Lrelu, 0.01))
        .collect();
    for (i, l) in layers.iter().enumerate() {
        w.fc(&format!("mapping.fc{i}"), l, 0.0)?;
    }
    w.randn("mapping.w_avg", &[w_dim], 0.5, 0.0)?;
    Ok(MappingConfig { z_dim, c_dim: 0, w_dim, num_ws, embed: None, layers, w_avg_beta: 0.998 })
}

/// A normalised Hann-windowed sinc low-pass of `taps` taps (cutoff at half the Nyquist rate).
fn lowpass(taps: usize) -> Vec<f32> {
    let c = (taps as f64 - 1.0) / 2.0;
    let v: Vec<f64> = (0..taps)
        .map(|i| {
            let x = i as f64 - c;
            let sinc = if x == 0.0 { 1.0 } else { (std::f64::consts::PI * x / 2.0).sin() / (std::f64::consts::PI * x / 2.0) };
            let hann = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * (i as f64 + 0.5) / taps as f64).cos();
            sinc * hann
        })
        .collect();
    let s: f64 = v.iter().sum();
    v.iter().map(|x| (x / s) as f32).collect()
}

/// StyleGAN2 config F (channel_base 32768, channel_max 512), 8 mapping layers, w 512.
fn sg2(res: usize, cbase: f64, cmax: f64, w: &mut RandomWeights) -> Result<GeneratorConfig> {
    let log2 = res.trailing_zeros() as usize;
    let num_ws = 2 * log2 - 2;
    let w_dim = 512;
    let ch = |r: usize| ((cbase / r as f64).min(cmax) as usize).max(1);
    let filter: Vec<f32> = [1.0f32, 3.0, 3.0, 1.0].iter().flat_map(|a| [1.0f32, 3.0, 3.0, 1.0].map(|b| a * b / 64.0)).collect();
    let mut blocks = Vec::new();
    let mut w_index = 0;
    for k in 2..=log2 {
        let r = 1 << k;
        let (cin, cout) = (if r == 4 { 0 } else { ch(r / 2) }, ch(r));
        let prefix = format!("synthesis.b{r}");
        let layer = |cin: usize, up: usize| Sg2LayerConfig {
            in_channels: cin,
            out_channels: cout,
            kernel_size: 3,
            resolution: r,
            up,
            use_noise: true,
            activation: Activation::Lrelu,
            conv_clamp: Some(256.0),
            padding: 1,
            act_gain: std::f64::consts::SQRT_2,
            affine: FcConfig::new(w_dim, cin, Activation::Linear, 1.0),
        };
        let conv0 = (r > 4).then(|| layer(cin, 2));
        let conv1 = layer(cout, 1);
        for (name, l) in [("conv0", conv0.as_ref()), ("conv1", Some(&conv1))] {
            if let Some(l) = l {
                let p = format!("{prefix}.{name}");
                w.fc(&format!("{p}.affine"), &l.affine, 1.0)?;
                w.randn(&format!("{p}.weight"), &[cout, l.in_channels, 3, 3], 1.0, 0.0)?;
                w.randn(&format!("{p}.bias"), &[cout], 0.1, 0.0)?;
                w.randn(&format!("{p}.noise_const"), &[r, r], 1.0, 0.0)?;
                w.value(&format!("{p}.noise_strength"), &[], vec![0.1])?;
                w.value(&format!("{p}.resample_filter"), &[4, 4], filter.clone())?;
            }
        }
        let torgb = Sg2ToRgbConfig {
            in_channels: cout,
            out_channels: 3,
            kernel_size: 1,
            conv_clamp: Some(256.0),
            weight_gain: 1.0 / (cout as f64).sqrt(),
            affine: FcConfig::new(w_dim, cout, Activation::Linear, 1.0),
        };
        w.fc(&format!("{prefix}.torgb.affine"), &torgb.affine, 1.0)?;
        w.randn(&format!("{prefix}.torgb.weight"), &[3, cout, 1, 1], 1.0, 0.0)?;
        w.randn(&format!("{prefix}.torgb.bias"), &[3], 0.1, 0.0)?;
        w.value(&format!("{prefix}.resample_filter"), &[4, 4], filter.clone())?;
        if r == 4 {
            w.randn(&format!("{prefix}.const"), &[cout, 4, 4], 1.0, 0.0)?;
        }
        let num_conv = if r == 4 { 1 } else { 2 };
        blocks.push(Sg2BlockConfig {
            resolution: r,
            in_channels: cin,
            out_channels: cout,
            img_channels: 3,
            is_last: r == res,
            architecture: Sg2Architecture::Skip,
            use_fp16: false,
            w_index,
            conv0,
            conv1,
            torgb: Some(torgb),
            skip: None,
        });
        w_index += num_conv;
    }
    let mapping = mapping(512, w_dim, 8, num_ws, w)?;
    Ok(GeneratorConfig::StyleGan2(Sg2Config {
        z_dim: 512,
        c_dim: 0,
        w_dim,
        img_resolution: res,
        img_channels: 3,
        num_ws,
        mapping,
        blocks,
    }))
}

/// StyleGAN3 with the layer schedule of `SynthesisNetwork.__init__` (14 layers, 2 critical,
/// margin 10, first cutoff 2, first stopband 2^2.1, last stopband 2^0.3 relative).
fn sg3(res: usize, cbase: f64, cmax: f64, kernel: usize, radial: bool, w: &mut RandomWeights) -> Result<GeneratorConfig> {
    let (num_layers, num_critical, margin) = (14usize, 2usize, 10usize);
    let w_dim = 512;
    let half = res as f64 / 2.0;
    let mut cutoffs = Vec::new();
    let mut stopbands = Vec::new();
    let mut rates = Vec::new();
    let mut half_widths = Vec::new();
    let mut sizes = Vec::new();
    let mut channels = Vec::new();
    for i in 0..=num_layers {
        let e = (i as f64 / (num_layers - num_critical) as f64).min(1.0);
        let cutoff = 2.0 * (half / 2.0).powf(e);
        let stop = 2f64.powf(2.1) * (half * 2f64.powf(0.3) / 2f64.powf(2.1)).powf(e);
        let rate = 2f64.powf((2.0 * stop).min(res as f64).log2().ceil());
        half_widths.push(stop.max(rate / 2.0) - cutoff);
        sizes.push(if i >= num_layers - 1 { res } else { rate as usize + 2 * margin });
        channels.push(if i == num_layers { 3 } else { (((cbase / 2.0) / cutoff).min(cmax).round_ties_even() as usize).max(1) });
        cutoffs.push(cutoff);
        stopbands.push(stop);
        rates.push(rate);
    }
    let mut layers = Vec::new();
    for i in 0..=num_layers {
        let prev = i.saturating_sub(1);
        let is_torgb = i == num_layers;
        let critical = i >= num_layers - num_critical;
        let k = if is_torgb { 1 } else { kernel };
        let tmp = rates[prev].max(rates[i]) * if is_torgb { 1.0 } else { 2.0 };
        let up = (tmp / rates[prev]).round() as usize;
        let down = (tmp / rates[i]).round() as usize;
        let up_taps = if up > 1 && !is_torgb { 6 * up } else { 1 };
        let down_taps = if down > 1 && !is_torgb { 6 * down } else { 1 };
        let down_radial = radial && !critical;
        let pad_total = (sizes[i] as i64 - 1) * down as i64 + 1 - (sizes[prev] as i64 + k as i64 - 1) * up as i64
            + up_taps as i64
            + down_taps as i64
            - 2;
        let pad_lo = (pad_total + up as i64).div_euclid(2);
        let pad_hi = pad_total - pad_lo;
        let name = format!("L{i}_{}_{}", sizes[i], channels[i]);
        let (cin, cout) = (channels[prev], channels[i]);
        let affine = FcConfig::new(w_dim, cin, Activation::Linear, 1.0);
        let prefix = format!("synthesis.{name}");
        w.fc(&format!("{prefix}.affine"), &affine, 1.0)?;
        w.randn(&format!("{prefix}.weight"), &[cout, cin, k, k], 1.0, 0.0)?;
        w.randn(&format!("{prefix}.bias"), &[cout], 0.1, 0.0)?;
        w.value(&format!("{prefix}.magnitude_ema"), &[], vec![1.0])?;
        if up_taps > 1 {
            w.value(&format!("{prefix}.up_filter"), &[up_taps], lowpass(up_taps))?;
        }
        if down_taps > 1 {
            let f = lowpass(down_taps);
            if down_radial {
                let f2: Vec<f32> = f.iter().flat_map(|a| f.iter().map(move |b| a * b)).collect();
                w.value(&format!("{prefix}.down_filter"), &[down_taps, down_taps], f2)?;
            } else {
                w.value(&format!("{prefix}.down_filter"), &[down_taps], f)?;
            }
        }
        layers.push(Sg3LayerConfig {
            name,
            w_dim,
            is_torgb,
            is_critically_sampled: critical,
            use_fp16: false,
            in_channels: cin,
            out_channels: cout,
            in_size: [sizes[prev]; 2],
            out_size: [sizes[i]; 2],
            in_sampling_rate: rates[prev],
            out_sampling_rate: rates[i],
            tmp_sampling_rate: tmp,
            in_cutoff: cutoffs[prev],
            out_cutoff: cutoffs[i],
            in_half_width: half_widths[prev],
            out_half_width: half_widths[i],
            conv_kernel: k,
            conv_clamp: Some(256.0),
            up_factor: up,
            up_taps,
            down_factor: down,
            down_taps,
            down_radial,
            padding: [pad_lo, pad_hi, pad_lo, pad_hi],
            magnitude_ema_beta: 0.999,
            affine,
        });
    }
    let c0 = channels[0];
    let input = Sg3InputConfig {
        w_dim,
        channels: c0,
        size: [sizes[0]; 2],
        sampling_rate: rates[0],
        bandwidth: cutoffs[0],
        affine: FcConfig::new(w_dim, 4, Activation::Linear, 1.0),
    };
    w.randn("synthesis.input.affine.weight", &[4, w_dim], 0.1, 0.0)?;
    w.value("synthesis.input.affine.bias", &[4], vec![1.0, 0.0, 0.0, 0.0])?;
    w.randn("synthesis.input.weight", &[c0, c0], 1.0, 0.0)?;
    w.randn("synthesis.input.freqs", &[c0, 2], 1.0, 0.0)?;
    w.randn("synthesis.input.phases", &[c0], 0.3, 0.0)?;
    w.value("synthesis.input.transform", &[3, 3], vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0])?;
    let num_ws = num_layers + 2;
    let mapping = mapping(512, w_dim, 2, num_ws, w)?;
    Ok(GeneratorConfig::StyleGan3(Sg3Config {
        z_dim: 512,
        c_dim: 0,
        w_dim,
        img_resolution: res,
        img_channels: 3,
        num_ws,
        mapping,
        input,
        layers,
        num_critical,
        margin_size: margin,
        output_scale: 0.25,
        num_fp16_res: 0,
    }))
}
