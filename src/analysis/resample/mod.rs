//! The one band-limited resampling module (`metrics/equivariance.py` and `viz/renderer.py`,
//! reference §1.6.3): integer and fractional translation with validity masks, the affine
//! band-limit filter, band-limited affine resampling, fractional rotation and pseudo-rotation, and
//! the visualizer's "untransform". The equivariance metrics and the window use these.
//!
//! | file | content |
//! |---|---|
//! | [`translate`] | `apply_integer_translation`, `apply_fractional_translation` (Lanczos-3) |
//! | [`bandlimit`] | `construct_affine_bandlimit_filter` ([`BandlimitFilter`]) |
//! | [`affine`] | `apply_affine_transformation`, rotations |
//! | [`untransform`] | the visualizer's untransform of a StyleGAN3 output |
//! | [`upsample`] | a polyphase fast path of `upsample2d` for the large 2-D filters |

pub mod affine;
pub mod bandlimit;
pub mod translate;
pub mod untransform;
pub mod upsample;

pub use affine::{
    apply_affine_transformation, apply_fractional_pseudo_rotation, apply_fractional_rotation, rotation_matrix,
};
pub use bandlimit::BandlimitFilter;
pub use translate::{apply_fractional_translation, apply_integer_translation};
pub use untransform::untransform;
