//! The restricted pickle machine: an iterative interpreter of protocols 0–5 that builds data in
//! an [`Arena`] and never executes anything. Globals are resolved through the allow-list at
//! `GLOBAL`/`STACK_GLOBAL` time; `REDUCE`, `NEWOBJ` and `BUILD` on them are interpreted as data
//! constructors ([`super::construct`]). Every length is checked against the bytes left, every
//! allocation is charged to the [`Budget`], and nesting is bounded.

use std::borrow::Cow;
use std::collections::HashMap;

use super::arena::Arena;
use super::budget::Budget;
use super::error::{PickleError, PickleErrorKind, PickleResult};
use super::globals::{Context, Global};
use super::object::{Id, Obj};
use super::opcode as op;
use super::text;

/// The deepest `MARK` nesting accepted.
pub const MAX_MARK_DEPTH: usize = 1000;

/// Bytes charged per new memo entry (hash map slot with growth).
const MEMO_ENTRY_COST: u64 = 48;
/// Bytes charged per new stack slot (with growth).
const STACK_SLOT_COST: u64 = 2 * std::mem::size_of::<Id>() as u64;

/// The result of running one pickle.
#[derive(Debug)]
pub struct Loaded<'a> {
    pub arena: Arena<'a>,
    pub root: Id,
    /// The `PROTO` number (0 when the pickle has none).
    pub protocol: u8,
    /// Position (in the machine's input) just after the `STOP` opcode.
    pub end: usize,
}

/// The machine state while running one pickle.
pub struct Machine<'a, 'b> {
    pub(super) data: &'a [u8],
    /// Absolute file offset of `data[0]` (errors always report file offsets).
    pub(super) base: u64,
    pub(super) pos: usize,
    pub(super) context: Context,
    pub(super) budget: &'b mut Budget,
    pub(super) arena: Arena<'a>,
    stack: Vec<Id>,
    marks: Vec<usize>,
    memo: HashMap<u64, Id>,
    stack_high_water: usize,
    protocol: u8,
    /// Offset of the opcode being executed.
    pub(super) at: u64,
}

impl<'a, 'b> Machine<'a, 'b> {
    /// Runs the pickle starting at `data[start]` until its `STOP`.
    pub fn run(
        data: &'a [u8],
        start: usize,
        base: u64,
        context: Context,
        budget: &'b mut Budget,
    ) -> PickleResult<Loaded<'a>> {
        let mut m = Machine {
            data,
            base,
            pos: start,
            context,
            budget,
            arena: Arena::new(),
            stack: Vec::new(),
            marks: Vec::new(),
            memo: HashMap::new(),
            stack_high_water: 0,
            protocol: 0,
            at: base,
        };
        let root = m.execute()?;
        Ok(Loaded { arena: m.arena, root, protocol: m.protocol, end: m.pos })
    }

    // -----------------------------------------------------------------------------------------
    // Errors and input

    pub(super) fn err(&self, kind: PickleErrorKind) -> PickleError {
        PickleError::new(self.at, kind)
    }

    pub(super) fn invalid(&self, msg: impl Into<String>) -> PickleError {
        self.err(PickleErrorKind::Invalid(msg.into()))
    }

    // -----------------------------------------------------------------------------------------
    // Stack, marks, memo

    pub(super) fn new_obj(&mut self, obj: Obj<'a>) -> PickleResult<Id> {
        self.arena.push(obj, self.at, self.budget)
    }

    fn push(&mut self, id: Id) -> PickleResult<()> {
        if self.stack.len() >= self.stack_high_water {
            self.budget.charge(STACK_SLOT_COST, self.at)?;
            self.stack_high_water = self.stack.len() + 1;
        }
        self.stack.push(id);
        Ok(())
    }

    fn push_new(&mut self, obj: Obj<'a>) -> PickleResult<()> {
        let id = self.new_obj(obj)?;
        self.push(id)
    }

    fn frame_start(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn pop(&mut self, what: &'static str) -> PickleResult<Id> {
        if self.stack.len() <= self.frame_start() {
            return Err(self.err(PickleErrorKind::StackUnderflow(what)));
        }
        self.stack.pop().ok_or_else(|| self.err(PickleErrorKind::StackUnderflow(what)))
    }

    fn top(&self, what: &'static str) -> PickleResult<Id> {
        if self.stack.len() <= self.frame_start() {
            return Err(self.err(PickleErrorKind::StackUnderflow(what)));
        }
        self.stack.last().copied().ok_or_else(|| self.err(PickleErrorKind::StackUnderflow(what)))
    }

    /// The items pushed since the last `MARK`, removing the mark.
    fn pop_mark(&mut self, what: &'static str) -> PickleResult<Vec<Id>> {
        let start = self.marks.pop().ok_or_else(|| self.err(PickleErrorKind::NoMark(what)))?;
        Ok(self.stack.split_off(start))
    }

    fn memo_put(&mut self, index: u64) -> PickleResult<()> {
        let id = self.top("PUT")?;
        if self.memo.insert(index, id).is_none() {
            self.budget.charge(MEMO_ENTRY_COST, self.at)?;
        }
        Ok(())
    }

    fn memo_get(&mut self, index: u64) -> PickleResult<()> {
        let id = *self.memo.get(&index).ok_or_else(|| self.err(PickleErrorKind::MissingMemo(index)))?;
        self.push(id)
    }

    // -----------------------------------------------------------------------------------------
    // Values

    fn push_int_bytes(&mut self, bytes: &'a [u8]) -> PickleResult<()> {
        match text::decode_long(bytes) {
            Some(v) => self.push_new(Obj::Int(v)),
            None => {
                self.budget.charge(bytes.len() as u64, self.at)?;
                self.push_new(Obj::BigInt(Cow::Borrowed(bytes)))
            }
        }
    }

    fn push_utf8(&mut self, bytes: &'a [u8]) -> PickleResult<()> {
        let s = std::str::from_utf8(bytes).map_err(|_| self.invalid("string is not valid UTF-8"))?;
        self.push_new(Obj::Str(Cow::Borrowed(s)))
    }

    /// Byte strings of protocol ≤ 2 (`STRING`, `BINSTRING`), decoded as Latin-1 text.
    fn push_latin1(&mut self, bytes: &'a [u8]) -> PickleResult<()> {
        let s = match std::str::from_utf8(bytes) {
            Ok(s) if s.is_ascii() => Cow::Borrowed(s),
            _ => {
                self.budget.charge_items(bytes.len(), 2, self.at)?;
                Cow::Owned(text::latin1_to_string(bytes))
            }
        };
        self.push_new(Obj::Str(s))
    }

    fn push_bytes(&mut self, bytes: &'a [u8]) -> PickleResult<()> {
        self.push_new(Obj::Bytes(Cow::Borrowed(bytes)))
    }

    fn push_global(&mut self, module: &str, name: &str) -> PickleResult<()> {
        let global = Global::resolve(module, name, self.context, self.at)?;
        self.push_new(Obj::Global(global))
    }

    // -----------------------------------------------------------------------------------------
    // Containers

    /// Appends `items` to the list, dict (pairs) or set `target`.
    fn extend(&mut self, target: Id, items: Vec<Id>, what: &'static str) -> PickleResult<()> {
        self.budget.charge_items(items.len(), 2 * std::mem::size_of::<(Id, Id)>(), self.at)?;
        let type_error = self.arena.type_error(
            target,
            match what {
                "SETITEM" | "SETITEMS" => "a dict",
                "ADDITEMS" => "a set",
                _ => "a list",
            },
        );
        let odd = !items.len().is_multiple_of(2);
        match (self.arena.get_mut(target), what) {
            (Some(Obj::List(list)), "APPEND" | "APPENDS") => list.extend(items),
            (Some(Obj::Set(set)), "ADDITEMS") => set.extend(items),
            (Some(Obj::Dict(dict)), "SETITEM" | "SETITEMS") => {
                if odd {
                    return Err(self.invalid("SETITEMS with an odd number of items"));
                }
                dict.extend(items.chunks_exact(2).map(|kv| (kv[0], kv[1])));
            }
            _ => return Err(type_error),
        }
        Ok(())
    }

    fn pairs(&self, items: &[Id]) -> PickleResult<Vec<(Id, Id)>> {
        if !items.len().is_multiple_of(2) {
            return Err(self.invalid("DICT with an odd number of items"));
        }
        Ok(items.chunks_exact(2).map(|kv| (kv[0], kv[1])).collect())
    }

    // -----------------------------------------------------------------------------------------
    // The loop

    fn execute(&mut self) -> PickleResult<Id> {
        loop {
            self.at = self.base + self.pos as u64;
            if self.pos >= self.data.len() {
                return Err(self.err(PickleErrorKind::MissingStop));
            }
            let code = self.read_u8()?;
            match code {
                op::STOP => return self.pop("STOP"),
                op::PROTO => {
                    let p = self.read_u8()?;
                    if p > op::HIGHEST_PROTOCOL {
                        return Err(self.err(PickleErrorKind::Unsupported(format!("pickle protocol {p}"))));
                    }
                    if self.protocol == 0 {
                        self.protocol = p;
                    }
                }
                op::FRAME => {
                    let n = self.read_u64()?;
                    let left = (self.data.len() - self.pos) as u64;
                    if n > left {
                        return Err(self.err(PickleErrorKind::Truncated { needed: n - left }));
                    }
                }
                op::MARK => {
                    if self.marks.len() >= MAX_MARK_DEPTH {
                        return Err(self.err(PickleErrorKind::TooDeep { limit: MAX_MARK_DEPTH }));
                    }
                    self.budget.charge(16, self.at)?;
                    self.marks.push(self.stack.len());
                }
                op::POP => {
                    if self.stack.len() > self.frame_start() {
                        self.stack.pop();
                    } else {
                        self.pop_mark("POP")?;
                    }
                }
                op::POP_MARK => {
                    self.pop_mark("POP_MARK")?;
                }
                op::DUP => {
                    let id = self.top("DUP")?;
                    self.push(id)?;
                }

                // Scalars
                op::NONE => self.push(Arena::NONE)?,
                op::NEWTRUE => self.push(Arena::TRUE)?,
                op::NEWFALSE => self.push(Arena::FALSE)?,
                op::INT => {
                    let line = self.read_line()?;
                    match text::parse_int_line(line) {
                        Some(text::IntLine::Bool(b)) => self.push(if b { Arena::TRUE } else { Arena::FALSE })?,
                        Some(text::IntLine::Int(v)) => self.push_new(Obj::Int(v))?,
                        None => return Err(self.invalid("bad INT literal")),
                    }
                }
                op::BININT => {
                    let v = i32::from_le_bytes(self.read_le()?);
                    self.push_new(Obj::Int(i64::from(v)))?;
                }
                op::BININT1 => {
                    let v = self.read_u8()?;
                    self.push_new(Obj::Int(i64::from(v)))?;
                }
                op::BININT2 => {
                    let v = u16::from_le_bytes(self.read_le()?);
                    self.push_new(Obj::Int(i64::from(v)))?;
                }
                op::LONG => {
                    let line = self.read_line()?;
                    let v =
                        text::parse_long_line(line).ok_or_else(|| self.invalid("bad or out-of-range LONG literal"))?;
                    self.push_new(Obj::Int(v))?;
                }
                op::LONG1 => {
                    let n = u64::from(self.read_u8()?);
                    let bytes = self.read(n)?;
                    self.push_int_bytes(bytes)?;
                }
                op::LONG4 => {
                    let n = i32::from_le_bytes(self.read_le()?);
                    let n = u64::try_from(n).map_err(|_| self.invalid("negative LONG4 length"))?;
                    let bytes = self.read(n)?;
                    self.push_int_bytes(bytes)?;
                }
                op::FLOAT => {
                    let line = self.read_line()?;
                    let v = text::parse_float_line(line).ok_or_else(|| self.invalid("bad FLOAT literal"))?;
                    self.push_new(Obj::Float(v))?;
                }
                op::BINFLOAT => {
                    let v = f64::from_be_bytes(self.read_le()?);
                    self.push_new(Obj::Float(v))?;
                }

                // Text and bytes
                op::STRING => {
                    let line = self.read_line()?;
                    let bytes = text::decode_string_literal(line).ok_or_else(|| self.invalid("bad STRING literal"))?;
                    self.budget.charge_items(bytes.len(), 2, self.at)?;
                    self.push_new(Obj::Str(Cow::Owned(text::latin1_to_string(&bytes))))?;
                }
                op::BINSTRING => {
                    let n = i32::from_le_bytes(self.read_le()?);
                    let n = u64::try_from(n).map_err(|_| self.invalid("negative BINSTRING length"))?;
                    let bytes = self.read(n)?;
                    self.push_latin1(bytes)?;
                }
                op::SHORT_BINSTRING => {
                    let n = u64::from(self.read_u8()?);
                    let bytes = self.read(n)?;
                    self.push_latin1(bytes)?;
                }
                op::UNICODE => {
                    let line = self.read_line()?;
                    self.budget.charge_items(line.len(), 4, self.at)?;
                    let s = text::decode_raw_unicode_escape(line).ok_or_else(|| self.invalid("bad UNICODE literal"))?;
                    self.push_new(Obj::Str(Cow::Owned(s)))?;
                }
                op::SHORT_BINUNICODE => {
                    let n = u64::from(self.read_u8()?);
                    let bytes = self.read(n)?;
                    self.push_utf8(bytes)?;
                }
                op::BINUNICODE => {
                    let n = self.read_u32()?;
                    let bytes = self.read(n)?;
                    self.push_utf8(bytes)?;
                }
                op::BINUNICODE8 => {
                    let n = self.read_u64()?;
                    let bytes = self.read(n)?;
                    self.push_utf8(bytes)?;
                }
                op::SHORT_BINBYTES => {
                    let n = u64::from(self.read_u8()?);
                    let bytes = self.read(n)?;
                    self.push_bytes(bytes)?;
                }
                op::BINBYTES => {
                    let n = self.read_u32()?;
                    let bytes = self.read(n)?;
                    self.push_bytes(bytes)?;
                }
                op::BINBYTES8 | op::BYTEARRAY8 => {
                    let n = self.read_u64()?;
                    let bytes = self.read(n)?;
                    self.push_bytes(bytes)?;
                }

                // Tuples
                op::EMPTY_TUPLE => self.push_new(Obj::Tuple(Vec::new()))?,
                op::TUPLE => {
                    let items = self.pop_mark("TUPLE")?;
                    self.budget.charge_items(items.len(), std::mem::size_of::<Id>(), self.at)?;
                    self.push_new(Obj::Tuple(items))?;
                }
                op::TUPLE1 | op::TUPLE2 | op::TUPLE3 => {
                    let n = usize::from(code - op::TUPLE1) + 1;
                    let mut items = vec![0; n];
                    for slot in items.iter_mut().rev() {
                        *slot = self.pop("TUPLE1/2/3")?;
                    }
                    self.push_new(Obj::Tuple(items))?;
                }

                // Lists
                op::EMPTY_LIST => self.push_new(Obj::List(Vec::new()))?,
                op::LIST => {
                    let items = self.pop_mark("LIST")?;
                    self.budget.charge_items(items.len(), std::mem::size_of::<Id>(), self.at)?;
                    self.push_new(Obj::List(items))?;
                }
                op::APPEND => {
                    let value = self.pop("APPEND")?;
                    let list = self.top("APPEND")?;
                    self.extend(list, vec![value], "APPEND")?;
                }
                op::APPENDS => {
                    let items = self.pop_mark("APPENDS")?;
                    let list = self.top("APPENDS")?;
                    self.extend(list, items, "APPENDS")?;
                }

                // Dicts
                op::EMPTY_DICT => self.push_new(Obj::Dict(Vec::new()))?,
                op::DICT => {
                    let items = self.pop_mark("DICT")?;
                    self.budget.charge_items(items.len(), std::mem::size_of::<(Id, Id)>(), self.at)?;
                    let pairs = self.pairs(&items)?;
                    self.push_new(Obj::Dict(pairs))?;
                }
                op::SETITEM => {
                    let value = self.pop("SETITEM")?;
                    let key = self.pop("SETITEM")?;
                    let dict = self.top("SETITEM")?;
                    self.extend(dict, vec![key, value], "SETITEM")?;
                }
                op::SETITEMS => {
                    let items = self.pop_mark("SETITEMS")?;
                    let dict = self.top("SETITEMS")?;
                    self.extend(dict, items, "SETITEMS")?;
                }

                // Sets
                op::EMPTY_SET => self.push_new(Obj::Set(Vec::new()))?,
                op::ADDITEMS => {
                    let items = self.pop_mark("ADDITEMS")?;
                    let set = self.top("ADDITEMS")?;
                    self.extend(set, items, "ADDITEMS")?;
                }
                op::FROZENSET => {
                    let items = self.pop_mark("FROZENSET")?;
                    self.budget.charge_items(items.len(), std::mem::size_of::<Id>(), self.at)?;
                    self.push_new(Obj::Set(items))?;
                }

                // Memo
                op::PUT => {
                    let line = self.read_line()?;
                    let index = self.line_index(line)?;
                    self.memo_put(index)?;
                }
                op::BINPUT => {
                    let index = u64::from(self.read_u8()?);
                    self.memo_put(index)?;
                }
                op::LONG_BINPUT => {
                    let index = self.read_u32()?;
                    self.memo_put(index)?;
                }
                op::MEMOIZE => {
                    let index = self.memo.len() as u64;
                    self.memo_put(index)?;
                }
                op::GET => {
                    let line = self.read_line()?;
                    let index = self.line_index(line)?;
                    self.memo_get(index)?;
                }
                op::BINGET => {
                    let index = u64::from(self.read_u8()?);
                    self.memo_get(index)?;
                }
                op::LONG_BINGET => {
                    let index = self.read_u32()?;
                    self.memo_get(index)?;
                }

                // Globals and construction
                op::GLOBAL => {
                    let module = self.read_line()?;
                    let name = self.read_line()?;
                    let (module, name) = self.global_names(module, name)?;
                    self.push_global(module, name)?;
                }
                op::STACK_GLOBAL => {
                    let name = self.pop("STACK_GLOBAL")?;
                    let module = self.pop("STACK_GLOBAL")?;
                    let module = self.arena.str(module)?.to_string();
                    let name = self.arena.str(name)?.to_string();
                    self.push_global(&module, &name)?;
                }
                op::INST => {
                    let module = self.read_line()?;
                    let name = self.read_line()?;
                    let (module, name) = self.global_names(module, name)?;
                    let global = Global::resolve(module, name, self.context, self.at)?;
                    let args = self.pop_mark("INST")?;
                    let id = self.call(global, &args)?;
                    self.push(id)?;
                }
                op::OBJ => {
                    let items = self.pop_mark("OBJ")?;
                    let (&class, args) =
                        items.split_first().ok_or_else(|| self.err(PickleErrorKind::StackUnderflow("OBJ")))?;
                    let global = self.callable(class)?;
                    let id = self.call(global, args)?;
                    self.push(id)?;
                }
                op::REDUCE => {
                    let args = self.pop("REDUCE")?;
                    let callable = self.pop("REDUCE")?;
                    let global = self.callable(callable)?;
                    let args = self.arena.tuple(args)?.to_vec();
                    let id = self.call(global, &args)?;
                    self.push(id)?;
                }
                op::NEWOBJ => {
                    let args = self.pop("NEWOBJ")?;
                    let class = self.pop("NEWOBJ")?;
                    let global = self.callable(class)?;
                    let args = self.arena.tuple(args)?.to_vec();
                    let id = self.new_instance(global, &args)?;
                    self.push(id)?;
                }
                op::NEWOBJ_EX => {
                    let kwargs = self.pop("NEWOBJ_EX")?;
                    let args = self.pop("NEWOBJ_EX")?;
                    let class = self.pop("NEWOBJ_EX")?;
                    if !self.arena.dict(kwargs)?.is_empty() {
                        return Err(self.invalid("NEWOBJ_EX with keyword arguments"));
                    }
                    let global = self.callable(class)?;
                    let args = self.arena.tuple(args)?.to_vec();
                    let id = self.new_instance(global, &args)?;
                    self.push(id)?;
                }
                op::BUILD => {
                    let state = self.pop("BUILD")?;
                    let target = self.top("BUILD")?;
                    self.build(target, state)?;
                }
                op::PERSID => {
                    let line = self.read_line()?;
                    self.check_persistent_allowed()?;
                    let s = std::str::from_utf8(line).map_err(|_| self.invalid("persistent id is not ASCII"))?;
                    let pid = self.new_obj(Obj::Str(Cow::Borrowed(s)))?;
                    self.push_new(Obj::PersistentId(pid))?;
                }
                op::BINPERSID => {
                    let pid = self.pop("BINPERSID")?;
                    self.check_persistent_allowed()?;
                    self.push_new(Obj::PersistentId(pid))?;
                }
                op::EXT1 | op::EXT2 | op::EXT4 => {
                    return Err(self.err(PickleErrorKind::Forbidden("the extension registry (EXT1/EXT2/EXT4)")));
                }
                op::NEXT_BUFFER | op::READONLY_BUFFER => {
                    return Err(
                        self.err(PickleErrorKind::Forbidden("an out-of-band buffer (NEXT_BUFFER/READONLY_BUFFER)"))
                    );
                }
                other => return Err(self.err(PickleErrorKind::UnknownOpcode(other))),
            }
        }
    }

    fn callable(&self, id: Id) -> PickleResult<Global> {
        match self.arena.get(id) {
            Obj::Global(g) => Ok(*g),
            _ => Err(self.arena.type_error(id, "an allow-listed global")),
        }
    }

    fn check_persistent_allowed(&self) -> PickleResult<()> {
        match self.context {
            Context::StoragePayload => Ok(()),
            Context::Network => Err(self.err(PickleErrorKind::Forbidden("a persistent id outside a storage payload"))),
        }
    }
}
