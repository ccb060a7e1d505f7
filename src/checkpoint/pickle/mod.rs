//! The restricted pickle machine: reads NVIDIA's network pickles without Python and without ever
//! executing anything (reference-stylegan.md §3).
//!
//! - [`machine`]: an iterative interpreter of protocols 0–5 building an [`arena::Arena`] of
//!   [`object::Obj`]s (memo `GET`s share objects; mutations are visible everywhere).
//! - [`globals`]: the allow-list, checked at `GLOBAL`/`STACK_GLOBAL` time.
//! - [`construct`]: `REDUCE`/`NEWOBJ`/`BUILD` on allowed globals as data constructors.
//! - [`storage`], [`storage_zip`]: `torch.storage._load_from_bytes` payloads (legacy and zip).
//! - [`tensor`]: checked strided views, materialised as contiguous host tensors.
//! - [`numpy`]: dtypes, scalars and arrays. [`json`]: plain attributes as JSON.
//!
//! Hostile input: every length is checked against the bytes left, nesting is bounded, and a
//! [`Budget`] (a small multiple of the input size plus a constant) is charged for every object,
//! string, container element, memo entry and tensor byte before it is allocated. Failures are
//! [`PickleError`]s carrying the byte offset.

pub mod arena;
pub mod budget;
mod construct;
pub mod error;
pub mod globals;
mod input;
pub mod json;
pub mod machine;
pub mod numpy;
pub mod object;
pub mod opcode;
pub mod storage;
pub mod storage_zip;
pub mod tensor;
pub mod text;

pub use arena::Arena;
pub use budget::Budget;
pub use error::{PickleError, PickleErrorKind, PickleResult};
pub use globals::{Context, Global};
pub use machine::{Loaded, Machine};
pub use object::{Id, Obj};

/// Runs the network pickle in `data` (from its first byte to its `STOP`).
pub fn load<'a>(data: &'a [u8], budget: &mut Budget) -> PickleResult<Loaded<'a>> {
    Machine::run(data, 0, 0, Context::Network, budget)
}
