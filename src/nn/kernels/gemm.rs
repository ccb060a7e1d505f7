//! A safe, bounds-checked front to the `gemm` crate's strided matrix product (the AVX-512
//! microkernels candle's `matmul` also uses), for the products candle's `matmul` cannot express
//! without copies: operands that are strided views into a larger buffer (the shifted views of a
//! zero-padded image that make a k×k convolution k² accumulated products), destinations with
//! strides, and accumulation into the destination.
//!
//! This is the crate's only call into `unsafe` code for the fast paths: `gemm::gemm` takes raw
//! pointers and strides. [`matmul`] checks, before calling it, that every element any operand
//! can address lies inside its slice and that no two destination elements share memory (so the
//! threads `gemm` uses never write the same element); the borrow checker guarantees the
//! destination does not alias the operands.

#![allow(unsafe_code)]

use crate::{Error, Result};

/// A read-only strided matrix inside a slice: element `(r, c)` is
/// `data[offset + r·row_stride + c·col_stride]`.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a> {
    pub data: &'a [f32],
    pub offset: usize,
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

/// A writable strided matrix inside a slice (see [`MatRef`]).
#[derive(Debug)]
pub struct MatMut<'a> {
    pub data: &'a mut [f32],
    pub offset: usize,
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

impl<'a> MatRef<'a> {
    /// A row-major `rows × cols` matrix at the start of `data`.
    pub fn row_major(data: &'a [f32], rows: usize, cols: usize) -> Self {
        Self { data, offset: 0, rows, cols, row_stride: cols, col_stride: 1 }
    }
}

impl<'a> MatMut<'a> {
    /// A row-major `rows × cols` matrix at the start of `data`.
    pub fn row_major(data: &'a mut [f32], rows: usize, cols: usize) -> Self {
        Self { data, offset: 0, rows, cols, row_stride: cols, col_stride: 1 }
    }
}

/// The largest index `(rows−1)·rs + (cols−1)·cs + offset`, if it lies inside `len`.
fn last_index(what: &str, len: usize, offset: usize, rows: usize, cols: usize, rs: usize, cs: usize) -> Result<()> {
    let last = (rows - 1)
        .checked_mul(rs)
        .and_then(|a| (cols - 1).checked_mul(cs).and_then(|b| a.checked_add(b)))
        .and_then(|a| a.checked_add(offset));
    match last {
        Some(i) if i < len && isize::try_from(rs).is_ok() && isize::try_from(cs).is_ok() => Ok(()),
        _ => Err(Error::Invalid(format!(
            "matmul: {what} of {rows}×{cols} at offset {offset} with strides ({rs}, {cs}) does not fit its {len} elements"
        ))),
    }
}

/// `dst = lhs · rhs`, or `dst += lhs · rhs` when `accumulate`; threads over the current rayon
/// pool when `parallel`. Errors on mismatched shapes, views outside their slices, or a
/// destination whose elements overlap.
pub fn matmul(dst: MatMut<'_>, accumulate: bool, lhs: MatRef<'_>, rhs: MatRef<'_>, parallel: bool) -> Result<()> {
    let (m, n, k) = (dst.rows, dst.cols, lhs.cols);
    if lhs.rows != m || rhs.rows != k || rhs.cols != n {
        return Err(Error::Invalid(format!(
            "matmul: {}×{} · {}×{} into {m}×{n}",
            lhs.rows, lhs.cols, rhs.rows, rhs.cols
        )));
    }
    if m == 0 || n == 0 {
        return Ok(());
    }
    last_index("destination", dst.data.len(), dst.offset, m, n, dst.row_stride, dst.col_stride)?;
    // Distinct destination elements: one stride steps over a whole row (or column) of the other.
    let disjoint = (n == 1 || dst.col_stride >= 1) && (m == 1 || dst.row_stride >= 1) && {
        (m == 1 || n == 1)
            || dst.row_stride >= n.saturating_mul(dst.col_stride)
            || dst.col_stride >= m.saturating_mul(dst.row_stride)
    };
    if !disjoint {
        return Err(Error::Invalid(format!(
            "matmul: destination strides ({}, {}) make elements of a {m}×{n} matrix overlap",
            dst.row_stride, dst.col_stride
        )));
    }
    if k == 0 {
        if !accumulate {
            for r in 0..m {
                for c in 0..n {
                    dst.data[dst.offset + r * dst.row_stride + c * dst.col_stride] = 0.0;
                }
            }
        }
        return Ok(());
    }
    last_index("left operand", lhs.data.len(), lhs.offset, m, k, lhs.row_stride, lhs.col_stride)?;
    last_index("right operand", rhs.data.len(), rhs.offset, k, n, rhs.row_stride, rhs.col_stride)?;
    let parallelism =
        if parallel { gemm::Parallelism::Rayon(rayon::current_num_threads().max(1)) } else { gemm::Parallelism::None };
    let dst_ptr = dst.data[dst.offset..].as_mut_ptr();
    let lhs_ptr = lhs.data[lhs.offset..].as_ptr();
    let rhs_ptr = rhs.data[rhs.offset..].as_ptr();
    // SAFETY: `last_index` checked that every element each operand addresses — offsets
    // `r·row_stride + c·col_stride` from these pointers for `r < rows`, `c < cols` — lies inside
    // its slice, and that the strides fit `isize`; the destination's elements are pairwise
    // distinct (checked above), and it is borrowed mutably, so it aliases neither operand.
    // `gemm` reads `lhs`/`rhs`, reads `dst` only when `read_dst` (accumulate), and writes `dst`.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst_ptr,
            dst.col_stride as isize,
            dst.row_stride as isize,
            accumulate,
            lhs_ptr,
            lhs.col_stride as isize,
            lhs.row_stride as isize,
            rhs_ptr,
            rhs.col_stride as isize,
            rhs.row_stride as isize,
            1.0f32,
            1.0f32,
            false,
            false,
            false,
            parallelism,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
        let mut c = vec![0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        c
    }

    fn data(len: usize, seed: f32) -> Vec<f32> {
        (0..len).map(|i| (i as f32 * 0.37 + seed).sin() * 2.0).collect()
    }

    #[test]
    fn row_major_product_and_accumulation_match_the_naive_product() {
        let (m, k, n) = (37, 53, 71);
        let (a, b) = (data(m * k, 0.1), data(k * n, 0.7));
        let want = naive(&a, &b, m, k, n);
        let mut c = vec![7f32; m * n];
        matmul(MatMut::row_major(&mut c, m, n), false, MatRef::row_major(&a, m, k), MatRef::row_major(&b, k, n), true)
            .unwrap();
        for (x, y) in c.iter().zip(&want) {
            assert!((x - y).abs() < 1e-4, "{x} vs {y}");
        }
        matmul(MatMut::row_major(&mut c, m, n), true, MatRef::row_major(&a, m, k), MatRef::row_major(&b, k, n), false)
            .unwrap();
        for (x, y) in c.iter().zip(&want) {
            assert!((x - 2.0 * y).abs() < 2e-4, "{x} vs {}", 2.0 * y);
        }
    }

    #[test]
    fn strided_views_address_the_right_elements() {
        // rhs: every other column of a wider matrix, starting at column 1; dst: a transposed view.
        let (m, k, n) = (5, 4, 3);
        let a = data(m * k, 0.3);
        let wide = data(k * (2 * n + 1), 0.9);
        let b: Vec<f32> =
            (0..k).flat_map(|r| (0..n).map(move |c| (r, c))).map(|(r, c)| wide[r * (2 * n + 1) + 1 + 2 * c]).collect();
        let want = naive(&a, &b, m, k, n);
        let mut c_t = vec![0f32; n * m];
        let dst = MatMut { data: &mut c_t, offset: 0, rows: m, cols: n, row_stride: 1, col_stride: m };
        let rhs = MatRef { data: &wide, offset: 1, rows: k, cols: n, row_stride: 2 * n + 1, col_stride: 2 };
        matmul(dst, false, MatRef::row_major(&a, m, k), rhs, true).unwrap();
        for i in 0..m {
            for j in 0..n {
                assert!((c_t[j * m + i] - want[i * n + j]).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn views_outside_their_slices_and_overlapping_destinations_are_refused() {
        let a = vec![1f32; 12];
        let b = vec![1f32; 12];
        let mut c = vec![0f32; 9];
        let rhs_too_far = MatRef { data: &b, offset: 1, rows: 4, cols: 3, row_stride: 3, col_stride: 1 };
        assert!(
            matmul(MatMut::row_major(&mut c, 3, 3), false, MatRef::row_major(&a, 3, 4), rhs_too_far, false).is_err()
        );
        let overlapping = MatMut { data: &mut c, offset: 0, rows: 3, cols: 3, row_stride: 1, col_stride: 1 };
        assert!(matmul(overlapping, false, MatRef::row_major(&a, 3, 4), MatRef::row_major(&b, 4, 3), false).is_err());
        let mut c = vec![0f32; 9];
        assert!(
            matmul(
                MatMut::row_major(&mut c, 3, 3),
                false,
                MatRef::row_major(&a, 3, 4),
                MatRef::row_major(&b, 3, 4),
                false
            )
            .is_err()
        );
    }
}
