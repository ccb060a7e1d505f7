//! NVIDIA's random initialisation of a StyleGAN2 generator, as [`Weights`] under state-dict names.
//!
//! As the constructors do: weights `randn` (divided by the layer's lr multiplier for fully
//! connected layers), biases 0, affine biases 1, `const` and `noise_const` `randn`,
//! `noise_strength` 0, `w_avg` 0, every `resample_filter` the `[1,3,3,1]` filter from
//! `setup_filter`. The normal values come from a NumPy-compatible generator (PyTorch's
//! `torch.randn` stream cannot be reproduced), drawn in construction order.

use std::collections::BTreeMap;

use candle_core::{Device, Tensor};

use crate::Result;
use crate::nn::config::{FcConfig, MappingConfig, Sg2Config, Sg2LayerConfig, Sg2ToRgbConfig};
use crate::nn::ops::upfirdn2d::setup_filter_taps;
use crate::nn::random_state::RandomState;
use crate::nn::weights::Weights;

/// StyleGAN2's resampling taps.
pub const RESAMPLE_TAPS: [f32; 4] = [1.0, 3.0, 3.0, 1.0];

struct Init<'a> {
    rng: RandomState,
    device: &'a Device,
    map: BTreeMap<String, Tensor>,
    filter: Tensor,
}

impl Init<'_> {
    fn randn(&mut self, name: String, shape: &[usize], scale: f64) -> Result<()> {
        let n: usize = shape.iter().product();
        let v: Vec<f32> = self.rng.randn(n).into_iter().map(|x| (x * scale) as f32).collect();
        self.map.insert(name, Tensor::from_vec(v, shape, self.device)?);
        Ok(())
    }
    fn full(&mut self, name: String, shape: &[usize], value: f32) -> Result<()> {
        let n: usize = shape.iter().product();
        self.map.insert(name, Tensor::from_vec(vec![value; n], shape, self.device)?);
        Ok(())
    }
    fn filter(&mut self, name: String) {
        self.map.insert(name, self.filter.clone());
    }
    /// `FullyConnectedLayer`: weight `randn / lr_multiplier` (lr = bias_gain), bias `bias_init`.
    fn fc(&mut self, prefix: &str, c: &FcConfig, bias_init: f32) -> Result<()> {
        self.randn(format!("{prefix}.weight"), &[c.out_features, c.in_features], 1.0 / c.bias_gain)?;
        if c.has_bias {
            self.full(format!("{prefix}.bias"), &[c.out_features], bias_init)?;
        }
        Ok(())
    }
    fn layer(&mut self, prefix: &str, c: &Sg2LayerConfig) -> Result<()> {
        self.fc(&format!("{prefix}.affine"), &c.affine, 1.0)?;
        let k = c.kernel_size;
        self.randn(format!("{prefix}.weight"), &[c.out_channels, c.in_channels, k, k], 1.0)?;
        if c.use_noise {
            self.randn(format!("{prefix}.noise_const"), &[c.resolution, c.resolution], 1.0)?;
            self.full(format!("{prefix}.noise_strength"), &[], 0.0)?;
        }
        self.full(format!("{prefix}.bias"), &[c.out_channels], 0.0)?;
        self.filter(format!("{prefix}.resample_filter"));
        Ok(())
    }
    fn torgb(&mut self, prefix: &str, c: &Sg2ToRgbConfig) -> Result<()> {
        self.fc(&format!("{prefix}.affine"), &c.affine, 1.0)?;
        let k = c.kernel_size;
        self.randn(format!("{prefix}.weight"), &[c.out_channels, c.in_channels, k, k], 1.0)?;
        self.full(format!("{prefix}.bias"), &[c.out_channels], 0.0)
    }
}

/// The mapping network's tensors under `{prefix}.` (`embed`, `fc{i}`, `w_avg = 0`).
fn mapping(init: &mut Init, prefix: &str, c: &MappingConfig) -> Result<()> {
    if let Some(e) = &c.embed {
        init.fc(&format!("{prefix}.embed"), e, 0.0)?;
    }
    for (i, fc) in c.layers.iter().enumerate() {
        init.fc(&format!("{prefix}.fc{i}"), fc, 0.0)?;
    }
    init.full(format!("{prefix}.w_avg"), &[c.w_dim], 0.0)
}

/// Randomly initialised weights for `config` (mapping and synthesis), reproducible from `seed`.
pub fn random_weights(config: &Sg2Config, seed: u32, device: &Device) -> Result<Weights> {
    let filter = setup_filter_taps(&RESAMPLE_TAPS, device)?;
    let mut init = Init { rng: RandomState::new(seed), device, map: BTreeMap::new(), filter };
    mapping(&mut init, "mapping", &config.mapping)?;
    for b in &config.blocks {
        let p = format!("synthesis.b{}", b.resolution);
        if b.in_channels == 0 {
            init.randn(format!("{p}.const"), &[b.out_channels, b.resolution, b.resolution], 1.0)?;
        }
        if let Some(c) = &b.conv0 {
            init.layer(&format!("{p}.conv0"), c)?;
        }
        init.layer(&format!("{p}.conv1"), &b.conv1)?;
        if let Some(c) = &b.torgb {
            init.torgb(&format!("{p}.torgb"), c)?;
        }
        if let Some(s) = &b.skip {
            let k = s.kernel_size;
            init.randn(format!("{p}.skip.weight"), &[s.out_channels, s.in_channels, k, k], 1.0)?;
            if s.has_bias {
                init.full(format!("{p}.skip.bias"), &[s.out_channels], 0.0)?;
            }
            init.filter(format!("{p}.skip.resample_filter"));
        }
        init.filter(format!("{p}.resample_filter"));
    }
    Ok(Weights::new(init.map))
}
