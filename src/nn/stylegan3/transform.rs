//! The user transform of StyleGAN3's input (reference §1.3.8, §2.3.2).
//!
//! Callers describe the forward transform of the image content, `make_transform(translate,
//! angle)` as `gen_images.py` and the visualizer build it; the network holds its inverse in the
//! float32 buffer `synthesis.input.transform`.

use crate::nn::generator::Mat3;
use crate::{Error, Result};

/// `gen_images.make_transform((tx, ty), angle_degrees)`:
/// `[[cos a, sin a, tx], [−sin a, cos a, ty], [0, 0, 1]]`; translation in image units
/// (1.0 = one image width), the angle in degrees.
pub fn make_transform(translate: [f64; 2], angle_degrees: f64) -> Mat3 {
    let a = angle_degrees / 360.0 * std::f64::consts::PI * 2.0;
    let (s, c) = (a.sin(), a.cos());
    [[c, s, translate[0]], [-s, c, translate[1]], [0.0, 0.0, 1.0]]
}

/// The inverse of a 3×3 matrix (adjugate over determinant, in f64); an error when singular or
/// not finite.
pub fn invert(m: &Mat3) -> Result<Mat3> {
    let cof = |r0: usize, r1: usize, c0: usize, c1: usize| m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
    let c00 = cof(1, 2, 1, 2);
    let c01 = -cof(1, 2, 0, 2);
    let c02 = cof(1, 2, 0, 1);
    let det = m[0][0] * c00 + m[0][1] * c01 + m[0][2] * c02;
    let scale = m.iter().flatten().fold(0f64, |a, &v| a.max(v.abs()));
    if !det.is_finite() || !scale.is_finite() || det.abs() <= 1e-12 * scale.powi(3).max(f64::MIN_POSITIVE) {
        return Err(Error::Invalid(format!("the input transform {m:?} is singular or not finite")));
    }
    let adj = [
        [c00, -cof(0, 2, 1, 2), cof(0, 1, 1, 2)],
        [c01, cof(0, 2, 0, 2), -cof(0, 1, 0, 2)],
        [c02, -cof(0, 2, 0, 1), cof(0, 1, 0, 1)],
    ];
    let mut inv = [[0.0; 3]; 3];
    for (r, row) in adj.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            inv[r][c] = v / det;
        }
    }
    Ok(inv)
}

/// The value NVIDIA's code writes into `synthesis.input.transform` for the forward transform `m`:
/// `inv(m)` computed in f64, then rounded to float32 as the buffer stores it.
pub fn transform_buffer(m: &Mat3) -> Result<[[f32; 3]; 3]> {
    let inv = invert(m)?;
    Ok(inv.map(|row| row.map(|v| v as f32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::needless_range_loop)] // matrix entries read best by their indices
    fn make_transform_and_its_buffer_match_the_fixture_recipe() {
        // manifest.json → transforms.both of the sg3 fixtures.
        let m = make_transform([0.13, -0.21], 17.0);
        assert!((m[0][0] - 0.956_304_755_963_035_5).abs() < 1e-15);
        assert!((m[0][1] - 0.292_371_704_722_736_7).abs() < 1e-15);
        assert!((m[1][0] + 0.292_371_704_722_736_7).abs() < 1e-15);
        let b = transform_buffer(&m).unwrap();
        // buffer_float32, printed from float32 values (exact as f64).
        let want = [
            [0.9563047289848328f64, -0.2923716902732849, -0.18571767210960388],
            [0.2923716902732849, 0.9563047289848328, 0.16281567513942719],
            [0.0, 0.0, 1.0],
        ];
        for r in 0..3 {
            for c in 0..3 {
                assert_eq!(b[r][c] as f64, want[r][c], "[{r}][{c}]");
            }
        }
        let i = invert(&m).unwrap();
        for r in 0..3 {
            for c in 0..3 {
                let p: f64 = (0..3).map(|k| m[r][k] * i[k][c]).sum();
                assert!((p - if r == c { 1.0 } else { 0.0 }).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn singular_transforms_are_errors() {
        assert!(invert(&[[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [0.0, 0.0, 1.0]]).is_err());
        assert!(invert(&[[f64::NAN, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]).is_err());
        assert!(transform_buffer(&[[0.0; 3]; 3]).is_err());
    }
}
