//! Is the gap between our equivariance batch sums and NVIDIA's float32 noise or a systematic
//! difference? For each recorded batch of the fixtures' equivariance runs: NVIDIA's sum, ours in
//! float32, ours in float64 (the float64 generator), their relative gaps, and the split of the
//! float32-vs-float64 gap into `Σ 2eδ / Σ e²` and `Σ δ² / Σ e²` with the white-noise estimate
//! (`analysis::equivariance_precision`). First it checks that our float64 generator computes the
//! same function as NVIDIA's float64 rerun (seed 85).
//!
//! ```text
//! STYLESCOPE_FIXTURES=../shared/fixtures cargo run --no-default-features --example eq_precision -- \
//!     [--nets sg3t_64,sg3r_64] [--metrics eqt_int,eqt_frac,eqr] [--batches 0-15] [--out rows.jsonl]
//! ```
//! Results and reading: `docs/equivariance-precision.md`.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use candle_core::{DType, Device, Tensor};
use stylescope::analysis::equivariance::{EqKind, EquivarianceOptions};
use stylescope::analysis::equivariance_precision::compare_precision;
use stylescope::analysis::{Draws, MetricId};
use stylescope::checkpoint::Checkpoint;
use stylescope::nn::generator::{Generator, SynthesisOptions};
use stylescope::progress::Silent;

struct Args {
    nets: Vec<String>,
    kinds: Vec<EqKind>,
    batches: Vec<usize>,
    out: Option<PathBuf>,
}

fn parse_batches(s: &str) -> Result<Vec<usize>> {
    let mut v = Vec::new();
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => v.extend(a.parse::<usize>()?..=b.parse::<usize>()?),
            None => v.push(part.parse()?),
        }
    }
    Ok(v)
}

fn args() -> Result<Args> {
    let mut a = Args {
        nets: vec!["sg3t_64".into(), "sg3r_64".into()],
        kinds: MetricId::ALL.iter().map(|m| m.eq_kind()).collect(),
        batches: (0..16).collect(),
        out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--nets" => a.nets = value.split(',').map(String::from).collect(),
            "--metrics" => {
                a.kinds = value
                    .split(',')
                    .map(|m| {
                        MetricId::ALL
                            .iter()
                            .map(|id| id.eq_kind())
                            .find(|k| k.short_name() == m)
                            .with_context(|| format!("unknown metric {m}"))
                    })
                    .collect::<Result<_>>()?
            }
            "--batches" => a.batches = parse_batches(&value)?,
            "--out" => a.out = Some(PathBuf::from(value)),
            other => bail!("unknown flag {other}"),
        }
    }
    Ok(a)
}

fn npy(path: &std::path::Path) -> Result<Tensor> {
    Tensor::read_npy(path).with_context(|| path.display().to_string())
}

fn max_abs(a: &Tensor, b: &Tensor) -> Result<(f64, f64)> {
    let d = (a.to_dtype(DType::F64)? - b.to_dtype(DType::F64)?)?;
    let max = d.abs()?.max_all()?.to_scalar::<f64>()?;
    let rms = (d.sqr()?.mean_all()?.to_scalar::<f64>()?).sqrt();
    Ok((max, rms))
}

/// Our float32 and float64 images of seed 85 against NVIDIA's float32 and float64 ones.
fn same_function(dir: &std::path::Path, g32: &Generator, g64: &Generator) -> Result<()> {
    let z = npy(&dir.join("z_seed85_f64.npy"))?.to_dtype(DType::F64)?;
    let nv64 = npy(&dir.join("img_seed85_psi1.0_const_f64.npy"))?;
    let nv32 = npy(&dir.join("img_seed85_psi1.0_const.npy"))?;
    let img = |g: &Generator| -> Result<Tensor> {
        let ws = g.mapping(&z, None, 1.0, None)?;
        Ok(g.synthesis(&ws, &SynthesisOptions::default())?.image)
    };
    let (ours64, ours32) = (img(g64)?, img(g32)?);
    let w64 = g64.mapping(&z, None, 1.0, None)?;
    let nvw64 = npy(&dir.join("w_seed85_psi1.0_f64.npy"))?;
    let nvw64 = nvw64.reshape(w64.dims())?;
    let row = |name: &str, (max, rms): (f64, f64)| println!("  {name:<28} max |diff| {max:.3e}  rms {rms:.3e}");
    row("w ours f64 vs NVIDIA f64", max_abs(&w64, &nvw64)?);
    row("img ours f64 vs NVIDIA f64", max_abs(&ours64, &nv64)?);
    row("img ours f32 vs NVIDIA f32", max_abs(&ours32, &nv32)?);
    row("img ours f32 vs ours f64", max_abs(&ours32, &ours64)?);
    row("img NVIDIA f32 vs f64", max_abs(&nv32, &nv64)?);
    Ok(())
}

fn main() -> Result<()> {
    let a = args()?;
    let fixtures = std::env::var_os("STYLESCOPE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/fixtures"));
    let mut out = a.out.as_ref().map(std::fs::File::create).transpose()?;
    for net in &a.nets {
        let dir = fixtures.join(net);
        let ckpt = Checkpoint::open(&dir.join("network.pkl"))?;
        let (g32, g64) = (ckpt.load_generator(&Device::Cpu)?, ckpt.load_generator_f64(&Device::Cpu)?);
        println!("{net}: seed 85, psi 1, identity transform");
        same_function(&dir, &g32, &g64)?;
        for &kind in &a.kinds {
            let short = kind.short_name();
            let mut draws = Draws::recorded(
                &dir.join(format!("eq_{short}_z.npy")),
                &dir.join(format!("eq_{short}_u.npy")),
                kind.uniforms_per_batch(),
            )?;
            let sums = npy(&dir.join(format!("eq_{short}_sums.npy")))?.to_dtype(DType::F64)?.to_vec2::<f64>()?;
            let opts = EquivarianceOptions { batch_size: 4, ..Default::default() };
            let config = g32.config();
            println!(
                "{net} {short}: batch  Σmask  S_nvidia  S_f32  S_f64 | rel f32−nv  rel f64−nv  rel f32−f64 | rms e  rms δ  2Σeδ/S  Σδ²/S  white-noise  C–S bound"
            );
            #[allow(clippy::needless_range_loop)] // b is the batch number, not only an index
            for b in 0..16 {
                let d = draws.next_batch(4, config.z_dim(), config.c_dim(), kind.uniforms_per_batch())?;
                if !a.batches.contains(&b) {
                    continue;
                }
                let start = Instant::now();
                let r = compare_precision(&g32, &g64, kind, &d, &opts, &Silent)?;
                let nv = sums[b][0];
                if r.mask_sum != sums[b][1] {
                    bail!("{net} {short} batch {b}: mask sum {} vs NVIDIA's {}", r.mask_sum, sums[b][1]);
                }
                let (r32, r64) = ((r.s32 - nv) / nv, (r.s64 - nv) / nv);
                println!(
                    "{net} {short} {b:>2} {:>6} {nv:.6e} {:.6e} {:.6e} | {r32:+.2e} {r64:+.2e} {:+.2e} | {:.2e} {:.2e} {:+.2e} {:.2e} {:.2e} {:.2e}  ({:.1} s)",
                    r.mask_sum,
                    r.s32,
                    r.s64,
                    r.rel_f32_f64(),
                    r.e_rms,
                    r.delta_rms,
                    r.cross,
                    r.quad,
                    r.white_noise_estimate(),
                    r.cauchy_schwarz_bound(),
                    start.elapsed().as_secs_f64()
                );
                if let Some(f) = out.as_mut() {
                    writeln!(
                        f,
                        "{{\"net\":\"{net}\",\"metric\":\"{short}\",\"batch\":{b},\"mask_sum\":{},\"s_nvidia\":{nv:e},\"s_f32\":{:e},\"s_f64\":{:e},\"rms_e\":{:e},\"rms_delta\":{:e},\"cross\":{:e},\"quad\":{:e},\"white_noise\":{:e},\"cs_bound\":{:e}}}",
                        r.mask_sum,
                        r.s32,
                        r.s64,
                        r.e_rms,
                        r.delta_rms,
                        r.cross,
                        r.quad,
                        r.white_noise_estimate(),
                        r.cauchy_schwarz_bound()
                    )?;
                }
            }
        }
    }
    Ok(())
}
