//! Tensor views over storages (`torch._utils._rebuild_tensor_v2`): checked when they are built,
//! before anything is allocated, and materialised as contiguous row-major [`HostTensor`]s.

use crate::checkpoint::HostTensor;

use super::budget::Budget;
use super::error::{PickleError, PickleErrorKind, PickleResult};
use super::object::Id;
use super::storage::Storage;

/// PyTorch's own limit on the number of dimensions.
pub const MAX_DIMS: usize = 64;

/// A strided view: element `[i0, i1, ...]` is `storage[offset + Σ i_k·stride_k]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorView {
    /// The `Storage` object in the same arena.
    pub storage: Id,
    pub offset: usize,
    pub shape: Vec<usize>,
    pub stride: Vec<usize>,
}

impl TensorView {
    /// Number of elements (checked).
    pub fn numel(&self) -> Option<usize> {
        self.shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d))
    }

    /// Checks that the view lies inside a storage of `storage_numel` elements:
    /// `offset + Σ (size_k − 1)·stride_k < storage_numel` (or `offset ≤ storage_numel` when empty).
    pub fn validate(&self, storage_numel: usize, at: u64) -> PickleResult<()> {
        let bad = |msg: String| Err(PickleError::new(at, PickleErrorKind::Invalid(msg)));
        if self.shape.len() != self.stride.len() {
            return bad(format!("tensor size {:?} and stride {:?} differ in length", self.shape, self.stride));
        }
        if self.shape.len() > MAX_DIMS {
            return bad(format!("tensor with {} dimensions", self.shape.len()));
        }
        let Some(numel) = self.numel() else {
            return bad(format!("tensor size {:?} overflows", self.shape));
        };
        if numel == 0 {
            if self.offset > storage_numel {
                return bad(format!("tensor offset {} beyond its storage of {storage_numel} elements", self.offset));
            }
            return Ok(());
        }
        let last = self.shape.iter().zip(&self.stride).try_fold(self.offset, |acc, (&size, &stride)| {
            (size - 1).checked_mul(stride).and_then(|step| acc.checked_add(step))
        });
        match last {
            Some(last) if last < storage_numel => Ok(()),
            _ => bad(format!(
                "tensor view (offset {}, size {:?}, stride {:?}) reaches beyond its storage of {storage_numel} elements",
                self.offset, self.shape, self.stride
            )),
        }
    }

    fn is_contiguous(&self) -> bool {
        let mut expected = 1usize;
        for (&size, &stride) in self.shape.iter().zip(&self.stride).rev() {
            if size != 1 && stride != expected {
                return false;
            }
            expected = expected.saturating_mul(size);
        }
        true
    }

    /// Copies the view out of `storage` as a contiguous tensor, charging its bytes to `budget`.
    pub fn materialize(&self, storage: &Storage<'_>, budget: &mut Budget, at: u64) -> PickleResult<HostTensor> {
        self.validate(storage.numel, at)?;
        let es = storage.dtype.size();
        let numel = self.numel().unwrap_or(usize::MAX);
        let nbytes = numel.checked_mul(es).ok_or_else(|| {
            PickleError::new(at, PickleErrorKind::Invalid(format!("tensor of {numel} elements overflows")))
        })?;
        budget.charge(nbytes as u64, at)?;
        let data = if numel == 0 {
            Vec::new()
        } else if self.is_contiguous() {
            let start = self.offset * es;
            storage.data.get(start..start + nbytes).map(<[u8]>::to_vec).ok_or_else(|| {
                PickleError::new(at, PickleErrorKind::Invalid("tensor data beyond its storage".into()))
            })?
        } else {
            self.gather(storage, es, nbytes, at)?
        };
        Ok(HostTensor { dtype: storage.dtype, shape: self.shape.clone(), data })
    }

    /// The general strided copy (row-major walk over the view).
    fn gather(&self, storage: &Storage<'_>, es: usize, nbytes: usize, at: u64) -> PickleResult<Vec<u8>> {
        let mut out = Vec::with_capacity(nbytes);
        let mut index = vec![0usize; self.shape.len()];
        let mut pos = self.offset;
        loop {
            let start = pos.saturating_mul(es);
            let bytes = storage.data.get(start..start.saturating_add(es)).ok_or_else(|| {
                PickleError::new(at, PickleErrorKind::Invalid("tensor data beyond its storage".into()))
            })?;
            out.extend_from_slice(bytes);
            // Advance the multi-index (validated: no overflow within the view).
            let mut k = self.shape.len();
            loop {
                if k == 0 {
                    return Ok(out);
                }
                k -= 1;
                index[k] += 1;
                // Wrapping: a stride on a size-1 axis is never validated (it is never used), so the
                // step out and back may wrap; the net change is exact.
                pos = pos.wrapping_add(self.stride[k]);
                if index[k] < self.shape[k] {
                    break;
                }
                pos = pos.wrapping_sub(self.stride[k].wrapping_mul(self.shape[k]));
                index[k] = 0;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::checkpoint::DType;

    fn storage(values: &[f32]) -> Storage<'static> {
        Storage {
            dtype: DType::F32,
            numel: values.len(),
            data: Cow::Owned(values.iter().flat_map(|v| v.to_le_bytes()).collect()),
        }
    }

    fn floats(t: &HostTensor) -> Vec<f32> {
        t.data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
    }

    #[test]
    fn honours_offset_and_strides() {
        let s = storage(&[0., 1., 2., 3., 4., 5., 6.]);
        let mut budget = Budget::with_limit(1 << 20);
        // A transposed 2×3 view of storage[1..7] (3×2 row-major).
        let v = TensorView { storage: 0, offset: 1, shape: vec![2, 3], stride: vec![1, 2] };
        let t = v.materialize(&s, &mut budget, 0).unwrap();
        assert_eq!(t.shape, vec![2, 3]);
        assert_eq!(floats(&t), vec![1., 3., 5., 2., 4., 6.]);
        let c = TensorView { storage: 0, offset: 2, shape: vec![2, 2], stride: vec![2, 1] };
        assert_eq!(floats(&c.materialize(&s, &mut budget, 0).unwrap()), vec![2., 3., 4., 5.]);
        let scalar = TensorView { storage: 0, offset: 6, shape: vec![], stride: vec![] };
        assert_eq!(floats(&scalar.materialize(&s, &mut budget, 0).unwrap()), vec![6.]);
    }

    #[test]
    fn unused_strides_of_size_one_axes_do_not_overflow() {
        let s = storage(&[0., 1., 2., 3., 4., 5.]);
        let mut budget = Budget::with_limit(1 << 20);
        let v = TensorView { storage: 0, offset: 0, shape: vec![3, 1, 2], stride: vec![1, usize::MAX, 3] };
        assert_eq!(floats(&v.materialize(&s, &mut budget, 0).unwrap()), vec![0., 3., 1., 4., 2., 5.]);
    }

    #[test]
    fn rejects_views_beyond_the_storage() {
        let s = storage(&[0.; 6]);
        let mut budget = Budget::with_limit(1 << 20);
        for (offset, shape, stride) in [
            (0, vec![7], vec![1]),
            (1, vec![2, 3], vec![3, 1]),
            (0, vec![3, 3], vec![1, 2]),
            (0, vec![usize::MAX, 2], vec![1, 1]),
            (0, vec![2], vec![usize::MAX]),
            (7, vec![0], vec![1]),
        ] {
            let v = TensorView { storage: 0, offset, shape, stride };
            let e = v.materialize(&s, &mut budget, 42).unwrap_err();
            assert_eq!(e.offset, 42);
        }
    }

    #[test]
    fn broadcast_views_are_charged() {
        let s = storage(&[1.0]);
        let mut budget = Budget::with_limit(1000);
        let v = TensorView { storage: 0, offset: 0, shape: vec![1 << 20], stride: vec![0] };
        assert!(matches!(v.materialize(&s, &mut budget, 0).unwrap_err().kind, PickleErrorKind::Budget { .. }));
    }
}
