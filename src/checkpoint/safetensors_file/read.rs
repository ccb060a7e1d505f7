//! Reading stylescope safetensors back into a [`Checkpoint`].

use std::path::Path;

use safetensors::{Dtype, SafeTensors};

use crate::checkpoint::{Checkpoint, CheckpointFormat, DType, HostTensor, ModuleSummary, Network, NetworkKind};
use crate::{Error, Result};

use super::meta::{FORMAT_VERSION, FileMeta, METADATA_KEY, NetworkMeta};

fn our_dtype(d: Dtype) -> Result<DType> {
    Ok(match d {
        Dtype::F32 => DType::F32,
        Dtype::F16 => DType::F16,
        Dtype::BF16 => DType::BF16,
        Dtype::F64 => DType::F64,
        Dtype::I64 => DType::I64,
        Dtype::I32 => DType::I32,
        Dtype::I16 => DType::I16,
        Dtype::I8 => DType::I8,
        Dtype::U8 => DType::U8,
        Dtype::BOOL => DType::Bool,
        other => return Err(Error::Unsupported(format!("tensor dtype {other:?}"))),
    })
}

fn format_err(e: impl std::fmt::Display) -> Error {
    Error::Format(format!("safetensors: {e}"))
}

/// Reads a stylescope safetensors file from `data` (the error is not yet wrapped with the file name).
pub fn read_safetensors(data: &[u8], path: &Path) -> Result<Checkpoint> {
    let (_, header) = SafeTensors::read_metadata(data).map_err(format_err)?;
    let text = header.metadata().as_ref().and_then(|m| m.get(METADATA_KEY)).ok_or_else(|| {
        Error::Unsupported(format!(
            "a safetensors file without `{METADATA_KEY}` metadata (not written by stylescope: the architecture is unknown)"
        ))
    })?;
    let meta: FileMeta = serde_json::from_str(text).map_err(|e| Error::Format(format!("stylescope metadata: {e}")))?;
    if meta.format_version != FORMAT_VERSION {
        return Err(Error::Unsupported(format!(
            "stylescope safetensors format version {} (this build reads version {FORMAT_VERSION})",
            meta.format_version
        )));
    }
    let st = SafeTensors::deserialize(data).map_err(format_err)?;
    let mut used = 0usize;
    let mut networks = Vec::with_capacity(meta.networks.len());
    for n in &meta.networks {
        let network = read_network(&st, n)?;
        used += network.tensors.len();
        networks.push(network);
    }
    if used != st.len() {
        return Err(Error::Format(format!("the file holds {} tensors, its metadata accounts for {used}", st.len())));
    }
    Ok(Checkpoint {
        path: path.to_path_buf(),
        format: CheckpointFormat::Safetensors,
        networks,
        training_set_kwargs: meta.training_set_kwargs,
        title: meta.title,
    })
}

fn read_network(st: &SafeTensors<'_>, n: &NetworkMeta) -> Result<Network> {
    let config_err = |e: serde_json::Error| Error::Format(format!("network `{}`: architecture: {e}", n.key));
    let kind = match n.kind.as_str() {
        "generator" => NetworkKind::Generator(serde_json::from_value(n.config.clone()).map_err(config_err)?),
        "discriminator" => NetworkKind::Discriminator(serde_json::from_value(n.config.clone()).map_err(config_err)?),
        "other" => NetworkKind::Other(n.description.clone().unwrap_or_else(|| n.class_name.clone())),
        other => return Err(Error::Format(format!("network `{}` of unknown kind `{other}`", n.key))),
    };
    let mut tensors = Vec::new();
    let mut modules = Vec::with_capacity(n.modules.len());
    for m in &n.modules {
        let dot = if m.path.is_empty() { String::new() } else { format!("{}.", m.path) };
        let present = m
            .params
            .iter()
            .map(|(name, s)| (name, s))
            .chain(m.buffers.iter().filter_map(|(name, s)| s.as_ref().map(|s| (name, s))));
        for (name, shape) in present {
            let local = format!("{dot}{name}");
            let full = format!("{}{local}", n.prefix);
            let view = st.tensor(&full).map_err(|_| Error::MissingTensor(full.clone()))?;
            if view.shape() != shape.as_slice() {
                return Err(Error::Shape { name: full, expected: shape.clone(), found: view.shape().to_vec() });
            }
            let dtype = our_dtype(view.dtype())?;
            tensors.push((local, HostTensor { dtype, shape: shape.clone(), data: view.data().to_vec() }));
        }
        modules.push(ModuleSummary {
            path: m.path.clone(),
            class_name: m.class_name.clone(),
            params: m.params.clone(),
            buffers: m.buffers.clone(),
        });
    }
    Ok(Network {
        key: n.key.clone(),
        class_name: n.class_name.clone(),
        kind,
        tensors,
        modules,
        init_kwargs: n.init_kwargs.clone(),
    })
}
