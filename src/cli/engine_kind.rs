//! `--engine gpu|cpu`: which generator engine a command runs.

use clap::ValueEnum;

/// Which engine runs the networks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum EngineKind {
    /// The candle CPU engine.
    #[default]
    Cpu,
    /// The WGSL compute engine on the best GPU adapter (software Vulkan/GL if nothing else).
    Gpu,
}
