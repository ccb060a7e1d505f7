//! StyleGAN2's up-sampling convolution (stride-2 transposed conv, then the FIR filter) rewritten
//! as four phase correlations on the input grid.
//!
//! Per axis, `T[p] = Σ_k W[k]·x_up[p − k]` (x_up zero-inserted) and
//! `out[q] = Σ_j f[j]·T[q + fw − 1 − j − p0]`, so `out[q] = Σ_t K[t]·x_up[q + P − t]` with
//! `K = f ∗ W` (full convolution, `k + fw − 1` taps) and `P = fw − 1 − p0`. Output `q = 2a + φ`
//! only meets even `x_up` indices, i.e. taps `t ≡ φ + P (mod 2)`: a correlation of `x` with the
//! sub-kernel `K_φ[v] = K[t_φ + 2(n − 1 − v)]` (`n = (k + fw − 1)/2` taps) and padding
//! `n − 1 − (φ + P − t_φ)/2`.

use crate::{Error, Result};

/// Phase kernels `[2·2, c_out, c_in, n, n]` (phase index `2·φy + φx`) of weights `[c_out, c_in,
/// k, k]` and the 2-D filter `f [fh, fw]` (gain included), with FIR paddings `p0 = (py0, px0)`.
/// Returns the kernels, their size `n` and the correlation padding (equal for all phases).
#[allow(clippy::too_many_arguments)]
pub fn polyphase_weights(
    w: &[f32],
    c_out: usize,
    c_in: usize,
    k: usize,
    f: &[f32],
    fh: usize,
    fw: usize,
    p0: (i64, i64),
) -> Result<(Vec<f32>, usize, usize)> {
    let (sy, sx) = (k + fh - 1, k + fw - 1);
    if sy % 2 != 0 || sx % 2 != 0 || sy != sx || w.len() != c_out * c_in * k * k || f.len() != fh * fw {
        return Err(Error::Unsupported(format!("polyphase up-sampling of a {k}×{k} kernel with a {fh}×{fw} filter")));
    }
    let n = sy / 2;
    let axis = |p0: i64, fl: usize| -> Result<[(usize, usize); 2]> {
        let big_p = fl as i64 - 1 - p0;
        let mut out = [(0, 0); 2];
        for (phi, slot) in out.iter_mut().enumerate() {
            let t_phi = (phi as i64 + big_p).rem_euclid(2);
            let c = (phi as i64 + big_p - t_phi) / 2;
            let pad = n as i64 - 1 - c;
            if pad < 0 {
                return Err(Error::Unsupported(format!("polyphase up-sampling with FIR padding {p0}")));
            }
            *slot = (t_phi as usize, pad as usize);
        }
        Ok(out)
    };
    let (ay, ax) = (axis(p0.0, fh)?, axis(p0.1, fw)?);
    let pad = ay[0].1;
    if ay.iter().chain(&ax).any(|&(_, p)| p != pad) {
        return Err(Error::Unsupported("polyphase up-sampling with unequal phase paddings".into()));
    }
    let mut out = vec![0.0f32; 4 * c_out * c_in * n * n];
    let mut full = vec![0.0f64; sy * sx];
    for o in 0..c_out {
        for i in 0..c_in {
            full.iter_mut().for_each(|v| *v = 0.0);
            let wk = &w[(o * c_in + i) * k * k..][..k * k];
            for ky in 0..k {
                for kx in 0..k {
                    let wv = wk[ky * k + kx] as f64;
                    for jy in 0..fh {
                        for jx in 0..fw {
                            full[(ky + jy) * sx + kx + jx] += wv * f[jy * fw + jx] as f64;
                        }
                    }
                }
            }
            for (py, &(ty, _)) in ay.iter().enumerate() {
                for (px, &(tx, _)) in ax.iter().enumerate() {
                    let base = ((2 * py + px) * c_out * c_in + o * c_in + i) * n * n;
                    for vy in 0..n {
                        for vx in 0..n {
                            let t = (ty + 2 * (n - 1 - vy), tx + 2 * (n - 1 - vx));
                            out[base + vy * n + vx] = full[t.0 * sx + t.1] as f32;
                        }
                    }
                }
            }
        }
    }
    Ok((out, n, pad))
}
