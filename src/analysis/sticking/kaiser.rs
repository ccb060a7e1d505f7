//! The Kaiser window (`torch.kaiser_window(N, periodic=False, beta)`, which is `np.kaiser(N, beta)`)
//! for the spectrum views: the filter design's, one implementation for both.

pub use crate::nn::filter_design::{bessel_i0, kaiser_window};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // I0(1) = 1.2660658777520082, I0(8) = 427.56411572180474 (tables).
        assert!((bessel_i0(1.0) - 1.2660658777520082).abs() < 1e-14);
        assert!((bessel_i0(8.0) / 427.56411572180474 - 1.0).abs() < 1e-14);
        let w = kaiser_window(5, 8.0);
        assert!((w[2] - 1.0).abs() < 1e-15 && (w[0] - 1.0 / 427.56411572180474).abs() < 1e-15);
        assert!((w[1] - w[3]).abs() < 1e-15);
        // beta 0 is the rectangular window.
        assert!(kaiser_window(7, 0.0).iter().all(|&v| (v - 1.0).abs() < 1e-15));
    }
}
