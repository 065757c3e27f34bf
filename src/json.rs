//! JSON ([RFC 8259]) for the core's few documents: key files, JWT parts,
//! and the token services' requests and answers.
//!
//! A tree of [`Value`]s, read by [`from_str`] and written by `Display`
//! (compact, object names in order). It does what these documents need and
//! no more: in place of serde_json, the .wasm is 6.6 KB smaller (6.1 KB
//! gzip). tests/json.rs and the `json` fuzz target hold it to serde_json.
//!
//! - Objects are [`Map`]s (a `BTreeMap`): a repeated name keeps its last
//!   value, and names are written sorted.
//! - Numbers keep the text they were written with, so a value is written
//!   back exactly as it was read; [`Value::as_u64`] and [`Value::as_i64`]
//!   read integers from it.
//! - Strings reject raw control characters (the RFC requires them escaped)
//!   and escaped lone surrogates (they have no UTF-8 form); nesting stops at
//!   [`MAX_DEPTH`].
//!
//! ```
//! use iamjwt::json::{self, Value};
//!
//! let v = json::from_str(r#"{"b": [1, "x\n"], "a": null}"#).unwrap();
//! assert_eq!(v.get("b").and_then(Value::as_array).map(Vec::len), Some(2));
//! assert_eq!(v.to_string(), r#"{"a":null,"b":[1,"x\n"]}"#);
//! ```
//!
//! [RFC 8259]: https://www.rfc-editor.org/rfc/rfc8259

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

/// A JSON object: names to values, sorted by name.
pub type Map<K = String, V = Value> = BTreeMap<K, V>;

/// The deepest nesting of arrays and objects read (as serde_json's default).
pub const MAX_DEPTH: usize = 128;

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written.
    Number(Number),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

/// A JSON number: its text, checked against the RFC's grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(String);

impl Number {
    /// The integer, when the text is one (no fraction, no exponent) and it
    /// fits.
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }

    /// As [`as_u64`](Self::as_u64), signed.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }
}

impl Value {
    /// An object's member, or `None` (also when `self` is not an object).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(map) => map.get(name),
            _ => None,
        }
    }

    /// The string, if this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The non-negative integer, if this is one that fits a `u64`.
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// The integer, if this is one that fits an `i64`.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    #[must_use]
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// An object of these members.
    #[must_use]
    pub fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
        // Inserted one by one: collecting into a BTreeMap would sort first,
        // and link a stable sort per element type (about 4 KB of .wasm each).
        let mut map = Map::new();
        for (name, value) in members {
            map.insert(String::from(name), value);
        }
        Value::Object(map)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(String::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Value::Number(Number(alloc::format!("{n}")))
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Number(alloc::format!("{n}")))
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::Array(items)
    }
}

/// Compact JSON, object members in name order.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            Value::Number(n) => f.write_str(&n.0),
            Value::String(s) => write_string(f, s),
            Value::Array(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    item.fmt(f)?;
                }
                f.write_char(']')
            }
            Value::Object(map) => write_object(f, map),
        }
    }
}

/// `map` as a compact JSON object, members in name order.
#[must_use]
pub fn object_to_string(map: &Map) -> String {
    let mut out = String::new();
    // Writing to a String does not fail.
    let _ = write_object(&mut out, map);
    out
}

fn write_object(out: &mut impl fmt::Write, map: &Map) -> fmt::Result {
    out.write_char('{')?;
    for (i, (name, value)) in map.iter().enumerate() {
        if i > 0 {
            out.write_char(',')?;
        }
        write_string(out, name)?;
        out.write_char(':')?;
        write!(out, "{value}")?;
    }
    out.write_char('}')
}

/// `s` as a JSON string literal (see [`write_string`]).
#[must_use]
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    // Writing to a String does not fail.
    let _ = write_string(&mut out, s);
    out
}

/// A JSON string literal: quotes, and escapes for `"`, `\` and the control
/// characters (short forms where JSON has them).
pub fn write_string(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    out.write_char('"')?;
    let mut plain = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            c if c < ' ' => "",
            _ => continue,
        };
        out.write_str(s.get(plain..i).unwrap_or_default())?;
        if escape.is_empty() {
            write!(out, "\\u{:04x}", u32::from(c))?;
        } else {
            out.write_str(escape)?;
        }
        plain = i + c.len_utf8();
    }
    out.write_str(s.get(plain..).unwrap_or_default())?;
    out.write_char('"')
}

/// Why text is not JSON, and where (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    eof: bool,
    line: usize,
    column: usize,
}

impl Error {
    /// The text ended inside a value: it was cut short.
    #[must_use]
    pub fn is_eof(&self) -> bool {
        self.eof
    }

    /// The line of the error, from 1.
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column of the error, from 1, in characters.
    #[must_use]
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.eof {
            "ends early"
        } else {
            "is not valid JSON"
        };
        write!(
            f,
            "the text {what} (line {}, column {})",
            self.line, self.column
        )
    }
}

/// Reads one JSON value, with whitespace around it and nothing else.
///
/// # Errors
/// [`Error`] at the first byte that breaks the grammar, or at the end.
pub fn from_str(text: &str) -> Result<Value, Error> {
    let mut reader = Reader { text, at: 0 };
    let value = reader.value(0)?;
    reader.space();
    if reader.at < text.len() {
        return Err(reader.error(false));
    }
    Ok(value)
}

/// [`from_str`] for bytes, which must be UTF-8.
///
/// # Errors
/// As [`from_str`]; bytes that are not UTF-8 fail where they start.
pub fn from_slice(bytes: &[u8]) -> Result<Value, Error> {
    match core::str::from_utf8(bytes) {
        Ok(text) => from_str(text),
        Err(e) => {
            let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let text = core::str::from_utf8(valid).unwrap_or_default();
            Err(Reader {
                text,
                at: text.len(),
            }
            .error(false))
        }
    }
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn error(&self, eof: bool) -> Error {
        let before = self.text.get(..self.at).unwrap_or(self.text);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Error {
            eof,
            line: before.matches('\n').count() + 1,
            column: before.get(line_start..).unwrap_or_default().chars().count() + 1,
        }
    }

    /// The byte at the cursor, or an end-of-text error.
    fn peek(&self) -> Result<u8, Error> {
        self.text
            .as_bytes()
            .get(self.at)
            .copied()
            .ok_or_else(|| self.error(true))
    }

    fn next(&mut self) -> Result<u8, Error> {
        let b = self.peek()?;
        self.at += 1;
        Ok(b)
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.as_bytes().get(self.at) {
            self.at += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), Error> {
        if self.peek()? == b {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(false))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        self.space();
        match self.peek()? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Value::String),
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'n' => self.word("null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.error(false)),
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, Error> {
        for &b in word.as_bytes() {
            self.expect(b)?;
        }
        Ok(value)
    }

    fn object(&mut self, depth: usize) -> Result<Value, Error> {
        let mut map = Map::new();
        self.sequence(depth, b'}', |reader| {
            reader.space();
            if reader.peek()? != b'"' {
                return Err(reader.error(false));
            }
            let name = reader.string()?;
            reader.space();
            reader.expect(b':')?;
            map.insert(name, reader.value(depth)?);
            Ok(())
        })?;
        Ok(Value::Object(map))
    }

    fn array(&mut self, depth: usize) -> Result<Value, Error> {
        let mut items = Vec::new();
        self.sequence(depth, b']', |reader| {
            items.push(reader.value(depth)?);
            Ok(())
        })?;
        Ok(Value::Array(items))
    }

    /// What objects and arrays share: from the opening bracket at the
    /// cursor, `item`s separated by commas up to `close`, or none; `depth`
    /// (theirs) at most [`MAX_DEPTH`].
    fn sequence(
        &mut self,
        depth: usize,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(self.error(false));
        }
        self.at += 1;
        self.space();
        if self.peek()? == close {
            self.at += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            self.space();
            match self.next()? {
                b',' => {}
                b if b == close => return Ok(()),
                _ => {
                    self.at -= 1;
                    return Err(self.error(false));
                }
            }
        }
    }

    /// A string literal at the cursor (which is on its opening quote).
    fn string(&mut self) -> Result<String, Error> {
        self.at += 1;
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control
            // character; those are ASCII, so the run is whole UTF-8.
            let rest = self.text.get(self.at..).unwrap_or_default();
            let run = rest
                .bytes()
                .position(|b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            out.push_str(rest.get(..run).unwrap_or_default());
            self.at += run;
            match self.next()? {
                b'"' => return Ok(out),
                b'\\' => {}
                _ => {
                    self.at -= 1;
                    return Err(self.error(false));
                }
            }
            let c = match self.next()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode_escape()?,
                _ => {
                    self.at -= 1;
                    return Err(self.error(false));
                }
            };
            out.push(c);
        }
    }

    /// The character of `\uXXXX` (after the `u`), or of a surrogate pair
    /// `\uD8XX\uDCXX`. A lone surrogate is an error.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) {
            self.expect(b'\\')?;
            self.expect(b'u')?;
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(self.error(false));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.error(false))
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = char::from(self.peek()?)
                .to_digit(16)
                .ok_or_else(|| self.error(false))?;
            self.at += 1;
            code = code * 16 + digit;
        }
        Ok(code)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<Value, Error> {
        let start = self.at;
        if self.peek()? == b'-' {
            self.at += 1;
        }
        if self.peek()? == b'0' {
            self.at += 1;
        } else {
            self.digits()?;
        }
        if self.text.as_bytes().get(self.at) == Some(&b'.') {
            self.at += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.text.as_bytes().get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.text.as_bytes().get(self.at) {
                self.at += 1;
            }
            self.digits()?;
        }
        let text = self.text.get(start..self.at).unwrap_or_default();
        Ok(Value::Number(Number(String::from(text))))
    }

    /// One or more digits.
    fn digits(&mut self) -> Result<(), Error> {
        if !self.peek()?.is_ascii_digit() {
            return Err(self.error(false));
        }
        while self
            .text
            .as_bytes()
            .get(self.at)
            .is_some_and(u8::is_ascii_digit)
        {
            self.at += 1;
        }
        Ok(())
    }
}
