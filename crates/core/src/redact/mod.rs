//! Redaction: findings turned into safe output by a policy, for slices and for streams.
//!
//! Slice and stream share one algorithm. The input is cut into blocks at fixed offsets
//! (multiples of the block size, counted from the start of the input); each block is scanned
//! together with a margin on both sides (the longest rule match plus the context window), and
//! the findings that start inside the block are applied. The blocks, and so the output, depend
//! only on the bytes, never on how a reader hands them over: stream output is identical to
//! slice output for every way of splitting the input into reads. An input no longer than one
//! block plus a margin is scanned whole.

mod keys;
mod policy;
mod surrogate;

pub use keys::{RedactionKey, RestoreStats, KEY_BYTES, KEY_ENV};
pub use policy::{Operator, Policy};

use crate::engine::{Engine, Finding, ScanOptions, Scratch};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

/// Bytes of margin beyond the longest match: context words, look-around of validators.
const MARGIN_EXTRA: usize = 1024;

/// Default block size (bytes scanned per step; a stream holds about this much).
pub const DEFAULT_BLOCK: usize = 1 << 20;

/// Why redaction could not start or go on.
#[derive(Debug)]
pub struct RedactError {
    kind: RedactErrorKind,
    message: String,
}

/// What kind of failure a [`RedactError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedactErrorKind {
    /// The policy does not parse or names something unknown.
    Policy,
    /// A key is missing, unreadable or malformed.
    Key,
    /// Stream mode with a rule whose matches have no length limit.
    Unbounded,
    /// Reading or writing failed.
    Io,
}

impl RedactError {
    pub(crate) fn policy(message: String) -> RedactError {
        RedactError {
            kind: RedactErrorKind::Policy,
            message,
        }
    }
    pub(crate) fn key(message: String) -> RedactError {
        RedactError {
            kind: RedactErrorKind::Key,
            message,
        }
    }
    pub(crate) fn io(e: io::Error) -> RedactError {
        RedactError {
            kind: RedactErrorKind::Io,
            message: e.to_string(),
        }
    }
    /// What kind of failure this is.
    pub fn kind(&self) -> RedactErrorKind {
        self.kind
    }
    fn detail(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RedactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RedactError {}

/// Counts of one redaction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RedactStats {
    /// Bytes read.
    pub bytes_in: u64,
    /// Bytes written.
    pub bytes_out: u64,
    /// Findings applied, per entity (sorted by entity).
    pub entities: Vec<(String, u64)>,
    /// Surrogates that could not be made in the value's format (written as hash tokens).
    pub surrogate_fallbacks: u64,
}

impl RedactStats {
    /// Findings applied, all entities together.
    pub fn findings(&self) -> u64 {
        self.entities.iter().map(|(_, n)| n).sum()
    }
}

/// Builds a [`Redactor`].
#[derive(Debug)]
pub struct RedactorBuilder {
    engine: Engine,
    policy: Policy,
    key: Option<RedactionKey>,
    options: ScanOptions,
    block: usize,
}

impl RedactorBuilder {
    /// The policy (default: every entity gets `label`).
    pub fn policy(mut self, policy: Policy) -> RedactorBuilder {
        self.policy = policy;
        self
    }

    /// The key of the keyed operators (`hash`, `encrypt`, `surrogate`).
    pub fn key(mut self, key: RedactionKey) -> RedactorBuilder {
        self.key = Some(key);
        self
    }

    /// Scan options (threshold, rule filter).
    pub fn scan_options(mut self, options: ScanOptions) -> RedactorBuilder {
        self.options = options;
        self
    }

    /// Bytes scanned per step (default [`DEFAULT_BLOCK`]); smaller blocks use less memory
    /// and scan the margins more often. Values below 1 count as 1.
    pub fn block_size(mut self, bytes: usize) -> RedactorBuilder {
        self.block = bytes.max(1);
        self
    }

    /// The redactor.
    ///
    /// # Errors
    /// When the policy uses a keyed operator and no key was given.
    pub fn build(self) -> Result<Redactor, RedactError> {
        if self.policy.needs_key() && self.key.is_none() {
            let ops: Vec<&str> = std::iter::once(self.policy.default_operator())
                .chain(self.policy.entities().map(|(_, o)| o))
                .filter(|o| o.needs_key())
                .map(Operator::name)
                .collect();
            return Err(RedactError::key(format!(
                "the policy uses {} and no key was given (a key file, or {KEY_ENV})",
                ops.join(", ")
            )));
        }
        let rule_index = (self.engine.rules())
            .enumerate()
            .map(|(i, r)| (r.id.to_string(), i as u32))
            .collect();
        Ok(Redactor {
            margin: self.engine.max_match_len().map(|m| m + MARGIN_EXTRA),
            engine: self.engine,
            policy: self.policy,
            key: self.key,
            options: self.options,
            block: self.block,
            rule_index,
            pseudonyms: Mutex::new(Pseudonyms::default()),
            scratches: Mutex::new(Vec::new()),
        })
    }
}

#[derive(Default)]
struct Pseudonyms {
    /// Per entity: the numbers given, by SHA-256 of the value's identity.
    by_entity: HashMap<String, HashMap<[u8; 32], u64>>,
}

/// An engine and a policy: turns text into redacted text.
///
/// Shareable across threads (`Send + Sync`); pseudonym numbers are shared by every call on
/// one redactor, so the same person is `<PERSON_1>` in every file of a run.
///
/// ```
/// use redactyl::{Engine, Operator, Policy, Redactor};
///
/// let policy = Policy::default().with("CREDIT_CARD", Operator::Mask { ch: '*', keep_first: 0, keep_last: 4 });
/// let redactor = Redactor::builder(Engine::builtin()?).policy(policy).build()?;
/// let out = redactor.redact_str("Card 4111 1111 1111 1111, mail jane@example.com");
/// assert_eq!(out, "Card **** **** **** 1111, mail [EMAIL_ADDRESS]");
/// assert!(matches!(redactor.redact_str("nothing here"), std::borrow::Cow::Borrowed(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Redactor {
    engine: Engine,
    policy: Policy,
    key: Option<RedactionKey>,
    options: ScanOptions,
    block: usize,
    /// Bytes scanned on each side of a block; `None` when a rule is unbounded.
    margin: Option<usize>,
    rule_index: HashMap<String, u32>,
    pseudonyms: Mutex<Pseudonyms>,
    scratches: Mutex<Vec<Scratch>>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("policy", &self.policy)
            .field("block", &self.block)
            .finish_non_exhaustive()
    }
}

/// Reads into `buf` until it holds `target` bytes or the reader ends; `true` at the end.
pub(crate) fn fill<R: Read>(
    r: &mut R,
    buf: &mut Vec<u8>,
    target: usize,
) -> Result<bool, RedactError> {
    let want = target.saturating_sub(buf.len());
    // Straight into the buffer's spare room (no bounce through a stack chunk); `Take` ends
    // the read at `target`, so the reader ended when fewer bytes came.
    r.take(want as u64)
        .read_to_end(buf)
        .map_err(RedactError::io)?;
    Ok(buf.len() < target)
}

/// A callback taking each applied finding, the line it starts on and its bytes.
type OnFinding<'a> = dyn FnMut(&Finding, usize, &[u8]) + 'a;

/// The progress of one redaction across blocks.
struct Cursor {
    /// Absolute offset up to which output has been produced.
    emitted: usize,
    stats: Tally,
    /// The findings applied (input offsets), when the caller wants them.
    applied: Option<Vec<Finding>>,
    /// Findings are only reported (a scan): no policy, no widening, nothing emitted.
    scan_only: bool,
}

/// Line numbers of findings handed on: lines counted up to an absolute offset.
struct Lines {
    line: usize,
    at: usize,
}

impl Default for Lines {
    fn default() -> Lines {
        Lines { line: 1, at: 0 }
    }
}

impl Lines {
    /// Counts the lines up to absolute offset `to` (if past those counted) in `buf`, which
    /// holds the input from absolute offset `base`.
    fn count_to(&mut self, to: usize, buf: &[u8], base: usize) {
        if to > self.at {
            self.line += memchr::memchr_iter(b'\n', &buf[self.at - base..to - base]).count();
            self.at = to;
        }
    }

    /// Hands the `applied` findings (in order, at absolute offsets in `buf` as above) to
    /// `on` with the line each starts on and its bytes, and empties `applied`.
    fn hand_on(
        &mut self,
        applied: &mut Vec<Finding>,
        buf: &[u8],
        base: usize,
        on: &mut dyn FnMut(&Finding, usize, &[u8]),
    ) {
        for f in applied.drain(..) {
            self.count_to(f.start(), buf, base);
            on(&f, self.line, &buf[f.start() - base..f.end() - base]);
        }
    }
}

/// Findings counted per entity, by the engine's shared entity strings
/// ([`Finding::shared_entity`]): an engine has a few entities, so each count is found by
/// address first, with no hashing or string compare per finding.
///
/// ```
/// use redactyl::{Engine, EntityCounts};
///
/// let engine = Engine::builtin()?;
/// let mut counts = EntityCounts::default();
/// for f in engine.find_iter(b"mail a@b.io or c@d.io") {
///     counts.count(f.shared_entity());
/// }
/// assert_eq!(counts.iter().collect::<Vec<_>>(), [("EMAIL_ADDRESS", 2)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct EntityCounts(Vec<(Arc<str>, u64)>);

impl EntityCounts {
    /// Counts one finding of `entity`.
    #[inline]
    pub fn count(&mut self, entity: &Arc<str>) {
        let same = |(e, _): &&mut (Arc<str>, u64)| Arc::ptr_eq(e, entity) || **e == **entity;
        match self.0.iter_mut().find(same) {
            Some((_, n)) => *n += 1,
            None => self.0.push((entity.clone(), 1)),
        }
    }

    /// Each entity counted and its count, in the order first counted.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.0.iter().map(|(e, n)| (&**e, *n))
    }
}

#[derive(Default)]
struct Tally {
    entities: EntityCounts,
    fallbacks: u64,
}

impl Redactor {
    /// A builder for a redactor over `engine`.
    pub fn builder(engine: Engine) -> RedactorBuilder {
        RedactorBuilder {
            engine,
            policy: Policy::default(),
            key: None,
            options: ScanOptions::default(),
            block: DEFAULT_BLOCK,
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The keyed fingerprint of a value as the `hash` operator computes it (layout ignored,
    /// see [`Operator::Hash`]); `None` without a key. For audit records that must identify
    /// values without holding them.
    pub fn fingerprint(&self, entity: &str, value: &[u8]) -> Option<String> {
        self.key
            .as_ref()
            .map(|k| k.fingerprint(&identity(entity, value)))
    }

    /// Redacts `input`; borrows it back unchanged (no allocation) when nothing is replaced.
    pub fn redact<'a>(&self, input: &'a [u8]) -> Cow<'a, [u8]> {
        self.redact_with_stats(input).0
    }

    /// Redacts a string. Findings are widened to whole characters, so the output is text.
    pub fn redact_str<'a>(&self, input: &'a str) -> Cow<'a, str> {
        match self.redact(input.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(input),
            Cow::Owned(bytes) => Cow::Owned(
                String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
        }
    }

    /// Redacts everything `input` yields into `output`, holding at most one block and two
    /// margins in memory. The output is the same as [`Redactor::redact`] of the whole input.
    ///
    /// # Errors
    /// When a rule has no maximum match length (stream mode needs one), or on a read or write
    /// error.
    pub fn redact_stream<R: Read, W: Write>(
        &self,
        input: R,
        mut output: W,
    ) -> Result<RedactStats, RedactError> {
        self.stream(input, Some(&mut output), None)
    }

    /// [`Redactor::redact_stream`] that also hands each finding it applies (kept ones
    /// included, at input offsets) to `on_finding`, with the 1-based line it starts on.
    ///
    /// ```
    /// use redactyl::{Engine, Redactor};
    ///
    /// let r = Redactor::builder(Engine::builtin()?).build()?;
    /// let mut found = Vec::new();
    /// let mut out = Vec::new();
    /// r.redact_stream_with(&b"hi\nmail jane@example.com"[..], &mut out, &mut |f, line| {
    ///     found.push((f.entity().to_string(), f.start(), line));
    /// })?;
    /// assert_eq!(found, [("EMAIL_ADDRESS".to_string(), 8, 2)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Redactor::redact_stream`].
    pub fn redact_stream_with<R: Read, W: Write>(
        &self,
        input: R,
        mut output: W,
        on_finding: &mut dyn FnMut(&Finding, usize),
    ) -> Result<RedactStats, RedactError> {
        self.stream(
            input,
            Some(&mut output),
            Some(&mut |f, line, _| on_finding(f, line)),
        )
    }

    /// Scans everything `input` yields block by block, as [`Redactor::redact_stream`] reads
    /// it, and writes nothing: each finding goes to `on_finding` with the 1-based line it
    /// starts on and its bytes, holding at most one block and two margins in memory. The
    /// policy plays no part and spans are not widened: the findings are those
    /// [`Engine::scan`] reports for the whole input, wherever what decides a finding lies
    /// within the margin (the longest match plus 1 KiB; a line of digit groups longer than
    /// that, or a sign-off farther above a name, can be decided differently). The stats count
    /// the findings; `bytes_out` is 0.
    ///
    /// ```
    /// use redactyl::{Engine, Redactor};
    ///
    /// let r = Redactor::builder(Engine::builtin()?).build()?;
    /// let mut found = Vec::new();
    /// r.scan_stream(&b"hi\nmail jane@example.com"[..], &mut |f, line, value| {
    ///     found.push((f.entity().to_string(), f.start(), line, value.to_vec()));
    /// })?;
    /// assert_eq!(found, [("EMAIL_ADDRESS".into(), 8, 2, b"jane@example.com".to_vec())]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// When a rule has no maximum match length, or on a read error.
    pub fn scan_stream<R: Read>(
        &self,
        input: R,
        on_finding: &mut dyn FnMut(&Finding, usize, &[u8]),
    ) -> Result<RedactStats, RedactError> {
        self.stream(input, None, Some(on_finding))
    }

    /// [`Redactor::scan_stream`] over input already in memory (a memory-mapped file, say):
    /// the same blocks and margins, the same findings, lines and bytes, read in place.
    ///
    /// ```
    /// use redactyl::{Engine, Redactor};
    ///
    /// let r = Redactor::builder(Engine::builtin()?).build()?;
    /// let mut found = Vec::new();
    /// r.scan_slice(b"hi\nmail jane@example.com", &mut |f, line, value| {
    ///     found.push((f.entity().to_string(), f.start(), line, value.to_vec()));
    /// });
    /// assert_eq!(found, [("EMAIL_ADDRESS".into(), 8, 2, b"jane@example.com".to_vec())]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scan_slice(
        &self,
        input: &[u8],
        on_finding: &mut dyn FnMut(&Finding, usize, &[u8]),
    ) -> RedactStats {
        let mut cursor = Cursor {
            emitted: 0,
            stats: Tally::default(),
            applied: Some(Vec::new()),
            scan_only: true,
        };
        let mut lines = Lines::default();
        self.slice_blocks(input, &mut cursor, &mut |_| {}, &mut |cursor| {
            if let Some(applied) = cursor.applied.as_mut() {
                lines.hand_on(applied, input, 0, on_finding);
            }
        });
        self.stats(cursor.stats, input.len(), 0)
    }

    /// Redacts `input` into `output`, or only scans it when `output` is `None`.
    fn stream<R: Read>(
        &self,
        mut input: R,
        mut output: Option<&mut dyn Write>,
        mut on_finding: Option<&mut OnFinding<'_>>,
    ) -> Result<RedactStats, RedactError> {
        let Some(margin) = self.margin else {
            let unbounded: Vec<&str> = self
                .engine
                .rules()
                .filter(|r| r.max_len.is_none())
                .map(|r| r.id)
                .collect();
            return Err(RedactError {
                kind: RedactErrorKind::Unbounded,
                message: format!(
                    "stream mode needs a maximum match length for every rule; unbounded: {} \
                     (give them `max_len`)",
                    unbounded.join(", ")
                ),
            });
        };
        let block = self.block;
        // `buf` holds the input from absolute offset `base`: a block, its margins and the byte
        // after them that tells whether the block is the last.
        let mut buf: Vec<u8> = Vec::with_capacity(block + 2 * margin + 1);
        let mut base = 0usize;
        let mut cursor = Cursor {
            emitted: 0,
            stats: Tally::default(),
            applied: on_finding.is_some().then(Vec::new),
            scan_only: output.is_none(),
        };
        let mut bytes_out = 0u64;
        let mut k = 0usize;
        let mut lines = Lines::default();
        loop {
            // Block k covers [k*block, (k+1)*block) and is scanned with `margin` either side;
            // it is the last block when the input ends within its right margin. One byte more
            // than the window tells whether it does, exactly as slice mode decides it.
            let want_end = (k + 1) * block + margin;
            fill(&mut input, &mut buf, want_end + 1 - base)?;
            let end = base + buf.len();
            let (first, block_end, last) = self.bounds(k, margin, end);
            let mut write_err = None;
            self.block(
                &buf,
                base,
                first,
                block_end,
                end,
                margin,
                &mut cursor,
                &mut |piece| {
                    if let (None, Some(out)) = (&write_err, output.as_mut()) {
                        let bytes = piece.bytes_at(&buf, base);
                        bytes_out += bytes.len() as u64;
                        if let Err(e) = out.write_all(bytes) {
                            write_err = Some(e);
                        }
                    }
                },
            );
            if let Some(e) = write_err {
                return Err(RedactError::io(e));
            }
            if let (Some(on), Some(applied)) = (on_finding.as_mut(), cursor.applied.as_mut()) {
                lines.hand_on(applied, &buf, base, on);
            }
            if last {
                break;
            }
            k += 1;
            // Keep the next block's left margin (and anything not yet emitted).
            let keep_from = (k * block).saturating_sub(margin).min(cursor.emitted);
            if on_finding.is_some() {
                lines.count_to(keep_from, &buf, base);
            }
            if keep_from > base {
                buf.drain(..keep_from - base);
                base = keep_from;
            }
        }
        if let Some(out) = output {
            out.flush().map_err(RedactError::io)?;
        }
        Ok(self.stats(cursor.stats, base + buf.len(), bytes_out))
    }

    /// Block `k`: its start, where its findings may start up to, and whether it is the last,
    /// given the input's end, or (in a stream) the end of what was read if that is farther
    /// than the block's right margin. Slice and stream decide through this one function.
    fn bounds(&self, k: usize, margin: usize, end: usize) -> (usize, usize, bool) {
        let last = end <= (k + 1) * self.block + margin;
        let block_end = if last { end } else { (k + 1) * self.block };
        (k * self.block, block_end, last)
    }

    fn stats(&self, tally: Tally, bytes_in: usize, bytes_out: u64) -> RedactStats {
        let mut entities: Vec<(String, u64)> = tally
            .entities
            .iter()
            .map(|(e, n)| (e.to_string(), n))
            .collect();
        entities.sort();
        RedactStats {
            bytes_in: bytes_in as u64,
            bytes_out,
            entities,
            surrogate_fallbacks: tally.fallbacks,
        }
    }

    /// Redacts `input` and reports what it applied.
    pub fn redact_with_stats<'a>(&self, input: &'a [u8]) -> (Cow<'a, [u8]>, RedactStats) {
        let (out, stats, _) = self.redact_slice(input, false);
        (out, stats)
    }

    /// Redacts `input` and returns the findings it applied (kept ones included), at their
    /// offsets in `input` (widened to whole characters).
    ///
    /// ```
    /// use redactyl::{Engine, Redactor};
    ///
    /// let r = Redactor::builder(Engine::builtin()?).build()?;
    /// let (out, found) = r.redact_findings(b"mail jane@example.com");
    /// assert_eq!(&*out, b"mail [EMAIL_ADDRESS]");
    /// assert_eq!((found[0].entity(), found[0].start()), ("EMAIL_ADDRESS", 5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn redact_findings<'a>(&self, input: &'a [u8]) -> (Cow<'a, [u8]>, Vec<Finding>) {
        let (out, _, found) = self.redact_slice(input, true);
        (out, found)
    }

    fn redact_slice<'a>(
        &self,
        input: &'a [u8],
        want_findings: bool,
    ) -> (Cow<'a, [u8]>, RedactStats, Vec<Finding>) {
        let mut cursor = Cursor {
            emitted: 0,
            stats: Tally::default(),
            applied: want_findings.then(Vec::new),
            scan_only: false,
        };
        // Output is only allocated at the first replacement; until then it is the input.
        let mut out: Option<Vec<u8>> = None;
        let mut passed = 0;
        let mut on_piece = |piece: Piece| match (&mut out, piece) {
            (Some(o), p) => o.extend_from_slice(p.bytes_at(input, 0)),
            (None, Piece::Input(_, e)) => passed = e,
            (None, Piece::Replacement(r)) => {
                let mut o = Vec::with_capacity(input.len() + r.len());
                o.extend_from_slice(&input[..passed]);
                o.extend_from_slice(&r);
                out = Some(o);
            }
        };
        let len = input.len();
        self.slice_blocks(input, &mut cursor, &mut on_piece, &mut |_| {});
        let bytes_out = out.as_ref().map_or(len, Vec::len) as u64;
        let stats = self.stats(cursor.stats, len, bytes_out);
        let found = cursor.applied.unwrap_or_default();
        match out {
            Some(o) => (Cow::Owned(o), stats, found),
            None => (Cow::Borrowed(input), stats, found),
        }
    }

    /// Scans `input`, all in memory, block by block as a stream does (in one piece when a rule
    /// is unbounded), handing the output's pieces to `emit` and the cursor to `after` once
    /// each block is done.
    fn slice_blocks(
        &self,
        input: &[u8],
        cursor: &mut Cursor,
        emit: &mut dyn FnMut(Piece),
        after: &mut dyn FnMut(&mut Cursor),
    ) {
        let len = input.len();
        let mut k = 0;
        loop {
            let (first, block_end, last, margin) = match self.margin {
                None => (0, len, true, len),
                Some(margin) => {
                    let (first, block_end, last) = self.bounds(k, margin, len);
                    (first, block_end, last, margin)
                }
            };
            self.block(input, 0, first, block_end, len, margin, cursor, emit);
            after(cursor);
            if last {
                break;
            }
            k += 1;
        }
    }

    /// Scans the block `first..block_end` (absolute offsets) with its margins out of `buf`
    /// (which holds the input from absolute offset `base` to `avail`), applies the findings
    /// that start in the block and emits the output up to the block's end.
    #[allow(clippy::too_many_arguments)]
    fn block(
        &self,
        buf: &[u8],
        base: usize,
        first: usize,
        block_end: usize,
        avail: usize,
        margin: usize,
        cursor: &mut Cursor,
        emit: &mut dyn FnMut(Piece),
    ) {
        let ws = first.saturating_sub(margin).max(base);
        let we = block_end.saturating_add(margin).min(avail);
        let window = &buf[ws - base..we - base];
        let mut scratch = self
            .scratches
            .lock()
            .map(|mut v| v.pop())
            .ok()
            .flatten()
            .unwrap_or_else(|| self.engine.scratch());
        let findings = self.engine.scan_with(&mut scratch, window, &self.options);
        for f in findings {
            let (mut s, mut e) = (ws + f.start(), ws + f.end());
            if s < first.max(cursor.emitted) || s >= block_end {
                continue;
            }
            // Whole characters: widen over UTF-8 continuation bytes (a scan reports what
            // the engine found).
            if !cursor.scan_only {
                while s > cursor.emitted && s > ws && is_continuation(buf[s - base]) {
                    s -= 1;
                }
                while e < we && is_continuation(buf[e - base]) {
                    e += 1;
                }
            }
            if let Some(applied) = cursor.applied.as_mut() {
                applied.push(f.moved(s, e));
            }
            cursor.stats.entities.count(f.shared_entity());
            if cursor.scan_only {
                continue;
            }
            let op = self.policy.operator(f.entity());
            if *op == Operator::Keep {
                continue;
            }
            if s > cursor.emitted {
                emit(Piece::Input(cursor.emitted, s));
            }
            let value = &buf[s - base..e - base];
            let replacement = self.replacement(f, op, value, &mut cursor.stats);
            emit(Piece::Replacement(replacement));
            cursor.emitted = e;
        }
        if let Ok(mut v) = self.scratches.lock() {
            v.push(scratch);
        }
        if block_end > cursor.emitted {
            if !cursor.scan_only {
                emit(Piece::Input(cursor.emitted, block_end));
            }
            cursor.emitted = block_end;
        }
    }

    /// The text that replaces `value`.
    fn replacement(&self, f: &Finding, op: &Operator, value: &[u8], tally: &mut Tally) -> Vec<u8> {
        let entity = f.entity();
        match op {
            Operator::Remove => Vec::new(),
            Operator::Label => format!("[{entity}]").into_bytes(),
            Operator::Keep => value.to_vec(),
            Operator::Mask {
                ch,
                keep_first,
                keep_last,
            } => mask(value, *ch, *keep_first, *keep_last),
            Operator::Pseudonym => {
                let id: [u8; 32] = Sha256::digest(identity(entity, value)).into();
                let n = match self.pseudonyms.lock() {
                    Ok(mut p) => {
                        if !p.by_entity.contains_key(entity) {
                            p.by_entity.insert(entity.to_string(), HashMap::new());
                        }
                        let given = p.by_entity.get_mut(entity).map(|m| {
                            let next = m.len() as u64 + 1;
                            *m.entry(id).or_insert(next)
                        });
                        given.unwrap_or(0)
                    }
                    Err(_) => 0,
                };
                format!("<{entity}_{n}>").into_bytes()
            }
            Operator::Hash => self.hash_token(entity, value),
            Operator::Encrypt => match &self.key {
                Some(k) => k.encrypt_token(entity, value).into_bytes(),
                None => format!("[{entity}]").into_bytes(),
            },
            Operator::Surrogate => {
                let Some(key) = &self.key else {
                    return format!("[{entity}]").into_bytes();
                };
                let fake = self.rule_index.get(f.rule_id()).and_then(|&r| {
                    let accept = surrogate::acceptor(&self.engine, r, entity, value);
                    surrogate::make(key, entity, &accept, value)
                });
                match fake {
                    Some(s) => s,
                    None => {
                        tally.fallbacks += 1;
                        self.hash_token(entity, value)
                    }
                }
            }
        }
    }

    fn hash_token(&self, entity: &str, value: &[u8]) -> Vec<u8> {
        match &self.key {
            Some(k) => {
                format!("[{entity}:{}]", k.fingerprint(&identity(entity, value))).into_bytes()
            }
            None => format!("[{entity}]").into_bytes(),
        }
    }
}

fn is_continuation(b: u8) -> bool {
    (0x80..0xC0).contains(&b)
}

/// One piece of output: input bytes passed through, or a replacement.
enum Piece {
    Input(usize, usize),
    Replacement(Vec<u8>),
}

impl Piece {
    fn bytes_at<'a>(&'a self, buf: &'a [u8], base: usize) -> &'a [u8] {
        match self {
            Piece::Input(s, e) => &buf[s - base..e - base],
            Piece::Replacement(r) => r,
        }
    }
}

/// The value that identifies a finding for `hash`, `pseudonym` and `surrogate`: the same card
/// or phone number written with other separators or case is the same value.
pub(crate) fn identity<'a>(entity: &str, value: &'a [u8]) -> Cow<'a, [u8]> {
    let numeric = value.iter().any(u8::is_ascii_digit);
    let free_text = matches!(entity, "PERSON" | "URL" | "SECRET" | "STREET_ADDRESS");
    if entity == "EMAIL_ADDRESS" {
        Cow::Owned(value.to_ascii_lowercase())
    } else if numeric && !free_text {
        Cow::Owned(
            value
                .iter()
                .filter(|b| !matches!(b, b' ' | b'-' | b'.' | b'/' | b'(' | b')' | b'\t'))
                .map(u8::to_ascii_uppercase)
                .collect(),
        )
    } else {
        Cow::Borrowed(value)
    }
}

/// Masks letters and digits, keeping the first and last few; other characters stay.
fn mask(value: &[u8], ch: char, keep_first: usize, keep_last: usize) -> Vec<u8> {
    let mut buf = [0u8; 4];
    let ch = ch.encode_utf8(&mut buf).as_bytes().to_vec();
    let mut out = Vec::with_capacity(value.len());
    // Characters of valid UTF-8; each invalid byte counts as one maskable character.
    let chars: Vec<(&[u8], bool)> = match std::str::from_utf8(value) {
        Ok(s) => s
            .char_indices()
            .map(|(i, c)| (&value[i..i + c.len_utf8()], c.is_alphanumeric()))
            .collect(),
        Err(_) => value
            .iter()
            .enumerate()
            .map(|(i, b)| (&value[i..=i], b.is_ascii_alphanumeric() || *b >= 0x80))
            .collect(),
    };
    let total = chars.iter().filter(|(_, m)| *m).count();
    let mut seen = 0;
    for (bytes, maskable) in chars {
        if !maskable {
            out.extend_from_slice(bytes);
            continue;
        }
        seen += 1;
        if seen <= keep_first || seen + keep_last > total {
            out.extend_from_slice(bytes);
        } else {
            out.extend_from_slice(&ch);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A reader handing out at most `step` bytes per read.
    pub(crate) struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl<'a> Trickle<'a> {
        pub(crate) fn new(data: &'a [u8], step: usize) -> Trickle<'a> {
            Trickle { data, step }
        }
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn every_corpus_surrogate_passes_its_rule_and_differs() {
        let engine = Engine::builtin().unwrap();
        let key = RedactionKey::from_hex(&"42".repeat(32)).unwrap();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpora");
        let mut made: HashMap<String, usize> = HashMap::new();
        let mut fallbacks = Vec::new();
        for name in [
            "support_test.jsonl",
            "support_hard_test.jsonl",
            "support_blind_test.jsonl",
        ] {
            let data = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
            for line in data.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let text = v["text"].as_str().unwrap().as_bytes();
                for f in engine.find_iter(text) {
                    let value = &text[f.range()];
                    let r = engine.rules().position(|x| x.id == f.rule_id()).unwrap() as u32;
                    let accept = surrogate::acceptor(&engine, r, f.entity(), value);
                    match surrogate::make(&key, f.entity(), &accept, value) {
                        Some(s) => {
                            assert_ne!(s, value);
                            assert!(accept(&s), "{}", f.rule_id());
                            *made.entry(f.entity().to_string()).or_default() += 1;
                        }
                        None => {
                            eprintln!(
                                "FALLBACK {} {:?}",
                                f.rule_id(),
                                String::from_utf8_lossy(value)
                            );
                            fallbacks.push(f.rule_id().to_string())
                        }
                    }
                }
            }
        }
        // Only formats whose checksum cannot be drawn fall back (Base58Check, CRC32 tokens).
        fallbacks.sort();
        fallbacks.dedup();
        assert!(
            fallbacks
                .iter()
                .all(|r| ["crypto-btc", "github-token"].contains(&r.as_str())),
            "{fallbacks:?}"
        );
        for e in [
            "PERSON",
            "EMAIL_ADDRESS",
            "PHONE_NUMBER",
            "CREDIT_CARD",
            "IBAN_CODE",
            "US_SSN",
        ] {
            assert!(made.get(e).copied().unwrap_or(0) > 5, "{e}: {made:?}");
        }
    }

    #[test]
    fn masks_keep_layout() {
        assert_eq!(
            mask(b"4111 1111 1111 1234", '*', 0, 4),
            b"**** **** **** 1234"
        );
        assert_eq!(mask(b"jane@example.com", '#', 1, 0), b"j###@#######.###");
        assert_eq!(mask("Zoë".as_bytes(), '*', 0, 0), b"***");
        assert_eq!(mask(b"ab", '*', 3, 3), b"ab");
    }

    #[test]
    fn identity_ignores_separators_and_case() {
        assert_eq!(
            &*identity("CREDIT_CARD", b"4111-1111 1111.1111"),
            b"4111111111111111"
        );
        assert_eq!(
            &*identity("EMAIL_ADDRESS", b"Jane@Example.COM"),
            b"jane@example.com"
        );
        assert_eq!(&*identity("PERSON", b"Jane Doe"), b"Jane Doe");
    }
}
