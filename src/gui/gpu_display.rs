//! Showing the GPU engine's frames without a read-back: the engine's output texture
//! ([`GpuFrame`]) is registered once with eframe's egui-wgpu renderer, and every later frame of
//! the same engine is already in it. A new engine (another network) re-points the same id at its
//! texture; a change of magnification filter re-creates the sampler.

use egui::TextureId;

use crate::gpu::compute::GpuFrame;

/// One view's registration of GPU frames with the renderer.
pub struct GpuDisplay {
    render_state: egui_wgpu::RenderState,
    /// The registered id, the frame key it points at, and whether it samples nearest.
    registered: Option<(TextureId, u64, bool)>,
}

impl std::fmt::Debug for GpuDisplay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuDisplay").field("registered", &self.registered).finish_non_exhaustive()
    }
}

impl GpuDisplay {
    pub fn new(render_state: egui_wgpu::RenderState) -> Self {
        Self { render_state, registered: None }
    }

    /// The texture id that shows `frame` (registering or re-pointing it as needed).
    pub fn show(&mut self, frame: &GpuFrame, nearest: bool) -> TextureId {
        let filter = if nearest { wgpu::FilterMode::Nearest } else { wgpu::FilterMode::Linear };
        let device = &self.render_state.device;
        match self.registered {
            Some((id, key, n)) if key == frame.key && n == nearest => id,
            Some((id, _, _)) => {
                self.render_state.renderer.write().update_egui_texture_from_wgpu_texture(
                    device,
                    &frame.view,
                    filter,
                    id,
                );
                self.registered = Some((id, frame.key, nearest));
                id
            }
            None => {
                let id = self.render_state.renderer.write().register_native_texture(device, &frame.view, filter);
                self.registered = Some((id, frame.key, nearest));
                id
            }
        }
    }

    /// The id shown now, if any.
    pub fn id(&self) -> Option<TextureId> {
        self.registered.map(|(id, _, _)| id)
    }

    /// Frees the registration (the texture itself belongs to the engine).
    pub fn release(&mut self) {
        if let Some((id, _, _)) = self.registered.take() {
            self.render_state.renderer.write().free_texture(&id);
        }
    }

    /// Whether `frame` lives on the device this window draws with (else it cannot be shown
    /// directly).
    pub fn same_device(&self, frame: &GpuFrame) -> bool {
        frame.context().device() == &self.render_state.device
    }
}

impl Drop for GpuDisplay {
    fn drop(&mut self) {
        self.release();
    }
}
