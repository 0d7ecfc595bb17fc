//! Batch scanning and scrubbing: files, directory trees and archives (tar, tar.gz, zip, gz,
//! nested up to a depth limit), in parallel on every core, with outputs that mirror the
//! inputs (a scrubbed tar for a tar, the same member names in the same order).
//!
//! One thread reads (walks a tree, or streams an archive's members), a rayon pool processes
//! at most a bounded number of files at a time, and the reading thread also writes: results
//! come back in input order. Every output is written to a temporary file and renamed into
//! place when complete; inputs are never modified. A file or member that cannot be read or is
//! refused (a name escaping the root, a link, a member over the size limit, a compression
//! bomb, a truncated archive) is reported with its path and reason, and the run goes on.
//!
//! ```no_run
//! use redactyl::{Engine, Redactor};
//! use redactyl_batch::{Batch, Event, Input, Task};
//!
//! let redactor = Redactor::builder(Engine::builtin()?).build()?;
//! let batch = Batch::new(Task::Scrub(&redactor));
//! let inputs = [Input::Path("export.tar.gz".into())];
//! let summary = batch.run(&inputs, Some("scrubbed.tar.gz".as_ref()), &mut |event| {
//!     if let Event::Failed { path, reason } = event {
//!         eprintln!("{path}: {reason}");
//!     }
//! })?;
//! println!("{} files, {} findings", summary.files, summary.findings);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![deny(unsafe_code)]

mod archive;
mod pipeline;
pub mod reports;

pub use archive::Kind;
use archive::Meta;
use redactyl::{Engine, EntityCounts, Redactor, ScanOptions, Scratch};
use redactyl_formats::{process, process_with, FieldPolicy, Format, Hit, Mode, Problem};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Limits that keep hostile or huge inputs from exhausting memory or disk.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Archives inside archives, at most this deep (the outer archive is depth 1).
    pub max_depth: usize,
    /// Largest file or member processed in memory (bytes, after decompression).
    pub max_file_bytes: u64,
    /// Largest decompressed-to-compressed ratio of an archive over 1 MiB.
    pub max_ratio: u64,
    /// Largest total of decompressed bytes in one run.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 4,
            max_file_bytes: 256 << 20,
            max_ratio: 200,
            max_total_bytes: 64 << 30,
        }
    }
}

/// What the batch does to each file.
#[derive(Clone, Copy, Debug)]
pub enum Task<'a> {
    /// Report findings only.
    Scan {
        /// The engine.
        engine: &'a Engine,
        /// Threshold and rule filter.
        options: &'a ScanOptions,
        /// Report each finding's text (off: reports carry no raw values).
        values: bool,
    },
    /// Write scrubbed copies.
    Scrub(&'a Redactor),
}

/// An input of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Standard input (read as one plain or structured file, never as an archive).
    Stdin,
    /// A file, directory or archive.
    Path(PathBuf),
}

/// One file's results.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// Its path: a file path, or `archive.tar.gz!/dir/member.json` inside archives.
    pub path: String,
    /// The format it was read as.
    pub format: Format,
    /// The support-tool export it looks like (`zendesk`, `salesforce-case`, ...).
    pub shape: Option<&'static str>,
    /// Its size in bytes.
    pub bytes: u64,
    /// Findings, in file order (for a file scanned as a stream, those after the last
    /// [`Event::Hits`] of its path).
    pub hits: Vec<Hit>,
    /// Malformed parts (handled as plain text).
    pub problems: Vec<Problem>,
    /// When scrubbing with the residual check on: findings in the scrubbed output, other than
    /// entities the policy keeps or replaces with realistic fakes (`keep`, `surrogate`).
    pub residual: Vec<Hit>,
    /// When scrubbing with audit records on: digests and fingerprints.
    pub audit: Option<Audit>,
}

/// What an audit record holds beyond the report: no values, only digests and fingerprints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audit {
    /// SHA-256 of the input file (hex).
    pub input_sha256: String,
    /// SHA-256 of the output file (hex).
    pub output_sha256: String,
    /// Output size in bytes.
    pub output_bytes: u64,
    /// Per finding (in the order of `hits`): the keyed fingerprint of its value, as the `hash`
    /// operator computes it; `None` without a key.
    pub fingerprints: Vec<Option<String>>,
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the run reports as it goes.
#[derive(Clone, Debug)]
pub enum Event {
    /// A file was processed.
    File(FileReport),
    /// Findings of a file still being scanned, in file order: a plain-text file given by its
    /// own path (not inside a directory or archive) and longer than a scan block is scanned as
    /// a stream, and its findings are handed on as they come, [`HITS_PER_EVENT`] at a time,
    /// rather than held until its end (memory stays bounded whatever the file holds). Its
    /// [`Event::File`] follows with the rest; if reading fails midway, an [`Event::Failed`]
    /// follows instead, and the findings already handed on stand.
    Hits {
        /// The file's path.
        path: String,
        /// The findings.
        hits: Vec<Hit>,
    },
    /// A file, member or archive could not be read or written.
    Failed {
        /// Its path.
        path: String,
        /// Why (never quoting content).
        reason: String,
    },
    /// A member or file was refused and left out of the output.
    Refused {
        /// Its path.
        path: String,
        /// Why.
        reason: String,
    },
    /// A path was passed over on purpose (a link inside a directory tree, a device).
    Skipped {
        /// Its path.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Totals of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files processed.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Findings.
    pub findings: u64,
    /// Findings per entity.
    pub entities: BTreeMap<String, u64>,
    /// Failures.
    pub failed: u64,
    /// Refused files and members.
    pub refused: u64,
    /// Skipped paths.
    pub skipped: u64,
    /// Malformed parts handled as plain text.
    pub problems: u64,
    /// Findings still in scrubbed outputs (with the residual check on).
    pub residual: u64,
}

impl Summary {
    fn count_entities(&mut self, hits: &[Hit]) {
        // Counted per entity first (hits share the engine's few entity strings), then each
        // entity's count is added to the map once.
        let mut counts = EntityCounts::default();
        for h in hits {
            counts.count(&h.entity);
        }
        for (entity, n) in counts.iter() {
            match self.entities.get_mut(entity) {
                Some(total) => *total += n,
                None => {
                    self.entities.insert(entity.to_string(), n);
                }
            }
        }
    }

    fn add(&mut self, e: &Event) {
        match e {
            Event::File(f) => {
                self.files += 1;
                self.bytes += f.bytes;
                self.findings += f.hits.len() as u64;
                self.problems += f.problems.len() as u64;
                self.residual += f.residual.len() as u64;
                self.count_entities(&f.hits);
            }
            Event::Hits { hits, .. } => {
                self.findings += hits.len() as u64;
                self.count_entities(hits);
            }
            Event::Failed { .. } => self.failed += 1,
            Event::Refused { .. } => self.refused += 1,
            Event::Skipped { .. } => self.skipped += 1,
        }
    }
}

/// Why a run could not start.
#[derive(Debug)]
pub struct BatchError(String);

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BatchError {}

/// A configured batch: the task, limits and parallelism.
#[derive(Debug)]
pub struct Batch<'a> {
    task: Task<'a>,
    limits: Limits,
    total: Arc<AtomicU64>,
    residual: bool,
    audit: bool,
    fields: FieldPolicy,
    /// Scratches of the engine scans run with (scan mode, residual checks), reused across
    /// files and workers.
    scratches: Mutex<Vec<Scratch>>,
    /// Plain-text files longer than this are scanned a block this long at a time.
    scan_block: usize,
    /// Those files are mapped and scanned in place when scanning (see `memory_maps`).
    memory_maps: bool,
}

/// How many findings an [`Event::Hits`] holds.
pub const HITS_PER_EVENT: usize = 512;

/// Default of [`Batch::scan_block`]: 2 MiB. Each block is scanned with a margin on both sides
/// (17 KiB with the built-in rules, 1.7% more bytes scanned); a scan's passes over a smaller
/// block find more of it in the cache, and 2 MiB was the fastest of 512 KiB to 4 MiB.
pub const SCAN_BLOCK: usize = 2 << 20;

/// Why a file is refused once the run has read `Limits::max_total_bytes`.
const TOTAL_REACHED: &str = "the run's total size limit is reached";

/// The result of processing one in-memory file: its report events and new bytes.
struct Done {
    events: Vec<Event>,
    output: Option<Vec<u8>>,
}

impl<'a> Batch<'a> {
    /// A batch with default limits, on rayon's global pool (every core).
    pub fn new(task: Task<'a>) -> Batch<'a> {
        Batch {
            task,
            limits: Limits::default(),
            total: Arc::new(AtomicU64::new(0)),
            residual: false,
            audit: false,
            fields: FieldPolicy::default(),
            scratches: Mutex::new(Vec::new()),
            scan_block: SCAN_BLOCK,
            memory_maps: true,
        }
    }

    /// Runs `f` with a scan mode of `engine`, on a scratch from the pool.
    fn scanning<T>(
        &self,
        engine: &Engine,
        options: &ScanOptions,
        values: bool,
        f: impl FnOnce(&mut Mode<'_>) -> T,
    ) -> T {
        let pooled = self.scratches.lock().ok().and_then(|mut v| v.pop());
        let mut scratch = pooled.unwrap_or_else(|| engine.scratch());
        let out = f(&mut Mode::Scan {
            engine,
            scratch: &mut scratch,
            options,
            values,
        });
        if let Ok(mut v) = self.scratches.lock() {
            v.push(scratch);
        }
        out
    }

    /// Per-field choices for structured files (skip, always redact, JSON numbers).
    pub fn fields(mut self, fields: FieldPolicy) -> Batch<'a> {
        self.fields = fields;
        self
    }

    /// Re-scan every scrubbed output and report what is still found
    /// ([`FileReport::residual`]). Costs a second scan.
    pub fn residual_check(mut self, on: bool) -> Batch<'a> {
        self.residual = on;
        self
    }

    /// Compute audit records ([`FileReport::audit`]): digests of input and output, keyed
    /// fingerprints of the values found.
    pub fn audit_records(mut self, on: bool) -> Batch<'a> {
        self.audit = on;
        self
    }

    /// Scanning, plain-text files longer than `bytes` are scanned a block of `bytes` at a time
    /// (default [`SCAN_BLOCK`], at least 1): mapped and read in place (see
    /// [`Batch::memory_maps`]), or read into one reused buffer: bounded memory, and no page
    /// faults for a buffer as large as the file. Their findings are those of a scan of the
    /// whole file (see `Redactor::scan_stream`).
    pub fn scan_block(mut self, bytes: usize) -> Batch<'a> {
        self.scan_block = bytes.max(1);
        self
    }

    /// Whether a scan maps the regular files it takes a block at a time (see
    /// [`Batch::scan_block`]) into memory, read-only, and scans them in place (default on),
    /// rather than reading them into a buffer: no copy of the file and no buffer to fault in
    /// (about 3% of a 10 MB scan's time). Scrubbing never maps. The cost: another process
    /// truncating a file while it is scanned ends this one (SIGBUS) where a read would not;
    /// turn maps off when scanning files others are changing. A file that cannot be mapped
    /// is read.
    pub fn memory_maps(mut self, on: bool) -> Batch<'a> {
        self.memory_maps = on;
        self
    }

    /// Other limits.
    pub fn limits(mut self, limits: Limits) -> Batch<'a> {
        self.limits = limits;
        self
    }

    /// How many files or members the pool holds at once: two per worker. Asked only by runs
    /// that use the pool (trees, archives), so that one file given alone starts no threads.
    fn in_flight(&self) -> usize {
        2 * rayon::current_num_threads().max(1)
    }

    /// Counts `bytes` more towards the run's total; whether that passes its limit.
    fn over_total(&self, bytes: u64) -> bool {
        let before = self.total.fetch_add(bytes, Ordering::Relaxed);
        before + bytes > self.limits.max_total_bytes
    }

    fn scrubbing(&self) -> bool {
        matches!(self.task, Task::Scrub(_))
    }

    /// Runs over `inputs`. Scrubbing writes to `output`: the output file for one file or
    /// archive, the output directory for a directory or several inputs, standard output when
    /// `None` (one non-archive input only). Events go to `sink` in input order.
    ///
    /// # Errors
    /// Only when the run cannot start: no output place for what is asked, or two inputs that
    /// would write the same output. Failures of single files are events.
    pub fn run(
        &self,
        inputs: &[Input],
        output: Option<&Path>,
        sink: &mut dyn FnMut(Event),
    ) -> Result<Summary, BatchError> {
        let mut summary = Summary::default();
        let mut emit = |e: Event| {
            summary.add(&e);
            sink(e);
        };
        let targets = self.plan(inputs, output)?;
        for (input, target) in inputs.iter().zip(targets) {
            match input {
                Input::Stdin => {
                    let mut data = Vec::new();
                    let read = io::stdin()
                        .lock()
                        .take(self.limits.max_file_bytes.saturating_add(1))
                        .read_to_end(&mut data);
                    match read {
                        Err(e) => emit(failed("-", e)),
                        Ok(n) if n as u64 > self.limits.max_file_bytes => emit(Event::Refused {
                            path: "-".into(),
                            reason: too_large(self.limits.max_file_bytes),
                        }),
                        Ok(_) => {
                            let done = self.blob("-", "-", data, 0);
                            self.write_single(done, target.as_deref(), "-", &mut emit);
                        }
                    }
                }
                Input::Path(p) => self.path(p, target.as_deref(), &mut emit),
            }
        }
        Ok(summary)
    }

    /// Where each input's output goes (`None`: standard output, or nowhere when scanning).
    fn plan(
        &self,
        inputs: &[Input],
        output: Option<&Path>,
    ) -> Result<Vec<Option<PathBuf>>, BatchError> {
        if !self.scrubbing() {
            return Ok(vec![None; inputs.len()]);
        }
        let is_dir = |i: &Input| matches!(i, Input::Path(p) if p.is_dir());
        let is_archive =
            |i: &Input| matches!(i, Input::Path(p) if Kind::of(&p.to_string_lossy()).is_some());
        match (inputs, output) {
            ([one], None) if !is_dir(one) && !is_archive(one) => Ok(vec![None]),
            (_, None) => Err(BatchError(
                "scrubbing directories, archives or several inputs needs an output (-o)".into(),
            )),
            ([_], Some(out)) => Ok(vec![Some(out.to_path_buf())]),
            (many, Some(out)) => {
                let mut seen = std::collections::HashSet::new();
                many.iter()
                    .map(|i| {
                        let Input::Path(p) = i else {
                            return Err(BatchError("stdin cannot be one of several inputs".into()));
                        };
                        let name = p.file_name().ok_or_else(|| {
                            BatchError(format!("{} has no file name", p.display()))
                        })?;
                        if !seen.insert(name.to_os_string()) {
                            return Err(BatchError(format!(
                                "two inputs are named {}; their outputs would collide",
                                name.to_string_lossy()
                            )));
                        }
                        Ok(Some(out.join(name)))
                    })
                    .collect()
            }
        }
    }

    fn path(&self, p: &Path, target: Option<&Path>, emit: &mut dyn FnMut(Event)) {
        let shown = p.display().to_string();
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => return emit(failed(&shown, e)),
        };
        if meta.is_dir() {
            return self.tree(p, target, emit);
        }
        if let Some(kind) = Kind::of(&shown) {
            return self.archive_file(p, kind, target, emit);
        }
        match self.load(p, &shown, meta.len()) {
            Load::Stream => {
                for e in self.stream_file(p, &shown, target, Some(&mut *emit)) {
                    emit(e);
                }
            }
            Load::Failed(e) => emit(e),
            Load::Whole(data) => {
                let done = self.blob(&shown, &shown, data, 0);
                self.write_single(done, target, &shown, emit);
            }
        }
    }

    /// How the plain file `p` (named `shown`, `size` bytes) is taken in: streamed (plain text
    /// to scan longer than a scan block, or over the in-memory limit), else read whole.
    fn load(&self, p: &Path, shown: &str, size: u64) -> Load {
        if self.streams(shown, size) {
            return Load::Stream;
        }
        match read_file(p, self.limits.max_file_bytes) {
            Ok(data) => Load::Whole(data),
            Err(ReadError::TooLarge(_)) if Format::from_name(shown) == Format::Text => Load::Stream,
            Err(e) => Load::Failed(e.event(shown)),
        }
    }

    /// Whether the file named `shown` of `size` bytes is streamed although it would fit in
    /// memory: plain text to scan, longer than a scan block (see [`Batch::scan_block`]).
    /// Smaller files are read whole: a stream's set-up would cost more than it saves.
    fn streams(&self, shown: &str, size: u64) -> bool {
        !self.scrubbing()
            && size > self.scan_block as u64
            && Format::from_name(shown) == Format::Text
    }

    /// A plain-text file streamed through the redactor's block algorithm (bounded memory):
    /// scanned (see `streams`), or, over the in-memory limit, scrubbed into `target` (or
    /// stdout). A scan hands its findings to `part` as they come ([`Event::Hits`]) when
    /// given one; the events returned hold the rest.
    fn stream_file(
        &self,
        p: &Path,
        shown: &str,
        target: Option<&Path>,
        mut part: Option<&mut dyn FnMut(Event)>,
    ) -> Vec<Event> {
        let file = match File::open(p) {
            Ok(f) => f,
            Err(e) => return vec![failed(shown, e)],
        };
        let size = file.metadata().map_or(0, |m| m.len());
        if self.over_total(size) {
            return refused(shown, TOTAL_REACHED.into()).events;
        }
        let keep;
        let (redactor, values) = match self.task {
            Task::Scrub(r) => (r, false),
            Task::Scan {
                engine,
                options,
                values,
            } => {
                let built = Redactor::builder(engine.clone())
                    .policy(redactyl::Policy::new(redactyl::Operator::Keep))
                    .scan_options(options.clone())
                    .block_size(self.scan_block)
                    .build();
                match built {
                    Ok(r) => {
                        keep = r;
                        (&keep, values)
                    }
                    Err(e) => return vec![failed(shown, e)],
                }
            }
        };
        // Only a scan's findings are handed on as they come: a scrub's stand once its output
        // is written.
        if !matches!(self.task, Task::Scan { .. }) {
            part = None;
        }
        let mut hits: Vec<Hit> = Vec::new();
        // A full list grows to what the findings so far promise for the whole file (at least
        // doubling, at most 16 times): a couple of moves of a long list rather than one per
        // doubling, and never more room than 16 times what is held.
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let mut on = |f: &redactyl::Finding, line: usize, value: &[u8]| {
            if let Some(emit) = part.as_mut().filter(|_| hits.len() == HITS_PER_EVENT) {
                let full = std::mem::replace(&mut hits, Vec::with_capacity(HITS_PER_EVENT));
                emit(Event::Hits {
                    path: shown.to_string(),
                    hits: full,
                });
            }
            let len = hits.len();
            if len == hits.capacity() && len >= 1024 {
                let promised = len.saturating_mul(size) / f.start().max(1);
                let wanted = promised
                    .saturating_add(promised / 8)
                    .clamp(2 * len, 16 * len);
                hits.reserve_exact(wanted - len);
            }
            hits.push(Hit::of(f, line, values.then_some(value)));
        };
        let result = match (self.task, target) {
            (Task::Scrub(_), Some(t)) => atomic_write(t, |w| {
                redactor
                    .redact_stream_with(file, w, &mut |f, l| on(f, l, b""))
                    .map(Some)
                    .map_err(io::Error::other)
            }),
            (Task::Scrub(_), None) => redactor
                .redact_stream_with(file, io::stdout().lock(), &mut |f, l| on(f, l, b""))
                .map(Some)
                .map_err(io::Error::other),
            (Task::Scan { .. }, _) => {
                // SAFETY: a scan only reads the map, and the caller chose maps knowing what
                // a file changed meanwhile does (see `map_for_scan`, `Batch::memory_maps`).
                #[allow(unsafe_code)]
                let map = self
                    .memory_maps
                    .then(|| unsafe { map_for_scan(&file) })
                    .flatten();
                match map {
                    Some(map) => Ok(Some(redactor.scan_slice(&map, &mut on))),
                    None => redactor
                        .scan_stream(file, &mut on)
                        .map(Some)
                        .map_err(io::Error::other),
                }
            }
        };
        match result {
            Ok(stats) => vec![Event::File(FileReport {
                path: shown.to_string(),
                format: Format::Text,
                shape: None,
                bytes: stats.map_or(0, |s| s.bytes_in),
                hits,
                problems: Vec::new(),
                residual: Vec::new(),
                audit: None,
            })],
            Err(e) => vec![failed(shown, e)],
        }
    }

    /// Emits a file's events and writes its output (atomically), or to stdout.
    fn write_single(
        &self,
        done: Done,
        target: Option<&Path>,
        shown: &str,
        emit: &mut dyn FnMut(Event),
    ) {
        for e in done.events {
            emit(e);
        }
        if !self.scrubbing() {
            return;
        }
        let Some(out) = &done.output else { return };
        let result = match target {
            None => {
                let mut so = io::stdout().lock();
                so.write_all(out).and_then(|()| so.flush())
            }
            Some(t) => atomic_write(t, |w| w.write_all(out)),
        };
        if let Err(e) = result {
            emit(failed(shown, e));
        }
    }

    /// A directory tree: files in parallel, then archives one by one (each in parallel inside).
    fn tree(&self, root: &Path, target: Option<&Path>, emit: &mut dyn FnMut(Event)) {
        let mut files = Vec::new();
        walk(root, &mut files, emit);
        let (archives, plain): (Vec<PathBuf>, Vec<PathBuf>) = files
            .into_iter()
            .partition(|f| Kind::of(&f.to_string_lossy()).is_some());
        let target_of = |f: &Path| target.map(|t| t.join(f.strip_prefix(root).unwrap_or(f)));
        pipeline::ordered(
            plain.into_iter(),
            self.in_flight(),
            |f: PathBuf| {
                let shown = f.display().to_string();
                let size = std::fs::metadata(&f).map_or(0, |m| m.len());
                let mut done = match self.load(&f, &shown, size) {
                    Load::Whole(data) => self.blob(&shown, &shown, data, 0),
                    Load::Stream => {
                        let t = target_of(&f);
                        if let Some(dir) = t.as_ref().and_then(|t| t.parent()) {
                            let _ = std::fs::create_dir_all(dir);
                        }
                        return self.stream_file(&f, &shown, t.as_deref(), None);
                    }
                    Load::Failed(e) => Done {
                        events: vec![e],
                        output: None,
                    },
                };
                // Files of a tree are written by the workers: they go to different places.
                if let (Some(t), Some(out)) = (target_of(&f), done.output.take()) {
                    let written = t
                        .parent()
                        .map_or(Ok(()), std::fs::create_dir_all)
                        .and_then(|()| atomic_write(&t, |w| w.write_all(&out)));
                    if let Err(e) = written {
                        done.events.push(failed(&shown, e));
                    }
                }
                done.events
            },
            |result| match result {
                Ok(events) => events.into_iter().for_each(&mut *emit),
                Err(()) => emit(Event::Failed {
                    path: root.display().to_string(),
                    reason: "internal error while processing a file".into(),
                }),
            },
        );
        for a in archives {
            let kind = Kind::of(&a.to_string_lossy()).unwrap_or(Kind::Tar);
            let t = target_of(&a);
            if let Some(dir) = t.as_ref().and_then(|t| t.parent()) {
                if let Err(e) = std::fs::create_dir_all(dir) {
                    emit(failed(&a.display().to_string(), e));
                    continue;
                }
            }
            self.archive_file(&a, kind, t.as_deref(), emit);
        }
    }

    /// Processes bytes named `name` at archive depth `depth`: an archive inside an archive is
    /// opened (in memory, up to the depth limit), anything else goes through its format.
    fn blob(&self, shown: &str, name: &str, data: Vec<u8>, depth: usize) -> Done {
        if self.over_total(data.len() as u64) {
            return refused(shown, TOTAL_REACHED.into());
        }
        if depth > 0 {
            if let Some(kind) = Kind::of(name) {
                if depth >= self.limits.max_depth {
                    return refused(
                        shown,
                        format!(
                            "archive nested deeper than {} levels",
                            self.limits.max_depth
                        ),
                    );
                }
                return self.archive_in_memory(shown, kind, data, depth);
            }
        }
        let format = Format::from_name(name);
        let processed = match self.task {
            Task::Scrub(r) => process_with(format, &data, &mut Mode::Scrub(r), &self.fields),
            Task::Scan {
                engine,
                options,
                values,
            } => self.scanning(engine, options, values, |mode| {
                process_with(format, &data, mode, &self.fields)
            }),
        };
        let mut report = FileReport {
            path: shown.to_string(),
            format: processed.format,
            shape: processed.shape,
            bytes: data.len() as u64,
            hits: processed.hits,
            problems: processed.problems,
            residual: Vec::new(),
            audit: None,
        };
        let output = match self.task {
            Task::Scrub(_) => Some(processed.output.into_owned()),
            Task::Scan { .. } => None,
        };
        if let (Task::Scrub(r), Some(out)) = (self.task, &output) {
            if self.residual {
                report.residual = self.residual(r, processed.format, out);
            }
            if self.audit {
                let fingerprints = report
                    .hits
                    .iter()
                    .map(|h| r.fingerprint(&h.entity, data.get(h.start..h.end).unwrap_or_default()))
                    .collect();
                report.audit = Some(Audit {
                    input_sha256: sha256_hex(&data),
                    output_sha256: sha256_hex(out),
                    output_bytes: out.len() as u64,
                    fingerprints,
                });
            }
        }
        Done {
            events: vec![Event::File(report)],
            output,
        }
    }

    /// What a scrubbed output still holds: a scan of it in its own format, leaving out
    /// entities whose operator leaves a value that looks like one (`keep`, `surrogate`).
    fn residual(&self, r: &Redactor, format: Format, output: &[u8]) -> Vec<Hit> {
        let options = ScanOptions::new();
        let found = self.scanning(r.engine(), &options, false, |mode| {
            process(format, output, mode)
        });
        found
            .hits
            .into_iter()
            .filter(|h| {
                !matches!(
                    r.policy().operator(&h.entity),
                    redactyl::Operator::Keep | redactyl::Operator::Surrogate
                )
            })
            .collect()
    }

    /// An archive held in memory (nested): members one after another.
    fn archive_in_memory(&self, shown: &str, kind: Kind, data: Vec<u8>, depth: usize) -> Done {
        let compressed = data.len() as u64;
        let mut events = Vec::new();
        let mut writer = self
            .scrubbing()
            .then(|| archive::Writer::new(kind, io::Cursor::new(Vec::new())));
        let source = io::Cursor::new(data);
        let mut on_member = |m: Member| -> io::Result<()> {
            match m {
                Member::File { name, data, meta } => {
                    let inner = format!("{shown}!/{name}");
                    let done = self.blob(&inner, &name, data, depth + 1);
                    events.extend(done.events);
                    if let (Some(w), Some(out)) = (writer.as_mut(), done.output) {
                        w.file(&name, &out, &meta)?;
                    }
                }
                Member::Dir { name, meta } => {
                    if let Some(w) = writer.as_mut() {
                        w.dir(&name, &meta)?;
                    }
                }
                Member::Refused { name, reason } => events.push(Event::Refused {
                    path: format!("{shown}!/{name}"),
                    reason,
                }),
            }
            Ok(())
        };
        let read = self.members(kind, shown, source, compressed, &mut on_member);
        if let Err(e) = read {
            events.push(Event::Failed {
                path: shown.to_string(),
                reason: e,
            });
        }
        let output = match writer.map(archive::Writer::finish) {
            Some(Ok(c)) => Some(c.into_inner()),
            Some(Err(e)) => {
                events.push(failed(shown, e));
                None
            }
            None => None,
        };
        Done { events, output }
    }

    /// An archive on disk: members read in order by one thread, processed in parallel,
    /// written in order into a temporary archive renamed into place at the end.
    fn archive_file(
        &self,
        p: &Path,
        kind: Kind,
        target: Option<&Path>,
        emit: &mut dyn FnMut(Event),
    ) {
        let shown = p.display().to_string();
        let file = match File::open(p) {
            Ok(f) => f,
            Err(e) => return emit(failed(&shown, e)),
        };
        match (self.scrubbing(), target) {
            (true, Some(t)) => {
                let result = atomic_write_seek(t, |f| {
                    let mut w = archive::Writer::new(kind, f);
                    self.stream_members(kind, &shown, &file, Some(&mut w), emit)?;
                    w.finish().map(|_| ())
                });
                if let Err(e) = result {
                    emit(failed(&t.display().to_string(), e));
                }
            }
            (true, None) => emit(Event::Failed {
                path: shown,
                reason: "a scrubbed archive needs an output file (-o)".into(),
            }),
            (false, _) => {
                if let Err(e) = self.stream_members::<File>(kind, &shown, &file, None, emit) {
                    emit(failed(&shown, e));
                }
            }
        }
    }

    /// The parallel part of [`Batch::archive_file`]: a reader thread, the pipeline, and the
    /// writer on this thread. A read error ends the archive (reported); the members read so
    /// far are written.
    fn stream_members<W: Write + Seek>(
        &self,
        kind: Kind,
        shown: &str,
        file: &File,
        mut sink: Option<&mut archive::Writer<W>>,
        emit: &mut dyn FnMut(Event),
    ) -> io::Result<()> {
        let compressed = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut write_error: Option<io::Error> = None;
        // A tar.gz is written one gzip member per entry: the workers compress, the writer
        // only appends.
        let pack = kind == Kind::TarGz && sink.is_some();
        let (tx, members) = pipeline::feed(self.in_flight());
        let read_result = std::thread::scope(|scope| {
            // The sender moves into the reader: its end ends the member stream.
            let reader = scope.spawn(move || {
                let mut send = |m: Member| -> io::Result<()> {
                    tx.send(m)
                        .map_err(|_| io::Error::other("the writer stopped"))
                };
                let source = BufReader::with_capacity(1 << 16, file);
                self.members(kind, shown, source, compressed, &mut send)
            });
            pipeline::ordered(
                members.iter(),
                self.in_flight(),
                |m: Member| match m {
                    Member::File { name, data, meta } => {
                        let inner = format!("{shown}!/{name}");
                        let mut done = self.blob(&inner, &name, data, 1);
                        let packed = match (pack, done.output.take()) {
                            (true, Some(out)) => {
                                Some(archive::tar_gz_entry(&name, &out, &meta, false))
                            }
                            (_, out) => {
                                done.output = out;
                                None
                            }
                        };
                        (done, Some((name, meta, false)), packed)
                    }
                    Member::Dir { name, meta } => (
                        Done {
                            events: Vec::new(),
                            output: None,
                        },
                        Some((name, meta, true)),
                        None,
                    ),
                    Member::Refused { name, reason } => {
                        (refused(&format!("{shown}!/{name}"), reason), None, None)
                    }
                },
                |result| {
                    let Ok((done, entry, packed)) = result else {
                        emit(Event::Failed {
                            path: shown.to_string(),
                            reason: "internal error while processing a member".into(),
                        });
                        return;
                    };
                    done.events.into_iter().for_each(&mut *emit);
                    let (Some(w), Some((name, meta, is_dir))) = (sink.as_deref_mut(), entry) else {
                        return;
                    };
                    let r = match (is_dir, packed, &done.output) {
                        (true, _, _) => w.dir(&name, &meta),
                        (false, Some(p), _) => p.and_then(|bytes| w.raw(&bytes)),
                        (false, None, Some(out)) => w.file(&name, out, &meta),
                        (false, None, None) => Ok(()),
                    };
                    if let Err(e) = r {
                        write_error.get_or_insert(e);
                    }
                },
            );
            reader
                .join()
                .unwrap_or_else(|_| Err("the archive reader failed".into()))
        });
        if let Err(reason) = read_result {
            emit(Event::Failed {
                path: shown.to_string(),
                reason,
            });
        }
        write_error.map_or(Ok(()), Err)
    }

    /// Reads the members of an archive of `kind` from `source` in order, handing each to
    /// `each`. Refusals are members; an error that ends the archive is the `Err`.
    fn members<R: Read + Seek>(
        &self,
        kind: Kind,
        shown: &str,
        source: R,
        compressed: u64,
        each: &mut dyn FnMut(Member) -> io::Result<()>,
    ) -> Result<(), String> {
        let limits = &self.limits;
        let ratio_ok =
            |out: u64| out <= 1 << 20 || out <= compressed.max(1).saturating_mul(limits.max_ratio);
        let mut out_total = 0u64;
        let mut check = |size: u64| -> Option<String> {
            out_total += size;
            if size > limits.max_file_bytes {
                Some(too_large(limits.max_file_bytes))
            } else if !ratio_ok(out_total) {
                Some(format!(
                    "expands more than {}x (a compression bomb?); the rest of the archive is refused",
                    limits.max_ratio
                ))
            } else {
                None
            }
        };
        let send = |each: &mut dyn FnMut(Member) -> io::Result<()>, m: Member| {
            each(m).map_err(|e| format!("cannot write: {e}"))
        };
        match kind {
            Kind::Tar | Kind::TarGz => {
                let reader: Box<dyn Read> = if kind == Kind::TarGz {
                    Box::new(flate2::read::MultiGzDecoder::new(source))
                } else {
                    Box::new(source)
                };
                let mut ar = tar::Archive::new(reader);
                let entries = ar
                    .entries()
                    .map_err(|e| format!("not a readable tar: {e}"))?;
                for entry in entries {
                    let mut entry = entry.map_err(|e| format!("unreadable archive: {e}"))?;
                    let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
                    let Some(name) = archive::safe_name(&raw) else {
                        send(
                            each,
                            refuse(&raw, "its path leaves the archive's root (absolute or ..)"),
                        )?;
                        continue;
                    };
                    let header = entry.header();
                    let meta = Meta {
                        mode: header.mode().ok(),
                        mtime: header.mtime().ok(),
                    };
                    let kind = header.entry_type();
                    if kind.is_dir() {
                        send(each, Member::Dir { name, meta })?;
                        continue;
                    }
                    if kind.is_symlink() || kind.is_hard_link() {
                        send(each, refuse(&name, "a link (links are not followed)"))?;
                        continue;
                    }
                    if !(kind.is_file() || kind == tar::EntryType::Continuous) {
                        if kind.is_pax_global_extensions()
                            || kind.is_pax_local_extensions()
                            || kind.is_gnu_longname()
                        {
                            continue;
                        }
                        send(each, refuse(&name, "not a regular file"))?;
                        continue;
                    }
                    if let Some(why) = check(entry.size()) {
                        let bomb = why.contains("bomb");
                        send(each, refuse(&name, &why))?;
                        if bomb {
                            return Err(why);
                        }
                        continue;
                    }
                    let size = entry.size();
                    let data = archive::read_limited(&mut entry, limits.max_file_bytes, size)
                        .map_err(|e| format!("member {name} cannot be read: {e}"))?;
                    match data {
                        Ok(data) => send(each, Member::File { name, data, meta })?,
                        Err(_) => send(each, refuse(&name, &too_large(limits.max_file_bytes)))?,
                    }
                }
                Ok(())
            }
            Kind::Gz => {
                let name = shown
                    .rsplit(['/', '!'])
                    .next()
                    .unwrap_or(shown)
                    .trim_end_matches(".gz")
                    .trim_end_matches(".GZ")
                    .to_string();
                let gz = flate2::read::MultiGzDecoder::new(source);
                let cap = limits.max_file_bytes.min(
                    compressed
                        .max(1)
                        .saturating_mul(limits.max_ratio)
                        .max(1 << 20),
                );
                let data = archive::read_limited(gz, cap, 0)
                    .map_err(|e| format!("unreadable gzip: {e}"))?;
                match data {
                    Ok(data) => send(
                        each,
                        Member::File {
                            name,
                            data,
                            meta: Meta::default(),
                        },
                    ),
                    Err(_) => send(
                        each,
                        refuse(
                            &name,
                            &format!(
                                "expands beyond {} bytes (size limit or a compression bomb)",
                                cap
                            ),
                        ),
                    ),
                }
            }
            Kind::Zip => {
                let mut zip =
                    zip::ZipArchive::new(source).map_err(|e| format!("not a readable zip: {e}"))?;
                for i in 0..zip.len() {
                    let mut f = zip
                        .by_index(i)
                        .map_err(|e| format!("unreadable zip member {i}: {e}"))?;
                    let raw = f.name().to_string();
                    let Some(name) =
                        archive::safe_name(&raw).filter(|_| f.enclosed_name().is_some())
                    else {
                        send(
                            each,
                            refuse(&raw, "its path leaves the archive's root (absolute or ..)"),
                        )?;
                        continue;
                    };
                    let meta = Meta {
                        mode: f.unix_mode(),
                        mtime: None,
                    };
                    if f.is_dir() {
                        send(each, Member::Dir { name, meta })?;
                        continue;
                    }
                    if f.is_symlink() {
                        send(each, refuse(&name, "a link (links are not followed)"))?;
                        continue;
                    }
                    let ratio = f.size() / f.compressed_size().max(1);
                    if f.size() > 1 << 20 && ratio > limits.max_ratio {
                        send(
                            each,
                            refuse(
                                &name,
                                &format!(
                                    "expands {ratio}x, more than {}x (a compression bomb?)",
                                    limits.max_ratio
                                ),
                            ),
                        )?;
                        continue;
                    }
                    if let Some(why) = check(f.size()) {
                        send(each, refuse(&name, &why))?;
                        continue;
                    }
                    let size = f.size();
                    let data = archive::read_limited(&mut f, limits.max_file_bytes, size)
                        .map_err(|e| format!("member {name} cannot be read: {e}"))?;
                    match data {
                        Ok(data) => send(each, Member::File { name, data, meta })?,
                        Err(_) => send(each, refuse(&name, &too_large(limits.max_file_bytes)))?,
                    }
                }
                Ok(())
            }
        }
    }
}

/// A member as the reader hands it on.
pub(crate) enum Member {
    File {
        name: String,
        data: Vec<u8>,
        meta: Meta,
    },
    Dir {
        name: String,
        meta: Meta,
    },
    Refused {
        name: String,
        reason: String,
    },
}

fn refuse(name: &str, reason: &str) -> Member {
    Member::Refused {
        name: name.to_string(),
        reason: reason.to_string(),
    }
}

fn refused(path: &str, reason: String) -> Done {
    Done {
        events: vec![Event::Refused {
            path: path.to_string(),
            reason,
        }],
        output: None,
    }
}

fn failed(path: &str, e: impl std::fmt::Display) -> Event {
    Event::Failed {
        path: path.to_string(),
        reason: e.to_string(),
    }
}

fn too_large(limit: u64) -> String {
    format!("larger than the {limit}-byte limit for one file")
}

/// How a plain file is taken in (see `Batch::load`).
enum Load {
    Whole(Vec<u8>),
    Stream,
    Failed(Event),
}

enum ReadError {
    Io(io::Error),
    TooLarge(u64),
}

impl ReadError {
    fn event(&self, shown: &str) -> Event {
        match self {
            ReadError::Io(e) => failed(shown, e),
            ReadError::TooLarge(limit) => Event::Refused {
                path: shown.to_string(),
                reason: too_large(*limit),
            },
        }
    }
}

fn read_file(p: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let f = File::open(p).map_err(ReadError::Io)?;
    let expected = f.metadata().map_or(0, |m| m.len());
    // Known to be over the limit: not read into memory only to find out.
    if expected > limit {
        return Err(ReadError::TooLarge(limit));
    }
    match archive::read_limited(f, limit, expected).map_err(ReadError::Io)? {
        Ok(d) => Ok(d),
        Err(_) => Err(ReadError::TooLarge(limit)),
    }
}

/// Files under `dir`, sorted; links inside the tree are skipped (they could leave it or loop).
fn walk(dir: &Path, files: &mut Vec<PathBuf>, emit: &mut dyn FnMut(Event)) {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => return emit(failed(&dir.display().to_string(), e)),
    };
    entries.sort();
    for e in entries {
        let shown = e.display().to_string();
        match std::fs::symlink_metadata(&e) {
            Err(err) => emit(failed(&shown, err)),
            Ok(m) if m.file_type().is_symlink() => emit(Event::Skipped {
                path: shown,
                reason: "symbolic link not followed".into(),
            }),
            Ok(m) if m.is_dir() => walk(&e, files, emit),
            Ok(m) if m.is_file() => files.push(e),
            Ok(_) => emit(Event::Skipped {
                path: shown,
                reason: "not a regular file".into(),
            }),
        }
    }
}

fn temp_beside(path: &Path) -> io::Result<PathBuf> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other(format!("{} is not a file name", path.display())))?;
    static N: AtomicU64 = AtomicU64::new(0);
    Ok(dir.join(format!(
        ".{}.redactyl-{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )))
}

/// Writes `path` through a temporary file beside it, renamed into place only on success (a
/// failed write removes the temporary file and leaves `path` as it was).
///
/// # Errors
/// The writer's error, or the I/O error of creating, syncing or renaming the file.
pub fn atomic_write<T, E: From<io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, E>,
) -> Result<T, E> {
    atomic_write_seek(path, |f| {
        let mut w = BufWriter::with_capacity(1 << 16, f);
        let v = write(&mut w)?;
        w.flush()?;
        Ok(v)
    })
}

fn atomic_write_seek<T, E: From<io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut File) -> Result<T, E>,
) -> Result<T, E> {
    let tmp = temp_beside(path)?;
    let result = (|| {
        let mut f = File::create(&tmp)?;
        let v = write(&mut f)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(v)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `file` mapped into memory, read-only, when it is a regular file that maps (else `None`:
/// the caller reads it instead).
///
/// # Safety
/// The map is only read as long as the file stays as it was: while it is mapped, no process
/// may truncate it (the pages past its new end fault, and the kernel ends this process with
/// SIGBUS) or write to it (the bytes, which the scan takes for immutable, change under it).
/// Callers only scan the map, so a scan cut short this way writes nothing and loses nothing.
#[allow(unsafe_code)]
unsafe fn map_for_scan(file: &File) -> Option<memmap2::Mmap> {
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return None;
    }
    // SAFETY: the caller keeps the file unchanged while it is mapped (see above).
    unsafe { memmap2::Mmap::map(file) }.ok()
}
