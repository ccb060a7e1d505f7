//! The fields of the Train… dialog as the user edits them, and the [`TrainOptions`] they stand
//! for. Paths are kept as typed text; numbers as values. No drawing here (see `train_dialog`).

use std::path::PathBuf;

use crate::train::{TrainCfg, TrainOptions};
use crate::{Error, Result};

/// Everything the dialog asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainForm {
    pub cfg: TrainCfg,
    /// Dataset: a zip or folder of square PNGs.
    pub data: String,
    pub outdir: String,
    pub kimg: f64,
    pub batch: usize,
    pub gamma: f64,
    pub cbase: usize,
    pub cmax: usize,
    /// z and w widths (512 in NVIDIA's recipe; small for quick CPU runs).
    pub z_dim: usize,
    pub w_dim: usize,
    /// Mapping depth; 0: the configuration's default (8 for StyleGAN2, 2 for StyleGAN3).
    pub map_depth: usize,
    pub mirror: bool,
    /// Progress every `tick` kimg; snapshots every `snap` ticks.
    pub tick: f64,
    pub snap: usize,
    pub seed: u64,
    /// Empty: a new run.
    pub resume: String,
    /// A live sample grid every this many ticks (0: only at snapshots).
    pub samples_every: u64,
    /// Sample grid, columns × rows (seeds 0, 1, …).
    pub grid: [usize; 2],
}

impl Default for TrainForm {
    /// A small run that a CPU finishes: 64-channel networks, z/w 64, batch 8.
    fn default() -> Self {
        Self {
            cfg: TrainCfg::StyleGan2,
            data: String::new(),
            outdir: "training-runs".into(),
            kimg: 100.0,
            batch: 8,
            gamma: 1.0,
            cbase: 4096,
            cmax: 64,
            z_dim: 64,
            w_dim: 64,
            map_depth: 0,
            mirror: false,
            tick: 1.0,
            snap: 10,
            seed: 0,
            resume: String::new(),
            samples_every: 1,
            grid: [8, 4],
        }
    }
}

/// The three configurations in menu order.
pub const CONFIGS: [TrainCfg; 3] = [TrainCfg::StyleGan2, TrainCfg::StyleGan3T, TrainCfg::StyleGan3R];

fn path(text: &str, what: &str) -> Result<PathBuf> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::Invalid(format!("{what} is empty")));
    }
    Ok(PathBuf::from(t))
}

impl TrainForm {
    /// The run's options; an error names the field that is wrong. The dataset must exist (its
    /// contents are checked when the run opens it, with the file named in the job's error).
    pub fn to_options(&self) -> Result<TrainOptions> {
        let data = path(&self.data, "the dataset")?;
        if !data.exists() {
            return Err(Error::Invalid(format!("the dataset {} does not exist", data.display())));
        }
        let outdir = path(&self.outdir, "the output folder")?;
        let mut o = TrainOptions::new(self.cfg, data, outdir, self.batch, self.gamma);
        o.kimg = self.kimg;
        o.cbase = self.cbase;
        o.cmax = self.cmax;
        o.z_dim = self.z_dim;
        o.w_dim = self.w_dim;
        o.map_depth = (self.map_depth > 0).then_some(self.map_depth);
        o.mirror = self.mirror;
        o.tick = self.tick;
        o.snap = self.snap;
        o.seed = self.seed;
        o.grid = self.grid;
        o.resume = match self.resume.trim() {
            "" => None,
            r => {
                let p = PathBuf::from(r);
                if !p.is_file() {
                    return Err(Error::Invalid(format!("the snapshot to resume from, {}, does not exist", p.display())));
                }
                Some(p)
            }
        };
        o.validate()?;
        Ok(o)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn fields_become_options_and_bad_fields_are_named() {
        let dir = std::env::temp_dir();
        let mut f = TrainForm { data: dir.display().to_string(), outdir: "runs".into(), ..TrainForm::default() };
        f.cfg = TrainCfg::StyleGan3R;
        f.map_depth = 3;
        let o = f.to_options().unwrap();
        assert_eq!((o.cfg, o.batch, o.cbase, o.cmax, o.map_depth, o.resume), (TrainCfg::StyleGan3R, 8, 4096, 64, Some(3), None));
        assert_eq!(o.outdir, PathBuf::from("runs"));

        f.map_depth = 0;
        assert_eq!(f.to_options().unwrap().map_depth, None);
        let e = TrainForm { data: String::new(), ..f.clone() }.to_options().unwrap_err().to_string();
        assert!(e.contains("dataset is empty"), "{e}");
        let e = TrainForm { data: "/no/such/data.zip".into(), ..f.clone() }.to_options().unwrap_err().to_string();
        assert!(e.contains("/no/such/data.zip") && e.contains("does not exist"), "{e}");
        let e = TrainForm { resume: "/no/such.pkl".into(), ..f.clone() }.to_options().unwrap_err().to_string();
        assert!(e.contains("/no/such.pkl"), "{e}");
        let e = TrainForm { batch: 6, ..f.clone() }.to_options().unwrap_err().to_string();
        assert!(e.contains("--batch 6"), "{e}");
    }
}
