//! Latents: seeds → z exactly as NumPy's legacy `RandomState`, truncation, style mixing, the seed
//! plane, and latent directions.
