//! Parameter and buffer counts of networks and modules (the figures of `inspect`).

use super::{ModuleSummary, Network, NetworkKind};

impl ModuleSummary {
    /// Elements in this module's own parameters.
    pub fn num_params(&self) -> usize {
        self.params.iter().map(|(_, s)| s.iter().product::<usize>()).sum()
    }

    /// Elements in this module's own (non-`None`) buffers.
    pub fn num_buffer_elements(&self) -> usize {
        self.buffers.iter().filter_map(|(_, s)| s.as_ref()).map(|s| s.iter().product::<usize>()).sum()
    }
}

impl Network {
    /// Total parameter elements (what NVIDIA's module summary and the manifests call the parameter count).
    pub fn num_params(&self) -> usize {
        self.modules.iter().map(ModuleSummary::num_params).sum()
    }

    /// Total buffer elements.
    pub fn num_buffer_elements(&self) -> usize {
        self.modules.iter().map(ModuleSummary::num_buffer_elements).sum()
    }

    /// `StyleGAN2`, `StyleGAN3-T`, `StyleGAN3-R`, `discriminator`, or the class name.
    pub fn description(&self) -> String {
        match &self.kind {
            NetworkKind::Generator(c) => c.family_name().to_string(),
            NetworkKind::Discriminator(_) => "discriminator".to_string(),
            NetworkKind::Other(what) => what.clone(),
        }
    }
}
