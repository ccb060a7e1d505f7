//! What a training run reports while it works, as plain data (no UI types): the job system or
//! the command line turns these into a window's plots and grids or into terminal lines.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::Sender;

use crate::raster::Raster;

/// Statistics of one tick (means over the tick's iterations; `None` when the regulariser did not run).
#[derive(Clone, Debug, PartialEq)]
pub struct TickStats {
    pub tick: u64,
    /// Progress at the end of the tick, in thousands of real images.
    pub kimg: f64,
    pub total_kimg: f64,
    /// Seconds since the run started.
    pub total_sec: f64,
    pub sec_per_tick: f64,
    pub sec_per_kimg: f64,
    /// Seconds spent outside training iterations (snapshots, grids) during the previous tick.
    pub maintenance_sec: f64,
    pub loss_g: f64,
    pub loss_d: f64,
    pub scores_real: f64,
    pub scores_fake: f64,
    pub r1_penalty: Option<f64>,
    pub pl_penalty: Option<f64>,
    /// Resident memory of the process in GB, where the system says.
    pub cpumem_gb: Option<f64>,
}

impl TickStats {
    /// NVIDIA's tick line, with the losses appended.
    pub fn line(&self) -> String {
        let opt = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.4}"));
        let mut s = format!(
            "tick {:<5} kimg {:<8.1} time {:<12} sec/tick {:<7.1} sec/kimg {:<7.2} maintenance {:<6.1}",
            self.tick,
            self.kimg,
            format_time(self.total_sec),
            self.sec_per_tick,
            self.sec_per_kimg,
            self.maintenance_sec,
        );
        if let Some(m) = self.cpumem_gb {
            s.push_str(&format!(" cpumem {m:<6.2}"));
        }
        s.push_str(&format!(
            " loss/G {:.4} loss/D {:.4} real {:+.3} fake {:+.3} r1 {} pl {}",
            self.loss_g,
            self.loss_d,
            self.scores_real,
            self.scores_fake,
            opt(self.r1_penalty),
            opt(self.pl_penalty)
        ));
        s
    }
}

/// NVIDIA's `dnnlib.util.format_time`.
pub fn format_time(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        3600..86400 => format!("{}h {:02}m {:02}s", s / 3600, (s / 60) % 60, s % 60),
        _ => format!("{}d {:02}h {:02}m", s / 86400, (s / 3600) % 24, (s / 60) % 60),
    }
}

/// One report of a running training job.
#[derive(Clone, Debug)]
pub enum TrainEvent {
    /// The run directory exists; training starts at `start_kimg` of `total_kimg`.
    Started { run_dir: PathBuf, start_kimg: f64, total_kimg: f64 },
    /// A tick ended.
    Tick(TickStats),
    /// Samples of `G_ema` at the fixed grid seeds (`reals` is the grid of real images, sent once).
    Samples { kimg: f64, grid: Raster, reals: bool },
    /// A network snapshot was written.
    Snapshot { kimg: f64, path: PathBuf },
    /// The run ended (finished, or stopped on request with a final snapshot).
    Finished { kimg: f64, last_snapshot: PathBuf, cancelled: bool },
}

/// Receives [`TrainEvent`]s and answers whether the run should pause. Implementations must be
/// cheap: they are called from the training thread.
pub trait TrainSink: Sync {
    fn event(&self, event: TrainEvent);

    /// While this is true the run waits between iterations (cancellation still stops it).
    fn is_paused(&self) -> bool {
        false
    }

    /// Whether to compute the sample grid at the end of tick `tick` (for a live view) although
    /// it is no snapshot tick (snapshot ticks always send their grid).
    fn wants_live_samples(&self, tick: u64) -> bool {
        let _ = tick;
        false
    }
}

/// Ignores everything.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoSink;

impl TrainSink for NoSink {
    fn event(&self, _event: TrainEvent) {}
}

/// Forwards events to a channel (a dropped receiver is ignored).
pub struct ChannelSink {
    tx: Mutex<Sender<TrainEvent>>,
    live_samples: bool,
}

impl ChannelSink {
    pub fn new(tx: Sender<TrainEvent>, live_samples: bool) -> Self {
        Self { tx: Mutex::new(tx), live_samples }
    }
}

impl TrainSink for ChannelSink {
    fn event(&self, event: TrainEvent) {
        if let Ok(tx) = self.tx.lock() {
            let _ = tx.send(event);
        }
    }
    fn wants_live_samples(&self, _tick: u64) -> bool {
        self.live_samples
    }
}
