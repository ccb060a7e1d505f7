//! The labelling view's "Train SVM": open the network on the job's thread, fit the boundary of
//! the labelled seeds, condition it on the chosen directions, and hand back a named slider.

use std::path::{Path, PathBuf};

use candle_core::Device;

use crate::Result;
use crate::checkpoint::Checkpoint;
use crate::jobs::job::JobOutput;
use crate::latent::directions::{Direction, SvmSettings, default_layers, svm_direction};
use crate::progress::{Monitor, SubRange};

/// What the labelling view asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct SvmRequest {
    pub network: PathBuf,
    /// The slider's name.
    pub name: String,
    /// `(seed, positive)`.
    pub labels: Vec<(u64, bool)>,
    pub settings: SvmSettings,
    /// Directions to project out, by name (W vectors).
    pub conditions: Vec<(String, Vec<f64>)>,
}

/// A trained direction, ready to become a slider.
#[derive(Clone, Debug, PartialEq)]
pub struct SvmOutcome {
    pub network: PathBuf,
    pub w_dim: usize,
    pub num_ws: usize,
    pub default_layers: (usize, usize),
    pub direction: Direction,
    pub train_accuracy: f64,
    pub heldout_accuracy: Option<f64>,
    pub n_train: usize,
    pub n_heldout: usize,
    /// Names of the directions projected out.
    pub conditioned_on: Vec<String>,
}

impl SvmOutcome {
    /// `held-out accuracy 97.5 % (40 of 133 held out), training 100.0 %`.
    pub fn accuracy_text(&self) -> String {
        let held = self.heldout_accuracy.map_or_else(|| "n/a".to_string(), |a| format!("{:.1} %", 100.0 * a));
        let mut t = format!(
            "held-out accuracy {held} ({} of {} held out), training {:.1} %",
            self.n_heldout,
            self.n_heldout + self.n_train,
            100.0 * self.train_accuracy
        );
        if !self.conditioned_on.is_empty() {
            t.push_str(&format!("; conditioned on {}", self.conditioned_on.join(", ")));
        }
        t
    }
}

impl JobOutput for SvmOutcome {
    fn summary(&self) -> String {
        format!("{}: {}", self.direction.name, self.accuracy_text())
    }
}

/// Runs `request` (truncation 1: the SVM centres and scales its samples, so ψ would not change
/// the normal).
pub fn train_svm(request: &SvmRequest, monitor: &dyn Monitor) -> Result<SvmOutcome> {
    let net: &Path = &request.network;
    monitor.log(&format!("opening {}", net.display()));
    let g = Checkpoint::open(net).and_then(|c| c.load_generator(&Device::Cpu)).map_err(|e| e.in_file(net))?;
    monitor.set_fraction(0.1)?;
    let c = g.config();
    let conditions: Vec<Vec<f64>> = request.conditions.iter().map(|(_, v)| v.clone()).collect();
    let found =
        svm_direction(&g, &request.labels, 1.0, &request.settings, &conditions, &SubRange::new(monitor, 0.1, 1.0))?;
    let direction = Direction::new(request.name.clone(), &found.normal, found.sigma)?;
    Ok(SvmOutcome {
        network: net.to_path_buf(),
        w_dim: c.w_dim(),
        num_ws: c.num_ws(),
        default_layers: default_layers(c.num_ws(), c.has_input_transform()),
        direction,
        train_accuracy: found.fit.train_accuracy,
        heldout_accuracy: found.fit.heldout_accuracy,
        n_train: found.fit.n_train,
        n_heldout: found.fit.n_heldout,
        conditioned_on: request.conditions.iter().map(|(n, _)| n.clone()).collect(),
    })
}
