//! Tensor storages: the payload of `torch.storage._load_from_bytes`, a complete `torch.save`
//! stream of one storage (reference-stylegan.md §3.5). Two layouts are sniffed:
//! - legacy (`\x80\x02\x8a\x0a…`): five protocol-2 pickles (magic number, protocol version 1001,
//!   sys-info, the persistent id `('storage', torch.FloatStorage, key, location, numel[, None])`,
//!   the key list), then per key a little-endian u64 element count and the raw data;
//! - zip (`PK\x03\x04`): `<archive>/data.pkl` holding the persistent id, the raw data in
//!   `<archive>/data/<key>` (see [`super::storage_zip`]).

use std::borrow::Cow;

use crate::checkpoint::DType;

use super::arena::Arena;
use super::budget::Budget;
use super::error::{PickleError, PickleErrorKind, PickleResult};
use super::globals::{Context, Global};
use super::machine::Machine;
use super::object::{Id, Obj};

/// `0x1950a86a20f9469cfc6c` as the 10 little-endian bytes of its `LONG1`.
const MAGIC: [u8; 10] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const LEGACY_PREFIX: &[u8] = b"\x80\x02\x8a\x0a";
const ZIP_PREFIX: &[u8] = b"PK\x03\x04";

/// The elements of one storage: `numel` elements of `dtype`, little-endian.
#[derive(Clone, Debug, PartialEq)]
pub struct Storage<'a> {
    pub dtype: DType,
    pub numel: usize,
    /// Exactly `numel × dtype.size()` bytes.
    pub data: Cow<'a, [u8]>,
}

/// What a storage persistent id says: `('storage', type, key, location, numel, ...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageRef {
    pub dtype: DType,
    pub key: String,
    pub numel: usize,
}

impl Storage<'_> {
    pub fn into_owned(self) -> Storage<'static> {
        Storage { dtype: self.dtype, numel: self.numel, data: Cow::Owned(self.data.into_owned()) }
    }

    /// Parses a `_load_from_bytes` payload. `base` is the file offset of `payload[0]`.
    pub fn load_from_bytes<'p>(payload: &'p [u8], base: u64, budget: &mut Budget) -> PickleResult<Storage<'p>> {
        if payload.starts_with(LEGACY_PREFIX) {
            load_legacy(payload, base, budget)
        } else if payload.starts_with(ZIP_PREFIX) {
            super::storage_zip::load_zip(payload, base, budget)
        } else {
            Err(PickleError::new(
                base,
                PickleErrorKind::Invalid("storage payload is neither a legacy nor a zip torch.save stream".into()),
            ))
        }
    }
}

/// Reads the persistent id tuple of a storage (the root of a storage payload pickle).
pub fn storage_ref(arena: &Arena<'_>, root: Id) -> PickleResult<StorageRef> {
    let pid = match arena.get(root) {
        Obj::PersistentId(pid) => *pid,
        _ => return Err(arena.type_error(root, "a storage persistent id")),
    };
    let items = arena.tuple(pid)?;
    if items.len() < 5 || !arena.is_str(items[0], "storage") {
        return Err(arena.invalid(pid, "persistent id is not ('storage', type, key, location, numel)"));
    }
    let dtype = match arena.get(items[1]) {
        Obj::Global(Global::StorageType(d)) => *d,
        _ => return Err(arena.type_error(items[1], "a torch storage type")),
    };
    let key = arena.str(items[2])?.to_string();
    arena.str(items[3])?; // location: 'cpu', 'cuda:0', ... (ignored)
    let numel = arena.usize(items[4])?;
    Ok(StorageRef { dtype, key, numel })
}

fn load_legacy<'p>(payload: &'p [u8], base: u64, budget: &mut Budget) -> PickleResult<Storage<'p>> {
    let mut pos = 0usize;
    let next = |budget: &mut Budget, pos: &mut usize| -> PickleResult<_> {
        let loaded = Machine::run(payload, *pos, base, Context::StoragePayload, budget)?;
        *pos = loaded.end;
        Ok(loaded)
    };
    // 1. magic number
    let magic = next(budget, &mut pos)?;
    let is_magic = matches!(magic.arena.get(magic.root), Obj::BigInt(b) if b.as_ref() == MAGIC);
    if !is_magic {
        return Err(PickleError::new(
            base,
            PickleErrorKind::Invalid("storage payload has a wrong magic number".into()),
        ));
    }
    // 2. protocol version
    let version = next(budget, &mut pos)?;
    let v = version.arena.int(version.root)?;
    if v != 1001 {
        return Err(version
            .arena
            .invalid(version.root, format!("storage payload protocol version {v}, expected 1001")));
    }
    // 3. sys info
    let sys = next(budget, &mut pos)?;
    if let Some(le) = sys.arena.dict_get(sys.root, "little_endian")?
        && !sys.arena.bool(le)?
    {
        return Err(PickleError::new(
            sys.arena.offset(le),
            PickleErrorKind::Unsupported("a big-endian storage payload".into()),
        ));
    }
    // 4. the storage's persistent id
    let object = next(budget, &mut pos)?;
    let sref = storage_ref(&object.arena, object.root)?;
    // 5. the key list
    let keys = next(budget, &mut pos)?;
    let key_ids = keys.arena.sequence(keys.root)?;
    // 6. per key: u64 count and raw data
    let mut found = None;
    for &k in key_ids {
        let key = keys.arena.str(k)?;
        let at = base + pos as u64;
        let truncated = |needed: u64| PickleError::new(at, PickleErrorKind::Truncated { needed });
        let count_bytes = payload.get(pos..pos + 8).ok_or_else(|| truncated((pos + 8 - payload.len()) as u64))?;
        let mut buf = [0u8; 8];
        buf.copy_from_slice(count_bytes);
        let count = u64::from_le_bytes(buf);
        pos += 8;
        let size = count
            .checked_mul(sref.dtype.size() as u64)
            .ok_or_else(|| PickleError::new(at, PickleErrorKind::Invalid(format!("storage of {count} elements"))))?;
        let left = (payload.len() - pos) as u64;
        if size > left {
            return Err(truncated(size - left));
        }
        let data = &payload[pos..pos + size as usize];
        pos += size as usize;
        if key == sref.key {
            if count != sref.numel as u64 {
                return Err(PickleError::new(
                    at,
                    PickleErrorKind::Invalid(format!("storage holds {count} elements, its id says {}", sref.numel)),
                ));
            }
            found = Some(data);
        }
    }
    let data = found.ok_or_else(|| {
        PickleError::new(base, PickleErrorKind::Invalid(format!("storage key `{}` has no data", sref.key)))
    })?;
    Ok(Storage { dtype: sref.dtype, numel: sref.numel, data: Cow::Borrowed(data) })
}
