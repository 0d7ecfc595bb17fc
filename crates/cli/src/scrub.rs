//! `redactyl scrub`, `redactyl restore` and `redactyl keygen`.

use crate::EngineArgs;
use anyhow::{bail, Context, Result};
use clap::Args;
use redactyl::{Policy, RedactionKey, Redactor, KEY_ENV};
use redactyl_batch::{Batch, Event, Input, Kind, Task as BatchTask};
use redactyl_formats::Format;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Args)]
pub(crate) struct ScrubArgs {
    /// Files, directories or archives (.tar, .tar.gz/.tgz, .zip, .gz) to scrub; "-" or nothing
    /// reads stdin. Plain text is streamed in bounded memory; JSON, JSONL, CSV/TSV, VTT and SRT
    /// are scrubbed field by field, keeping their structure.
    inputs: Vec<PathBuf>,
    /// Where to write: a file for one file or archive (through a temporary file renamed into
    /// place, so a failed run never leaves a half-scrubbed file), a directory for a directory
    /// or several inputs; default: stdout (one file only).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// A TOML file whose `[policy]` table chooses the operator per entity (default: `label`
    /// for every entity).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The TOML config holding rules, policy, limits and field policies (see README); default:
    /// redactyl.toml here, else ~/.config/redactyl/config.toml, if present.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    engine: EngineArgs,
    /// No summary on stderr.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    reports: crate::ReportArgs,
    /// Re-scan every scrubbed output and report what is still found (entities the policy keeps
    /// or replaces by fakes aside); exit 1 when anything is.
    #[arg(long)]
    residual: bool,
    /// Write an audit record per output file to FILE (JSON Lines): input and output SHA-256,
    /// the rule-set digest, the policy, counts and positions per entity and keyed fingerprints
    /// of the values (with a key), never the values.
    #[arg(long, value_name = "FILE")]
    audit: Option<PathBuf>,
    /// Show progress on stderr: auto (on a terminal), never, always.
    #[arg(long, value_enum, default_value_t = crate::progress::When::Auto)]
    progress: crate::progress::When,
}

#[derive(Args)]
pub(crate) struct KeyArgs {
    /// The key file (hex, as `redactyl keygen` writes it) for `hash`, `encrypt`, `surrogate`
    /// and `restore`. Without it the key comes from the REDACTYL_KEY environment variable.
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
}

impl KeyArgs {
    fn load(&self) -> Result<Option<RedactionKey>> {
        Ok(match &self.key_file {
            Some(f) => Some(RedactionKey::from_file(f)?),
            None => RedactionKey::from_env()?,
        })
    }
}

#[derive(Args)]
pub(crate) struct RestoreArgs {
    /// The file holding `[enc:...]` tokens; "-" or nothing reads stdin.
    input: Option<PathBuf>,
    /// Write the restored text here (atomically); default: stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    #[command(flatten)]
    key: KeyArgs,
    /// No summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
pub(crate) struct KeygenArgs {
    /// Write the key to this file (created with owner-only permissions; an existing file is
    /// never overwritten); default: stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Serialize)]
struct ScrubSummary<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    input: &'a str,
    files: u64,
    bytes_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes_out: Option<u64>,
    findings: u64,
    entities: BTreeMap<&'a str, u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    surrogate_fallbacks: Option<u64>,
    failed: u64,
    refused: u64,
    seconds: f64,
    mb_per_s: f64,
}

#[derive(Serialize)]
struct RestoreSummary<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    input: &'a str,
    restored: u64,
    failed: u64,
}

fn name_of(input: Option<&Path>) -> String {
    input.map_or_else(|| "-".to_string(), |p| p.display().to_string())
}

fn is_stdin(input: Option<&Path>) -> bool {
    input.is_none_or(|p| p.as_os_str() == "-")
}

/// Opens the input (stdin for `-` or nothing).
fn open_input(input: Option<&Path>) -> Result<Box<dyn Read>> {
    match input {
        Some(p) if !is_stdin(input) => {
            let f = File::open(p).with_context(|| format!("cannot read {}", p.display()))?;
            Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
        }
        _ => Ok(Box::new(io::stdin().lock())),
    }
}

/// Runs `write` into `output` (stdout when `None`). A file is written beside its final name
/// and renamed into place only when everything succeeded.
fn with_output<T>(
    input: Option<&Path>,
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let Some(out) = output.filter(|o| o.as_os_str() != "-") else {
        let stdout = io::stdout();
        let mut w = BufWriter::with_capacity(1 << 16, stdout.lock());
        let v = write(&mut w)?;
        w.flush()?;
        return Ok(v);
    };
    if let Some(inp) = input.filter(|_| !is_stdin(input)) {
        let same = match (std::fs::canonicalize(inp), std::fs::canonicalize(out)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            bail!(
                "{} is the input; write the output elsewhere (inputs are never modified)",
                out.display()
            );
        }
    }
    redactyl_batch::atomic_write(out, write).with_context(|| format!("writing {}", out.display()))
}

pub(crate) fn scrub(a: &ScrubArgs) -> Result<u8> {
    let config = crate::config::Config::load(a.config.as_deref())?;
    let mut engine_args = a.engine.clone();
    let mut policy = Policy::default();
    for f in [&config.path, &a.policy].into_iter().flatten() {
        let text = std::fs::read_to_string(f)
            .with_context(|| format!("cannot read policy file {}", f.display()))?;
        policy = Policy::from_toml(&f.display().to_string(), &text)?;
    }
    if let Some(c) = &config.path {
        engine_args.rules.insert(0, c.clone());
    }
    let engine = engine_args.build()?;
    let mut builder = Redactor::builder(engine).policy(policy);
    if let Some(k) = a.key.load()? {
        builder = builder.key(k);
    }
    let redactor = builder.build()?;
    // One plain-text file or stdin: streamed, in bounded memory whatever its size.
    let single = match a.inputs.as_slice() {
        [] => Some(None),
        [one] if is_stdin(Some(one)) => Some(None),
        [one]
            if one.is_file()
                && Kind::of(&one.to_string_lossy()).is_none()
                && Format::from_name(&one.to_string_lossy()) == Format::Text =>
        {
            Some(Some(one.as_path()))
        }
        _ => None,
    };
    // Reports, audit records and the residual check need each finding's place: the batch
    // driver gives it.
    let reports = a.reports.sarif.is_some()
        || a.reports.exposure_map.is_some()
        || a.reports.exposure_html.is_some()
        || a.residual
        || a.audit.is_some();
    let fielded = config.fields.clone();
    match single {
        Some(None) if reports => {
            bail!(
                "--sarif, --exposure-*, --residual and --audit need files: stdin is scrubbed \
                 as a stream, without positions"
            )
        }
        Some(input) if !reports => scrub_stream(a, &redactor, input),
        _ => scrub_batch(a, &redactor, &config.limits, fielded),
    }
}

fn scrub_stream(a: &ScrubArgs, redactor: &Redactor, input: Option<&Path>) -> Result<u8> {
    let reader = open_input(input)?;
    let started = Instant::now();
    let stats = with_output(input, a.output.as_deref(), |w| {
        redactor
            .redact_stream(reader, w)
            .with_context(|| format!("scrubbing {}", name_of(input)))
    })?;
    if !a.quiet {
        let seconds = started.elapsed().as_secs_f64();
        let name = name_of(input);
        let summary = ScrubSummary {
            kind: "summary",
            input: &name,
            files: 1,
            bytes_in: stats.bytes_in,
            bytes_out: Some(stats.bytes_out),
            findings: stats.findings(),
            entities: stats
                .entities
                .iter()
                .map(|(e, n)| (e.as_str(), *n))
                .collect(),
            surrogate_fallbacks: Some(stats.surrogate_fallbacks),
            failed: 0,
            refused: 0,
            seconds,
            mb_per_s: stats.bytes_in as f64 / 1e6 / seconds.max(1e-9),
        };
        print_summary(&summary)?;
    }
    Ok(0)
}

/// Directories, archives, structured files and several inputs: the batch driver.
fn scrub_batch(
    a: &ScrubArgs,
    redactor: &Redactor,
    limits: &redactyl_batch::Limits,
    fields: redactyl_formats::FieldPolicy,
) -> Result<u8> {
    let inputs: Vec<Input> = a
        .inputs
        .iter()
        .map(|p| {
            if is_stdin(Some(p)) {
                Input::Stdin
            } else {
                Input::Path(p.clone())
            }
        })
        .collect();
    if let Some(out) = &a.output {
        for i in &a.inputs {
            let (Ok(inp), Ok(o)) = (std::fs::canonicalize(i), absolute(out)) else {
                continue;
            };
            if o == inp || (inp.is_dir() && o.starts_with(&inp)) {
                bail!(
                    "{} is {} the input {}; write the output elsewhere (inputs are never modified)",
                    out.display(),
                    if o == inp { "" } else { "inside" },
                    i.display()
                );
            }
        }
        let multi = a.inputs.len() > 1 || a.inputs.first().is_some_and(|p| p.is_dir());
        if multi {
            std::fs::create_dir_all(out)
                .with_context(|| format!("cannot create {}", out.display()))?;
        }
    }
    let started = Instant::now();
    // Notices (failures, refusals, malformed parts) go to stderr a line at a time; findings
    // are only counted, in the summary.
    let mut notices = io::LineWriter::new(io::stderr());
    let mut reports = crate::Reports::new(&a.reports);
    let mut audit = Audit::open(a.audit.as_deref(), redactor)?;
    let batch = Batch::new(BatchTask::Scrub(redactor))
        .limits(limits.clone())
        .fields(fields)
        .residual_check(a.residual)
        .audit_records(a.audit.is_some());
    let mut progress = crate::progress::Progress::new(a.progress, a.quiet);
    let summary = batch.run(&inputs, a.output.as_deref(), &mut |e| {
        reports.add(&e);
        if let Event::File(f) = &e {
            progress.file(f.bytes);
        }
        let _ = crate::write_event(&mut notices, &e, false);
        audit.add(&e);
    })?;
    progress.finish();
    drop(notices);
    audit.finish()?;
    reports.write(&a.reports, "Redactyl exposure map")?;
    if !a.quiet {
        let seconds = started.elapsed().as_secs_f64();
        let name = a
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let line = ScrubSummary {
            kind: "summary",
            input: &name,
            files: summary.files,
            bytes_in: summary.bytes,
            bytes_out: None,
            findings: summary.findings,
            entities: summary
                .entities
                .iter()
                .map(|(e, n)| (e.as_str(), *n))
                .collect(),
            surrogate_fallbacks: None,
            failed: summary.failed,
            refused: summary.refused,
            seconds,
            mb_per_s: summary.bytes as f64 / 1e6 / seconds.max(1e-9),
        };
        print_summary(&line)?;
    }
    Ok(if summary.failed > 0 || summary.refused > 0 {
        2
    } else if summary.residual > 0 {
        1
    } else {
        0
    })
}

/// Audit records, one JSON line per scrubbed file, written through a temporary file that is
/// renamed into place at the end.
struct Audit {
    path: Option<PathBuf>,
    lines: Vec<u8>,
    ruleset: String,
    policy: serde_json::Value,
}

impl Audit {
    fn open(path: Option<&Path>, redactor: &Redactor) -> Result<Audit> {
        let p = redactor.policy();
        let entities: BTreeMap<&str, String> =
            p.entities().map(|(e, o)| (e, o.to_string())).collect();
        Ok(Audit {
            path: path.map(Path::to_path_buf),
            lines: Vec::new(),
            ruleset: redactor.engine().ruleset_digest(),
            policy: serde_json::json!({
                "default": p.default_operator().to_string(),
                "entities": entities,
            }),
        })
    }

    fn add(&mut self, e: &Event) {
        let (Some(_), Event::File(f)) = (&self.path, e) else {
            return;
        };
        let Some(audit) = &f.audit else { return };
        let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
        for h in &f.hits {
            *counts.entry(&*h.entity).or_default() += 1;
        }
        let findings: Vec<serde_json::Value> = f
            .hits
            .iter()
            .zip(&audit.fingerprints)
            .map(|(h, fp)| {
                serde_json::json!({
                    "entity": &*h.entity, "rule": &*h.rule, "start": h.start, "end": h.end,
                    "line": h.line, "record": h.record, "field": h.field, "fingerprint": fp,
                })
            })
            .collect();
        let record = serde_json::json!({
            "type": "audit",
            "path": f.path,
            "format": f.format.name(),
            "input_sha256": audit.input_sha256,
            "input_bytes": f.bytes,
            "output_sha256": audit.output_sha256,
            "output_bytes": audit.output_bytes,
            "ruleset_sha256": self.ruleset,
            "policy": self.policy,
            "counts": counts,
            "findings": findings,
            "residual": f.residual.len(),
        });
        if let Ok(line) = serde_json::to_vec(&record) {
            self.lines.extend_from_slice(&line);
            self.lines.push(b'\n');
        }
    }

    fn finish(self) -> Result<()> {
        if let Some(p) = &self.path {
            redactyl_batch::atomic_write(p, |w| w.write_all(&self.lines))
                .with_context(|| format!("cannot write {}", p.display()))?;
        }
        Ok(())
    }
}

/// The summary on stderr: a short table on a terminal, one JSON line otherwise.
fn print_summary(s: &ScrubSummary<'_>) -> Result<()> {
    use std::io::IsTerminal;
    if !io::stderr().is_terminal() {
        eprintln!("{}", serde_json::to_string(s)?);
        return Ok(());
    }
    eprintln!(
        "scrubbed {} file(s), {:.1} MB in {:.2} s ({:.1} MB/s): {} finding(s), {} failed, {} refused",
        s.files,
        s.bytes_in as f64 / 1e6,
        s.seconds,
        s.mb_per_s,
        s.findings,
        s.failed,
        s.refused
    );
    let mut by_count: Vec<(&&str, &u64)> = s.entities.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (entity, n) in by_count {
        eprintln!("  {entity:<22} {n:>8}");
    }
    Ok(())
}

/// `path` made absolute without requiring it to exist.
fn absolute(path: &Path) -> io::Result<PathBuf> {
    match std::fs::canonicalize(path) {
        Ok(p) => Ok(p),
        Err(_) => {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            let base = match parent {
                Some(p) => std::fs::canonicalize(p)?,
                None => std::env::current_dir()?,
            };
            Ok(base.join(path.file_name().unwrap_or_default()))
        }
    }
}

pub(crate) fn restore(a: &RestoreArgs) -> Result<u8> {
    let Some(key) = a.key.load()? else {
        bail!("restore needs the key the text was encrypted with: --key-file FILE or {KEY_ENV}");
    };
    let input = a.input.as_deref();
    let reader = open_input(input)?;
    let stats = with_output(input, a.output.as_deref(), |w| {
        Ok(key.restore_stream(reader, w)?)
    })?;
    if !a.quiet {
        let name = name_of(input);
        let summary = RestoreSummary {
            kind: "summary",
            input: &name,
            restored: stats.restored,
            failed: stats.failed,
        };
        eprintln!("{}", serde_json::to_string(&summary)?);
    }
    if stats.failed > 0 {
        eprintln!(
            "redactyl: {} token(s) did not open under this key and were left as they were",
            stats.failed
        );
        return Ok(1);
    }
    Ok(0)
}

pub(crate) fn keygen(a: &KeygenArgs) -> Result<u8> {
    let hex = RedactionKey::generate_hex()?;
    match &a.output {
        None => println!("{hex}"),
        Some(path) => {
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts
                .open(path)
                .with_context(|| format!("cannot create key file {}", path.display()))?;
            writeln!(f, "{hex}")?;
        }
    }
    Ok(0)
}
