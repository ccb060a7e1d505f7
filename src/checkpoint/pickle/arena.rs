//! Storage for the objects of one pickle, with typed accessors that fail with the byte offset of
//! the offending object.

use super::budget::Budget;
use super::error::{PickleError, PickleErrorKind, PickleResult};
use super::object::{Id, Obj};

/// Bytes charged per arena slot: the object and its offset, doubled for `Vec` growth.
const SLOT_COST: usize = 2 * (std::mem::size_of::<Obj<'static>>() + std::mem::size_of::<u64>());

/// The objects of one pickle. Ids 0, 1 and 2 are `None`, `False` and `True`.
#[derive(Debug)]
pub struct Arena<'a> {
    objs: Vec<Obj<'a>>,
    offsets: Vec<u64>,
}

impl<'a> Arena<'a> {
    pub const NONE: Id = 0;
    pub const FALSE: Id = 1;
    pub const TRUE: Id = 2;

    pub fn new() -> Self {
        Self { objs: vec![Obj::None, Obj::Bool(false), Obj::Bool(true)], offsets: vec![0, 0, 0] }
    }

    /// Adds `obj`, created by the opcode at `offset`.
    pub fn push(&mut self, obj: Obj<'a>, offset: u64, budget: &mut Budget) -> PickleResult<Id> {
        budget.charge(SLOT_COST as u64, offset)?;
        let id = Id::try_from(self.objs.len())
            .map_err(|_| PickleError::new(offset, PickleErrorKind::Invalid("too many objects".into())))?;
        self.objs.push(obj);
        self.offsets.push(offset);
        Ok(id)
    }

    pub fn len(&self) -> usize {
        self.objs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objs.is_empty()
    }

    /// The object `id`. Ids come from this arena, so a bad id is a bug; it reads as `None`.
    pub fn get(&self, id: Id) -> &Obj<'a> {
        self.objs.get(id as usize).unwrap_or(&Obj::None)
    }

    /// Mutable access for in-place updates (`APPEND`, `SETITEMS`, `BUILD`).
    pub fn get_mut(&mut self, id: Id) -> Option<&mut Obj<'a>> {
        self.objs.get_mut(id as usize)
    }

    /// Byte offset of the opcode that created `id`.
    pub fn offset(&self, id: Id) -> u64 {
        self.offsets.get(id as usize).copied().unwrap_or(0)
    }

    /// A type error about object `id`.
    pub fn type_error(&self, id: Id, expected: &'static str) -> PickleError {
        PickleError::new(self.offset(id), PickleErrorKind::Type { expected, found: self.get(id).type_name() })
    }

    /// An error about the value of object `id`.
    pub fn invalid(&self, id: Id, message: impl Into<String>) -> PickleError {
        PickleError::new(self.offset(id), PickleErrorKind::Invalid(message.into()))
    }

    pub fn str(&self, id: Id) -> PickleResult<&str> {
        match self.get(id) {
            Obj::Str(s) => Ok(s),
            _ => Err(self.type_error(id, "a string")),
        }
    }

    pub fn int(&self, id: Id) -> PickleResult<i64> {
        match self.get(id) {
            Obj::Int(v) => Ok(*v),
            Obj::Bool(b) => Ok(i64::from(*b)),
            Obj::BigInt(_) => Err(self.invalid(id, "integer out of range")),
            _ => Err(self.type_error(id, "an int")),
        }
    }

    /// A non-negative integer that fits `usize`.
    pub fn usize(&self, id: Id) -> PickleResult<usize> {
        let v = self.int(id)?;
        usize::try_from(v).map_err(|_| self.invalid(id, format!("expected a non-negative integer, found {v}")))
    }

    pub fn bool(&self, id: Id) -> PickleResult<bool> {
        match self.get(id) {
            Obj::Bool(b) => Ok(*b),
            Obj::Int(v) => Ok(*v != 0),
            _ => Err(self.type_error(id, "a bool")),
        }
    }

    pub fn tuple(&self, id: Id) -> PickleResult<&[Id]> {
        match self.get(id) {
            Obj::Tuple(items) => Ok(items),
            _ => Err(self.type_error(id, "a tuple")),
        }
    }

    /// A tuple or a list.
    pub fn sequence(&self, id: Id) -> PickleResult<&[Id]> {
        match self.get(id) {
            Obj::Tuple(items) | Obj::List(items) => Ok(items),
            _ => Err(self.type_error(id, "a tuple or list")),
        }
    }

    pub fn dict(&self, id: Id) -> PickleResult<&[(Id, Id)]> {
        match self.get(id) {
            Obj::Dict(items) => Ok(items),
            _ => Err(self.type_error(id, "a dict")),
        }
    }

    /// Whether `id` is a string equal to `key`.
    pub fn is_str(&self, id: Id, key: &str) -> bool {
        matches!(self.get(id), Obj::Str(s) if s == key)
    }

    /// The value under string key `key` of dict `dict` (the last one, as Python keeps).
    pub fn dict_get(&self, dict: Id, key: &str) -> PickleResult<Option<Id>> {
        Ok(self.dict(dict)?.iter().rev().find(|(k, _)| self.is_str(*k, key)).map(|(_, v)| *v))
    }

    /// Like [`Arena::dict_get`], but the key must be present.
    pub fn dict_require(&self, dict: Id, key: &str) -> PickleResult<Id> {
        self.dict_get(dict, key)?.ok_or_else(|| self.invalid(dict, format!("dict has no key `{key}`")))
    }

    pub fn is_none(&self, id: Id) -> bool {
        matches!(self.get(id), Obj::None)
    }
}

impl Default for Arena<'_> {
    fn default() -> Self {
        Self::new()
    }
}
