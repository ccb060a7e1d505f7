//! NumPy's legacy `RandomState` (MT19937 with the polar Gaussian and its cached value), bit for
//! bit: `RandomState(seed).randn(n)` is how NVIDIA's tools turn a seed into z.
//!
//! It lives in `nn` because the networks need a seeded generator too (`noise_mode = random`,
//! random initialisation); [`crate::latent`] builds seeds → z on top of it.

use crate::{Error, Result};

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// The state of NumPy's `np.random.RandomState`.
#[derive(Clone)]
pub struct RandomState {
    mt: [u32; N],
    pos: usize,
    /// The second value of the last polar-method pair, returned by the next Gaussian draw.
    gauss: Option<f64>,
}

impl std::fmt::Debug for RandomState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RandomState").field("pos", &self.pos).field("gauss", &self.gauss).finish_non_exhaustive()
    }
}

impl RandomState {
    /// `np.random.RandomState(seed)` (`init_genrand`).
    pub fn new(seed: u32) -> Self {
        let mut mt = [0u32; N];
        mt[0] = seed;
        for i in 1..N {
            let prev = mt[i - 1];
            mt[i] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        Self { mt, pos: N, gauss: None }
    }

    /// NumPy accepts integer seeds in `[0, 2^32 − 1]` only; anything else is an error there and here.
    pub fn from_seed(seed: u64) -> Result<Self> {
        u32::try_from(seed)
            .map(Self::new)
            .map_err(|_| Error::Invalid(format!("seed {seed} is out of range (NumPy seeds are 0 to 4294967295)")))
    }

    fn generate(&mut self) {
        for i in 0..N {
            let y = (self.mt[i] & UPPER_MASK) | (self.mt[(i + 1) % N] & LOWER_MASK);
            let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
            self.mt[i] = self.mt[(i + M) % N] ^ (y >> 1) ^ mag;
        }
        self.pos = 0;
    }

    /// The next tempered 32-bit output.
    pub fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.generate();
        }
        let mut y = self.mt[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// A 53-bit uniform double in `[0, 1)` (`random_sample`).
    pub fn random_sample(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// One standard normal value by the legacy polar method (with the cached second value).
    pub fn standard_normal(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.random_sample() - 1.0;
            let x2 = 2.0 * self.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// `randn(n)`: `n` standard normal values in order.
    pub fn randn(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.standard_normal()).collect()
    }

    /// `randint(high)`: uniform in `[0, high)` by NumPy's masked rejection sampling.
    pub fn randint(&mut self, high: u64) -> Result<u64> {
        if high == 0 {
            return Err(Error::Invalid("randint: high must be > 0".into()));
        }
        let rng = high - 1;
        if rng == 0 {
            return Ok(0);
        }
        let mask = u64::MAX >> rng.leading_zeros();
        if rng <= u32::MAX as u64 {
            if rng == u32::MAX as u64 {
                return Ok(self.next_u32() as u64);
            }
            loop {
                let v = self.next_u32() as u64 & mask;
                if v <= rng {
                    return Ok(v);
                }
            }
        }
        loop {
            let hi = self.next_u32() as u64;
            let v = ((hi << 32) | self.next_u32() as u64) & mask;
            if v <= rng {
                return Ok(v);
            }
        }
    }
}
