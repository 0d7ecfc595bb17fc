//! E-mail: `.eml` (one RFC 5322 message) and mbox (messages after `From ` lines).
//!
//! Units are header values (every field but the structural ones: `Content-*`, `MIME-Version`)
//! and text bodies (`text/*` parts and single-part messages), decoded from quoted-printable or
//! base64 and encoded back the same way when changed. Multipart messages are split at their
//! boundaries, nested parts too; non-text parts (attachments) are left as they are and reported.

use crate::{lines, Decoded, Encoding, Problem, Unit};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::borrow::Cow;

/// Deepest multipart nesting followed.
const MAX_PARTS_DEPTH: usize = 16;

/// Header fields that are structure, not content.
fn structural(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("content-") || n == "mime-version"
}

/// One header field: name, value range (continuation lines included).
struct Field {
    name: String,
    value: (usize, usize),
}

/// Header fields of `s[from..to]` and where the body starts.
fn headers(s: &[u8], from: usize, to: usize) -> (Vec<Field>, usize) {
    let mut fields: Vec<Field> = Vec::new();
    for (start, end, next) in lines(s, from, to) {
        if start == end {
            return (fields, next);
        }
        let line = &s[start..end];
        if matches!(line[0], b' ' | b'\t') {
            if let Some(f) = fields.last_mut() {
                f.value.1 = end;
            }
            continue;
        }
        match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let name = String::from_utf8_lossy(&line[..colon]).trim().to_string();
                let mut v = start + colon + 1;
                while v < end && matches!(s[v], b' ' | b'\t') {
                    v += 1;
                }
                fields.push(Field {
                    name,
                    value: (v, end),
                });
            }
            // Not a header line: the header ends here (a message without a blank line).
            None => return (fields, start),
        }
    }
    (fields, to)
}

fn param(value: &str, key: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The units of one message or MIME part in `s[from..to]`.
fn part(
    s: &[u8],
    from: usize,
    to: usize,
    record: Option<u64>,
    depth: usize,
    units: &mut Vec<Unit>,
    problems: &mut Vec<Problem>,
) {
    let (fields, body) = headers(s, from, to);
    let mut ctype = String::from("text/plain");
    let mut encoding = String::from("7bit");
    for f in &fields {
        let value = String::from_utf8_lossy(&s[f.value.0..f.value.1]).into_owned();
        if f.name.eq_ignore_ascii_case("content-type") {
            ctype = value;
        } else if f.name.eq_ignore_ascii_case("content-transfer-encoding") {
            encoding = value.trim().to_ascii_lowercase();
        } else if !structural(&f.name) && f.value.0 < f.value.1 {
            units.push(Unit {
                range: f.value.0..f.value.1,
                encoding: Encoding::Raw,
                record,
                field: Some(format!("header:{}", f.name)),
            });
        }
    }
    let kind = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if kind.starts_with("multipart/") {
        let Some(boundary) = param(&ctype, "boundary").filter(|_| depth < MAX_PARTS_DEPTH) else {
            problems.push(Problem {
                record,
                message: "a multipart part without a usable boundary; its body is processed as plain text".into(),
            });
            return text_body(body, to, Encoding::Raw, record, "body", units);
        };
        let open = format!("--{boundary}");
        let mut starts = Vec::new();
        let mut close = to;
        for (start, end, next) in lines(s, body, to) {
            let line = &s[start..end];
            if line.starts_with(open.as_bytes()) {
                let rest = &line[open.len()..];
                if rest.starts_with(b"--") {
                    close = start;
                    break;
                }
                if rest.iter().all(u8::is_ascii_whitespace) {
                    starts.push((start, next));
                }
            }
        }
        for (k, &(line_start, content)) in starts.iter().enumerate() {
            // A part ends at the line break before the next boundary line.
            let next_boundary = starts.get(k + 1).map_or(close, |&(b, _)| b);
            let mut end = next_boundary;
            if end > content && s[end - 1] == b'\n' {
                end -= 1;
                if end > content && s[end - 1] == b'\r' {
                    end -= 1;
                }
            }
            let _ = line_start;
            part(
                s,
                content,
                end.max(content),
                record,
                depth + 1,
                units,
                problems,
            );
        }
        return;
    }
    if !(kind.starts_with("text/") || kind.is_empty() || kind == "message/rfc822") {
        if body < to {
            problems.push(Problem {
                record,
                message: format!("a {kind} part (attachment) is not scanned and is kept as it is"),
            });
        }
        return;
    }
    if kind == "message/rfc822" {
        if depth < MAX_PARTS_DEPTH {
            return part(s, body, to, record, depth + 1, units, problems);
        }
        problems.push(Problem {
            record,
            message: "messages nested too deep; the rest is processed as plain text".into(),
        });
        return text_body(body, to, Encoding::Raw, record, "body", units);
    }
    let enc = match encoding.as_str() {
        "quoted-printable" => Encoding::QuotedPrintable,
        "base64" if matches!(decode_b64(&s[body..to]).text, Cow::Owned(_)) => Encoding::Base64,
        "base64" => {
            problems.push(Problem {
                record,
                message: "a base64 body that does not decode; processed as plain text".into(),
            });
            Encoding::Raw
        }
        _ => Encoding::Raw,
    };
    text_body(body, to, enc, record, "body", units);
}

fn text_body(
    body: usize,
    to: usize,
    encoding: Encoding,
    record: Option<u64>,
    field: &str,
    units: &mut Vec<Unit>,
) {
    if body < to {
        units.push(Unit {
            range: body..to,
            encoding,
            record,
            field: Some(field.to_string()),
        });
    }
}

/// The units of one `.eml` message.
pub(crate) fn eml(s: &[u8], problems: &mut Vec<Problem>) -> Vec<Unit> {
    let mut units = Vec::new();
    part(s, 0, s.len(), None, 0, &mut units, problems);
    units
}

/// The units of an mbox: messages start at `From ` lines (at the start or after a blank line).
pub(crate) fn mbox(s: &[u8], problems: &mut Vec<Problem>) -> Vec<Unit> {
    let all = lines(s, 0, s.len());
    let mut starts = Vec::new();
    let mut blank_before = true;
    for &(start, end, next) in &all {
        if blank_before && s[start..end].starts_with(b"From ") {
            starts.push((start, end, next));
        }
        blank_before = start == end;
    }
    let mut units = Vec::new();
    for (k, &(line, line_end, content)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(s.len(), |&(b, _, _)| b);
        let record = Some(k as u64 + 1);
        // The envelope line carries the sender's address and a date: content too.
        units.push(Unit {
            range: line + 5..line_end,
            encoding: Encoding::Raw,
            record,
            field: Some("envelope".to_string()),
        });
        part(s, content, end, record, 0, &mut units, problems);
    }
    if starts.is_empty() && !s.is_empty() {
        problems.push(Problem {
            record: None,
            message: "no `From ` line: not an mbox; processed as one message".into(),
        });
        part(s, 0, s.len(), None, 0, &mut units, problems);
    }
    units
}

/// Decodes quoted-printable, mapping each decoded byte to its raw offset.
pub(crate) fn decode_qp(raw: &[u8]) -> Decoded<'_> {
    let mut text = Vec::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len() + 1);
    let hex = |b: u8| (b as char).to_digit(16);
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'=' {
            // A soft line break.
            if raw.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            if raw.get(i + 1) == Some(&b'\r') && raw.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if let (Some(h), Some(l)) = (
                raw.get(i + 1).copied().and_then(hex),
                raw.get(i + 2).copied().and_then(hex),
            ) {
                text.push((h * 16 + l) as u8);
                map.push(i);
                i += 3;
                continue;
            }
        }
        text.push(raw[i]);
        map.push(i);
        i += 1;
    }
    map.push(raw.len());
    Decoded {
        text: Cow::Owned(text),
        map: Some(map),
    }
}

/// Quoted-printable with soft breaks before 76 columns, keeping the text's own line breaks.
pub(crate) fn encode_qp(text: &[u8], out: &mut Vec<u8>) {
    let mut col = 0;
    for (i, &b) in text.iter().enumerate() {
        if b == b'\n' {
            out.push(b'\n');
            col = 0;
            continue;
        }
        let at_line_end = matches!(text.get(i + 1), None | Some(b'\n' | b'\r'));
        let plain = (b' '..=b'~').contains(&b) && b != b'=' && !(b == b' ' && at_line_end)
            || b == b'\r' && text.get(i + 1) == Some(&b'\n');
        let width = if plain { 1 } else { 3 };
        if col + width > 75 {
            out.extend_from_slice(b"=\n");
            col = 0;
        }
        if plain {
            out.push(b);
        } else {
            out.extend_from_slice(format!("={b:02X}").as_bytes());
        }
        col += width;
    }
}

/// Decodes base64 (line breaks allowed); each decoded byte maps to the start of its quad.
/// Undecodable bodies are left as raw text.
pub(crate) fn decode_b64(raw: &[u8]) -> Decoded<'_> {
    let positions: Vec<usize> = (0..raw.len())
        .filter(|&i| !raw[i].is_ascii_whitespace())
        .collect();
    let compact: Vec<u8> = positions.iter().map(|&i| raw[i]).collect();
    match STANDARD.decode(&compact) {
        Ok(text) => {
            let mut map: Vec<usize> = (0..text.len())
                .map(|i| positions.get(i / 3 * 4).copied().unwrap_or(raw.len()))
                .collect();
            map.push(raw.len());
            Decoded {
                text: Cow::Owned(text),
                map: Some(map),
            }
        }
        Err(_) => Decoded {
            text: Cow::Borrowed(raw),
            map: None,
        },
    }
}

/// Base64 in lines of 76 characters, ending with a line break.
pub(crate) fn encode_b64(text: &[u8], out: &mut Vec<u8>) {
    let encoded = STANDARD.encode(text);
    for chunk in encoded.as_bytes().chunks(76) {
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_round_trips() {
        let raw = b"Caf=C3=A9 au lait, soft=\nbreak, equals =3D sign";
        let d = decode_qp(raw);
        assert_eq!(
            &*d.text,
            "Café au lait, softbreak, equals = sign".as_bytes()
        );
        let mut out = Vec::new();
        encode_qp(&d.text, &mut out);
        assert_eq!(&*decode_qp(&out).text, &*d.text);
        let long = "x".repeat(200);
        let mut out = Vec::new();
        encode_qp(long.as_bytes(), &mut out);
        assert!(out.split(|&b| b == b'\n').all(|l| l.len() <= 76));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = "Content-Type: message/rfc822\n\n".repeat(100_000) + "mail a@b.io\n";
        let mut problems = Vec::new();
        let units = eml(deep.as_bytes(), &mut problems);
        assert_eq!(units.len(), 1);
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn base64_round_trips() {
        let text = "mail jane@example.com\n".repeat(10);
        let mut out = Vec::new();
        encode_b64(text.as_bytes(), &mut out);
        assert_eq!(&*decode_b64(&out).text, text.as_bytes());
        assert!(matches!(decode_b64(b"not base64!").text, Cow::Borrowed(_)));
    }
}
