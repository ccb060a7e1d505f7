//! Seed lists as `gen_images.py --seeds` takes them: `0,4-6,10` (ranges inclusive).

use crate::{Error, Result};

/// The longest list accepted (a typo such as `0-4000000000` should not allocate gigabytes).
pub const MAX_SEEDS: usize = 1_000_000;

/// Parses `a,b-c,...` into seeds in the given order. Whitespace around items is ignored; empty
/// items, non-numbers, reversed ranges, seeds above 2^32 − 1 (NumPy's limit) and lists longer
/// than [`MAX_SEEDS`] are errors that quote the offending item.
pub fn parse_seed_list(s: &str) -> Result<Vec<u64>> {
    let bad = |item: &str, why: &str| Error::Invalid(format!("bad seed list `{s}`: `{item}` {why}"));
    let mut out = Vec::new();
    for item in s.split(',') {
        let item = item.trim();
        if item.is_empty() {
            return Err(Error::Invalid(format!("bad seed list `{s}`: empty item (use e.g. `0,4-6,10`)")));
        }
        let (a, b) = match item.split_once('-') {
            Some((a, b)) => {
                (parse_seed(a.trim()).map_err(|w| bad(item, w))?, parse_seed(b.trim()).map_err(|w| bad(item, w))?)
            }
            None => {
                let v = parse_seed(item).map_err(|w| bad(item, w))?;
                (v, v)
            }
        };
        if b < a {
            return Err(bad(item, "is a reversed range"));
        }
        if out.len() as u64 + (b - a + 1) > MAX_SEEDS as u64 {
            return Err(Error::Invalid(format!("seed list `{s}` has more than {MAX_SEEDS} seeds")));
        }
        out.extend(a..=b);
    }
    Ok(out)
}

fn parse_seed(t: &str) -> std::result::Result<u64, &'static str> {
    if t.is_empty() || !t.bytes().all(|c| c.is_ascii_digit()) {
        return Err("is not a seed or an inclusive range of seeds");
    }
    match t.parse::<u64>() {
        Ok(v) if v <= u32::MAX as u64 => Ok(v),
        _ => Err("is larger than 4294967295, NumPy's largest seed"),
    }
}
