//! Where an equivariance run takes its random numbers from: our own seeded generator, or the
//! draws recorded from another run (replay), so that a number can be compared one to one with a
//! reference run.
//!
//! Per batch of `B` samples NVIDIA's `compute_equivariance_metrics` draws `z ~ N(0, I)` `[B,
//! z_dim]` and then, for the metric, one transform for the whole batch from uniforms: two for a
//! translation (`t = (u·2 − 1)·translate_max`), one for a rotation (`angle = (u·2 − 1)·π·rotate_max`).
//!
//! - [`Draws::seeded`]: NumPy's legacy `RandomState(seed)` (`crate::nn::random_state`), per batch
//!   in this order: `B·z_dim` standard normals (`randn`, row-major, rounded to float32), for a
//!   conditional network `B` classes `randint(c_dim)` (one-hot labels; NVIDIA draws labels from
//!   the training set instead), then the metric's uniforms (`random_sample`, rounded to float32).
//!   The same seed and batch size give the same numbers.
//! - [`Draws::recorded`]: `z` as `[batches, B, z_dim]` and `u` as `[batches, k]` (`k` uniforms per
//!   batch; `[batches]` when `k = 1`), the layouts of the fixtures' `eq_*_z.npy` / `eq_*_u.npy`.

use std::path::Path;

use candle_core::{DType, Device, Tensor};

use crate::analysis::equivariance::EquivarianceOptions;
use crate::error::ResultExt;
use crate::nn::random_state::RandomState;
use crate::{Error, Result};

/// The random inputs of one batch.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchDraws {
    /// `[B·z_dim]`, row-major.
    pub z: Vec<f32>,
    /// One class per sample for conditional networks, else empty.
    pub classes: Vec<usize>,
    /// The metric's uniforms in `[0, 1)`.
    pub u: Vec<f32>,
}

impl BatchDraws {
    /// `z` as a `[B, z_dim]` tensor.
    pub fn z_tensor(&self, z_dim: usize, device: &Device) -> Result<Tensor> {
        Ok(Tensor::from_vec(self.z.clone(), (self.z.len() / z_dim.max(1), z_dim), device)?)
    }

    /// One-hot labels `[B, c_dim]`, or `None` for an unconditional network.
    pub fn labels(&self, c_dim: usize, device: &Device) -> Result<Option<Tensor>> {
        if c_dim == 0 {
            return Ok(None);
        }
        let mut v = vec![0f32; self.classes.len() * c_dim];
        for (row, &c) in self.classes.iter().enumerate() {
            v[row * c_dim + c] = 1.0;
        }
        Ok(Some(Tensor::from_vec(v, (self.classes.len(), c_dim), device)?))
    }
}

/// Recorded latents and uniforms.
#[derive(Clone, Debug)]
pub struct Recorded {
    z: Vec<f32>,
    u: Vec<f32>,
    batches: usize,
    batch: usize,
    z_dim: usize,
    u_per_batch: usize,
    next: usize,
}

/// The source of an equivariance run's random numbers.
#[derive(Clone, Debug)]
pub enum Draws {
    Seeded { seed: u64, rng: Box<RandomState> },
    Recorded(Recorded),
}

fn host_f32(t: &Tensor) -> Result<Vec<f32>> {
    Ok(t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?)
}

impl Draws {
    /// Our own draws from `RandomState(seed)` (seeds 0 to 2³² − 1, as NumPy).
    pub fn seeded(seed: u64) -> Result<Self> {
        Ok(Self::Seeded { seed, rng: Box::new(RandomState::from_seed(seed)?) })
    }

    /// Replays `z` `[batches, B, z_dim]` and `u` `[batches, u_per_batch]` (or `[batches]`).
    pub fn recorded_from(z: &Tensor, u: &Tensor, u_per_batch: usize) -> Result<Self> {
        let &[batches, batch, z_dim] = z.dims() else {
            return Err(Error::Invalid(format!("recorded z must be [batches, batch, z_dim], found {:?}", z.dims())));
        };
        let u_ok = match u.dims() {
            [n] => *n == batches && u_per_batch == 1,
            [n, k] => *n == batches && *k == u_per_batch,
            _ => false,
        };
        if !u_ok {
            let want = if u_per_batch == 1 {
                format!("[{batches}] or [{batches}, 1]")
            } else {
                format!("[{batches}, {u_per_batch}]")
            };
            return Err(Error::Invalid(format!(
                "recorded uniforms have shape {:?}; this metric draws {u_per_batch} per batch, so {want} goes with z of shape {:?}",
                u.dims(),
                z.dims()
            )));
        }
        if batches == 0 || batch == 0 {
            return Err(Error::Invalid(format!("recorded z of shape {:?} holds no samples", z.dims())));
        }
        let (z, u) = (host_f32(z)?, host_f32(u)?);
        if z.iter().any(|v| !v.is_finite()) {
            return Err(Error::Invalid("recorded z holds NaN or infinite values".into()));
        }
        if u.iter().any(|v| !(0.0..=1.0).contains(v)) {
            return Err(Error::Invalid("recorded uniforms must lie in [0, 1]".into()));
        }
        Ok(Self::Recorded(Recorded { z, u, batches, batch, z_dim, u_per_batch, next: 0 }))
    }

    /// Replays the `.npy` files `z_path` and `u_path` (see [`Draws::recorded_from`]); errors name
    /// the file.
    pub fn recorded(z_path: &Path, u_path: &Path, u_per_batch: usize) -> Result<Self> {
        let z = Tensor::read_npy(z_path).in_file(z_path)?;
        let u = Tensor::read_npy(u_path).in_file(u_path)?;
        Self::recorded_from(&z, &u, u_per_batch).map_err(|e| match e {
            Error::Invalid(msg) => Error::Invalid(format!("{} and {}: {msg}", z_path.display(), u_path.display())),
            other => other,
        })
    }

    /// The batch size the draws impose (recorded draws), if any.
    pub fn fixed_batch(&self) -> Option<usize> {
        match self {
            Self::Seeded { .. } => None,
            Self::Recorded(r) => Some(r.batch),
        }
    }

    /// How many samples the draws hold (recorded draws), if limited.
    pub fn available_samples(&self) -> Option<usize> {
        match self {
            Self::Seeded { .. } => None,
            Self::Recorded(r) => Some(r.batches * r.batch),
        }
    }

    /// The seed of seeded draws.
    pub fn seed(&self) -> Option<u64> {
        match self {
            Self::Seeded { seed, .. } => Some(*seed),
            Self::Recorded(_) => None,
        }
    }

    /// The run's sample count and batch size: for seeded draws `num_samples` (default
    /// `default_samples`) in batches of `batch` (default 4); recorded draws fix the batch size
    /// and hold a limited number of samples (all of them by default).
    pub fn options(
        &self,
        num_samples: Option<usize>,
        batch: Option<usize>,
        default_samples: usize,
    ) -> Result<EquivarianceOptions> {
        let (num_samples, batch_size) = match self {
            Self::Seeded { .. } => (num_samples.unwrap_or(default_samples), batch.unwrap_or(4)),
            Self::Recorded(r) => {
                if let Some(b) = batch.filter(|&b| b != r.batch) {
                    return Err(Error::Invalid(format!(
                        "--batch {b} differs from the recorded draws' batch size {}",
                        r.batch
                    )));
                }
                let available = r.batches * r.batch;
                let n = num_samples.unwrap_or(available);
                if n > available {
                    return Err(Error::Invalid(format!(
                        "the recorded draws hold {available} samples; {n} were asked for"
                    )));
                }
                (n, r.batch)
            }
        };
        if num_samples == 0 || batch_size == 0 {
            return Err(Error::Invalid("the number of samples and the batch size must be at least 1".into()));
        }
        Ok(EquivarianceOptions { num_samples, batch_size, ..Default::default() })
    }

    /// The next batch: `batch` latents of width `z_dim`, classes for `c_dim > 0`, `n_u` uniforms.
    pub fn next_batch(&mut self, batch: usize, z_dim: usize, c_dim: usize, n_u: usize) -> Result<BatchDraws> {
        match self {
            Self::Seeded { rng, .. } => {
                let z = rng.randn(batch * z_dim).into_iter().map(|v| v as f32).collect();
                let classes = if c_dim > 0 {
                    (0..batch).map(|_| rng.randint(c_dim as u64).map(|c| c as usize)).collect::<Result<_>>()?
                } else {
                    vec![]
                };
                let u = (0..n_u).map(|_| rng.random_sample() as f32).collect();
                Ok(BatchDraws { z, classes, u })
            }
            Self::Recorded(r) => {
                if c_dim > 0 {
                    return Err(Error::Unsupported(
                        "replaying recorded draws for a conditional network (the labels were not recorded)".into(),
                    ));
                }
                if z_dim != r.z_dim {
                    return Err(Error::Invalid(format!(
                        "recorded z has width {}, the network's z_dim is {z_dim}",
                        r.z_dim
                    )));
                }
                if batch != r.batch || n_u != r.u_per_batch {
                    return Err(Error::Invalid(format!(
                        "recorded draws hold batches of {} with {} uniforms each; asked for {batch} with {n_u}",
                        r.batch, r.u_per_batch
                    )));
                }
                if r.next >= r.batches {
                    return Err(Error::Invalid(format!("the recorded draws hold only {} batches", r.batches)));
                }
                let i = r.next;
                r.next += 1;
                let zs = r.batch * r.z_dim;
                let z = r.z[i * zs..(i + 1) * zs].to_vec();
                let u = r.u[i * n_u..(i + 1) * n_u].to_vec();
                Ok(BatchDraws { z, classes: vec![], u })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_draws_follow_numpy_order_and_repeat() {
        let mut a = Draws::seeded(7).unwrap();
        let mut b = Draws::seeded(7).unwrap();
        let x = a.next_batch(2, 3, 0, 2).unwrap();
        assert_eq!(x, b.next_batch(2, 3, 0, 2).unwrap());
        // RandomState(7): randn(6), then random_sample() twice.
        let mut rng = RandomState::new(7);
        let z: Vec<f32> = rng.randn(6).into_iter().map(|v| v as f32).collect();
        let u: Vec<f32> = (0..2).map(|_| rng.random_sample() as f32).collect();
        assert_eq!((x.z.clone(), x.u.clone()), (z, u));
        assert_ne!(a.next_batch(2, 3, 0, 2).unwrap().z, x.z, "the second batch continues the stream");
        let c = Draws::seeded(1).unwrap().next_batch(4, 2, 10, 1).unwrap();
        assert_eq!(c.classes.len(), 4);
        assert!(c.classes.iter().all(|&k| k < 10));
        let l = c.labels(10, &Device::Cpu).unwrap().unwrap();
        assert_eq!(l.sum_all().unwrap().to_scalar::<f32>().unwrap(), 4.0);
        assert!(Draws::seeded(1 << 32).is_err());
    }

    #[test]
    fn recorded_draws_replay_batch_by_batch_and_check_shapes() {
        let z = Tensor::arange(0f32, 24.0, &Device::Cpu).unwrap().reshape((3, 2, 4)).unwrap();
        let u = Tensor::new(&[[0.1f32, 0.2], [0.3, 0.4], [0.5, 0.6]], &Device::Cpu).unwrap();
        let mut d = Draws::recorded_from(&z, &u, 2).unwrap();
        assert_eq!((d.fixed_batch(), d.available_samples()), (Some(2), Some(6)));
        let b1 = d.next_batch(2, 4, 0, 2).unwrap();
        let b2 = d.next_batch(2, 4, 0, 2).unwrap();
        assert_eq!(b1.z, (0..8).map(|v| v as f32).collect::<Vec<_>>());
        assert_eq!(b2.u, vec![0.3, 0.4]);
        assert!(d.next_batch(2, 5, 0, 2).unwrap_err().to_string().contains("z_dim is 5"));
        d.next_batch(2, 4, 0, 2).unwrap();
        assert!(d.next_batch(2, 4, 0, 2).unwrap_err().to_string().contains("only 3 batches"));
        // A rotation draws one uniform per batch: [batches] is accepted, [batches, 2] is not.
        let u1 = Tensor::new(&[0.1f32, 0.2, 0.3], &Device::Cpu).unwrap();
        assert!(Draws::recorded_from(&z, &u1, 1).is_ok());
        let e = Draws::recorded_from(&z, &u, 1).unwrap_err().to_string();
        assert!(e.contains("[3] or [3, 1]"), "{e}");
        assert!(Draws::recorded_from(&z.reshape((6, 4)).unwrap(), &u, 2).is_err());
        assert_eq!(d.options(None, None, 50_000).unwrap().num_samples, 6);
        assert_eq!(d.options(Some(3), Some(2), 50_000).unwrap().num_batches(), 2);
        assert!(d.options(Some(7), None, 50_000).unwrap_err().to_string().contains("hold 6 samples"));
        assert!(d.options(None, Some(4), 50_000).unwrap_err().to_string().contains("batch size 2"));
        let s = Draws::seeded(0).unwrap().options(None, None, 50_000).unwrap();
        assert_eq!((s.num_samples, s.batch_size), (50_000, 4));
        assert!(Draws::seeded(0).unwrap().options(Some(0), None, 50_000).is_err());
        let mut cond = Draws::recorded_from(&z, &u, 2).unwrap();
        assert!(matches!(cond.next_batch(2, 4, 3, 2), Err(Error::Unsupported(_))));
    }
}
