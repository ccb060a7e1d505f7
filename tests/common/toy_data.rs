//! Tiny synthetic datasets for training tests, written in NVIDIA's format (a folder of PNGs).
#![allow(dead_code)]

use std::path::Path;

use stylescope::nn::random_state::RandomState;
use stylescope::raster::Raster;

/// The dataset's colours in [-1, 1] units: a warm background with a cool disc.
pub const BACKGROUND: [f64; 3] = [0.7, -0.3, -0.6];
pub const DISC: [f64; 3] = [-0.5, 0.4, 0.8];

fn to_u8(v: f64) -> u8 {
    ((v + 1.0) * 127.5).round().clamp(0.0, 255.0) as u8
}

/// `n` RGB images of `res`² showing a disc of random centre and radius on a plain background,
/// with a little noise, as `dir/00000/img%08d.png` (the layout of `dataset_tool.py`).
pub fn write_discs(dir: &Path, n: usize, res: usize, seed: u32) {
    let sub = dir.join("00000");
    std::fs::create_dir_all(&sub).unwrap();
    let mut rng = RandomState::new(seed);
    for i in 0..n {
        let cx = rng.random_sample() * res as f64;
        let cy = rng.random_sample() * res as f64;
        let r = (0.15 + 0.2 * rng.random_sample()) * res as f64;
        let mut px = Vec::with_capacity(res * res * 3);
        for y in 0..res {
            for x in 0..res {
                let inside = (x as f64 + 0.5 - cx).powi(2) + (y as f64 + 0.5 - cy).powi(2) < r * r;
                let c = if inside { DISC } else { BACKGROUND };
                for v in c {
                    px.push(to_u8(v + 0.05 * rng.standard_normal()));
                }
            }
        }
        Raster::new(res, res, 3, px).unwrap().save_png(&sub.join(format!("img{i:08}.png"))).unwrap();
    }
}

/// Per-channel mean of images `[N, 3, R, R]` given as flat f32 values in [-1, 1].
pub fn channel_means(v: &[f32], n: usize, res: usize) -> [f64; 3] {
    let mut m = [0.0; 3];
    for s in 0..n {
        for (k, mk) in m.iter_mut().enumerate() {
            let plane = &v[(s * 3 + k) * res * res..(s * 3 + k + 1) * res * res];
            *mk += plane.iter().map(|&x| f64::from(x)).sum::<f64>();
        }
    }
    m.map(|x| x / (n * res * res) as f64)
}
