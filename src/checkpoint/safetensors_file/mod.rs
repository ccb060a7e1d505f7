//! stylescope's own checkpoint format: a [safetensors](https://github.com/huggingface/safetensors)
//! file whose tensors keep their PyTorch state-dict names and whose metadata carries the
//! architecture, so it opens without Python and without the pickle machine.
//!
//! # Format (version 1)
//!
//! - **Tensors**: every parameter and non-`None` buffer of the stored networks, in their original
//!   dtype, under their state-dict names. A file holding one network uses bare names
//!   (`mapping.fc0.weight`); a file holding several prefixes each with its key
//!   (`G_ema.mapping.fc0.weight`, `D.b64.conv0.weight`).
//! - **Metadata**: the safetensors `__metadata__` string map has the key `stylescope`, whose value
//!   is a JSON document:
//!
//! ```json
//! {
//!   "format_version": 1,
//!   "networks": [{
//!     "key": "G_ema",               // the snapshot key (G, D, G_ema, augment_pipe)
//!     "prefix": "",                 // prepended to the tensor names of this network
//!     "class_name": "Generator",
//!     "kind": "generator",          // "generator" | "discriminator" | "other"
//!     "config": { "family": "stylegan3", ... },  // GeneratorConfig / DiscriminatorConfig as JSON
//!     "description": null,          // for "other": what the network is
//!     "init_kwargs": { ... },       // the pickle's _init_kwargs
//!     "modules": [                  // module order; tensors follow it (state-dict order)
//!       {"path": "", "class_name": "Generator", "params": [], "buffers": []},
//!       {"path": "mapping.fc0", "class_name": "FullyConnectedLayer",
//!        "params": [["weight", [64, 64]], ["bias", [64]]], "buffers": []},
//!       {"path": "synthesis.L14_64_3", ..., "buffers": [["magnitude_ema", []], ["up_filter", null]]}
//!     ]
//!   }],
//!   "source": {"file": "network-snapshot-000100.pkl", "format": "nvidia-pickle", "protocol": 4},
//!   "training_set_kwargs": { ... }, // when the source had them
//!   "title": "toyfaces StyleGAN2"   // optional display name (`convert --title`)
//! }
//! ```
//!
//! A `null` buffer shape records a `None` buffer (no tensor). Floats in `config` are written in
//! their shortest round-trip form, so a file reads back bit-identical. Files are written to a
//! temporary file in the destination folder and renamed into place.

mod meta;
mod read;
mod write;

pub use meta::{FORMAT_VERSION, METADATA_KEY};
pub use read::read_safetensors;
pub use write::write_safetensors;
