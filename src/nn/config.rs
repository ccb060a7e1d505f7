//! Architecture descriptions of the networks, mirroring what NVIDIA's modules execute with.
//!
//! These are read from a checkpoint's module attributes (never assumed: resolutions, channel
//! counts, filter sizes, paddings and clamps all vary between networks) and stored in the
//! metadata of our safetensors files. Tensors live separately, in [`crate::nn::Weights`],
//! under their PyTorch state-dict names.

use serde::{Deserialize, Serialize};

/// Nonlinearity of `bias_act` (`torch_utils/ops/bias_act.py`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Linear,
    Relu,
    Lrelu,
    Tanh,
    Sigmoid,
    Elu,
    Selu,
    Softplus,
    Swish,
}

impl Activation {
    /// Parses NVIDIA's activation name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "linear" => Self::Linear,
            "relu" => Self::Relu,
            "lrelu" => Self::Lrelu,
            "tanh" => Self::Tanh,
            "sigmoid" => Self::Sigmoid,
            "elu" => Self::Elu,
            "selu" => Self::Selu,
            "softplus" => Self::Softplus,
            "swish" => Self::Swish,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Linear => "linear",
            Self::Relu => "relu",
            Self::Lrelu => "lrelu",
            Self::Tanh => "tanh",
            Self::Sigmoid => "sigmoid",
            Self::Elu => "elu",
            Self::Selu => "selu",
            Self::Softplus => "softplus",
            Self::Swish => "swish",
        }
    }

    /// The default gain `bias_act` applies after the nonlinearity.
    pub fn default_gain(self) -> f64 {
        match self {
            Self::Relu | Self::Lrelu | Self::Swish => std::f64::consts::SQRT_2,
            _ => 1.0,
        }
    }

    /// The default negative slope (`alpha`) of the nonlinearity (only `lrelu` and `elu`/`selu` use one).
    pub fn default_alpha(self) -> f64 {
        match self {
            Self::Lrelu => 0.2,
            Self::Elu => 1.0,
            Self::Selu => 1.673_263_242_354_377_2,
            _ => 0.0,
        }
    }
}

/// `FullyConnectedLayer`: `y = act(x · (weight·weight_gain)ᵀ + bias·bias_gain)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FcConfig {
    pub in_features: usize,
    pub out_features: usize,
    pub activation: Activation,
    pub weight_gain: f64,
    pub bias_gain: f64,
    pub has_bias: bool,
}

impl FcConfig {
    /// A layer as NVIDIA constructs it: `weight_gain = lr_multiplier / sqrt(in)`, `bias_gain = lr_multiplier`.
    pub fn new(in_features: usize, out_features: usize, activation: Activation, lr_multiplier: f64) -> Self {
        Self {
            in_features,
            out_features,
            activation,
            weight_gain: lr_multiplier / (in_features as f64).sqrt(),
            bias_gain: lr_multiplier,
            has_bias: true,
        }
    }
}

/// `MappingNetwork` (both families): z (+ embedded c) → w, broadcast to `num_ws` rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MappingConfig {
    pub z_dim: usize,
    pub c_dim: usize,
    pub w_dim: usize,
    pub num_ws: usize,
    /// `embed` (c_dim → embed width), present only for conditional networks.
    pub embed: Option<FcConfig>,
    /// `fc0 .. fc{n-1}`.
    pub layers: Vec<FcConfig>,
    /// EMA decay of `w_avg` during training.
    pub w_avg_beta: f64,
}

/// The two generator families.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "lowercase")]
pub enum GeneratorConfig {
    #[serde(rename = "stylegan2")]
    StyleGan2(Sg2Config),
    #[serde(rename = "stylegan3")]
    StyleGan3(Sg3Config),
}

impl GeneratorConfig {
    pub fn mapping(&self) -> &MappingConfig {
        match self {
            Self::StyleGan2(c) => &c.mapping,
            Self::StyleGan3(c) => &c.mapping,
        }
    }
    pub fn z_dim(&self) -> usize {
        self.mapping().z_dim
    }
    pub fn c_dim(&self) -> usize {
        self.mapping().c_dim
    }
    pub fn w_dim(&self) -> usize {
        self.mapping().w_dim
    }
    pub fn num_ws(&self) -> usize {
        self.mapping().num_ws
    }
    pub fn img_resolution(&self) -> usize {
        match self {
            Self::StyleGan2(c) => c.img_resolution,
            Self::StyleGan3(c) => c.img_resolution,
        }
    }
    pub fn img_channels(&self) -> usize {
        match self {
            Self::StyleGan2(c) => c.img_channels,
            Self::StyleGan3(c) => c.img_channels,
        }
    }
    /// A short human name: `StyleGAN2`, `StyleGAN3-T` or `StyleGAN3-R`.
    pub fn family_name(&self) -> &'static str {
        match self {
            Self::StyleGan2(_) => "StyleGAN2",
            Self::StyleGan3(c) if c.is_rotation_equivariant() => "StyleGAN3-R",
            Self::StyleGan3(_) => "StyleGAN3-T",
        }
    }
    /// Whether the synthesis network takes a user input transform (StyleGAN3 only).
    pub fn has_input_transform(&self) -> bool {
        matches!(self, Self::StyleGan3(_))
    }
    /// Whether the synthesis network has noise inputs (StyleGAN2 only).
    pub fn has_noise(&self) -> bool {
        match self {
            Self::StyleGan2(c) => {
                c.blocks.iter().any(|b| b.conv0.as_ref().is_some_and(|l| l.use_noise) || b.conv1.use_noise)
            }
            Self::StyleGan3(_) => false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// StyleGAN2 (`training/networks_stylegan2.py`, stylegan2-ada-pytorch `training/networks.py`)

/// Block architecture of the StyleGAN2 synthesis network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sg2Architecture {
    Orig,
    Skip,
    Resnet,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sg2Config {
    pub z_dim: usize,
    pub c_dim: usize,
    pub w_dim: usize,
    pub img_resolution: usize,
    pub img_channels: usize,
    pub num_ws: usize,
    pub mapping: MappingConfig,
    /// `synthesis.b4`, `synthesis.b8`, ... in forward order.
    pub blocks: Vec<Sg2BlockConfig>,
}

/// `SynthesisBlock` `b{resolution}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sg2BlockConfig {
    pub resolution: usize,
    /// 0 for `b4` (which starts from `const`).
    pub in_channels: usize,
    pub out_channels: usize,
    pub img_channels: usize,
    pub is_last: bool,
    pub architecture: Sg2Architecture,
    pub use_fp16: bool,
    /// Index of the first `ws` row this block consumes.
    pub w_index: usize,
    /// Absent in `b4`.
    pub conv0: Option<Sg2LayerConfig>,
    pub conv1: Sg2LayerConfig,
    /// Absent in non-last blocks of the `orig` architecture.
    pub torgb: Option<Sg2ToRgbConfig>,
    /// The 1×1 up-sampling skip of the `resnet` architecture.
    pub skip: Option<Conv2dConfig>,
}

/// StyleGAN2 `SynthesisLayer` (modulated 3×3 convolution, noise, bias, activation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sg2LayerConfig {
    pub in_channels: usize,
    pub out_channels: usize,
    pub kernel_size: usize,
    pub resolution: usize,
    pub up: usize,
    pub use_noise: bool,
    pub activation: Activation,
    pub conv_clamp: Option<f64>,
    pub padding: usize,
    pub act_gain: f64,
    pub affine: FcConfig,
}

/// StyleGAN2 `ToRGBLayer` (modulated 1×1 convolution without demodulation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sg2ToRgbConfig {
    pub in_channels: usize,
    pub out_channels: usize,
    pub kernel_size: usize,
    pub conv_clamp: Option<f64>,
    pub weight_gain: f64,
    pub affine: FcConfig,
}

/// `Conv2dLayer` (StyleGAN2 resnet skips and the discriminator).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conv2dConfig {
    pub in_channels: usize,
    pub out_channels: usize,
    pub kernel_size: usize,
    pub has_bias: bool,
    pub activation: Activation,
    pub up: usize,
    pub down: usize,
    pub conv_clamp: Option<f64>,
    pub padding: usize,
    pub weight_gain: f64,
    pub act_gain: f64,
}

// ---------------------------------------------------------------------------------------------
// StyleGAN3 (`training/networks_stylegan3.py`)

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sg3Config {
    pub z_dim: usize,
    pub c_dim: usize,
    pub w_dim: usize,
    pub img_resolution: usize,
    pub img_channels: usize,
    pub num_ws: usize,
    pub mapping: MappingConfig,
    pub input: Sg3InputConfig,
    /// `L0_…` to `L{n}_…` (the last is ToRGB), in forward order.
    pub layers: Vec<Sg3LayerConfig>,
    pub num_critical: usize,
    pub margin_size: usize,
    pub output_scale: f64,
    pub num_fp16_res: usize,
}

impl Sg3Config {
    /// StyleGAN3-R uses 1×1 convolutions and radial down filters.
    pub fn is_rotation_equivariant(&self) -> bool {
        self.layers.iter().any(|l| l.down_radial) || self.layers.iter().all(|l| l.conv_kernel == 1)
    }
}

/// `SynthesisInput`: Fourier features with a learned and a user transform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sg3InputConfig {
    pub w_dim: usize,
    pub channels: usize,
    pub size: [usize; 2],
    pub sampling_rate: f64,
    pub bandwidth: f64,
    pub affine: FcConfig,
}

/// StyleGAN3 `SynthesisLayer` `L{i}_{size}_{channels}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sg3LayerConfig {
    pub name: String,
    pub w_dim: usize,
    pub is_torgb: bool,
    pub is_critically_sampled: bool,
    pub use_fp16: bool,
    pub in_channels: usize,
    pub out_channels: usize,
    pub in_size: [usize; 2],
    pub out_size: [usize; 2],
    pub in_sampling_rate: f64,
    pub out_sampling_rate: f64,
    pub tmp_sampling_rate: f64,
    pub in_cutoff: f64,
    pub out_cutoff: f64,
    pub in_half_width: f64,
    pub out_half_width: f64,
    pub conv_kernel: usize,
    pub conv_clamp: Option<f64>,
    pub up_factor: usize,
    pub up_taps: usize,
    pub down_factor: usize,
    pub down_taps: usize,
    pub down_radial: bool,
    /// `[x0, x1, y0, y1]`; may be negative (crop).
    pub padding: [i64; 4],
    pub magnitude_ema_beta: f64,
    pub affine: FcConfig,
}

// ---------------------------------------------------------------------------------------------
// Discriminator (`training/networks_stylegan2.py: Discriminator`, also used for StyleGAN3 runs).

/// Architecture of the StyleGAN2 residual discriminator, as read from a checkpoint's `D` or built
/// from NVIDIA's constructor arguments ([`crate::nn::discriminator::DiscriminatorHyper`]).
///
/// Forward: blocks `b{R}`, …, `b8` (each halves the resolution), the label mapping network
/// (conditional only), then the epilogue `b4` (minibatch standard deviation, 3×3 conv, two fully
/// connected layers, projection onto the mapped label).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiscriminatorConfig {
    pub c_dim: usize,
    pub img_resolution: usize,
    pub img_channels: usize,
    pub architecture: Sg2Architecture,
    /// `b{R}`, …, `b8` in forward order.
    pub blocks: Vec<DiscriminatorBlockConfig>,
    /// `mapping`: the label embedding network (conditional discriminators only).
    pub mapping: Option<DiscriminatorMappingConfig>,
    /// `b4`.
    pub epilogue: DiscriminatorEpilogueConfig,
    /// Freeze-D: the first `freeze_layers` conv layers (in block order: `fromrgb`, `conv0`,
    /// `conv1`, `skip`) keep their weights as buffers and are not trained.
    #[serde(default)]
    pub freeze_layers: usize,
}

/// `DiscriminatorBlock` `b{res}`: `[N, tmp, res, res]` → `[N, out, res/2, res/2]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiscriminatorBlockConfig {
    pub resolution: usize,
    /// 0 for the first block (which starts from the image).
    pub in_channels: usize,
    pub tmp_channels: usize,
    pub out_channels: usize,
    pub img_channels: usize,
    pub architecture: Sg2Architecture,
    pub use_fp16: bool,
    /// 1×1 from the image (first block, or every block of the `skip` architecture).
    pub fromrgb: Option<Conv2dConfig>,
    /// 3×3.
    pub conv0: Conv2dConfig,
    /// 3×3, down-sampling ×2.
    pub conv1: Conv2dConfig,
    /// 1×1 down-sampling skip of the `resnet` architecture (no bias, gain √0.5).
    pub skip: Option<Conv2dConfig>,
}

/// The discriminator's label mapping (`MappingNetwork(z_dim=0, c_dim, w_dim=cmap_dim,
/// num_ws=None, w_avg_beta=None)`): `normalize_2nd_moment(embed(c))` through `fc0 …`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiscriminatorMappingConfig {
    pub c_dim: usize,
    pub cmap_dim: usize,
    pub embed: FcConfig,
    pub layers: Vec<FcConfig>,
}

/// `DiscriminatorEpilogue` `b4`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiscriminatorEpilogueConfig {
    pub in_channels: usize,
    /// Width of the mapped label (0: unconditional, one logit).
    pub cmap_dim: usize,
    pub resolution: usize,
    pub img_channels: usize,
    pub architecture: Sg2Architecture,
    /// `None`: the whole minibatch is one group.
    pub mbstd_group_size: Option<usize>,
    /// 0 disables the minibatch standard deviation layer.
    pub mbstd_num_channels: usize,
    /// `skip` architecture only.
    pub fromrgb: Option<Conv2dConfig>,
    pub conv: Conv2dConfig,
    pub fc: FcConfig,
    pub out: FcConfig,
}
