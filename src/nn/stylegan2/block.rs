//! StyleGAN2 `SynthesisBlock` `b{res}`: `const` (b4) or `conv0` (up ×2), `conv1`, and the image
//! path of the block's architecture (`skip`: up-sampled image + `torgb`; `orig`: `torgb` in the
//! last block only; `resnet`: adds the 1×1 up-sampling `skip` and halves conv1's gain to √0.5).

use candle_core::Tensor;

use crate::nn::config::{Sg2Architecture, Sg2BlockConfig};
use crate::nn::ops::conv2d_layer::Conv2dLayer;
use crate::nn::ops::upfirdn2d::upsample2d;
use crate::nn::style_offsets::StyleCursor;
use crate::nn::stylegan2::noise::NoiseSource;
use crate::nn::stylegan2::recorder::Recorder;
use crate::nn::stylegan2::synthesis_layer::SynthesisLayer;
use crate::nn::stylegan2::to_rgb::ToRgbLayer;
use crate::nn::weights::Weights;
use crate::{Error, Result};

/// What flows between blocks: features and the image so far (`None` before the first ToRGB).
pub type BlockState = (Tensor, Option<Tensor>);

#[derive(Debug, Clone)]
pub struct SynthesisBlock {
    pub config: Sg2BlockConfig,
    /// `b{res}`, the module name under `synthesis`.
    pub name: String,
    /// `const [C, res, res]` (b4 only).
    pub constant: Option<Tensor>,
    pub conv0: Option<SynthesisLayer>,
    pub conv1: SynthesisLayer,
    pub torgb: Option<ToRgbLayer>,
    pub skip: Option<Conv2dLayer>,
    /// The block's `resample_filter`, which up-samples the incoming image.
    pub resample_filter: Option<Tensor>,
}

impl SynthesisBlock {
    /// Looks up the block's tensors under `synthesis.b{res}`.
    pub fn new(config: &Sg2BlockConfig, weights: &Weights) -> Result<Self> {
        let name = format!("b{}", config.resolution);
        let prefix = format!("synthesis.{name}");
        let r = config.resolution;
        let constant = if config.in_channels == 0 {
            Some(weights.get(&format!("{prefix}.const"), &[config.out_channels, r, r])?)
        } else {
            None
        };
        let conv0 = match (&config.conv0, config.in_channels) {
            (Some(c), _) => Some(SynthesisLayer::new(c, weights, &format!("{prefix}.conv0"))?),
            (None, 0) => None,
            (None, _) => return Err(Error::Format(format!("{prefix} has input channels but no conv0"))),
        };
        let conv1 = SynthesisLayer::new(&config.conv1, weights, &format!("{prefix}.conv1"))?;
        let torgb = match &config.torgb {
            Some(c) => Some(ToRgbLayer::new(c, weights, &format!("{prefix}.torgb"))?),
            None if config.is_last => {
                return Err(Error::Format(format!("{prefix} is the last block but has no torgb")));
            }
            None => None,
        };
        let skip = match &config.skip {
            Some(c) => Some(Conv2dLayer::new(c, weights, &format!("{prefix}.skip"))?),
            None if config.architecture == Sg2Architecture::Resnet && config.in_channels > 0 => {
                return Err(Error::Format(format!("{prefix} is a resnet block without a skip layer")));
            }
            None => None,
        };
        let resample_filter = weights.get_opt(&format!("{prefix}.resample_filter"));
        let needs_filter = config.in_channels > 0 && config.architecture == Sg2Architecture::Skip;
        if needs_filter && resample_filter.is_none() {
            return Err(Error::MissingTensor(format!("{prefix}.resample_filter")));
        }
        Ok(Self { config: config.clone(), name, constant, conv0, conv1, torgb, skip, resample_filter })
    }

    /// How many `ws` rows the block reads, starting at `config.w_index`.
    pub fn num_ws_read(&self) -> usize {
        usize::from(self.conv0.is_some()) + 1 + usize::from(self.torgb.is_some())
    }

    /// Intermediate output names in forward order.
    pub fn layer_names(&self, has_img_in: bool) -> Vec<String> {
        let n = &self.name;
        let mut v = Vec::new();
        if self.skip.is_some() {
            v.push(format!("{n}.skip"));
        }
        if self.conv0.is_some() {
            v.push(format!("{n}.conv0"));
        }
        v.push(format!("{n}.conv1"));
        if self.torgb.is_some() {
            v.push(format!("{n}.torgb"));
        }
        if self.torgb.is_some() || has_img_in {
            v.push(format!("{n}:0"));
            v.push(format!("{n}:1"));
        } else {
            v.push(n.clone());
        }
        v
    }

    /// One block. `state` is `None` for the first block (which starts from `const`). Returns
    /// `None` when the recorder stopped the forward.
    pub fn forward(
        &self,
        state: Option<BlockState>,
        ws: &Tensor,
        noise: &mut NoiseSource,
        fused: bool,
        rec: &mut Recorder,
        styles_out: &mut StyleCursor<'_>,
    ) -> Result<Option<BlockState>> {
        let n = ws.dim(0)?;
        let mut w_idx = self.config.w_index;
        let mut next_w = || -> Result<Tensor> {
            let w = ws.narrow(1, w_idx, 1)?.squeeze(1)?;
            w_idx += 1;
            Ok(w)
        };
        let name = &self.name;
        let (x_in, img) = match (state, &self.constant) {
            (None, Some(c)) => (c.unsqueeze(0)?.repeat((n, 1, 1, 1))?, None),
            (Some(s), None) => s,
            (None, None) => return Err(Error::Invalid(format!("block {name} needs the previous block's output"))),
            (Some(_), Some(_)) => {
                return Err(Error::Invalid(format!("block {name} starts from const, not from a previous block")));
            }
        };

        let mut x = x_in.clone();
        let mut conv1_gain = 1.0;
        let mut skip_out = None;
        if let Some(skip) = &self.skip {
            let y = skip.forward(&x_in, std::f64::consts::FRAC_1_SQRT_2)?;
            if rec.record(&format!("{name}.skip"), &y) {
                return Ok(None);
            }
            skip_out = Some(y);
            conv1_gain = std::f64::consts::FRAC_1_SQRT_2;
        }
        if let Some(conv0) = &self.conv0 {
            let styles = styles_out.apply(conv0.styles(&next_w()?)?)?;
            x = conv0.forward(&x, &styles, noise, 1.0, fused)?;
            if rec.record(&format!("{name}.conv0"), &x) {
                return Ok(None);
            }
        }
        let styles = styles_out.apply(self.conv1.styles(&next_w()?)?)?;
        x = self.conv1.forward(&x, &styles, noise, conv1_gain, fused)?;
        if rec.record(&format!("{name}.conv1"), &x) {
            return Ok(None);
        }
        if let Some(y) = skip_out {
            x = (y + x)?;
        }

        // Image path: up-sample the image so far (only the skip architecture has one before the
        // last block), add this block's ToRGB.
        let mut img = match img {
            Some(img) => {
                let f = self
                    .resample_filter
                    .as_ref()
                    .ok_or_else(|| Error::MissingTensor(format!("synthesis.{name}.resample_filter")))?;
                Some(upsample2d(&img, Some(f), 2, [0; 4], false, 1.0)?)
            }
            None => None,
        };
        if let Some(torgb) = &self.torgb {
            let styles = styles_out.apply(torgb.styles(&next_w()?)?)?;
            let y = torgb.forward(&x, &styles, fused)?;
            if rec.record(&format!("{name}.torgb"), &y) {
                return Ok(None);
            }
            img = Some(match img {
                Some(img) => (img + y)?,
                None => y,
            });
        }
        match &img {
            Some(img) => {
                if rec.record(&format!("{name}:0"), &x) || rec.record(&format!("{name}:1"), img) {
                    return Ok(None);
                }
            }
            None => {
                if rec.record(name, &x) {
                    return Ok(None);
                }
            }
        }
        Ok(Some((x, img)))
    }
}
