//! The JSON document stored under the `stylescope` metadata key (see the module docs).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The metadata key holding the JSON document.
pub const METADATA_KEY: &str = "stylescope";
/// The version written, and the only one read.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileMeta {
    pub format_version: u32,
    pub networks: Vec<NetworkMeta>,
    pub source: SourceMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_set_kwargs: Option<Value>,
    /// A display name for the model (`convert --title`), shown as the window's view title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkMeta {
    pub key: String,
    pub prefix: String,
    pub class_name: String,
    /// `generator`, `discriminator` or `other`.
    pub kind: String,
    #[serde(default)]
    pub config: Value,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub init_kwargs: Value,
    pub modules: Vec<ModuleMeta>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModuleMeta {
    pub path: String,
    pub class_name: String,
    pub params: Vec<(String, Vec<usize>)>,
    pub buffers: Vec<(String, Option<Vec<usize>>)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceMeta {
    /// The file name the networks were converted from.
    pub file: String,
    /// `nvidia-pickle` or `safetensors`.
    pub format: String,
    #[serde(default)]
    pub protocol: Option<u8>,
}
