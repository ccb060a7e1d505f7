//! Applying directions: `w_l += α·σ·v_l` for every W+ row `l` in the edit's range, several edits
//! summed. Only the synthesis input changes, so sliders need no recomputation beyond synthesis.

use candle_core::Tensor;

use crate::latent::directions::direction::Direction;
use crate::{Error, Result};

/// One slider: a direction, its strength in σ units and the W+ rows it moves.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectionEdit {
    pub direction: Direction,
    /// α, in units of the direction's σ.
    pub strength: f64,
    /// Inclusive W+ row range; `None` = every row.
    pub layers: Option<(usize, usize)>,
}

impl DirectionEdit {
    /// The offset `[num_ws · w_dim]` this edit adds to ws.
    fn add_offset(&self, offset: &mut [f32], num_ws: usize, w_dim: usize) -> Result<()> {
        let d = &self.direction;
        if d.w_dim != w_dim {
            return Err(Error::Invalid(format!(
                "direction `{}` has width {} but the network's w_dim is {w_dim}",
                d.name, d.w_dim
            )));
        }
        if d.rows != 1 && d.rows != num_ws {
            return Err(Error::Invalid(format!(
                "direction `{}` has {} W+ rows but the network has num_ws {num_ws}",
                d.name, d.rows
            )));
        }
        let (a, b) = self.layers.unwrap_or((0, num_ws.saturating_sub(1)));
        if a > b || b >= num_ws {
            return Err(Error::Invalid(format!(
                "layer range {a}-{b} of direction `{}` is outside the network's W+ rows 0-{}",
                d.name,
                num_ws.saturating_sub(1)
            )));
        }
        let scale = (self.strength * d.sigma) as f32;
        for l in a..=b {
            for (o, v) in offset[l * w_dim..(l + 1) * w_dim].iter_mut().zip(d.row(l)) {
                *o += scale * v;
            }
        }
        Ok(())
    }
}

/// `ws [N, num_ws, w_dim]` plus the sum of every edit's offset (edits of strength 0 are skipped;
/// no edits returns `ws` unchanged).
pub fn apply_edits(ws: &Tensor, edits: &[DirectionEdit]) -> Result<Tensor> {
    let active: Vec<&DirectionEdit> = edits.iter().filter(|e| e.strength != 0.0).collect();
    if active.is_empty() {
        return Ok(ws.clone());
    }
    let (_, num_ws, w_dim) = ws.dims3()?;
    let mut offset = vec![0f32; num_ws * w_dim];
    for e in active {
        e.add_offset(&mut offset, num_ws, w_dim)?;
    }
    let offset = Tensor::from_vec(offset, (1, num_ws, w_dim), ws.device())?.to_dtype(ws.dtype())?;
    Ok(ws.broadcast_add(&offset)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn offsets_only_the_chosen_rows_and_sums_edits() {
        let ws = Tensor::zeros((1, 4, 2), candle_core::DType::F32, &Device::Cpu).unwrap();
        let x = DirectionEdit {
            direction: Direction::new("x", &[2.0, 0.0], 0.5).unwrap(),
            strength: 3.0,
            layers: Some((1, 2)),
        };
        let y =
            DirectionEdit { direction: Direction::new("y", &[0.0, 1.0], 1.0).unwrap(), strength: -1.0, layers: None };
        let out = apply_edits(&ws, &[x.clone(), y]).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert_eq!(out, vec![0.0, -1.0, 1.5, -1.0, 1.5, -1.0, 0.0, -1.0]);
        let bad = DirectionEdit { layers: Some((2, 4)), ..x.clone() };
        assert!(apply_edits(&ws, &[bad]).unwrap_err().to_string().contains("outside"));
        let wide = DirectionEdit { direction: Direction::new("w", &[1.0, 0.0, 0.0], 1.0).unwrap(), ..x };
        let e = apply_edits(&ws, &[wide]).unwrap_err().to_string();
        assert!(e.contains("width 3") && e.contains("w_dim is 2"), "{e}");
    }
}
