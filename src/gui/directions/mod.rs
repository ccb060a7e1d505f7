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

pub mod panel;
pub mod state;

pub use state::{DirectionsState, Method};

use crate::gui::app::ExplorerApp;
use crate::gui::side::Side;

/// Once per frame: takes a finished job's result and hands each view the edits that belong to
/// its network (none for other networks).
pub fn update(app: &mut ExplorerApp) {
    app.directions.poll();
    let edits = app.directions.edits();
    let network = app.directions.set.as_ref().map(|s| s.network.clone());
    for side in Side::BOTH {
        let view = app.view_mut(side);
        let mine = network.as_deref().is_some_and(|n| view.info().is_some_and(|i| i.path == n));
        let want = if mine { edits.clone() } else { Vec::new() };
        if view.directions != want {
            view.directions = want;
        }
    }
}
