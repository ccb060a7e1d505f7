//! A small seeded random number generator for initial weights (SplitMix64, Box–Muller).
//!
//! PyTorch's generator cannot be reproduced outside PyTorch; initial weights only need the right
//! distributions, and the same seed must give the same network on every machine.

/// Seeded uniform and Gaussian draws.
#[derive(Clone, Debug)]
pub struct InitRng {
    state: u64,
    cached_normal: Option<f64>,
}

impl InitRng {
    pub fn new(seed: u64) -> Self {
        Self { state: seed ^ 0x5851_f42d_4c95_7f2d, cached_normal: None }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal.
    pub fn normal(&mut self) -> f64 {
        if let Some(v) = self.cached_normal.take() {
            return v;
        }
        // Box–Muller on (0, 1] × [0, 1).
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let (s, c) = (2.0 * std::f64::consts::PI * u2).sin_cos();
        self.cached_normal = Some(r * s);
        r * c
    }

    /// `n` standard normal draws as f32.
    pub fn normal_vec(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.normal() as f32).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_reproducible_and_have_the_right_moments() {
        let a: Vec<f64> = {
            let mut r = InitRng::new(7);
            (0..20_000).map(|_| r.normal()).collect()
        };
        let mut r = InitRng::new(7);
        assert!(a.iter().all(|&v| v == r.normal()));
        let mean = a.iter().sum::<f64>() / a.len() as f64;
        let var = a.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / a.len() as f64;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "var {var}");
        let mut r = InitRng::new(8);
        let u: Vec<f64> = (0..10_000).map(|_| r.uniform()).collect();
        assert!(u.iter().all(|&v| (0.0..1.0).contains(&v)));
        assert!((u.iter().sum::<f64>() / 1e4 - 0.5).abs() < 0.02);
    }
}
