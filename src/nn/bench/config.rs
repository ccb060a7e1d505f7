//! The benchmark networks: NVIDIA's official full-size configurations, built in code with
//! NVIDIA-style random weights (no downloads), and what each costs in multiply-accumulates.

use candle_core::Device;

use crate::nn::config::{GeneratorConfig, Sg2Config, Sg3Config};
use crate::nn::stylegan2::builder::Sg2Hyper;
use crate::nn::stylegan3::builder::{Sg3Hyper, init_weights};
use crate::nn::weights::Weights;
use crate::{Error, Result};

/// One benchmark network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchConfig {
    /// StyleGAN2, channel_base 16384, 256² (NVIDIA's `--cfg=stylegan2 --cbase=16384`).
    Sg2_256_16k,
    /// StyleGAN2 config F at 256².
    Sg2_256,
    /// StyleGAN2 config F at 1024².
    Sg2_1024,
    /// StyleGAN3-T at 256².
    Sg3t256,
    /// StyleGAN3-R at 256².
    Sg3r256,
    /// StyleGAN3-T at 1024².
    Sg3t1024,
}

/// Multiply-accumulates of one image (batch 1).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Macs {
    /// Modulated convolutions (StyleGAN2's up-sampling transposed convolutions counted at the
    /// input rate, k² taps per input sample, as reference-stylegan.md §5.2 counts them).
    pub conv: f64,
    /// FIR filtering done the ideal way (polyphase up-sampling, separable or 2-D down-sampling
    /// computing only the kept samples).
    pub fir: f64,
}

impl Macs {
    pub fn total(&self) -> f64 {
        self.conv + self.fir
    }
}

impl BenchConfig {
    pub const ALL: [BenchConfig; 6] =
        [Self::Sg2_256_16k, Self::Sg2_256, Self::Sg2_1024, Self::Sg3t256, Self::Sg3r256, Self::Sg3t1024];

    /// The name `stylescope bench --config` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sg2_256_16k => "sg2-256-16k",
            Self::Sg2_256 => "sg2-256",
            Self::Sg2_1024 => "sg2-1024",
            Self::Sg3t256 => "sg3t-256",
            Self::Sg3r256 => "sg3r-256",
            Self::Sg3t1024 => "sg3t-1024",
        }
    }

    /// Looks a configuration up by [`name`](Self::name).
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|c| c.name()).collect();
            Error::Invalid(format!("unknown bench configuration `{name}` (known: {})", names.join(", ")))
        })
    }

    /// Seconds per image of NVIDIA's PyTorch CPU reference path on the project machine (2 threads,
    /// float32, batch 1, quiet machine; reference-stylegan.md §5.4), where measured.
    pub fn pytorch_seconds(self) -> Option<f64> {
        match self {
            Self::Sg2_256_16k => Some(0.22),
            Self::Sg2_1024 => Some(2.2),
            Self::Sg3t256 => Some(11.9),
            Self::Sg3r256 => Some(21.4),
            Self::Sg3t1024 => Some(45.5),
            Self::Sg2_256 => None,
        }
    }

    /// The architecture NVIDIA's constructors build for this configuration.
    pub fn generator_config(self) -> Result<GeneratorConfig> {
        Ok(match self {
            Self::Sg2_256_16k => GeneratorConfig::StyleGan2(
                Sg2Hyper { img_resolution: 256, channel_base: 16384, ..Sg2Hyper::default() }.config()?,
            ),
            Self::Sg2_256 => {
                GeneratorConfig::StyleGan2(Sg2Hyper { img_resolution: 256, ..Sg2Hyper::default() }.config()?)
            }
            Self::Sg2_1024 => GeneratorConfig::StyleGan2(Sg2Hyper::default().config()?),
            Self::Sg3t256 => GeneratorConfig::StyleGan3(Sg3Hyper::t(256).config()?),
            Self::Sg3r256 => GeneratorConfig::StyleGan3(Sg3Hyper::r(256).config()?),
            Self::Sg3t1024 => GeneratorConfig::StyleGan3(Sg3Hyper::t(1024).config()?),
        })
    }

    /// NVIDIA-style initial weights for [`generator_config`](Self::generator_config).
    pub fn weights(self, config: &GeneratorConfig, seed: u64, device: &Device) -> Result<Weights> {
        match config {
            GeneratorConfig::StyleGan2(c) => {
                crate::nn::stylegan2::init::random_weights(c, (seed & u64::from(u32::MAX)) as u32, device)
            }
            GeneratorConfig::StyleGan3(c) => init_weights(c, seed, device),
        }
    }
}

/// Multiply-accumulates per image of a generator's synthesis network (the mapping network is
/// negligible and not counted).
pub fn macs(config: &GeneratorConfig) -> Macs {
    match config {
        GeneratorConfig::StyleGan2(c) => sg2_macs(c),
        GeneratorConfig::StyleGan3(c) => sg3_macs(c),
    }
}

fn sg2_macs(c: &Sg2Config) -> Macs {
    let mut m = Macs::default();
    for b in &c.blocks {
        let px = (b.resolution * b.resolution) as f64;
        for l in b.conv0.iter().chain(Some(&b.conv1)) {
            let up2 = (l.up * l.up).max(1) as f64;
            m.conv += (l.out_channels * l.in_channels * l.kernel_size * l.kernel_size) as f64 * px / up2;
        }
        if let Some(t) = &b.torgb {
            m.conv += (t.out_channels * t.in_channels * t.kernel_size * t.kernel_size) as f64 * px;
        }
    }
    m
}

fn sg3_macs(c: &Sg3Config) -> Macs {
    let mut m = Macs::default();
    for l in &c.layers {
        let k = l.conv_kernel;
        let (co, ci) = (l.out_channels as f64, l.in_channels as f64);
        let conv_h = l.in_size[1] + k - 1;
        let conv_w = l.in_size[0] + k - 1;
        m.conv += co * ci * (k * k * conv_h * conv_w) as f64;
        // Up-sampled (tmp) size and output size of the filtered leaky ReLU.
        let tmp =
            |n: usize, p0: i64, p1: i64| ((n * l.up_factor) as i64 + p0 + p1 - l.up_taps as i64 + 1).max(0) as f64;
        let tw = tmp(conv_w, l.padding[0], l.padding[1]);
        let th = tmp(conv_h, l.padding[2], l.padding[3]);
        let (ow, oh) = (l.out_size[0] as f64, l.out_size[1] as f64);
        let up_per_phase = (l.up_taps / l.up_factor.max(1)).max(1) as f64;
        let mut fir = 0.0;
        if l.up_taps > 1 {
            fir += conv_h as f64 * tw * up_per_phase + th * tw * up_per_phase;
        }
        if l.down_taps > 1 {
            let d = l.down_taps as f64;
            fir += if l.down_radial { oh * ow * d * d } else { th * ow * d + oh * ow * d };
        }
        m.fir += co * fir;
    }
    m
}
