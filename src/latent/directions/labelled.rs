//! A labelled direction end to end: map labelled seeds to w, fit the linear SVM, take the unit
//! normal, optionally condition it on other directions (project them out and renormalise), and
//! measure its σ. Used by `stylescope directions svm` and the window's labelling view.

use candle_core::{DType, Device};

use crate::latent::directions::direction_file::SIGMA_SAMPLES;
use crate::latent::directions::{LinearSvm, SvmSettings, project_out, projection_sigmas};
use crate::latent::z_tensor;
use crate::nn::Generator;
use crate::progress::{Monitor, SubRange};
use crate::{Error, Result};

/// Seeds mapped per batch.
const BATCH: usize = 256;

/// The result of [`svm_direction`].
#[derive(Clone, Debug)]
pub struct LabelledDirection {
    /// The fitted boundary (its accuracies are those of the unconditioned normal).
    pub fit: LinearSvm,
    /// The unit direction: the boundary's normal, with the conditions projected out.
    pub normal: Vec<f64>,
    /// σ of sampled w along `normal`.
    pub sigma: f64,
    /// Whether conditions were projected out.
    pub conditioned: bool,
}

/// The w (row 0 of W+) of `seeds` at truncation `psi`, `[n · w_dim]` float64.
pub fn seeds_to_w(g: &Generator, seeds: &[u64], psi: f64, monitor: &dyn Monitor) -> Result<Vec<f64>> {
    let c = g.config();
    if c.c_dim() > 0 {
        return Err(Error::Invalid("labelled directions support unconditional networks only".into()));
    }
    let mut out = Vec::with_capacity(seeds.len() * c.w_dim());
    for (i, chunk) in seeds.chunks(BATCH).enumerate() {
        monitor.check()?;
        let z = z_tensor(chunk, c.z_dim(), &Device::Cpu)?;
        let ws = g.mapping(&z, None, psi, None)?;
        out.extend(ws.narrow(1, 0, 1)?.squeeze(1)?.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?);
        monitor.set_count(((i + 1) * BATCH).min(seeds.len()) as u64, seeds.len() as u64)?;
    }
    Ok(out)
}

/// Fits a boundary to `labels` (`seed, positive`) and returns its unit normal, conditioned on
/// `conditions` (W vectors of width `w_dim`). A normal that lies in the span of the conditions
/// is an error (nothing would be left to move along).
pub fn svm_direction(
    g: &Generator,
    labels: &[(u64, bool)],
    psi: f64,
    settings: &SvmSettings,
    conditions: &[Vec<f64>],
    monitor: &dyn Monitor,
) -> Result<LabelledDirection> {
    let w_dim = g.config().w_dim();
    let seeds: Vec<u64> = labels.iter().map(|(s, _)| *s).collect();
    let w = seeds_to_w(g, &seeds, psi, &SubRange::new(monitor, 0.0, 0.4))?;
    let y: Vec<bool> = labels.iter().map(|(_, l)| *l).collect();
    monitor.log(&format!("fitting a linear SVM to {} samples of width {w_dim}", labels.len()));
    let fit = LinearSvm::fit(&w, w_dim, &y, settings)?;
    monitor.set_fraction(0.5)?;
    let normal = if conditions.is_empty() {
        fit.normal.clone()
    } else {
        project_out(&fit.normal, conditions).map_err(|e| match e {
            Error::Invalid(m) => Error::Invalid(format!("conditional direction: {m}")),
            other => other,
        })?
    };
    monitor.log(&format!("measuring σ over {SIGMA_SAMPLES} samples"));
    let sigma = projection_sigmas(g, std::slice::from_ref(&normal), SIGMA_SAMPLES, 0)?.first().copied().unwrap_or(1.0);
    monitor.set_fraction(1.0)?;
    Ok(LabelledDirection { fit, normal, sigma, conditioned: !conditions.is_empty() })
}
