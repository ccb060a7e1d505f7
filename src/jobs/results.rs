//! Result files: one JSON line per metric run appended to `<folder>/metric-<name>.jsonl`, as
//! NVIDIA's `calc_metrics.py` does in a training run's folder (reference §1.5.4). The folder is the
//! network's own by default, or a results folder the user chose.
//!
//! A line is written only once a run has finished, with a single append of the whole line, so a
//! cancelled or failed run leaves nothing behind and concurrent writers do not interleave.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::analysis::metric_result::MetricResult;
use crate::analysis::registry::MetricId;
use crate::error::ResultExt;
use crate::{Error, Result};

/// `<dir>/metric-<name>.jsonl`.
pub fn results_file(dir: &Path, metric: MetricId) -> PathBuf {
    dir.join(format!("metric-{}.jsonl", metric.name()))
}

/// Appends `result` as one line to its file in `dir` (created if missing). Returns the file.
pub fn append_result(dir: &Path, result: &MetricResult) -> Result<PathBuf> {
    let path = results_file(dir, result.metric);
    if !dir.is_dir() {
        return Err(Error::Invalid("the results folder does not exist".into()).in_file(dir));
    }
    let line = format!("{}\n", result.to_json_line());
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path).in_file(&path)?;
    f.write_all(line.as_bytes()).in_file(&path)?;
    Ok(path)
}

/// Every result line in `dir`'s `metric-*.jsonl` files for the metrics stylescope knows, in file
/// order per metric. Lines that do not parse are skipped and reported in the second list
/// (`file:line: problem`).
pub fn read_results(dir: &Path) -> Result<(Vec<MetricResult>, Vec<String>)> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for metric in MetricId::ALL {
        let path = results_file(dir, metric);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::from(e).in_file(&path)),
        };
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match MetricResult::from_json_line(line) {
                Ok(r) => out.push(r),
                Err(e) => problems.push(format!("{}:{}: {e}", path.display(), i + 1)),
            }
        }
    }
    Ok((out, problems))
}

/// The result lines in `dir` that measured `network` (their `snapshot_pkl`, relative to `dir` as
/// NVIDIA's `report_metric` writes it, or absolute, names that file), oldest first, and the lines
/// that did not parse (`file:line: problem`).
pub fn results_for(dir: &Path, network: &Path) -> Result<(Vec<MetricResult>, Vec<String>)> {
    let (all, problems) = read_results(dir)?;
    let target = absolute(network);
    let mut mine: Vec<MetricResult> = all
        .into_iter()
        .filter(|r| r.snapshot_pkl.as_deref().is_some_and(|s| absolute(&dir.join(s)) == target))
        .collect();
    mine.sort_by(|a, b| a.timestamp.total_cmp(&b.timestamp));
    Ok((mine, problems))
}

fn absolute(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    // Lexically drop `.` and resolve `..` (what os.path.relpath does).
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `os.path.relpath(file, dir)`: how a result line names the network (`snapshot_pkl`).
pub fn relative_path(file: &Path, dir: &Path) -> String {
    let (f, d) = (absolute(file), absolute(dir));
    let fc: Vec<Component> = f.components().collect();
    let dc: Vec<Component> = d.components().collect();
    let common = fc.iter().zip(&dc).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return f.display().to_string();
    }
    let mut rel = PathBuf::new();
    for _ in common..dc.len() {
        rel.push("..");
    }
    for c in &fc[common..] {
        rel.push(c);
    }
    rel.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_as_python() {
        assert_eq!(relative_path(Path::new("/a/b/net.pkl"), Path::new("/a/b")), "net.pkl");
        assert_eq!(relative_path(Path::new("/a/b/net.pkl"), Path::new("/a/c/d")), "../../b/net.pkl");
        assert_eq!(relative_path(Path::new("/a/./b/../b/net.pkl"), Path::new("/a/b/")), "net.pkl");
    }
}
