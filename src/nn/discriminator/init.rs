//! NVIDIA's random initialisation of a discriminator, as [`Weights`] under state-dict names:
//! conv weights `randn`, conv biases 0, fully connected weights `randn / lr_multiplier` and
//! biases 0, every `resample_filter` the `[1,3,3,1]` filter. Values come from a NumPy-compatible
//! generator, drawn in construction order (PyTorch's stream cannot be reproduced).

use std::collections::BTreeMap;

use candle_core::{Device, Tensor};

use crate::Result;
use crate::nn::config::{Conv2dConfig, DiscriminatorConfig, FcConfig};
use crate::nn::ops::upfirdn2d::setup_filter_taps;
use crate::nn::random_state::RandomState;
use crate::nn::stylegan2::init::RESAMPLE_TAPS;
use crate::nn::weights::Weights;

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
    fn zeros(&mut self, name: String, n: usize) -> Result<()> {
        self.map.insert(name, Tensor::zeros(n, candle_core::DType::F32, self.device)?);
        Ok(())
    }
    fn conv(&mut self, prefix: &str, c: &Conv2dConfig) -> Result<()> {
        let k = c.kernel_size;
        self.randn(format!("{prefix}.weight"), &[c.out_channels, c.in_channels, k, k], 1.0)?;
        if c.has_bias {
            self.zeros(format!("{prefix}.bias"), c.out_channels)?;
        }
        self.map.insert(format!("{prefix}.resample_filter"), self.filter.clone());
        Ok(())
    }
    fn fc(&mut self, prefix: &str, c: &FcConfig) -> Result<()> {
        self.randn(format!("{prefix}.weight"), &[c.out_features, c.in_features], 1.0 / c.bias_gain)?;
        if c.has_bias {
            self.zeros(format!("{prefix}.bias"), c.out_features)?;
        }
        Ok(())
    }
}

/// Randomly initialised weights for `config`, reproducible from `seed`.
pub fn random_weights(config: &DiscriminatorConfig, seed: u32, device: &Device) -> Result<Weights> {
    let filter = setup_filter_taps(&RESAMPLE_TAPS, device)?;
    let mut init = Init { rng: RandomState::new(seed), device, map: BTreeMap::new(), filter };
    for b in &config.blocks {
        let p = format!("b{}", b.resolution);
        init.map.insert(format!("{p}.resample_filter"), init.filter.clone());
        if let Some(f) = &b.fromrgb {
            init.conv(&format!("{p}.fromrgb"), f)?;
        }
        init.conv(&format!("{p}.conv0"), &b.conv0)?;
        init.conv(&format!("{p}.conv1"), &b.conv1)?;
        if let Some(s) = &b.skip {
            init.conv(&format!("{p}.skip"), s)?;
        }
    }
    if let Some(m) = &config.mapping {
        init.fc("mapping.embed", &m.embed)?;
        for (i, fc) in m.layers.iter().enumerate() {
            init.fc(&format!("mapping.fc{i}"), fc)?;
        }
    }
    let e = &config.epilogue;
    if let Some(f) = &e.fromrgb {
        init.conv("b4.fromrgb", f)?;
    }
    init.conv("b4.conv", &e.conv)?;
    init.fc("b4.fc", &e.fc)?;
    init.fc("b4.out", &e.out)?;
    Ok(Weights::new(init.map))
}
