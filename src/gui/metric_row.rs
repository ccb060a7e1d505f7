//! One finished metric run as the results table shows it: which view and network it measured,
//! the value and the settings that make it reproducible.

use std::path::PathBuf;

use crate::analysis::metric_result::{DrawSource, MetricResult};
use crate::analysis::registry::MetricId;
use crate::gui::side::Side;
use crate::jobs::{JobId, MetricOutcome};

#[derive(Clone, Debug, PartialEq)]
pub struct MetricRow {
    /// The job of this session that made it; `None` for a line read back from a results file
    /// (an earlier session's or the command line's run).
    pub job: Option<JobId>,
    /// The view the run was started for.
    pub side: Side,
    /// The network file measured.
    pub network: PathBuf,
    pub metric: MetricId,
    /// PSNR in dB.
    pub value: f64,
    pub num_samples: usize,
    /// `None` when replayed draws were used.
    pub seed: Option<u64>,
    /// The `metric-<name>.jsonl` file the line went to.
    pub saved_to: Option<PathBuf>,
    /// When the run ended (seconds since the Unix epoch).
    pub timestamp: f64,
}

impl MetricRow {
    /// The row of a finished run.
    pub fn new(job: JobId, side: Side, network: PathBuf, outcome: &MetricOutcome) -> Self {
        Self::from_result(Some(job), side, network, &outcome.result, outcome.saved_to.clone())
    }

    /// The row of a result line read back from `file` (a `metric-<name>.jsonl`).
    pub fn saved(side: Side, network: PathBuf, result: &MetricResult, file: PathBuf) -> Self {
        Self::from_result(None, side, network, result, Some(file))
    }

    fn from_result(
        job: Option<JobId>,
        side: Side,
        network: PathBuf,
        r: &MetricResult,
        saved_to: Option<PathBuf>,
    ) -> Self {
        let settings = r.settings.as_ref();
        Self {
            job,
            side,
            network,
            metric: r.metric,
            value: r.value().unwrap_or(f64::NAN),
            num_samples: settings.map_or(0, |s| s.num_samples),
            seed: settings.and_then(|s| match s.draws {
                DrawSource::Seed(seed) => Some(seed),
                DrawSource::Replay { .. } => None,
            }),
            timestamp: r.timestamp,
            saved_to,
        }
    }

    /// `76.7364 dB`.
    pub fn value_text(&self) -> String {
        format!("{:.4} dB", self.value)
    }

    /// How the number was made: `64 samples, seed 0`.
    pub fn settings_text(&self) -> String {
        match self.seed {
            Some(seed) => format!("{} samples, seed {seed}", self.num_samples),
            None => format!("{} samples, replayed draws", self.num_samples),
        }
    }
}
