//! Damaged fixture pickles: truncated at 100 evenly spaced offsets and with single bytes flipped
//! at 2000 seeded random positions. Every case must return Ok or a typed error naming the file,
//! never panic, and never allocate more than a small multiple of the file size (measured with a
//! counting global allocator, per thread).
#![allow(unsafe_code)] // the counting allocator
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use stylescope::Error;
use stylescope::checkpoint::Checkpoint;

/// Counts live bytes and their peak, per thread (tests run cases on two threads).
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| {
            if now > peak.get() {
                peak.set(now);
            }
        });
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) };
        track(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            track(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// splitmix64: a small seeded generator of our own.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// What one case did.
struct Outcome {
    /// `ok`, or the error kind.
    kind: &'static str,
    /// Peak bytes allocated by the reader above what was live before.
    peak: usize,
}

fn kind(e: &Error) -> &'static str {
    match e.root() {
        Error::Pickle(_) => "pickle",
        Error::Format(_) => "format",
        Error::Unsupported(_) => "unsupported",
        Error::Shape { .. } => "shape",
        Error::MissingTensor(_) => "missing tensor",
        Error::Invalid(_) => "invalid",
        _ => "other",
    }
}

/// Runs the reader on `data`, measuring its peak allocation. Panics are reported as a string.
fn run_case(data: &[u8], path: &Path) -> Result<Outcome, String> {
    let before = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let result = catch_unwind(AssertUnwindSafe(|| match Checkpoint::from_bytes(data, path) {
        Ok(_) => Ok("ok"),
        Err(e) => {
            let text = e.to_string();
            if !text.starts_with(&path.display().to_string()) {
                return Err(format!("error does not name the file: {text}"));
            }
            Ok(kind(&e))
        }
    }));
    let peak = (PEAK.with(Cell::get) - before).max(0) as usize;
    match result {
        Ok(Ok(kind)) => Ok(Outcome { kind, peak }),
        Ok(Err(msg)) => Err(msg),
        Err(panic) => Err(format!(
            "panicked: {}",
            panic.downcast_ref::<String>().map(String::as_str).or(panic.downcast_ref::<&str>().copied()).unwrap_or("?")
        )),
    }
}

/// A damaged copy of `original`: truncated, or one byte flipped.
#[derive(Clone, Copy, Debug)]
enum Damage {
    Truncate(usize),
    Flip { at: usize, mask: u8 },
}

fn damage(original: &[u8], d: Damage) -> Vec<u8> {
    match d {
        Damage::Truncate(n) => original[..n].to_vec(),
        Damage::Flip { at, mask } => {
            let mut v = original.to_vec();
            v[at] ^= mask;
            v
        }
    }
}

#[test]
fn damaged_pickles_fail_cleanly_within_a_small_memory_multiple() {
    let dir = require_fixture!("sg3t_64");
    let original = std::fs::read(dir.join("network.pkl")).unwrap();
    let len = original.len();
    let path = Path::new("damaged.pkl");

    let mut cases: Vec<Damage> = (0..100).map(|i| Damage::Truncate(i * len / 100)).collect();
    let mut rng = Rng(0x5eed_2024);
    for _ in 0..2000 {
        let at = (rng.next() % len as u64) as usize;
        let mask = (rng.next() % 255 + 1) as u8;
        cases.push(Damage::Flip { at, mask });
    }

    let start = std::time::Instant::now();
    let halves: Vec<Vec<Damage>> = cases.chunks(cases.len().div_ceil(2)).map(<[Damage]>::to_vec).collect();
    let results: Vec<Vec<(Damage, Result<Outcome, String>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = halves
            .iter()
            .map(|half| {
                let original = &original;
                s.spawn(move || {
                    half.iter()
                        .map(|&d| {
                            let data = damage(original, d);
                            (d, run_case(&data, path))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let mut failures = Vec::new();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut max_peak = 0usize;
    for (d, r) in results.into_iter().flatten() {
        match r {
            Ok(o) => {
                *kinds.entry(o.kind).or_default() += 1;
                max_peak = max_peak.max(o.peak);
                if o.peak > 3 * len {
                    failures.push(format!("{d:?}: allocated {} bytes for a {len}-byte file", o.peak));
                }
            }
            Err(msg) => failures.push(format!("{d:?}: {msg}")),
        }
    }
    eprintln!(
        "{} cases in {:.1} s: {kinds:?}; peak allocation {:.2} × the file size",
        cases.len(),
        start.elapsed().as_secs_f64(),
        max_peak as f64 / len as f64
    );
    assert!(failures.is_empty(), "{} bad cases:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(kinds.values().sum::<usize>(), 2100);
    assert!(kinds.get("pickle").copied().unwrap_or(0) >= 100, "truncations are pickle errors: {kinds:?}");
}

/// The intact file loads, and its peak allocation is what the figures above are measured against.
#[test]
fn intact_fixture_peak_allocation() {
    let dir = require_fixture!("sg3t_64");
    let data = std::fs::read(dir.join("network.pkl")).unwrap();
    let o = run_case(&data, Path::new("network.pkl")).unwrap();
    assert_eq!(o.kind, "ok");
    eprintln!("intact: peak allocation {} bytes = {:.2} × the file size", o.peak, o.peak as f64 / data.len() as f64);
    assert!(o.peak < 3 * data.len());
}
