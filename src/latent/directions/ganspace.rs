//! GANSpace (Härkönen et al., NeurIPS 2020) in W: PCA of sampled w. The covariance is
//! accumulated in float64 batch by batch (samples are never all held in memory), centred on the
//! first batch's mean to avoid cancellation, and decomposed with the symmetric eigen-solver.
//! σ_i is the standard deviation of the samples' projections on component i (= √λ_i), and the
//! explained-variance ratio is λ_i / Σλ.

use candle_core::{DType, Tensor};

use crate::latent::directions::symmetric_eigen::SymmetricEigen;
use crate::latent::directions::w_sampler::WSampler;
use crate::nn::generator::Generator;
use crate::progress::Monitor;
use crate::{Error, Result};

/// Settings of a GANSpace run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GanSpaceSettings {
    /// Samples (default 100,000).
    pub samples: usize,
    /// Components kept (capped at w_dim).
    pub components: usize,
    /// Seed of the z stream.
    pub seed: u32,
    /// Samples mapped per batch (does not change the result beyond rounding).
    pub batch: usize,
}

impl Default for GanSpaceSettings {
    fn default() -> Self {
        Self { samples: 100_000, components: 80, seed: 1, batch: 4096 }
    }
}

/// Principal components of W.
#[derive(Clone, Debug, PartialEq)]
pub struct GanSpace {
    pub settings: GanSpaceSettings,
    /// Mean w.
    pub mean: Vec<f64>,
    /// Unit components, strongest first.
    pub components: Vec<Vec<f64>>,
    /// Standard deviation along each component.
    pub sigma: Vec<f64>,
    /// Share of the total variance along each component.
    pub variance_ratio: Vec<f64>,
}

impl GanSpace {
    /// Samples `settings.samples` w from `generator` and decomposes their covariance. Reports
    /// progress per batch and stops with [`Error::Cancelled`] when the monitor says so.
    pub fn compute(generator: &Generator, settings: &GanSpaceSettings, monitor: &dyn Monitor) -> Result<Self> {
        if settings.samples < 2 || settings.batch == 0 {
            return Err(Error::Invalid(format!(
                "GANSpace needs at least 2 samples and a batch of at least 1 (got {} and {})",
                settings.samples, settings.batch
            )));
        }
        let w_dim = generator.config().w_dim();
        let mut sampler = WSampler::new(generator, settings.seed, 1.0);
        let mut acc = CovarianceSum::new(w_dim);
        let mut done = 0;
        monitor.set_count(0, settings.samples as u64)?;
        while done < settings.samples {
            let n = settings.batch.min(settings.samples - done);
            let batch = sampler.next_batch(n)?;
            acc.add(&batch)?;
            done += n;
            monitor.set_count(done as u64, settings.samples as u64)?;
        }
        let (mean, cov) = acc.finish()?;
        let mut out = Self::from_covariance(mean, &cov, settings.components)?;
        out.settings = settings.clone();
        monitor.log(&format!(
            "GANSpace: {} samples, {} components, first σ {:.4}",
            settings.samples,
            out.components.len(),
            out.sigma.first().copied().unwrap_or(0.0)
        ));
        Ok(out)
    }

    /// PCA of the samples `[n · w_dim]` (row-major), keeping `k` components.
    pub fn from_samples(samples: &[f64], w_dim: usize, k: usize) -> Result<Self> {
        let n = samples.len().checked_div(w_dim).unwrap_or(0);
        if n < 2 || samples.len() != n * w_dim {
            return Err(Error::Invalid(format!("PCA needs at least 2 rows of {w_dim} values")));
        }
        let mut acc = CovarianceSum::new(w_dim);
        acc.add(&Tensor::from_slice(samples, (n, w_dim), &candle_core::Device::Cpu)?)?;
        let (mean, cov) = acc.finish()?;
        let mut out = Self::from_covariance(mean, &cov, k)?;
        out.settings.samples = n;
        Ok(out)
    }

    fn from_covariance(mean: Vec<f64>, cov: &[f64], k: usize) -> Result<Self> {
        let w_dim = mean.len();
        let eig = SymmetricEigen::new(cov, w_dim)?;
        let total: f64 = eig.values.iter().map(|v| v.max(0.0)).sum();
        let k = k.clamp(1, w_dim);
        let sigma = eig.values.iter().take(k).map(|v| v.max(0.0).sqrt()).collect();
        let variance_ratio =
            eig.values.iter().take(k).map(|v| if total > 0.0 { v.max(0.0) / total } else { 0.0 }).collect();
        Ok(Self {
            settings: GanSpaceSettings { components: k, ..GanSpaceSettings::default() },
            mean,
            components: eig.vectors.into_iter().take(k).collect(),
            sigma,
            variance_ratio,
        })
    }
}

/// Running sums for a covariance matrix, shifted by the first batch's mean.
struct CovarianceSum {
    dim: usize,
    count: usize,
    shift: Option<Tensor>,
    sum: Option<Tensor>,
    outer: Option<Tensor>,
}

impl CovarianceSum {
    fn new(dim: usize) -> Self {
        Self { dim, count: 0, shift: None, sum: None, outer: None }
    }

    /// Adds `[n, dim]` samples.
    fn add(&mut self, batch: &Tensor) -> Result<()> {
        let x = batch.to_dtype(DType::F64)?;
        let n = x.dim(0)?;
        if n == 0 {
            return Ok(());
        }
        let shift = match &self.shift {
            Some(s) => s.clone(),
            None => {
                let s = x.mean_keepdim(0)?;
                self.shift = Some(s.clone());
                s
            }
        };
        let xc = x.broadcast_sub(&shift)?;
        let s = xc.sum_keepdim(0)?;
        let o = xc.t()?.matmul(&xc)?;
        self.sum = Some(match self.sum.take() {
            Some(t) => (t + s)?,
            None => s,
        });
        self.outer = Some(match self.outer.take() {
            Some(t) => (t + o)?,
            None => o,
        });
        self.count += n;
        Ok(())
    }

    /// The mean and the (n − 1)-normalised covariance, row-major.
    fn finish(self) -> Result<(Vec<f64>, Vec<f64>)> {
        let (Some(shift), Some(sum), Some(outer)) = (self.shift, self.sum, self.outer) else {
            return Err(Error::Invalid("no samples".into()));
        };
        let n = self.count as f64;
        let d = self.dim;
        let shift = shift.flatten_all()?.to_vec1::<f64>()?;
        let sum = sum.flatten_all()?.to_vec1::<f64>()?;
        let outer = outer.flatten_all()?.to_vec1::<f64>()?;
        let mc: Vec<f64> = sum.iter().map(|s| s / n).collect();
        let mean = shift.iter().zip(&mc).map(|(a, b)| a + b).collect();
        let mut cov = vec![0.0; d * d];
        for i in 0..d {
            for j in 0..d {
                cov[i * d + j] = (outer[i * d + j] - n * mc[i] * mc[j]) / (n - 1.0);
            }
        }
        Ok((mean, cov))
    }
}
