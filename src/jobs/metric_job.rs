//! A metric run on one network as a job: load the network, evaluate the metric with progress
//! and cancellation, then (only when it finished) append its JSON line to the results folder.
//! The window runs it on the [`crate::jobs::JobRunner`]; the command line calls the same steps
//! on its own thread with a terminal monitor.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use candle_core::Device;

use crate::analysis::equivariance::compute_equivariance;
use crate::analysis::equivariance_draws::Draws;
use crate::analysis::metric_result::{DrawSource, MetricResult, RunSettings};
use crate::analysis::registry::MetricId;
use crate::checkpoint::Checkpoint;
use crate::jobs::results::{append_result, relative_path};
use crate::nn::generator::Generator;
use crate::progress::{Monitor, SubRange};
use crate::{Error, Result};

/// Where a run's result line goes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ResultsFolder {
    /// The folder holding the network file (as `calc_metrics.py` in a run folder).
    #[default]
    NetworkFolder,
    Folder(PathBuf),
    /// Nowhere (the line is only returned and printed).
    Nowhere,
}

/// Recorded draws to replay (`.npy` files as the fixtures' `eq_*_z.npy` / `eq_*_u.npy`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    pub z: PathBuf,
    pub u: PathBuf,
}

/// One metric on one network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricJob {
    pub network: PathBuf,
    pub metric: MetricId,
    /// Default: the metric's own (50,000), or all recorded samples when replaying.
    pub num_samples: Option<usize>,
    /// Default 4 (NVIDIA's), or the recorded batch size.
    pub batch_size: Option<usize>,
    /// Seed of our draws (ignored when replaying).
    pub seed: u64,
    pub replay: Option<Replay>,
    pub results: ResultsFolder,
}

/// A finished run: its result and the file its line went to.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricOutcome {
    pub result: MetricResult,
    pub saved_to: Option<PathBuf>,
}

impl std::fmt::Display for MetricOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = &self.result;
        write!(f, "{} = {:.4} dB", r.metric, r.value().unwrap_or(f64::NAN))?;
        if let Some(s) = &r.settings {
            write!(f, " ({} samples)", s.num_samples)?;
        }
        Ok(())
    }
}

impl crate::jobs::job::JobOutput for MetricOutcome {
    fn summary(&self) -> String {
        self.to_string()
    }
}

impl MetricJob {
    /// `metric` on `network` with the defaults.
    pub fn new(network: impl Into<PathBuf>, metric: MetricId) -> Self {
        Self {
            network: network.into(),
            metric,
            num_samples: None,
            batch_size: None,
            seed: 0,
            replay: None,
            results: ResultsFolder::default(),
        }
    }

    /// A title for job lists: `eqt50k_frac · network.pkl`.
    pub fn title(&self) -> String {
        let name = self
            .network
            .file_name()
            .map_or_else(|| self.network.display().to_string(), |n| n.to_string_lossy().into_owned());
        format!("{} · {name}", self.metric)
    }

    /// The folder the result line goes to, if any.
    pub fn results_dir(&self) -> Option<PathBuf> {
        match &self.results {
            ResultsFolder::NetworkFolder => Some(
                self.network
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            ),
            ResultsFolder::Folder(d) => Some(d.clone()),
            ResultsFolder::Nowhere => None,
        }
    }

    fn draws(&self) -> Result<Draws> {
        match &self.replay {
            Some(r) => Draws::recorded(&r.z, &r.u, self.metric.eq_kind().uniforms_per_batch()),
            None => Draws::seeded(self.seed),
        }
    }

    /// Checks what can be checked before any work: the draws and options, the results folder.
    pub fn validate(&self) -> Result<()> {
        self.draws()?.options(self.num_samples, self.batch_size, self.metric.default_num_samples())?;
        if let Some(dir) = self.results_dir().filter(|d| !d.is_dir()) {
            return Err(Error::Invalid(format!("the results folder {} does not exist", dir.display())));
        }
        Ok(())
    }

    /// Evaluates the metric on a loaded generator (no file written). `total_time` covers the
    /// evaluation only, as in `calc_metrics.py`.
    pub fn evaluate(&self, g: &Generator, monitor: &dyn Monitor) -> Result<MetricResult> {
        let start = Instant::now();
        let mut draws = self.draws()?;
        let opts = draws.options(self.num_samples, self.batch_size, self.metric.default_num_samples())?;
        let source = match &self.replay {
            Some(r) => format!("replaying {} and {}", r.z.display(), r.u.display()),
            None => format!("seed {}", self.seed),
        };
        monitor.log(&format!(
            "{}: {} samples in batches of {}, {source}",
            self.metric,
            opts.num_batches() * opts.batch_size,
            opts.batch_size
        ));
        let outcome = compute_equivariance(g, self.metric.eq_kind(), &mut draws, &opts, monitor)?;
        let total_time = start.elapsed().as_secs_f64();
        let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
        let snapshot_pkl = Some(match self.results_dir() {
            Some(dir) => relative_path(&self.network, &dir),
            None => self.network.display().to_string(),
        });
        let draws = match &self.replay {
            Some(r) => DrawSource::Replay { z: r.z.display().to_string(), u: r.u.display().to_string() },
            None => DrawSource::Seed(self.seed),
        };
        Ok(MetricResult {
            metric: self.metric,
            results: vec![(self.metric.name().to_string(), outcome.psnr())],
            total_time,
            num_gpus: 1,
            snapshot_pkl,
            timestamp,
            settings: Some(RunSettings { num_samples: outcome.samples, batch_size: opts.batch_size, draws }),
        })
    }

    /// Appends the line to the results folder (if any). Returns the file written.
    pub fn save(&self, result: &MetricResult) -> Result<Option<PathBuf>> {
        self.results_dir().map(|dir| append_result(&dir, result)).transpose()
    }

    /// The whole job: load (first 2 %), evaluate, and — unless cancelled by then — save.
    pub fn run(&self, monitor: &dyn Monitor) -> Result<MetricOutcome> {
        self.validate()?;
        monitor.log(&format!("loading {}", self.network.display()));
        let g = Checkpoint::open(&self.network)
            .and_then(|c| c.load_generator(&Device::Cpu))
            .map_err(|e| e.in_file(&self.network))?;
        monitor.set_fraction(0.02)?;
        let result = self.evaluate(&g, &SubRange::new(monitor, 0.02, 1.0))?;
        monitor.check()?;
        let line = result.to_json_line();
        monitor.log(&line);
        let saved_to = self.save(&result)?;
        if let Some(p) = &saved_to {
            monitor.log(&format!("appended to {}", p.display()));
        }
        Ok(MetricOutcome { result, saved_to })
    }
}
