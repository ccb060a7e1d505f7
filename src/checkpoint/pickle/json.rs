//! Plain attribute values as JSON (for the architecture builders and `inspect`): numbers, strings,
//! lists, tuples, dicts, sets, NumPy scalars (already numbers) and arrays (nested lists).
//! Recursive with a depth limit (hostile graphs may be cyclic through the memo); every node is
//! charged to the budget (shared sub-objects are expanded each time they are referenced).
//! Objects with no JSON form become `{"$object": "<kind>"}` so unrelated attributes never fail a load.

use serde_json::{Map, Number, Value};

use super::arena::Arena;
use super::budget::Budget;
use super::error::{PickleError, PickleErrorKind, PickleResult};
use super::numpy::NpValue;
use super::object::{Id, Obj};

/// Deepest nesting of attribute values.
pub const MAX_JSON_DEPTH: usize = 64;
/// Bytes charged per JSON node.
const NODE_COST: u64 = 64;

/// Converts object `id` to JSON.
pub fn to_json(arena: &Arena<'_>, id: Id, budget: &mut Budget) -> PickleResult<Value> {
    convert(arena, id, budget, 0)
}

fn float(v: f64) -> Value {
    // JSON has no NaN or infinity: keep them as strings rather than lose them.
    Number::from_f64(v).map_or_else(|| Value::String(v.to_string()), Value::Number)
}

fn np_value(v: NpValue) -> Value {
    match v {
        NpValue::Bool(b) => Value::Bool(b),
        NpValue::Int(i) => Value::from(i),
        NpValue::Float(f) => float(f),
    }
}

fn object(kind: &str) -> Value {
    let mut m = Map::new();
    m.insert("$object".into(), Value::String(kind.into()));
    Value::Object(m)
}

/// A dict key as a JSON object key (strings; ints, floats and bools in their text form).
fn key_text(arena: &Arena<'_>, id: Id) -> PickleResult<String> {
    Ok(match arena.get(id) {
        Obj::Str(s) => s.to_string(),
        Obj::Int(v) => v.to_string(),
        Obj::Float(v) => v.to_string(),
        Obj::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Obj::None => "None".to_string(),
        _ => return Err(arena.type_error(id, "a string dict key")),
    })
}

fn convert(arena: &Arena<'_>, id: Id, budget: &mut Budget, depth: usize) -> PickleResult<Value> {
    let at = arena.offset(id);
    if depth > MAX_JSON_DEPTH {
        return Err(PickleError::new(at, PickleErrorKind::TooDeep { limit: MAX_JSON_DEPTH }));
    }
    budget.charge(NODE_COST, at)?;
    Ok(match arena.get(id) {
        Obj::None => Value::Null,
        Obj::Bool(b) => Value::Bool(*b),
        Obj::Int(v) => Value::from(*v),
        Obj::BigInt(_) => object("big int"),
        Obj::Float(v) => float(*v),
        Obj::Str(s) => {
            budget.charge(s.len() as u64, at)?;
            Value::String(s.to_string())
        }
        Obj::Bytes(b) => {
            budget.charge_items(b.len(), NODE_COST as usize, at)?;
            Value::Array(b.iter().map(|&x| Value::from(x)).collect())
        }
        Obj::Tuple(items) | Obj::List(items) | Obj::Set(items) => {
            Value::Array(items.iter().map(|&i| convert(arena, i, budget, depth + 1)).collect::<PickleResult<_>>()?)
        }
        Obj::Dict(pairs) => {
            let mut m = Map::new();
            for &(k, v) in pairs {
                let key = key_text(arena, k)?;
                let value = convert(arena, v, budget, depth + 1)?;
                m.insert(key, value);
            }
            Value::Object(m)
        }
        Obj::NdArray(a) => {
            let Some(numel) = super::numpy::NdArray::numel(&a.shape) else {
                return Err(arena.invalid(id, "numpy array size overflows"));
            };
            budget.charge_items(numel, NODE_COST as usize, at)?;
            let flat: Vec<Value> = (0..numel)
                .map(|i| a.element(i).map(np_value).ok_or_else(|| arena.invalid(id, "numpy array without data")))
                .collect::<PickleResult<_>>()?;
            nest(flat, &a.shape)
        }
        Obj::Global(g) => object(g.python_name()),
        Obj::Persistent(_) => object("persistent object"),
        Obj::PersistentId(_) => object("persistent id"),
        Obj::Storage(_) => object("storage"),
        Obj::Tensor(_) => object("tensor"),
        Obj::NpDtype(_) => object("numpy dtype"),
        Obj::TfNetwork => object("TensorFlow network"),
    })
}

/// Reshapes a flat row-major list into nested arrays (a 0-d array becomes its single value).
fn nest(flat: Vec<Value>, shape: &[usize]) -> Value {
    match shape {
        [] => flat.into_iter().next().unwrap_or(Value::Null),
        [_] => Value::Array(flat),
        [_, rest @ ..] => {
            let inner: usize = rest.iter().product();
            if inner == 0 {
                return Value::Array(Vec::new());
            }
            let mut rows = Vec::new();
            let mut it = flat.into_iter().peekable();
            while it.peek().is_some() {
                let chunk: Vec<Value> = it.by_ref().take(inner).collect();
                rows.push(nest(chunk, rest));
            }
            Value::Array(rows)
        }
    }
}
