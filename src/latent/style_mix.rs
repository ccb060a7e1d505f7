//! Building the final W of a visualizer render from per-seed mapped latents (reference §1.2,
//! renderer steps 3–5, and the style-mix widget §1.3.3).
//!
//! For each seed the mapping network gives truncated `ws_seed` (`[num_ws, w_dim]`). The render
//! uses `w = Σ weight_i · (ws_i − w_avg)`, replaces the style-mix rows by `ws_mix − w_avg`, and adds
//! `w_avg` back: a bilinear blend of truncated W with selected rows taken from the mixing seed.
//! The operations are done in that order (f32), as the visualizer does them. Pseudo-alignment
//! (W row 0 ← `w_avg`) is `crate::nn::stylegan3::pseudo_align`.

use std::collections::BTreeSet;

use candle_core::{DType, Tensor};

use crate::latent::seed_plane::SeedWeight;
use crate::{Error, Result};

/// Style mixing: rows of W taken from another seed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StyleMix {
    pub seed: u32,
    /// W rows to replace; rows at or beyond `num_ws` are ignored.
    pub rows: Vec<usize>,
}

impl StyleMix {
    /// `None` when no row is selected (the visualizer then mixes nothing).
    pub fn from_toggles(seed: u32, toggles: &[bool]) -> Option<Self> {
        let rows: Vec<usize> = toggles.iter().enumerate().filter(|(_, on)| **on).map(|(i, _)| i).collect();
        (!rows.is_empty()).then_some(Self { seed, rows })
    }
}

/// Every distinct seed a render needs (blend seeds, then the mixing seed), in first-use order.
pub fn seeds_needed(blend: &[SeedWeight], mix: Option<&StyleMix>) -> Vec<u32> {
    let mut seen = BTreeSet::new();
    blend.iter().map(|s| s.seed).chain(mix.map(|m| m.seed)).filter(|s| seen.insert(*s)).collect()
}

fn check_ws(ws: &Tensor, w_avg: &Tensor, what: &str) -> Result<(usize, usize)> {
    let (num_ws, w_dim) = ws
        .dims2()
        .map_err(|_| Error::Invalid(format!("{what}: expected ws of shape [num_ws, w_dim], got {:?}", ws.dims())))?;
    if w_avg.dims() != [w_dim] {
        return Err(Error::Shape { name: "w_avg".into(), expected: vec![w_dim], found: w_avg.dims().to_vec() });
    }
    Ok((num_ws, w_dim))
}

/// Renderer steps 4–5: the blended, style-mixed W (`[num_ws, w_dim]`).
///
/// `blend` pairs each seed's truncated `ws` (`[num_ws, w_dim]`, the mapping output of that seed)
/// with its weight; `mix` is the mixing seed's truncated `ws` with the rows to replace.
pub fn blend_ws(blend: &[(Tensor, f64)], w_avg: &Tensor, mix: Option<(&Tensor, &[usize])>) -> Result<Tensor> {
    let Some((first, _)) = blend.first() else {
        return Err(Error::Invalid("a render needs at least one seed".into()));
    };
    let (num_ws, w_dim) = check_ws(first, w_avg, "seed latent")?;
    let avg = w_avg.to_dtype(DType::F32)?.reshape((1, w_dim))?;
    let mut w: Option<Tensor> = None;
    for (ws, weight) in blend {
        let dims = check_ws(ws, w_avg, "seed latent")?;
        if dims != (num_ws, w_dim) {
            return Err(Error::Invalid(format!("seed latents differ in shape: {:?} vs {:?}", dims, (num_ws, w_dim))));
        }
        let term = (ws.to_dtype(DType::F32)?.broadcast_sub(&avg)? * *weight)?;
        w = Some(match w {
            None => term,
            Some(acc) => (acc + term)?,
        });
    }
    let Some(mut w) = w else {
        return Err(Error::Invalid("a render needs at least one seed".into()));
    };
    if let Some((mix_ws, rows)) = mix {
        let dims = check_ws(mix_ws, w_avg, "style-mix latent")?;
        if dims != (num_ws, w_dim) {
            return Err(Error::Invalid(format!("style-mix latent has shape {dims:?}, expected {:?}", (num_ws, w_dim))));
        }
        let mixed = mix_ws.to_dtype(DType::F32)?.broadcast_sub(&avg)?;
        w = replace_rows(&w, &mixed, rows)?;
    }
    Ok(w.broadcast_add(&avg)?)
}

/// `w` with the listed rows taken from `from` (both `[num_ws, w_dim]`); rows out of range are ignored.
pub fn replace_rows(w: &Tensor, from: &Tensor, rows: &[usize]) -> Result<Tensor> {
    let num_ws = w.dim(0)?;
    let selected: BTreeSet<usize> = rows.iter().copied().filter(|r| *r < num_ws).collect();
    if selected.is_empty() {
        return Ok(w.clone());
    }
    let parts = (0..num_ws)
        .map(|i| if selected.contains(&i) { from.narrow(0, i, 1) } else { w.narrow(0, i, 1) })
        .collect::<candle_core::Result<Vec<_>>>()?;
    Ok(Tensor::cat(&parts, 0)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use candle_core::Device;

    fn t(rows: &[[f32; 2]]) -> Tensor {
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        Tensor::from_vec(flat, (rows.len(), 2), &Device::Cpu).unwrap()
    }

    fn v(x: &Tensor) -> Vec<Vec<f32>> {
        x.to_vec2().unwrap()
    }

    #[test]
    fn blend_is_weighted_sum_around_w_avg() {
        let avg = Tensor::new(&[1f32, -1.0], &Device::Cpu).unwrap();
        let a = t(&[[2.0, 0.0], [4.0, 2.0], [0.0, 0.0]]);
        let b = t(&[[6.0, 4.0], [0.0, -2.0], [1.0, 1.0]]);
        let w = blend_ws(&[(a, 0.75), (b, 0.25)], &avg, None).unwrap();
        assert_eq!(v(&w), vec![vec![3.0, 1.0], vec![3.0, 1.0], vec![0.25, 0.25]]);
    }

    #[test]
    fn single_seed_gives_its_own_ws() {
        let avg = Tensor::new(&[0.5f32, 0.25], &Device::Cpu).unwrap();
        let a = t(&[[2.0, 0.0], [4.0, 2.0]]);
        let w = blend_ws(&[(a.clone(), 1.0)], &avg, None).unwrap();
        assert_eq!(v(&w), v(&a));
    }

    #[test]
    fn style_mix_replaces_selected_rows_only() {
        let avg = Tensor::new(&[0f32, 0.0], &Device::Cpu).unwrap();
        let a = t(&[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]);
        let m = t(&[[9.0, 9.0], [8.0, 8.0], [7.0, 7.0]]);
        let w = blend_ws(&[(a, 1.0)], &avg, Some((&m, &[2, 0, 17]))).unwrap();
        assert_eq!(v(&w), vec![vec![9.0, 9.0], vec![2.0, 2.0], vec![7.0, 7.0]]);
    }

    #[test]
    fn shapes_are_checked() {
        let avg = Tensor::new(&[0f32, 0.0, 0.0], &Device::Cpu).unwrap();
        let a = t(&[[1.0, 1.0]]);
        assert!(matches!(blend_ws(&[(a, 1.0)], &avg, None), Err(Error::Shape { .. })));
        assert!(blend_ws(&[], &avg, None).is_err());
    }

    #[test]
    fn seeds_needed_is_unique_in_order() {
        let blend = [SeedWeight { seed: 5, weight: 0.5 }, SeedWeight { seed: 6, weight: 0.5 }];
        let mix = StyleMix { seed: 5, rows: vec![1] };
        assert_eq!(seeds_needed(&blend, Some(&mix)), vec![5, 6]);
        let mix = StyleMix { seed: 1000, rows: vec![1] };
        assert_eq!(seeds_needed(&blend, Some(&mix)), vec![5, 6, 1000]);
        assert_eq!(StyleMix::from_toggles(3, &[false, true, true]), Some(StyleMix { seed: 3, rows: vec![1, 2] }));
        assert_eq!(StyleMix::from_toggles(3, &[false, false]), None);
    }
}
