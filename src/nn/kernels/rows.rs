//! Row kernels: weighted sums of equally long (shifted) rows, the building block of every FIR
//! pass of the CPU fast paths. Written over fixed-width chunks (64 floats, then 16, then a scalar
//! tail) so that, inside [`dispatch`](super::dispatch::dispatch), a chunk's sums stay in
//! registers (eight independent AVX2 accumulators, enough to cover the fused multiply-add
//! latency) while the sources stream through: one load and one fused multiply-add per tap and
//! register, one store per register. The tap counts StyleGAN3 uses (6, 12) are unrolled with the
//! taps held in registers.
//!
//! All functions are `#[inline(always)]` so that they take the caller's target features.

use crate::nn::kernels::dispatch::mac;

/// Floats per chunk (one AVX-512 register); buffers padded to whole chunks avoid scalar tails.
pub const LANES: usize = 16;

/// Floats per wide chunk: eight independent AVX2 accumulators (four AVX-512 ones), enough to
/// hide the latency of the fused multiply-adds, which each depend on the previous tap's.
const WIDE: usize = 64;

/// The most taps one call takes (sources are gathered in a fixed array on the stack).
pub const MAX_TAPS: usize = 64;

/// `dst[i] = epi(Σ_t taps[t] · srcs[t][i])` for every `i < dst.len()`. Sources shorter than
/// `dst` are a caller bug: the sum then stops at the shortest source (debug builds assert).
#[inline(always)]
pub fn weighted_sum<const FMA: bool>(dst: &mut [f32], srcs: &[&[f32]], taps: &[f32], epi: impl Fn(f32) -> f32) {
    sum_rows::<FMA, false>(dst, srcs, taps, epi);
}

/// `dst[i] += Σ_t taps[t] · srcs[t][i]` for every `i < dst.len()` (see [`weighted_sum`]).
#[inline(always)]
pub fn weighted_sum_add<const FMA: bool>(dst: &mut [f32], srcs: &[&[f32]], taps: &[f32]) {
    sum_rows::<FMA, true>(dst, srcs, taps, |v| v);
}

/// Picks a kernel unrolled over the tap count for the counts StyleGAN3 uses (6 and 12: the
/// phases of its 12/24-tap up filters and its 12-tap down filters), else the generic loop.
#[inline(always)]
fn sum_rows<const FMA: bool, const ADD: bool>(
    dst: &mut [f32],
    srcs: &[&[f32]],
    taps: &[f32],
    epi: impl Fn(f32) -> f32,
) {
    debug_assert_eq!(srcs.len(), taps.len());
    debug_assert!(srcs.iter().all(|s| s.len() >= dst.len()));
    let n = srcs.iter().map(|s| s.len()).fold(dst.len(), usize::min);
    let dst = &mut dst[..n];
    match taps.len() {
        6 => {
            if let (Ok(s), Ok(t)) = (<&[&[f32]; 6]>::try_from(srcs), <&[f32; 6]>::try_from(taps)) {
                return sum_fixed::<FMA, ADD, 6>(dst, s, t, epi);
            }
        }
        12 => {
            if let (Ok(s), Ok(t)) = (<&[&[f32]; 12]>::try_from(srcs), <&[f32; 12]>::try_from(taps)) {
                return sum_fixed::<FMA, ADD, 12>(dst, s, t, epi);
            }
        }
        _ => {}
    }
    sum_any::<FMA, ADD>(dst, srcs, taps, epi);
}

/// One chunk of `W` outputs starting at `i`, taps unrolled (`N` known).
#[inline(always)]
fn chunk_fixed<const FMA: bool, const N: usize, const W: usize>(
    srcs: &[&[f32]; N],
    taps: &[f32; N],
    i: usize,
    mut acc: [f32; W],
) -> [f32; W] {
    for t in 0..N {
        if let Some(s) = srcs[t][i..].first_chunk::<W>() {
            for l in 0..W {
                acc[l] = mac::<FMA>(taps[t], s[l], acc[l]);
            }
        }
    }
    acc
}

#[inline(always)]
fn sum_fixed<const FMA: bool, const ADD: bool, const N: usize>(
    dst: &mut [f32],
    srcs: &[&[f32]; N],
    taps: &[f32; N],
    epi: impl Fn(f32) -> f32,
) {
    let n = dst.len();
    let mut i = 0;
    while i + WIDE <= n {
        if let Some(d) = dst[i..].first_chunk_mut::<WIDE>() {
            let init = if ADD { *d } else { [0.0; WIDE] };
            let acc = chunk_fixed::<FMA, N, WIDE>(srcs, taps, i, init);
            for l in 0..WIDE {
                d[l] = epi(acc[l]);
            }
        }
        i += WIDE;
    }
    while i + LANES <= n {
        if let Some(d) = dst[i..].first_chunk_mut::<LANES>() {
            let init = if ADD { *d } else { [0.0; LANES] };
            let acc = chunk_fixed::<FMA, N, LANES>(srcs, taps, i, init);
            for l in 0..LANES {
                d[l] = epi(acc[l]);
            }
        }
        i += LANES;
    }
    for i in i..n {
        let mut acc = if ADD { dst[i] } else { 0.0 };
        for t in 0..N {
            acc = mac::<FMA>(taps[t], srcs[t][i], acc);
        }
        dst[i] = epi(acc);
    }
}

#[inline(always)]
fn sum_any<const FMA: bool, const ADD: bool>(dst: &mut [f32], srcs: &[&[f32]], taps: &[f32], epi: impl Fn(f32) -> f32) {
    let n = dst.len();
    let mut i = 0;
    while i + LANES <= n {
        if let Some(d) = dst[i..].first_chunk_mut::<LANES>() {
            let mut acc = if ADD { *d } else { [0.0; LANES] };
            for (s, &t) in srcs.iter().zip(taps) {
                if let Some(s) = s[i..].first_chunk::<LANES>() {
                    for l in 0..LANES {
                        acc[l] = mac::<FMA>(t, s[l], acc[l]);
                    }
                }
            }
            for l in 0..LANES {
                d[l] = epi(acc[l]);
            }
        }
        i += LANES;
    }
    for i in i..n {
        let mut acc = if ADD { dst[i] } else { 0.0 };
        for (s, &t) in srcs.iter().zip(taps) {
            acc = mac::<FMA>(t, s[i], acc);
        }
        dst[i] = epi(acc);
    }
}

/// Rounds `n` up to a whole number of chunks.
pub fn padded(n: usize) -> usize {
    n.div_ceil(LANES) * LANES
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::kernels::dispatch::{SimdTask, dispatch};

    struct Sum<'a> {
        dst: &'a mut [f32],
        srcs: &'a [&'a [f32]],
        taps: &'a [f32],
        add: bool,
    }

    impl SimdTask for Sum<'_> {
        type Output = ();
        fn run<const FMA: bool>(self) {
            if self.add {
                weighted_sum_add::<FMA>(self.dst, self.srcs, self.taps);
            } else {
                weighted_sum::<FMA>(self.dst, self.srcs, self.taps, |v| v * 2.0);
            }
        }
    }

    #[test]
    fn weighted_sums_of_shifted_rows_match_the_definition_with_and_without_fma() {
        let row: Vec<f32> = (0..100).map(|i| (i as f32 * 0.3).sin()).collect();
        let all_taps: Vec<f32> =
            (0..12).map(|t| 0.5 / (t as f32 + 1.0) * if t % 2 == 0 { 1.0 } else { -1.0 }).collect();
        // The generic loop (3 taps) and the unrolled kernels (6 and 12 taps).
        for (nt, n) in [3usize, 6, 12].iter().flat_map(|&nt| [0usize, 5, 16, 37, 64, 80, 81].map(|n| (nt, n))) {
            let taps = &all_taps[..nt];
            let srcs: Vec<&[f32]> = (0..nt).map(|s| &row[s..s + n]).collect();
            let want: Vec<f32> = (0..n).map(|i| 2.0 * (0..nt).map(|t| taps[t] * row[i + t]).sum::<f32>()).collect();
            let mut fast = vec![0f32; n];
            dispatch(Sum { dst: &mut fast, srcs: &srcs, taps, add: false });
            let mut plain = vec![0f32; n];
            Sum { dst: &mut plain, srcs: &srcs, taps, add: false }.run::<false>();
            for i in 0..n {
                assert!((fast[i] - want[i]).abs() < 1e-5 && (plain[i] - want[i]).abs() < 1e-5, "{nt} taps, {n}: [{i}]");
            }
            let mut acc = vec![1f32; n];
            dispatch(Sum { dst: &mut acc, srcs: &srcs, taps, add: true });
            for i in 0..n {
                assert!((acc[i] - 1.0 - want[i] / 2.0).abs() < 1e-5);
            }
        }
    }
}
