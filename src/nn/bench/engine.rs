//! What the bench drives: an [`Engine`] that loads a generator and synthesises images. The CPU
//! engine ([`CpuEngine`]) is the candle generator with its fast paths; a GPU engine implements
//! the same trait (see `stylescope bench --engine gpu`).

use std::time::Duration;

use candle_core::{Device, Tensor};

use crate::Result;
use crate::nn::config::GeneratorConfig;
use crate::nn::generator::{Generator, SynthesisOptions};
use crate::nn::op_timer;
use crate::nn::weights::Weights;

/// Per-op wall time of one synthesis call.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OpSplit {
    pub modulated_conv: Duration,
    pub filtered_lrelu: Duration,
    /// CPU time (all threads) during those calls, where measured.
    pub modulated_conv_cpu: Option<Duration>,
    pub filtered_lrelu_cpu: Option<Duration>,
}

/// A synthesis engine under benchmark.
pub trait Engine {
    /// One line: which engine and device.
    fn describe(&self) -> String;
    /// Builds the generator from its architecture and weights (not timed).
    fn load(&mut self, config: &GeneratorConfig, weights: &Weights) -> Result<()>;
    /// One synthesis of `ws [N, num_ws, w_dim]` (float32, host memory). Returns once the images
    /// are finished (a GPU engine waits for its queue).
    fn synthesize(&mut self, ws: &Tensor) -> Result<()>;
    /// The per-op split of the last [`synthesize`](Self::synthesize), where the engine measures one.
    fn op_split(&self) -> Option<OpSplit> {
        None
    }
}

/// The candle generator on the CPU (float32, fast paths on).
#[derive(Default)]
pub struct CpuEngine {
    generator: Option<Generator>,
    split: Option<OpSplit>,
}

impl CpuEngine {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Engine for CpuEngine {
    fn describe(&self) -> String {
        format!("cpu (candle, {} threads)", rayon::current_num_threads())
    }

    fn load(&mut self, config: &GeneratorConfig, weights: &Weights) -> Result<()> {
        self.generator = Some(Generator::new(config.clone(), weights, &Device::Cpu)?);
        Ok(())
    }

    fn synthesize(&mut self, ws: &Tensor) -> Result<()> {
        let g = self.generator.as_ref().ok_or_else(|| crate::Error::Invalid("bench: no generator loaded".into()))?;
        op_timer::enable(true);
        let out = g.synthesis(ws, &SynthesisOptions::default());
        let (modulated_conv, filtered_lrelu) = op_timer::totals();
        let (conv_cpu, flrelu_cpu) = op_timer::cpu_totals();
        op_timer::enable(false);
        std::hint::black_box(out?.image);
        self.split = Some(OpSplit {
            modulated_conv,
            filtered_lrelu,
            modulated_conv_cpu: Some(conv_cpu),
            filtered_lrelu_cpu: Some(flrelu_cpu),
        });
        Ok(())
    }

    fn op_split(&self) -> Option<OpSplit> {
        self.split
    }
}
