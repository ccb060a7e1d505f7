//! Training: datasets, losses, regularisers, the training loop and snapshots. No printing, no UI.
pub mod datasets;
