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
    /// Finished metric runs, oldest first: earlier runs read back from the results files of the
    /// networks opened, then this session's.
    pub results: Vec<MetricRow>,
    /// Networks whose results files have been read (once per file and folder).
    read_back: std::collections::HashSet<(PathBuf, PathBuf)>,
    /// Results lines that could not be read back (`file:line: problem`).
    pub read_problems: Vec<String>,
    /// The native folder dialog for the results folder, while it is open.
    folder_pick: Option<crate::jobs::task::Task<Option<PathBuf>>>,
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
        Ok(Self {
            runner: JobRunner::new(1, wake)?,
            pending: Vec::new(),
            results: Vec::new(),
            read_back: Default::default(),
            read_problems: Vec::new(),
            folder_pick: None,
            panel_open: false,
        })
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

    /// Reads back the earlier results of `network` (opened in `side`) from its results folder:
    /// `results_dir`, else the network's own folder (where `stylescope metrics` and the window
    /// append them, as `calc_metrics.py` does). Done once per network and folder; a line that
    /// does not parse is skipped and listed in [`Jobs::read_problems`].
    pub fn read_back(&mut self, side: Side, network: &Path, results_dir: Option<&Path>) {
        let Some(dir) = results_dir.map(Path::to_path_buf).or_else(|| network.parent().map(Path::to_path_buf)) else {
            return;
        };
        let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
        if !self.read_back.insert((network.to_path_buf(), dir.clone())) {
            return;
        }
        match crate::jobs::results::results_for(&dir, network) {
            Ok((found, problems)) => {
                self.read_problems.extend(problems);
                let earlier: Vec<MetricRow> = found
                    .iter()
                    .map(|r| {
                        let file = crate::jobs::results::results_file(&dir, r.metric);
                        MetricRow::saved(side, network.to_path_buf(), r, file)
                    })
                    .collect();
                // Earlier runs go before this session's, so `latest` still prefers new ones.
                self.results.splice(0..0, earlier);
            }
            Err(e) => self.read_problems.push(e.to_string()),
        }
    }

    /// Opens the native folder dialog for the results folder (on a background task; the window
    /// keeps drawing). [`Jobs::poll`] hands over the choice.
    pub fn choose_folder(&mut self, ctx: egui::Context) {
        if self.folder_pick.is_some() {
            return;
        }
        let pick = || rfd::FileDialog::new().set_title("Results folder for metric runs").pick_folder();
        if let Ok(task) = crate::jobs::task::Task::spawn("results-folder-dialog", pick, move || ctx.request_repaint()) {
            self.folder_pick = Some(task);
        }
    }

    /// Whether the folder dialog is open.
    pub fn choosing_folder(&self) -> bool {
        self.folder_pick.is_some()
    }

    /// Collects the results of metric jobs that finished since the last call; returns the folder
    /// the folder dialog delivered, if it did since.
    pub fn poll(&mut self) -> Option<PathBuf> {
        let mut picked = None;
        if let Some(task) = &mut self.folder_pick {
            if let Some(result) = task.poll() {
                picked = result;
                self.folder_pick = None;
            } else if !task.running() {
                self.folder_pick = None;
            }
        }
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
        picked
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
