//! Shared helpers for integration tests: locating the golden fixtures and comparing arrays.
#![allow(dead_code)]

use std::path::PathBuf;

mod temp;
#[allow(unused_imports)] // each test crate uses what it needs
pub use temp::{TempDir, temp_dir};

/// The fixtures folder: `$STYLESCOPE_FIXTURES`, else `../shared/fixtures` beside the checkout.
pub fn fixtures_dir() -> PathBuf {
    match std::env::var_os("STYLESCOPE_FIXTURES") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"),
    }
}

/// The folder of one fixture network (`sg2_64`, `sg3t_64`, `sg3r_64`), or `None` with a clear
/// message when the fixtures are absent. With `STYLESCOPE_REQUIRE_FIXTURES=1` absence is a failure.
pub fn fixture(net: &str) -> Option<PathBuf> {
    let dir = fixtures_dir().join(net);
    if dir.join("network.pkl").is_file() {
        return Some(dir);
    }
    let msg = format!(
        "golden fixtures not found at {} (set STYLESCOPE_FIXTURES to the folder holding sg2_64/, sg3t_64/, sg3r_64/)",
        dir.display()
    );
    if std::env::var("STYLESCOPE_REQUIRE_FIXTURES").is_ok_and(|v| v == "1") {
        panic!("{msg}");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

/// Returns early from a test when the fixture is absent (after printing why).
#[macro_export]
macro_rules! require_fixture {
    ($net:expr) => {
        match common::fixture($net) {
            Some(dir) => dir,
            None => return,
        }
    };
}

/// Reads a `.npy` file as f32 values with its shape (f32 and f64 files; f64 is narrowed).
pub fn read_npy_f32(path: &std::path::Path) -> (Vec<f32>, Vec<usize>) {
    let t = candle_core::Tensor::read_npy(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let shape = t.dims().to_vec();
    let v = t
        .to_dtype(candle_core::DType::F32)
        .and_then(|t| t.flatten_all())
        .and_then(|t| t.to_vec1::<f32>())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (v, shape)
}

/// Reads a `.npy` file as f64 values with its shape.
pub fn read_npy_f64(path: &std::path::Path) -> (Vec<f64>, Vec<usize>) {
    let t = candle_core::Tensor::read_npy(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let shape = t.dims().to_vec();
    let v = t
        .to_dtype(candle_core::DType::F64)
        .and_then(|t| t.flatten_all())
        .and_then(|t| t.to_vec1::<f64>())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (v, shape)
}

/// Max |a - b| over two equally long slices.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "length mismatch");
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// Max |a|.
pub fn max_abs(a: &[f32]) -> f32 {
    a.iter().map(|x| x.abs()).fold(0.0, f32::max)
}
