#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every seed of the fuzz corpus (fuzz/seeds/pickle_reader) goes through the reader: Ok or a
//! typed error naming the file, never a panic. The outcome of each seed is pinned as well.

use std::path::PathBuf;

use stylescope::Error;
use stylescope::checkpoint::Checkpoint;

#[test]
fn every_seed_reads_or_fails_cleanly() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/pickle_reader");
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let result = std::panic::catch_unwind(|| Checkpoint::from_bytes(&data, &path));
        let outcome = match result {
            Err(_) => panic!("{name}: the reader panicked"),
            Ok(Ok(c)) => format!("ok: {}", c.networks.len()),
            Ok(Err(e)) => {
                assert!(e.to_string().starts_with(&path.display().to_string()), "{name}: {e}");
                match e.root() {
                    Error::Pickle(p) => format!("pickle: {:?}", std::mem::discriminant(&p.kind)),
                    Error::Format(_) => "format".into(),
                    Error::Unsupported(_) => "unsupported".into(),
                    other => format!("other: {other}"),
                }
            }
        };
        seen.push((name, outcome));
    }
    seen.sort();
    let outcome = |n: &str| seen.iter().find(|(s, _)| s == n).map(|(_, o)| o.as_str()).unwrap_or("missing");
    assert_eq!(outcome("sg3_tiny.pkl"), "ok: 4");
    assert_eq!(outcome("zip_storage.pkl"), "ok: 1");
    assert_eq!(outcome("legacy_storage_p2.pkl"), "ok: 1");
    assert_eq!(outcome("tf_legacy.pkl"), "unsupported");
    assert_eq!(outcome("protocol0.pkl"), "format", "a valid protocol-0 dict without networks");
    for hostile in
        ["os_system_global.pkl", "os_system_stack_global.pkl", "deep_marks.pkl", "missing_memo.pkl", "huge_length.pkl"]
    {
        assert!(outcome(hostile).starts_with("pickle"), "{hostile}: {}", outcome(hostile));
    }
    assert!(seen.len() >= 10, "{seen:?}");
}

/// A poor man's fuzzer for machines without cargo-fuzz: random multi-byte mutations (flips,
/// overwrites with interesting values, deletions, duplications, splices) of the seeds and the
/// hand-made test pickles, in a debug build (so arithmetic overflow panics). Ignored by default;
/// run with `cargo test --test pickle_fuzz_seeds -- --ignored` (`STYLESCOPE_FUZZ_ITERS`, default
/// 20000; `STYLESCOPE_FUZZ_SEED`, default 1).
#[test]
#[ignore = "long-running; run on demand"]
fn mutation_smoke() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = Vec::new();
    for dir in ["fuzz/seeds/pickle_reader", "tests/data/pickles"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            inputs.push(std::fs::read(entry.unwrap().path()).unwrap());
        }
    }
    let iters: usize = std::env::var("STYLESCOPE_FUZZ_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let seed: u64 = std::env::var("STYLESCOPE_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let mut state = 0x0123_4567_89ab_cdefu64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let interesting: [&[u8]; 8] =
        [b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x7f", b"\x80", b"(", b"h\x00", b"\x94", b"\x93"];
    let path = std::path::Path::new("mutant.pkl");
    for i in 0..iters {
        let mut data = inputs[(next() as usize) % inputs.len()].clone();
        for _ in 0..1 + next() % 4 {
            if data.is_empty() {
                break;
            }
            let at = (next() as usize) % data.len();
            match next() % 5 {
                0 => data[at] ^= (next() % 255 + 1) as u8,
                1 => {
                    let v = interesting[(next() as usize) % interesting.len()];
                    let end = (at + v.len()).min(data.len());
                    data[at..end].copy_from_slice(&v[..end - at]);
                }
                2 => {
                    let n = ((next() % 16) as usize).min(data.len() - at);
                    data.drain(at..at + n);
                }
                3 => {
                    let n = ((next() % 16) as usize).min(data.len() - at);
                    let chunk = data[at..at + n].to_vec();
                    data.splice(at..at, chunk);
                }
                _ => {
                    let other = &inputs[(next() as usize) % inputs.len()];
                    let from = (next() as usize) % other.len().max(1);
                    let n = ((next() % 64) as usize).min(other.len().saturating_sub(from));
                    data.splice(at..at, other[from..from + n].iter().copied());
                }
            }
        }
        let result = std::panic::catch_unwind(|| Checkpoint::from_bytes(&data, path));
        if result.is_err() {
            let out = std::env::temp_dir().join(format!("stylescope-mutant-{i}.pkl"));
            std::fs::write(&out, &data).unwrap();
            panic!("iteration {i}: the reader panicked; input saved to {}", out.display());
        }
    }
}
