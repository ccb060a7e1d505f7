//! Reading network checkpoints: NVIDIA's `.pkl` files (with a restricted pickle machine that never
//! executes anything) and our own safetensors format. Pickle details never leave this module:
//! the rest of the crate sees a [`Checkpoint`] with state-dict names and typed architectures.

pub mod pickle;

use std::path::{Path, PathBuf};

use candle_core::Device;

use crate::nn::config::{DiscriminatorConfig, GeneratorConfig};
use crate::nn::{Generator, Weights};
use crate::{Error, Result};

/// Where a checkpoint came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckpointFormat {
    /// NVIDIA's `pickle.dump` of the snapshot dict, with the pickle protocol.
    NvidiaPickle { protocol: u8 },
    /// stylescope's safetensors (state-dict names, architecture in the metadata JSON).
    Safetensors,
}

/// Element type of a stored tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DType {
    F32,
    F16,
    BF16,
    F64,
    I64,
    I32,
    I16,
    I8,
    U8,
    Bool,
}

/// A tensor read from a checkpoint: contiguous, row-major, little-endian bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct HostTensor {
    pub dtype: DType,
    pub shape: Vec<usize>,
    pub data: Vec<u8>,
}

/// One module of a network, for the per-layer table of `inspect`.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleSummary {
    /// Dotted path (`synthesis.L3_52_512`); empty for the network itself.
    pub path: String,
    pub class_name: String,
    /// Parameters directly owned by this module (name, shape).
    pub params: Vec<(String, Vec<usize>)>,
    /// Buffers directly owned by this module (name, shape; `None` for a `None` buffer).
    pub buffers: Vec<(String, Option<Vec<usize>>)>,
}

/// What a network is.
#[derive(Clone, Debug, PartialEq)]
pub enum NetworkKind {
    Generator(GeneratorConfig),
    Discriminator(DiscriminatorConfig),
    /// Present but not something stylescope runs (e.g. `augment_pipe`), or an unrecognised class;
    /// the string says what it is.
    Other(String),
}

/// One network of a checkpoint (`G`, `D`, `G_ema`, ...).
#[derive(Clone, Debug)]
pub struct Network {
    pub key: String,
    pub class_name: String,
    pub kind: NetworkKind,
    /// Parameters and buffers under their state-dict names, in state-dict order (`None` buffers skipped).
    pub tensors: Vec<(String, HostTensor)>,
    pub modules: Vec<ModuleSummary>,
    /// `_init_kwargs` as JSON (`null` when unknown).
    pub init_kwargs: serde_json::Value,
}

/// A loaded checkpoint.
#[derive(Clone, Debug)]
pub struct Checkpoint {
    pub path: PathBuf,
    pub format: CheckpointFormat,
    /// In file order.
    pub networks: Vec<Network>,
    /// The pickle's `training_set_kwargs`, as JSON.
    pub training_set_kwargs: Option<serde_json::Value>,
}

impl Checkpoint {
    /// Opens a `.pkl` or `.safetensors` file (the format is sniffed from the bytes).
    pub fn open(path: &Path) -> Result<Self> {
        Err(Error::Unsupported("checkpoint reading is not implemented yet".into()).in_file(path))
    }

    pub fn network(&self, key: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.key == key)
    }

    /// The generator to use: `G_ema`, else `G`, else the only generator present.
    pub fn generator_network(&self) -> Result<&Network> {
        Err(Error::Unsupported("checkpoint reading is not implemented yet".into()).in_file(&self.path))
    }

    /// The tensors of network `key` as candle tensors on `device`.
    pub fn weights(&self, _key: &str, _device: &Device) -> Result<Weights> {
        Err(Error::Unsupported("checkpoint reading is not implemented yet".into()).in_file(&self.path))
    }

    /// Builds the generator (see [`Checkpoint::generator_network`]).
    pub fn load_generator(&self, _device: &Device) -> Result<Generator> {
        Err(Error::Unsupported("checkpoint reading is not implemented yet".into()).in_file(&self.path))
    }
}
