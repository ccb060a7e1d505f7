//! Networks for the GPU tests: the golden fixtures' generator as the checkpoint reader gives it.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use stylescope::checkpoint::{Checkpoint, NetworkKind};
use stylescope::nn::Weights;
use stylescope::nn::config::GeneratorConfig;

/// `G_ema` of `dir/network.pkl`: its architecture and tensors.
pub fn fixture_network(dir: &Path) -> (GeneratorConfig, Weights) {
    let ckpt = Checkpoint::open(&dir.join("network.pkl")).unwrap();
    let net = ckpt.generator_network().unwrap();
    let NetworkKind::Generator(config) = &net.kind else { panic!("not a generator") };
    let weights = ckpt.weights(&net.key, &candle_core::Device::Cpu).unwrap();
    (config.clone(), weights)
}
