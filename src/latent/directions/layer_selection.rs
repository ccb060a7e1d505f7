//! Which style affines SeFa factorises: ToRGB and the StyleGAN3 input in or out, and an optional
//! range of W+ rows (the "layers to interpret" presets of SeFa's interface).

use crate::latent::directions::affine_layer::{AffineKind, AffineLayer};
use crate::{Error, Result};

/// Named W+ row ranges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerPreset {
    /// Every row.
    #[default]
    All,
    /// The first quarter of the rows (pose, shape).
    Coarse,
    /// The second quarter.
    Middle,
    /// The second half (colour, texture).
    Fine,
}

impl LayerPreset {
    pub const ALL: [LayerPreset; 4] = [Self::All, Self::Coarse, Self::Middle, Self::Fine];

    /// The inclusive W+ row range for a network with `num_ws` rows. `first` is the first row a
    /// direction may touch (1 for StyleGAN3, whose row 0 drives only the input transform).
    pub fn rows(self, num_ws: usize, first: usize) -> (usize, usize) {
        let n = num_ws.saturating_sub(first).max(1);
        let last = num_ws.saturating_sub(1);
        let q = n.div_ceil(4);
        let (a, b) = match self {
            Self::All => (0, n),
            Self::Coarse => (0, q),
            Self::Middle => (q, (2 * q).min(n)),
            Self::Fine => ((2 * q).min(n - 1), n),
        };
        ((first + a).min(last), (first + b.max(a + 1) - 1).min(last))
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Coarse => "coarse",
            Self::Middle => "middle",
            Self::Fine => "fine",
        }
    }
}

impl std::str::FromStr for LayerPreset {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| Error::Invalid(format!("unknown layer preset `{s}` (all, coarse, middle or fine)")))
    }
}

/// The selection of affines to stack.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LayerSelection {
    /// Include the ToRGB affines (off by default, as in rosinality's and the default).
    pub include_torgb: bool,
    /// StyleGAN3: include `synthesis.input.affine` (off by default).
    pub include_input: bool,
    /// Only layers reading these W+ rows (inclusive); `None` = all rows.
    pub rows: Option<(usize, usize)>,
}

impl LayerSelection {
    /// Whether `layer` is selected.
    pub fn selects(&self, layer: &AffineLayer) -> bool {
        let kind_ok = match layer.kind {
            AffineKind::Conv => true,
            AffineKind::ToRgb => self.include_torgb,
            AffineKind::Input => self.include_input,
        };
        let row_ok = self.rows.is_none_or(|(a, b)| (a..=b).contains(&layer.w_index));
        kind_ok && row_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_cover_the_rows() {
        // StyleGAN2 with 10 ws: all 0-9, coarse 0-2, middle 3-5, fine 6-9.
        assert_eq!(LayerPreset::All.rows(10, 0), (0, 9));
        assert_eq!(LayerPreset::Coarse.rows(10, 0), (0, 2));
        assert_eq!(LayerPreset::Middle.rows(10, 0), (3, 5));
        assert_eq!(LayerPreset::Fine.rows(10, 0), (6, 9));
        // StyleGAN3 with 16 ws: row 0 is never touched.
        assert_eq!(LayerPreset::All.rows(16, 1), (1, 15));
        assert_eq!(LayerPreset::Coarse.rows(16, 1), (1, 4));
        assert_eq!(LayerPreset::Fine.rows(16, 1), (9, 15));
        assert_eq!("fine".parse::<LayerPreset>().unwrap(), LayerPreset::Fine);
        assert!("huge".parse::<LayerPreset>().is_err());
    }
}
