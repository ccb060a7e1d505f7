#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `stylescope inspect` and `stylescope convert` on the fixtures, through the real binary.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn stylescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stylescope")).args(args).output().unwrap()
}

fn inspect_json(file: &Path) -> Value {
    let out = stylescope(&["inspect", file.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn network<'v>(report: &'v Value, key: &str) -> &'v Value {
    report["networks"].as_array().unwrap().iter().find(|n| n["key"] == key).unwrap()
}

#[test]
fn inspect_reports_the_manifest_figures() {
    for (net, family, num_ws) in
        [("sg2_64", "StyleGAN2", 10), ("sg3t_64", "StyleGAN3-T", 16), ("sg3r_64", "StyleGAN3-R", 16)]
    {
        let dir = require_fixture!(net);
        let manifest: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
        let report = inspect_json(&dir.join("network.pkl"));
        assert_eq!(report["format"]["protocol"], 4);
        let keys: Vec<&str> =
            report["networks"].as_array().unwrap().iter().map(|n| n["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["G", "D", "G_ema"]);
        let g = network(&report, "G_ema");
        assert_eq!(g["num_params"], manifest["constructor"]["num_params_G_ema"], "{net}");
        assert_eq!(network(&report, "D")["num_params"], manifest["constructor"]["num_params_D"], "{net}");
        assert_eq!(g["family"], family);
        assert_eq!(
            (g["img_resolution"].as_u64(), g["z_dim"].as_u64(), g["w_dim"].as_u64()),
            (Some(64), Some(64), Some(64))
        );
        assert_eq!(
            (g["c_dim"].as_u64(), g["num_ws"].as_u64(), g["mapping_layers"].as_u64()),
            (Some(0), Some(num_ws), Some(2))
        );
        // The per-module counts add up to the network's.
        let modules = g["modules"].as_array().unwrap();
        let sum: u64 = modules.iter().map(|m| m["num_params"].as_u64().unwrap()).sum();
        assert_eq!(sum, g["num_params"].as_u64().unwrap());
        assert_eq!(modules[0]["path"], "");
        assert!(modules.iter().any(|m| m["path"] == "mapping.fc0" && m["class_name"] == "FullyConnectedLayer"));
    }
}

#[test]
fn inspect_text_has_the_table() {
    let dir = require_fixture!("sg3t_64");
    let out = stylescope(&["inspect", dir.join("network.pkl").to_str().unwrap(), "--network", "G_ema"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("StyleGAN3-T: 64×64, 3 channels; z_dim 64, w_dim 64, c_dim 0, num_ws 16, mapping layers 2"),
        "{text}"
    );
    assert!(text.contains("parameters 146,981"), "{text}");
    assert!(text.contains("synthesis.L14_64_3") && text.contains("up_filter None"), "{text}");
    assert!(!text.contains("\nD  "), "only the requested network");
}

#[test]
fn convert_then_inspect_gives_the_same_report() {
    let dir = require_fixture!("sg2_64");
    let tmp = common::temp_dir("cli-convert");
    let out_file = tmp.join("g.safetensors");
    let pkl = dir.join("network.pkl");
    let out = stylescope(&["convert", pkl.to_str().unwrap(), "--out", out_file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("G_ema: Generator (StyleGAN2), 180,056 parameters"));
    let a = inspect_json(&pkl);
    let b = inspect_json(&out_file);
    assert_eq!(b["format"]["name"], "safetensors");
    assert_eq!(b["networks"].as_array().unwrap().len(), 1);
    assert_eq!(network(&b, "G_ema"), network(&a, "G_ema"));
    assert_eq!(b["training_set_kwargs"], a["training_set_kwargs"]);

    let all = tmp.join("all.safetensors");
    let out = stylescope(&["convert", pkl.to_str().unwrap(), "--out", all.to_str().unwrap(), "--all"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c = inspect_json(&all);
    assert_eq!(c["networks"], a["networks"]);
}

#[test]
fn convert_stores_a_title_that_inspect_shows_and_a_reconversion_keeps() {
    let dir = require_fixture!("sg3t_64");
    let tmp = common::temp_dir("cli-title");
    let pkl = dir.join("network.pkl");
    assert_eq!(inspect_json(&pkl)["title"], Value::Null, "pickles have no title");
    let titled = tmp.join("titled.safetensors");
    let out = stylescope(&[
        "convert",
        pkl.to_str().unwrap(),
        "--out",
        titled.to_str().unwrap(),
        "--title",
        "toyfaces StyleGAN3-T",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("title: toyfaces StyleGAN3-T"));
    assert_eq!(inspect_json(&titled)["title"], "toyfaces StyleGAN3-T");
    let text = stylescope(&["inspect", titled.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("title: toyfaces StyleGAN3-T"));

    // Converting our own file again keeps the title unless a new one is given.
    let again = tmp.join("again.safetensors");
    let out = stylescope(&["convert", titled.to_str().unwrap(), "--out", again.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(inspect_json(&again)["title"], "toyfaces StyleGAN3-T");
    assert_eq!(network(&inspect_json(&again), "G_ema"), network(&inspect_json(&pkl), "G_ema"));

    let empty = tmp.join("empty.safetensors");
    let out = stylescope(&["convert", pkl.to_str().unwrap(), "--out", empty.to_str().unwrap(), "--title", "  "]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--title: the title is empty"));
    assert!(!empty.exists(), "nothing written on a refused title");
}

#[test]
fn errors_name_the_file() {
    let tmp = common::temp_dir("cli-errors");
    let missing = tmp.join("missing.pkl");
    let out = stylescope(&["inspect", missing.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing.pkl"), "{err}");

    let junk = tmp.join("junk.pkl");
    std::fs::write(&junk, b"\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00cos\nsystem\n.").unwrap();
    let out = stylescope(&["inspect", junk.to_str().unwrap(), "--json"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("junk.pkl") && err.contains("os.system") && err.contains("byte 11"), "{err}");
    assert_eq!(err.matches("os.system").count(), 1, "the message is not repeated: {err}");

    let out = stylescope(&["convert", junk.to_str().unwrap(), "--out", tmp.join("x.safetensors").to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(!tmp.join("x.safetensors").exists());
}
