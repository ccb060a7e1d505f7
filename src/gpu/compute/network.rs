//! A network compiled to a list of dispatches over persistent GPU buffers.

use crate::gpu::compute::layer_slot::LayerSlot;
use crate::gpu::compute::step::Step;

/// Steps in execution order and the named outputs they produce.
#[derive(Debug)]
pub(crate) struct Network {
    pub steps: Vec<Step>,
    /// Named outputs in forward order; the last one is `output`.
    pub layers: Vec<LayerSlot>,
    pub weight_bytes: u64,
    pub activation_bytes: u64,
}

impl Network {
    pub(crate) fn layer(&self, name: &str) -> Option<&LayerSlot> {
        self.layers.iter().find(|l| l.name == name)
    }

    /// The final image.
    pub(crate) fn output(&self) -> Option<&LayerSlot> {
        self.layers.last()
    }

    /// Records steps `0..=last` into `encoder`; after each step in `copies` (step index, source,
    /// destination, bytes) the copy is recorded (outside any compute pass).
    pub(crate) fn record(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        last: usize,
        copies: &[(usize, wgpu::Buffer, wgpu::Buffer, u64)],
    ) {
        let mut start = 0;
        while start <= last && start < self.steps.len() {
            let mut end = last.min(self.steps.len() - 1);
            if let Some(&(s, ..)) = copies.iter().filter(|c| c.0 >= start && c.0 <= end).min_by_key(|c| c.0) {
                end = s;
            }
            {
                let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("synthesis"),
                    timestamp_writes: None,
                });
                for step in &self.steps[start..=end] {
                    step.record(&mut pass);
                }
            }
            for (_, src, dst, bytes) in copies.iter().filter(|c| c.0 == end) {
                encoder.copy_buffer_to_buffer(src, 0, dst, 0, *bytes);
            }
            start = end + 1;
        }
    }
}
