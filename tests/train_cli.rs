//! `stylescope train` from the command line: a tiny run prints a line per tick with kimg,
//! sec/kimg and losses, leaves NVIDIA's run directory, and its snapshot works with `generate`,
//! `inspect` and `--resume`; bad input fails with a message naming the file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/toy_data.rs"]
mod toy_data;
#[path = "common/train_util.rs"]
mod train_util;

use std::path::Path;
use std::process::{Command, Output};

fn stylescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stylescope")).args(args).output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn train_args<'a>(data: &'a str, out: &'a str, kimg: &'a str) -> Vec<&'a str> {
    vec![
        "train",
        "--cfg",
        "stylegan2",
        "--data",
        data,
        "--outdir",
        out,
        "--kimg",
        kimg,
        "--batch",
        "4",
        "--gamma",
        "0.1",
        "--cbase",
        "128",
        "--cmax",
        "16",
        "--z-dim",
        "16",
        "--w-dim",
        "16",
        "--map-depth",
        "2",
        "--tick",
        "0.004",
        "--snap",
        "1",
        "--grid",
        "2x2",
        "--mirror",
        "1",
        "--seed",
        "3",
    ]
}

fn last_snapshot(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("Last snapshot: "))
        .unwrap_or_else(|| panic!("no snapshot line in {stdout}"))
        .to_string()
}

#[test]
fn a_tiny_run_its_snapshot_and_a_resume() {
    let dir = common::temp_dir("test-cli");
    let data = dir.join("discs");
    toy_data::write_discs(&data, 8, 8, 4);
    let (data_s, out_s) = (data.to_str().unwrap(), dir.join("runs"));
    let out_s = out_s.to_str().unwrap();

    let o = stylescope(&train_args(data_s, out_s, "0.008"));
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    let ticks: Vec<&str> = stderr.lines().filter(|l| l.starts_with("tick ")).collect();
    assert_eq!(ticks.len(), 2, "{stderr}");
    for t in &ticks {
        assert!(t.contains("kimg") && t.contains("sec/kimg") && t.contains("loss/G") && t.contains("loss/D"), "{t}");
    }
    assert!(stdout.contains("Training finished at 0.008 kimg"), "{stdout}");
    let snapshot = last_snapshot(&stdout);
    let run_dir = Path::new(&snapshot).parent().unwrap();
    assert!(run_dir.file_name().unwrap().to_string_lossy().starts_with("00000-stylegan2-discs-cpu-batch4-gamma0.1"));
    for f in ["log.txt", "training_options.json", "stats.jsonl", "reals.png", "fakes_init.png", "fakes000000.png"] {
        assert!(run_dir.join(f).is_file(), "{f}");
    }

    // The snapshot is a network file.
    let gen_dir = dir.join("gen");
    let o = stylescope(&["generate", "--network", &snapshot, "--seeds", "0-1", "--outdir", gen_dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(gen_dir.join("seed0000.png").is_file() && gen_dir.join("seed0001.png").is_file());
    let o = stylescope(&["inspect", &snapshot]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stdout.contains("StyleGAN2") && stdout.contains("discriminator") && stdout.contains("Adam"), "{stdout}");

    // Resume to 0.012 kimg: one more iteration, in a new run directory.
    let mut args = train_args(data_s, out_s, "0.012");
    args.extend(["--resume", &snapshot]);
    let o = stylescope(&args);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("Resuming from") && stderr.contains("0.008 kimg (iteration 2)"), "{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.starts_with("tick ")).count(), 1, "{stderr}");
    assert!(last_snapshot(&stdout).contains("00001-stylegan2-discs"), "{stdout}");
}

/// A generator-only file (what `convert` writes, as the built-in models in `assets/`) is
/// continued with a new discriminator: G and G_ema start from the file, D from the seed's random
/// initialisation (the same as a new run's).
#[test]
fn resumes_a_generator_only_file_with_a_new_discriminator() {
    use stylescope::checkpoint::Checkpoint;
    let dir = common::temp_dir("test-cli-g-only");
    let data = dir.join("discs");
    toy_data::write_discs(&data, 8, 8, 4);
    let (data_s, out_s) = (data.to_str().unwrap(), dir.join("runs"));
    let out_s = out_s.to_str().unwrap();
    let o = stylescope(&train_args(data_s, out_s, "0.004"));
    assert!(o.status.success(), "{}", text(&o).1);
    let first = last_snapshot(&text(&o).0);
    let g_only = dir.join("g.safetensors");
    let o = stylescope(&["convert", &first, "--out", g_only.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);

    let mut args = train_args(data_s, out_s, "0.004");
    args.extend(["--resume", g_only.to_str().unwrap()]);
    let o = stylescope(&args);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("holds no discriminator: starting a new one (--cbase 128, --cmax 16)"), "{stderr}");
    let resumed = last_snapshot(&stdout);

    let (file, first, resumed) = (
        Checkpoint::open(&g_only).unwrap(),
        Checkpoint::open(Path::new(&first)).unwrap(),
        Checkpoint::open(Path::new(&resumed)).unwrap(),
    );
    // One iteration: G_ema's parameters move from the file's by a fraction of a learning rate.
    let (_, ema) = train_util::param_distance(&file, "G_ema", &resumed, "G_ema");
    assert!(ema > 0.0 && ema < 1e-3, "G_ema moved by {ema}");
    // D: the seed's initial weights after one step in each run (random weights are of order 1).
    let (_, d) = train_util::param_distance(&first, "D", &resumed, "D");
    assert!(d < 0.02, "the new D is not the seed's initial D: {d}");

    // As after NVIDIA's --resume, G_ema has no ramp-up, and continuing that run keeps it so.
    let rampup = |c: &Checkpoint| c.network("training_state").unwrap().init_kwargs["ema_rampup"].clone();
    assert_eq!(rampup(&first), serde_json::json!(0.05));
    assert_eq!(rampup(&resumed), serde_json::Value::Null);
    let mut args = train_args(data_s, out_s, "0.008");
    let resumed_path = resumed.path.to_string_lossy().into_owned();
    args.extend(["--resume", &resumed_path]);
    let o = stylescope(&args);
    assert!(o.status.success(), "{}", text(&o).1);
    let continued = Checkpoint::open(Path::new(&last_snapshot(&text(&o).0))).unwrap();
    assert_eq!(rampup(&continued), serde_json::Value::Null);
    assert_eq!(continued.network("training_state").unwrap().init_kwargs["cur_nimg"], 8);
}

#[test]
fn bad_input_names_the_file() {
    let dir = common::temp_dir("test-cli-bad");
    let missing = dir.join("missing.zip");
    let o = stylescope(&train_args(missing.to_str().unwrap(), dir.to_str().unwrap(), "1"));
    let (_, stderr) = text(&o);
    assert!(!o.status.success());
    assert!(stderr.contains("missing.zip"), "{stderr}");
    let o =
        stylescope(&["train", "--cfg", "stylegan4", "--data", "x", "--outdir", "y", "--batch", "4", "--gamma", "1"]);
    assert!(!o.status.success());
    assert!(text(&o).1.contains("stylegan4"));
}
