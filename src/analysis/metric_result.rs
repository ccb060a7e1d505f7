//! A metric run's result as NVIDIA's `calc_metrics.py` reports it (reference §1.5.4): one JSON
//! line `{"results": {...}, "metric": name, "total_time": s, "total_time_str": "...",
//! "num_gpus": n, "snapshot_pkl": rel_path, "timestamp": t}`, appended to
//! `metric-<name>.jsonl`.
//!
//! After NVIDIA's keys the line carries one key of ours, `"stylescope"`, with the settings that
//! make the number reproducible (samples, batch size, seed or replayed draw files), so that a
//! short test run is never mistaken for a full one. Readers that look up NVIDIA's keys are
//! unaffected.

use crate::analysis::python_json::{self, PyJson};
use crate::analysis::registry::MetricId;
use crate::{Error, Result};

/// How the run drew its random numbers.
#[derive(Clone, Debug, PartialEq)]
pub enum DrawSource {
    /// Our seeded `RandomState`.
    Seed(u64),
    /// Replayed `.npy` files (as given).
    Replay { z: String, u: String },
}

/// The settings of a run (our `"stylescope"` key).
#[derive(Clone, Debug, PartialEq)]
pub struct RunSettings {
    pub num_samples: usize,
    pub batch_size: usize,
    pub draws: DrawSource,
}

/// One result line.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricResult {
    pub metric: MetricId,
    /// `results`: name → value (for the equivariance metrics `{<metric>: psnr}`).
    pub results: Vec<(String, f64)>,
    /// Seconds.
    pub total_time: f64,
    pub num_gpus: u32,
    /// The network file, relative to the results folder where possible.
    pub snapshot_pkl: Option<String>,
    /// Seconds since the Unix epoch.
    pub timestamp: f64,
    pub settings: Option<RunSettings>,
}

/// `dnnlib.util.format_time`: seconds rounded half to even, then `"5s"`, `"2m 03s"`,
/// `"1h 02m 03s"` or `"2d 03h 04m"`.
pub fn format_time(seconds: f64) -> String {
    let s = seconds.round_ties_even().max(0.0) as u64;
    if s < 60 {
        format!("{s}s")
    } else if s < 60 * 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else if s < 24 * 60 * 60 {
        format!("{}h {:02}m {:02}s", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}d {:02}h {:02}m", s / 86400, (s / 3600) % 24, (s / 60) % 60)
    }
}

impl MetricResult {
    /// The main value (`results[metric]`).
    pub fn value(&self) -> Option<f64> {
        self.results.iter().find(|(k, _)| k == self.metric.name()).map(|(_, v)| *v)
    }

    /// The JSON line (no newline), in NVIDIA's key order and number format.
    pub fn to_json_line(&self) -> String {
        let mut items = vec![
            (
                "results".to_string(),
                PyJson::Object(self.results.iter().map(|(k, v)| (k.clone(), PyJson::Float(*v))).collect()),
            ),
            ("metric".into(), PyJson::Str(self.metric.name().into())),
            ("total_time".into(), PyJson::Float(self.total_time)),
            ("total_time_str".into(), PyJson::Str(format_time(self.total_time))),
            ("num_gpus".into(), PyJson::Int(self.num_gpus as i64)),
            ("snapshot_pkl".into(), self.snapshot_pkl.clone().map_or(PyJson::Null, PyJson::Str)),
            ("timestamp".into(), PyJson::Float(self.timestamp)),
        ];
        if let Some(s) = &self.settings {
            let mut ours = vec![
                ("num_samples".to_string(), PyJson::Int(s.num_samples as i64)),
                ("batch_size".into(), PyJson::Int(s.batch_size as i64)),
            ];
            match &s.draws {
                DrawSource::Seed(seed) => ours.push(("seed".into(), PyJson::Int(*seed as i64))),
                DrawSource::Replay { z, u } => {
                    ours.push(("draws_z".into(), PyJson::Str(z.clone())));
                    ours.push(("draws_u".into(), PyJson::Str(u.clone())));
                }
            }
            items.push(("stylescope".into(), PyJson::Object(ours)));
        }
        PyJson::Object(items).dumps()
    }

    /// Reads a line written by NVIDIA's `calc_metrics.py` or by us. Only the metrics stylescope
    /// knows are accepted.
    pub fn from_json_line(line: &str) -> Result<Self> {
        let v = python_json::parse(line.trim())?;
        let bad = |what: &str| Error::Format(format!("metric result line: {what}"));
        let metric = MetricId::parse(v.get("metric").and_then(PyJson::as_str).ok_or_else(|| bad("no `metric`"))?)?;
        let results = match v.get("results") {
            Some(PyJson::Object(items)) => items
                .iter()
                .map(|(k, x)| x.as_f64().map(|x| (k.clone(), x)).ok_or_else(|| bad("a result is not a number")))
                .collect::<Result<_>>()?,
            _ => return Err(bad("no `results` object")),
        };
        let num = |key: &str| v.get(key).and_then(PyJson::as_f64);
        let settings = v.get("stylescope").and_then(|s| {
            let n = |k: &str| s.get(k).and_then(PyJson::as_f64).map(|x| x as usize);
            let draws = match (
                s.get("seed").and_then(PyJson::as_f64),
                s.get("draws_z").and_then(PyJson::as_str),
                s.get("draws_u").and_then(PyJson::as_str),
            ) {
                (Some(seed), _, _) => DrawSource::Seed(seed as u64),
                (None, Some(z), Some(u)) => DrawSource::Replay { z: z.into(), u: u.into() },
                _ => return None,
            };
            Some(RunSettings { num_samples: n("num_samples")?, batch_size: n("batch_size")?, draws })
        });
        Ok(Self {
            metric,
            results,
            total_time: num("total_time").unwrap_or(f64::NAN),
            num_gpus: num("num_gpus").map_or(1, |n| n as u32),
            snapshot_pkl: v.get("snapshot_pkl").and_then(PyJson::as_str).map(str::to_string),
            timestamp: num("timestamp").unwrap_or(f64::NAN),
            settings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_time_matches_dnnlib() {
        assert_eq!(format_time(0.4), "0s");
        assert_eq!(format_time(2.5), "2s");
        assert_eq!(format_time(59.6), "1m 00s");
        assert_eq!(format_time(123.0), "2m 03s");
        assert_eq!(format_time(3723.0), "1h 02m 03s");
        assert_eq!(format_time(2.0 * 86400.0 + 3.0 * 3600.0 + 4.0 * 60.0 + 5.0), "2d 03h 04m");
    }

    #[test]
    fn lines_have_nvidias_shape_and_read_back() {
        let r = MetricResult {
            metric: MetricId::Eqt50kInt,
            results: vec![("eqt50k_int".into(), 74.92029280607164)],
            total_time: 123.25,
            num_gpus: 1,
            snapshot_pkl: Some("network.pkl".into()),
            timestamp: 1700000000.5,
            settings: Some(RunSettings { num_samples: 64, batch_size: 4, draws: DrawSource::Seed(3) }),
        };
        let line = r.to_json_line();
        assert_eq!(
            line,
            r#"{"results": {"eqt50k_int": 74.92029280607164}, "metric": "eqt50k_int", "total_time": 123.25, "total_time_str": "2m 03s", "num_gpus": 1, "snapshot_pkl": "network.pkl", "timestamp": 1700000000.5, "stylescope": {"num_samples": 64, "batch_size": 4, "seed": 3}}"#
        );
        assert_eq!(MetricResult::from_json_line(&line).unwrap(), r);
        assert_eq!(r.value(), Some(74.92029280607164));
        // A line as calc_metrics.py writes it (no stylescope key).
        let nv = r#"{"results": {"eqr50k": 26.370788941529636}, "metric": "eqr50k", "total_time": 3600.1, "total_time_str": "1h 00m 00s", "num_gpus": 8, "snapshot_pkl": "network-snapshot-000200.pkl", "timestamp": 1633000000.0}"#;
        let back = MetricResult::from_json_line(nv).unwrap();
        assert_eq!(
            (back.metric, back.value(), back.num_gpus, back.settings),
            (MetricId::Eqr50k, Some(26.370788941529636), 8, None)
        );
        assert!(MetricResult::from_json_line(r#"{"results": {}, "metric": "fid50k_full"}"#).is_err());
        assert!(MetricResult::from_json_line("not json").is_err());
    }
}
