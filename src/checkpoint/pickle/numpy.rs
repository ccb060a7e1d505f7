//! NumPy values as NVIDIA's pickles carry them: `dtype` objects, scalars (`scalar(dtype, bytes)`)
//! and arrays (`_reconstruct` + `BUILD`, or `_frombuffer`). Only plain numeric and bool types.

use std::borrow::Cow;

use half::f16;

/// Element kind of a NumPy dtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NpKind {
    Bool,
    Int,
    UInt,
    Float,
}

/// A numeric NumPy dtype (`'f8'`, `'<i8'`, `'b1'`, `'?'`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NpDtype {
    pub kind: NpKind,
    /// Bytes per element.
    pub size: usize,
    pub big_endian: bool,
}

/// A decoded element.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NpValue {
    Bool(bool),
    Int(i64),
    Float(f64),
}

impl NpDtype {
    /// Parses a dtype descriptor; `None` for anything but bool, int, uint and float.
    pub fn parse(descr: &str) -> Option<Self> {
        let (big_endian, rest) = match descr.as_bytes().first() {
            Some(b'>') => (true, &descr[1..]),
            Some(b'<' | b'|' | b'=') => (false, &descr[1..]),
            _ => (false, descr),
        };
        if rest == "?" {
            return Some(Self { kind: NpKind::Bool, size: 1, big_endian });
        }
        let mut chars = rest.chars();
        let kind = match chars.next()? {
            'b' => NpKind::Bool,
            'i' => NpKind::Int,
            'u' => NpKind::UInt,
            'f' => NpKind::Float,
            _ => return None,
        };
        let size: usize = chars.as_str().parse().ok()?;
        let ok = match kind {
            NpKind::Bool => size == 1,
            NpKind::Int | NpKind::UInt => matches!(size, 1 | 2 | 4 | 8),
            NpKind::Float => matches!(size, 2 | 4 | 8),
        };
        ok.then_some(Self { kind, size, big_endian })
    }

    /// Applies the byte order of a `BUILD` state (`'<'`, `'>'`, `'|'`, `'='`).
    pub fn set_byteorder(&mut self, order: &str) {
        self.big_endian = order == ">";
    }

    /// Decodes one element from exactly `self.size` bytes.
    pub fn decode(&self, bytes: &[u8]) -> Option<NpValue> {
        if bytes.len() != self.size {
            return None;
        }
        let mut buf = [0u8; 8];
        buf[..self.size].copy_from_slice(bytes);
        if self.big_endian {
            buf[..self.size].reverse();
        }
        Some(match (self.kind, self.size) {
            (NpKind::Bool, _) => NpValue::Bool(buf[0] != 0),
            (NpKind::Int, 1) => NpValue::Int(i64::from(buf[0] as i8)),
            (NpKind::Int, 2) => NpValue::Int(i64::from(i16::from_le_bytes([buf[0], buf[1]]))),
            (NpKind::Int, 4) => NpValue::Int(i64::from(i32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]))),
            (NpKind::Int, _) => NpValue::Int(i64::from_le_bytes(buf)),
            (NpKind::UInt, _) => {
                let v = u64::from_le_bytes(buf);
                // A u64 above i64::MAX has no exact integer form here; keep its value as a float.
                i64::try_from(v).map_or(NpValue::Float(v as f64), NpValue::Int)
            }
            (NpKind::Float, 2) => NpValue::Float(f64::from(f16::from_le_bytes([buf[0], buf[1]]))),
            (NpKind::Float, 4) => NpValue::Float(f64::from(f32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]))),
            (NpKind::Float, _) => NpValue::Float(f64::from_le_bytes(buf)),
        })
    }
}

/// A NumPy array: C or Fortran order, raw element bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct NdArray<'a> {
    /// `None` until `BUILD` fills in an array made by `_reconstruct`.
    pub dtype: Option<NpDtype>,
    pub shape: Vec<usize>,
    pub fortran_order: bool,
    pub data: Cow<'a, [u8]>,
}

impl NdArray<'_> {
    /// An empty array awaiting its `BUILD`.
    pub fn uninitialised() -> Self {
        Self { dtype: None, shape: Vec::new(), fortran_order: false, data: Cow::Borrowed(&[]) }
    }

    /// The number of elements (checked).
    pub fn numel(shape: &[usize]) -> Option<usize> {
        shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d))
    }

    /// Element `i` in C (row-major) order.
    pub fn element(&self, c_index: usize) -> Option<NpValue> {
        let dtype = self.dtype?;
        let linear = if self.fortran_order && self.shape.len() > 1 {
            // Convert the row-major index into the column-major storage index.
            let mut rem = c_index;
            let mut coords = vec![0usize; self.shape.len()];
            for (k, &d) in self.shape.iter().enumerate().rev() {
                if d == 0 {
                    return None;
                }
                coords[k] = rem % d;
                rem /= d;
            }
            let mut idx = 0usize;
            let mut stride = 1usize;
            for (k, &d) in self.shape.iter().enumerate() {
                idx = idx.checked_add(coords[k].checked_mul(stride)?)?;
                stride = stride.checked_mul(d)?;
            }
            idx
        } else {
            c_index
        };
        let start = linear.checked_mul(dtype.size)?;
        let bytes = self.data.get(start..start.checked_add(dtype.size)?)?;
        dtype.decode(bytes)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_descriptors() {
        assert_eq!(NpDtype::parse("f8"), Some(NpDtype { kind: NpKind::Float, size: 8, big_endian: false }));
        assert_eq!(NpDtype::parse(">i4"), Some(NpDtype { kind: NpKind::Int, size: 4, big_endian: true }));
        assert_eq!(NpDtype::parse("b1").map(|d| d.kind), Some(NpKind::Bool));
        assert_eq!(NpDtype::parse("?").map(|d| d.kind), Some(NpKind::Bool));
        assert_eq!(NpDtype::parse("c16"), None);
        assert_eq!(NpDtype::parse("f3"), None);
        assert_eq!(NpDtype::parse("O8"), None);
    }

    #[test]
    fn decodes_elements() {
        let f8 = NpDtype::parse("f8").unwrap();
        assert_eq!(f8.decode(&0.125f64.to_le_bytes()), Some(NpValue::Float(0.125)));
        assert_eq!(f8.decode(&[0; 4]), None);
        let be = NpDtype::parse(">i2").unwrap();
        assert_eq!(be.decode(&[0xff, 0xfe]), Some(NpValue::Int(-2)));
        let arr = NdArray {
            dtype: NpDtype::parse("i8"),
            shape: vec![2, 3],
            fortran_order: true,
            data: Cow::Owned((0..6i64).flat_map(|v| v.to_le_bytes()).collect()),
        };
        // Fortran storage [0..6] of a 2×3 array: row 0 is (0, 2, 4).
        let row0: Vec<_> = (0..3).map(|i| arr.element(i)).collect();
        assert_eq!(row0, vec![Some(NpValue::Int(0)), Some(NpValue::Int(2)), Some(NpValue::Int(4))]);
    }
}
