//! The part of a procedural face that a pixel shows: a ground-truth segmentation.

/// What covers a pixel: the topmost drawn layer that covers at least half of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Part {
    Background,
    /// Long hair behind the head.
    BackHair,
    /// Shirt and shoulders.
    Body,
    /// Face, ears, neck and nose.
    Skin,
    /// Eye whites, irises, pupils, eyelid lines, closed eyes.
    Eye,
    Brow,
    /// Lips, mouth interior, teeth.
    Mouth,
    /// Frames of the glasses (the tinted lenses are too faint to count).
    Glasses,
    /// The hair on top of the head.
    Hair,
}
