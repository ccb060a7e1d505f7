//! A named latent direction with its slider unit σ.

use crate::{Error, Result};

/// A direction in W (one row, the same offset on every edited W+ row) or W+ (one row per W+
/// row, e.g. an InterFaceGAN boundary of shape `(num_ws, 512)`).
#[derive(Clone, Debug, PartialEq)]
pub struct Direction {
    pub name: String,
    pub w_dim: usize,
    /// 1, or `num_ws` for a W+ direction.
    pub rows: usize,
    /// `[rows, w_dim]` row-major; each non-zero row has unit length.
    pub values: Vec<f32>,
    /// One slider unit: the standard deviation of sampled w along the direction (1 when unknown).
    pub sigma: f64,
}

impl Direction {
    /// A W direction from any non-zero vector (normalised to unit length).
    pub fn new(name: impl Into<String>, v: &[f64], sigma: f64) -> Result<Self> {
        Self::with_rows(name, v, 1, v.len(), sigma)
    }

    /// A direction of `rows` rows of `w_dim` values; every row is normalised (zero rows stay zero).
    pub fn with_rows(name: impl Into<String>, v: &[f64], rows: usize, w_dim: usize, sigma: f64) -> Result<Self> {
        let name = name.into();
        if rows == 0 || w_dim == 0 || v.len() != rows * w_dim {
            return Err(Error::Invalid(format!(
                "direction `{name}`: {} values do not make {rows} rows of {w_dim}",
                v.len()
            )));
        }
        if v.iter().any(|x| !x.is_finite()) {
            return Err(Error::Invalid(format!("direction `{name}` contains NaN or infinite values")));
        }
        let mut values = Vec::with_capacity(v.len());
        let mut any = false;
        for row in v.chunks_exact(w_dim) {
            let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
            any |= norm > 0.0;
            values.extend(row.iter().map(|x| if norm > 0.0 { (x / norm) as f32 } else { 0.0 }));
        }
        if !any {
            return Err(Error::Invalid(format!("direction `{name}` is zero")));
        }
        let sigma = if sigma.is_finite() && sigma > 0.0 { sigma } else { 1.0 };
        Ok(Self { name, w_dim, rows, values, sigma })
    }

    /// Row `i` (the only row of a W direction, whatever `i`).
    pub fn row(&self, i: usize) -> &[f32] {
        let r = if self.rows == 1 { 0 } else { i.min(self.rows - 1) };
        &self.values[r * self.w_dim..(r + 1) * self.w_dim]
    }

    /// The direction as one W vector (the normalised mean of its rows), float64.
    pub fn mean_vector(&self) -> Vec<f64> {
        let mut m = vec![0.0f64; self.w_dim];
        for row in self.values.chunks_exact(self.w_dim) {
            for (a, b) in m.iter_mut().zip(row) {
                *a += *b as f64;
            }
        }
        let norm = m.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 0.0 {
            m.iter_mut().for_each(|x| *x /= norm);
        }
        m
    }
}
