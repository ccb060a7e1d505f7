//! Latent directions: discovering them (SeFa, GANSpace, a linear SVM on labelled samples),
//! importing and exporting them (`.npy`), conditioning them on others, and applying them to W+.
//!
//! | file | type |
//! |---|---|
//! | [`symmetric_eigen`] | `SymmetricEigen`, the float64 symmetric eigen-solver |
//! | [`affine_layer`] | `AffineLayer`, the style affines of a synthesis network |
//! | [`layer_selection`] | `LayerSelection`, `LayerPreset` (which affines / W+ rows) |
//! | [`sefa`] | `Sefa`, closed-form factorisation |
//! | [`w_sampler`] | `WSampler`, a reproducible stream of sampled w; projection σ |
//! | [`ganspace`] | `GanSpace`, PCA of sampled w (a job with progress and cancel) |
//! | [`linear_svm`] | `LinearSvm`, labelled boundaries with held-out accuracy |
//! | [`conditional`] | `project_out`, conditional directions |
//! | [`direction`] | `Direction`, a named direction with its σ |
//! | [`direction_edit`] | `DirectionEdit`, `apply_edits` (`w_l += α·σ·v_l`) |
//! | [`direction_file`] | `.npy` import/export with a sidecar JSON |
//! | [`npy`] | the minimal `.npy` reader/writer |

pub mod affine_layer;
pub mod conditional;
pub mod direction;
pub mod direction_edit;
pub mod direction_file;
pub mod ganspace;
pub mod layer_selection;
pub mod linear_svm;
pub mod npy;
pub mod sefa;
pub mod symmetric_eigen;
pub mod w_sampler;

pub use affine_layer::{AffineKind, AffineLayer};
pub use conditional::project_out;
pub use direction::Direction;
pub use direction_edit::{DirectionEdit, apply_edits};
pub use direction_file::{parse_direction_spec, read_direction_spec, read_directions, write_direction_set};
pub use ganspace::{GanSpace, GanSpaceSettings};
pub use layer_selection::{LayerPreset, LayerSelection};
pub use linear_svm::{LinearSvm, SvmSettings};
pub use sefa::Sefa;
pub use symmetric_eigen::SymmetricEigen;
pub use w_sampler::{WSampler, projection_sigmas};
