//! EQ-T, EQ-T_frac and EQ-R against NVIDIA's official runs on the StyleGAN3 fixtures: the
//! recorded draws (`eq_<m>_z.npy`, `eq_<m>_u.npy`) are replayed through
//! `analysis::compute_equivariance`, and every batch's sums and the PSNR are compared with the
//! recorded sums (`eq_<m>_sums.npy`) and the official table (fixtures README).
//!
//! By default the first `DEFAULT_BATCHES` of the 16 recorded batches are replayed (the dev
//! profile needs a few seconds per batch on a 2-core machine); `STYLESCOPE_EQ_BATCHES=16` replays
//! all of them and then also checks the PSNR against the official table.
//!
//! Per batch: the mask sum must be exact, and the error sum `S = Σ (ref − img)²·mask` within
//! 1e-4 relative — or, where float32 noise dominates, within what a per-pixel float32 discrepancy
//! `δ` of `NOISE_RMS` can change it by (Cauchy–Schwarz: `|Δ S| ≤ 2·δ·√(S·N)` over `N` masked
//! values). Measured on the fixtures: our images differ from NVIDIA's float32 images by 1.1e-7
//! (sg3r) to 2.0e-7 (sg3t) RMS, as much as NVIDIA's own float32 images differ from its float64
//! rerun (1.3e-7 / 1.8e-7), and computing the same batch one sample at a time instead of batched
//! moves `S` by up to 1.8e-4 relative. Batches whose translation is almost exact (sg3r EQ-T,
//! batch MSE ~1e-10, RMS error ~1e-5) therefore differ by up to ~2e-3 relative while the bound
//! catches a 1 % error in the error image. The full replay (16 batches, dev profile):
//! every PSNR within 0.00014 dB of the official table; 22 of 96 batches above 1e-4 relative (the
//! largest 2.2e-3, sg3r EQ-T batch 0 with batch MSE 1.5e-10), all within 0.21 of the noise bound.

mod common;

use std::time::Instant;

use candle_core::Device;
use stylescope::analysis::equivariance::{EquivarianceOptions, psnr_from_sums};
use stylescope::analysis::{Draws, MetricId, compute_equivariance};
use stylescope::checkpoint::Checkpoint;
use stylescope::progress::Silent;

const DEFAULT_BATCHES: usize = 2;
/// RMS of a per-pixel float32 discrepancy that is at the noise floor (see the module docs).
const NOISE_RMS: f64 = 1e-7;

/// The official table (fixtures README): PSNR in dB for EQ-T, EQ-T_frac, EQ-R.
fn official(net: &str, metric: MetricId) -> f64 {
    match (net, metric) {
        ("sg3t_64", MetricId::Eqt50kInt) => 74.9203,
        ("sg3t_64", MetricId::Eqt50kFrac) => 76.7364,
        ("sg3t_64", MetricId::Eqr50k) => 26.3708,
        ("sg3r_64", MetricId::Eqt50kInt) => 84.7424,
        ("sg3r_64", MetricId::Eqt50kFrac) => 79.1046,
        ("sg3r_64", MetricId::Eqr50k) => 77.1682,
        _ => unreachable!(),
    }
}

fn batches() -> usize {
    std::env::var("STYLESCOPE_EQ_BATCHES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_BATCHES).clamp(1, 16)
}

#[test]
fn replayed_draws_reproduce_nvidias_sums_and_psnr() {
    let n = batches();
    let mut failures = Vec::new();
    for net in ["sg3t_64", "sg3r_64"] {
        let dir = require_fixture!(net);
        let g = Checkpoint::open(&dir.join("network.pkl")).unwrap().load_generator(&Device::Cpu).unwrap();
        for metric in MetricId::ALL {
            let kind = metric.eq_kind();
            let short = kind.short_name();
            let mut draws = Draws::recorded(
                &dir.join(format!("eq_{short}_z.npy")),
                &dir.join(format!("eq_{short}_u.npy")),
                kind.uniforms_per_batch(),
            )
            .unwrap();
            let (want, shape) = common::read_npy_f64(&dir.join(format!("eq_{short}_sums.npy")));
            assert_eq!(shape, [16, 2]);
            let want: Vec<[f64; 2]> = want.chunks(2).map(|c| [c[0], c[1]]).collect();
            let opts = EquivarianceOptions { num_samples: n * 4, batch_size: 4, ..Default::default() };
            let start = Instant::now();
            let out = compute_equivariance(&g, kind, &mut draws, &opts, &Silent).unwrap();
            let secs = start.elapsed().as_secs_f64();
            assert_eq!(out.batch_sums.len(), n);
            let (mut worst_rel, mut above) = (0f64, 0);
            for (b, (got, want)) in out.batch_sums.iter().zip(&want).enumerate() {
                assert_eq!(got[1], want[1], "{net} {metric} batch {b}: mask sum");
                let diff = (got[0] - want[0]).abs();
                let rel = diff / want[0];
                let noise = 2.0 * NOISE_RMS * (want[0] * want[1]).sqrt();
                worst_rel = worst_rel.max(rel);
                if rel > 1e-4 {
                    above += 1;
                    eprintln!(
                        "  {net} {metric} batch {b}: Σerr {:.6e} vs {:.6e} (rel {rel:.2e}, batch MSE {:.2e}, {:.2} of the noise bound)",
                        got[0],
                        want[0],
                        want[0] / want[1],
                        diff / noise
                    );
                    if diff > noise {
                        failures.push(format!(
                            "{net} {metric} batch {b}: Σerr {} vs {} beyond the float32 noise bound {noise:.2e}",
                            got[0], want[0]
                        ));
                    }
                }
            }
            let db = out.psnr() - psnr_from_sums(&want[..n]);
            eprintln!(
                "{net} {metric}: {n} batches in {secs:.1} s, PSNR {:.4} dB ({db:+.5} dB vs the recorded sums), max rel. sum error {worst_rel:.2e} ({above} batches above 1e-4)",
                out.psnr()
            );
            if db.abs() >= 0.01 {
                failures.push(format!("{net} {metric}: PSNR off by {db:+.5} dB"));
            }
            if n == 16 {
                let off = out.psnr() - official(net, metric);
                eprintln!(
                    "{net} {metric}: official {:.4} dB, ours {:.4} dB ({off:+.5})",
                    official(net, metric),
                    out.psnr()
                );
                if off.abs() >= 0.01 {
                    failures.push(format!("{net} {metric}: {off:+.5} dB from the official table"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
