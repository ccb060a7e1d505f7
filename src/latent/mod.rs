//! Latents: seeds → z exactly as NumPy's legacy `RandomState`, truncation, style mixing, the seed
//! plane, and latent directions.
//!
//! The generator for seeds (`RandomState`) and truncation (`truncate`) live in `nn`, because the
//! networks need them too (random noise and initialisation; the mapping network's truncation);
//! they are re-exported here.

pub mod seed_list;
pub mod seed_plane;
pub mod seeds;
pub mod style_mix;

pub use crate::nn::mapping::truncate;
pub use crate::nn::random_state::RandomState;
pub use seed_list::parse_seed_list;
pub use seeds::{class_from_seed, class_label, z_from_seed, z_tensor};
