//! Seeds → latents as NVIDIA's tools make them.
//!
//! - `gen_images.py`: `z = RandomState(seed).randn(1, z_dim)` (float64; the mapping network casts
//!   it to float32), and a one-hot class label from `--class`.
//! - The visualizer: the same z, and for conditional networks the class
//!   `RandomState(seed).randint(c_dim)` drawn from the same generator right after z.

use candle_core::{DType, Device, Tensor};

use crate::nn::random_state::RandomState;
use crate::{Error, Result};

/// `RandomState(seed).randn(z_dim)`, float64.
pub fn z_from_seed(seed: u64, z_dim: usize) -> Result<Vec<f64>> {
    Ok(RandomState::from_seed(seed)?.randn(z_dim))
}

/// z of several seeds as a float32 tensor `[len(seeds), z_dim]` (rounded from float64 as
/// PyTorch's `.to(torch.float32)` does).
pub fn z_tensor(seeds: &[u64], z_dim: usize, device: &Device) -> Result<Tensor> {
    let mut all = Vec::with_capacity(seeds.len() * z_dim);
    for &s in seeds {
        all.extend(z_from_seed(s, z_dim)?);
    }
    let t = Tensor::from_vec(all, (seeds.len(), z_dim), device)?;
    Ok(t.to_dtype(DType::F32)?)
}

/// The visualizer's class for a seed: `randint(c_dim)` after `randn(z_dim)` on the same generator.
pub fn class_from_seed(seed: u64, z_dim: usize, c_dim: usize) -> Result<usize> {
    let mut rng = RandomState::from_seed(seed)?;
    rng.randn(z_dim);
    Ok(rng.randint(c_dim as u64)? as usize)
}

/// A one-hot label `[n, c_dim]` (float32) with `class` set, as `gen_images.py --class`.
pub fn class_label(c_dim: usize, class: usize, n: usize, device: &Device) -> Result<Tensor> {
    if class >= c_dim {
        return Err(Error::Invalid(format!(
            "class {class} is out of range: the network has {c_dim} classes (0 to {})",
            c_dim.saturating_sub(1)
        )));
    }
    let mut v = vec![0f32; n * c_dim];
    for row in 0..n {
        v[row * c_dim + class] = 1.0;
    }
    Ok(Tensor::from_vec(v, (n, c_dim), device)?)
}
