//! stylescope: a native laboratory for NVIDIA's StyleGAN2 and StyleGAN3 generators.
//!
//! # Layers
//! From the bottom up; a module may only use the layers below it (`tests/architecture.rs` keeps this):
//!
//! | layer | what it holds |
//! |---|---|
//! | [`error`], [`progress`], [`raster`] | the crate error type; progress/cancellation; a plain CPU image type |
//! | [`nn`] | ops (reference and fast), mapping, StyleGAN2/StyleGAN3 synthesis, discriminator |
//! | [`checkpoint`] | the restricted NVIDIA pickle reader and our safetensors format |
//! | [`latent`] | seeds, truncation, mixing, directions |
//! | [`analysis`] | metrics, resampling, texture-sticking views, spectra |
//! | [`train`] | datasets, losses, training loop |
//! | [`jobs`] | worker threads, progress, cancellation, the render worker |
//! | [`cli`] / `gui` | the two front ends, peers over the same jobs |
//!
//! `gpu` (WGSL compute and display on wgpu) serves the window and the render worker.
//! Nothing below `jobs` names egui, eframe or any GUI type.
//!
//! # Threads
//! The UI thread never runs a forward pass: it sends requests to the render worker, which keeps
//! only the newest one, and shows whatever comes back (images, or errors as data).

pub mod error;
pub mod progress;
pub mod raster;

pub mod nn;

pub mod checkpoint;

pub mod latent;

pub mod analysis;

pub mod train;

pub mod jobs;

#[cfg(feature = "gpu")]
pub mod gpu;

#[cfg(feature = "gui")]
pub mod gui;

pub mod cli;

pub use error::{Error, Result};
