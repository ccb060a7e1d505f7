//! Analysis: band-limited resampling, equivariance and other metrics, texture-sticking views,
//! spectra.

pub mod resample;
