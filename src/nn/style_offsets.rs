//! StyleSpace edits: offsets added to single channels of the style vectors (the affine outputs)
//! during synthesis, so that one channel `L{layer}_{channel}` can be moved without touching w.
//!
//! Layers are numbered in forward order over every style affine: StyleGAN2 `b4.conv1`,
//! `b4.torgb`, `b8.conv0`, `b8.conv1`, `b8.torgb`, …; StyleGAN3 `input` (0, not a style: offsets
//! there are rejected), `L0_…` (1), …, the ToRGB layer last. Offsets are in affine-output units
//! (before ToRGB's weight gain), as [`crate::nn::stylegan2::Sg2Synthesis::styles`] reports styles.

use candle_core::Tensor;

use crate::{Error, Result};

/// One channel offset.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StyleOffset {
    /// Style layer index in forward order.
    pub layer: usize,
    pub channel: usize,
    /// Added to the channel's style value.
    pub delta: f64,
}

/// Walks the style layers in forward order during a synthesis call, adding the offsets that
/// belong to each.
#[derive(Debug)]
pub struct StyleCursor<'a> {
    offsets: &'a [StyleOffset],
    next: usize,
}

impl<'a> StyleCursor<'a> {
    pub fn new(offsets: &'a [StyleOffset]) -> Self {
        Self { offsets, next: 0 }
    }

    /// Skips one style layer (StyleGAN3's input affine).
    pub fn skip(&mut self) -> Result<()> {
        if let Some(o) = self.offsets.iter().find(|o| o.layer == self.next) {
            return Err(Error::Invalid(format!(
                "style layer {} is the StyleGAN3 input transform, not a style (channel {})",
                o.layer, o.channel
            )));
        }
        self.next += 1;
        Ok(())
    }

    /// `styles [N, C]` of the next layer, with its offsets added.
    pub fn apply(&mut self, styles: Tensor) -> Result<Tensor> {
        let layer = self.next;
        self.next += 1;
        let mine: Vec<&StyleOffset> = self.offsets.iter().filter(|o| o.layer == layer && o.delta != 0.0).collect();
        if mine.is_empty() {
            return Ok(styles);
        }
        let (_, c) = styles.dims2()?;
        let mut delta = vec![0f32; c];
        for o in mine {
            let slot = delta.get_mut(o.channel).ok_or_else(|| {
                Error::Invalid(format!("style layer {layer} has {c} channels; there is no channel {}", o.channel))
            })?;
            *slot += o.delta as f32;
        }
        let delta = Tensor::from_vec(delta, (1, c), styles.device())?.to_dtype(styles.dtype())?;
        Ok(styles.broadcast_add(&delta)?)
    }

    /// Fails if an offset names a layer the network does not have.
    pub fn finish(self) -> Result<()> {
        match self.offsets.iter().find(|o| o.layer >= self.next) {
            Some(o) => Err(Error::Invalid(format!(
                "style layer {} does not exist: this network has style layers 0-{}",
                o.layer,
                self.next.saturating_sub(1)
            ))),
            None => Ok(()),
        }
    }
}
