#![allow(clippy::unwrap_used, clippy::expect_used)]
//! pickle → stylescope safetensors → open gives the same checkpoint: names, shapes, bytes,
//! module summaries, architecture, init kwargs.

mod common;

use std::path::Path;

use stylescope::Error;
use stylescope::checkpoint::{Checkpoint, CheckpointFormat};

fn metadata_json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap();
    let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    serde_json::from_str(&meta.metadata().as_ref().unwrap()["stylescope"]).unwrap()
}

fn round_trip(net: &str) {
    let dir = require_fixture!(net);
    let scratch = common::temp_dir(net);
    let pkl = Checkpoint::open(&dir.join("network.pkl")).unwrap();

    // Every network: prefixed names.
    let all = scratch.join("all.safetensors");
    pkl.save_safetensors(&all, &[]).unwrap();
    let back = Checkpoint::open(&all).unwrap();
    assert_eq!(back.format, CheckpointFormat::Safetensors);
    assert_eq!(back.networks, pkl.networks, "{net}: networks differ after the round trip");
    assert_eq!(back.training_set_kwargs, pkl.training_set_kwargs);
    let bytes = std::fs::read(&all).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    assert!(st.names().iter().all(|n| ["G.", "D.", "G_ema."].iter().any(|p| n.starts_with(p))));
    let meta = metadata_json(&all);
    assert_eq!(meta["format_version"], 1);
    assert_eq!(meta["source"]["file"], "network.pkl");
    assert_eq!(meta["source"]["protocol"], 4);
    assert_eq!(meta["networks"][2]["key"], "G_ema");
    assert_eq!(meta["networks"][2]["prefix"], "G_ema.");
    assert_eq!(meta["networks"][2]["kind"], "generator");

    // One network: bare names, and converting the converted file again changes nothing.
    let one = scratch.join("g_ema.safetensors");
    pkl.save_safetensors(&one, &["G_ema"]).unwrap();
    let back = Checkpoint::open(&one).unwrap();
    assert_eq!(back.networks.len(), 1);
    assert_eq!(&back.networks[0], pkl.network("G_ema").unwrap());
    assert_eq!(back.generator_network().unwrap().key, "G_ema");
    let bytes = std::fs::read(&one).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    assert!(st.tensor("mapping.fc0.weight").is_ok());
    assert_eq!(metadata_json(&one)["networks"][0]["prefix"], "");
    let again = scratch.join("again.safetensors");
    back.save_safetensors(&again, &[]).unwrap();
    assert_eq!(Checkpoint::open(&again).unwrap().networks, back.networks);
    assert_eq!(metadata_json(&again)["source"]["format"], "safetensors");

    // The generator's candle weights are the same from both files.
    let dev = candle_core::Device::Cpu;
    let a = pkl.weights("G_ema", &dev).unwrap();
    let b = back.weights("G_ema", &dev).unwrap();
    assert_eq!(a.names().collect::<Vec<_>>(), b.names().collect::<Vec<_>>());
    let leftovers: Vec<String> =
        std::fs::read_dir(&scratch).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(leftovers.len(), 3, "no temporary files are left behind: {leftovers:?}");
}

#[test]
fn sg2_round_trip() {
    round_trip("sg2_64");
}

#[test]
fn sg3t_round_trip() {
    round_trip("sg3t_64");
}

#[test]
fn sg3r_round_trip() {
    round_trip("sg3r_64");
}

#[test]
fn plain_safetensors_and_missing_networks_are_clear_errors() {
    let dir = require_fixture!("sg2_64");
    let sd = dir.join("state_dict.safetensors");
    let e = Checkpoint::open(&sd).unwrap_err();
    assert!(matches!(e.root(), Error::Unsupported(_)), "{e}");
    assert!(e.to_string().contains("state_dict.safetensors") && e.to_string().contains("metadata"), "{e}");

    let scratch = common::temp_dir("missing");
    let pkl = Checkpoint::open(&dir.join("network.pkl")).unwrap();
    let e = pkl.save_safetensors(&scratch.join("x.safetensors"), &["G_avg"]).unwrap_err();
    assert!(e.to_string().contains("G_avg") && e.to_string().contains("G_ema"), "{e}");
    assert!(!scratch.join("x.safetensors").exists());
}

#[test]
fn corrupted_metadata_is_a_format_error() {
    let dir = require_fixture!("sg3t_64");
    let scratch = common::temp_dir("corrupt");
    let pkl = Checkpoint::open(&dir.join("network.pkl")).unwrap();
    let out = scratch.join("g.safetensors");
    pkl.save_safetensors(&out, &["G_ema"]).unwrap();
    let mut bytes = std::fs::read(&out).unwrap();
    // Rename one tensor in the header: the metadata no longer accounts for the file.
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = String::from_utf8(bytes[8..8 + header_len].to_vec()).unwrap();
    let renamed = header.replacen("\"mapping.fc0.weight\"", "\"mapping.fcX.weight\"", 1);
    assert_ne!(renamed, header);
    bytes[8..8 + header_len].copy_from_slice(renamed.as_bytes());
    let bad = scratch.join("bad.safetensors");
    std::fs::write(&bad, &bytes).unwrap();
    let e = Checkpoint::open(&bad).unwrap_err();
    assert!(matches!(e.root(), Error::MissingTensor(n) if n == "mapping.fc0.weight"), "{e}");
    assert!(e.to_string().contains("bad.safetensors"), "{e}");
}
