//! A named intermediate output (visualizer names: `b8.conv0`, `b8:1`, `L3_52_512`, `output`).

/// Where a layer's output lives right after the step that produced it.
#[derive(Clone, Debug)]
pub(crate) struct LayerSlot {
    pub name: String,
    pub buffer: wgpu::Buffer,
    /// `[channels, height, width]`
    pub shape: [usize; 3],
    /// Index of the step after which the buffer holds this output (later steps may reuse it).
    pub after_step: usize,
}

impl LayerSlot {
    pub(crate) fn len(&self) -> usize {
        self.shape.iter().product()
    }
}
