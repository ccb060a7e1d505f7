//! The objects the machine builds. They live in an [`Arena`](super::arena::Arena) and refer to
//! each other by [`Id`], so memo `GET`s share one object and later mutations (`SETITEMS` after
//! `MEMOIZE`, `BUILD`) are visible through every reference. Byte and text payloads borrow from
//! the input buffer where possible.

use std::borrow::Cow;

use super::globals::Global;
use super::numpy::{NdArray, NpDtype};
use super::storage::Storage;
use super::tensor::TensorView;

/// Index of an object in its arena.
pub type Id = u32;

/// One pickled value, interpreted as data (nothing is ever executed).
#[derive(Debug, Clone)]
pub enum Obj<'a> {
    None,
    Bool(bool),
    Int(i64),
    /// An integer that does not fit `i64`: little-endian two's complement bytes (`LONG1`/`LONG4`).
    BigInt(Cow<'a, [u8]>),
    Float(f64),
    Str(Cow<'a, str>),
    Bytes(Cow<'a, [u8]>),
    Tuple(Vec<Id>),
    List(Vec<Id>),
    /// `dict`, `OrderedDict` and `EasyDict`, in insertion order. Duplicate keys are kept; lookups
    /// take the last one, as Python would.
    Dict(Vec<(Id, Id)>),
    /// `set` and `frozenset`.
    Set(Vec<Id>),
    /// An allow-listed global (a constructor or a type tag).
    Global(Global),
    /// `torch_utils.persistence._reconstruct_persistent_obj(meta)`: the `meta` dict.
    Persistent(Id),
    /// A persistent id (`BINPERSID`/`PERSID`), only inside storage payloads.
    PersistentId(Id),
    Storage(Box<Storage<'a>>),
    Tensor(Box<TensorView>),
    NpDtype(NpDtype),
    NdArray(Box<NdArray<'a>>),
    /// A TensorFlow-era `dnnlib.tflib.network.Network` (recognised only to be reported).
    TfNetwork,
}

impl Obj<'_> {
    /// A short type name for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Obj::None => "None",
            Obj::Bool(_) => "a bool",
            Obj::Int(_) | Obj::BigInt(_) => "an int",
            Obj::Float(_) => "a float",
            Obj::Str(_) => "a string",
            Obj::Bytes(_) => "bytes",
            Obj::Tuple(_) => "a tuple",
            Obj::List(_) => "a list",
            Obj::Dict(_) => "a dict",
            Obj::Set(_) => "a set",
            Obj::Global(_) => "a global",
            Obj::Persistent(_) => "a persistent object",
            Obj::PersistentId(_) => "a persistent id",
            Obj::Storage(_) => "a storage",
            Obj::Tensor(_) => "a tensor",
            Obj::NpDtype(_) => "a numpy dtype",
            Obj::NdArray(_) => "a numpy array",
            Obj::TfNetwork => "a TensorFlow network",
        }
    }
}
