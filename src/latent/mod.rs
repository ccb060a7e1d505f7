//! Latents: seeds → z exactly as NumPy's legacy `RandomState`, truncation, style mixing, the seed
//! plane, and latent directions.

pub mod seed_plane;
pub mod style_mix;
