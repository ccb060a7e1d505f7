//! The generator as the rest of the crate sees it: mapping + synthesis of either family.

use candle_core::{Device, Tensor};

use crate::nn::config::GeneratorConfig;
use crate::nn::mapping::MappingNetwork;
use crate::nn::stylegan2::Sg2Synthesis;
use crate::nn::stylegan3::Sg3Synthesis;
use crate::nn::weights::Weights;
use crate::{Error, Result};

/// How StyleGAN2 noise inputs are fed (`noise_mode` of NVIDIA's code). StyleGAN3 has no noise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoiseMode {
    /// The stored `noise_const` buffers.
    #[default]
    Const,
    /// No noise.
    None,
    /// Fresh Gaussian noise from our own RNG seeded with [`SynthesisOptions::noise_seed`]
    /// (PyTorch's RNG cannot be reproduced outside PyTorch).
    Random,
}

impl std::str::FromStr for NoiseMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "const" => Ok(Self::Const),
            "none" => Ok(Self::None),
            "random" => Ok(Self::Random),
            other => Err(Error::Invalid(format!("unknown noise mode `{other}` (const, none or random)"))),
        }
    }
}

/// Which intermediate outputs a synthesis call records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Capture {
    /// Only the image.
    #[default]
    Nothing,
    /// Every intermediate output, named as NVIDIA's visualizer names them
    /// (`b8.conv0`, `b8:0`, `b8:1`, … for StyleGAN2; `input`, `L0_36_512`, …, `output` for StyleGAN3).
    All,
    /// Every output up to and including the named one; the forward stops there.
    Until(String),
}

/// A row-major 3×3 matrix (homogeneous 2-D transform).
pub type Mat3 = [[f64; 3]; 3];

/// Per-call synthesis settings. Nothing here changes the loaded network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SynthesisOptions {
    pub noise_mode: NoiseMode,
    /// Seed of our RNG for [`NoiseMode::Random`].
    pub noise_seed: u64,
    /// StyleGAN3 only: the forward transform of the image content (`make_transform(translate,
    /// angle)`, translation in image units). The generator writes its inverse where NVIDIA's code
    /// writes `synthesis.input.transform` (computed in f64, then rounded to f32 as the buffer is).
    /// `None` keeps the transform stored in the checkpoint.
    pub input_transform: Option<Mat3>,
    pub capture: Capture,
    /// StyleSpace: offsets added to single style channels (see [`crate::nn::style_offsets`]).
    pub style_offsets: Vec<crate::nn::style_offsets::StyleOffset>,
}

/// The result of a synthesis call.
#[derive(Clone, Debug)]
pub struct SynthesisOutput {
    /// `[N, img_channels, R, R]` float32, nominally in [-1, 1]. When the forward stopped early at
    /// a captured layer ([`Capture::Until`]), this is that layer's output.
    pub image: Tensor,
    /// Captured intermediate outputs in forward order, with their visualizer names.
    pub layers: Vec<(String, Tensor)>,
}

/// The synthesis network of either family.
#[derive(Debug)]
pub enum Synthesis {
    StyleGan2(Sg2Synthesis),
    StyleGan3(Sg3Synthesis),
}

/// A generator (`G_ema`): mapping network plus synthesis network.
#[derive(Debug)]
pub struct Generator {
    config: GeneratorConfig,
    pub mapping: MappingNetwork,
    pub synthesis: Synthesis,
}

impl Generator {
    /// Builds the generator from its architecture and tensors (state-dict names, no prefix).
    /// Fails with a clear error on a missing tensor or a wrong shape.
    pub fn new(config: GeneratorConfig, weights: &Weights, device: &Device) -> Result<Self> {
        let mapping = MappingNetwork::new(config.mapping(), weights, "mapping", device)?;
        let synthesis = match &config {
            GeneratorConfig::StyleGan2(c) => Synthesis::StyleGan2(Sg2Synthesis::new(c, weights, device)?),
            GeneratorConfig::StyleGan3(c) => Synthesis::StyleGan3(Sg3Synthesis::new(c, weights, device)?),
        };
        Ok(Self { config, mapping, synthesis })
    }

    pub fn config(&self) -> &GeneratorConfig {
        &self.config
    }

    /// `mapping.w_avg`, shape `[w_dim]`.
    pub fn w_avg(&self) -> &Tensor {
        self.mapping.w_avg()
    }

    /// z `[N, z_dim]` (and one-hot c `[N, c_dim]` for conditional networks) → ws `[N, num_ws, w_dim]`,
    /// truncated toward `w_avg` by `psi` on rows `[0, cutoff)` (all rows when `cutoff` is `None`).
    pub fn mapping(&self, z: &Tensor, c: Option<&Tensor>, psi: f64, cutoff: Option<usize>) -> Result<Tensor> {
        self.mapping.forward(z, c, psi, cutoff)
    }

    /// ws `[N, num_ws, w_dim]` → image.
    pub fn synthesis(&self, ws: &Tensor, opts: &SynthesisOptions) -> Result<SynthesisOutput> {
        match &self.synthesis {
            Synthesis::StyleGan2(s) => s.forward(ws, opts),
            Synthesis::StyleGan3(s) => s.forward(ws, opts),
        }
    }
}
