//! Latents: seeds → z exactly as NumPy's legacy `RandomState`, truncation, style mixing, the seed
//! plane, and latent directions.

pub mod seed_list;
pub mod seeds;

pub use crate::nn::random_state::RandomState;
pub use seed_list::parse_seed_list;
pub use seeds::{class_from_seed, class_label, z_from_seed, z_tensor};
