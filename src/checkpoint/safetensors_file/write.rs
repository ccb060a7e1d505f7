//! Writing networks of a [`Checkpoint`] as stylescope safetensors.

use std::collections::HashMap;
use std::path::Path;

use safetensors::Dtype;
use safetensors::tensor::TensorView;

use crate::checkpoint::{Checkpoint, CheckpointFormat, DType, ModuleSummary, Network, NetworkKind};
use crate::{Error, Result};

use super::meta::{FORMAT_VERSION, FileMeta, METADATA_KEY, ModuleMeta, NetworkMeta, SourceMeta};

pub fn st_dtype(d: DType) -> Dtype {
    match d {
        DType::F32 => Dtype::F32,
        DType::F16 => Dtype::F16,
        DType::BF16 => Dtype::BF16,
        DType::F64 => Dtype::F64,
        DType::I64 => Dtype::I64,
        DType::I32 => Dtype::I32,
        DType::I16 => Dtype::I16,
        DType::I8 => Dtype::I8,
        DType::U8 => Dtype::U8,
        DType::Bool => Dtype::BOOL,
    }
}

fn module_meta(m: &ModuleSummary) -> ModuleMeta {
    ModuleMeta {
        path: m.path.clone(),
        class_name: m.class_name.clone(),
        params: m.params.clone(),
        buffers: m.buffers.clone(),
    }
}

fn network_meta(n: &Network, prefix: &str) -> Result<NetworkMeta> {
    let json =
        |r: serde_json::Result<serde_json::Value>| r.map_err(|e| Error::Format(format!("architecture as JSON: {e}")));
    let (kind, config, description) = match &n.kind {
        NetworkKind::Generator(c) => ("generator", json(serde_json::to_value(c))?, None),
        NetworkKind::Discriminator(c) => ("discriminator", json(serde_json::to_value(c))?, None),
        NetworkKind::Other(what) => ("other", serde_json::Value::Null, Some(what.clone())),
    };
    Ok(NetworkMeta {
        key: n.key.clone(),
        prefix: prefix.to_string(),
        class_name: n.class_name.clone(),
        kind: kind.to_string(),
        config,
        description,
        init_kwargs: n.init_kwargs.clone(),
        modules: n.modules.iter().map(module_meta).collect(),
    })
}

/// Writes networks `keys` of `ckpt` (all networks when `keys` is empty) to `out`: bare tensor
/// names for one network, `<key>.`-prefixed names for several. The file is written to a
/// temporary file beside `out` and renamed into place.
pub fn write_safetensors(ckpt: &Checkpoint, keys: &[&str], out: &Path) -> Result<()> {
    let networks: Vec<&Network> = if keys.is_empty() {
        ckpt.networks.iter().collect()
    } else {
        keys.iter()
            .map(|k| {
                ckpt.network(k).ok_or_else(|| {
                    let have: Vec<&str> = ckpt.networks.iter().map(|n| n.key.as_str()).collect();
                    Error::Invalid(format!("no network `{k}` in {} (it has {})", ckpt.path.display(), have.join(", ")))
                })
            })
            .collect::<Result<_>>()?
    };
    if networks.is_empty() {
        return Err(Error::Invalid("no networks to write".into()));
    }
    let prefixed = networks.len() > 1;

    let mut metas = Vec::new();
    let mut views: Vec<(String, TensorView<'_>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for n in &networks {
        let prefix = if prefixed { format!("{}.", n.key) } else { String::new() };
        metas.push(network_meta(n, &prefix)?);
        for (name, t) in &n.tensors {
            let full = format!("{prefix}{name}");
            if !seen.insert(full.clone()) {
                return Err(Error::Format(format!("tensor `{full}` appears twice")));
            }
            let view = TensorView::new(st_dtype(t.dtype), t.shape.clone(), &t.data)
                .map_err(|e| Error::Format(format!("tensor `{full}`: {e}")))?;
            views.push((full, view));
        }
    }
    let (format, protocol) = match ckpt.format {
        CheckpointFormat::NvidiaPickle { protocol } => ("nvidia-pickle", Some(protocol)),
        CheckpointFormat::Safetensors => ("safetensors", None),
    };
    let meta = FileMeta {
        format_version: FORMAT_VERSION,
        networks: metas,
        source: SourceMeta {
            file: ckpt.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
            format: format.to_string(),
            protocol,
        },
        training_set_kwargs: ckpt.training_set_kwargs.clone(),
        title: ckpt.title.clone(),
    };
    let text = serde_json::to_string(&meta).map_err(|e| Error::Format(format!("metadata as JSON: {e}")))?;
    let metadata = HashMap::from([(METADATA_KEY.to_string(), text)]);
    // `serialize_to_file` writes a temporary file in `out`'s folder and renames it into place.
    safetensors::serialize_to_file(views, Some(metadata), out).map_err(|e| {
        let err = match e {
            safetensors::SafeTensorError::IoError(io) => Error::Io(io),
            other => Error::Format(format!("writing safetensors: {other}")),
        };
        err.in_file(out)
    })
}
