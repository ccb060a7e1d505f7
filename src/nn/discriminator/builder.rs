//! A [`DiscriminatorConfig`] from NVIDIA's constructor arguments (`Discriminator(c_dim,
//! img_resolution, img_channels, architecture, channel_base, channel_max, num_fp16_res,
//! conv_clamp, cmap_dim, block_kwargs, mapping_kwargs, epilogue_kwargs)`), computed as the
//! `__init__` methods compute it. A checkpoint's configuration is read from the file instead.

use crate::nn::config::{
    Activation, Conv2dConfig, DiscriminatorBlockConfig, DiscriminatorConfig, DiscriminatorEpilogueConfig,
    DiscriminatorMappingConfig, FcConfig, Sg2Architecture,
};
use crate::{Error, Result};

/// NVIDIA's discriminator hyper-parameters, with the constructors' defaults (`train.py` passes
/// `channel_base`/`channel_max` from `--cbase`/`--cmax` and `mbstd_group_size` from `--mbstd-group`).
#[derive(Clone, Debug, PartialEq)]
pub struct DiscriminatorHyper {
    pub c_dim: usize,
    pub img_resolution: usize,
    pub img_channels: usize,
    pub architecture: Sg2Architecture,
    pub channel_base: usize,
    pub channel_max: usize,
    pub num_fp16_res: usize,
    pub conv_clamp: Option<f64>,
    /// `None` = the channel count at 4².
    pub cmap_dim: Option<usize>,
    pub mbstd_group_size: Option<usize>,
    pub mbstd_num_channels: usize,
    /// Layers of the label mapping network (`mapping_kwargs.num_layers`).
    pub mapping_layers: usize,
    /// Freeze-D (`--freezed`).
    pub freeze_layers: usize,
}

impl Default for DiscriminatorHyper {
    fn default() -> Self {
        Self {
            c_dim: 0,
            img_resolution: 1024,
            img_channels: 3,
            architecture: Sg2Architecture::Resnet,
            channel_base: 32768,
            channel_max: 512,
            num_fp16_res: 4,
            conv_clamp: Some(256.0),
            cmap_dim: None,
            mbstd_group_size: Some(4),
            mbstd_num_channels: 1,
            mapping_layers: 8,
            freeze_layers: 0,
        }
    }
}

/// `Conv2dLayer(in, out, kernel_size, bias, activation, down, conv_clamp)` as constructed.
fn conv(
    in_ch: usize,
    out_ch: usize,
    k: usize,
    bias: bool,
    act: Activation,
    down: usize,
    clamp: Option<f64>,
) -> Conv2dConfig {
    Conv2dConfig {
        in_channels: in_ch,
        out_channels: out_ch,
        kernel_size: k,
        has_bias: bias,
        activation: act,
        up: 1,
        down,
        conv_clamp: clamp,
        padding: k / 2,
        weight_gain: 1.0 / ((in_ch * k * k) as f64).sqrt(),
        act_gain: act.default_gain(),
    }
}

impl DiscriminatorHyper {
    /// `min(channel_base // res, channel_max)`.
    pub fn channels(&self, res: usize) -> usize {
        (self.channel_base / res).min(self.channel_max)
    }

    pub fn config(&self) -> Result<DiscriminatorConfig> {
        let r = self.img_resolution;
        if r < 8 || !r.is_power_of_two() {
            return Err(Error::Invalid(format!("the discriminator needs a power-of-two resolution ≥ 8, got {r}")));
        }
        if self.img_channels == 0 {
            return Err(Error::Invalid("the discriminator needs at least one image channel".into()));
        }
        let log2 = r.trailing_zeros() as i64;
        let resolutions: Vec<usize> = (3..=log2).rev().map(|i| 1usize << i).collect();
        if let Some(res) = resolutions.iter().chain(&[4]).find(|&&res| self.channels(res) == 0) {
            return Err(Error::Invalid(format!(
                "channel_base {} / {res} gives no channels at {res}²",
                self.channel_base
            )));
        }
        let fp16_resolution = 2f64.powi((log2 + 1 - self.num_fp16_res as i64) as i32).max(8.0);
        let cmap_dim = if self.c_dim == 0 { 0 } else { self.cmap_dim.unwrap_or(self.channels(4)) };
        let (arch, clamp, lrelu) = (self.architecture, self.conv_clamp, Activation::Lrelu);
        let blocks = resolutions
            .iter()
            .map(|&res| {
                let in_channels = if res < r { self.channels(res) } else { 0 };
                let tmp = self.channels(res);
                let out = self.channels(res / 2);
                let has_rgb = in_channels == 0 || arch == Sg2Architecture::Skip;
                DiscriminatorBlockConfig {
                    resolution: res,
                    in_channels,
                    tmp_channels: tmp,
                    out_channels: out,
                    img_channels: self.img_channels,
                    architecture: arch,
                    use_fp16: res as f64 >= fp16_resolution,
                    fromrgb: has_rgb.then(|| conv(self.img_channels, tmp, 1, true, lrelu, 1, clamp)),
                    conv0: conv(tmp, tmp, 3, true, lrelu, 1, clamp),
                    conv1: conv(tmp, out, 3, true, lrelu, 2, clamp),
                    skip: (arch == Sg2Architecture::Resnet)
                        .then(|| conv(tmp, out, 1, false, Activation::Linear, 2, None)),
                }
            })
            .collect();
        let c4 = self.channels(4);
        let mapping = (self.c_dim > 0).then(|| {
            let mut widths = vec![cmap_dim];
            widths.extend(std::iter::repeat_n(cmap_dim, self.mapping_layers.max(1)));
            DiscriminatorMappingConfig {
                c_dim: self.c_dim,
                cmap_dim,
                embed: FcConfig::new(self.c_dim, cmap_dim, Activation::Linear, 1.0),
                layers: widths.windows(2).map(|p| FcConfig::new(p[0], p[1], lrelu, 0.01)).collect(),
            }
        });
        let epilogue = DiscriminatorEpilogueConfig {
            in_channels: c4,
            cmap_dim,
            resolution: 4,
            img_channels: self.img_channels,
            architecture: arch,
            mbstd_group_size: self.mbstd_group_size,
            mbstd_num_channels: self.mbstd_num_channels,
            fromrgb: (arch == Sg2Architecture::Skip).then(|| conv(self.img_channels, c4, 1, true, lrelu, 1, None)),
            conv: conv(c4 + self.mbstd_num_channels, c4, 3, true, lrelu, 1, clamp),
            fc: FcConfig::new(c4 * 16, c4, lrelu, 1.0),
            out: FcConfig::new(c4, if cmap_dim == 0 { 1 } else { cmap_dim }, Activation::Linear, 1.0),
        };
        Ok(DiscriminatorConfig {
            c_dim: self.c_dim,
            img_resolution: r,
            img_channels: self.img_channels,
            architecture: arch,
            blocks,
            mapping,
            epilogue,
            freeze_layers: self.freeze_layers,
        })
    }
}

impl DiscriminatorConfig {
    /// The state-dict prefixes of the conv layers in NVIDIA's layer order (the order `freeze_layers` counts).
    pub fn layer_prefixes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for b in &self.blocks {
            let n = format!("b{}", b.resolution);
            if b.fromrgb.is_some() {
                out.push(format!("{n}.fromrgb"));
            }
            out.push(format!("{n}.conv0"));
            out.push(format!("{n}.conv1"));
            if b.skip.is_some() {
                out.push(format!("{n}.skip"));
            }
        }
        out
    }

    /// Whether tensor `name` is a trainable parameter (not a filter buffer, not in a frozen layer).
    pub fn is_trainable(&self, name: &str) -> bool {
        if name.ends_with("resample_filter") {
            return false;
        }
        let frozen =
            self.layer_prefixes().into_iter().take(self.freeze_layers).any(|p| name.starts_with(&format!("{p}.")));
        !frozen
    }
}
