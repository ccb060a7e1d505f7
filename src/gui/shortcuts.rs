//! Keyboard shortcuts: one table used both to handle keys and to list them in the Help menu.

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::gui::command::Command;
use crate::gui::side::Side;

/// What a shortcut does; resolved against the current state when pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Open,
    FocusPath,
    SaveImage,
    SaveComposite,
    CopyImage,
    Quit,
    SeedLeft,
    SeedRight,
    SeedUp,
    SeedDown,
    Animate,
    Snap,
    ResetLatent,
    ZoomFit,
    Nearest,
    Compare,
    Link,
    Difference,
    SwitchView,
    Help,
}

/// A shortcut: key, modifiers, and its description for the Help menu.
pub struct Shortcut {
    pub shortcut: KeyboardShortcut,
    pub action: Action,
    pub description: &'static str,
}

const fn sc(modifiers: Modifiers, key: Key, action: Action, description: &'static str) -> Shortcut {
    Shortcut { shortcut: KeyboardShortcut::new(modifiers, key), action, description }
}

const CMD: Modifiers = Modifiers::COMMAND;
const CMD_SHIFT: Modifiers = Modifiers { shift: true, ..Modifiers::COMMAND };
const NONE: Modifiers = Modifiers::NONE;

/// Every shortcut. Those without a modifier only act while no text field has the focus.
pub const SHORTCUTS: &[Shortcut] = &[
    // With Shift first: a Ctrl+S pattern also matches Ctrl+Shift+S.
    sc(CMD_SHIFT, Key::S, Action::SaveComposite, "Save the side-by-side image (PNG)"),
    sc(CMD_SHIFT, Key::C, Action::CopyImage, "Copy the active view's image"),
    sc(CMD, Key::O, Action::Open, "Open a network file (into the active view)"),
    sc(CMD, Key::L, Action::FocusPath, "Type or paste a network path"),
    sc(CMD, Key::S, Action::SaveImage, "Save the active view's image (PNG)"),
    sc(CMD, Key::Q, Action::Quit, "Quit"),
    sc(NONE, Key::ArrowLeft, Action::SeedLeft, "Previous seed"),
    sc(NONE, Key::ArrowRight, Action::SeedRight, "Next seed"),
    sc(NONE, Key::ArrowUp, Action::SeedUp, "Seed - 100 (a row up on the seed plane)"),
    sc(NONE, Key::ArrowDown, Action::SeedDown, "Seed + 100 (a row down on the seed plane)"),
    sc(NONE, Key::Space, Action::Animate, "Animate the latent on/off"),
    sc(NONE, Key::S, Action::Snap, "Snap to the nearest seed"),
    sc(NONE, Key::R, Action::ResetLatent, "Reset the latent"),
    sc(NONE, Key::F, Action::ZoomFit, "Zoom to fit"),
    sc(NONE, Key::N, Action::Nearest, "Nearest / linear filtering"),
    sc(NONE, Key::C, Action::Compare, "Compare two networks side by side"),
    sc(NONE, Key::K, Action::Link, "Link / unlink the controls of the two views"),
    sc(NONE, Key::D, Action::Difference, "Difference view"),
    sc(NONE, Key::V, Action::SwitchView, "Switch the active view (left / right)"),
    sc(NONE, Key::F1, Action::Help, "Keyboard shortcuts"),
];

/// The state a shortcut resolves against.
pub struct Context {
    pub active: Side,
    pub compare: bool,
    pub linked: bool,
    pub nearest: bool,
    pub difference: bool,
    pub help: bool,
}

impl Action {
    pub fn command(self, s: &Context) -> Command {
        match self {
            Action::Open => Command::OpenDialog(s.active),
            Action::FocusPath => Command::FocusPath,
            Action::SaveImage => Command::SaveImage(s.active),
            Action::SaveComposite => Command::SaveComposite,
            Action::CopyImage => Command::CopyImage(s.active),
            Action::Quit => Command::Quit,
            Action::SeedLeft => Command::StepSeed { dx: -1, dy: 0 },
            Action::SeedRight => Command::StepSeed { dx: 1, dy: 0 },
            Action::SeedUp => Command::StepSeed { dx: 0, dy: -1 },
            Action::SeedDown => Command::StepSeed { dx: 0, dy: 1 },
            Action::Animate => Command::ToggleAnimation,
            Action::Snap => Command::Snap,
            Action::ResetLatent => Command::ResetLatent,
            Action::ZoomFit => Command::ZoomFit,
            Action::Nearest => Command::SetNearest(!s.nearest),
            Action::Compare => Command::SetCompare(!s.compare),
            Action::Link => Command::SetLinked(!s.linked),
            Action::Difference => Command::SetDifference(!s.difference),
            Action::SwitchView => Command::SetActive(s.active.other()),
            Action::Help => Command::ShowHelp(!s.help),
        }
    }
}

/// The commands of the shortcuts pressed this frame (consuming the keys).
pub fn pressed(ctx: &egui::Context, state: &Context) -> Vec<Command> {
    let typing = ctx.egui_wants_keyboard_input();
    let mut out = Vec::new();
    ctx.input_mut(|i| {
        for s in SHORTCUTS {
            if s.shortcut.modifiers.is_none() && typing {
                continue;
            }
            if i.consume_shortcut(&s.shortcut) {
                out.push(s.action.command(state));
            }
        }
    });
    out
}

/// The keys of a shortcut as the Help window and the README write them (`Ctrl+Shift+S`, `Left`).
pub fn keys_text(s: &Shortcut) -> String {
    let m = s.shortcut.modifiers;
    format!(
        "{}{}{}",
        if m.command || m.ctrl { "Ctrl+" } else { "" },
        if m.shift { "Shift+" } else { "" },
        s.shortcut.logical_key.name()
    )
}
