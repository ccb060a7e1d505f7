//! Speed of the equivariance metrics on the fixture networks: samples per second of
//! `eqt50k_frac` (and, when named, the other two), with the share spent in the generator.
//!
//! `cargo bench --bench equivariance [-- METRIC...]`; `STYLESCOPE_BENCH_SAMPLES` (default 32)
//! sets the samples per measurement, `STYLESCOPE_FIXTURES` where the networks are.

use std::path::PathBuf;
use std::time::Instant;

use candle_core::Device;
use stylescope::analysis::equivariance::{EquivarianceOptions, compute_equivariance};
use stylescope::analysis::{Draws, MetricId};
use stylescope::checkpoint::Checkpoint;
use stylescope::nn::generator::SynthesisOptions;
use stylescope::progress::Silent;

fn fixtures() -> PathBuf {
    std::env::var_os("STYLESCOPE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"))
}

/// As `main`: fix candle's thread count once, before any thread exists.
#[allow(unsafe_code)]
fn pin_thread_count() {
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let n = candle_core::utils::get_num_threads();
        // SAFETY: first thing in `main`, while the process has a single thread.
        unsafe { std::env::set_var("RAYON_NUM_THREADS", n.to_string()) };
    }
}

fn main() {
    pin_thread_count();
    let samples: usize =
        std::env::var("STYLESCOPE_BENCH_SAMPLES").ok().and_then(|v| v.parse().ok()).unwrap_or(32).max(4);
    let named: Vec<MetricId> =
        std::env::args().skip(1).filter(|a| !a.starts_with('-')).filter_map(|a| MetricId::parse(&a).ok()).collect();
    let metrics = if named.is_empty() { vec![MetricId::Eqt50kFrac] } else { named };
    println!(
        "equivariance benchmark: {samples} samples per run, batches of 4, {} threads",
        candle_core::utils::get_num_threads()
    );
    for net in ["sg3t_64", "sg3r_64"] {
        let path = fixtures().join(net).join("network.pkl");
        let g = match Checkpoint::open(&path).and_then(|c| c.load_generator(&Device::Cpu)) {
            Ok(g) => g,
            Err(e) => {
                println!("SKIPPED {net}: {e}");
                continue;
            }
        };
        for &metric in &metrics {
            let opts = EquivarianceOptions { num_samples: samples, batch_size: 4, ..Default::default() };
            let run = |n: usize| {
                let mut draws = Draws::seeded(0).unwrap_or_else(|e| panic!("{e}"));
                let o = EquivarianceOptions { num_samples: n, ..opts };
                compute_equivariance(&g, metric.eq_kind(), &mut draws, &o, &Silent)
                    .unwrap_or_else(|e| panic!("{net} {metric}: {e}"))
            };
            run(4); // warm-up
            let start = Instant::now();
            let out = run(samples);
            let secs = start.elapsed().as_secs_f64();
            // The generator alone: the same two synthesis calls per batch.
            let ws = g
                .mapping(
                    &Draws::seeded(0)
                        .and_then(|mut d| d.next_batch(4, g.config().z_dim(), 0, 0))
                        .and_then(|d| d.z_tensor(g.config().z_dim(), &Device::Cpu))
                        .unwrap_or_else(|e| panic!("{e}")),
                    None,
                    1.0,
                    None,
                )
                .unwrap_or_else(|e| panic!("{e}"));
            let synth_start = Instant::now();
            for _ in 0..opts.num_batches() * 2 {
                g.synthesis(
                    &ws,
                    &SynthesisOptions {
                        input_transform: Some([[1.0, 0.0, 0.01], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
                        ..Default::default()
                    },
                )
                .unwrap_or_else(|e| panic!("{e}"));
            }
            let synth = synth_start.elapsed().as_secs_f64();
            println!(
                "{net} {metric}: {:.2} samples/s ({} samples in {secs:.2} s; generator {:.0} %; PSNR {:.3} dB)",
                out.samples as f64 / secs,
                out.samples,
                100.0 * synth / secs,
                out.psnr()
            );
        }
    }
}
