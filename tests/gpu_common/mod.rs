//! Helpers for the GPU tests: a headless device (or a printed SKIPPED reason), a seeded RNG
//! and straightforward CPU reference loops written from the formulas in
//! `reference-stylegan.md` §2 (never from the kernels).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::too_many_arguments)]

pub mod nets;

use std::time::Duration;

use stylescope::gpu::compute::GpuContext;

/// A headless device with a 120 s timeout, or `None` after printing why the test is skipped.
/// With `STYLESCOPE_REQUIRE_GPU=1` a missing adapter fails the test instead.
pub fn context() -> Option<GpuContext> {
    match GpuContext::headless() {
        Ok(mut ctx) => {
            ctx.set_timeout(Duration::from_secs(120));
            eprintln!("GPU adapter: {}", ctx.description());
            Some(ctx)
        }
        Err(e) => {
            if std::env::var("STYLESCOPE_REQUIRE_GPU").is_ok_and(|v| v == "1") {
                panic!("no GPU adapter: {e}");
            }
            eprintln!("SKIPPED: no GPU adapter for the compute engine: {e}");
            None
        }
    }
}

#[macro_export]
macro_rules! require_gpu {
    () => {
        match gpu_common::context() {
            Some(ctx) => ctx,
            None => return,
        }
    };
}

/// xorshift64* with Box–Muller normals.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn normal(&mut self) -> f32 {
        let u1 = self.uniform().max(1e-12);
        let u2 = self.uniform();
        ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
    }
    pub fn normals(&mut self, n: usize, scale: f32) -> Vec<f32> {
        (0..n).map(|_| self.normal() * scale).collect()
    }
}

pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "length mismatch");
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

pub fn max_abs(a: &[f32]) -> f32 {
    a.iter().map(|x| x.abs()).fold(0.0, f32::max)
}

/// Asserts `max|a − b| ≤ tol·max(1, max|b|)` and prints the error.
pub fn assert_close(what: &str, got: &[f32], want: &[f32], tol: f32) {
    let err = max_abs_diff(got, want);
    let scale = max_abs(want).max(1.0);
    eprintln!("{what}: max abs diff {err:.3e} (max |ref| {:.3})", max_abs(want));
    assert!(got.iter().all(|v| v.is_finite()), "{what}: non-finite output");
    assert!(err <= tol * scale, "{what}: max abs diff {err:e} > {tol:e}·{scale}");
}

pub fn lrelu(v: f64, alpha: f64) -> f64 {
    if v >= 0.0 { v } else { v * alpha }
}

/// upfirdn2d exactly as NVIDIA's reference describes it: zero insertion, zero padding (negative
/// crops), a valid *true* convolution with the 2-D filter `f [fh, fw]` (gain folded in), and
/// keeping every `down`-th sample. x is `[c, h, w]`; padding is `[x0, x1, y0, y1]`.
pub fn upfirdn2d_ref(
    x: &[f64],
    c: usize,
    h: usize,
    w: usize,
    f: &[f64],
    fh: usize,
    fw: usize,
    up: usize,
    down: usize,
    pad: [i64; 4],
) -> (Vec<f64>, usize, usize) {
    let (uh, uw) = (h * up, w * up);
    let ph = (uh as i64 + pad[2] + pad[3]) as usize;
    let pw = (uw as i64 + pad[0] + pad[1]) as usize;
    let vh = ph + 1 - fh;
    let vw = pw + 1 - fw;
    let oh = vh.div_ceil(down);
    let ow = vw.div_ceil(down);
    let mut out = vec![0.0; c * oh * ow];
    for ch in 0..c {
        // padded, up-sampled sample at (py, px)
        let at = |py: usize, px: usize| -> f64 {
            let uy = py as i64 - pad[2];
            let ux = px as i64 - pad[0];
            if uy < 0 || ux < 0 || uy >= uh as i64 || ux >= uw as i64 {
                return 0.0;
            }
            let (uy, ux) = (uy as usize, ux as usize);
            if uy % up != 0 || ux % up != 0 {
                return 0.0;
            }
            x[(ch * h + uy / up) * w + ux / up]
        };
        for oy in 0..oh {
            for ox in 0..ow {
                let (vy, vx) = (oy * down, ox * down);
                let mut acc = 0.0;
                for ky in 0..fh {
                    for kx in 0..fw {
                        // true convolution: flipped filter
                        acc += f[(fh - 1 - ky) * fw + (fw - 1 - kx)] * at(vy + ky, vx + kx);
                    }
                }
                out[(ch * oh + oy) * ow + ox] = acc;
            }
        }
    }
    (out, oh, ow)
}

pub fn to_f64(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&x| x as f64).collect()
}

pub fn to_f32(v: &[f64]) -> Vec<f32> {
    v.iter().map(|&x| x as f32).collect()
}

/// Outer product `a ⊗ b` (row-major `[a.len(), b.len()]`).
pub fn outer(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().flat_map(|x| b.iter().map(move |y| x * y)).collect()
}

/// A normalised low-pass-like symmetric filter of `taps` taps (values only matter for testing).
pub fn test_filter(taps: usize) -> Vec<f64> {
    let c = (taps as f64 - 1.0) / 2.0;
    let v: Vec<f64> = (0..taps).map(|i| (-((i as f64 - c) / (0.35 * taps as f64)).powi(2)).exp()).collect();
    let s: f64 = v.iter().sum();
    v.iter().map(|x| x / s).collect()
}
