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
//! | [`labels`] | `seed,label` CSV files |
//! | [`labelled`] | `svm_direction`: labelled seeds → SVM → (conditioned) unit normal |
//! | [`direction`] | `Direction`, a named direction with its σ |
//! | [`direction_edit`] | `DirectionEdit`, `apply_edits` (`w_l += α·σ·v_l`) |
//! | [`direction_file`] | `.npy` import/export with a sidecar JSON |
//! | [`npy`] | the minimal `.npy` reader/writer |
//! | [`style_space`] | `StyleChannel`, `StyleStats`: the W→S split, σ per channel |
//! | [`strip`] | a −max…+max σ grid of a direction over seeds |

pub mod affine_layer;
pub mod conditional;
pub mod direction;
pub mod direction_edit;
pub mod direction_file;
pub mod ganspace;
pub mod labelled;
pub mod labels;
pub mod layer_selection;
pub mod linear_svm;
pub mod npy;
pub mod sefa;
pub mod strip;
pub mod style_space;
pub mod symmetric_eigen;
pub mod w_sampler;

pub use affine_layer::{AffineKind, AffineLayer};
pub use conditional::project_out;
pub use direction::Direction;
pub use direction_edit::{DirectionEdit, apply_edits};
pub use direction_file::{
    load_directions_for, parse_direction_spec, read_direction_spec, read_directions, write_direction_set,
};
pub use ganspace::{GanSpace, GanSpaceSettings};
pub use labelled::{LabelledDirection, svm_direction};
pub use labels::{labels_csv_text, parse_labels, read_labels_csv};
pub use layer_selection::{LayerPreset, LayerSelection};
pub use linear_svm::{LinearSvm, SvmSettings};
pub use sefa::Sefa;
pub use strip::{StripSettings, render_strip, strip_strengths};
pub use style_space::{StyleChannel, StyleStats, styles_of};
pub use symmetric_eigen::SymmetricEigen;
pub use w_sampler::{WSampler, projection_sigmas};

/// The W+ rows a direction moves by default: every row, except StyleGAN3's row 0 (which drives
/// only the input's learned rotation and translation) when `has_input_transform`.
pub fn default_layers(num_ws: usize, has_input_transform: bool) -> (usize, usize) {
    let last = num_ws.saturating_sub(1);
    if has_input_transform && num_ws > 1 { (1, last) } else { (0, last) }
}

/// `A-B` (inclusive), `A` or `all` → a W+ row range checked against `num_ws`; `all` is `None`.
pub fn parse_layer_range(text: &str, num_ws: usize) -> crate::Result<Option<(usize, usize)>> {
    let t = text.trim();
    if t == "all" {
        return Ok(None);
    }
    let bad = || crate::Error::Invalid(format!("layer range `{t}` is not A-B, A or all"));
    let (a, b) = match t.split_once('-') {
        Some((a, b)) => (a.trim().parse::<usize>().map_err(|_| bad())?, b.trim().parse::<usize>().map_err(|_| bad())?),
        None => {
            let a = t.parse::<usize>().map_err(|_| bad())?;
            (a, a)
        }
    };
    if a > b || b >= num_ws {
        return Err(crate::Error::Invalid(format!(
            "layer range {a}-{b} is outside this network's W+ rows 0-{}",
            num_ws.saturating_sub(1)
        )));
    }
    Ok(Some((a, b)))
}
