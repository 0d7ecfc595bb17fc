//! JSON: a validating scan that records every string value with its path, without building
//! a tree (an explicit stack: deep nesting cannot overflow the call stack).

use crate::{Decoded, Encoding, Problem, Unit};
use std::borrow::Cow;
use std::fmt::Write as _;

/// Deepest nesting accepted (a guard against hostile input, not a JSON limit).
const MAX_DEPTH: usize = 10_000;

enum Frame {
    /// In an object: the current key.
    Object(String),
    /// In an array: the current index.
    Array(usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// A value (top level, after `:`, after `,` in an array, or first in an array).
    Value,
    /// A key or `}` (right after `{`).
    KeyOrEnd,
    /// A key (after `,` in an object).
    Key,
    /// `:` after a key.
    Colon,
    /// `,` or the container's end.
    CommaOrEnd,
}

fn path(stack: &[Frame]) -> String {
    let mut p = String::from("$");
    for f in stack {
        match f {
            Frame::Array(i) => {
                let _ = write!(p, "[{i}]");
            }
            Frame::Object(k) => {
                let plain = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
                if plain {
                    let _ = write!(p, ".{k}");
                } else {
                    let _ = write!(p, "[{k:?}]");
                }
            }
        }
    }
    p
}

/// The end (exclusive) of the string literal starting at `at` (a `"`), validated.
fn string_end(s: &[u8], at: usize) -> Result<usize, String> {
    let mut i = at + 1;
    while i < s.len() {
        match s[i] {
            b'"' => return Ok(i + 1),
            b'\\' => {
                match s.get(i + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                    Some(b'u') => {
                        let hex = s.get(i + 2..i + 6).ok_or("unterminated \\u escape")?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return Err(format!("bad \\u escape at byte {i}"));
                        }
                        i += 6;
                    }
                    _ => return Err(format!("bad escape at byte {i}")),
                }
                continue;
            }
            b if b < 0x20 => return Err(format!("control character in a string at byte {i}")),
            _ => i += 1,
        }
    }
    Err(format!("unterminated string starting at byte {at}"))
}

fn number_end(s: &[u8], at: usize) -> Result<usize, String> {
    let mut i = at;
    let digits = |i: &mut usize| {
        let from = *i;
        while s.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > from
    };
    if s.get(i) == Some(&b'-') {
        i += 1;
    }
    if !digits(&mut i) {
        return Err(format!("bad number at byte {at}"));
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return Err(format!("bad number at byte {at}"));
        }
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return Err(format!("bad number at byte {at}"));
        }
    }
    Ok(i)
}

/// The string values of the JSON document `s` (offsets plus `base`), with their paths.
pub(crate) fn units(
    s: &[u8],
    base: usize,
    record: Option<u64>,
    numbers: bool,
) -> Result<Vec<Unit>, String> {
    if let Err(e) = std::str::from_utf8(s) {
        return Err(format!("invalid UTF-8 at byte {}", base + e.valid_up_to()));
    }
    let mut units = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut want = Want::Value;
    let mut done = false;
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        if done {
            return Err(format!(
                "text after the end of the document at byte {}",
                base + i
            ));
        }
        let at = base + i;
        match want {
            Want::Value => match b {
                b'{' | b'[' => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(format!("nested deeper than {MAX_DEPTH} at byte {at}"));
                    }
                    if b == b'{' {
                        stack.push(Frame::Object(String::new()));
                        want = Want::KeyOrEnd;
                    } else {
                        stack.push(Frame::Array(0));
                        want = Want::Value;
                        // An empty array closes right away.
                        let next = s[i + 1..].iter().position(|c| !c.is_ascii_whitespace());
                        if next.is_some_and(|n| s[i + 1 + n] == b']') {
                            i += 1 + next.unwrap_or(0);
                            stack.pop();
                            want = Want::CommaOrEnd;
                            done = stack.is_empty();
                        }
                    }
                    i += 1;
                }
                b'"' => {
                    let end = string_end(s, i)?;
                    units.push(Unit {
                        range: base + i..base + end,
                        encoding: Encoding::JsonString,
                        record,
                        field: Some(path(&stack)),
                    });
                    i = end;
                    want = Want::CommaOrEnd;
                    done = stack.is_empty();
                }
                b'-' | b'0'..=b'9' => {
                    let end = number_end(s, i)?;
                    if numbers {
                        units.push(Unit {
                            range: base + i..base + end,
                            encoding: Encoding::JsonNumber,
                            record,
                            field: Some(path(&stack)),
                        });
                    }
                    i = end;
                    want = Want::CommaOrEnd;
                    done = stack.is_empty();
                }
                _ => {
                    let word = [&b"true"[..], b"false", b"null"]
                        .into_iter()
                        .find(|w| s[i..].starts_with(w))
                        .ok_or_else(|| format!("unexpected character at byte {at}"))?;
                    i += word.len();
                    want = Want::CommaOrEnd;
                    done = stack.is_empty();
                }
            },
            Want::KeyOrEnd | Want::Key => match b {
                b'"' => {
                    let end = string_end(s, i)?;
                    let key = decode_string(&s[i..end]).text.into_owned();
                    if let Some(Frame::Object(k)) = stack.last_mut() {
                        *k = String::from_utf8_lossy(&key).into_owned();
                    }
                    i = end;
                    want = Want::Colon;
                }
                b'}' if want == Want::KeyOrEnd => {
                    stack.pop();
                    i += 1;
                    want = Want::CommaOrEnd;
                    done = stack.is_empty();
                }
                _ => return Err(format!("expected a key at byte {at}")),
            },
            Want::Colon => {
                if b != b':' {
                    return Err(format!("expected ':' at byte {at}"));
                }
                i += 1;
                want = Want::Value;
            }
            Want::CommaOrEnd => {
                match (b, stack.last_mut()) {
                    (b',', Some(Frame::Object(_))) => want = Want::Key,
                    (b',', Some(Frame::Array(n))) => {
                        *n += 1;
                        want = Want::Value;
                    }
                    (b'}', Some(Frame::Object(_))) | (b']', Some(Frame::Array(_))) => {
                        stack.pop();
                        done = stack.is_empty();
                    }
                    _ => return Err(format!("expected ',' or a closing bracket at byte {at}")),
                }
                i += 1;
            }
        }
    }
    if !done {
        return Err("the document ends early".to_string());
    }
    Ok(units)
}

/// The units of a JSON Lines file. A line that is not valid JSON becomes a plain-text unit
/// and a problem naming its line; blank lines are skipped.
pub(crate) fn lines(input: &[u8], numbers: bool, problems: &mut Vec<Problem>) -> Vec<Unit> {
    let mut found = Vec::new();
    for (number, (start, end, _)) in (1u64..).zip(crate::lines(input, 0, input.len())) {
        let line = &input[start..end];
        if !line.iter().all(u8::is_ascii_whitespace) {
            match units(line, start, Some(number), numbers) {
                Ok(u) => found.extend(u),
                Err(why) => {
                    problems.push(Problem {
                        record: Some(number),
                        message: format!(
                            "line {number} is not valid JSON ({why}); processed as plain text"
                        ),
                    });
                    found.push(Unit {
                        range: start..end,
                        encoding: Encoding::Raw,
                        record: Some(number),
                        field: None,
                    });
                }
            }
        }
    }
    found
}

/// Decodes a JSON string literal (quotes included) into its bytes, with the raw offset (within
/// the literal's content) of each decoded byte when escapes make them differ.
pub(crate) fn decode_string(lit: &[u8]) -> Decoded<'_> {
    let inner = crate::unquoted(lit);
    if !inner.contains(&b'\\') {
        return Decoded {
            text: Cow::Borrowed(inner),
            map: None,
        };
    }
    let mut text = Vec::with_capacity(inner.len());
    let mut map = Vec::with_capacity(inner.len() + 1);
    let mut i = 0;
    let hex = |h: &[u8]| {
        std::str::from_utf8(h)
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    while i < inner.len() {
        if inner[i] != b'\\' {
            text.push(inner[i]);
            map.push(i);
            i += 1;
            continue;
        }
        let start = i;
        let c = match inner.get(i + 1) {
            Some(b'b') => Some('\u{8}'),
            Some(b'f') => Some('\u{c}'),
            Some(b'n') => Some('\n'),
            Some(b'r') => Some('\r'),
            Some(b't') => Some('\t'),
            Some(b'u') => {
                let first = inner.get(i + 2..i + 6).and_then(hex);
                match first {
                    Some(hi @ 0xD800..=0xDBFF) => {
                        let lo = (inner.get(i + 6..i + 8) == Some(b"\\u"))
                            .then(|| inner.get(i + 8..i + 12).and_then(hex))
                            .flatten()
                            .filter(|lo| (0xDC00..=0xDFFF).contains(lo));
                        match lo {
                            Some(lo) => {
                                i += 6;
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            }
                            None => Some('\u{FFFD}'),
                        }
                    }
                    Some(cp) => Some(char::from_u32(cp).unwrap_or('\u{FFFD}')),
                    None => Some('\u{FFFD}'),
                }
                .inspect(|_| i += 4)
            }
            Some(&other) => Some(other as char),
            None => None,
        };
        i += 2;
        if let Some(c) = c {
            let mut buf = [0u8; 4];
            for &b in c.encode_utf8(&mut buf).as_bytes() {
                text.push(b);
                map.push(start);
            }
        }
    }
    map.push(inner.len());
    Decoded {
        text: Cow::Owned(text),
        map: Some(map),
    }
}

/// Writes `text` as a JSON string literal. Invalid UTF-8 becomes U+FFFD (JSON text is UTF-8).
pub(crate) fn encode_string(text: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for c in String::from_utf8_lossy(text).chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(VecWriter(out), "\\u{:04x}", c as u32);
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

struct VecWriter<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(s: &str) -> Vec<(String, String)> {
        units(s.as_bytes(), 0, None, false)
            .unwrap()
            .into_iter()
            .map(|u| (u.field.unwrap(), s[u.range].to_string()))
            .collect()
    }

    #[test]
    fn paths_of_string_values() {
        let got = fields(r#"{"a": "x", "b": [1, "y", {"c d": "z"}], "e": [], "f": {}, "g": null}"#);
        assert_eq!(
            got,
            [
                ("$.a".to_string(), "\"x\"".to_string()),
                ("$.b[1]".to_string(), "\"y\"".to_string()),
                ("$.b[2][\"c d\"]".to_string(), "\"z\"".to_string()),
            ]
        );
        assert_eq!(
            fields(r#""top""#),
            [("$".to_string(), "\"top\"".to_string())]
        );
        assert_eq!(fields("[[], [\"a\"]]")[0].0, "$[1][0]");
    }

    #[test]
    fn rejects_what_json_rejects() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "{\"a\":}",
            "[1 2]",
            "\"\\x\"",
            "\"a\nb\"",
            "01x",
            "[] []",
            "{\"a\":1,}",
            "tru",
            "[-]",
            "1.",
            "{1:2}",
        ] {
            assert!(units(bad.as_bytes(), 0, None, false).is_err(), "{bad:?}");
        }
        assert!(units(b"\"\xff\"", 0, None, false).is_err());
        let deep = "[".repeat(20_000) + &"]".repeat(20_000);
        assert!(units(deep.as_bytes(), 0, None, false).is_err());
    }

    #[test]
    fn accepts_what_json_accepts() {
        for good in [
            "0",
            "-1.5e+3",
            "true",
            " [ ] ",
            "{ }",
            "[\"\\u00e9\\n\"]",
            "[{}, [], null]",
        ] {
            assert!(units(good.as_bytes(), 0, None, true).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn strings_round_trip_through_decode_and_encode() {
        for lit in [r#""plain""#, r#""tab\there \"q\" \\ \u00e9 \ud83d\ude00""#] {
            let d = decode_string(lit.as_bytes());
            let mut out = Vec::new();
            encode_string(&d.text, &mut out);
            let a: serde_json::Value = serde_json::from_str(lit).unwrap();
            let b: serde_json::Value = serde_json::from_slice(&out).unwrap();
            assert_eq!(a, b);
        }
        let d = decode_string(br#""a\nb""#);
        assert_eq!(&*d.text, b"a\nb");
        assert_eq!(d.map.unwrap(), [0, 1, 3, 4]);
    }
}
