//! One GPU texture per displayed image, reused frame after frame: a new image of the same size
//! is written into the existing texture (`set_partial` at the origin, which egui-wgpu turns
//! into a `queue.write_texture`); only a size change allocates a new one.

use egui::{ColorImage, TextureFilter, TextureHandle, TextureOptions};

use crate::raster::Raster;

/// A reused texture for a stream of same-size images.
pub struct DisplayTexture {
    name: String,
    handle: Option<TextureHandle>,
    size: [usize; 2],
    options: TextureOptions,
    /// How many times a texture was (re)allocated (full uploads).
    allocations: u64,
    /// How many images were uploaded in total.
    uploads: u64,
}

impl std::fmt::Debug for DisplayTexture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DisplayTexture")
            .field("name", &self.name)
            .field("size", &self.size)
            .field("allocations", &self.allocations)
            .field("uploads", &self.uploads)
            .finish()
    }
}

/// Texture options for pixel-exact (`nearest`) or smooth display.
pub fn texture_options(nearest: bool) -> TextureOptions {
    let filter = if nearest { TextureFilter::Nearest } else { TextureFilter::Linear };
    TextureOptions { magnification: filter, minification: TextureFilter::Linear, ..TextureOptions::LINEAR }
}

/// The raster as an egui image.
pub fn color_image(raster: &Raster) -> ColorImage {
    ColorImage::from_rgba_unmultiplied([raster.width, raster.height], &raster.to_rgba())
}

impl DisplayTexture {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            handle: None,
            size: [0, 0],
            options: texture_options(true),
            allocations: 0,
            uploads: 0,
        }
    }

    /// Uploads `raster`, reusing the texture when the size is unchanged.
    pub fn upload(&mut self, ctx: &egui::Context, raster: &Raster, nearest: bool) {
        let image = color_image(raster);
        let size = [raster.width, raster.height];
        let options = texture_options(nearest);
        self.uploads += 1;
        match &mut self.handle {
            Some(handle) if self.size == size => handle.set_partial([0, 0], image, options),
            Some(handle) => {
                handle.set(image, options);
                self.allocations += 1;
            }
            None => {
                self.handle = Some(ctx.load_texture(self.name.clone(), image, options));
                self.allocations += 1;
            }
        }
        self.size = size;
        self.options = options;
    }

    /// Switches between nearest and linear magnification without re-uploading the pixels
    /// when possible (egui needs the image again; the texture itself is kept).
    pub fn set_filter(&mut self, raster: Option<&Raster>, ctx: &egui::Context, nearest: bool) {
        if self.options != texture_options(nearest)
            && let Some(r) = raster
        {
            self.upload(ctx, r, nearest);
        }
    }

    /// Drops the texture (e.g. when the view closes its network).
    pub fn clear(&mut self) {
        self.handle = None;
        self.size = [0, 0];
    }

    pub fn id(&self) -> Option<egui::TextureId> {
        self.handle.as_ref().map(TextureHandle::id)
    }

    /// `[width, height]` of the current image, `[0, 0]` when empty.
    pub fn size(&self) -> [usize; 2] {
        self.size
    }

    pub fn allocations(&self) -> u64 {
        self.allocations
    }

    pub fn uploads(&self) -> u64 {
        self.uploads
    }
}
