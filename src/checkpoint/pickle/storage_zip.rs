//! Zip-format `torch.save` storage payloads (`PK\x03\x04`): `<archive>/data.pkl` is a pickle whose
//! root is the persistent id `('storage', torch.FloatStorage, key, location, numel)`, and the raw
//! little-endian elements are in `<archive>/data/<key>`. The archive is read with the `zip` crate
//! after a check of its end-of-central-directory record, and every entry is read with a bound.
//! Offsets in errors from inside `data.pkl` count from the start of the payload.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use super::budget::Budget;
use super::error::{PickleError, PickleErrorKind, PickleResult};
use super::globals::Context;
use super::machine::Machine;
use super::storage::{Storage, storage_ref};

/// More entries than any `torch.save` archive of one storage has.
const MAX_ENTRIES: u64 = 1024;
/// `data.pkl` of one storage is a few hundred bytes.
const MAX_DATA_PKL: u64 = 1 << 20;

pub fn load_zip<'p>(payload: &'p [u8], base: u64, budget: &mut Budget) -> PickleResult<Storage<'p>> {
    let invalid = |msg: String| PickleError::new(base, PickleErrorKind::Invalid(msg));
    check_directory(payload).map_err(|m| invalid(format!("zip storage payload: {m}")))?;
    let mut archive =
        zip::ZipArchive::new(Cursor::new(payload)).map_err(|e| invalid(format!("zip storage payload: {e}")))?;
    let pkl_name = archive
        .file_names()
        .filter_map(|n| n.ok())
        .find(|n| n == "data.pkl" || n.ends_with("/data.pkl"))
        .map(|n| n.to_string())
        .ok_or_else(|| invalid("zip storage payload without data.pkl".into()))?;
    let prefix = pkl_name.trim_end_matches("data.pkl").to_string();

    let pkl = read_entry(&mut archive, &pkl_name, None, MAX_DATA_PKL, budget, base)?;
    let loaded = Machine::run(&pkl, 0, base, Context::StoragePayload, budget)?;
    let sref = storage_ref(&loaded.arena, loaded.root)?;

    let expected = (sref.numel as u64)
        .checked_mul(sref.dtype.size() as u64)
        .ok_or_else(|| invalid(format!("storage of {} elements", sref.numel)))?;
    let data_name = format!("{prefix}data/{}", sref.key);
    let data = read_entry(&mut archive, &data_name, Some(expected), expected, budget, base)?;
    Ok(Storage { dtype: sref.dtype, numel: sref.numel, data: Cow::Owned(data) })
}

/// Reads entry `name` (at most `max` bytes; exactly `exact` when given), charging the budget first.
fn read_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    exact: Option<u64>,
    max: u64,
    budget: &mut Budget,
    base: u64,
) -> PickleResult<Vec<u8>> {
    let invalid = |msg: String| PickleError::new(base, PickleErrorKind::Invalid(msg));
    let entry = archive.by_name(name).map_err(|e| invalid(format!("zip storage payload, entry `{name}`: {e}")))?;
    let size = entry.size();
    if size > max || exact.is_some_and(|n| n != size) {
        return Err(invalid(format!("zip storage payload: entry `{name}` has {size} bytes")));
    }
    budget.charge(size, base)?;
    let mut out = Vec::with_capacity(size as usize);
    entry.take(size).read_to_end(&mut out).map_err(|e| invalid(format!("zip storage payload, entry `{name}`: {e}")))?;
    if out.len() as u64 != size {
        return Err(invalid(format!("zip storage payload: entry `{name}` is truncated")));
    }
    Ok(out)
}

fn le_u16(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?)))
}

fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Finds the end-of-central-directory record and bounds the number of entries it declares.
fn check_directory(payload: &[u8]) -> Result<(), String> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const EOCD64: &[u8] = b"PK\x06\x06";
    const LOCATOR64: &[u8] = b"PK\x06\x07";
    let lowest = payload.len().saturating_sub(22 + 65535);
    let eocd = (lowest..payload.len().saturating_sub(21))
        .rev()
        .find(|&i| payload[i..].starts_with(EOCD))
        .ok_or("no end-of-central-directory record")?;
    let mut entries = le_u16(payload, eocd + 10).ok_or("truncated directory record")?;
    if entries == 0xffff {
        let loc = eocd.checked_sub(20).ok_or("truncated zip64 locator")?;
        if !payload[loc..].starts_with(LOCATOR64) {
            return Err("missing zip64 locator".into());
        }
        let rec = le_u64(payload, loc + 8).ok_or("truncated zip64 locator")?;
        let rec = usize::try_from(rec).map_err(|_| "bad zip64 record offset")?;
        if !payload.get(rec..).is_some_and(|r| r.starts_with(EOCD64)) {
            return Err("missing zip64 directory record".into());
        }
        entries = le_u64(payload, rec + 32).ok_or("truncated zip64 directory record")?;
    }
    if entries > MAX_ENTRIES {
        return Err(format!("{entries} entries"));
    }
    Ok(())
}
