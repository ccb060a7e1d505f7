//! The result area: one pane per shown view (and the difference pane), each with a title line,
//! the image, and its state drawn over it ("Loading …", errors, hints).

use egui::{Align2, Color32, FontId, Rect, Sense, Stroke, StrokeKind, vec2};

use crate::gui::app::{ExplorerApp, Readout};
use crate::gui::command::Command;
use crate::gui::image_view::show_image;
use crate::gui::panels::{font_size, welcome};
use crate::gui::side::Side;
use crate::gui::view::ViewStatus;

const HEADER: f32 = 22.0;
const GAP: f32 = 6.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pane {
    View(Side),
    Difference,
}

pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    egui::CentralPanel::default_margins().show(ui, |ui| {
        let area = ui.available_rect_before_wrap();
        let nothing_open = app.views.iter().all(|v| v.status == ViewStatus::Empty);
        if nothing_open && !app.settings.compare {
            app.pane_rects = [Some(area), None];
            welcome::show(ui, app);
            return;
        }
        let mut panes: Vec<Pane> = app.shown_sides().into_iter().map(Pane::View).collect();
        if app.settings.compare && app.settings.show_difference {
            panes.push(Pane::Difference);
        }
        let n = panes.len() as f32;
        let w = ((area.width() - GAP * (n - 1.0)) / n).max(10.0);
        app.pane_rects = [None, None];
        app.readout = None;
        for (i, pane) in panes.into_iter().enumerate() {
            let rect = Rect::from_min_size(area.min + vec2(i as f32 * (w + GAP), 0.0), vec2(w, area.height()));
            match pane {
                Pane::View(side) => {
                    app.pane_rects[side.index()] = Some(rect);
                    view_pane(ui, app, side, rect);
                }
                Pane::Difference => difference_pane(ui, app, rect),
            }
        }
        ui.allocate_rect(area, Sense::hover());
    });
}

fn split(rect: Rect) -> (Rect, Rect) {
    let header = Rect::from_min_size(rect.min, vec2(rect.width(), HEADER));
    let body = Rect::from_min_max(rect.min + vec2(0.0, HEADER), rect.max);
    (header, body)
}

fn view_pane(ui: &mut egui::Ui, app: &mut ExplorerApp, side: Side, rect: Rect) {
    let (header, body) = split(rect);
    let active = app.settings.compare && app.active == side;
    let title = {
        let view = app.view(side);
        let name = view.path().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
        match (&view.status, name) {
            (ViewStatus::Ready(info), Some(_)) => {
                let gpu = if view.frame.is_some() { " · GPU" } else { "" };
                format!("{} · {} {}² · {}{gpu}", side.name(), info.family, info.resolution, info.name())
            }
            (_, Some(name)) => format!("{} · {name}", side.name()),
            (_, None) => format!("{} · no network", side.name()),
        }
    };
    let head = ui.interact(header, ui.scope_id().with(("pane-header", side)), Sense::click());
    if head.clicked() {
        app.queue(Command::SetActive(side));
    }
    ui.painter_at(header).text(
        header.left_center() + vec2(4.0, 0.0),
        Align2::LEFT_CENTER,
        title,
        FontId::proportional(14.0),
        ui.visuals().strong_text_color(),
    );

    let out = show_image(ui, ui.scope_id().with(("pane", side)), body, &app.views[side.index()].texture, &mut app.zoom);
    if out.primary_drag != egui::Vec2::ZERO && app.view(side).info().is_some() {
        let fs = font_size(ui);
        let c = if app.settings.linked { &mut app.settings.shared } else { &mut app.settings.own[side.index()] };
        c.plane.drag(f64::from(out.primary_drag.x), f64::from(out.primary_drag.y), fs);
    }
    if out.response.clicked() && app.settings.compare {
        app.queue(Command::SetActive(side));
    }
    if out.hover_pixel.is_some() && !app.view(side).busy() {
        // A GPU frame's pixels are read back only for the readout (not while a render is queued).
        app.view_mut(side).fetch_pixels();
    }
    if let (Some((x, y)), Some(img)) = (out.hover_pixel, &app.view(side).image)
        && let Some(rgba) = img.rgba_at(x, y)
    {
        app.readout = Some(Readout { side: Some(side), x, y, rgba });
    }
    if active {
        ui.painter().rect_stroke(rect, 2.0, Stroke::new(1.5, ui.visuals().selection.bg_fill), StrokeKind::Inside);
    }

    let view = app.view(side);
    let painter = ui.painter_at(body);
    let center = body.center();
    let wrap = body.width() - 24.0;
    match &view.status {
        ViewStatus::Empty => {
            overlay(
                ui,
                &painter,
                body,
                "Drop a network here, or File > Open… (Ctrl+O)",
                ui.visuals().weak_text_color(),
                wrap,
            );
        }
        ViewStatus::Loading { path, .. } => {
            let name =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            overlay(ui, &painter, body, &format!("Loading {name} …"), ui.visuals().text_color(), wrap);
            let spinner = Rect::from_center_size(center + vec2(0.0, 28.0), vec2(20.0, 20.0));
            ui.put(spinner, egui::Spinner::new());
        }
        ViewStatus::Failed { error, .. } => {
            overlay(
                ui,
                &painter,
                body,
                &format!("Could not open the network.\n\n{error}"),
                ui.visuals().error_fg_color,
                wrap,
            );
        }
        ViewStatus::Ready(_) => {
            if let Some(e) = &view.render_error {
                overlay(ui, &painter, body, &format!("Render failed: {e}"), ui.visuals().error_fg_color, wrap);
            } else if !view.has_image() {
                overlay(ui, &painter, body, "Rendering …", ui.visuals().text_color(), wrap);
            }
        }
    }
}

fn difference_pane(ui: &mut egui::Ui, app: &mut ExplorerApp, rect: Rect) {
    let (header, body) = split(rect);
    let title = match &app.difference.result {
        Some(d) => format!("|Left − Right| · max {} · mean {:.2}", d.max, d.mean),
        None => "|Left − Right|".to_string(),
    };
    ui.painter_at(header).text(
        header.left_center() + vec2(4.0, 0.0),
        Align2::LEFT_CENTER,
        title,
        FontId::proportional(14.0),
        ui.visuals().strong_text_color(),
    );
    let out = show_image(ui, ui.scope_id().with("pane-difference"), body, &app.difference.texture, &mut app.zoom);
    if let (Some((x, y)), Some(d)) = (out.hover_pixel, &app.difference.result)
        && let Some(rgba) = d.heatmap.rgba_at(x, y)
    {
        app.readout = Some(Readout { side: None, x, y, rgba });
    }
    if app.difference.result.is_none() {
        let painter = ui.painter_at(body);
        let text = match (&app.view(Side::Left).image, &app.view(Side::Right).image) {
            (Some(a), Some(b)) => format!(
                "The images differ in size ({}×{} and {}×{}): no difference view",
                a.width, a.height, b.width, b.height
            ),
            _ => "Waiting for both images".to_string(),
        };
        overlay(ui, &painter, body, &text, ui.visuals().weak_text_color(), body.width() - 24.0);
    }
}

/// Centred, wrapped text on a dark plate over the image area. The text is also added as a label
/// for accessibility (tests read errors through it).
fn overlay(ui: &mut egui::Ui, painter: &egui::Painter, body: Rect, text: &str, color: Color32, wrap: f32) {
    let galley = painter.layout(text.to_string(), FontId::proportional(15.0), color, wrap.max(40.0));
    let rect = Rect::from_center_size(body.center(), galley.size() + vec2(16.0, 12.0));
    painter.rect_filled(rect, 4.0, Color32::from_black_alpha(200));
    let min = rect.min + vec2(8.0, 6.0);
    painter.galley(min, galley, color);
    let response = ui.interact(rect, ui.scope_id().with(("overlay", text)), Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Label, true, text));
}
