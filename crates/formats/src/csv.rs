//! CSV and TSV (RFC 4180 quoting): every field is a unit named by its header column. Quoting
//! is kept as written: a quoted field stays quoted, a bare one stays bare unless its new text
//! needs quotes.

use crate::{line_of, Decoded, Encoding, Unit};
use std::borrow::Cow;

/// The fields of `input`; the first row is the header.
pub(crate) fn units(input: &[u8], delim: u8) -> Result<Vec<Unit>, String> {
    let mut units = Vec::new();
    let mut header: Vec<String> = Vec::new();
    let mut row = 1u64;
    let mut col = 0usize;
    let mut i = 0;
    while i < input.len() {
        let name = |col: usize, header: &[String]| {
            header
                .get(col)
                .filter(|h| !h.is_empty())
                .cloned()
                .unwrap_or_else(|| format!("#{}", col + 1))
        };
        let (range, encoding, next) = if input[i] == b'"' {
            let mut j = i + 1;
            loop {
                match input[j..].iter().position(|&b| b == b'"') {
                    None => {
                        return Err(format!(
                            "row {row}: quoted field opened on line {} is never closed",
                            line_of(input, i)
                        ))
                    }
                    Some(p) if input.get(j + p + 1) == Some(&b'"') => j += p + 2,
                    Some(p) => {
                        j += p + 1;
                        break;
                    }
                }
            }
            (i..j, Encoding::CsvQuoted(delim), j)
        } else {
            let end = input[i..]
                .iter()
                .position(|&b| b == delim || b == b'\n')
                .map_or(input.len(), |p| i + p);
            // A bare field does not hold its line's `\r`.
            let field_end = if input.get(end) == Some(&b'\n') && end > i && input[end - 1] == b'\r'
            {
                end - 1
            } else {
                end
            };
            if input[i..field_end].contains(&b'"') {
                return Err(format!(
                    "row {row}: a quote inside an unquoted field (line {})",
                    line_of(input, i)
                ));
            }
            (i..field_end, Encoding::CsvPlain(delim), end)
        };
        // What follows a field: the delimiter, the end of the row, or the end of the input.
        let after = &input[next.min(input.len())..];
        let (ends_row, skip) = match after.first() {
            None => (true, 0),
            Some(&b) if b == delim => (false, 1),
            Some(b'\n') => (true, 1),
            Some(b'\r') if after.get(1) == Some(&b'\n') => (true, 2),
            Some(_) => {
                return Err(format!(
                    "row {row}: text after a closing quote (line {})",
                    line_of(input, next)
                ))
            }
        };
        if row == 1 {
            let d = crate::decode(&input[range.clone()], encoding);
            header.push(String::from_utf8_lossy(&d.text).trim().to_string());
        }
        units.push(Unit {
            range: range.clone(),
            encoding,
            record: Some(row),
            field: Some(if row == 1 {
                "header".to_string()
            } else {
                name(col, &header)
            }),
        });
        i = next + skip;
        if ends_row {
            row += 1;
            col = 0;
        } else {
            col += 1;
            // A delimiter at the very end leaves one more (empty) field.
            if i == input.len() {
                break;
            }
        }
    }
    Ok(units)
}

/// A quoted field's content, with `""` read as `"`.
pub(crate) fn decode_quoted(raw: &[u8]) -> Decoded<'_> {
    let inner = crate::unquoted(raw);
    if !inner.contains(&b'"') {
        return Decoded {
            text: Cow::Borrowed(inner),
            map: None,
        };
    }
    let mut text = Vec::with_capacity(inner.len());
    let mut map = Vec::with_capacity(inner.len() + 1);
    let mut i = 0;
    while i < inner.len() {
        text.push(inner[i]);
        map.push(i);
        i += if inner[i] == b'"' { 2 } else { 1 };
    }
    map.push(inner.len());
    Decoded {
        text: Cow::Owned(text),
        map: Some(map),
    }
}

pub(crate) fn encode_quoted(text: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in text {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

pub(crate) fn encode_plain(text: &[u8], delim: u8, out: &mut Vec<u8>) {
    if text
        .iter()
        .any(|&b| b == delim || b == b'"' || b == b'\n' || b == b'\r')
    {
        encode_quoted(text, out);
    } else {
        out.extend_from_slice(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(s: &str) -> Vec<(u64, String, String)> {
        units(s.as_bytes(), b',')
            .unwrap()
            .into_iter()
            .map(|u| (u.record.unwrap(), u.field.unwrap(), s[u.range].to_string()))
            .collect()
    }

    #[test]
    fn fields_with_header_names_and_quoting() {
        let got = cells("name,note\r\n\"Doe, Jane\",\"said \"\"hi\"\"\nthen left\"\r\nBob,\n");
        let want = [
            (1, "header", "name"),
            (1, "header", "note"),
            (2, "name", "\"Doe, Jane\""),
            (2, "note", "\"said \"\"hi\"\"\nthen left\""),
            (3, "name", "Bob"),
            (3, "note", ""),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|&(r, f, v)| (r, f.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want);
        // More fields than the header: named by position.
        assert_eq!(cells("a\n1,2\n")[2].1, "#2");
    }

    #[test]
    fn malformed_rows_are_errors_naming_the_row() {
        let e = units(b"a,b\n\"open,2\n", b',').unwrap_err();
        assert!(e.contains("row 2") && e.contains("never closed"), "{e}");
        assert!(units(b"a\n\"x\"y\n", b',').is_err());
        assert!(units(b"a\nx\"y\n", b',').is_err());
    }

    #[test]
    fn quoted_fields_decode_and_encode() {
        let d = decode_quoted(br#""a ""b"" c""#);
        assert_eq!(&*d.text, br#"a "b" c"#);
        let mut out = Vec::new();
        encode_quoted(&d.text, &mut out);
        assert_eq!(out, br#""a ""b"" c""#);
        let mut out = Vec::new();
        encode_plain(b"x,y", b',', &mut out);
        assert_eq!(out, b"\"x,y\"");
    }
}
