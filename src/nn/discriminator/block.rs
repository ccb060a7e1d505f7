//! `DiscriminatorBlock` `b{res}`: `fromrgb` (first block, or every block of the `skip`
//! architecture), `conv0` (3×3), `conv1` (3×3, down ×2); `resnet` adds the 1×1 down-sampling
//! `skip` and halves the gains of `skip` and `conv1` to √0.5 before summing.

use candle_core::Tensor;

use crate::nn::config::{DiscriminatorBlockConfig, Sg2Architecture};
use crate::nn::ops::conv2d_layer::Conv2dLayer;
use crate::nn::ops::upfirdn2d::downsample2d;
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct DiscriminatorBlock {
    pub config: DiscriminatorBlockConfig,
    /// `b{res}`.
    pub name: String,
    pub fromrgb: Option<Conv2dLayer>,
    pub conv0: Conv2dLayer,
    pub conv1: Conv2dLayer,
    pub skip: Option<Conv2dLayer>,
    /// The block's `resample_filter` (down-samples the image in the `skip` architecture).
    pub resample_filter: Option<Tensor>,
}

impl DiscriminatorBlock {
    /// Looks up the block's tensors under `b{res}`.
    pub fn new(config: &DiscriminatorBlockConfig, weights: &Weights) -> Result<Self> {
        let c = config;
        let name = format!("b{}", c.resolution);
        let needs_rgb = c.in_channels == 0 || c.architecture == Sg2Architecture::Skip;
        let fromrgb = match (&c.fromrgb, needs_rgb) {
            (Some(f), true) => Some(Conv2dLayer::new(f, weights, &format!("{name}.fromrgb"))?),
            (None, false) => None,
            (Some(_), false) => return Err(Error::Format(format!("{name} has a fromrgb layer it never uses"))),
            (None, true) => return Err(Error::Format(format!("{name} reads the image but has no fromrgb layer"))),
        };
        let skip = match (&c.skip, c.architecture) {
            (Some(s), Sg2Architecture::Resnet) => Some(Conv2dLayer::new(s, weights, &format!("{name}.skip"))?),
            (None, Sg2Architecture::Resnet) => {
                return Err(Error::Format(format!("{name} is a resnet block without a skip layer")));
            }
            (_, _) => None,
        };
        let chain = [
            c.fromrgb
                .as_ref()
                .map(|f| (f.in_channels == c.img_channels && f.out_channels == c.tmp_channels, "fromrgb")),
            Some((c.conv0.in_channels == c.tmp_channels && c.conv0.out_channels == c.tmp_channels, "conv0")),
            Some((
                c.conv1.in_channels == c.tmp_channels && c.conv1.out_channels == c.out_channels && c.conv1.down == 2,
                "conv1",
            )),
            c.skip
                .as_ref()
                .map(|s| (s.in_channels == c.tmp_channels && s.out_channels == c.out_channels && s.down == 2, "skip")),
        ];
        if let Some((_, layer)) = chain.iter().flatten().find(|(ok, _)| !ok) {
            return Err(Error::Format(format!("{name}.{layer} does not fit the block's channels or down-sampling")));
        }
        if c.in_channels != 0 && c.in_channels != c.tmp_channels {
            return Err(Error::Format(format!(
                "{name} takes {} channels but works with {}",
                c.in_channels, c.tmp_channels
            )));
        }
        let resample_filter = weights.get_opt(&format!("{name}.resample_filter"));
        if c.architecture == Sg2Architecture::Skip && resample_filter.is_none() {
            return Err(Error::MissingTensor(format!("{name}.resample_filter")));
        }
        Ok(Self {
            config: c.clone(),
            name: name.clone(),
            fromrgb,
            conv0: Conv2dLayer::new(&c.conv0, weights, &format!("{name}.conv0"))?,
            conv1: Conv2dLayer::new(&c.conv1, weights, &format!("{name}.conv1"))?,
            skip,
            resample_filter,
        })
    }

    /// `x [N, tmp, res, res]` (`None` for the first block) and the image at this resolution
    /// (`None` once no later block reads it) → features `[N, out, res/2, res/2]` and the image
    /// for the next block.
    pub fn forward(&self, x: Option<Tensor>, img: Option<Tensor>) -> Result<(Tensor, Option<Tensor>)> {
        let mut x = x;
        let mut img_out = None;
        if let Some(fromrgb) = &self.fromrgb {
            let img = img.ok_or_else(|| Error::Invalid(format!("{} needs the image", self.name)))?;
            let y = fromrgb.forward(&img, 1.0)?;
            x = Some(match x {
                Some(x) => (x + y)?,
                None => y,
            });
            if self.config.architecture == Sg2Architecture::Skip {
                img_out = Some(downsample2d(&img, self.resample_filter.as_ref(), 2, [0; 4], false, 1.0)?);
            }
        }
        let x = x.ok_or_else(|| Error::Invalid(format!("{} needs the previous block's features", self.name)))?;
        let out = match &self.skip {
            Some(skip) => {
                let half = std::f64::consts::FRAC_1_SQRT_2;
                let y = skip.forward(&x, half)?;
                let x = self.conv0.forward(&x, 1.0)?;
                (y + self.conv1.forward(&x, half)?)?
            }
            None => self.conv1.forward(&self.conv0.forward(&x, 1.0)?, 1.0)?,
        };
        Ok((out, img_out))
    }
}
