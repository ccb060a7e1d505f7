//! A linear SVM for labelled directions (InterFaceGAN): L2-regularised hinge loss solved by dual
//! coordinate descent (Hsieh et al., ICML 2008, the method behind liblinear), on centred data
//! with an unregularised-in-practice bias feature. The boundary's unit normal is the direction;
//! each class is split 70/30 into training and held-out samples, as InterFaceGAN does, and
//! both accuracies are reported.

use crate::nn::random_state::RandomState;
use crate::{Error, Result};

/// Settings of a fit.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SvmSettings {
    /// Penalty C of the hinge loss.
    pub c: f64,
    /// Share of each class held out for the accuracy estimate.
    pub holdout: f64,
    /// Maximum passes over the data.
    pub max_epochs: usize,
    /// Stop when the projected-gradient spread falls below this.
    pub tolerance: f64,
    /// Seed of the split and of the visiting order.
    pub seed: u32,
}

impl Default for SvmSettings {
    fn default() -> Self {
        Self { c: 1.0, holdout: 0.3, max_epochs: 1000, tolerance: 1e-4, seed: 0 }
    }
}

/// A fitted boundary.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearSvm {
    pub settings: SvmSettings,
    /// Unit normal, pointing toward the positive class.
    pub normal: Vec<f64>,
    /// Decision `normal·(x − mean)·scale + bias > 0` ⇔ positive.
    pub bias: f64,
    /// Mean of the training samples.
    pub mean: Vec<f64>,
    scale: f64,
    pub train_accuracy: f64,
    /// `None` when nothing was held out.
    pub heldout_accuracy: Option<f64>,
    pub n_train: usize,
    pub n_heldout: usize,
    pub epochs: usize,
}

impl LinearSvm {
    /// Fits `samples` (`[n · dim]` row-major) with `labels` (true = positive).
    pub fn fit(samples: &[f64], dim: usize, labels: &[bool], settings: &SvmSettings) -> Result<Self> {
        let n = labels.len();
        if dim == 0 || samples.len() != n * dim {
            return Err(Error::Invalid(format!("{} values are not {n} samples of {dim}", samples.len())));
        }
        if samples.iter().any(|x| !x.is_finite()) {
            return Err(Error::Invalid("SVM samples contain NaN or infinite values".into()));
        }
        let pos: Vec<usize> = (0..n).filter(|&i| labels[i]).collect();
        let neg: Vec<usize> = (0..n).filter(|&i| !labels[i]).collect();
        if pos.len() < 2 || neg.len() < 2 {
            return Err(Error::Invalid(format!(
                "an SVM needs at least 2 positive and 2 negative samples (got {} and {})",
                pos.len(),
                neg.len()
            )));
        }
        if !(0.0..1.0).contains(&settings.holdout) || settings.c <= 0.0 {
            return Err(Error::Invalid("SVM: holdout must be in [0, 1) and C positive".into()));
        }
        let mut rng = RandomState::new(settings.seed);
        let (mut train, mut held) = (Vec::new(), Vec::new());
        for mut class in [pos, neg] {
            shuffle(&mut class, &mut rng);
            let k = ((class.len() as f64) * settings.holdout).round() as usize;
            let k = k.min(class.len() - 1);
            held.extend_from_slice(&class[..k]);
            train.extend_from_slice(&class[k..]);
        }
        let row = |i: usize| &samples[i * dim..(i + 1) * dim];
        let mut mean = vec![0.0; dim];
        for &i in &train {
            for (m, x) in mean.iter_mut().zip(row(i)) {
                *m += x / train.len() as f64;
            }
        }
        // Scale so that the typical sample has norm ~1 (the bias feature is 1).
        let rms =
            (train.iter().map(|&i| row(i).iter().zip(&mean).map(|(x, m)| (x - m).powi(2)).sum::<f64>()).sum::<f64>()
                / train.len() as f64)
                .sqrt();
        let scale = if rms > 0.0 { 1.0 / rms } else { 1.0 };
        let xs: Vec<Vec<f64>> = train
            .iter()
            .map(|&i| {
                let mut v: Vec<f64> = row(i).iter().zip(&mean).map(|(x, m)| (x - m) * scale).collect();
                v.push(1.0);
                v
            })
            .collect();
        let ys: Vec<f64> = train.iter().map(|&i| if labels[i] { 1.0 } else { -1.0 }).collect();
        let (w, epochs) = dual_coordinate_descent(&xs, &ys, settings, &mut rng);
        let bias = w[dim];
        let mut normal = w[..dim].to_vec();
        let norm = normal.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            return Err(Error::Invalid("the SVM found no boundary (all samples identical?)".into()));
        }
        normal.iter_mut().for_each(|x| *x /= norm);
        let mut svm = Self {
            settings: settings.clone(),
            normal,
            bias: bias / norm,
            mean,
            scale,
            train_accuracy: 0.0,
            heldout_accuracy: None,
            n_train: train.len(),
            n_heldout: held.len(),
            epochs,
        };
        svm.train_accuracy = svm.accuracy(samples, dim, labels, &train);
        if !held.is_empty() {
            svm.heldout_accuracy = Some(svm.accuracy(samples, dim, labels, &held));
        }
        Ok(svm)
    }

    /// Whether `x` falls on the positive side.
    pub fn predict(&self, x: &[f64]) -> bool {
        let d: f64 = x.iter().zip(&self.mean).zip(&self.normal).map(|((x, m), n)| (x - m) * self.scale * n).sum();
        d + self.bias > 0.0
    }

    fn accuracy(&self, samples: &[f64], dim: usize, labels: &[bool], idx: &[usize]) -> f64 {
        let right = idx.iter().filter(|&&i| self.predict(&samples[i * dim..(i + 1) * dim]) == labels[i]).count();
        right as f64 / idx.len().max(1) as f64
    }
}

/// Fisher–Yates with NumPy's bounded integers.
fn shuffle(v: &mut [usize], rng: &mut RandomState) {
    for i in (1..v.len()).rev() {
        let j = rng.randint(i as u64 + 1).unwrap_or(0) as usize;
        v.swap(i, j);
    }
}

/// Dual coordinate descent for the L1-loss SVM; returns the primal weights and the epochs run.
fn dual_coordinate_descent(xs: &[Vec<f64>], ys: &[f64], s: &SvmSettings, rng: &mut RandomState) -> (Vec<f64>, usize) {
    let dim = xs[0].len();
    let n = xs.len();
    let mut w = vec![0.0; dim];
    let mut alpha = vec![0.0; n];
    let q: Vec<f64> = xs.iter().map(|x| x.iter().map(|v| v * v).sum()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    let mut epochs = 0;
    while epochs < s.max_epochs {
        epochs += 1;
        shuffle(&mut order, rng);
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        for &i in &order {
            if q[i] == 0.0 {
                continue;
            }
            let g = ys[i] * xs[i].iter().zip(&w).map(|(a, b)| a * b).sum::<f64>() - 1.0;
            let pg = if alpha[i] == 0.0 {
                g.min(0.0)
            } else if alpha[i] == s.c {
                g.max(0.0)
            } else {
                g
            };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg != 0.0 {
                let old = alpha[i];
                alpha[i] = (old - g / q[i]).clamp(0.0, s.c);
                let step = (alpha[i] - old) * ys[i];
                for (wj, xj) in w.iter_mut().zip(&xs[i]) {
                    *wj += step * xj;
                }
            }
        }
        if pg_max - pg_min < s.tolerance {
            break;
        }
    }
    (w, epochs)
}
