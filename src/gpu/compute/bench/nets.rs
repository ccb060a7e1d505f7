//! Benchmark networks: NVIDIA's default architectures (StyleGAN2 config F, StyleGAN3-T and -R
//! as `train.py` builds them, from [`Sg2Hyper`] and [`Sg3Hyper`]) with their initial weights.
//! Only the shapes matter for timing.

use candle_core::Device;

use crate::Result;
use crate::nn::Weights;
use crate::nn::config::GeneratorConfig;
use crate::nn::stylegan2::builder::Sg2Hyper;
use crate::nn::stylegan2::init::random_weights;
use crate::nn::stylegan3::builder::{Sg3Hyper, init_weights};

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

    /// The architecture at `resolution` (a power of two ≥ 16) and initial weights for it.
    pub fn network(self, resolution: usize, seed: u64) -> Result<(GeneratorConfig, Weights)> {
        self.network_scaled(resolution, seed, 1)
    }

    /// The same with `channel_base` and `channel_max` divided by `divisor` (small networks for
    /// tests on software adapters).
    pub fn network_scaled(self, resolution: usize, seed: u64, divisor: usize) -> Result<(GeneratorConfig, Weights)> {
        let d = divisor.max(1);
        let device = Device::Cpu;
        match self {
            Self::StyleGan2 => {
                let defaults = Sg2Hyper::default();
                let hyper = Sg2Hyper {
                    img_resolution: resolution,
                    channel_base: defaults.channel_base / d,
                    channel_max: (defaults.channel_max / d).max(1),
                    ..defaults
                };
                let config = hyper.config()?;
                let weights = random_weights(&config, seed as u32, &device)?;
                Ok((GeneratorConfig::StyleGan2(config), weights))
            }
            Self::StyleGan3T | Self::StyleGan3R => {
                let base = if self == Self::StyleGan3T { Sg3Hyper::t(resolution) } else { Sg3Hyper::r(resolution) };
                let hyper = Sg3Hyper {
                    channel_base: base.channel_base / d as f64,
                    channel_max: (base.channel_max / d as f64).max(1.0),
                    ..base
                };
                let config = hyper.config()?;
                let weights = init_weights(&config, seed, &device)?;
                Ok((GeneratorConfig::StyleGan3(config), weights))
            }
        }
    }
}
