//! The Directions panel: latent-direction sliders (SeFa computed on pick, GANSpace as a
//! background job with progress and cancel, imported `.npy` files), in σ units, several at once,
//! on a W+ row range. The offsets travel in the render request
//! ([`crate::jobs::request::RenderRequest::directions`]); the render worker adds them to w, so a
//! slider costs one synthesis call and nothing else.
//!
//! | file | type |
//! |---|---|
//! | [`state`] | `DirectionsState`: method, settings, the slider set, the running job |
//! | [`panel`] | the panel's widgets |
//! | [`labelling_state`] | `LabellingState`: labels, the page of thumbnails, the SVM job |
//! | [`labelling`] | the labelling window (grid, label files, Train SVM) |

pub mod labelling;
pub mod labelling_state;
pub mod panel;
pub mod state;

pub use state::{DirectionsState, Method};

use crate::gui::app::ExplorerApp;
use crate::gui::side::Side;

/// Once per frame: takes a finished job's result and hands each view the edits that belong to
/// its network (none for other networks).
pub fn update(app: &mut ExplorerApp) {
    app.directions.poll();
    let ctx = app.ctx().clone();
    if let Some(trained) = app.directions.labelling.poll(&ctx) {
        app.directions.add_direction(trained);
    }
    let edits = app.directions.edits();
    let network = app.directions.set.as_ref().map(|s| s.network.clone());
    let (style_net, style) = app.directions.style_offset();
    for side in Side::BOTH {
        let view = app.view_mut(side);
        let path = view.info().map(|i| i.path.clone());
        let mine = network.is_some() && path == network;
        let want = if mine { edits.clone() } else { Vec::new() };
        if view.directions != want {
            view.directions = want;
        }
        let want = match (&style, &style_net) {
            (Some(o), Some(n)) if path.as_ref() == Some(n) => vec![*o],
            _ => Vec::new(),
        };
        if view.style_channels != want {
            view.style_channels = want;
        }
    }
}
