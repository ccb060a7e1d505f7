//! Feeds arbitrary bytes to the checkpoint reader (pickle machine, storage payloads, module
//! tree, architecture builders, safetensors sniffing). It must return Ok or a typed error:
//! never panic, never allocate far beyond the input size.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = stylescope::checkpoint::Checkpoint::from_bytes(data, std::path::Path::new("fuzz.pkl"));
});
