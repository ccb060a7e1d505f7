//! `REDUCE`, `NEWOBJ` and `BUILD` on allow-listed globals, interpreted as data constructors
//! (reference-stylegan.md §3.7). Arguments are checked for type and size; nothing is executed.

use std::borrow::Cow;

use super::error::{PickleErrorKind, PickleResult};
use super::globals::Global;
use super::machine::Machine;
use super::numpy::{NdArray, NpDtype, NpValue};
use super::object::{Id, Obj};
use super::storage::Storage;
use super::tensor::{MAX_DIMS, TensorView};

impl<'a> Machine<'a, '_> {
    fn expect_args(&self, global: Global, args: &[Id], counts: &[usize]) -> PickleResult<()> {
        if counts.contains(&args.len()) {
            Ok(())
        } else {
            Err(self.invalid(format!(
                "{} called with {} arguments (expected {})",
                global.python_name(),
                args.len(),
                counts.iter().map(usize::to_string).collect::<Vec<_>>().join(" or ")
            )))
        }
    }

    /// `callable(*args)` for an allow-listed global: returns the id of the constructed object.
    pub(super) fn call(&mut self, global: Global, args: &[Id]) -> PickleResult<Id> {
        match global {
            Global::ReconstructPersistent => {
                self.expect_args(global, args, &[1])?;
                self.arena.dict(args[0])?;
                self.new_obj(Obj::Persistent(args[0]))
            }
            Global::RebuildTensorV2 => self.rebuild_tensor(global, args),
            Global::RebuildParameter | Global::RebuildParameterWithState => {
                self.expect_args(global, args, if global == Global::RebuildParameter { &[3] } else { &[4] })?;
                match self.arena.get(args[0]) {
                    Obj::Tensor(_) => Ok(args[0]),
                    _ => Err(self.arena.type_error(args[0], "a tensor")),
                }
            }
            Global::LoadFromBytes => {
                self.expect_args(global, args, &[1])?;
                self.load_storage(args[0])
            }
            Global::OrderedDict | Global::EasyDict => self.dict_from_args(global, args),
            Global::Set | Global::FrozenSet => {
                self.expect_args(global, args, &[0, 1])?;
                let items = match args.first() {
                    None => Vec::new(),
                    Some(&it) => match self.arena.get(it) {
                        Obj::List(v) | Obj::Tuple(v) | Obj::Set(v) => v.clone(),
                        _ => return Err(self.arena.type_error(it, "a list, tuple or set")),
                    },
                };
                self.budget.charge_items(items.len(), std::mem::size_of::<Id>(), self.at)?;
                self.new_obj(Obj::Set(items))
            }
            Global::NpScalar => self.np_scalar(global, args),
            Global::NpDtype => {
                self.expect_args(global, args, &[1, 2, 3])?;
                let descr = self.arena.str(args[0])?;
                let dtype = NpDtype::parse(descr)
                    .ok_or_else(|| self.err(PickleErrorKind::Unsupported(format!("numpy dtype `{descr}`"))))?;
                self.new_obj(Obj::NpDtype(dtype))
            }
            Global::NpReconstruct => {
                self.expect_args(global, args, &[3])?;
                if !matches!(self.arena.get(args[0]), Obj::Global(Global::NpNdarray)) {
                    return Err(self.arena.type_error(args[0], "numpy.ndarray"));
                }
                self.new_obj(Obj::NdArray(Box::new(NdArray::uninitialised())))
            }
            Global::NpFromBuffer => {
                self.expect_args(global, args, &[4])?;
                let dtype = self.np_dtype(args[1])?;
                let shape = self.usize_tuple(args[2])?;
                let fortran_order = self.arena.str(args[3])? == "F";
                let data = self.raw_bytes(args[0])?;
                self.new_array(dtype, shape, fortran_order, data)
            }
            Global::CodecsEncode => {
                self.expect_args(global, args, &[2])?;
                let encoding = self.arena.str(args[1])?;
                if !matches!(encoding, "latin1" | "latin-1" | "iso-8859-1" | "ISO-8859-1") {
                    return Err(self.err(PickleErrorKind::Unsupported(format!("_codecs.encode to `{encoding}`"))));
                }
                let bytes = self.latin1_bytes(args[0])?;
                self.new_obj(Obj::Bytes(Cow::Owned(bytes)))
            }
            Global::NpNdarray | Global::StorageType(_) | Global::TfNetwork => {
                Err(self.invalid(format!("{} cannot be called here", global.python_name())))
            }
        }
    }

    /// `cls.__new__(cls, *args)` (`NEWOBJ`, `NEWOBJ_EX`).
    pub(super) fn new_instance(&mut self, global: Global, args: &[Id]) -> PickleResult<Id> {
        match global {
            Global::OrderedDict | Global::EasyDict if args.is_empty() => self.new_obj(Obj::Dict(Vec::new())),
            Global::Set | Global::FrozenSet if args.is_empty() => self.new_obj(Obj::Set(Vec::new())),
            Global::TfNetwork => self.new_obj(Obj::TfNetwork),
            _ => Err(self.invalid(format!(
                "{} cannot be instantiated with NEWOBJ({} args)",
                global.python_name(),
                args.len()
            ))),
        }
    }

    /// `BUILD`: sets the state of `target` (numpy arrays and dtypes, EasyDicts, TF networks).
    pub(super) fn build(&mut self, target: Id, state: Id) -> PickleResult<()> {
        match self.arena.get(target) {
            Obj::NdArray(a) if a.dtype.is_none() => self.build_array(target, state),
            Obj::NpDtype(_) => {
                let items = self.arena.tuple(state)?;
                let order = match items.get(1) {
                    Some(&o) => self.arena.str(o)?.to_string(),
                    None => return Err(self.arena.invalid(state, "numpy dtype state without a byte order")),
                };
                if let Some(Obj::NpDtype(d)) = self.arena.get_mut(target) {
                    d.set_byteorder(&order);
                }
                Ok(())
            }
            Obj::Dict(_) => {
                // EasyDict: its attributes are its items; an empty state (or None) changes nothing.
                match self.arena.get(state) {
                    Obj::None => Ok(()),
                    Obj::Dict(pairs) => {
                        let pairs = pairs.clone();
                        self.budget.charge_items(pairs.len(), 2 * std::mem::size_of::<(Id, Id)>(), self.at)?;
                        if let Some(Obj::Dict(d)) = self.arena.get_mut(target) {
                            d.extend(pairs);
                        }
                        Ok(())
                    }
                    _ => Err(self.arena.type_error(state, "a dict")),
                }
            }
            Obj::TfNetwork => Ok(()),
            _ => Err(self.arena.type_error(target, "an object that takes BUILD (numpy array or dtype, EasyDict)")),
        }
    }

    // -----------------------------------------------------------------------------------------

    fn usize_tuple(&self, id: Id) -> PickleResult<Vec<usize>> {
        let items = self.arena.sequence(id)?;
        if items.len() > MAX_DIMS {
            return Err(self.arena.invalid(id, format!("{} dimensions", items.len())));
        }
        items.iter().map(|&i| self.arena.usize(i)).collect()
    }

    fn np_dtype(&self, id: Id) -> PickleResult<NpDtype> {
        match self.arena.get(id) {
            Obj::NpDtype(d) => Ok(*d),
            _ => Err(self.arena.type_error(id, "a numpy dtype")),
        }
    }

    /// Text as Latin-1 bytes (each character must be below 256).
    fn latin1_bytes(&mut self, id: Id) -> PickleResult<Vec<u8>> {
        let s = self.arena.str(id)?;
        self.budget.charge(s.len() as u64, self.at)?;
        s.chars()
            .map(|c| u8::try_from(u32::from(c)).map_err(|_| self.arena.invalid(id, "text is not Latin-1")))
            .collect()
    }

    /// Raw bytes from a bytes object, or from Latin-1 text (protocol ≤ 2 byte strings).
    fn raw_bytes(&mut self, id: Id) -> PickleResult<Cow<'a, [u8]>> {
        match self.arena.get(id) {
            Obj::Bytes(b) => {
                let b = b.clone();
                if let Cow::Owned(v) = &b {
                    self.budget.charge(v.len() as u64, self.at)?;
                }
                Ok(b)
            }
            Obj::Str(_) => Ok(Cow::Owned(self.latin1_bytes(id)?)),
            _ => Err(self.arena.type_error(id, "bytes")),
        }
    }

    fn new_array(
        &mut self,
        dtype: NpDtype,
        shape: Vec<usize>,
        fortran_order: bool,
        data: Cow<'a, [u8]>,
    ) -> PickleResult<Id> {
        let expected = NdArray::numel(&shape).and_then(|n| n.checked_mul(dtype.size));
        if expected != Some(data.len()) {
            return Err(self.invalid(format!("numpy array of shape {shape:?} with {} data bytes", data.len())));
        }
        self.new_obj(Obj::NdArray(Box::new(NdArray { dtype: Some(dtype), shape, fortran_order, data })))
    }

    fn build_array(&mut self, target: Id, state: Id) -> PickleResult<()> {
        let items = self.arena.tuple(state)?.to_vec();
        let fields = match items.len() {
            5 => &items[1..],
            4 => &items[..],
            _ => return Err(self.arena.invalid(state, "numpy array state is not a 4- or 5-tuple")),
        };
        let shape = self.usize_tuple(fields[0])?;
        let dtype = self.np_dtype(fields[1])?;
        let fortran_order = self.arena.bool(fields[2])?;
        if matches!(self.arena.get(fields[3]), Obj::List(_)) {
            return Err(self.err(PickleErrorKind::Unsupported("numpy object arrays".into())));
        }
        let data = self.raw_bytes(fields[3])?;
        let expected = NdArray::numel(&shape).and_then(|n| n.checked_mul(dtype.size));
        if expected != Some(data.len()) {
            return Err(self.invalid(format!("numpy array of shape {shape:?} with {} data bytes", data.len())));
        }
        if let Some(Obj::NdArray(a)) = self.arena.get_mut(target) {
            **a = NdArray { dtype: Some(dtype), shape, fortran_order, data };
        }
        Ok(())
    }

    fn np_scalar(&mut self, global: Global, args: &[Id]) -> PickleResult<Id> {
        self.expect_args(global, args, &[2])?;
        let dtype = self.np_dtype(args[0])?;
        let data = self.raw_bytes(args[1])?;
        let value = dtype.decode(&data).ok_or_else(|| {
            self.invalid(format!("numpy scalar of {} bytes for a {}-byte dtype", data.len(), dtype.size))
        })?;
        match value {
            NpValue::Bool(b) => Ok(if b { super::arena::Arena::TRUE } else { super::arena::Arena::FALSE }),
            NpValue::Int(v) => self.new_obj(Obj::Int(v)),
            NpValue::Float(v) => self.new_obj(Obj::Float(v)),
        }
    }

    fn dict_from_args(&mut self, global: Global, args: &[Id]) -> PickleResult<Id> {
        self.expect_args(global, args, &[0, 1])?;
        let mut pairs = Vec::new();
        if let Some(&src) = args.first() {
            match self.arena.get(src) {
                Obj::Dict(p) => pairs = p.clone(),
                Obj::List(items) | Obj::Tuple(items) => {
                    for &item in items {
                        match self.arena.sequence(item)? {
                            [k, v] => pairs.push((*k, *v)),
                            _ => return Err(self.arena.invalid(item, "dict item is not a pair")),
                        }
                    }
                }
                _ => return Err(self.arena.type_error(src, "a dict or a list of pairs")),
            }
        }
        self.budget.charge_items(pairs.len(), std::mem::size_of::<(Id, Id)>(), self.at)?;
        self.new_obj(Obj::Dict(pairs))
    }

    fn rebuild_tensor(&mut self, global: Global, args: &[Id]) -> PickleResult<Id> {
        self.expect_args(global, args, &[6, 7])?;
        let storage_numel = match self.arena.get(args[0]) {
            Obj::Storage(s) => s.numel,
            _ => return Err(self.arena.type_error(args[0], "a storage")),
        };
        let offset = self.arena.usize(args[1])?;
        let shape = self.usize_tuple(args[2])?;
        let stride = self.usize_tuple(args[3])?;
        self.budget.charge_items(shape.len(), 2 * std::mem::size_of::<usize>(), self.at)?;
        let view = TensorView { storage: args[0], offset, shape, stride };
        view.validate(storage_numel, self.at)?;
        self.new_obj(Obj::Tensor(Box::new(view)))
    }

    fn load_storage(&mut self, payload: Id) -> PickleResult<Id> {
        let bytes = match self.arena.get(payload) {
            Obj::Bytes(b) => b.clone(),
            _ => return Err(self.arena.type_error(payload, "bytes")),
        };
        let storage = match bytes {
            Cow::Borrowed(p) => {
                // The payload is a slice of our input: report errors at their file offsets.
                let base = self.base + (p.as_ptr() as usize).saturating_sub(self.data.as_ptr() as usize) as u64;
                Storage::load_from_bytes(p, base, self.budget)?
            }
            Cow::Owned(v) => {
                let at = self.at;
                self.budget.charge(v.len() as u64, at)?;
                Storage::load_from_bytes(&v, at, self.budget)?.into_owned()
            }
        };
        self.new_obj(Obj::Storage(Box::new(storage)))
    }
}
