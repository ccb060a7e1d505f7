//! The allow-list of globals (reference-stylegan.md §3.7). A `GLOBAL`/`STACK_GLOBAL` naming
//! anything else is refused on the spot, with its name and byte offset. Allowed globals are data
//! constructors interpreted by [`super::construct`]; nothing is ever imported or called.

use crate::checkpoint::DType;

use super::error::{PickleError, PickleErrorKind, PickleResult};

/// Where the machine is running: the network pickle itself, or a nested storage payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// The outer network pickle.
    Network,
    /// The pickles inside `torch.storage._load_from_bytes` payloads (legacy or zip `torch.save`).
    StoragePayload,
}

/// An allow-listed global.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Global {
    /// `torch_utils.persistence._reconstruct_persistent_obj`
    ReconstructPersistent,
    /// `torch._utils._rebuild_tensor_v2`
    RebuildTensorV2,
    /// `torch._utils._rebuild_parameter`
    RebuildParameter,
    /// `torch._utils._rebuild_parameter_with_state`
    RebuildParameterWithState,
    /// `torch.storage._load_from_bytes`
    LoadFromBytes,
    /// `torch.FloatStorage` and friends (only inside storage payloads).
    StorageType(DType),
    /// `collections.OrderedDict`
    OrderedDict,
    /// `dnnlib.util.EasyDict`
    EasyDict,
    /// `builtins.set`
    Set,
    /// `builtins.frozenset`
    FrozenSet,
    /// `numpy.core.multiarray.scalar` / `numpy._core.multiarray.scalar`
    NpScalar,
    /// `numpy.dtype`
    NpDtype,
    /// `numpy.core.multiarray._reconstruct` / `numpy._core.multiarray._reconstruct`
    NpReconstruct,
    /// `numpy.ndarray`
    NpNdarray,
    /// `numpy.core.numeric._frombuffer` / `numpy._core.numeric._frombuffer`
    NpFromBuffer,
    /// `_codecs.encode`
    CodecsEncode,
    /// `dnnlib.tflib.network.Network` (TensorFlow-era pickles, recognised to be reported)
    TfNetwork,
}

impl Global {
    /// Resolves `module.name` in `context`, or refuses it.
    pub fn resolve(module: &str, name: &str, context: Context, offset: u64) -> PickleResult<Global> {
        let found = match context {
            Context::Network => network_global(module, name),
            Context::StoragePayload => storage_type(module, name).map(Global::StorageType),
        };
        found.ok_or_else(|| {
            PickleError::new(
                offset,
                PickleErrorKind::RefusedGlobal { module: module.to_string(), name: name.to_string() },
            )
        })
    }

    /// The dotted Python name (for messages).
    pub fn python_name(self) -> &'static str {
        match self {
            Global::ReconstructPersistent => "torch_utils.persistence._reconstruct_persistent_obj",
            Global::RebuildTensorV2 => "torch._utils._rebuild_tensor_v2",
            Global::RebuildParameter => "torch._utils._rebuild_parameter",
            Global::RebuildParameterWithState => "torch._utils._rebuild_parameter_with_state",
            Global::LoadFromBytes => "torch.storage._load_from_bytes",
            Global::StorageType(_) => "torch.*Storage",
            Global::OrderedDict => "collections.OrderedDict",
            Global::EasyDict => "dnnlib.util.EasyDict",
            Global::Set => "builtins.set",
            Global::FrozenSet => "builtins.frozenset",
            Global::NpScalar => "numpy.core.multiarray.scalar",
            Global::NpDtype => "numpy.dtype",
            Global::NpReconstruct => "numpy.core.multiarray._reconstruct",
            Global::NpNdarray => "numpy.ndarray",
            Global::NpFromBuffer => "numpy.core.numeric._frombuffer",
            Global::CodecsEncode => "_codecs.encode",
            Global::TfNetwork => "dnnlib.tflib.network.Network",
        }
    }
}

fn network_global(module: &str, name: &str) -> Option<Global> {
    let numpy_multiarray = matches!(module, "numpy.core.multiarray" | "numpy._core.multiarray");
    let numpy_numeric = matches!(module, "numpy.core.numeric" | "numpy._core.numeric");
    Some(match (module, name) {
        ("torch_utils.persistence", "_reconstruct_persistent_obj") => Global::ReconstructPersistent,
        ("torch._utils", "_rebuild_tensor_v2") => Global::RebuildTensorV2,
        ("torch._utils", "_rebuild_parameter") => Global::RebuildParameter,
        ("torch._utils", "_rebuild_parameter_with_state") => Global::RebuildParameterWithState,
        ("torch.storage", "_load_from_bytes") => Global::LoadFromBytes,
        ("collections", "OrderedDict") => Global::OrderedDict,
        ("dnnlib.util", "EasyDict") => Global::EasyDict,
        ("builtins" | "__builtin__", "set") => Global::Set,
        ("builtins" | "__builtin__", "frozenset") => Global::FrozenSet,
        (_, "scalar") if numpy_multiarray => Global::NpScalar,
        (_, "_reconstruct") if numpy_multiarray => Global::NpReconstruct,
        (_, "_frombuffer") if numpy_numeric => Global::NpFromBuffer,
        ("numpy", "dtype") => Global::NpDtype,
        ("numpy", "ndarray") => Global::NpNdarray,
        ("_codecs", "encode") => Global::CodecsEncode,
        ("dnnlib.tflib.network", "Network") => Global::TfNetwork,
        _ => return None,
    })
}

/// `torch.<Kind>Storage` → element type.
fn storage_type(module: &str, name: &str) -> Option<DType> {
    if module != "torch" {
        return None;
    }
    Some(match name {
        "FloatStorage" => DType::F32,
        "HalfStorage" => DType::F16,
        "BFloat16Storage" => DType::BF16,
        "DoubleStorage" => DType::F64,
        "LongStorage" => DType::I64,
        "IntStorage" => DType::I32,
        "ShortStorage" => DType::I16,
        "CharStorage" => DType::I8,
        "ByteStorage" => DType::U8,
        "BoolStorage" => DType::Bool,
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn refuses_everything_off_the_list() {
        for (m, n) in
            [("os", "system"), ("builtins", "eval"), ("posix", "system"), ("subprocess", "Popen"), ("torch", "load")]
        {
            let e = Global::resolve(m, n, Context::Network, 7).unwrap_err();
            assert_eq!(e.offset, 7);
            assert_eq!(e.kind, PickleErrorKind::RefusedGlobal { module: m.into(), name: n.into() });
            assert!(e.to_string().contains(&format!("{m}.{n}")), "{e}");
        }
    }

    #[test]
    fn storage_types_only_inside_payloads() {
        assert!(Global::resolve("torch", "FloatStorage", Context::Network, 0).is_err());
        assert_eq!(
            Global::resolve("torch", "FloatStorage", Context::StoragePayload, 0).unwrap(),
            Global::StorageType(DType::F32)
        );
        assert!(Global::resolve("collections", "OrderedDict", Context::StoragePayload, 0).is_err());
        assert_eq!(Global::resolve("numpy._core.multiarray", "scalar", Context::Network, 0).unwrap(), Global::NpScalar);
    }
}
