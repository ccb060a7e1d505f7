//! Reading opcode arguments: fixed-size integers, length-prefixed slices and text lines, each
//! checked against the bytes left (a short read is a `Truncated` error at the opcode's offset).

use super::error::{PickleErrorKind, PickleResult};
use super::machine::Machine;

impl<'a> Machine<'a, '_> {
    pub(super) fn read(&mut self, n: u64) -> PickleResult<&'a [u8]> {
        let left = (self.data.len() - self.pos) as u64;
        if n > left {
            return Err(self.err(PickleErrorKind::Truncated { needed: n - left }));
        }
        let n = n as usize;
        let bytes = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    pub(super) fn read_u8(&mut self) -> PickleResult<u8> {
        Ok(self.read(1)?[0])
    }

    pub(super) fn read_le<const N: usize>(&mut self) -> PickleResult<[u8; N]> {
        let mut buf = [0u8; N];
        buf.copy_from_slice(self.read(N as u64)?);
        Ok(buf)
    }

    pub(super) fn read_u32(&mut self) -> PickleResult<u64> {
        Ok(u64::from(u32::from_le_bytes(self.read_le()?)))
    }

    pub(super) fn read_u64(&mut self) -> PickleResult<u64> {
        Ok(u64::from_le_bytes(self.read_le()?))
    }

    /// A text line without its `\n`.
    pub(super) fn read_line(&mut self) -> PickleResult<&'a [u8]> {
        let rest = &self.data[self.pos..];
        match rest.iter().position(|&b| b == b'\n') {
            Some(n) => {
                self.pos += n + 1;
                Ok(&rest[..n])
            }
            None => Err(self.err(PickleErrorKind::Truncated { needed: 1 })),
        }
    }

    pub(super) fn line_index(&self, line: &[u8]) -> PickleResult<u64> {
        std::str::from_utf8(line)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .ok_or_else(|| self.invalid("bad memo index"))
    }

    pub(super) fn global_names(&self, module: &'a [u8], name: &'a [u8]) -> PickleResult<(&'a str, &'a str)> {
        let module = std::str::from_utf8(module).map_err(|_| self.invalid("global module name is not UTF-8"))?;
        let name = std::str::from_utf8(name).map_err(|_| self.invalid("global name is not UTF-8"))?;
        Ok((module, name))
    }
}
