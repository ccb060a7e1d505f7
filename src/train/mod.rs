//! Training: datasets, losses, regularisers, the training loop and snapshots. No printing, no UI.
//!
//! [`train`] runs NVIDIA's training recipe for StyleGAN2 and StyleGAN3 on the CPU and reports
//! through a [`crate::progress::Monitor`] and a [`TrainSink`] of typed [`TrainEvent`]s.
//!
//! | file | content |
//! |---|---|
//! | [`options`] | `train.py`'s options and the per-configuration hyper-parameters |
//! | [`dataset`], [`loader`] | reading NVIDIA's dataset format; the deterministic sample order and the loader thread |
//! | [`datasets`] | writing datasets: procedural toy faces, folders of photos |
//! | [`params`], [`adam`] | trainable parameters as candle `Var`s; Adam |
//! | [`forward`], [`sg3_forward`] | `run_G`/`run_D`: style mixing, noise, EMAs of buffers, blur |
//! | [`r1`], [`path_length`] | the regularisers, with first-order finite-difference gradients |
//! | [`trainer`], [`workers`] | one iteration (Gmain, Greg, Dmain, Dreg, G EMA); data-parallel slices |
//! | [`setup`], [`snapshot`], [`module_table`] | new, resumed and saved networks |
//! | [`train_loop`], [`run_dir`], [`stats`], [`grid`], [`events`] | ticks, files, grids, reports |
//! | [`rng`] | reproducible per-iteration random streams |

pub mod adam;
pub mod dataset;
pub mod datasets;
pub mod events;
pub mod forward;
pub mod grid;
pub mod loader;
pub mod module_table;
pub mod options;
pub mod params;
pub mod path_length;
pub mod r1;
pub mod rng;
pub mod run_dir;
pub mod setup;
pub mod sg3_forward;
pub mod snapshot;
pub mod stats;
pub mod train_loop;
pub mod trainer;
pub mod workers;

pub use events::{ChannelSink, NoSink, TickStats, TrainEvent, TrainSink};
pub use options::{TrainCfg, TrainOptions};
pub use train_loop::{TrainOutcome, train};
