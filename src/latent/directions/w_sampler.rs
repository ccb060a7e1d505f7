//! A reproducible stream of random `w`: z ~ N(0, I) drawn from one NumPy `RandomState(seed)`
//! stream (so results do not depend on the batch size), mapped without truncation unless asked.
//! Conditional networks draw a uniformly random class per sample from the same stream.

use candle_core::{DType, Device, Tensor};

use crate::Result;
use crate::latent::seeds::class_label;
use crate::nn::generator::Generator;
use crate::nn::random_state::RandomState;

pub struct WSampler<'g> {
    generator: &'g Generator,
    rng: RandomState,
    psi: f64,
    device: Device,
}

impl<'g> WSampler<'g> {
    pub fn new(generator: &'g Generator, seed: u32, psi: f64) -> Self {
        let device = generator.w_avg().device().clone();
        Self { generator, rng: RandomState::new(seed), psi, device }
    }

    /// The next `n` samples of w, `[n, w_dim]` float32 (row 0 of the mapped ws).
    pub fn next_batch(&mut self, n: usize) -> Result<Tensor> {
        let cfg = self.generator.config();
        let (z_dim, c_dim) = (cfg.z_dim(), cfg.c_dim());
        let z = self.rng.randn(n * z_dim);
        let z = Tensor::from_vec(z, (n, z_dim), &self.device)?.to_dtype(DType::F32)?;
        let c = if c_dim > 0 {
            let rows = (0..n)
                .map(|_| class_label(c_dim, self.rng.randint(c_dim as u64)? as usize, 1, &self.device))
                .collect::<Result<Vec<_>>>()?;
            Some(Tensor::cat(&rows, 0)?)
        } else {
            None
        };
        let ws = self.generator.mapping(&z, c.as_ref(), self.psi, None)?;
        Ok(ws.narrow(1, 0, 1)?.squeeze(1)?.to_dtype(DType::F32)?)
    }

    /// `n` samples as row-major float64 (`[n · w_dim]`).
    pub fn sample_f64(&mut self, n: usize) -> Result<Vec<f64>> {
        Ok(self.next_batch(n)?.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?)
    }
}

/// The standard deviation of the projections of `n` sampled w onto each unit direction
/// (`[w_dim]` each): the "σ" slider unit of directions that do not come with one.
pub fn projection_sigmas(generator: &Generator, directions: &[Vec<f64>], n: usize, seed: u32) -> Result<Vec<f64>> {
    let w_dim = generator.config().w_dim();
    let samples = WSampler::new(generator, seed, 1.0).sample_f64(n.max(2))?;
    let count = samples.len() / w_dim;
    Ok(directions
        .iter()
        .map(|v| {
            let proj: Vec<f64> =
                samples.chunks_exact(w_dim).map(|w| w.iter().zip(v).map(|(a, b)| a * b).sum()).collect();
            let mean = proj.iter().sum::<f64>() / count as f64;
            (proj.iter().map(|p| (p - mean) * (p - mean)).sum::<f64>() / (count - 1) as f64).sqrt()
        })
        .collect())
}
