//! Showing an image in a pane: centred, zoom to fit (integer magnification when ≥ 1, as the
//! visualizer), wheel zoom about the cursor, pan with the right or middle button, double-click to
//! fit again, and the image pixel under the cursor.

use egui::{Color32, PointerButton, Pos2, Rect, Sense, Vec2, pos2, vec2};

use crate::gui::texture::DisplayTexture;

/// Zoom and pan, shared by every pane so that compared images stay aligned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Zoom {
    /// Fit each image to its pane.
    pub fit: bool,
    /// Screen points per image pixel (when not fitting).
    pub scale: f32,
    /// The image point (0..1 in each axis) shown at the centre of the pane.
    pub center: Vec2,
}

impl Default for Zoom {
    fn default() -> Self {
        Self { fit: true, scale: 1.0, center: vec2(0.5, 0.5) }
    }
}

/// The visualizer's fit zoom: the largest that fits, floored to an integer when ≥ 1.
pub fn fit_scale(area: Vec2, image: [usize; 2]) -> f32 {
    if image[0] == 0 || image[1] == 0 {
        return 1.0;
    }
    let z = (area.x / image[0] as f32).min(area.y / image[1] as f32);
    if z >= 1.0 { z.floor() } else { z.max(1e-3) }
}

impl Zoom {
    /// Screen points per image pixel for an image of `image` size in `area`.
    pub fn scale_for(&self, area: Rect, image: [usize; 2]) -> f32 {
        if self.fit { fit_scale(area.size(), image) } else { self.scale }
    }

    /// Where the image is drawn.
    pub fn image_rect(&self, area: Rect, image: [usize; 2]) -> Rect {
        let s = self.scale_for(area, image);
        let size = vec2(image[0] as f32 * s, image[1] as f32 * s);
        let center = if self.fit { vec2(0.5, 0.5) } else { self.center };
        let min = area.center() - vec2(center.x * size.x, center.y * size.y);
        // Whole screen points, so that integer magnification stays pixel-exact.
        Rect::from_min_size(pos2(min.x.round(), min.y.round()), size)
    }

    /// Zooms by `factor` keeping the image point under `cursor` in place.
    pub fn zoom_about(&mut self, area: Rect, image: [usize; 2], cursor: Pos2, factor: f32) {
        let rect = self.image_rect(area, image);
        let s = self.scale_for(area, image);
        let u =
            vec2((cursor.x - rect.min.x) / rect.width().max(1e-6), (cursor.y - rect.min.y) / rect.height().max(1e-6));
        let new_s = (s * factor).clamp(0.05, 256.0);
        let size = vec2(image[0] as f32 * new_s, image[1] as f32 * new_s);
        let off = cursor - area.center();
        self.fit = false;
        self.scale = new_s;
        self.center = vec2(u.x - off.x / size.x.max(1e-6), u.y - off.y / size.y.max(1e-6));
    }

    /// Pans by a screen delta.
    pub fn pan(&mut self, area: Rect, image: [usize; 2], delta: Vec2) {
        if self.fit {
            self.scale = fit_scale(area.size(), image);
            self.center = vec2(0.5, 0.5);
            self.fit = false;
        }
        let size = vec2(image[0] as f32 * self.scale, image[1] as f32 * self.scale);
        self.center -= vec2(delta.x / size.x.max(1e-6), delta.y / size.y.max(1e-6));
    }

    /// The image pixel under a screen position, if any.
    pub fn pixel_at(&self, area: Rect, image: [usize; 2], pos: Pos2) -> Option<(usize, usize)> {
        let rect = self.image_rect(area, image);
        if !rect.contains(pos) || !area.contains(pos) {
            return None;
        }
        let s = self.scale_for(area, image);
        let x = ((pos.x - rect.min.x) / s).floor();
        let y = ((pos.y - rect.min.y) / s).floor();
        (x >= 0.0 && y >= 0.0 && (x as usize) < image[0] && (y as usize) < image[1]).then_some((x as usize, y as usize))
    }
}

/// Vertical mouse-wheel movement this frame, in points.
fn wheel_points(i: &egui::InputState) -> f32 {
    i.events
        .iter()
        .map(|e| match e {
            egui::Event::MouseWheel { unit, delta, modifiers, .. } if !modifiers.command => match unit {
                egui::MouseWheelUnit::Point => delta.y,
                egui::MouseWheelUnit::Line => delta.y * 40.0,
                egui::MouseWheelUnit::Page => delta.y * 400.0,
            },
            _ => 0.0,
        })
        .sum()
}

/// What happened in a pane this frame.
#[derive(Debug)]
pub struct PaneOutput {
    pub response: egui::Response,
    /// The image pixel under the cursor.
    pub hover_pixel: Option<(usize, usize)>,
    /// Left-button drag this frame (drives the seed plane, as in the visualizer).
    pub primary_drag: Vec2,
}

/// Shows `texture` in `area` with the shared `zoom`; handles wheel zoom, pan and double-click.
pub fn show_image(
    ui: &mut egui::Ui,
    id: egui::Id,
    area: Rect,
    texture: &DisplayTexture,
    zoom: &mut Zoom,
) -> PaneOutput {
    let response = ui.interact(area, id, Sense::click_and_drag());
    let painter = ui.painter_at(area);
    painter.rect_filled(area, 0.0, Color32::from_gray(16));
    let size = texture.size();
    let mut hover_pixel = None;
    let mut primary_drag = Vec2::ZERO;
    if let Some(tex) = texture.id()
        && size[0] > 0
    {
        if response.hovered() {
            // Raw wheel events (not egui's smoothed scrolling), so that a zoom ends with the wheel.
            let (scroll, pinch) = ui.input(|i| (wheel_points(i), i.zoom_delta()));
            let factor = (scroll / 200.0).exp() * pinch;
            if (factor - 1.0).abs() > 1e-4
                && let Some(cursor) = response.hover_pos()
            {
                zoom.zoom_about(area, size, cursor, factor);
            }
        }
        if response.dragged_by(PointerButton::Secondary) || response.dragged_by(PointerButton::Middle) {
            zoom.pan(area, size, response.drag_delta());
        }
        if response.dragged_by(PointerButton::Primary) {
            primary_drag = response.drag_delta();
        }
        if response.double_clicked() {
            *zoom = Zoom::default();
        }
        let rect = zoom.image_rect(area, size);
        painter.image(tex, rect, Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)), Color32::WHITE);
        if let Some(pos) = response.hover_pos() {
            hover_pixel = zoom.pixel_at(area, size, pos);
        }
    }
    PaneOutput { response, hover_pixel, primary_drag }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn fit_uses_integer_magnification_when_enlarging() {
        assert_eq!(fit_scale(vec2(500.0, 300.0), [64, 64]), 4.0);
        assert_eq!(fit_scale(vec2(500.0, 300.0), [1024, 1024]), 300.0 / 1024.0);
        let z = Zoom::default();
        let area = Rect::from_min_size(pos2(10.0, 20.0), vec2(500.0, 300.0));
        let r = z.image_rect(area, [64, 64]);
        assert_eq!(r.size(), vec2(256.0, 256.0));
        assert_eq!(r.center(), area.center());
    }

    #[test]
    fn pixel_readout_maps_screen_to_image_pixels() {
        let z = Zoom::default();
        let area = Rect::from_min_size(pos2(0.0, 0.0), vec2(256.0, 256.0));
        assert_eq!(z.pixel_at(area, [64, 64], pos2(0.5, 0.5)), Some((0, 0)));
        assert_eq!(z.pixel_at(area, [64, 64], pos2(255.5, 4.5)), Some((63, 1)));
        assert_eq!(z.pixel_at(area, [32, 32], pos2(1.0, 1.0)), Some((0, 0)));
        let area = Rect::from_min_size(pos2(0.0, 0.0), vec2(300.0, 256.0));
        assert_eq!(z.pixel_at(area, [64, 64], pos2(5.0, 5.0)), None); // left margin
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let mut z = Zoom::default();
        let area = Rect::from_min_size(pos2(0.0, 0.0), vec2(256.0, 256.0));
        let cursor = pos2(40.0, 200.0);
        let before = z.pixel_at(area, [64, 64], cursor);
        z.zoom_about(area, [64, 64], cursor, 2.0);
        assert!(!z.fit);
        assert_eq!(z.scale, 8.0);
        assert_eq!(z.pixel_at(area, [64, 64], cursor), before);
        z.pan(area, [64, 64], vec2(16.0, 0.0));
        let after = z.pixel_at(area, [64, 64], cursor).unwrap();
        assert_eq!(after.0 + 2, before.unwrap().0);
    }
}
