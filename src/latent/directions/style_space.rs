//! StyleSpace (Wu, Lischinski & Shechtman, CVPR 2021): the W→S split. The styles of a network
//! are the outputs of its style affines, layer by layer in forward order; a channel is named
//! `L{layer}_{channel}`. Per-channel mean and σ come from sampled w, and a single-channel edit
//! adds α·σ_c to that channel during synthesis ([`crate::nn::style_offsets`]).

use candle_core::DType;

use crate::latent::directions::w_sampler::WSampler;
use crate::nn::generator::{Generator, Synthesis};
use crate::nn::style_offsets::StyleOffset;
use crate::progress::Monitor;
use crate::{Error, Result};

/// `L{layer}_{channel}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StyleChannel {
    pub layer: usize,
    pub channel: usize,
}

impl StyleChannel {
    pub fn name(self) -> String {
        format!("L{}_{}", self.layer, self.channel)
    }
}

impl std::str::FromStr for StyleChannel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::Invalid(format!("`{s}` is not a style channel name like L6_364"));
        let rest = s.trim().strip_prefix(['L', 'l']).ok_or_else(bad)?;
        let (l, c) = rest.split_once('_').ok_or_else(bad)?;
        Ok(Self { layer: l.parse().map_err(|_| bad())?, channel: c.parse().map_err(|_| bad())? })
    }
}

/// Per-layer style statistics of a network.
#[derive(Clone, Debug, PartialEq)]
pub struct StyleStats {
    /// Module names in forward order (`b4.conv1`, … or `input`, `L0_36_512`, …).
    pub names: Vec<String>,
    pub mean: Vec<Vec<f64>>,
    pub sigma: Vec<Vec<f64>>,
    pub samples: usize,
}

/// The styles of ws `[N, num_ws, w_dim]`, named by module, in forward order.
pub fn styles_of(generator: &Generator, ws: &candle_core::Tensor) -> Result<Vec<(String, candle_core::Tensor)>> {
    match &generator.synthesis {
        Synthesis::StyleGan2(s) => s.styles(ws),
        Synthesis::StyleGan3(s) => s.styles(ws),
    }
}

impl StyleStats {
    /// Mean and σ of every style channel over `samples` w (no truncation) from seed `seed`.
    pub fn compute(generator: &Generator, samples: usize, seed: u32, monitor: &dyn Monitor) -> Result<Self> {
        if samples < 2 {
            return Err(Error::Invalid("style statistics need at least 2 samples".into()));
        }
        let num_ws = generator.config().num_ws();
        let mut sampler = WSampler::new(generator, seed, 1.0);
        let (mut names, mut sum, mut sq): (Vec<String>, Vec<Vec<f64>>, Vec<Vec<f64>>) =
            (Vec::new(), Vec::new(), Vec::new());
        let batch = 512;
        let mut done = 0;
        while done < samples {
            let n = batch.min(samples - done);
            let w = sampler.next_batch(n)?;
            let ws = w.unsqueeze(1)?.repeat((1, num_ws, 1))?;
            for (i, (name, s)) in styles_of(generator, &ws)?.into_iter().enumerate() {
                let rows = s.to_dtype(DType::F64)?.to_vec2::<f64>()?;
                if names.len() <= i {
                    names.push(name);
                    sum.push(vec![0.0; rows.first().map_or(0, Vec::len)]);
                    sq.push(vec![0.0; rows.first().map_or(0, Vec::len)]);
                }
                for r in &rows {
                    for (j, v) in r.iter().enumerate() {
                        sum[i][j] += v;
                        sq[i][j] += v * v;
                    }
                }
            }
            done += n;
            monitor.set_count(done as u64, samples as u64)?;
        }
        let n = samples as f64;
        let mean: Vec<Vec<f64>> = sum.iter().map(|s| s.iter().map(|v| v / n).collect()).collect();
        let sigma = sq
            .iter()
            .zip(&mean)
            .map(|(q, m)| q.iter().zip(m).map(|(q, m)| ((q - n * m * m) / (n - 1.0)).max(0.0).sqrt()).collect())
            .collect();
        Ok(Self { names, mean, sigma, samples })
    }

    /// The offset of `alpha` σ on `channel`; errors name the channel and what exists.
    pub fn offset(&self, channel: StyleChannel, alpha: f64) -> Result<StyleOffset> {
        let layer = self.sigma.get(channel.layer).ok_or_else(|| {
            Error::Invalid(format!(
                "{}: this network has style layers L0-L{}",
                channel.name(),
                self.sigma.len().saturating_sub(1)
            ))
        })?;
        if self.names.get(channel.layer).is_some_and(|n| n == "input") {
            return Err(Error::Invalid(format!(
                "{}: layer 0 of StyleGAN3 is the input transform, not a style",
                channel.name()
            )));
        }
        let s = layer.get(channel.channel).ok_or_else(|| {
            Error::Invalid(format!(
                "{}: layer {} ({}) has {} channels",
                channel.name(),
                channel.layer,
                self.names[channel.layer],
                layer.len()
            ))
        })?;
        Ok(StyleOffset { layer: channel.layer, channel: channel.channel, delta: alpha * s })
    }
}
