//! The style affines (`affine.weight`, `[channels, w_dim]`) of a synthesis network, with the
//! W+ row each one reads: what SeFa factorises and what StyleSpace edits address.

use candle_core::DType;

use crate::Result;
use crate::nn::generator::{Generator, Synthesis};

/// What a style affine drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AffineKind {
    /// A modulated convolution (StyleGAN2 `conv0`/`conv1`, StyleGAN3 `L0 … L{n−2}`).
    Conv,
    /// A ToRGB layer (StyleGAN2 `torgb`, StyleGAN3's last layer).
    ToRgb,
    /// StyleGAN3's `synthesis.input.affine` (rotation and translation, 4 outputs).
    Input,
}

/// One style affine.
#[derive(Clone, Debug, PartialEq)]
pub struct AffineLayer {
    /// The module name under `synthesis`: `b8.conv0`, `b8.torgb`, `L3_36_32`, `input`.
    pub name: String,
    /// Index in forward order (StyleSpace layer number `L{index}_{channel}`).
    pub index: usize,
    /// The W+ row this layer reads.
    pub w_index: usize,
    pub kind: AffineKind,
    /// Output channels (rows of the weight).
    pub channels: usize,
    /// The raw `affine.weight`, row-major `[channels, w_dim]`, in float64.
    pub weight: Vec<f64>,
}

impl AffineLayer {
    /// Every style affine of `generator` in forward order.
    pub fn all(generator: &Generator) -> Result<Vec<AffineLayer>> {
        let mut raw: Vec<(String, usize, AffineKind, &candle_core::Tensor)> = Vec::new();
        match &generator.synthesis {
            Synthesis::StyleGan2(s) => {
                for b in &s.blocks {
                    let mut i = b.config.w_index;
                    if let Some(conv0) = &b.conv0 {
                        raw.push((format!("{}.conv0", b.name), i, AffineKind::Conv, &conv0.affine.weight));
                        i += 1;
                    }
                    raw.push((format!("{}.conv1", b.name), i, AffineKind::Conv, &b.conv1.affine.weight));
                    i += 1;
                    if let Some(torgb) = &b.torgb {
                        raw.push((format!("{}.torgb", b.name), i, AffineKind::ToRgb, &torgb.affine.weight));
                    }
                }
            }
            Synthesis::StyleGan3(s) => {
                raw.push(("input".into(), 0, AffineKind::Input, &s.input.affine.weight));
                for (i, l) in s.layers.iter().enumerate() {
                    let kind = if l.config.is_torgb { AffineKind::ToRgb } else { AffineKind::Conv };
                    raw.push((l.config.name.clone(), i + 1, kind, &l.affine.weight));
                }
            }
        }
        raw.into_iter()
            .enumerate()
            .map(|(index, (name, w_index, kind, w))| {
                let (channels, _) = w.dims2()?;
                let weight = w.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?;
                Ok(AffineLayer { name, index, w_index, kind, channels, weight })
            })
            .collect()
    }
}
