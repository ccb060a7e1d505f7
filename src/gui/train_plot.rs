//! A small line plot drawn with egui's painter (no plotting dependency): several series over a
//! shared x axis (kimg), the y range fitted to the finite values, the range written at the left
//! edge and a legend on top.

use egui::{Color32, Pos2, Rect, Sense, Stroke, Vec2, pos2};

/// One curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: &'static str,
    pub color: Color32,
    /// `(x, y)` points in x order; non-finite values are left out.
    pub points: Vec<[f64; 2]>,
}

/// The range of the finite values of all series, `([x0, x1], [y0, y1])`, widened where flat.
pub fn bounds(series: &[Series]) -> Option<([f64; 2], [f64; 2])> {
    let finite = series.iter().flat_map(|s| s.points.iter()).filter(|p| p[0].is_finite() && p[1].is_finite());
    let mut b: Option<([f64; 2], [f64; 2])> = None;
    for p in finite {
        let (x, y) = b.get_or_insert(([p[0], p[0]], [p[1], p[1]]));
        *x = [x[0].min(p[0]), x[1].max(p[0])];
        *y = [y[0].min(p[1]), y[1].max(p[1])];
    }
    b.map(|(mut x, mut y)| {
        if x[1] - x[0] < 1e-12 {
            x = [x[0] - 0.5, x[1] + 0.5];
        }
        if y[1] - y[0] < 1e-12 {
            let pad = (y[0].abs() * 0.1).max(1e-6);
            y = [y[0] - pad, y[1] + pad];
        }
        (x, y)
    })
}

/// Screen position of `p` in `rect` for the given bounds (y up).
fn to_screen(rect: Rect, x: [f64; 2], y: [f64; 2], p: [f64; 2]) -> Pos2 {
    let fx = ((p[0] - x[0]) / (x[1] - x[0])) as f32;
    let fy = ((p[1] - y[0]) / (y[1] - y[0])) as f32;
    pos2(rect.left() + fx * rect.width(), rect.bottom() - fy * rect.height())
}

/// Draws `series` in a `size` area under `title`. Returns the number of line segments drawn
/// (tests check that curves appear).
pub fn plot(ui: &mut egui::Ui, title: &str, series: &[Series], size: Vec2) -> usize {
    ui.horizontal(|ui| {
        ui.strong(title);
        for s in series {
            ui.colored_label(s.color, format!("— {}", s.name));
        }
    });
    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 2.0, visuals.extreme_bg_color);
    painter.rect_stroke(rect, 2.0, visuals.widgets.noninteractive.bg_stroke, egui::StrokeKind::Inside);
    let Some((x, y)) = bounds(series) else {
        painter.text(rect.center(), egui::Align2::CENTER_CENTER, "waiting for the first tick", egui::FontId::proportional(12.0), visuals.weak_text_color());
        return 0;
    };
    let inner = rect.shrink(6.0);
    if y[0] < 0.0 && y[1] > 0.0 {
        let a = to_screen(inner, x, y, [x[0], 0.0]);
        let b = to_screen(inner, x, y, [x[1], 0.0]);
        painter.line_segment([a, b], Stroke::new(1.0, visuals.weak_text_color().gamma_multiply(0.5)));
    }
    let mut segments = 0;
    for s in series {
        let pts: Vec<Pos2> = s.points.iter().filter(|p| p[0].is_finite() && p[1].is_finite()).map(|&p| to_screen(inner, x, y, p)).collect();
        match pts.len() {
            0 => {}
            1 => {
                painter.circle_filled(pts[0], 2.5, s.color);
            }
            n => {
                segments += n - 1;
                painter.add(egui::Shape::line(pts, Stroke::new(1.5, s.color)));
            }
        }
    }
    let font = egui::FontId::monospace(10.0);
    let weak = visuals.weak_text_color();
    painter.text(rect.left_top() + Vec2::new(3.0, 2.0), egui::Align2::LEFT_TOP, format!("{:.3}", y[1]), font.clone(), weak);
    painter.text(rect.left_bottom() + Vec2::new(3.0, -2.0), egui::Align2::LEFT_BOTTOM, format!("{:.3}", y[0]), font.clone(), weak);
    painter.text(rect.right_bottom() + Vec2::new(-3.0, -2.0), egui::Align2::RIGHT_BOTTOM, format!("{:.3} kimg", x[1]), font, weak);
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_skip_non_finite_values_and_widen_flat_ranges() {
        let s = |points: Vec<[f64; 2]>| Series { name: "s", color: Color32::RED, points };
        assert_eq!(bounds(&[]), None);
        assert_eq!(bounds(&[s(vec![[0.0, f64::NAN]])]), None);
        let b = bounds(&[s(vec![[0.0, 1.0], [1.0, f64::NAN], [2.0, -3.0]]), s(vec![[4.0, 2.0]])]);
        assert_eq!(b, Some(([0.0, 4.0], [-3.0, 2.0])));
        let (x, y) = bounds(&[s(vec![[1.0, 2.0]])]).unwrap_or_default();
        assert_eq!(x, [0.5, 1.5]);
        assert!(y[0] < 2.0 && y[1] > 2.0);
    }
}
