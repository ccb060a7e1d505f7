//! Analysis: band-limited resampling, equivariance and other metrics, texture-sticking views,
//! spectra.
//!
//! | module | content |
//! |---|---|
//! | [`resample`] | the one band-limited resampling module (translations, rotations, untransform) |
//! | [`equivariance`] | EQ-T, EQ-T_frac, EQ-R (`metrics/equivariance.py`) |
//! | [`equivariance_draws`] | seeded or recorded (replayed) random draws of an equivariance run |
//! | [`equivariance_precision`] | one batch in float32 and float64: what float32 rounding does to the sums |
//! | [`registry`] | metric names (`eqt50k_int`, …) |
//! | [`metric_result`] | a metric run's result as NVIDIA's `calc_metrics.py` reports it (JSON line) |
//! | [`python_json`] | JSON lines written and read as Python's `json.dumps` does |
//! | [`sticking`] | texture-sticking and aliasing views: neighbourhood average, time–space slices, residuals, layer and spectrum inspector |

pub mod equivariance;
pub mod equivariance_draws;
pub mod equivariance_precision;
pub mod metric_result;
pub mod python_json;
pub mod registry;
pub mod resample;
pub mod sticking;

pub use equivariance::{EqKind, EquivarianceOptions, EquivarianceOutcome, compute_equivariance};
pub use equivariance_draws::Draws;
pub use metric_result::MetricResult;
pub use registry::MetricId;
