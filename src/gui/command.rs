//! Everything the window can be told to do. Menus, shortcuts, drag and drop, the path field and
//! tests all go through [`Command`]s, so every action can be driven without a native dialog.

use std::path::PathBuf;

use crate::analysis::registry::MetricId;
use crate::gui::side::Side;
use crate::jobs::JobId;
use crate::jobs::engine_switch::EngineChoice;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Open a network file in a view.
    Open {
        side: Side,
        path: PathBuf,
    },
    /// Ask for a file with the native dialog, then open it in `side`.
    OpenDialog(Side),
    Close(Side),
    SetCompare(bool),
    SetLinked(bool),
    /// Which view the controls edit when they are not linked (and where Open goes).
    SetActive(Side),
    /// Save the view's image as the next PNG in the capture folder.
    SaveImage(Side),
    /// Save left | right (| difference) as one PNG.
    SaveComposite,
    /// Save the whole window as it looks (the next frame) as a PNG.
    SaveWindow,
    /// Copy the view's image to the clipboard.
    CopyImage(Side),
    ZoomFit,
    SetNearest(bool),
    SetDifference(bool),
    /// Move on the seed plane by whole seeds (x) and rows (y).
    StepSeed {
        dx: i64,
        dy: i64,
    },
    ToggleAnimation,
    Snap,
    ResetLatent,
    ShowHelp(bool),
    /// Render with the GPU or the CPU engine (the open files reopen with it).
    SetEngine(EngineChoice),
    /// Put the keyboard focus into the path field.
    FocusPath,
    Quit,
    /// Start a metric job on the network in `side` (with the settings' analysis options).
    RunMetric {
        metric: MetricId,
        side: Side,
    },
    /// Stop a queued or running job.
    CancelJob(JobId),
    ShowJobs(bool),
    /// Forget ended jobs in the Jobs panel (results stay in the table).
    ClearFinishedJobs,
}
