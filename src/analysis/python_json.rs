//! JSON exactly as Python's `json.dumps` writes it with default settings, which is how NVIDIA's
//! `calc_metrics.py` writes its result lines: keys in insertion order, `", "` and `": "` as
//! separators, floats as `repr(float)` (`74.92029280607164`, `2.0`, `1e-05`), `NaN` /
//! `Infinity` for non-finite floats, non-ASCII escaped. [`parse`] reads such lines back
//! (including `NaN` and `Infinity`, which strict JSON parsers reject).

use crate::{Error, Result};

/// A JSON value with ordered object keys and Python's int/float distinction.
#[derive(Clone, Debug, PartialEq)]
pub enum PyJson {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<PyJson>),
    Object(Vec<(String, PyJson)>),
}

impl PyJson {
    /// The value under `key` of an object.
    pub fn get(&self, key: &str) -> Option<&PyJson> {
        match self {
            Self::Object(items) => items.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A number as f64 (ints too).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Self::Float(v) => Some(v),
            Self::Int(v) => Some(v as f64),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    /// `json.dumps(value)`.
    pub fn dumps(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Int(v) => out.push_str(&v.to_string()),
            Self::Float(v) => out.push_str(&float_repr(*v)),
            Self::Str(s) => write_str(s, out),
            Self::List(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Self::Object(items) => {
                out.push('{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_str(k, out);
                    out.push_str(": ");
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Python's `repr(float)` as `json.dumps` uses it: the shortest digits that round-trip, fixed
/// notation for decimal exponents −4 to 15 (always with a fractional part), scientific otherwise
/// (`1e-05`, `1.5e+16`); `NaN`, `Infinity`, `-Infinity`.
pub fn float_repr(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let sign = if v.is_sign_negative() { "-" } else { "" };
    // Rust's `{:e}` gives the shortest round-trip digits: "7.492029280607164e1".
    let sci = format!("{:e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    if (-4..16).contains(&exp) {
        let body = if exp >= 0 {
            let int_len = exp as usize + 1;
            let (int, frac) = if digits.len() > int_len {
                (digits[..int_len].to_string(), digits[int_len..].to_string())
            } else {
                (format!("{digits}{}", "0".repeat(int_len - digits.len())), "0".to_string())
            };
            format!("{int}.{frac}")
        } else {
            format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
        };
        format!("{sign}{body}")
    } else {
        let m = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits };
        let es = if exp < 0 { '-' } else { '+' };
        format!("{sign}{m}e{es}{:02}", exp.abs())
    }
}

/// A string with `ensure_ascii=True` escaping.
fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses one JSON value as Python's `json.loads` does (including `NaN`, `Infinity`,
/// `-Infinity`; numbers with `.`, `e` or `E` are floats).
pub fn parse(text: &str) -> Result<PyJson> {
    let mut p = Parser { s: text.as_bytes(), pos: 0 };
    let v = p.value(0)?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> Error {
        Error::Format(format!("JSON: {what} at byte {}", self.pos))
    }

    fn ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<PyJson> {
        if depth > 64 {
            return Err(self.err("nesting too deep"));
        }
        self.ws();
        let Some(&c) = self.s.get(self.pos) else { return Err(self.err("unexpected end")) };
        match c {
            b'{' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat("}") {
                    return Ok(PyJson::Object(items));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.ws();
                    if !self.eat(":") {
                        return Err(self.err("expected `:`"));
                    }
                    let v = self.value(depth + 1)?;
                    items.push((key, v));
                    self.ws();
                    if self.eat("}") {
                        return Ok(PyJson::Object(items));
                    }
                    if !self.eat(",") {
                        return Err(self.err("expected `,` or `}`"));
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat("]") {
                    return Ok(PyJson::List(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat("]") {
                        return Ok(PyJson::List(items));
                    }
                    if !self.eat(",") {
                        return Err(self.err("expected `,` or `]`"));
                    }
                }
            }
            b'"' => Ok(PyJson::Str(self.string()?)),
            _ if self.eat("null") => Ok(PyJson::Null),
            _ if self.eat("true") => Ok(PyJson::Bool(true)),
            _ if self.eat("false") => Ok(PyJson::Bool(false)),
            _ if self.eat("NaN") => Ok(PyJson::Float(f64::NAN)),
            _ if self.eat("Infinity") => Ok(PyJson::Float(f64::INFINITY)),
            _ if self.eat("-Infinity") => Ok(PyJson::Float(f64::NEG_INFINITY)),
            _ => self.number(),
        }
    }

    fn number(&mut self) -> Result<PyJson> {
        let start = self.pos;
        while self.pos < self.s.len() && matches!(self.s[self.pos], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.pos]).map_err(|_| self.err("bad number"))?;
        if text.is_empty() {
            return Err(self.err("unexpected character"));
        }
        if text.contains(['.', 'e', 'E']) {
            text.parse::<f64>().map(PyJson::Float).map_err(|_| self.err("bad number"))
        } else {
            text.parse::<i64>()
                .map(PyJson::Int)
                .or_else(|_| text.parse::<f64>().map(PyJson::Float))
                .map_err(|_| self.err("bad number"))
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let h = self.s.get(self.pos..self.pos + 4).ok_or_else(|| self.err("short \\u escape"))?;
        let v = std::str::from_utf8(h)
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.err("bad \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String> {
        if !self.eat("\"") {
            return Err(self.err("expected a string"));
        }
        let mut out = String::new();
        loop {
            let Some(&c) = self.s.get(self.pos) else { return Err(self.err("unterminated string")) };
            self.pos += 1;
            match c {
                b'"' => return Ok(out),
                b'\\' => {
                    let Some(&e) = self.s.get(self.pos) else { return Err(self.err("unterminated escape")) };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi) && self.eat("\\u") {
                                let lo = self.hex4()?;
                                0x10000 + ((hi - 0xd800) << 10) + (lo.wrapping_sub(0xdc00) & 0x3ff)
                            } else {
                                hi
                            };
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        _ => return Err(self.err("bad escape")),
                    }
                }
                _ => {
                    // Copy one UTF-8 character.
                    let start = self.pos - 1;
                    let len = match c {
                        0x00..=0x7f => 1,
                        0xc0..=0xdf => 2,
                        0xe0..=0xef => 3,
                        _ => 4,
                    };
                    let bytes = self.s.get(start..start + len).ok_or_else(|| self.err("bad UTF-8"))?;
                    out.push_str(std::str::from_utf8(bytes).map_err(|_| self.err("bad UTF-8"))?);
                    self.pos = start + len;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_python_repr() {
        // Values checked against CPython 3: repr(x).
        let cases = [
            (74.92029280607164, "74.92029280607164"),
            (2.0, "2.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (0.0001, "0.0001"),
            (1e-05, "1e-05"),
            (1.5e-07, "1.5e-07"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.2345678901234567e19, "1.2345678901234567e+19"),
            (1690000000.123456, "1690000000.123456"),
            (123.0, "123.0"),
            (-26.370788941529636, "-26.370788941529636"),
            (1e300, "1e+300"),
            (f64::INFINITY, "Infinity"),
            (f64::NAN, "NaN"),
        ];
        for (v, want) in cases {
            assert_eq!(float_repr(v), want, "{v}");
        }
    }

    #[test]
    fn dumps_and_parse_round_trip() {
        let v = PyJson::Object(vec![
            ("results".into(), PyJson::Object(vec![("eqr50k".into(), PyJson::Float(26.5))])),
            ("metric".into(), PyJson::Str("eqr50k".into())),
            ("num_gpus".into(), PyJson::Int(1)),
            ("snapshot_pkl".into(), PyJson::Str("dir/é \"x\"\n".into())),
            ("inf".into(), PyJson::Float(f64::NEG_INFINITY)),
            ("none".into(), PyJson::Null),
            ("list".into(), PyJson::List(vec![PyJson::Bool(true), PyJson::Float(1e-5)])),
        ]);
        let line = v.dumps();
        assert_eq!(
            line,
            r#"{"results": {"eqr50k": 26.5}, "metric": "eqr50k", "num_gpus": 1, "snapshot_pkl": "dir/\u00e9 \"x\"\n", "inf": -Infinity, "none": null, "list": [true, 1e-05]}"#
        );
        assert_eq!(parse(&line).unwrap(), v);
        assert!(parse("{\"a\": 1").is_err());
        assert!(parse("{\"a\": 1} x").is_err());
        assert!(parse("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[").is_err());
        assert_eq!(parse("\"\\ud83d\\ude00\"").unwrap(), PyJson::Str("😀".into()));
    }
}
