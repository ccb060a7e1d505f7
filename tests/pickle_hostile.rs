#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Hand-made hostile pickles: refused globals (by every route), deep nesting and cycles, huge
//! declared lengths, memo misuse, type confusion, floods that would exhaust memory. Each is a
//! typed error naming the problem and its byte offset; nothing panics, nothing is executed.

use std::path::Path;

use stylescope::Error;
use stylescope::checkpoint::Checkpoint;
use stylescope::checkpoint::pickle::{self, Budget, PickleError, PickleErrorKind};

/// A pickle written opcode by opcode.
struct P(Vec<u8>);

impl P {
    fn new(protocol: u8) -> Self {
        P(vec![0x80, protocol])
    }
    fn op(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend_from_slice(bytes);
        self
    }
    /// BINUNICODE.
    fn s(&mut self, text: &str) -> &mut Self {
        self.0.push(b'X');
        self.0.extend_from_slice(&(text.len() as u32).to_le_bytes());
        self.0.extend_from_slice(text.as_bytes());
        self
    }
    fn pos(&self) -> u64 {
        self.0.len() as u64
    }
    fn bytes(&self) -> Vec<u8> {
        self.0.clone()
    }
}

fn open(bytes: &[u8]) -> Error {
    Checkpoint::from_bytes(bytes, Path::new("hostile.pkl")).expect_err("hostile input must fail")
}

/// The pickle error inside a checkpoint error (which must name the file).
fn pickle_err(bytes: &[u8]) -> PickleError {
    let e = open(bytes);
    assert!(e.to_string().starts_with("hostile.pkl: "), "{e}");
    match e.root() {
        Error::Pickle(p) => p.clone(),
        other => panic!("expected a pickle error, got {other}"),
    }
}

fn refused(module: &str, name: &str) -> PickleErrorKind {
    PickleErrorKind::RefusedGlobal { module: module.into(), name: name.into() }
}

#[test]
fn os_system_via_global() {
    let mut p = P::new(2);
    p.op(b"cos\nsystem\n").s("echo owned").op(b"\x85R.");
    let e = pickle_err(&p.bytes());
    assert_eq!((e.offset, e.kind.clone()), (2, refused("os", "system")));
    let text = open(&p.bytes()).to_string();
    assert!(text.contains("os.system") && text.contains("byte 2"), "{text}");
}

#[test]
fn os_system_via_stack_global() {
    let mut p = P::new(4);
    p.op(b"\x8c\x02os\x94\x8c\x06system\x94");
    let at = p.pos();
    p.op(b"\x93").s("echo owned").op(b"\x85R.");
    let e = pickle_err(&p.bytes());
    assert_eq!((e.offset, e.kind), (at, refused("os", "system")));
}

#[test]
fn other_dangerous_globals_by_every_route() {
    // builtins.eval via STACK_GLOBAL
    let mut p = P::new(4);
    p.s("builtins").s("eval");
    let at = p.pos();
    p.op(b"\x93.");
    assert_eq!(pickle_err(&p.bytes()), PickleError::new(at, refused("builtins", "eval")));
    // posix.system via GLOBAL, protocol 0 (no PROTO)
    let e = pickle_err(b"cposix\nsystem\n(S'id'\ntR.");
    assert_eq!((e.offset, e.kind), (0, refused("posix", "system")));
    // subprocess.Popen via INST
    let e = pickle_err(b"(S'id'\nisubprocess\nPopen\n.");
    assert_eq!((e.offset, e.kind), (7, refused("subprocess", "Popen")));
    // a storage type outside a storage payload
    let e = pickle_err(b"\x80\x02ctorch\nFloatStorage\n.");
    assert_eq!(e.kind, refused("torch", "FloatStorage"));
    // REDUCE on something that is not an allow-listed global
    let mut p = P::new(2);
    p.s("os.system").op(b")R.");
    let e = pickle_err(&p.bytes());
    assert!(matches!(e.kind, PickleErrorKind::Type { found: "a string", .. }), "{e}");
    // extension registry and out-of-band buffers
    assert_eq!(
        pickle_err(b"\x80\x02\x82\x01.").kind,
        PickleErrorKind::Forbidden("the extension registry (EXT1/EXT2/EXT4)")
    );
    assert!(matches!(pickle_err(b"\x80\x05\x97.").kind, PickleErrorKind::Forbidden(_)));
    // persistent ids belong only in storage payloads
    assert!(matches!(pickle_err(b"\x80\x02N\x51.").kind, PickleErrorKind::Forbidden(_)));
}

#[test]
fn deep_nesting_is_bounded() {
    let mut marks = vec![0x80, 2];
    marks.extend(std::iter::repeat_n(b'(', 5000));
    let e = pickle_err(&marks);
    assert_eq!((e.offset, e.kind), (1002, PickleErrorKind::TooDeep { limit: 1000 }));

    // 50,000 nested tuples build without recursion; converting them is bounded.
    let mut tuples = vec![0x80, 2, b')'];
    tuples.extend(std::iter::repeat_n(0x85, 50_000));
    tuples.push(b'.');
    let mut budget = Budget::for_input(tuples.len());
    let loaded = pickle::load(&tuples, &mut budget).unwrap();
    let e = pickle::json::to_json(&loaded.arena, loaded.root, &mut budget).unwrap_err();
    assert!(matches!(e.kind, PickleErrorKind::TooDeep { .. }), "{e}");
    assert!(matches!(open(&tuples).root(), Error::Format(m) if m.contains("a tuple")));

    // A list that contains itself.
    let mut budget = Budget::for_input(16);
    let cyclic = b"\x80\x02]q\x00h\x00a.";
    let loaded = pickle::load(cyclic, &mut budget).unwrap();
    let e = pickle::json::to_json(&loaded.arena, loaded.root, &mut budget).unwrap_err();
    assert!(matches!(e.kind, PickleErrorKind::TooDeep { .. }), "{e}");
}

/// A persistent module whose `_modules` holds itself.
#[test]
fn cyclic_modules_are_bounded() {
    let mut p = P::new(2);
    p.op(b"ctorch_utils.persistence\n_reconstruct_persistent_obj\n");
    p.op(b"}q\x00(").s("type").s("class").s("version").op(b"K\x06").s("class_name").s("Generator");
    p.s("state").op(b"}q\x01(").s("_modules").op(b"}q\x02uu");
    p.op(b"\x85Rq\x03"); // the module (memo 3); meta stays referenced by memo 0
    p.op(b"h\x02").s("self").op(b"h\x03s0"); // _modules['self'] = module
    p.op(b"}(").s("G_ema").op(b"h\x03u.");
    let e = pickle_err(&p.bytes());
    assert!(matches!(e.kind, PickleErrorKind::TooDeep { limit: 32 }), "{e}");
}

#[test]
fn huge_declared_lengths_are_truncation_errors() {
    let cases: Vec<(Vec<u8>, u64)> = vec![
        (b"\x80\x04X\xf0\xff\xff\xff".to_vec(), 0xffff_fff0), // BINUNICODE
        ([&b"\x80\x04\x8e"[..], &u64::MAX.to_le_bytes()].concat(), u64::MAX), // BINBYTES8
        ([&b"\x80\x04\x8d"[..], &(1u64 << 62).to_le_bytes()].concat(), 1 << 62), // BINUNICODE8
        ([&b"\x80\x05\x96"[..], &(1u64 << 40).to_le_bytes()].concat(), 1 << 40), // BYTEARRAY8
        ([&b"\x80\x04\x95"[..], &u64::MAX.to_le_bytes()].concat(), u64::MAX), // FRAME
        (b"\x80\x02\x8b\xff\xff\xff\x7f".to_vec(), 0x7fff_ffff), // LONG4
        (b"\x80\x03C\xff\x01\x02\x03".to_vec(), 252),         // SHORT_BINBYTES
    ];
    for (bytes, declared) in cases {
        let e = pickle_err(&bytes);
        assert_eq!(e.offset, 2, "{bytes:?}");
        let PickleErrorKind::Truncated { needed } = e.kind else { panic!("{e}") };
        assert!(needed > 0 && needed <= declared, "{e}");
    }
    assert!(matches!(pickle_err(b"\x80\x02T\xff\xff\xff\xff").kind, PickleErrorKind::Invalid(_)), "negative BINSTRING");
    assert!(matches!(pickle_err(b"\x80\x02\x8b\xff\xff\xff\xff").kind, PickleErrorKind::Invalid(_)), "negative LONG4");
}

#[test]
fn memo_and_stack_misuse() {
    assert_eq!(pickle_err(b"\x80\x02h\x07."), PickleError::new(2, PickleErrorKind::MissingMemo(7)));
    assert_eq!(pickle_err(b"\x80\x02j\x00\x00\x00\x01.").kind, PickleErrorKind::MissingMemo(1 << 24));
    assert_eq!(pickle_err(b"\x80\x02g12\n.").kind, PickleErrorKind::MissingMemo(12));
    assert!(matches!(pickle_err(b"\x80\x02.").kind, PickleErrorKind::StackUnderflow(_)));
    assert!(matches!(pickle_err(b"\x80\x02N(s.").kind, PickleErrorKind::StackUnderflow(_)), "SETITEM across a MARK");
    assert!(matches!(pickle_err(b"\x80\x02Nt.").kind, PickleErrorKind::NoMark(_)));
    assert!(matches!(pickle_err(b"\x80\x02NNNs.").kind, PickleErrorKind::Type { expected: "a dict", .. }));
    assert!(matches!(pickle_err(b"\x80\x02K").kind, PickleErrorKind::Truncated { .. }));
    assert_eq!(pickle_err(b"\x80\x02}").kind, PickleErrorKind::MissingStop);
    assert_eq!(pickle_err(b"\x80\x02\xff.").kind, PickleErrorKind::UnknownOpcode(0xff));
    assert!(matches!(pickle_err(b"\x80\x07}.").kind, PickleErrorKind::Unsupported(_)));
}

#[test]
fn type_confusion_names_the_offset() {
    // `_parameters` is a string.
    let mut p = P::new(2);
    p.op(b"ctorch_utils.persistence\n_reconstruct_persistent_obj\n");
    p.op(b"}(").s("version").op(b"K\x06").s("class_name").s("Generator").s("state").op(b"}(").s("_parameters");
    let at = p.pos();
    p.s("oops").op(b"uu\x85R").op(b"q\x00}(").s("G_ema").op(b"h\x00u.");
    let e = pickle_err(&p.bytes());
    assert_eq!((e.offset, e.kind), (at, PickleErrorKind::Type { expected: "a dict", found: "a string" }));

    // A tensor whose size is a string.
    let mut p = P::new(3);
    p.op(b"ctorch._utils\n_rebuild_tensor_v2\n(N");
    let e = pickle_err(&p.op(b"K\x00").s("(4,)").op(b"(K\x01tK\x00NtR.").bytes());
    assert!(matches!(e.kind, PickleErrorKind::Type { expected: "a storage", found: "None" }), "{e}");

    // Repeated keys: the last value wins, as in Python (the list is never looked at).
    let mut p = P::new(2);
    p.op(b"}(").s("G_ema").op(b"]").s("G_ema").op(b"Nu.");
    assert!(matches!(open(&p.bytes()).root(), Error::Format(m) if m.contains("no networks")));

    // Not a snapshot at all.
    assert!(matches!(open(b"\x80\x02]q\x00.").root(), Error::Format(m) if m.contains("a list")));
    assert!(matches!(open(b"\x80\x02}.").root(), Error::Format(m) if m.contains("no networks")));
    assert!(matches!(open(b"hello world").root(), Error::Format(_)));
    assert!(matches!(open(b"PK\x03\x04rest").root(), Error::Unsupported(_)));
}

#[test]
fn storage_payloads_are_checked() {
    let load = |payload: &[u8]| {
        let mut p = P::new(3);
        p.op(b"ctorch.storage\n_load_from_bytes\n");
        let at = p.pos();
        p.op(b"B").op(&(payload.len() as u32).to_le_bytes()).op(payload).op(b"\x85R.");
        (pickle_err(&p.bytes()), at + 5)
    };
    // Wrong magic number.
    let (e, payload_at) = load(b"\x80\x02\x8a\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00.");
    assert_eq!(e.offset, payload_at);
    assert!(e.to_string().contains("magic"), "{e}");
    // Neither legacy nor zip.
    let (e, _) = load(b"garbage");
    assert!(e.to_string().contains("neither a legacy nor a zip"), "{e}");
    // A zip that is not an archive.
    let (e, _) = load(b"PK\x03\x04 not really a zip");
    assert!(e.to_string().contains("zip storage payload"), "{e}");
    // A payload that refers to a global other than a storage type.
    let mut payload = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.\x80\x02M\xe9\x03.\x80\x02}.".to_vec();
    payload.extend_from_slice(b"\x80\x02cos\nsystem\n.");
    let (e, payload_at) = load(&payload);
    assert_eq!((e.offset, e.kind), (payload_at + 27, refused("os", "system")));
}

#[test]
fn floods_exhaust_the_budget_not_the_memory() {
    let objects = [b"\x80\x04".as_slice(), &vec![b']'; 1 << 20]].concat();
    assert!(matches!(pickle_err(&objects).kind, PickleErrorKind::Budget { .. }));
    let memo = [b"\x80\x04N".as_slice(), &vec![0x94; 1 << 20]].concat();
    assert!(matches!(pickle_err(&memo).kind, PickleErrorKind::Budget { .. }));
}
