//! The text forms of protocol 0: `INT`, `LONG`, `FLOAT` lines and the quoted `STRING` /
//! raw-unicode-escaped `UNICODE` literals, plus the little-endian `LONG1`/`LONG4` integers.

/// An `INT` line: a decimal integer, or `00`/`01` for False/True.
pub enum IntLine {
    Bool(bool),
    Int(i64),
}

pub fn parse_int_line(line: &[u8]) -> Option<IntLine> {
    match line {
        b"00" => Some(IntLine::Bool(false)),
        b"01" => Some(IntLine::Bool(true)),
        _ => std::str::from_utf8(line).ok()?.trim().parse().ok().map(IntLine::Int),
    }
}

/// A `LONG` line: a decimal integer with an optional trailing `L`. `None` if malformed or beyond `i64`.
pub fn parse_long_line(line: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(line).ok()?.trim();
    text.strip_suffix('L').unwrap_or(text).parse().ok()
}

pub fn parse_float_line(line: &[u8]) -> Option<f64> {
    std::str::from_utf8(line).ok()?.trim().parse().ok()
}

/// Decodes a little-endian two's complement integer of up to 8 bytes.
pub fn decode_le_int(bytes: &[u8]) -> Option<i64> {
    if bytes.len() > 8 {
        return None;
    }
    if bytes.is_empty() {
        return Some(0);
    }
    let negative = bytes[bytes.len() - 1] & 0x80 != 0;
    let mut buf = if negative { [0xffu8; 8] } else { [0u8; 8] };
    buf[..bytes.len()].copy_from_slice(bytes);
    Some(i64::from_le_bytes(buf))
}

/// Like [`decode_le_int`], but also accepts longer encodings whose upper bytes are only sign
/// extension (they still fit `i64`).
pub fn decode_long(bytes: &[u8]) -> Option<i64> {
    if bytes.len() <= 8 {
        return decode_le_int(bytes);
    }
    let (low, high) = bytes.split_at(8);
    let fill = if low[7] & 0x80 != 0 { 0xff } else { 0 };
    high.iter().all(|&b| b == fill).then(|| decode_le_int(low)).flatten()
}

/// Decodes the quoted literal of a `STRING` line (Python's `repr` of a byte string) into bytes.
pub fn decode_string_literal(line: &[u8]) -> Option<Vec<u8>> {
    let quote = *line.first()?;
    if line.len() < 2 || (quote != b'\'' && quote != b'"') || line[line.len() - 1] != quote {
        return None;
    }
    let body = &line[1..line.len() - 1];
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        i += 1;
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let e = *body.get(i)?;
        i += 1;
        match e {
            b'\\' | b'\'' | b'"' => out.push(e),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'v' => out.push(0x0b),
            b'\n' => {}
            b'x' => {
                let hex = body.get(i..i + 2)?;
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match body.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xff) as u8);
            }
            other => {
                // Unknown escapes are kept verbatim, as Python does.
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

/// Decodes `raw-unicode-escape` text (`UNICODE` lines): `\uXXXX` and `\UXXXXXXXX` are escapes,
/// every other byte is a Latin-1 code point.
pub fn decode_raw_unicode_escape(line: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < line.len() {
        let c = line[i];
        if c == b'\\' && matches!(line.get(i + 1), Some(b'u' | b'U')) {
            // An even run of backslashes before `u` would be an escaped backslash; raw-unicode-escape
            // has no backslash escape, so a lone `\u` always starts an escape.
            let digits = if line[i + 1] == b'u' { 4 } else { 8 };
            let hex = line.get(i + 2..i + 2 + digits)?;
            let code = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            out.push(char::from_u32(code)?);
            i += 2 + digits;
        } else {
            out.push(char::from(c));
            i += 1;
        }
    }
    Some(out)
}

/// Bytes as Latin-1 text (byte strings of protocol ≤ 2, decoded as Python's `encoding='latin1'`).
pub fn latin1_to_string(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert!(matches!(parse_int_line(b"01"), Some(IntLine::Bool(true))));
        assert!(matches!(parse_int_line(b"-12"), Some(IntLine::Int(-12))));
        assert!(parse_int_line(b"1x").is_none());
        assert_eq!(parse_long_line(b"123L"), Some(123));
        assert_eq!(parse_long_line(b"99999999999999999999999"), None);
        assert_eq!(decode_long(&[]), Some(0));
        assert_eq!(decode_long(&[0xff]), Some(-1));
        assert_eq!(decode_long(&[0x00, 0x80]), Some(-32768));
        assert_eq!(decode_long(&[0xe9, 0x03]), Some(1001));
        assert_eq!(decode_long(&[1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Some(1));
        // The torch magic number needs 80 bits.
        assert_eq!(decode_long(&[0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]), None);
    }

    #[test]
    fn string_literals() {
        assert_eq!(decode_string_literal(b"'abc'").unwrap(), b"abc");
        assert_eq!(decode_string_literal(br#""it's\n\x41\101""#).unwrap(), b"it's\nAA");
        assert!(decode_string_literal(b"'abc").is_none());
        assert!(decode_string_literal(b"'\\x4'").is_none());
        assert_eq!(decode_raw_unicode_escape(b"a\\u00e9\\U0001F600\xe9").unwrap(), "a\u{e9}\u{1F600}\u{e9}");
        assert!(decode_raw_unicode_escape(b"\\uD800").is_none());
    }
}
