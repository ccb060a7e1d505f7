//! Networks: ops (each with a readable reference and, where speed needs it, a fast path with the
//! same signature), the mapping network, StyleGAN2 and StyleGAN3 synthesis, the discriminator.
//!
//! Field and tensor names follow NVIDIA's state dicts (`mapping.fc0.weight`, `synthesis.b8.conv0`,
//! `synthesis.L3_52_512`). Nothing here knows about files: builders take a [`config`] and [`Weights`].

pub mod bench;
pub mod config;
pub mod discriminator;
pub mod filter_design;
pub mod generator;
pub mod image;
pub mod kernels;
pub mod mapping;
pub mod op_timer;
pub mod ops;
pub mod random_state;
pub mod style_offsets;
pub mod stylegan2;
pub mod stylegan3;
pub mod weights;

pub use config::GeneratorConfig;
pub use generator::{Capture, Generator, NoiseMode, SynthesisOptions, SynthesisOutput};
pub use weights::Weights;
