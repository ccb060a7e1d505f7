//! The metric registry (`metrics/metric_main.py`, reference §1.6.1): a metric's name carries its
//! protocol (`eqt50k_frac` = EQ-T_frac over 50,000 samples), and its results are reported under
//! that name (`metric-<name>.jsonl`).

use crate::analysis::equivariance::EqKind;
use crate::{Error, Result};

/// A registered metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum MetricId {
    /// `eqt50k_int`: EQ-T, integer translation, 50,000 samples.
    #[serde(rename = "eqt50k_int")]
    Eqt50kInt,
    /// `eqt50k_frac`: EQ-T_frac, fractional (Lanczos-3) translation, 50,000 samples.
    #[serde(rename = "eqt50k_frac")]
    Eqt50kFrac,
    /// `eqr50k`: EQ-R, rotation, 50,000 samples.
    #[serde(rename = "eqr50k")]
    Eqr50k,
}

impl MetricId {
    /// Every registered metric, in the order NVIDIA's registry lists them.
    pub const ALL: [MetricId; 3] = [MetricId::Eqt50kInt, MetricId::Eqt50kFrac, MetricId::Eqr50k];

    /// The registered name (`eqt50k_int`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Eqt50kInt => "eqt50k_int",
            Self::Eqt50kFrac => "eqt50k_frac",
            Self::Eqr50k => "eqr50k",
        }
    }

    /// The short label used in papers and tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::Eqt50kInt => "EQ-T",
            Self::Eqt50kFrac => "EQ-T_frac",
            Self::Eqr50k => "EQ-R",
        }
    }

    /// One line for menus and `--help`.
    pub fn description(self) -> &'static str {
        match self {
            Self::Eqt50kInt => "EQ-T: PSNR of integer translation equivariance (dB), 50,000 samples",
            Self::Eqt50kFrac => "EQ-T_frac: PSNR of fractional translation equivariance (dB), 50,000 samples",
            Self::Eqr50k => "EQ-R: PSNR of rotation equivariance (dB), 50,000 samples",
        }
    }

    /// The number of samples the name promises.
    pub fn default_num_samples(self) -> usize {
        50_000
    }

    /// Whether the metric needs StyleGAN3's input transform (all equivariance metrics do).
    pub fn needs_input_transform(self) -> bool {
        true
    }

    /// The equivariance measured.
    pub fn eq_kind(self) -> EqKind {
        match self {
            Self::Eqt50kInt => EqKind::IntegerTranslation,
            Self::Eqt50kFrac => EqKind::FractionalTranslation,
            Self::Eqr50k => EqKind::Rotation,
        }
    }

    /// The metric with the registered name `name`.
    pub fn parse(name: &str) -> Result<Self> {
        let name = name.trim();
        Self::ALL.into_iter().find(|m| m.name() == name).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|m| m.name()).collect();
            Error::Invalid(format!("unknown metric `{name}` (known: {})", known.join(", ")))
        })
    }

    /// A comma-separated list of names (`eqt50k_int,eqr50k`); duplicates are an error.
    pub fn parse_list(list: &str) -> Result<Vec<Self>> {
        let mut out: Vec<Self> = Vec::new();
        for part in list.split(',').filter(|p| !p.trim().is_empty()) {
            let m = Self::parse(part)?;
            if out.contains(&m) {
                return Err(Error::Invalid(format!("metric `{}` is listed twice", m.name())));
            }
            out.push(m);
        }
        if out.is_empty() {
            return Err(Error::Invalid("no metric given".into()));
        }
        Ok(out)
    }
}

impl std::fmt::Display for MetricId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for MetricId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_round_trip() {
        for m in MetricId::ALL {
            assert_eq!(MetricId::parse(m.name()).unwrap(), m);
            assert_eq!(serde_json::to_string(&m).unwrap(), format!("\"{}\"", m.name()));
        }
        assert_eq!(MetricId::parse_list("eqr50k, eqt50k_int").unwrap(), vec![MetricId::Eqr50k, MetricId::Eqt50kInt]);
        let e = MetricId::parse_list("eqt50k_int,fid50k_full").unwrap_err().to_string();
        assert!(e.contains("unknown metric `fid50k_full`") && e.contains("eqt50k_frac"), "{e}");
        assert!(MetricId::parse_list("eqr50k,eqr50k").unwrap_err().to_string().contains("twice"));
        assert!(MetricId::parse_list(" , ").is_err());
    }
}
