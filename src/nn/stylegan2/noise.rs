//! The noise inputs of StyleGAN2 layers for one forward pass.

use candle_core::{DType, Device, Tensor};

use crate::Result;
use crate::nn::generator::NoiseMode;
use crate::nn::random_state::RandomState;

/// Where the per-layer noise of one synthesis call comes from.
///
/// `Random` draws `[N, 1, res, res]` standard normal values per layer, in forward order, from
/// one NumPy-compatible generator seeded with the call's `noise_seed`, so the same seed gives the
/// same images. PyTorch's `torch.randn` stream (what NVIDIA's code uses) cannot be reproduced
/// outside PyTorch, so random-noise images never match NVIDIA's pixel for pixel.
#[derive(Debug)]
pub enum NoiseSource {
    Const,
    None,
    Random(Box<RandomState>),
}

impl NoiseSource {
    pub fn new(mode: NoiseMode, seed: u64) -> Self {
        match mode {
            NoiseMode::Const => Self::Const,
            NoiseMode::None => Self::None,
            // NumPy seeds are 32-bit; wider seeds are folded so that every u64 is accepted.
            NoiseMode::Random => Self::Random(Box::new(RandomState::new((seed ^ (seed >> 32)) as u32))),
        }
    }

    /// Unscaled noise for a layer of resolution `res` (`None` when the layer adds none):
    /// `noise_const [res, res]` in const mode, fresh `[n, 1, res, res]` in random mode.
    pub fn draw(
        &mut self,
        n: usize,
        res: usize,
        noise_const: Option<&Tensor>,
        device: &Device,
    ) -> Result<Option<Tensor>> {
        match self {
            Self::None => Ok(None),
            Self::Const => Ok(noise_const.cloned()),
            Self::Random(rng) => {
                let v: Vec<f32> = rng.randn(n * res * res).into_iter().map(|x| x as f32).collect();
                Ok(Some(Tensor::from_vec(v, (n, 1, res, res), device)?.to_dtype(DType::F32)?))
            }
        }
    }
}
