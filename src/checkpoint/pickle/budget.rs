//! The allocation budget of one file: every object, string, container element, stack slot,
//! memo entry, JSON node and tensor byte the reader creates is charged here first, so hostile
//! bytes cannot make the reader allocate much more than a small multiple of the file size.

use super::error::{PickleError, PickleErrorKind, PickleResult};

/// How many bytes the reader may allocate per byte of input, on top of [`Budget::BASE`].
pub const BYTES_PER_INPUT_BYTE: u64 = 4;

/// Remaining allocation allowance.
#[derive(Debug, Clone)]
pub struct Budget {
    limit: u64,
    used: u64,
}

impl Budget {
    /// A constant allowance for small files (tables, small containers).
    pub const BASE: u64 = 8 << 20;

    /// The budget for an input of `input_len` bytes: `BASE + BYTES_PER_INPUT_BYTE × input_len`.
    pub fn for_input(input_len: usize) -> Self {
        let limit = (input_len as u64).saturating_mul(BYTES_PER_INPUT_BYTE).saturating_add(Self::BASE);
        Self { limit, used: 0 }
    }

    /// A budget with an explicit limit (tests).
    pub fn with_limit(limit: u64) -> Self {
        Self { limit, used: 0 }
    }

    /// Charges `bytes`; fails (with the offset of the opcode responsible) when the budget is spent.
    pub fn charge(&mut self, bytes: u64, offset: u64) -> PickleResult<()> {
        match self.used.checked_add(bytes) {
            Some(total) if total <= self.limit => {
                self.used = total;
                Ok(())
            }
            _ => Err(PickleError::new(offset, PickleErrorKind::Budget { limit: self.limit })),
        }
    }

    /// Charges `count` items of `size` bytes each.
    pub fn charge_items(&mut self, count: usize, size: usize, offset: u64) -> PickleResult<()> {
        let bytes = (count as u64).saturating_mul(size as u64);
        self.charge(bytes, offset)
    }

    pub fn used(&self) -> u64 {
        self.used
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// What is left.
    pub fn remaining(&self) -> u64 {
        self.limit - self.used
    }
}
