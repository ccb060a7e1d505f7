//! The StyleGAN2 residual discriminator (`training/networks_stylegan2.py: Discriminator`), which
//! NVIDIA also uses to train StyleGAN3. Only training uses it.
//!
//! | file | type |
//! |---|---|
//! | [`block`] | `DiscriminatorBlock` `b{res}` |
//! | [`epilogue`] | `DiscriminatorEpilogue` `b4` |
//! | [`mbstd`] | `MinibatchStdLayer` |
//! | [`mapping`] | the label mapping network (conditional discriminators) |
//! | [`builder`] | a [`DiscriminatorConfig`] from NVIDIA's constructor arguments |
//! | [`init`] | NVIDIA's random initialisation |
//!
//! Everything computes in the dtype of the input image (float32 in training; the gradient tests
//! also run it in float64). Tensor names are the state-dict names (`b64.conv0.weight`,
//! `b4.fc.weight`, `mapping.embed.weight`).

pub mod block;
pub mod builder;
pub mod epilogue;
pub mod init;
pub mod mapping;
pub mod mbstd;

use candle_core::Tensor;

use crate::nn::config::DiscriminatorConfig;
use crate::nn::weights::Weights;
use crate::{Error, Result};

pub use block::DiscriminatorBlock;
pub use builder::DiscriminatorHyper;
pub use epilogue::DiscriminatorEpilogue;
pub use mapping::LabelMapping;

#[derive(Debug, Clone)]
pub struct Discriminator {
    config: DiscriminatorConfig,
    pub blocks: Vec<DiscriminatorBlock>,
    pub mapping: Option<LabelMapping>,
    pub epilogue: DiscriminatorEpilogue,
}

impl Discriminator {
    /// Builds the discriminator from its architecture and tensors (state-dict names, no prefix),
    /// checking that the blocks form a chain from the image down to 4×4.
    pub fn new(config: &DiscriminatorConfig, weights: &Weights) -> Result<Self> {
        let c = config;
        let mut res = c.img_resolution;
        let mut channels = None;
        for b in &c.blocks {
            let first = channels.is_none();
            if b.resolution != res || (first != (b.in_channels == 0)) || channels.is_some_and(|ch| ch != b.tmp_channels)
            {
                return Err(Error::Format(format!(
                    "discriminator block b{} does not follow the previous one (expected resolution {res})",
                    b.resolution
                )));
            }
            if b.img_channels != c.img_channels {
                return Err(Error::Format(format!(
                    "block b{} reads {} image channels, not {}",
                    b.resolution, b.img_channels, c.img_channels
                )));
            }
            channels = Some(b.out_channels);
            res /= 2;
        }
        let e = &c.epilogue;
        if res != 4 || e.resolution != 4 || channels.is_some_and(|ch| ch != e.in_channels) {
            return Err(Error::Format(format!(
                "the discriminator's blocks end at {res}² but its epilogue works at {}² with {} channels",
                e.resolution, e.in_channels
            )));
        }
        let mapping = match (&c.mapping, c.c_dim) {
            (Some(m), c_dim) if c_dim > 0 && m.c_dim == c_dim && m.cmap_dim == e.cmap_dim => {
                Some(LabelMapping::new(m, weights, "mapping")?)
            }
            (None, 0) if e.cmap_dim == 0 => None,
            _ => {
                return Err(Error::Format(format!(
                    "discriminator with c_dim {} and cmap_dim {} has {} label mapping",
                    c.c_dim,
                    e.cmap_dim,
                    if c.mapping.is_some() { "a mismatched" } else { "no" }
                )));
            }
        };
        let blocks = c.blocks.iter().map(|b| DiscriminatorBlock::new(b, weights)).collect::<Result<Vec<_>>>()?;
        let epilogue = DiscriminatorEpilogue::new(e, weights, "b4")?;
        Ok(Self { config: c.clone(), blocks, mapping, epilogue })
    }

    pub fn config(&self) -> &DiscriminatorConfig {
        &self.config
    }

    /// `img [N, img_channels, R, R]` (nominally in [-1, 1]) and, for conditional discriminators,
    /// `c [N, c_dim]` → logits `[N, 1]` in the image's dtype.
    pub fn forward(&self, img: &Tensor, c: Option<&Tensor>) -> Result<Tensor> {
        let cfg = &self.config;
        let r = cfg.img_resolution;
        let n = img.dims().first().copied().unwrap_or(0);
        if img.dims() != [n, cfg.img_channels, r, r] || n == 0 {
            return Err(Error::Invalid(format!(
                "the discriminator takes images of shape [N, {}, {r}, {r}] with N ≥ 1, got {:?}",
                cfg.img_channels,
                img.dims()
            )));
        }
        let mut x = None;
        let mut img = Some(img.clone());
        for block in &self.blocks {
            let (y, next) = block.forward(x, img)?;
            x = Some(y);
            img = next;
        }
        let x = x.ok_or_else(|| Error::Format("the discriminator has no blocks".into()))?;
        let cmap = match (&self.mapping, c) {
            (Some(m), Some(c)) => Some(m.forward(c, x.dtype())?),
            (Some(_), None) => {
                return Err(Error::Invalid(format!(
                    "this discriminator is conditional ({} classes): a label is needed",
                    cfg.c_dim
                )));
            }
            (None, _) => None,
        };
        self.epilogue.forward(&x, img.as_ref(), cmap.as_ref())
    }
}
