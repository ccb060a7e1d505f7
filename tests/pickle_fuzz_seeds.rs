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
    for hostile in ["os_system_global.pkl", "os_system_stack_global.pkl", "deep_marks.pkl", "missing_memo.pkl", "huge_length.pkl"] {
        assert!(outcome(hostile).starts_with("pickle"), "{hostile}: {}", outcome(hostile));
    }
    assert!(seen.len() >= 10, "{seen:?}");
}
