//! Background work: worker threads, progress with nested ranges, cancellation, and the render
//! worker that the window uses. The only layer that creates threads.
//!
//! - [`task`]: a one-shot background task whose result the caller polls.
//! - [`render`]: the render worker: one thread per view that loads a network and renders the
//!   newest [`request::RenderRequest`] through a [`engine::RenderEngine`]; results (images with
//!   timings, or errors as data) come back over a channel.
//! - [`generator_engine`]: the engine that runs a real generator from a checkpoint;
//!   `gpu_generator_engine` the same on the WGSL compute engine; [`engine_switch`] picks one.
//! - [`runner`], [`job`]: jobs with progress, logs, typed results and cancellation;
//!   [`metric_job`] runs metrics and appends their result lines; [`train_job`] runs a training
//!   run with pause, cancel and live losses, sample grids and snapshots for the window.
//!   [`metric_job`] runs metrics and appends their result lines.
//! - [`thumbnail_job`], [`svm_job`]: the labelling view's thumbnail pages and SVM training.
//! - [`sticking_job`]: texture-sticking views (issue #8) as jobs; [`sticking_outcome`] their pictures.

pub mod direction_job;
pub mod engine;
pub mod engine_switch;
pub mod generator_engine;
#[cfg(feature = "gpu")]
pub mod gpu_generator_engine;
pub mod inbox;
pub mod job;
pub mod metric_job;
pub mod progress_state;
pub mod render;
pub mod request;
pub mod results;
pub mod runner;
pub mod sticking_job;
pub mod sticking_outcome;
pub mod svm_job;
pub mod task;
pub mod thumbnail_job;
pub mod train_job;

pub use engine::{EngineLoader, RenderEngine};
pub use job::{JobHandle, JobId, JobOutput, JobSnapshot, JobStatus};
pub use metric_job::{MetricJob, MetricOutcome, Replay, ResultsFolder};
pub use render::{RenderWorker, WorkerEvent};
pub use request::{ClassChoice, EngineOutput, NetworkInfo, RenderRequest, RenderTimings};
pub use runner::JobRunner;
pub use train_job::{LiveGrid, LiveState, TrainHandle, TrainJob, TrainLive};
