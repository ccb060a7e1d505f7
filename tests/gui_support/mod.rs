//! Shared helpers for the window and render-worker tests: a synthetic render engine (fast or
//! deliberately slow), its loader, and harness helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use stylescope::jobs::request::{EngineOutput, NetworkInfo, RenderRequest};
use stylescope::jobs::{EngineLoader, RenderEngine};
use stylescope::raster::Raster;
use stylescope::{Error, Result};

/// A synthetic network described by a small text file:
/// `fake-network <sg2|sg3> <resolution> [delay_ms]`. Its image is a deterministic function of the
/// request (seeds and weights, psi, noise seed, translation), so tests can tell renders apart.
#[derive(Debug)]
pub struct FakeEngine {
    pub info: NetworkInfo,
    pub delay: Duration,
    pub renders: Arc<AtomicUsize>,
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The image the fake engine draws for a request.
pub fn fake_image(info: &NetworkInfo, req: &RenderRequest) -> Raster {
    let r = info.resolution;
    let (tx, ty) = req.input_transform.map_or((0.0, 0.0), |m| (m[0][2], m[1][2]));
    let mut px = vec![0u8; r * r * 3];
    for y in 0..r {
        for x in 0..r {
            let mut acc = [0f64; 3];
            for s in &req.seeds {
                let h = splitmix(u64::from(s.seed) ^ req.noise_seed.rotate_left(17));
                let freq = 1.0 + (h % 5) as f64;
                let u = (x as f64 / r as f64 - tx) * freq;
                let v = (y as f64 / r as f64 - ty) * freq;
                for (c, a) in acc.iter_mut().enumerate() {
                    let base = ((h >> (8 * c)) & 0xff) as f64;
                    let wave = ((u + v * (c as f64 + 1.0)) * std::f64::consts::TAU).sin() * 60.0 * req.psi;
                    *a += s.weight * (base * 0.6 + 50.0 + wave);
                }
            }
            for c in 0..3 {
                px[(y * r + x) * 3 + c] = acc[c].clamp(0.0, 255.0) as u8;
            }
        }
    }
    Raster::new(r, r, 3, px).unwrap()
}

impl RenderEngine for FakeEngine {
    fn info(&self) -> NetworkInfo {
        self.info.clone()
    }

    fn render(&mut self, req: &RenderRequest) -> Result<EngineOutput> {
        std::thread::sleep(self.delay);
        self.renders.fetch_add(1, Ordering::SeqCst);
        if req.psi.is_nan() {
            return Err(Error::Invalid("psi is NaN".into()));
        }
        Ok(EngineOutput::pixels(fake_image(&self.info, req), vec![("fake", self.delay)]))
    }
}

/// Opens fake-network files; anything else fails as a real loader would, naming the file.
pub fn fake_loader(renders: Arc<AtomicUsize>) -> Arc<dyn EngineLoader> {
    Arc::new(move |path: &Path| -> Result<Box<dyn RenderEngine>> {
        let bytes = std::fs::read(path).map_err(|e| Error::from(e).in_file(path))?;
        let text = String::from_utf8_lossy(&bytes);
        let parts: Vec<&str> = text.split_whitespace().collect();
        if parts.first() != Some(&"fake-network") || parts.len() < 3 {
            return Err(Error::Format("not a network file".into()).in_file(path));
        }
        let sg3 = parts[1] == "sg3";
        let resolution: usize = parts[2].parse().map_err(|_| Error::Format("bad resolution".into()).in_file(path))?;
        let delay = Duration::from_millis(parts.get(3).and_then(|d| d.parse().ok()).unwrap_or(0));
        let info = NetworkInfo {
            path: path.to_path_buf(),
            family: if sg3 { "StyleGAN3-T".into() } else { "StyleGAN2".into() },
            resolution,
            img_channels: 3,
            z_dim: 8,
            w_dim: 8,
            c_dim: 0,
            num_ws: if sg3 { 16 } else { 10 },
            has_noise: !sg3,
            has_input_transform: sg3,
            title: None,
        };
        Ok(Box::new(FakeEngine { info, delay, renders: Arc::clone(&renders) }))
    })
}

#[allow(unused_imports)] // each test crate uses what it needs
pub use crate::common::{TempDir, temp_dir};

/// Writes a fake network file.
pub fn fake_network(dir: &Path, name: &str, family: &str, resolution: usize, delay_ms: u64) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("fake-network {family} {resolution} {delay_ms}\n")).unwrap();
    p
}

/// Polls `cond` (stepping with `step`) until it holds, or panics after `timeout` with `what`.
pub fn wait_until(timeout: Duration, what: &str, mut step: impl FnMut() -> bool) {
    let start = Instant::now();
    while !step() {
        assert!(start.elapsed() < timeout, "timed out after {timeout:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}
