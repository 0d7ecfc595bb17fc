//! Records out of and back into the formats support exports come in: plain text, JSON and
//! JSON Lines, CSV and TSV, WebVTT and SRT subtitles, e-mail (`.eml`, mbox).
//!
//! A file is read as *units*: the spans of text that carry content (a JSON string value, a CSV
//! field, a subtitle cue's text, or the whole of a plain-text file), each with where it sits
//! (record number, JSON path or column). Each unit is decoded (JSON escapes, CSV quotes), scanned
//! or redacted, and, when redaction changed it, encoded back and spliced into the file. Nothing
//! else is touched: keys, numbers, white space, quoting, cue timings and line endings come out
//! byte for byte, so the output parses to the same shape.
//!
//! ```
//! use redactyl::{Engine, Redactor};
//! use redactyl_formats::{process, Format, Mode};
//!
//! let redactor = Redactor::builder(Engine::builtin()?).build()?;
//! let input = br#"{"id": 7, "comments": [{"body": "mail me at jane@example.com"}]}"#;
//! let done = process(Format::Json, input, &mut Mode::Scrub(&redactor));
//! assert_eq!(&*done.output, &br#"{"id": 7, "comments": [{"body": "mail me at [EMAIL_ADDRESS]"}]}"#[..]);
//! assert_eq!(done.hits[0].field.as_deref(), Some("$.comments[0].body"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod csv;
mod email;
mod json;
mod subtitles;

use redactyl::{Engine, Finding, Redactor, ScanOptions, Scratch};
use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// A file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// The whole file is one text.
    Text,
    /// One JSON document: every string value.
    Json,
    /// One JSON document per line.
    JsonLines,
    /// Comma-separated values, header-aware: every field.
    Csv,
    /// Tab-separated values.
    Tsv,
    /// WebVTT subtitles: cue text and notes.
    WebVtt,
    /// SubRip subtitles: cue text.
    Srt,
    /// One e-mail message (`.eml`): header values and text bodies.
    Eml,
    /// A mailbox of messages (`.mbox`).
    Mbox,
}

impl Format {
    /// The format a file name implies (by extension; plain text when none matches).
    ///
    /// ```
    /// use redactyl_formats::Format;
    /// assert_eq!(Format::from_name("export/tickets.JSONL"), Format::JsonLines);
    /// assert_eq!(Format::from_name("notes.log"), Format::Text);
    /// ```
    pub fn from_name(name: &str) -> Format {
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::JsonLines,
            "csv" => Format::Csv,
            "tsv" | "tab" => Format::Tsv,
            "vtt" => Format::WebVtt,
            "srt" => Format::Srt,
            "eml" => Format::Eml,
            "mbox" | "mbx" => Format::Mbox,
            _ => Format::Text,
        }
    }

    /// A short name (`text`, `json`, `jsonl`, `csv`, `tsv`, `vtt`, `srt`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::WebVtt => "vtt",
            Format::Srt => "srt",
            Format::Eml => "eml",
            Format::Mbox => "mbox",
        }
    }
}

/// What to do with each unit.
#[derive(Debug)]
pub enum Mode<'a> {
    /// Find only; the output is the input.
    Scan {
        /// The engine.
        engine: &'a Engine,
        /// A scratch of that engine.
        scratch: &'a mut Scratch,
        /// Threshold and rule filter.
        options: &'a ScanOptions,
        /// Put each finding's text in [`Hit::value`] (off: reports carry no raw values).
        values: bool,
    },
    /// Find and replace as the redactor's policy says.
    Scrub(&'a Redactor),
}

impl Mode<'_> {
    /// The findings of `text`, and its replacement when it changed.
    fn apply(&mut self, text: &[u8]) -> (Option<Vec<u8>>, Vec<Finding>) {
        match self {
            Mode::Scan {
                engine,
                scratch,
                options,
                ..
            } => (None, engine.scan_with(scratch, text, options).to_vec()),
            Mode::Scrub(r) => {
                let (out, found) = r.redact_findings(text);
                let changed = match out {
                    Cow::Owned(o) => Some(o),
                    Cow::Borrowed(_) => None,
                };
                (changed, found)
            }
        }
    }
}

/// One finding in a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// Entity type (shared with the engine's rule: hits of one rule hold one string).
    pub entity: Arc<str>,
    /// Rule id (shared the same way).
    pub rule: Arc<str>,
    /// Score.
    pub score: f32,
    /// Byte offsets in the file (end exclusive). Inside an escaped JSON string or a quoted
    /// CSV field they are mapped back through the escapes.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// Record number, 1-based: line of a JSON Lines file, row of a CSV file (the header is
    /// row 1), cue of a subtitle file, message of an mbox; `None` for plain text, single JSON
    /// documents and single messages.
    pub record: Option<u64>,
    /// JSON path (`$.comments[2].body`), CSV column name (or `#3` without a header), `cue`
    /// or `note`, `header:From` or `body`; `None` for plain text.
    pub field: Option<String>,
    /// Line (1-based) of `start` in the file.
    pub line: usize,
    /// The finding's text (decoded), only when asked for ([`Mode::Scan`] `values`).
    pub value: Option<String>,
}

impl Hit {
    /// `f` as a hit at its own offsets, starting on `line`, with no record or field, and with
    /// its bytes `value` when given (as text, invalid UTF-8 replaced).
    pub fn of(f: &Finding, line: usize, value: Option<&[u8]>) -> Hit {
        Hit {
            entity: f.shared_entity().clone(),
            rule: f.shared_rule_id().clone(),
            score: f.score(),
            start: f.start(),
            end: f.end(),
            record: None,
            field: None,
            line,
            value: value.map(|v| String::from_utf8_lossy(v).into_owned()),
        }
    }
}

/// Something in the input that was not as its format says, and what was done about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Record number (1-based) when the problem is in one record.
    pub record: Option<u64>,
    /// What was wrong and what was done (never quoting the input).
    pub message: String,
}

/// The result of processing one file.
#[derive(Debug)]
pub struct Processed<'a> {
    /// The output: the input itself when nothing changed.
    pub output: Cow<'a, [u8]>,
    /// The findings, in file order.
    pub hits: Vec<Hit>,
    /// Malformed parts, each handled as plain text so that nothing goes out unscanned.
    pub problems: Vec<Problem>,
    /// The format the content was read as.
    pub format: Format,
    /// The support-tool export it looks like ([`export_shape`]).
    pub shape: Option<&'static str>,
}

/// How a unit's bytes are written in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// As they are.
    Raw,
    /// A JSON string literal, quotes included.
    JsonString,
    /// A CSV field in double quotes, quotes included.
    CsvQuoted(u8),
    /// A CSV field without quotes.
    CsvPlain(u8),
    /// A quoted-printable e-mail body.
    QuotedPrintable,
    /// A base64 e-mail body.
    Base64,
    /// A JSON number (written back as a JSON string when replaced).
    JsonNumber,
}

/// A span of content in a file.
#[derive(Clone, Debug)]
pub(crate) struct Unit {
    pub(crate) range: Range<usize>,
    pub(crate) encoding: Encoding,
    pub(crate) record: Option<u64>,
    pub(crate) field: Option<String>,
}

/// Decoded text and, when it differs from the raw bytes, the raw offset of each decoded byte
/// (plus one entry for the end).
struct Decoded<'a> {
    text: Cow<'a, [u8]>,
    map: Option<Vec<usize>>,
}

impl Decoded<'_> {
    fn raw(&self, i: usize, base: usize) -> usize {
        base + self.map.as_ref().map_or(i, |m| m[i.min(m.len() - 1)])
    }
}

pub(crate) fn decode(raw: &[u8], encoding: Encoding) -> Decoded<'_> {
    match encoding {
        Encoding::Raw | Encoding::CsvPlain(_) | Encoding::JsonNumber => Decoded {
            text: Cow::Borrowed(raw),
            map: None,
        },
        Encoding::JsonString => json::decode_string(raw),
        Encoding::CsvQuoted(_) => csv::decode_quoted(raw),
        Encoding::QuotedPrintable => email::decode_qp(raw),
        Encoding::Base64 => email::decode_b64(raw),
    }
}

fn encode(text: &[u8], encoding: Encoding, out: &mut Vec<u8>) {
    match encoding {
        Encoding::Raw => out.extend_from_slice(text),
        Encoding::JsonString | Encoding::JsonNumber => json::encode_string(text, out),
        Encoding::CsvQuoted(_) => csv::encode_quoted(text, out),
        Encoding::CsvPlain(delim) => csv::encode_plain(text, delim, out),
        Encoding::QuotedPrintable => email::encode_qp(text, out),
        Encoding::Base64 => email::encode_b64(text, out),
    }
}

/// Reads `input` as `format`, scans or scrubs every unit, and splices the replacements in.
///
/// Never fails: a file that is not valid in its format (broken JSON, an unterminated CSV
/// quote, invalid UTF-8 in JSON) is processed as plain text, and a malformed JSON Lines line as
/// a plain-text line, with a [`Problem`] saying so; nothing is left unscanned.
pub fn process<'a>(format: Format, input: &'a [u8], mode: &mut Mode<'_>) -> Processed<'a> {
    process_with(format, input, mode, &FieldPolicy::default())
}

/// [`process`] with per-field choices: fields to skip, fields to always replace, and whether
/// JSON numbers are scanned.
///
/// ```
/// use redactyl::{Engine, Redactor};
/// use redactyl_formats::{process_with, FieldPolicy, Format, Mode};
///
/// let redactor = Redactor::builder(Engine::builtin()?).build()?;
/// let fields = FieldPolicy::new().skip("$.tickets[*].url").redact("$.tickets[*].notes").scan_numbers(true);
/// let input = br#"{"tickets": [{"url": "https://x.example/u/jane@example.com", "notes": "vip", "card": 4111111111111111}]}"#;
/// let done = process_with(Format::Json, input, &mut Mode::Scrub(&redactor), &fields);
/// assert_eq!(&*done.output, &br#"{"tickets": [{"url": "https://x.example/u/jane@example.com", "notes": "[REDACTED]", "card": "[CREDIT_CARD]"}]}"#[..]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn process_with<'a>(
    format: Format,
    input: &'a [u8],
    mode: &mut Mode<'_>,
    fields: &FieldPolicy,
) -> Processed<'a> {
    let mut problems = Vec::new();
    let numbers = fields.scan_numbers;
    let parsed = match format {
        Format::Text => Ok(vec![whole(input)]),
        Format::Json => json::units(input, 0, None, numbers),
        Format::JsonLines => Ok(json::lines(input, numbers, &mut problems)),
        Format::Csv => csv::units(input, b','),
        Format::Tsv => csv::units(input, b'\t'),
        Format::WebVtt | Format::Srt => Ok(subtitles::units(input, format)),
        Format::Eml => Ok(email::eml(input, &mut problems)),
        Format::Mbox => Ok(email::mbox(input, &mut problems)),
    };
    let (units, used) = match parsed {
        Ok(u) => (u, format),
        Err(why) => {
            problems.push(Problem {
                record: None,
                message: format!(
                    "not valid {}: {why}; processed as plain text",
                    format.name()
                ),
            });
            (vec![whole(input)], Format::Text)
        }
    };
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut hits = Vec::new();
    let values = matches!(mode, Mode::Scan { values: true, .. });
    // Line numbers, counted forward (units and their findings come in file order).
    let (mut line, mut line_at) = (1usize, 0usize);
    let scrubbing = matches!(mode, Mode::Scrub(_));
    for unit in &units {
        let choice = unit
            .field
            .as_deref()
            .map_or(FieldChoice::Scan, |f| fields.choice(f));
        if choice == FieldChoice::Skip {
            continue;
        }
        let raw = &input[unit.range.clone()];
        let decoded = decode(raw, unit.encoding);
        let (changed, found) = if choice == FieldChoice::Redact && scrubbing {
            (Some(b"[REDACTED]".to_vec()), Vec::new())
        } else {
            mode.apply(&decoded.text)
        };
        // The content starts after the opening quote of a JSON string or quoted CSV field.
        let base = unit.range.start
            + usize::from(matches!(
                unit.encoding,
                Encoding::JsonString | Encoding::CsvQuoted(_)
            ));
        for f in &found {
            let start = decoded.raw(f.start(), base);
            if start >= line_at {
                line += memchr::memchr_iter(b'\n', &input[line_at..start]).count();
                line_at = start;
            }
            hits.push(Hit {
                start,
                end: decoded.raw(f.end(), base),
                record: unit.record,
                field: unit.field.clone(),
                ..Hit::of(f, line, values.then_some(&decoded.text[f.range()]))
            });
        }
        if let Some(text) = changed {
            let o = out.get_or_insert_with(|| Vec::with_capacity(input.len()));
            o.extend_from_slice(&input[copied..unit.range.start]);
            encode(&text, unit.encoding, o);
            copied = unit.range.end;
        }
    }
    let output = match out {
        Some(mut o) => {
            o.extend_from_slice(&input[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(input),
    };
    Processed {
        output,
        hits,
        problems,
        format: used,
        shape: export_shape(used, input),
    }
}

/// The support-tool export a file looks like, from the keys or columns it starts with:
/// `zendesk` (tickets or comments with `author_id`), `freshdesk` (`description_text`,
/// `conversations`), `intercom` (`conversation_parts`), `amazon-connect` (Contact Lens
/// `Transcript` with `ParticipantId`), `salesforce-case` (a CSV with `CaseNumber`). Every one
/// is processed like any JSON or CSV file; the name is for reports.
///
/// ```
/// use redactyl_formats::{export_shape, Format};
/// assert_eq!(export_shape(Format::Csv, b"Id,CaseNumber,Subject\n"), Some("salesforce-case"));
/// assert_eq!(export_shape(Format::Json, br#"{"a": 1}"#), None);
/// ```
pub fn export_shape(format: Format, input: &[u8]) -> Option<&'static str> {
    let head = &input[..input.len().min(16 * 1024)];
    let has = |key: &str| {
        let quoted = format!("\"{key}\"");
        head.windows(quoted.len()).any(|w| w == quoted.as_bytes())
    };
    match format {
        Format::Json | Format::JsonLines => {
            if has("conversation_parts") {
                Some("intercom")
            } else if has("Transcript") && has("ParticipantId") {
                Some("amazon-connect")
            } else if has("description_text") || (has("conversations") && has("requester_id")) {
                Some("freshdesk")
            } else if has("tickets") && (has("requester_id") || has("via"))
                || has("comments") && has("author_id")
            {
                Some("zendesk")
            } else {
                None
            }
        }
        Format::Csv | Format::Tsv => {
            let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
            let line = String::from_utf8_lossy(first);
            line.split([',', '\t'])
                .any(|c| c.trim().trim_matches('"') == "CaseNumber")
                .then_some("salesforce-case")
        }
        _ => None,
    }
}

/// Per-field choices for structured formats. Patterns match a field as the findings name it,
/// with JSON array indices written `[*]` (`$.comments[*].body`), or a CSV column or e-mail
/// header (`header:Subject`) as it is; `*` stands for any run of characters without `.` or
/// `[`, `**` for any run at all.
#[derive(Clone, Debug, Default)]
pub struct FieldPolicy {
    skip: Vec<String>,
    redact: Vec<String>,
    scan_numbers: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FieldChoice {
    Scan,
    Skip,
    Redact,
}

impl FieldPolicy {
    /// Every field scanned, JSON numbers not.
    pub fn new() -> FieldPolicy {
        FieldPolicy::default()
    }

    /// Fields matching `pattern` are copied as they are, never scanned.
    pub fn skip(mut self, pattern: &str) -> FieldPolicy {
        self.skip.push(pattern.to_string());
        self
    }

    /// Fields matching `pattern` are always replaced whole by `[REDACTED]` when scrubbing.
    pub fn redact(mut self, pattern: &str) -> FieldPolicy {
        self.redact.push(pattern.to_string());
        self
    }

    /// Whether JSON numbers are scanned (a number replaced becomes a JSON string).
    pub fn scan_numbers(mut self, on: bool) -> FieldPolicy {
        self.scan_numbers = on;
        self
    }

    fn choice(&self, field: &str) -> FieldChoice {
        if self.skip.is_empty() && self.redact.is_empty() {
            return FieldChoice::Scan;
        }
        let generic = generic_path(field);
        let hit = |ps: &[String]| ps.iter().any(|p| glob(p.as_bytes(), generic.as_bytes()));
        if hit(&self.redact) {
            FieldChoice::Redact
        } else if hit(&self.skip) {
            FieldChoice::Skip
        } else {
            FieldChoice::Scan
        }
    }
}

/// A JSON path with its array indices written `[*]`.
pub fn generic_path(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '[' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('*');
        }
    }
    out
}

/// `*` matches a run without `.` or `[` (but the literal `[*]` matches itself); `**` any run.
fn glob(p: &[u8], s: &[u8]) -> bool {
    if p.starts_with(b"[*]") {
        return s.starts_with(b"[*]") && glob(&p[3..], &s[3..]);
    }
    match p.first() {
        None => s.is_empty(),
        Some(b'*') if p.get(1) == Some(&b'*') => (0..=s.len()).any(|k| glob(&p[2..], &s[k..])),
        Some(b'*') => {
            let run = s.iter().take_while(|&&b| b != b'.' && b != b'[').count();
            (0..=run).any(|k| glob(&p[1..], &s[k..]))
        }
        Some(&c) => s.first() == Some(&c) && glob(&p[1..], &s[1..]),
    }
}

fn whole(input: &[u8]) -> Unit {
    Unit {
        range: 0..input.len(),
        encoding: Encoding::Raw,
        record: None,
        field: None,
    }
}

/// The lines of `s[from..to]` as (start, end without the line break and its `\r`, start of
/// the next line).
pub(crate) fn lines(s: &[u8], from: usize, to: usize) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        let nl = s[i..to]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(to, |p| i + p);
        let end = if nl > i && s[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        out.push((i, end, (nl + 1).min(to)));
        i = nl + 1;
    }
    out
}

/// The content of a quoted literal (a JSON string, a quoted CSV field): without its
/// surrounding double quotes.
pub(crate) fn unquoted(raw: &[u8]) -> &[u8] {
    raw.strip_prefix(b"\"")
        .and_then(|r| r.strip_suffix(b"\""))
        .unwrap_or(raw)
}

/// Line number (1-based) of byte offset `at` (for messages).
pub(crate) fn line_of(input: &[u8], at: usize) -> usize {
    1 + memchr::memchr_iter(b'\n', &input[..at.min(input.len())]).count()
}
