//! Records intermediate outputs under their visualizer names and tells the forward when to stop.

use candle_core::Tensor;

use crate::nn::generator::{Capture, SynthesisOutput};
use crate::{Error, Result};

/// What a synthesis forward has recorded so far, per [`Capture`].
#[derive(Debug)]
pub struct Recorder {
    capture: Capture,
    layers: Vec<(String, Tensor)>,
    stopped: Option<Tensor>,
}

impl Recorder {
    pub fn new(capture: &Capture) -> Self {
        Self { capture: capture.clone(), layers: Vec::new(), stopped: None }
    }

    /// Records `t` as `name` (when capturing); `true` when the forward must stop here
    /// ([`Capture::Until`] reached its layer).
    pub fn record(&mut self, name: &str, t: &Tensor) -> bool {
        match &self.capture {
            Capture::Nothing => false,
            Capture::All => {
                self.layers.push((name.to_string(), t.clone()));
                false
            }
            Capture::Until(target) => {
                self.layers.push((name.to_string(), t.clone()));
                if target == name {
                    self.stopped = Some(t.clone());
                    return true;
                }
                false
            }
        }
    }

    /// The output of a completed forward.
    pub fn finish(self, image: Tensor) -> SynthesisOutput {
        SynthesisOutput { image, layers: self.layers }
    }

    /// The output of a forward stopped by [`Recorder::record`]: the image is the stop layer.
    pub fn finish_stopped(self) -> Result<SynthesisOutput> {
        let image =
            self.stopped.ok_or_else(|| Error::Invalid("synthesis stopped without reaching a captured layer".into()))?;
        Ok(SynthesisOutput { image, layers: self.layers })
    }
}
