//! `stylescope metrics` end to end: JSON lines on stdout and in the results folder, replay of the
//! fixtures' recorded draws, clear refusals (StyleGAN2, unknown metric, replay of several
//! metrics), and Ctrl-C stopping a run without a line or a file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use stylescope::analysis::equivariance::psnr_from_sums;
use stylescope::analysis::metric_result::MetricResult;

fn stylescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stylescope")).args(args).output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("equivariance_cli_{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn metrics_print_json_lines_and_append_them() {
    let dir = require_fixture!("sg3t_64");
    let out = scratch("lines");
    let net = dir.join("network.pkl");
    let args = [
        "metrics",
        "--network",
        net.to_str().unwrap(),
        "--metrics",
        "eqt50k_frac,eqt50k_int",
        "--num-samples",
        "4",
        "--seed",
        "3",
        "--results-dir",
        out.to_str().unwrap(),
    ];
    let o = stylescope(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let r: Vec<MetricResult> = lines.iter().map(|l| MetricResult::from_json_line(l).unwrap()).collect();
    assert_eq!((r[0].metric.name(), r[1].metric.name()), ("eqt50k_frac", "eqt50k_int"));
    assert!(lines[0].starts_with(r#"{"results": {"eqt50k_frac": "#), "{}", lines[0]);
    for (m, line) in [("eqt50k_frac", lines[0]), ("eqt50k_int", lines[1])] {
        let file = std::fs::read_to_string(out.join(format!("metric-{m}.jsonl"))).unwrap();
        assert_eq!(file, format!("{line}\n"));
    }
    // Same seed, same numbers.
    let again = stylescope(
        &[&args[..], &["--no-save"]]
            .concat()
            .iter()
            .filter(|a| !a.contains("results-dir") && **a != out.to_str().unwrap())
            .copied()
            .collect::<Vec<_>>(),
    );
    assert!(again.status.success(), "{}", text(&again.stderr));
    let r2: Vec<MetricResult> = text(&again.stdout).lines().map(|l| MetricResult::from_json_line(l).unwrap()).collect();
    assert_eq!(r2.iter().map(|r| r.value()).collect::<Vec<_>>(), r.iter().map(|r| r.value()).collect::<Vec<_>>());
}

#[test]
fn replay_reproduces_the_recorded_batch_from_the_command_line() {
    let dir = require_fixture!("sg3r_64");
    let (z, u) = (dir.join("eq_eqr_z.npy"), dir.join("eq_eqr_u.npy"));
    let net = dir.join("network.pkl");
    let o = stylescope(&[
        "metrics",
        "--network",
        net.to_str().unwrap(),
        "--metrics",
        "eqr50k",
        "--num-samples",
        "4",
        "--no-save",
        "--draws-z",
        z.to_str().unwrap(),
        "--draws-u",
        u.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r = MetricResult::from_json_line(text(&o.stdout).trim()).unwrap();
    let (sums, _) = common::read_npy_f64(&dir.join("eq_eqr_sums.npy"));
    let want = psnr_from_sums(&[[sums[0], sums[1]]]);
    assert!((r.value().unwrap() - want).abs() < 0.01, "{:?} vs {want}", r.value());
    // Several metrics cannot share one run's draws.
    let o = stylescope(&[
        "metrics",
        "--network",
        net.to_str().unwrap(),
        "--metrics",
        "eqr50k,eqt50k_int",
        "--draws-z",
        z.to_str().unwrap(),
        "--draws-u",
        u.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("exactly one metric"), "{}", text(&o.stderr));
}

#[test]
fn refusals_are_clear() {
    let sg2 = require_fixture!("sg2_64").join("network.pkl");
    let o = stylescope(&["metrics", "--network", sg2.to_str().unwrap(), "--metrics", "eqt50k_int", "--no-save"]);
    assert!(!o.status.success());
    let e = text(&o.stderr);
    assert!(e.contains("need a StyleGAN3 input transform") && e.contains("StyleGAN2"), "{e}");
    assert!(o.stdout.is_empty());
    let o = stylescope(&["metrics", "--network", sg2.to_str().unwrap(), "--metrics", "fid50k_full"]);
    assert!(text(&o.stderr).contains("unknown metric `fid50k_full`"), "{}", text(&o.stderr));
}

#[test]
fn ctrl_c_stops_the_run_without_a_line_or_a_file() {
    ctrl_c_case("ctrl_c", false);
}

/// A process started in the background of a script inherits SIGINT ignored; `kill -INT` must
/// still cancel it cleanly (this once made CI hang: the handler was refused and the signal
/// ignored).
#[test]
fn ctrl_c_works_when_sigint_was_inherited_ignored() {
    ctrl_c_case("ctrl_c_ignored", true);
}

fn ctrl_c_case(name: &str, inherit_ignored: bool) {
    let dir = require_fixture!("sg3t_64");
    let out = scratch(name);
    let net = dir.join("network.pkl");
    let exe = env!("CARGO_BIN_EXE_stylescope");
    let mut command = if inherit_ignored {
        // `trap '' INT` sets SIGINT to ignored; `exec` keeps the pid and the disposition.
        let mut c = Command::new("sh");
        c.args(["-c", "trap '' INT; exec \"$0\" \"$@\"", exe]);
        c
    } else {
        Command::new(exe)
    };
    let mut child = command
        .args([
            "metrics",
            "--network",
            net.to_str().unwrap(),
            "--metrics",
            "eqt50k_int",
            "--results-dir",
            out.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The run logs its settings once it has started.
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("eqt50k_int: 50000 samples"), "{line}");
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    // Read the rest of stderr on a thread, so that a hung child still tells what it was doing.
    let rest = std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut rest);
        rest
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Ctrl-C was not noticed within 120 s; the child's stderr:\n{}", rest.join().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let rest = rest.join().unwrap();
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    assert!(!status.success());
    assert!(rest.contains("cancelled"), "{rest}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}
