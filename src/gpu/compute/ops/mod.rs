//! The kernels, one per WGSL file in `shaders/compute/`, each with a spec that builds its
//! dispatch for the engine and a `run` that executes it alone on host data (for the kernel tests).

mod bias_act;
mod epilogue;
mod fc;
mod filtered_lrelu;
mod fourier;
mod modconv;
mod modulation;
mod normalize;
mod polyphase;
mod rgba;
mod truncate;
mod upfirdn;

pub use bias_act::BiasActSpec;
pub use epilogue::Epilogue;
pub use fc::FcSpec;
pub use filtered_lrelu::FilteredLreluSpec;
pub use fourier::FourierSpec;
pub use modconv::ConvSpec;
pub use modulation::ModulationSpec;
pub use normalize::NormalizeSpec;
pub use polyphase::polyphase_weights;
pub use rgba::RgbaSpec;
pub use truncate::TruncateSpec;
pub use upfirdn::UpfirdnSpec;
