//! What a texture-sticking job returns: labelled pictures for the window or the command line
//! (no GUI types), the animation frames it rendered, and the numbers it measured.

use crate::analysis::sticking::avg_spectra::AverageSpectrum;
use crate::analysis::sticking::spectrum::Spectrum;
use crate::raster::Raster;

/// One labelled picture of a view.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    pub label: String,
    pub image: Raster,
}

/// An intermediate output of the synthesis network (the layer inspector's list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerInfo {
    pub name: String,
    pub channels: usize,
    pub height: usize,
    pub width: usize,
}

/// The result of one view on one network.
#[derive(Clone, Debug, Default)]
pub struct StickingOutcome {
    /// The network's file name and family (`network.pkl (StyleGAN3)`).
    pub network: String,
    pub panels: Vec<Panel>,
    /// Measured numbers, one per line (`slope 0.5004 px/frame`, `PSNR 79.5 dB`, statistics …).
    pub notes: Vec<String>,
    /// The animation the view was cut from (time–space slices), for GIF/MP4 export.
    pub frames: Vec<Raster>,
    /// The layer list (layer inspector).
    pub layers: Vec<LayerInfo>,
    /// The average spectrum (average-spectra view), for plots that overlay networks.
    pub spectrum: Option<AverageSpectrum>,
    /// The layer inspector's FFT view in dB, its colour range and the index of its panel (for
    /// colouring on the GPU).
    pub fft: Option<(Spectrum, f64, usize)>,
}

impl crate::jobs::job::JobOutput for StickingOutcome {
    fn summary(&self) -> String {
        match self.notes.first() {
            Some(n) => format!("{}: {n}", self.network),
            None => self.network.clone(),
        }
    }
}
