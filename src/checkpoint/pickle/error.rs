//! The typed error of the pickle machine: what went wrong, and at which byte of the file.

use std::fmt;

/// A broken, truncated or hostile pickle, with the byte offset (from the start of the file) where
/// it was detected. For objects rejected after parsing (a string where a tuple belongs, ...) the
/// offset is that of the opcode that created the object.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("pickle error at byte {offset}: {kind}")]
pub struct PickleError {
    pub offset: u64,
    pub kind: PickleErrorKind,
}

impl PickleError {
    pub fn new(offset: u64, kind: PickleErrorKind) -> Self {
        Self { offset, kind }
    }
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum PickleErrorKind {
    /// The file ends before `needed` more bytes of the current opcode.
    Truncated { needed: u64 },
    /// The stream ends without a `STOP` opcode.
    MissingStop,
    /// A byte that is not a pickle opcode.
    UnknownOpcode(u8),
    /// An opcode that is valid pickle but never allowed here (`EXT*`, out-of-band buffers, ...).
    Forbidden(&'static str),
    /// A global that is not on the allow-list (it is never imported or called).
    RefusedGlobal { module: String, name: String },
    /// An opcode needs more stack items than there are (since the last `MARK`).
    StackUnderflow(&'static str),
    /// An opcode needs a `MARK` and there is none.
    NoMark(&'static str),
    /// A memo `GET` of an index that was never `PUT`.
    MissingMemo(u64),
    /// Nesting deeper than the machine allows (marks, containers, modules).
    TooDeep { limit: usize },
    /// The allocation budget for this file is spent (the file asks for far more memory than its size justifies).
    Budget { limit: u64 },
    /// An object of the wrong type where something specific is expected.
    Type { expected: &'static str, found: &'static str },
    /// A malformed value (bad text literal, invalid UTF-8, a bad length, an impossible tensor view, ...).
    Invalid(String),
    /// A well-formed construct this reader does not handle.
    Unsupported(String),
}

impl fmt::Display for PickleErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { needed } => write!(f, "the file is truncated ({needed} more bytes needed)"),
            Self::MissingStop => write!(f, "the pickle ends without a STOP opcode (truncated file?)"),
            Self::UnknownOpcode(op) => write!(f, "unknown opcode 0x{op:02x}"),
            Self::Forbidden(what) => write!(f, "{what} is not allowed"),
            Self::RefusedGlobal { module, name } => write!(
                f,
                "refused global `{module}.{name}`: not on the allow-list of network pickles (nothing is imported or executed)"
            ),
            Self::StackUnderflow(op) => write!(f, "{op} needs more items than the stack holds"),
            Self::NoMark(op) => write!(f, "{op} without a preceding MARK"),
            Self::MissingMemo(i) => write!(f, "memo index {i} was never stored"),
            Self::TooDeep { limit } => write!(f, "nesting deeper than {limit} levels"),
            Self::Budget { limit } => {
                write!(f, "the pickle needs more than {limit} bytes of memory, far more than its size justifies")
            }
            Self::Type { expected, found } => write!(f, "expected {expected}, found {found}"),
            Self::Invalid(msg) => write!(f, "{msg}"),
            Self::Unsupported(msg) => write!(f, "unsupported: {msg}"),
        }
    }
}

/// Result of the pickle machine.
pub type PickleResult<T> = std::result::Result<T, PickleError>;
