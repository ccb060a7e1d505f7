//! Texture-sticking and aliasing views (issue #8): the views NVIDIA shows only in paper figures,
//! on demand for any network. Each long computation takes a [`crate::progress::Monitor`].
//!
//! | module | view |
//! |---|---|
//! | [`neighbourhood`] | average of images from random W perturbations (paper Fig. 1, left) |
//! | [`time_space`] | animations (input translation/rotation, latent interpolation) and time–space slices (Fig. 1, right) |
//! | [`residual`] | untransform residual (StyleGAN3): motion that should not exist |
//! | [`error_map`] | equivariance error map `|G(t[z]) − t[G(z)]|` |
//! | [`layer_view`] | layer inspector: channel selection, statistics, image (reference §1.2 steps 8–10) |
//! | [`spectrum`] | the FFT view (step 11), CPU reference |
//! | [`hf_energy`] | high-frequency energy left in an average (the neighbourhood view's figure) |
//! | [`avg_spectra`] | average power spectrum of many images (`avg_spectra.py`) |
//! | [`animation`] | GIF and MP4 export |
//! | [`float_image`], [`fft2`], [`kaiser`], [`viridis`], [`plot`] | shared pieces |

pub mod animation;
pub mod avg_spectra;
pub mod error_map;
pub mod fft2;
pub mod float_image;
pub mod hf_energy;
pub mod kaiser;
pub mod layer_view;
pub mod neighbourhood;
pub mod plot;
pub mod residual;
pub mod spectrum;
pub mod time_space;
pub mod viridis;

pub use float_image::FloatImage;
