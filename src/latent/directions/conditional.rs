//! Conditional directions (InterFaceGAN's `project_boundary`): remove from a direction its
//! components along other directions, so that moving along it leaves those attributes alone.
//! The conditions are orthonormalised (modified Gram–Schmidt), which solves the same Gram system
//! as InterFaceGAN's closed forms for any number of conditions; the result is renormalised.

use crate::{Error, Result};

/// A vector with less than this share of its length outside a span counts as inside it.
/// Directions travel as float32 (`.npy` files, sliders), whose rounding leaves ~1e-7 of a vector
/// outside its own span; a tighter bound would turn that rounding into a "direction".
pub const DEGENERATE: f64 = 1e-6;

/// `n` minus its projection on the span of `conditions`, normalised to unit length.
pub fn project_out(n: &[f64], conditions: &[Vec<f64>]) -> Result<Vec<f64>> {
    let dim = n.len();
    let mut basis: Vec<Vec<f64>> = Vec::new();
    for c in conditions {
        if c.len() != dim {
            return Err(Error::Invalid(format!("a condition of width {} for a direction of width {dim}", c.len())));
        }
        let mut u = c.clone();
        for b in &basis {
            let d = dot(&u, b);
            u.iter_mut().zip(b).for_each(|(x, y)| *x -= d * y);
        }
        let norm = dot(&u, &u).sqrt();
        if norm > DEGENERATE * dot(c, c).sqrt().max(f64::MIN_POSITIVE) {
            basis.push(u.iter().map(|x| x / norm).collect());
        }
    }
    let mut out = n.to_vec();
    for b in &basis {
        let d = dot(&out, b);
        out.iter_mut().zip(b).for_each(|(x, y)| *x -= d * y);
    }
    let norm = dot(&out, &out).sqrt();
    if norm <= DEGENERATE * dot(n, n).sqrt() || norm == 0.0 {
        return Err(Error::Invalid("the direction lies in the span of the conditions: nothing is left".into()));
    }
    Ok(out.iter().map(|x| x / norm).collect())
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_the_conditions() {
        let n = [1.0, 1.0, 1.0];
        let one = project_out(&n, &[vec![1.0, 0.0, 0.0]]).unwrap();
        let s = std::f64::consts::FRAC_1_SQRT_2;
        assert!((one[0]).abs() < 1e-12 && (one[1] - s).abs() < 1e-12 && (one[2] - s).abs() < 1e-12);
        // Two non-orthogonal conditions spanning the x-y plane leave z.
        let two = project_out(&n, &[vec![1.0, 0.0, 0.0], vec![1.0, 1.0, 0.0]]).unwrap();
        assert!((two[2] - 1.0).abs() < 1e-12 && two[0].abs() < 1e-12 && two[1].abs() < 1e-12);
        // InterFaceGAN's one-condition form: n − (n·c)c, renormalised.
        let c = [0.6, 0.8, 0.0];
        let got = project_out(&[0.0, 1.0, 0.0], &[c.to_vec()]).unwrap();
        let want = [-0.48, 0.36, 0.0];
        let wn = (0.48f64 * 0.48 + 0.36 * 0.36).sqrt();
        for (g, w) in got.iter().zip(want) {
            assert!((g - w / wn).abs() < 1e-12);
        }
        assert!(project_out(&[1.0, 0.0, 0.0], &[vec![2.0, 0.0, 0.0]]).is_err());
        // A direction conditioned on its own float32 copy is inside the span, not rounding noise.
        let n = [0.3, -0.1, 0.7, 0.2];
        let n32: Vec<f64> = n.iter().map(|&x| f64::from(x as f32)).collect();
        assert!(project_out(&n, &[n32]).is_err());
        assert!(project_out(&[1.0, 0.0], &[vec![1.0, 0.0, 0.0]]).is_err());
    }
}
