//! Eigen-decomposition of a real symmetric matrix in float64: Householder reduction to
//! tridiagonal form followed by the implicit QL algorithm with shifts (the classic EISPACK
//! `tred2`/`tql2` pair, as described in Wilkinson & Reinsch, *Handbook for Automatic
//! Computation*, vol. II). O(n³), a few tenths of a second for n = 512.
//!
//! Results are sorted by decreasing eigenvalue (solvers such as `numpy.linalg.eig` or
//! nalgebra's `SymmetricEigen` do not sort), eigenvectors are unit rows.

use crate::{Error, Result};

/// Eigenvalues (decreasing) and unit eigenvectors (one per row, in the same order).
#[derive(Clone, Debug, PartialEq)]
pub struct SymmetricEigen {
    pub values: Vec<f64>,
    /// `vectors[i]` belongs to `values[i]`.
    pub vectors: Vec<Vec<f64>>,
}

/// Sweeps of the QL iteration allowed per eigenvalue before giving up.
const MAX_QL_ITERATIONS: usize = 64;

impl SymmetricEigen {
    /// Decomposes the symmetric `n × n` matrix `a` (row-major). Only symmetry up to rounding is
    /// assumed; the lower triangle is what is read. Non-finite input is an error.
    pub fn new(a: &[f64], n: usize) -> Result<Self> {
        if a.len() != n * n {
            return Err(Error::Invalid(format!("a {n}×{n} matrix needs {} values, got {}", n * n, a.len())));
        }
        if a.iter().any(|x| !x.is_finite()) {
            return Err(Error::Invalid("cannot decompose a matrix with NaN or infinite entries".into()));
        }
        if n == 0 {
            return Ok(Self { values: Vec::new(), vectors: Vec::new() });
        }
        let mut v: Vec<Vec<f64>> = (0..n).map(|i| a[i * n..(i + 1) * n].to_vec()).collect();
        let mut d = vec![0.0; n];
        let mut e = vec![0.0; n];
        tridiagonalize(&mut v, &mut d, &mut e);
        ql_implicit(&mut v, &mut d, &mut e)?;
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| d[j].total_cmp(&d[i]));
        let values = order.iter().map(|&i| d[i]).collect();
        let vectors = order.iter().map(|&i| (0..n).map(|k| v[k][i]).collect()).collect();
        Ok(Self { values, vectors })
    }
}

/// Householder reduction of `v` (overwritten by the accumulated orthogonal transform) to a
/// tridiagonal matrix with diagonal `d` and sub-diagonal `e[1..]`.
fn tridiagonalize(v: &mut [Vec<f64>], d: &mut [f64], e: &mut [f64]) {
    let n = d.len();
    d.copy_from_slice(&v[n - 1]);
    for i in (1..n).rev() {
        let scale: f64 = d[..i].iter().map(|x| x.abs()).sum();
        let mut h = 0.0;
        if scale == 0.0 {
            e[i] = d[i - 1];
            for j in 0..i {
                d[j] = v[i - 1][j];
                v[i][j] = 0.0;
                v[j][i] = 0.0;
            }
        } else {
            for dk in d[..i].iter_mut() {
                *dk /= scale;
                h += *dk * *dk;
            }
            let f = d[i - 1];
            let mut g = h.sqrt();
            if f > 0.0 {
                g = -g;
            }
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            for ej in e[..i].iter_mut() {
                *ej = 0.0;
            }
            for j in 0..i {
                let f = d[j];
                v[j][i] = f;
                let mut g = e[j] + v[j][j] * f;
                for k in j + 1..i {
                    g += v[k][j] * d[k];
                    e[k] += v[k][j] * f;
                }
                e[j] = g;
            }
            let mut f = 0.0;
            for j in 0..i {
                e[j] /= h;
                f += e[j] * d[j];
            }
            let hh = f / (h + h);
            for j in 0..i {
                e[j] -= hh * d[j];
            }
            for j in 0..i {
                let (f, g) = (d[j], e[j]);
                for k in j..i {
                    v[k][j] -= f * e[k] + g * d[k];
                }
                d[j] = v[i - 1][j];
                v[i][j] = 0.0;
            }
        }
        d[i] = h;
    }
    // Accumulate the transformations.
    for i in 0..n - 1 {
        v[n - 1][i] = v[i][i];
        v[i][i] = 1.0;
        let h = d[i + 1];
        if h != 0.0 {
            for k in 0..=i {
                d[k] = v[k][i + 1] / h;
            }
            for j in 0..=i {
                let g: f64 = (0..=i).map(|k| v[k][i + 1] * v[k][j]).sum();
                for k in 0..=i {
                    v[k][j] -= g * d[k];
                }
            }
        }
        for row in v.iter_mut().take(i + 1) {
            row[i + 1] = 0.0;
        }
    }
    for j in 0..n {
        d[j] = v[n - 1][j];
        v[n - 1][j] = 0.0;
    }
    v[n - 1][n - 1] = 1.0;
    e[0] = 0.0;
}

/// Implicit QL iteration on the tridiagonal matrix (`d`, `e`), rotating the columns of `v`.
fn ql_implicit(v: &mut [Vec<f64>], d: &mut [f64], e: &mut [f64]) -> Result<()> {
    let n = d.len();
    for i in 1..n {
        e[i - 1] = e[i];
    }
    e[n - 1] = 0.0;
    let mut f = 0.0;
    let mut tst1: f64 = 0.0;
    let eps = f64::EPSILON;
    for l in 0..n {
        tst1 = tst1.max(d[l].abs() + e[l].abs());
        let mut m = l;
        while m < n - 1 && e[m].abs() > eps * tst1 {
            m += 1;
        }
        if m > l {
            let mut iterations = 0;
            loop {
                iterations += 1;
                if iterations > MAX_QL_ITERATIONS {
                    return Err(Error::Invalid(format!(
                        "symmetric eigen-solver did not converge for eigenvalue {l} after {MAX_QL_ITERATIONS} iterations"
                    )));
                }
                let g = d[l];
                let mut p = (d[l + 1] - g) / (2.0 * e[l]);
                let mut r = p.hypot(1.0);
                if p < 0.0 {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                let dl1 = d[l + 1];
                let h = g - d[l];
                for di in d.iter_mut().skip(l + 2) {
                    *di -= h;
                }
                f += h;
                p = d[m];
                let (mut c, mut c2, mut c3) = (1.0, 1.0, 1.0);
                let el1 = e[l + 1];
                let (mut s, mut s2) = (0.0, 0.0);
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    let g = c * e[i];
                    let h = c * p;
                    r = p.hypot(e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    for row in v.iter_mut() {
                        let h = row[i + 1];
                        row[i + 1] = s * row[i] + c * h;
                        row[i] = c * row[i] - s * h;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if e[l].abs() <= eps * tst1 {
                    break;
                }
            }
        }
        d[l] += f;
        e[l] = 0.0;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_decomposition(a: &[f64], n: usize) {
        let eig = SymmetricEigen::new(a, n).unwrap();
        for w in eig.values.windows(2) {
            assert!(w[0] >= w[1], "not sorted: {:?}", eig.values);
        }
        for (i, (lambda, v)) in eig.values.iter().zip(&eig.vectors).enumerate() {
            for r in 0..n {
                let av: f64 = (0..n).map(|c| a[r * n + c] * v[c]).sum();
                assert!((av - lambda * v[r]).abs() < 1e-10, "A v != λ v for pair {i}");
            }
            for (j, u) in eig.vectors.iter().enumerate() {
                let dot: f64 = v.iter().zip(u).map(|(x, y)| x * y).sum();
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-10, "vectors {i},{j} not orthonormal: {dot}");
            }
        }
    }

    #[test]
    fn decomposes_known_matrices() {
        let eig = SymmetricEigen::new(&[2.0, 1.0, 1.0, 2.0], 2).unwrap();
        assert!((eig.values[0] - 3.0).abs() < 1e-12 && (eig.values[1] - 1.0).abs() < 1e-12);
        let v = &eig.vectors[0];
        assert!((v[0].abs() - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12 && (v[0] - v[1]).abs() < 1e-12);
        let one = SymmetricEigen::new(&[5.0], 1).unwrap();
        assert_eq!(one.values, vec![5.0]);
        assert_eq!(one.vectors, vec![vec![1.0]]);
        // Diagonal, repeated eigenvalues, zeros.
        check_decomposition(&[3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0], 3);
        check_decomposition(&[0.0; 16], 4);
    }

    #[test]
    fn decomposes_random_gram_matrices() {
        let mut rng = crate::nn::random_state::RandomState::new(3);
        for n in [2, 5, 17, 64] {
            let x = rng.randn(n * (n + 3));
            let mut a = vec![0.0; n * n];
            for r in 0..n + 3 {
                for i in 0..n {
                    for j in 0..n {
                        a[i * n + j] += x[r * n + i] * x[r * n + j];
                    }
                }
            }
            check_decomposition(&a, n);
        }
    }

    #[test]
    fn rejects_bad_input() {
        assert!(SymmetricEigen::new(&[1.0, 2.0, 3.0], 2).is_err());
        assert!(SymmetricEigen::new(&[f64::NAN, 0.0, 0.0, 1.0], 2).is_err());
    }
}
