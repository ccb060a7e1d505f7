//! An [`Sg2Config`] from NVIDIA's constructor arguments (`Generator(z_dim, c_dim, w_dim,
//! img_resolution, img_channels, mapping_kwargs, **synthesis_kwargs)`), computed as NVIDIA's
//! `__init__` methods compute it. Used for random networks (tests, benchmarks, training); a
//! checkpoint's configuration is read from the file instead.

use crate::nn::config::{
    Activation, Conv2dConfig, FcConfig, MappingConfig, Sg2Architecture, Sg2BlockConfig, Sg2Config, Sg2LayerConfig,
    Sg2ToRgbConfig,
};
use crate::{Error, Result};

/// NVIDIA's StyleGAN2 generator hyper-parameters, with the constructors' defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Sg2Hyper {
    pub z_dim: usize,
    pub c_dim: usize,
    pub w_dim: usize,
    pub img_resolution: usize,
    pub img_channels: usize,
    /// `mapping_kwargs.num_layers` (8 by default, 2 for `--cfg=stylegan2` in stylegan2-ada's auto config).
    pub mapping_layers: usize,
    /// Width of the label embedding (`None` = `w_dim`; 0 when `c_dim == 0`).
    pub embed_features: Option<usize>,
    /// Width of the hidden mapping layers (`None` = `w_dim`).
    pub layer_features: Option<usize>,
    pub mapping_lr_multiplier: f64,
    pub w_avg_beta: f64,
    pub channel_base: usize,
    pub channel_max: usize,
    pub num_fp16_res: usize,
    pub conv_clamp: Option<f64>,
    pub architecture: Sg2Architecture,
    pub use_noise: bool,
}

impl Default for Sg2Hyper {
    fn default() -> Self {
        Self {
            z_dim: 512,
            c_dim: 0,
            w_dim: 512,
            img_resolution: 1024,
            img_channels: 3,
            mapping_layers: 8,
            embed_features: None,
            layer_features: None,
            mapping_lr_multiplier: 0.01,
            w_avg_beta: 0.998,
            channel_base: 32768,
            channel_max: 512,
            num_fp16_res: 4,
            conv_clamp: Some(256.0),
            architecture: Sg2Architecture::Skip,
            use_noise: true,
        }
    }
}

impl Sg2Hyper {
    /// `min(channel_base // res, channel_max)`.
    pub fn channels(&self, res: usize) -> usize {
        (self.channel_base / res).min(self.channel_max)
    }

    /// The architecture NVIDIA's constructors build from these arguments.
    pub fn config(&self) -> Result<Sg2Config> {
        let r = self.img_resolution;
        if r < 4 || !r.is_power_of_two() {
            return Err(Error::Invalid(format!("img_resolution must be a power of two ≥ 4, got {r}")));
        }
        if self.img_channels == 0 || self.w_dim == 0 || self.mapping_layers == 0 {
            return Err(Error::Invalid("img_channels, w_dim and mapping layers must be ≥ 1".into()));
        }
        if self.z_dim == 0 && self.c_dim == 0 {
            return Err(Error::Invalid("a generator needs z_dim > 0 or c_dim > 0".into()));
        }
        let log2 = r.trailing_zeros() as i64;
        let resolutions: Vec<usize> = (2..=log2).map(|i| 1usize << i).collect();
        for &res in &resolutions {
            if self.channels(res) == 0 {
                return Err(Error::Invalid(format!(
                    "channel_base {} / {res} gives no channels at resolution {res}",
                    self.channel_base
                )));
            }
        }
        let fp16_resolution = 2f64.powi((log2 + 1 - self.num_fp16_res as i64) as i32).max(8.0);
        let affine = |channels: usize| FcConfig::new(self.w_dim, channels, Activation::Linear, 1.0);
        let layer = |in_ch: usize, out_ch: usize, res: usize, up: usize| Sg2LayerConfig {
            in_channels: in_ch,
            out_channels: out_ch,
            kernel_size: 3,
            resolution: res,
            up,
            use_noise: self.use_noise,
            activation: Activation::Lrelu,
            conv_clamp: self.conv_clamp,
            padding: 1,
            act_gain: Activation::Lrelu.default_gain(),
            affine: affine(in_ch),
        };

        let mut blocks = Vec::with_capacity(resolutions.len());
        let mut num_ws = 0;
        for &res in &resolutions {
            let in_channels = if res > 4 { self.channels(res / 2) } else { 0 };
            let out_channels = self.channels(res);
            let is_last = res == r;
            let has_torgb = is_last || self.architecture == Sg2Architecture::Skip;
            let conv0 = (in_channels > 0).then(|| layer(in_channels, out_channels, res, 2));
            let num_conv = 1 + usize::from(conv0.is_some());
            let torgb = has_torgb.then(|| Sg2ToRgbConfig {
                in_channels: out_channels,
                out_channels: self.img_channels,
                kernel_size: 1,
                conv_clamp: self.conv_clamp,
                weight_gain: 1.0 / (out_channels as f64).sqrt(),
                affine: affine(out_channels),
            });
            let skip = (in_channels > 0 && self.architecture == Sg2Architecture::Resnet).then(|| Conv2dConfig {
                in_channels,
                out_channels,
                kernel_size: 1,
                has_bias: false,
                activation: Activation::Linear,
                up: 2,
                down: 1,
                conv_clamp: None,
                padding: 0,
                weight_gain: 1.0 / (in_channels as f64).sqrt(),
                act_gain: 1.0,
            });
            blocks.push(Sg2BlockConfig {
                resolution: res,
                in_channels,
                out_channels,
                img_channels: self.img_channels,
                is_last,
                architecture: self.architecture,
                use_fp16: res as f64 >= fp16_resolution,
                w_index: num_ws,
                conv0,
                conv1: layer(out_channels, out_channels, res, 1),
                torgb,
                skip,
            });
            num_ws += num_conv;
            if is_last && has_torgb {
                num_ws += 1;
            }
        }

        Ok(Sg2Config {
            z_dim: self.z_dim,
            c_dim: self.c_dim,
            w_dim: self.w_dim,
            img_resolution: r,
            img_channels: self.img_channels,
            num_ws,
            mapping: self.mapping_config(num_ws),
            blocks,
        })
    }

    /// `[z_dim + embed] + [layer_features]·(n−1) + [w_dim]` lrelu layers with the mapping lr.
    fn mapping_config(&self, num_ws: usize) -> MappingConfig {
        let embed_features = if self.c_dim == 0 { 0 } else { self.embed_features.unwrap_or(self.w_dim) };
        let layer_features = self.layer_features.unwrap_or(self.w_dim);
        let mut widths = vec![self.z_dim + embed_features];
        widths.extend(std::iter::repeat_n(layer_features, self.mapping_layers - 1));
        widths.push(self.w_dim);
        let layers = widths
            .windows(2)
            .map(|p| FcConfig::new(p[0], p[1], Activation::Lrelu, self.mapping_lr_multiplier))
            .collect();
        MappingConfig {
            z_dim: self.z_dim,
            c_dim: self.c_dim,
            w_dim: self.w_dim,
            num_ws,
            embed: (self.c_dim > 0).then(|| FcConfig::new(self.c_dim, embed_features, Activation::Linear, 1.0)),
            layers,
            w_avg_beta: self.w_avg_beta,
        }
    }
}
