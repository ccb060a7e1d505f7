//! Building a StyleGAN3 generator from its architecture hyper-parameters, exactly as
//! `Generator.__init__` / `SynthesisNetwork.__init__` / `SynthesisLayer.__init__` compute the layer
//! schedule (reference §2.3.1), plus NVIDIA-style random initial weights.
//!
//! Checkpoints carry their own schedule (read by `checkpoint`); this builder serves tests of other
//! configurations, benchmarks and training from scratch.

use std::collections::BTreeMap;

use candle_core::{Device, Tensor};

use crate::nn::config::{Activation, FcConfig, MappingConfig, Sg3Config, Sg3InputConfig, Sg3LayerConfig};
use crate::nn::filter_design::{LowpassFilter, design_lowpass_filter};
use crate::nn::stylegan3::init_rng::InitRng;
use crate::nn::weights::Weights;
use crate::{Error, Result};

/// The constructor arguments of NVIDIA's StyleGAN3 `Generator` (defaults as in
/// `training/networks_stylegan3.py`; [`Sg3Hyper::t`] and [`Sg3Hyper::r`] give `train.py`'s configs).
#[derive(Clone, Debug, PartialEq)]
pub struct Sg3Hyper {
    pub z_dim: usize,
    pub c_dim: usize,
    pub w_dim: usize,
    pub img_resolution: usize,
    pub img_channels: usize,
    /// Mapping network depth (`mapping_kwargs.num_layers`).
    pub mapping_layers: usize,
    pub w_avg_beta: f64,
    pub channel_base: f64,
    pub channel_max: f64,
    /// Synthesis layers excluding the input (`num_layers`, 14).
    pub num_layers: usize,
    pub num_critical: usize,
    pub first_cutoff: f64,
    pub first_stopband: f64,
    pub last_stopband_rel: f64,
    pub margin_size: usize,
    pub output_scale: f64,
    pub num_fp16_res: usize,
    pub conv_kernel: usize,
    pub filter_size: usize,
    pub lrelu_upsampling: usize,
    pub use_radial_filters: bool,
    pub conv_clamp: Option<f64>,
    pub magnitude_ema_beta: f64,
}

impl Sg3Hyper {
    /// `--cfg=stylegan3-t` at `img_resolution` with 512-wide latents.
    pub fn t(img_resolution: usize) -> Self {
        Self {
            z_dim: 512,
            c_dim: 0,
            w_dim: 512,
            img_resolution,
            img_channels: 3,
            mapping_layers: 2,
            w_avg_beta: 0.998,
            channel_base: 32768.0,
            channel_max: 512.0,
            num_layers: 14,
            num_critical: 2,
            first_cutoff: 2.0,
            first_stopband: 2f64.powf(2.1),
            last_stopband_rel: 2f64.powf(0.3),
            margin_size: 10,
            output_scale: 0.25,
            num_fp16_res: 4,
            conv_kernel: 3,
            filter_size: 6,
            lrelu_upsampling: 2,
            use_radial_filters: false,
            conv_clamp: Some(256.0),
            magnitude_ema_beta: 0.999,
        }
    }

    /// `--cfg=stylegan3-r` (1×1 convolutions, radial filters, doubled channel base and maximum).
    pub fn r(img_resolution: usize) -> Self {
        Self {
            channel_base: 65536.0,
            channel_max: 1024.0,
            conv_kernel: 1,
            use_radial_filters: true,
            ..Self::t(img_resolution)
        }
    }

    fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(Error::Invalid(format!("StyleGAN3 hyper-parameters: {what}")));
        if self.img_resolution < 4 || self.img_channels == 0 || self.z_dim == 0 || self.w_dim == 0 {
            return bad("resolution, channels, z_dim and w_dim must be positive (resolution at least 4)");
        }
        if self.num_layers <= self.num_critical {
            return bad("num_layers must exceed num_critical");
        }
        if self.conv_kernel == 0 || self.filter_size == 0 || self.lrelu_upsampling == 0 {
            return bad("conv_kernel, filter_size and lrelu_upsampling must be positive");
        }
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if !positive(self.channel_base)
            || !positive(self.first_cutoff)
            || self.channel_max.is_nan()
            || self.channel_max < 1.0
        {
            return bad("channel_base, channel_max and first_cutoff must be positive");
        }
        Ok(())
    }

    /// Per-layer quantities of `SynthesisNetwork.__init__`, for `i = 0..=num_layers`:
    /// `(cutoff, stopband, sampling_rate, half_width, size, channels)`.
    fn schedule(&self) -> Vec<(f64, f64, f64, f64, usize, usize)> {
        let l = self.num_layers;
        let res = self.img_resolution as f64;
        let last_cutoff = res / 2.0;
        let last_stopband = last_cutoff * self.last_stopband_rel;
        (0..=l)
            .map(|i| {
                let e = (i as f64 / (l - self.num_critical) as f64).min(1.0);
                let cutoff = self.first_cutoff * (last_cutoff / self.first_cutoff).powf(e);
                let stopband = self.first_stopband * (last_stopband / self.first_stopband).powf(e);
                let rate = (stopband * 2.0).min(res).log2().ceil().exp2();
                let half_width = stopband.max(rate / 2.0) - cutoff;
                let size = if i + 2 > l { self.img_resolution } else { rate as usize + 2 * self.margin_size };
                let channels = if i == l {
                    self.img_channels
                } else {
                    ((self.channel_base / 2.0) / cutoff).min(self.channel_max).round_ties_even() as usize
                };
                (cutoff, stopband, rate, half_width, size, channels)
            })
            .collect()
    }

    /// The architecture NVIDIA's constructor computes.
    pub fn config(&self) -> Result<Sg3Config> {
        self.validate()?;
        let sched = self.schedule();
        let num_ws = self.num_layers + 2;
        let mut layers = Vec::with_capacity(sched.len());
        for (idx, &(out_cutoff, _, out_rate, out_hw, out_size, out_ch)) in sched.iter().enumerate() {
            let (in_cutoff, _, in_rate, in_hw, in_size, in_ch) = sched[idx.saturating_sub(1)];
            let is_torgb = idx == self.num_layers;
            let is_critically_sampled = idx + self.num_critical >= self.num_layers;
            let use_fp16 = out_rate * 2f64.powi(self.num_fp16_res as i32) > self.img_resolution as f64;
            let conv_kernel = if is_torgb { 1 } else { self.conv_kernel };
            let tmp_rate = in_rate.max(out_rate) * if is_torgb { 1.0 } else { self.lrelu_upsampling as f64 };
            let up_factor = (tmp_rate / in_rate).round_ties_even() as usize;
            let down_factor = (tmp_rate / out_rate).round_ties_even() as usize;
            let up_taps = if up_factor > 1 && !is_torgb { self.filter_size * up_factor } else { 1 };
            let down_taps = if down_factor > 1 && !is_torgb { self.filter_size * down_factor } else { 1 };
            let down_radial = self.use_radial_filters && !is_critically_sampled;
            let pad_total = (out_size as i64 - 1) * down_factor as i64 + 1
                - (in_size as i64 + conv_kernel as i64 - 1) * up_factor as i64
                + up_taps as i64
                + down_taps as i64
                - 2;
            let pad_lo = (pad_total + up_factor as i64).div_euclid(2);
            let pad_hi = pad_total - pad_lo;
            layers.push(Sg3LayerConfig {
                name: format!("L{idx}_{out_size}_{out_ch}"),
                w_dim: self.w_dim,
                is_torgb,
                is_critically_sampled,
                use_fp16,
                in_channels: in_ch,
                out_channels: out_ch,
                in_size: [in_size; 2],
                out_size: [out_size; 2],
                in_sampling_rate: in_rate,
                out_sampling_rate: out_rate,
                tmp_sampling_rate: tmp_rate,
                in_cutoff,
                out_cutoff,
                in_half_width: in_hw,
                out_half_width: out_hw,
                conv_kernel,
                conv_clamp: self.conv_clamp,
                up_factor,
                up_taps,
                down_factor,
                down_taps,
                down_radial,
                padding: [pad_lo, pad_hi, pad_lo, pad_hi],
                magnitude_ema_beta: self.magnitude_ema_beta,
                affine: FcConfig::new(self.w_dim, in_ch, Activation::Linear, 1.0),
            });
        }
        let (cutoff0, _, rate0, _, size0, ch0) = sched[0];
        let mapping = MappingConfig {
            z_dim: self.z_dim,
            c_dim: self.c_dim,
            w_dim: self.w_dim,
            num_ws,
            embed: (self.c_dim > 0).then(|| FcConfig::new(self.c_dim, self.w_dim, Activation::Linear, 1.0)),
            layers: (0..self.mapping_layers)
                .map(|i| {
                    let fin =
                        if i == 0 { self.z_dim + if self.c_dim > 0 { self.w_dim } else { 0 } } else { self.w_dim };
                    FcConfig::new(fin, self.w_dim, Activation::Lrelu, 0.01)
                })
                .collect(),
            w_avg_beta: self.w_avg_beta,
        };
        Ok(Sg3Config {
            z_dim: self.z_dim,
            c_dim: self.c_dim,
            w_dim: self.w_dim,
            img_resolution: self.img_resolution,
            img_channels: self.img_channels,
            num_ws,
            mapping,
            input: Sg3InputConfig {
                w_dim: self.w_dim,
                channels: ch0,
                size: [size0; 2],
                sampling_rate: rate0,
                bandwidth: cutoff0,
                affine: FcConfig::new(self.w_dim, 4, Activation::Linear, 1.0),
            },
            layers,
            num_critical: self.num_critical,
            margin_size: self.margin_size,
            output_scale: self.output_scale,
            num_fp16_res: self.num_fp16_res,
        })
    }
}

/// The `up_filter` and `down_filter` buffers a layer holds (`None` for one tap).
pub fn layer_filters(layer: &Sg3LayerConfig) -> Result<(Option<LowpassFilter>, Option<LowpassFilter>)> {
    let up = design_lowpass_filter(
        layer.up_taps,
        layer.in_cutoff,
        layer.in_half_width * 2.0,
        layer.tmp_sampling_rate,
        false,
    )?;
    let down = design_lowpass_filter(
        layer.down_taps,
        layer.out_cutoff,
        layer.out_half_width * 2.0,
        layer.tmp_sampling_rate,
        layer.down_radial,
    )?;
    Ok((up, down))
}

fn tensor(values: Vec<f32>, shape: &[usize], device: &Device) -> Result<Tensor> {
    Ok(Tensor::from_vec(values, shape, device)?)
}

fn init_fc(
    t: &mut BTreeMap<String, Tensor>,
    prefix: &str,
    fc: &FcConfig,
    weight_init: f64,
    bias_init: &[f64],
    rng: &mut InitRng,
    device: &Device,
) -> Result<()> {
    let (o, i) = (fc.out_features, fc.in_features);
    // NVIDIA stores weight·(1/lr) and bias·(1/lr); bias_gain is the learning-rate multiplier.
    let lr_multiplier = fc.bias_gain;
    let w = rng.normal_vec(o * i).into_iter().map(|v| (v as f64 * weight_init / lr_multiplier) as f32).collect();
    t.insert(format!("{prefix}.weight"), tensor(w, &[o, i], device)?);
    let b = (0..o).map(|k| (bias_init[k % bias_init.len()] / lr_multiplier) as f32).collect();
    t.insert(format!("{prefix}.bias"), tensor(b, &[o], device)?);
    Ok(())
}

/// NVIDIA-style initial weights for `config` under state-dict names (no `G_ema.` prefix):
/// Gaussian FC and conv weights, affine biases 1 (input affine `(1,0,0,0)` with zero weight),
/// zero biases, `magnitude_ema = 1`, `w_avg = 0`, identity `transform`, the designed filters, and
/// Fourier features drawn as `SynthesisInput.__init__` draws them.
pub fn init_weights(config: &Sg3Config, seed: u64, device: &Device) -> Result<Weights> {
    let mut rng = InitRng::new(seed);
    let mut t = BTreeMap::new();
    let m = &config.mapping;
    if let Some(embed) = &m.embed {
        init_fc(&mut t, "mapping.embed", embed, 1.0, &[0.0], &mut rng, device)?;
    }
    for (i, fc) in m.layers.iter().enumerate() {
        init_fc(&mut t, &format!("mapping.fc{i}"), fc, 1.0, &[0.0], &mut rng, device)?;
    }
    t.insert("mapping.w_avg".into(), Tensor::zeros(m.w_dim, candle_core::DType::F32, device)?);

    let inp = &config.input;
    let c = inp.channels;
    t.insert("synthesis.input.weight".into(), tensor(rng.normal_vec(c * c), &[c, c], device)?);
    init_fc(&mut t, "synthesis.input.affine", &inp.affine, 0.0, &[1.0, 0.0, 0.0, 0.0], &mut rng, device)?;
    let eye = vec![1f32, 0., 0., 0., 1., 0., 0., 0., 1.];
    t.insert("synthesis.input.transform".into(), tensor(eye, &[3, 3], device)?);
    // freqs ~ N(0, I₂), pushed towards the disc: f / (|f| · exp(|f|²)^¼) · bandwidth.
    let mut freqs = Vec::with_capacity(2 * c);
    for _ in 0..c {
        let (fx, fy) = (rng.normal() as f32, rng.normal() as f32);
        let r = (fx * fx + fy * fy).sqrt();
        let d = r * (r * r).exp().powf(0.25);
        freqs.push(fx / d * inp.bandwidth as f32);
        freqs.push(fy / d * inp.bandwidth as f32);
    }
    t.insert("synthesis.input.freqs".into(), tensor(freqs, &[c, 2], device)?);
    let phases = (0..c).map(|_| rng.uniform() as f32 - 0.5).collect();
    t.insert("synthesis.input.phases".into(), tensor(phases, &[c], device)?);

    for l in &config.layers {
        let p = format!("synthesis.{}", l.name);
        init_fc(&mut t, &format!("{p}.affine"), &l.affine, 1.0, &[1.0], &mut rng, device)?;
        let k = l.conv_kernel;
        let n = l.out_channels * l.in_channels * k * k;
        t.insert(format!("{p}.weight"), tensor(rng.normal_vec(n), &[l.out_channels, l.in_channels, k, k], device)?);
        t.insert(format!("{p}.bias"), Tensor::zeros(l.out_channels, candle_core::DType::F32, device)?);
        t.insert(format!("{p}.magnitude_ema"), Tensor::ones((), candle_core::DType::F32, device)?);
        let (up, down) = layer_filters(l)?;
        for (name, f) in [("up_filter", up), ("down_filter", down)] {
            if let Some(f) = f {
                t.insert(format!("{p}.{name}"), tensor(f.to_f32(), &f.shape(), device)?);
            }
        }
    }
    Ok(Weights::new(t))
}
