//! The Kaiser window (`torch.kaiser_window(N, periodic=False, beta)`).

/// The modified Bessel function of the first kind, order 0 (power series, to f64 precision).
pub fn bessel_i0(x: f64) -> f64 {
    let q = x * x / 4.0;
    let (mut term, mut sum) = (1f64, 1f64);
    for k in 1..500 {
        term *= q / (k * k) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

/// `w[n] = I0(β·√(1 − (2n/(N−1) − 1)²)) / I0(β)`, `n = 0..N` (symmetric; `[1]` for `N = 1`).
pub fn kaiser_window(n: usize, beta: f64) -> Vec<f64> {
    if n <= 1 {
        return vec![1.0; n];
    }
    let norm = bessel_i0(beta);
    (0..n)
        .map(|i| {
            let r = 2.0 * i as f64 / (n - 1) as f64 - 1.0;
            bessel_i0(beta * (1.0 - r * r).max(0.0).sqrt()) / norm
        })
        .collect()
}

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
