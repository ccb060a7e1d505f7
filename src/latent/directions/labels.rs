//! Labels of generated samples for labelled directions: CSV files of `seed,label` lines.
//!
//! A label is `1`/`0` or `1`/`-1` (also `true`/`false`, `positive`/`negative`, `pos`/`neg`,
//! `+`/`-`); blank lines and `#` comments are skipped, and a first line that does not parse is a
//! header. Any other line that does not parse is an error naming the file and the line.

use std::path::Path;

use crate::error::ResultExt;
use crate::{Error, Result};

/// One label: `true` = positive.
fn parse_label(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "+1" | "true" | "positive" | "pos" | "+" => Some(true),
        "0" | "-1" | "false" | "negative" | "neg" | "-" => Some(false),
        _ => None,
    }
}

/// Parses the text of a label file; an error names the (1-based) line.
pub fn parse_labels(text: &str) -> Result<Vec<(u64, bool)>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = line.split_once(',').and_then(|(s, l)| Some((s.trim().parse::<u64>().ok()?, parse_label(l)?)));
        match parsed {
            Some(p) => out.push(p),
            None if i == 0 => {}
            None => {
                return Err(Error::Invalid(format!(
                    "line {}: expected `seed,label` with label 0/1 or -1/1, got `{line}`",
                    i + 1
                )));
            }
        }
    }
    Ok(out)
}

/// Reads a label file; errors name the file (and the line).
pub fn read_labels_csv(path: &Path) -> Result<Vec<(u64, bool)>> {
    let text = std::fs::read_to_string(path).in_file(path)?;
    parse_labels(&text).map_err(|e| e.in_file(path))
}

/// The text of a label file (`seed,label` with a header, label 1 or 0), seeds in the given order.
pub fn labels_csv_text(labels: &[(u64, bool)]) -> String {
    let mut s = String::from("seed,label\n");
    for (seed, l) in labels {
        s.push_str(&format!("{seed},{}\n", u8::from(*l)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_labels_and_names_the_bad_line() {
        let got = parse_labels("seed,label\n3,1\n\n# note\n4,-1\n5, 0\n6,+1\n").unwrap();
        assert_eq!(got, vec![(3, true), (4, false), (5, false), (6, true)]);
        assert_eq!(parse_labels(&labels_csv_text(&got)).unwrap(), got);
        let e = parse_labels("1,1\n2,1\n7,maybe\n").unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("7,maybe"), "{e}");
        let e = read_labels_csv(Path::new("/nonexistent/labels.csv")).unwrap_err().to_string();
        assert!(e.contains("labels.csv"), "{e}");
    }
}
