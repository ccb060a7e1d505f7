//! Reproducible randomness for training: every random draw of an iteration comes from a
//! NumPy-compatible generator seeded from `(run seed, iteration, purpose)`, so an iteration's
//! randomness does not depend on what came before it (a resumed run draws exactly what the
//! uninterrupted run would have drawn).

/// A 32-bit seed for stream `purpose` of iteration `index` of a run seeded with `seed`
/// (SplitMix64 finaliser over the three values).
pub fn stream_seed(seed: u64, index: u64, purpose: u64) -> u32 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(index.wrapping_mul(0xBF58_476D_1CE4_E5B9))
        .wrapping_add(purpose.wrapping_mul(0x94D0_49BB_1331_11EB))
        .wrapping_add(0x2545_F491_4F6C_DD1D);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z ^ (z >> 32)) as u32
}

/// The `noise_seed` of a synthesis call with random noise (`NoiseMode::Random` takes 32 bits).
pub fn noise_seed(seed: u64, index: u64, purpose: u64) -> u64 {
    u64::from(stream_seed(seed, index, purpose))
}
