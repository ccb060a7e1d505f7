//! Per-tick statistics as NVIDIA's `stats.jsonl` records them: `{"Loss/G/loss": {"num", "mean",
//! "std"}, …, "Progress/kimg": …, "Timing/sec_per_kimg": …, "timestamp": t}` one line per tick.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::train::trainer::StepStats;

/// Running sums of one statistic.
#[derive(Clone, Debug, Default)]
pub struct Moment {
    pub num: u64,
    pub sum: f64,
    pub sum_sq: f64,
}

impl Moment {
    pub fn add(&mut self, v: f64) {
        self.num += 1;
        self.sum += v;
        self.sum_sq += v * v;
    }
    pub fn mean(&self) -> Option<f64> {
        (self.num > 0).then(|| self.sum / self.num as f64)
    }
    fn json(&self) -> Value {
        let mean = self.mean().unwrap_or(0.0);
        let var = if self.num > 0 { (self.sum_sq / self.num as f64 - mean * mean).max(0.0) } else { 0.0 };
        json!({"num": self.num, "mean": mean, "std": var.sqrt()})
    }
}

/// The statistics collected during one tick.
#[derive(Clone, Debug, Default)]
pub struct TickCollector {
    pub values: BTreeMap<&'static str, Moment>,
}

impl TickCollector {
    pub fn add_step(&mut self, s: &StepStats) {
        let mut add = |k: &'static str, v: f64| self.values.entry(k).or_default().add(v);
        add("Loss/G/loss", s.loss_g);
        add("Loss/D/loss", s.loss_d);
        add("Loss/scores/real", s.scores_real);
        add("Loss/scores/fake", s.scores_fake);
        if let Some(v) = s.r1_penalty {
            add("Loss/r1_penalty", v);
        }
        if let Some(v) = s.pl_penalty {
            add("Loss/pl_penalty", v);
        }
    }

    pub fn mean(&self, key: &str) -> Option<f64> {
        self.values.get(key).and_then(Moment::mean)
    }

    /// One `stats.jsonl` line (without the newline), with extra scalar entries.
    pub fn json_line(&self, extra: &[(&str, f64)], timestamp: f64) -> String {
        let mut m = Map::new();
        for (k, v) in &self.values {
            m.insert((*k).to_string(), v.json());
        }
        for (k, v) in extra {
            m.insert((*k).to_string(), json!({"num": 1, "mean": v, "std": 0.0}));
        }
        m.insert("timestamp".into(), json!(timestamp));
        Value::Object(m).to_string()
    }
}
