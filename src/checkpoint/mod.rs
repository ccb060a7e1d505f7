//! Reading network checkpoints: NVIDIA's `.pkl` files (with a restricted pickle machine that never
//! executes anything) and our own safetensors format. Pickle details never leave this module:
//! the rest of the crate sees a [`Checkpoint`] with state-dict names and typed architectures.

mod arch_d;
mod arch_mapping;
mod arch_sg2;
mod arch_sg3;
mod dtype;
pub mod family;
mod host_tensor;
pub mod module_tree;
pub mod module_view;
mod nvidia;
pub mod pickle;
pub mod safetensors_file;
mod summary;

use std::collections::BTreeMap;
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
#[derive(Clone, Debug, PartialEq)]
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
    /// A display name stored with the model (our safetensors only; `convert --title`).
    pub title: Option<String>,
}

/// What the first bytes of a file say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sniffed {
    Pickle,
    Safetensors,
    Zip,
    Unknown,
}

fn sniff(data: &[u8]) -> Sniffed {
    // Safetensors first: its header length is arbitrary, so its first byte may be 0x80 (PROTO).
    let safetensors_header = |d: &[u8]| match d {
        [n0, n1, n2, n3, n4, n5, n6, n7, b'{', ..] => {
            let n = u64::from_le_bytes([*n0, *n1, *n2, *n3, *n4, *n5, *n6, *n7]);
            n >= 2 && n <= (d.len() as u64 - 8)
        }
        _ => false,
    };
    match data {
        d if safetensors_header(d) => Sniffed::Safetensors,
        [0x80, ..] => Sniffed::Pickle,
        [b'P', b'K', 3, 4, ..] => Sniffed::Zip,
        // Protocol 0/1 pickles have no PROTO opcode; they start with a container or a global.
        [b'(' | b'}' | b']' | b')' | b'c' | b'N', ..] => Sniffed::Pickle,
        _ => Sniffed::Unknown,
    }
}

impl Checkpoint {
    /// Opens a `.pkl` or `.safetensors` file (the format is sniffed from the bytes).
    pub fn open(path: &Path) -> Result<Self> {
        let data = std::fs::read(path).map_err(|e| Error::from(e).in_file(path))?;
        Self::from_bytes(&data, path)
    }

    /// Reads a checkpoint from bytes; `path` is recorded and named in errors.
    pub fn from_bytes(data: &[u8], path: &Path) -> Result<Self> {
        let result = match sniff(data) {
            Sniffed::Pickle => nvidia::read_pickle(data, path),
            Sniffed::Safetensors => safetensors_file::read_safetensors(data, path),
            Sniffed::Zip => Err(Error::Unsupported(
                "a zip archive (e.g. a `torch.save` `.pt` checkpoint); stylescope opens NVIDIA network pickles (.pkl) and its own .safetensors".into(),
            )),
            Sniffed::Unknown => Err(Error::Format("neither a network pickle nor a stylescope safetensors file".into())),
        };
        result.map_err(|e| e.in_file(path))
    }

    /// Writes networks `keys` (all when empty) as stylescope safetensors (see [`safetensors_file`]).
    pub fn save_safetensors(&self, out: &Path, keys: &[&str]) -> Result<()> {
        safetensors_file::write_safetensors(self, keys, out)
    }

    pub fn network(&self, key: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.key == key)
    }

    /// The generator to use: `G_ema`, else `G`, else the only generator present.
    pub fn generator_network(&self) -> Result<&Network> {
        let is_gen = |n: &&Network| matches!(n.kind, NetworkKind::Generator(_));
        if let Some(n) = self.network("G_ema").filter(is_gen).or_else(|| self.network("G").filter(is_gen)) {
            return Ok(n);
        }
        let mut gens = self.networks.iter().filter(is_gen);
        match (gens.next(), gens.next()) {
            (Some(n), None) => Ok(n),
            (None, _) => Err(Error::Format("the checkpoint holds no generator".into()).in_file(&self.path)),
            (Some(_), Some(_)) => {
                Err(Error::Format("the checkpoint holds several generators and none is called G_ema or G".into())
                    .in_file(&self.path))
            }
        }
    }

    /// The tensors of network `key` as candle tensors on `device`. Floating-point tensors become
    /// f32 (the precision every op computes in); integer tensors keep their type where candle has
    /// it (u8, i16, i32, i64), i8 becomes i16 and bool becomes u8.
    pub fn weights(&self, key: &str, device: &Device) -> Result<Weights> {
        let network = self
            .network(key)
            .ok_or_else(|| Error::Format(format!("no network `{key}` in this checkpoint")).in_file(&self.path))?;
        let mut map = BTreeMap::new();
        for (name, t) in &network.tensors {
            let tensor = t
                .to_candle(device)
                .map_err(|e| Error::Format(format!("tensor `{key}.{name}`: {e}")).in_file(&self.path))?;
            map.insert(name.clone(), tensor);
        }
        Ok(Weights::new(map))
    }

    /// Builds the generator (see [`Checkpoint::generator_network`]).
    pub fn load_generator(&self, device: &Device) -> Result<Generator> {
        let network = self.generator_network()?;
        let NetworkKind::Generator(config) = &network.kind else {
            return Err(Error::Format("not a generator".into()).in_file(&self.path));
        };
        let weights = self.weights(&network.key, device)?;
        Generator::new(config.clone(), &weights, device).map_err(|e| e.in_file(&self.path))
    }

    /// [`Checkpoint::load_generator`] computing in float64 (weights cast from float32; StyleGAN3
    /// only): the precision reference that measures float32 rounding, far slower.
    pub fn load_generator_f64(&self, device: &Device) -> Result<Generator> {
        let network = self.generator_network()?;
        let NetworkKind::Generator(config) = &network.kind else {
            return Err(Error::Format("not a generator".into()).in_file(&self.path));
        };
        if !matches!(config, GeneratorConfig::StyleGan3(_)) {
            return Err(
                Error::Unsupported("float64 computation is only built for StyleGAN3".into()).in_file(&self.path)
            );
        }
        let weights = self.weights(&network.key, device)?.to_float64()?;
        Generator::new(config.clone(), &weights, device).map_err(|e| e.in_file(&self.path))
    }
}

#[cfg(test)]
mod tests {
    use super::{Sniffed, sniff};

    #[test]
    fn a_safetensors_header_length_starting_with_0x80_is_not_a_pickle() {
        // A header of 0x0180 bytes: the first byte is 0x80, pickle's PROTO opcode.
        let mut data = 0x180u64.to_le_bytes().to_vec();
        data.push(b'{');
        data.resize(8 + 0x180, b' ');
        assert_eq!(sniff(&data), Sniffed::Safetensors);
        // A real protocol-4 pickle start, and a truncated "safetensors" header, are told apart.
        assert_eq!(sniff(&[0x80, 4, 0x95, 0, 0, 0, 0, 0, 0, 0]), Sniffed::Pickle);
        let mut short = 0x1000u64.to_le_bytes().to_vec();
        short.extend_from_slice(b"{}");
        assert_eq!(sniff(&short), Sniffed::Unknown);
    }
}
