//! The window's background jobs: one [`JobRunner`] for every long computation the window starts
//! (metrics from the Analysis menu now; training and others submit through [`Jobs::submit`] and
//! appear in the Jobs panel the same way), plus the metric results collected for the results
//! table. The UI thread only submits, polls snapshots and cancels; the work runs on the runner's
//! worker thread.

use std::path::{Path, PathBuf};

use crate::Result;
use crate::analysis::registry::MetricId;
use crate::gui::analysis_options::AnalysisOptions;
use crate::gui::metric_row::MetricRow;
use crate::gui::side::Side;
use crate::jobs::job::Wake;
use crate::jobs::{JobHandle, JobId, JobOutput, JobRunner, JobSnapshot, MetricJob, MetricOutcome, ResultsFolder};
use crate::progress::Monitor;

/// A metric job whose result the results table still has to collect.
struct PendingMetric {
    side: Side,
    network: PathBuf,
    handle: JobHandle<MetricOutcome>,
}

pub struct Jobs {
    runner: JobRunner,
    pending: Vec<PendingMetric>,
    /// Finished metric runs, oldest first.
    pub results: Vec<MetricRow>,
    /// Whether the Jobs panel is shown (it opens when a job starts).
    pub panel_open: bool,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs")
            .field("runner", &self.runner)
            .field("results", &self.results.len())
            .finish_non_exhaustive()
    }
}

impl Jobs {
    /// One worker thread: candle already spreads a forward pass over the cores, so jobs run one
    /// after another and queue meanwhile. `wake` is called whenever a job changes.
    pub fn new(wake: Wake) -> Result<Self> {
        Ok(Self { runner: JobRunner::new(1, wake)?, pending: Vec::new(), results: Vec::new(), panel_open: false })
    }

    /// Queues any job (its snapshots appear in the Jobs panel, which opens).
    pub fn submit<T, F>(&mut self, title: impl Into<String>, work: F) -> JobHandle<T>
    where
        T: JobOutput,
        F: FnOnce(&dyn Monitor) -> Result<T> + Send + 'static,
    {
        self.panel_open = true;
        self.runner.submit(title, work)
    }

    /// Queues a short job without opening the Jobs panel (it is listed there all the same).
    pub fn submit_quiet<T, F>(&mut self, title: impl Into<String>, work: F) -> JobHandle<T>
    where
        T: JobOutput,
        F: FnOnce(&dyn Monitor) -> Result<T> + Send + 'static,
    {
        self.runner.submit(title, work)
    }

    /// Queues `metric` on the network file `network` (shown in `side`) with `options`.
    pub fn start_metric(&mut self, side: Side, network: &Path, metric: MetricId, options: &AnalysisOptions) -> JobId {
        let job = MetricJob {
            num_samples: Some(options.num_samples.max(1)),
            batch_size: Some(options.batch_size.max(1)),
            seed: options.seed,
            results: options.results_dir.clone().map_or(ResultsFolder::NetworkFolder, ResultsFolder::Folder),
            ..MetricJob::new(network, metric)
        };
        let title = format!("{} ({})", job.title(), side.name().to_lowercase());
        let handle = self.submit(title, move |m: &dyn Monitor| job.run(m));
        let id = handle.id();
        self.pending.push(PendingMetric { side, network: network.to_path_buf(), handle });
        id
    }

    /// Collects the results of metric jobs that finished since the last call.
    pub fn poll(&mut self) {
        let mut still = Vec::new();
        for p in self.pending.drain(..) {
            match p.handle.take_result() {
                None => still.push(p),
                Some(Ok(outcome)) => self.results.push(MetricRow::new(p.handle.id(), p.side, p.network, &outcome)),
                // Failed and cancelled jobs show their state in the Jobs panel.
                Some(Err(_)) => {}
            }
        }
        self.pending = still;
    }

    /// Every job, running and finished, in submission order.
    pub fn snapshots(&self) -> Vec<JobSnapshot> {
        self.runner.jobs()
    }

    /// Whether a job is queued or running.
    pub fn busy(&self) -> bool {
        self.runner.busy()
    }

    pub fn cancel(&self, id: JobId) {
        self.runner.cancel(id);
    }

    /// Forgets ended jobs in the panel (their results stay in the table).
    pub fn clear_finished(&mut self) {
        self.runner.clear_finished();
    }

    /// The newest result of `metric` on `network`.
    pub fn latest(&self, network: &Path, metric: MetricId) -> Option<&MetricRow> {
        self.results.iter().rev().find(|r| r.metric == metric && r.network == network)
    }
}
