//! Background work: worker threads, progress with nested ranges, cancellation, and the render
//! worker that the window uses. The only layer that creates threads.

// Jobs with progress, logs, typed results and cancellation; metric runs and their result files.
pub mod job;
pub mod metric_job;
pub mod progress_state;
pub mod results;
pub mod runner;

pub use job::{JobHandle, JobId, JobOutput, JobSnapshot, JobStatus};
pub use metric_job::{MetricJob, MetricOutcome, Replay, ResultsFolder};
pub use runner::JobRunner;
