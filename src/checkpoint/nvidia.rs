//! NVIDIA's network snapshot pickles (reference-stylegan.md §3.1): the dict `G`, `D`, `G_ema`,
//! `augment_pipe`, `training_set_kwargs` (extra keys ignored), read with the restricted pickle
//! machine and turned into [`Network`]s with typed architectures.

use std::collections::HashMap;
use std::path::Path;

use crate::nn::config::GeneratorConfig;
use crate::{Error, Result};

use super::arch_d::discriminator_config;
use super::arch_sg2::sg2_config;
use super::arch_sg3::sg3_config;
use super::family::{self, Family};
use super::module_tree::ModuleNode;
use super::module_view::ModuleView;
use super::pickle::{self, Arena, Budget, Id, Obj};
use super::{Checkpoint, CheckpointFormat, Network, NetworkKind};

/// The network keys of a snapshot, in the order NVIDIA writes them.
const NETWORK_KEYS: [&str; 4] = ["G", "D", "G_ema", "augment_pipe"];

/// Reads a snapshot pickle from `data` (the error is not yet wrapped with the file name).
pub fn read_pickle(data: &[u8], path: &Path) -> Result<Checkpoint> {
    let mut budget = Budget::for_input(data.len());
    let loaded = pickle::load(data, &mut budget)?;
    let arena = &loaded.arena;
    let root = loaded.root;

    let pairs = match arena.get(root) {
        Obj::Dict(pairs) => pairs.clone(),
        Obj::Tuple(items) if is_tensorflow_snapshot(arena, items) => {
            return Err(Error::Unsupported(
                "a TensorFlow-era StyleGAN2 pickle (a tuple (G, D, Gs) of dnnlib.tflib.network.Network objects); \
                 convert it once with NVIDIA's `legacy.py --source=… --dest=…` and open the result"
                    .into(),
            ));
        }
        other => {
            return Err(Error::Format(format!(
                "not a network snapshot: the pickle holds {} instead of a dict of networks",
                other.type_name()
            )));
        }
    };

    // Last value per key, in first-appearance order (Python dict semantics).
    let mut entries: Vec<(String, Id)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (k, v) in pairs {
        let Obj::Str(key) = arena.get(k) else { continue };
        match index.get(key.as_ref()) {
            Some(&i) => entries[i].1 = v,
            None => {
                index.insert(key.to_string(), entries.len());
                entries.push((key.to_string(), v));
            }
        }
    }

    let mut networks = Vec::new();
    let mut training_set_kwargs = None;
    for (key, value) in entries {
        if NETWORK_KEYS.contains(&key.as_str()) {
            if arena.is_none(value) {
                continue;
            }
            let node = ModuleNode::from_pickle(arena, value, &mut budget)?;
            networks.push(network_from_node(&key, node)?);
        } else if key == "training_set_kwargs" && !arena.is_none(value) {
            training_set_kwargs = Some(pickle::json::to_json(arena, value, &mut budget)?);
        }
    }
    if networks.is_empty() {
        return Err(Error::Format("the pickle holds no networks (no G, D or G_ema)".into()));
    }
    Ok(Checkpoint {
        path: path.to_path_buf(),
        format: CheckpointFormat::NvidiaPickle { protocol: loaded.protocol },
        networks,
        training_set_kwargs,
        title: None,
    })
}

fn is_tensorflow_snapshot(arena: &Arena<'_>, items: &[Id]) -> bool {
    !items.is_empty() && items.iter().all(|&i| matches!(arena.get(i), Obj::TfNetwork))
}

/// The typed architecture of a generator module.
pub fn generator_config(key: &str, node: &ModuleNode) -> Result<GeneratorConfig> {
    let view = ModuleView::new(node, key);
    match family::detect(node) {
        Some(Family::StyleGan3) => Ok(GeneratorConfig::StyleGan3(sg3_config(&view)?)),
        Some(Family::StyleGan2) => Ok(GeneratorConfig::StyleGan2(sg2_config(&view)?)),
        None => Err(Error::Unsupported(format!(
            "`{key}` is {}: not a StyleGAN2 or StyleGAN3 generator (forks such as EG3D or StyleGAN-XL are not supported)",
            family::describe(node)
        ))),
    }
}

/// The typed architecture of a discriminator module. A `D` that does not have the structure of
/// NVIDIA's discriminator is kept as [`NetworkKind::Other`] (with the reason), so that the
/// generators of the file still open.
fn discriminator_kind(key: &str, node: &ModuleNode) -> NetworkKind {
    match discriminator_config(&ModuleView::new(node, key)) {
        Ok(config) => NetworkKind::Discriminator(config),
        Err(e) => NetworkKind::Other(format!("{} (not usable as a discriminator: {e})", node.class_name)),
    }
}

/// Classifies network `key` and moves its tensors out of the tree.
fn network_from_node(key: &str, node: ModuleNode) -> Result<Network> {
    let kind = match (key, node.class_name.as_str()) {
        ("G" | "G_ema", _) | (_, "Generator") => NetworkKind::Generator(generator_config(key, &node)?),
        (_, "Discriminator") => discriminator_kind(key, &node),
        (_, class) => NetworkKind::Other(class.to_string()),
    };
    let class_name = node.class_name.clone();
    let modules = node.summaries();
    let init_kwargs = node.init_kwargs.clone();
    let tensors = node.into_tensors();
    Ok(Network { key: key.to_string(), class_name, kind, tensors, modules, init_kwargs })
}
