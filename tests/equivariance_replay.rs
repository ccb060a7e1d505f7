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
//! 1e-4 relative of NVIDIA's. Where it is not, float32 rounding is shown to be the cause
//! (`docs/equivariance-precision.md`): the batch is recomputed with the generator in float64,
//! which equals NVIDIA's float64 rerun to 1e-15, and
//! - the exact (float64) sum must lie within `max(2e-4, 2·|S32 − S64|/S64)` relative of NVIDIA's
//!   float32 sum: NVIDIA's float32 images are as far from float64 as ours (1.3e-7 to 1.8e-7
//!   rms), so its own error on a batch is bounded by twice ours or twice the acceptance 1e-4
//!   (measured: up to 4.1e-4 with ours 2.9e-4; 1.0e-4 on sg3t EQ-T_frac batch 1). A systematic
//!   difference in our code moves S64 as well and fails;
//! - our float32 error image must stay at the float32 floor (rms of `δ = e32 − e64` ≤
//!   `MAX_DELTA_RMS`), so a float32-only defect cannot widen that bound.
//!
//! Measured: sg3r EQ-T batch 0 is 7.0e-4 from NVIDIA (ours f32), NVIDIA's f32 is 4.1e-4 from the
//! exact sum, ours 2.9e-4 (rms δ 1.2e-7).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Instant;

use candle_core::Device;
use stylescope::analysis::equivariance::{EquivarianceOptions, psnr_from_sums};
use stylescope::analysis::equivariance_precision::compare_precision;
use stylescope::analysis::{Draws, MetricId, compute_equivariance};
use stylescope::checkpoint::Checkpoint;
use stylescope::progress::Silent;

const DEFAULT_BATCHES: usize = 2;
/// The most a batch's float32 error image may differ from its float64 one (rms): the fixtures'
/// float32-vs-float64 image floor is 1.3e-7 to 2.3e-7 rms.
const MAX_DELTA_RMS: f64 = 5e-7;

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
        let ckpt = Checkpoint::open(&dir.join("network.pkl")).unwrap();
        let g = ckpt.load_generator(&Device::Cpu).unwrap();
        let g64 = ckpt.load_generator_f64(&Device::Cpu).unwrap();
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
            let mut replay = Draws::recorded(
                &dir.join(format!("eq_{short}_z.npy")),
                &dir.join(format!("eq_{short}_u.npy")),
                kind.uniforms_per_batch(),
            )
            .unwrap();
            for (b, (got, want)) in out.batch_sums.iter().zip(&want).enumerate() {
                let d =
                    replay.next_batch(4, g.config().z_dim(), g.config().c_dim(), kind.uniforms_per_batch()).unwrap();
                assert_eq!(got[1], want[1], "{net} {metric} batch {b}: mask sum");
                let rel = (got[0] - want[0]).abs() / want[0];
                worst_rel = worst_rel.max(rel);
                if rel <= 1e-4 {
                    continue;
                }
                above += 1;
                let p = compare_precision(&g, &g64, kind, &d, &opts, &Silent).unwrap();
                assert_eq!(
                    p.s32, got[0],
                    "{net} {metric} batch {b}: the precision check recomputes the metric's batch"
                );
                let exact_vs_nv = (p.s64 - want[0]).abs() / want[0];
                let allowed = (2.0 * p.rel_f32_f64().abs()).max(2e-4);
                eprintln!(
                    "  {net} {metric} batch {b}: Σerr ours f32 {:.6e}, NVIDIA f32 {:.6e} (rel {rel:.2e}); exact (f64) {:.6e}: NVIDIA {exact_vs_nv:.2e} from it, ours {:.2e} (rms δ {:.2e})",
                    got[0],
                    want[0],
                    p.s64,
                    p.rel_f32_f64().abs(),
                    p.delta_rms
                );
                if exact_vs_nv > allowed {
                    failures.push(format!(
                        "{net} {metric} batch {b}: the exact sum {} is {exact_vs_nv:.2e} from NVIDIA's {}, more than float32 noise allows ({allowed:.2e})",
                        p.s64, want[0]
                    ));
                }
                if p.delta_rms > MAX_DELTA_RMS {
                    failures.push(format!(
                        "{net} {metric} batch {b}: float32 error image off its float64 one by {:.2e} rms",
                        p.delta_rms
                    ));
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
