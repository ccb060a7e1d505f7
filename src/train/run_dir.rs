//! The run directory as NVIDIA's `train.py` lays it out: `<outdir>/NNNNN-<cfg>-<dataset>-…/` with
//! `log.txt`, `training_options.json`, `stats.jsonl`, `reals.png`, `fakes_init.png`,
//! `fakesNNNNNN.png` and `network-snapshot-NNNNNN.safetensors` (kimg, six digits).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Result;
use crate::error::ResultExt;

/// `<outdir>/<next id:05>-<name>`; the id is one more than the largest numeric prefix present.
pub fn create_run_dir(outdir: &Path, name: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(outdir).in_file(outdir)?;
    let mut next = 0u64;
    for e in std::fs::read_dir(outdir).in_file(outdir)?.flatten() {
        let n = e.file_name().to_string_lossy().chars().take_while(char::is_ascii_digit).collect::<String>();
        if let Ok(id) = n.parse::<u64>() {
            next = next.max(id + 1);
        }
    }
    loop {
        let dir = outdir.join(format!("{next:05}-{name}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => next += 1,
            Err(e) => return Err(crate::Error::from(e).in_file(&dir)),
        }
    }
}

/// `network-snapshot-NNNNNN.safetensors` for progress `kimg` (whole kimg, as NVIDIA names them).
pub fn snapshot_name(cur_nimg: u64) -> String {
    format!("network-snapshot-{:06}.safetensors", cur_nimg / 1000)
}

/// `fakesNNNNNN.png`.
pub fn fakes_name(cur_nimg: u64) -> String {
    format!("fakes{:06}.png", cur_nimg / 1000)
}

/// Appends lines to `log.txt` and `stats.jsonl`.
pub struct RunFiles {
    pub dir: PathBuf,
    log: File,
    stats: File,
}

impl RunFiles {
    pub fn open(dir: &Path) -> Result<Self> {
        let open = |name: &str| -> Result<File> {
            let p = dir.join(name);
            OpenOptions::new().create(true).append(true).open(&p).in_file(&p)
        };
        Ok(Self { dir: dir.to_path_buf(), log: open("log.txt")?, stats: open("stats.jsonl")? })
    }

    pub fn log(&mut self, line: &str) -> Result<()> {
        writeln!(self.log, "{line}").in_file(&self.dir.join("log.txt"))
    }

    pub fn stats(&mut self, json_line: &str) -> Result<()> {
        writeln!(self.stats, "{json_line}").in_file(&self.dir.join("stats.jsonl"))?;
        self.stats.flush().in_file(&self.dir.join("stats.jsonl"))
    }
}
