//! Persistent modules (`torch_utils.persistence`, reference-stylegan.md §3.3–3.4) as a tree of
//! [`ModuleNode`]s: class name, parameters and buffers (materialised), children in registration
//! order, and the plain attributes as JSON.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::pickle::json::to_json;
use super::pickle::{Arena, Budget, Id, Obj, PickleError, PickleErrorKind, PickleResult};
use super::{HostTensor, ModuleSummary};

/// Deepest module nesting accepted (real networks nest 4–5 levels; cycles end here).
pub const MAX_MODULE_DEPTH: usize = 32;
/// How much of `module_src` is kept (its docstring identifies the family).
const SOURCE_HEAD: usize = 4096;
/// Bytes charged per module node.
const NODE_COST: u64 = 1024;

/// One `torch.nn.Module` of a network pickle.
#[derive(Clone, Debug)]
pub struct ModuleNode {
    pub class_name: String,
    /// The first few KiB of `meta['module_src']`.
    pub source_head: String,
    /// `_parameters` in order (`None` entries kept as `None`).
    pub params: Vec<(String, Option<HostTensor>)>,
    /// `_buffers` in order (`None` entries kept as `None`).
    pub buffers: Vec<(String, Option<HostTensor>)>,
    /// `_modules` in registration order (`None` children skipped).
    pub children: Vec<(String, ModuleNode)>,
    /// Plain attributes of the module's `__dict__` (no underscore names, no `training`).
    pub attrs: Map<String, Value>,
    pub init_args: Value,
    pub init_kwargs: Value,
    /// Byte offset of the module's object in the pickle.
    pub offset: u64,
    /// Position of each child in `children` (lookups stay O(1) on hostile, huge modules).
    child_index: HashMap<String, usize>,
}

/// Inserts `(name, value)` with Python dict semantics: a repeated name replaces the value in
/// its first position.
fn insert_named<T>(items: &mut Vec<(String, T)>, index: &mut HashMap<String, usize>, name: String, value: T) {
    match index.get(&name).and_then(|&i| items.get_mut(i)) {
        Some(item) => item.1 = value,
        None => {
            index.insert(name.clone(), items.len());
            items.push((name, value));
        }
    }
}

fn head(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

impl ModuleNode {
    /// An empty module of class `class_name` (for tools and tests that build trees by hand).
    pub fn new(class_name: impl Into<String>) -> Self {
        ModuleNode {
            class_name: class_name.into(),
            source_head: String::new(),
            params: Vec::new(),
            buffers: Vec::new(),
            children: Vec::new(),
            attrs: Map::new(),
            init_args: Value::Null,
            init_kwargs: Value::Null,
            offset: 0,
            child_index: HashMap::new(),
        }
    }

    /// Adds (or replaces) child `name`.
    pub fn push_child(&mut self, name: impl Into<String>, child: ModuleNode) {
        insert_named(&mut self.children, &mut self.child_index, name.into(), child);
    }

    /// Reads the persistent module `id` (a `_reconstruct_persistent_obj(meta)` object).
    pub fn from_pickle(arena: &Arena<'_>, id: Id, budget: &mut Budget) -> PickleResult<Self> {
        Self::read(arena, id, budget, 0)
    }

    fn read(arena: &Arena<'_>, id: Id, budget: &mut Budget, depth: usize) -> PickleResult<Self> {
        let offset = arena.offset(id);
        if depth > MAX_MODULE_DEPTH {
            return Err(PickleError::new(offset, PickleErrorKind::TooDeep { limit: MAX_MODULE_DEPTH }));
        }
        budget.charge(NODE_COST, offset)?;
        let meta = match arena.get(id) {
            Obj::Persistent(meta) => *meta,
            _ => return Err(arena.type_error(id, "a persistent network module")),
        };
        if let Some(t) = arena.dict_get(meta, "type")? {
            let t = arena.str(t)?;
            if t != "class" {
                return Err(arena.invalid(meta, format!("persistent object of type `{t}`, expected `class`")));
            }
        }
        let version = arena.int(arena.dict_require(meta, "version")?)?;
        if version != 6 {
            return Err(PickleError::new(
                offset,
                PickleErrorKind::Unsupported(format!("persistence format version {version} (expected 6)")),
            ));
        }
        let class_name = arena.str(arena.dict_require(meta, "class_name")?)?.to_string();
        let source_head = match arena.dict_get(meta, "module_src")? {
            Some(src) if !arena.is_none(src) => head(arena.str(src)?, SOURCE_HEAD),
            _ => String::new(),
        };
        let state = arena.dict_require(meta, "state")?;

        let mut node = ModuleNode { source_head, offset, ..ModuleNode::new(class_name) };
        for &(k, v) in arena.dict(state)? {
            let key = arena.str(k)?;
            match key {
                "_parameters" => node.params = read_tensors(arena, v, budget)?,
                "_buffers" => node.buffers = read_tensors(arena, v, budget)?,
                "_modules" => {
                    node.children.clear();
                    node.child_index.clear();
                    for &(ck, cv) in tensor_dict(arena, v)? {
                        if arena.is_none(cv) {
                            continue;
                        }
                        let name = arena.str(ck)?.to_string();
                        node.push_child(name, Self::read(arena, cv, budget, depth + 1)?);
                    }
                }
                "_init_args" => node.init_args = to_json(arena, v, budget)?,
                "_init_kwargs" => node.init_kwargs = to_json(arena, v, budget)?,
                "training" => {}
                _ if key.starts_with('_') => {}
                _ => {
                    let value = to_json(arena, v, budget)?;
                    node.attrs.insert(key.to_string(), value);
                }
            }
        }
        Ok(node)
    }

    pub fn child(&self, name: &str) -> Option<&ModuleNode> {
        self.child_index.get(name).and_then(|&i| self.children.get(i)).map(|(_, c)| c)
    }

    /// Parameter `name` (not `None`).
    pub fn param(&self, name: &str) -> Option<&HostTensor> {
        self.params.iter().rev().find(|(n, _)| n == name).and_then(|(_, t)| t.as_ref())
    }

    /// Every parameter and buffer under its state-dict name, in state-dict order (per module its
    /// parameters, then its buffers, then its children; `None` entries skipped).
    /// Consumes the tree (the tensors are moved, not copied).
    pub fn into_tensors(self) -> Vec<(String, HostTensor)> {
        let mut out = Vec::new();
        self.collect_tensors("", &mut out);
        out
    }

    fn collect_tensors(self, prefix: &str, out: &mut Vec<(String, HostTensor)>) {
        for (name, t) in self.params.into_iter().chain(self.buffers) {
            if let Some(t) = t {
                out.push((format!("{prefix}{name}"), t));
            }
        }
        for (name, child) in self.children {
            child.collect_tensors(&format!("{prefix}{name}."), out);
        }
    }

    /// The per-module table, in module order (the network itself first, with path `""`).
    pub fn summaries(&self) -> Vec<ModuleSummary> {
        let mut out = Vec::new();
        self.collect_summaries("", &mut out);
        out
    }

    fn collect_summaries(&self, path: &str, out: &mut Vec<ModuleSummary>) {
        out.push(ModuleSummary {
            path: path.to_string(),
            class_name: self.class_name.clone(),
            params: self.params.iter().filter_map(|(n, t)| t.as_ref().map(|t| (n.clone(), t.shape.clone()))).collect(),
            buffers: self.buffers.iter().map(|(n, t)| (n.clone(), t.as_ref().map(|t| t.shape.clone()))).collect(),
        });
        for (name, child) in &self.children {
            let child_path = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
            child.collect_summaries(&child_path, out);
        }
    }

    /// The module's class, attributes, constructor arguments and children as one JSON tree
    /// (children as an ordered list), for consumers that need more than the typed configs.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("class_name".into(), Value::String(self.class_name.clone()));
        m.insert("attrs".into(), Value::Object(self.attrs.clone()));
        m.insert("init_args".into(), self.init_args.clone());
        m.insert("init_kwargs".into(), self.init_kwargs.clone());
        let children = self
            .children
            .iter()
            .map(|(name, c)| {
                let mut v = c.to_json();
                if let Value::Object(o) = &mut v {
                    o.insert("name".into(), Value::String(name.clone()));
                }
                v
            })
            .collect();
        m.insert("modules".into(), Value::Array(children));
        Value::Object(m)
    }
}

/// `_parameters` / `_buffers` / `_modules`: a dict or OrderedDict (or `None`: empty).
fn tensor_dict<'x>(arena: &'x Arena<'_>, id: Id) -> PickleResult<&'x [(Id, Id)]> {
    if arena.is_none(id) {
        return Ok(&[]);
    }
    arena.dict(id)
}

fn read_tensors(arena: &Arena<'_>, id: Id, budget: &mut Budget) -> PickleResult<Vec<(String, Option<HostTensor>)>> {
    let mut out = Vec::new();
    let mut index = HashMap::new();
    for &(k, v) in tensor_dict(arena, id)? {
        let name = arena.str(k)?.to_string();
        let tensor = match arena.get(v) {
            Obj::None => None,
            Obj::Tensor(view) => {
                let storage = match arena.get(view.storage) {
                    Obj::Storage(s) => s,
                    _ => return Err(arena.type_error(view.storage, "a storage")),
                };
                Some(view.materialize(storage, budget, arena.offset(v))?)
            }
            _ => return Err(arena.type_error(v, "a tensor or None")),
        };
        insert_named(&mut out, &mut index, name, tensor);
    }
    Ok(out)
}
