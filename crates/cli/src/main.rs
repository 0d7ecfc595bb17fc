//! `redactyl`: find personal data and credentials in text, scrub it, check rule files,
//! evaluate on labelled corpora.
//!
//! Exit codes: 0 nothing found (or all checks passed, or scrubbed), 1 something found (or a
//! check failed, or tokens that did not restore), 2 an error (unreadable input, bad rule file,
//! bad policy or key, bad corpus).
#![forbid(unsafe_code)]

mod config;
mod progress;
mod scrub;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use redactyl::{Engine, EngineBuilder, ScanOptions};
use redactyl_batch::reports::{ExposureMap, Sarif};
use redactyl_batch::{Batch, Event, Input, Task};
use redactyl_eval::{Corpus, Evaluator, Report};
use redactyl_formats::Hit;
use serde::Serialize;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "redactyl",
    version,
    about = "Find personal data and credentials in support text"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files, directories or stdin ("-") and print findings as JSON Lines.
    Scan(ScanArgs),
    /// Write the input with its findings replaced as the policy says (default: labels).
    Scrub(scrub::ScrubArgs),
    /// Put back the values of `encrypt` tokens ([enc:...]) with the key that made them.
    Restore(scrub::RestoreArgs),
    /// Print (or write to a new file) a random key for hash, encrypt and surrogate.
    Keygen(scrub::KeygenArgs),
    /// List or check rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Evaluate detection on labelled corpora (JSON Lines, PRODUCT.md §9).
    Eval(EvalArgs),
}

#[derive(Args, Clone)]
struct EngineArgs {
    /// Add the rules, allow list and deny list of a TOML rule file (repeatable).
    #[arg(long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Report findings scoring at least this (default 0.5).
    #[arg(long, value_name = "SCORE")]
    min_score: Option<f32>,
    /// Only detect these entities (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ENTITY,...")]
    entities: Vec<String>,
    /// Also run these rules that are off by default (e.g. date-time).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    enable: Vec<String>,
    /// Leave out these rules (ids as `rules list` shows them).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    disable: Vec<String>,
}

impl EngineArgs {
    fn build(&self) -> Result<Engine> {
        let mut b = EngineBuilder::new();
        for f in &self.rules {
            b = b.add_rules_file(f)?;
        }
        if let Some(s) = self.min_score {
            b = b.min_score(s);
        }
        if !self.entities.is_empty() {
            b = b.entities(self.entities.iter().cloned());
        }
        Ok(b.enable_rules(self.enable.iter().cloned())
            .disable_rules(self.disable.iter().cloned())
            .build()?)
    }
}

#[derive(Args)]
struct ScanArgs {
    /// Files or directories to scan; "-" or nothing reads stdin.
    paths: Vec<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
    /// Include the matched text in the output (off by default: output carries no raw PII).
    #[arg(long)]
    show_values: bool,
    #[command(flatten)]
    reports: ReportArgs,
    /// The TOML config (rules, limits, field policies); default: redactyl.toml here, else
    /// ~/.config/redactyl/config.toml, if present.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Show progress on stderr: auto (on a terminal), never, always.
    #[arg(long, value_enum, default_value_t = progress::When::Auto)]
    progress: progress::When,
    /// Read large files instead of mapping them into memory (maps are faster; a file another
    /// process truncates while it is mapped ends the scan with SIGBUS).
    #[arg(long)]
    no_mmap: bool,
}

/// Report files a run can write besides its main output (never with raw values).
#[derive(Args, Clone, Default)]
struct ReportArgs {
    /// Write the findings as SARIF 2.1.0 to FILE.
    #[arg(long, value_name = "FILE")]
    sarif: Option<PathBuf>,
    /// Write the exposure map (files, JSON paths and CSV columns holding each entity) as JSON.
    #[arg(long, value_name = "FILE")]
    exposure_map: Option<PathBuf>,
    /// Write the exposure map as a self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    exposure_html: Option<PathBuf>,
}

/// Collects the reports a run asked for from its events.
#[derive(Default)]
struct Reports {
    exposure: Option<ExposureMap>,
    sarif: Option<Sarif>,
}

impl Reports {
    fn new(a: &ReportArgs) -> Reports {
        Reports {
            exposure: (a.exposure_map.is_some() || a.exposure_html.is_some())
                .then(ExposureMap::default),
            sarif: a.sarif.is_some().then(Sarif::default),
        }
    }

    fn add(&mut self, e: &Event) {
        if let Some(m) = self.exposure.as_mut() {
            m.add(e);
        }
        if let Some(s) = self.sarif.as_mut() {
            s.add(e);
        }
    }

    /// Writes each report through a temporary file renamed into place.
    fn write(&self, a: &ReportArgs, title: &str) -> Result<()> {
        let put = |path: &Path, bytes: &[u8]| {
            redactyl_batch::atomic_write(path, |w| w.write_all(bytes))
                .with_context(|| format!("cannot write {}", path.display()))
        };
        if let (Some(p), Some(m)) = (&a.exposure_map, &self.exposure) {
            put(p, serde_json::to_string_pretty(&m.to_json())?.as_bytes())?;
        }
        if let (Some(p), Some(m)) = (&a.exposure_html, &self.exposure) {
            put(p, m.to_html(title).as_bytes())?;
        }
        if let (Some(p), Some(s)) = (&a.sarif, &self.sarif) {
            put(p, serde_json::to_string_pretty(&s.to_json())?.as_bytes())?;
        }
        Ok(())
    }
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List the compiled rules.
    List {
        #[command(flatten)]
        engine: EngineArgs,
        /// Print JSON Lines instead of a table.
        #[arg(long)]
        json: bool,
        /// Print only the patterns, one per line, with the `value` group unnamed (for other
        /// regex tools, which join them into one expression).
        #[arg(long, conflicts_with = "json")]
        patterns: bool,
    },
    /// Show one rule: patterns, validator, context words, and what it finds in its examples.
    Explain {
        /// The rule id (see `rules list`).
        id: String,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Run every rule's examples and negative examples (the built-ins, or FILE's rules).
    Check {
        /// A rule file to check instead of the built-in rules.
        file: Option<PathBuf>,
    },
}

#[derive(Args)]
struct EvalArgs {
    /// Corpus files (JSON Lines).
    #[arg(required = true)]
    corpora: Vec<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
    /// Score only these labels (default: every label the engine reports).
    #[arg(long, value_delimiter = ',', value_name = "LABEL,...")]
    labels: Vec<String>,
    /// Rename a gold label before scoring, FROM=TO (repeatable).
    #[arg(long = "label-map", value_name = "FROM=TO")]
    label_map: Vec<String>,
    /// Only records of this split (repeatable), for corpora with a `split` field.
    #[arg(long)]
    split: Vec<String>,
    /// Write predictions as JSON Lines in the corpus format, one line per record.
    #[arg(long, value_name = "FILE")]
    write_predictions: Option<PathBuf>,
    /// Score another tool's predictions (JSON Lines: `id` and `spans`) instead of running
    /// the engine.
    #[arg(long, value_name = "FILE", conflicts_with = "write_predictions")]
    predictions: Option<PathBuf>,
    /// Print the report as JSON (same as --format json).
    #[arg(long)]
    json: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
    format: EvalFormat,
    /// Rename gold labels from a TOML file: `[labels]` with `FROM = "TO"` lines.
    #[arg(long, value_name = "FILE")]
    label_map_file: Option<PathBuf>,
    /// Gate: exit 1 when LABEL's F1 (overlap matching) is below X (repeatable).
    #[arg(long = "min-f1", value_name = "LABEL=X")]
    min_f1: Vec<String>,
    /// Gate: exit 1 when the share of gold PII bytes no finding covers is above X.
    #[arg(long, value_name = "X")]
    max_leak: Option<f64>,
    /// Gate: exit 1 when the share of non-PII bytes covered by findings is above X.
    #[arg(long, value_name = "X")]
    max_over_redaction: Option<f64>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EvalFormat {
    Table,
    Json,
    Markdown,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(a) => scan(&a),
        Command::Scrub(a) => scrub::scrub(&a),
        Command::Restore(a) => scrub::restore(&a),
        Command::Keygen(a) => scrub::keygen(&a),
        Command::Rules(RulesCommand::List {
            engine,
            json,
            patterns,
        }) => list_rules(&engine, json, patterns),
        Command::Rules(RulesCommand::Check { file }) => check_rules(file.as_deref()),
        Command::Rules(RulesCommand::Explain { id, engine }) => explain_rule(&id, &engine),
        Command::Eval(a) => eval(&a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("redactyl: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A reader that went away (`redactyl scan ... | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let kind = c
            .downcast_ref::<io::Error>()
            .map(io::Error::kind)
            .or_else(|| {
                c.downcast_ref::<serde_json::Error>()
                    .and_then(|j| j.io_error_kind())
            });
        kind == Some(io::ErrorKind::BrokenPipe)
    })
}

/// The JSON text of what repeats across a file's findings, made once each: per rule, the
/// fields before its findings' offsets (`,"entity":"...","start":`), and per rule and score
/// those after the line (`,"score":...,"rule":"..."`).
#[derive(Default)]
struct Repeated {
    rules: Vec<RuleText>,
}

/// An entity and rule id (the engine's shared strings, compared by address), the fields before
/// the offsets, and by score (its bits) the fields after the line.
struct RuleText {
    entity: Arc<str>,
    rule: Arc<str>,
    before: Vec<u8>,
    after: Vec<(u32, Vec<u8>)>,
}

impl Repeated {
    /// The fields before `h`'s offsets and those after its line, made if new.
    fn texts(&mut self, h: &Hit) -> serde_json::Result<(&[u8], &[u8])> {
        let same =
            |t: &RuleText| Arc::ptr_eq(&t.rule, &h.rule) && Arc::ptr_eq(&t.entity, &h.entity);
        let r = match self.rules.iter().position(same) {
            Some(r) => r,
            None => {
                let mut before = br#","entity":"#.to_vec();
                serde_json::to_writer(&mut before, &*h.entity)?;
                before.extend_from_slice(br#","start":"#);
                self.rules.push(RuleText {
                    entity: h.entity.clone(),
                    rule: h.rule.clone(),
                    before,
                    after: Vec::new(),
                });
                self.rules.len() - 1
            }
        };
        let text = &mut self.rules[r];
        let bits = h.score.to_bits();
        let k = match text.after.iter().position(|&(b, _)| b == bits) {
            Some(k) => k,
            None => {
                // Written rounded to three decimals.
                let mut after = br#","score":"#.to_vec();
                serde_json::to_writer(&mut after, &((h.score * 1000.0).round() / 1000.0))?;
                after.extend_from_slice(br#","rule":"#);
                serde_json::to_writer(&mut after, &*h.rule)?;
                text.after.push((bits, after));
                text.after.len() - 1
            }
        };
        Ok((&text.before, &text.after[k].1))
    }
}

/// The fields of a finding's JSON line after its path, to the line's end: `,"entity":...,
/// "start":...,"end":...,"line":...,"score":...,"rule":...`, then `record`, `field` and
/// `value` when present. The part up to the path is the same for every finding of a file and
/// is made once per file, and so are the entity, score and rule texts (see `Repeated`).
/// Written directly rather than through a serialised struct: a scan with many findings spends
/// a noticeable share of its time here.
fn finding_fields(line: &mut Vec<u8>, h: &Hit, repeated: &mut Repeated) -> serde_json::Result<()> {
    let number = |line: &mut Vec<u8>, n: u64| {
        line.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    };
    let (before, after) = repeated.texts(h)?;
    line.extend_from_slice(before);
    number(line, h.start as u64);
    line.extend_from_slice(br#","end":"#);
    number(line, h.end as u64);
    line.extend_from_slice(br#","line":"#);
    number(line, h.line as u64);
    line.extend_from_slice(after);
    if let Some(r) = h.record {
        line.extend_from_slice(br#","record":"#);
        number(line, r);
    }
    if let Some(f) = &h.field {
        line.extend_from_slice(br#","field":"#);
        serde_json::to_writer(&mut *line, f)?;
    }
    if let Some(v) = &h.value {
        line.extend_from_slice(br#","value":"#);
        serde_json::to_writer(&mut *line, v)?;
    }
    line.extend_from_slice(b"}\n");
    Ok(())
}

/// An error, refusal, skip or malformed part, as one JSON line.
#[derive(Serialize)]
struct NoticeLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<u64>,
    #[serde(rename = "error", skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct SummaryLine {
    #[serde(rename = "type")]
    kind: &'static str,
    files: u64,
    skipped: u64,
    refused: u64,
    bytes: u64,
    findings: u64,
    errors: u64,
}

/// Writes one batch event as JSON Lines: a file's findings (when `findings`) and malformed
/// parts, or a notice.
fn write_event(out: &mut impl Write, e: &Event, findings: bool) -> Result<()> {
    let notice = |kind, path, error, reason| NoticeLine {
        kind,
        path,
        record: None,
        error,
        reason,
    };
    // A file's findings, one line each (the head with the path serialized once).
    let write_hits = |out: &mut dyn Write, path: &str, hits: &[Hit]| -> Result<()> {
        if !findings || hits.is_empty() {
            return Ok(());
        }
        let mut head = br#"{"type":"finding","path":"#.to_vec();
        serde_json::to_writer(&mut head, path)?;
        let mut line = Vec::new();
        let mut repeated = Repeated::default();
        for h in hits {
            line.clear();
            line.extend_from_slice(&head);
            finding_fields(&mut line, h, &mut repeated)?;
            out.write_all(&line)?;
        }
        Ok(())
    };
    match e {
        Event::Hits { path, hits } => write_hits(out, path, hits)?,
        Event::File(f) => {
            write_hits(out, &f.path, &f.hits)?;
            let residual = f
                .residual
                .iter()
                .map(|h| ("residual", h.record, &*h.entity));
            let problems = f
                .problems
                .iter()
                .map(|p| ("problem", p.record, p.message.as_str()));
            for (kind, record, reason) in residual.chain(problems) {
                let line = NoticeLine {
                    kind,
                    path: &f.path,
                    record,
                    error: None,
                    reason: Some(reason),
                };
                write_json_line(out, &line)?;
            }
        }
        Event::Failed { path, reason } => {
            eprintln!("redactyl: {path}: {reason}");
            write_json_line(out, &notice("error", path, Some(reason), None))?;
        }
        Event::Refused { path, reason } => {
            eprintln!("redactyl: {path}: refused: {reason}");
            write_json_line(out, &notice("refused", path, None, Some(reason)))?;
        }
        Event::Skipped { path, reason } => {
            write_json_line(out, &notice("skipped", path, None, Some(reason)))?;
        }
    }
    Ok(())
}

fn inputs_of(paths: &[PathBuf]) -> Vec<Input> {
    if paths.is_empty() {
        return vec![Input::Stdin];
    }
    paths
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                Input::Stdin
            } else {
                Input::Path(p.clone())
            }
        })
        .collect()
}

fn scan(a: &ScanArgs) -> Result<u8> {
    let config = config::Config::load(a.config.as_deref())?;
    let mut engine_args = a.engine.clone();
    if let Some(p) = &config.path {
        engine_args.rules.insert(0, p.clone());
    }
    let engine = engine_args.build()?;
    let stdout = io::stdout();
    // Findings are many short lines: written 64 KiB at a time, not 8.
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let options = ScanOptions::new();
    let task = Task::Scan {
        engine: &engine,
        options: &options,
        values: a.show_values,
    };
    let mut write_failed: Option<anyhow::Error> = None;
    let mut reports = Reports::new(&a.reports);
    let mut progress = progress::Progress::new(a.progress, false);
    let batch = Batch::new(task)
        .limits(config.limits.clone())
        .fields(config.fields.clone())
        .memory_maps(!a.no_mmap);
    let summary = batch.run(&inputs_of(&a.paths), None, &mut |e| {
        reports.add(&e);
        if let Event::File(f) = &e {
            progress.file(f.bytes);
        }
        if write_failed.is_none() {
            if let Err(err) = write_event(&mut out, &e, true) {
                write_failed = Some(err);
            }
        }
    })?;
    progress.finish();
    if let Some(e) = write_failed {
        return Err(e);
    }
    reports.write(&a.reports, "Redactyl exposure map")?;
    let line = SummaryLine {
        kind: "summary",
        files: summary.files,
        skipped: summary.skipped,
        refused: summary.refused,
        bytes: summary.bytes,
        findings: summary.findings,
        errors: summary.failed,
    };
    write_json_line(&mut out, &line)?;
    out.flush()?;
    // The process ends right after: freeing the compiled rules one allocation at a time
    // would be work for nothing (the system takes the memory back at once).
    std::mem::forget(engine);
    Ok(if summary.failed > 0 || summary.refused > 0 {
        2
    } else if summary.findings > 0 {
        1
    } else {
        0
    })
}

fn write_json_line(out: &mut impl Write, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn list_rules(a: &EngineArgs, json: bool, patterns: bool) -> Result<u8> {
    let engine = a.build()?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if patterns {
        for r in engine.rules() {
            for p in r.patterns {
                writeln!(out, "{}", p.replace("(?P<value>", "("))?;
            }
        }
        out.flush()?;
        return Ok(0);
    }
    if !json {
        writeln!(
            out,
            "{:<22} {:<20} {:>5} {:>7} {:<16} DESCRIPTION",
            "RULE", "ENTITY", "SCORE", "MAXLEN", "VALIDATOR"
        )?;
    }
    for r in engine.rules() {
        if json {
            #[derive(Serialize)]
            struct RuleLine<'a> {
                #[serde(rename = "type")]
                kind: &'static str,
                id: &'a str,
                entity: &'a str,
                score: f32,
                max_len: Option<usize>,
                validator: Option<&'a str>,
                context_required: bool,
                source: &'a str,
                description: &'a str,
            }
            write_json_line(
                &mut out,
                &RuleLine {
                    kind: "rule",
                    id: r.id,
                    entity: r.entity,
                    score: r.score,
                    max_len: r.max_len,
                    validator: r.validator,
                    context_required: r.context_required,
                    source: r.source,
                    description: r.description,
                },
            )?;
        } else {
            writeln!(
                out,
                "{:<22} {:<20} {:>5.2} {:>7} {:<16} {}",
                r.id,
                r.entity,
                r.score,
                r.max_len.map_or("-".to_string(), |l| l.to_string()),
                r.validator.unwrap_or("-"),
                r.description
            )?;
        }
    }
    out.flush()?;
    Ok(0)
}

fn explain_rule(id: &str, a: &EngineArgs) -> Result<u8> {
    // A rule that is off by default can still be explained.
    let mut a = a.clone();
    a.enable.push(id.to_string());
    let engine = a.build()?;
    let Some(r) = engine.rules().find(|r| r.id == id) else {
        bail!("no rule '{id}' (at this threshold; see `redactyl rules list --min-score 0`)");
    };
    let mut out = io::stdout().lock();
    writeln!(out, "rule        {}", r.id)?;
    writeln!(out, "entity      {}", r.entity)?;
    writeln!(out, "what        {}", r.description)?;
    writeln!(out, "from        {}", r.source)?;
    writeln!(
        out,
        "score       {:.2}{}",
        r.score,
        if r.context_required {
            " (context required)"
        } else {
            ""
        }
    )?;
    let max = r
        .max_len
        .map_or("unbounded".to_string(), |l| format!("{l} bytes"));
    writeln!(out, "max match   {max}")?;
    match r.validator {
        Some(v) => {
            let desc = redactyl::Validator::ALL
                .iter()
                .find(|x| x.name() == v)
                .map_or("", |x| x.description());
            writeln!(out, "validator   {v}: {desc}")?;
        }
        None => writeln!(out, "validator   none")?,
    }
    for p in r.patterns {
        writeln!(out, "pattern     {p}")?;
    }
    writeln!(out, "context     {}", r.context.join(", "))?;
    writeln!(out, "against     {}", r.negative_context.join(", "))?;
    // Examples are the rule author's own strings, not scanned data.
    let mut scratch = engine.scratch();
    let only = redactyl::ScanOptions::new()
        .filter(engine.filter_rule(id))
        .min_score(0.0);
    for (label, texts) in [("example", r.examples), ("negative", r.negative_examples)] {
        for t in texts {
            let found: Vec<String> = engine
                .scan_with(&mut scratch, t.as_bytes(), &only)
                .iter()
                .map(|f| format!("{:?} {:.2}", &t[f.range()], f.score()))
                .collect();
            writeln!(out, "{label:<11} {t:?} -> [{}]", found.join(", "))?;
        }
    }
    Ok(0)
}

fn check_rules(file: Option<&Path>) -> Result<u8> {
    let builder = match file {
        Some(f) => EngineBuilder::new().builtin(false).add_rules_file(f)?,
        None => EngineBuilder::new(),
    };
    // Keep every rule, also those that only report below the default threshold.
    let builder = builder.min_score(0.0).enable_all(true);
    let engine = builder.build()?;
    let failures = engine.check_examples();
    let total = engine.example_count();
    for f in &failures {
        let what = if f.expected_match {
            "example did not match"
        } else {
            "negative example matched"
        };
        // Examples are the rule author's own test strings, not scanned data.
        println!("FAIL {}: {what}: {:?}", f.rule, f.example);
    }
    println!(
        "{} passed, {} failed",
        total - failures.len(),
        failures.len()
    );
    Ok(u8::from(!failures.is_empty()))
}

fn eval(a: &EvalArgs) -> Result<u8> {
    let engine = a.engine.build()?;
    let mut records = Vec::new();
    for path in &a.corpora {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut c = Corpus::parse_str(&path.display().to_string(), &text)?;
        c.retain_splits(&a.split);
        records.extend(c.records);
    }
    if records.is_empty() {
        bail!("no records to evaluate");
    }
    let mut ev = Evaluator::new(&engine).keep_predictions(a.write_predictions.is_some());
    if !a.labels.is_empty() {
        ev = ev.labels(a.labels.iter().cloned());
    }
    if let Some(path) = &a.label_map_file {
        for (from, to) in read_label_map(path)? {
            ev = ev.map_label(&from, &to);
        }
    }
    for m in &a.label_map {
        let Some((from, to)) = m.split_once('=') else {
            bail!("--label-map takes FROM=TO, got '{m}'");
        };
        ev = ev.map_label(from, to);
    }
    let gates = Gates::parse(a)?;
    if let Some(s) = a.engine.min_score {
        ev = ev.min_score(s);
    }
    let report = match &a.predictions {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let preds = redactyl_eval::Predictions::parse_str(&path.display().to_string(), &text)?;
            ev.score(&records, &preds)
        }
        None => ev.run(&records),
    };
    if let Some(path) = &a.write_predictions {
        write_predictions(path, &records, &report)?;
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match if a.json { EvalFormat::Json } else { a.format } {
        EvalFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        EvalFormat::Table => print_report(&mut out, &report)?,
        EvalFormat::Markdown => print_markdown(&mut out, &report)?,
    }
    out.flush()?;
    let failed = gates.check(&report);
    for f in &failed {
        eprintln!("redactyl eval: gate failed: {f}");
    }
    Ok(u8::from(!failed.is_empty()))
}

/// `[labels]` of a TOML file: gold label to the label it is scored as.
fn read_label_map(path: &Path) -> Result<Vec<(String, String)>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        labels: std::collections::BTreeMap<String, String>,
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let f: File =
        toml::from_str(&text).with_context(|| format!("{}: not a label map", path.display()))?;
    Ok(f.labels.into_iter().collect())
}

/// CI gates on an evaluation.
struct Gates {
    min_f1: Vec<(String, f64)>,
    max_leak: Option<f64>,
    max_over: Option<f64>,
}

impl Gates {
    fn parse(a: &EvalArgs) -> Result<Gates> {
        let mut min_f1 = Vec::new();
        for g in &a.min_f1 {
            let parsed = g
                .split_once('=')
                .and_then(|(l, x)| Some((l.to_string(), x.parse::<f64>().ok()?)));
            let Some(pair) = parsed else {
                bail!("--min-f1 takes LABEL=X with X a number, got '{g}'");
            };
            min_f1.push(pair);
        }
        Ok(Gates {
            min_f1,
            max_leak: a.max_leak,
            max_over: a.max_over_redaction,
        })
    }

    /// What failed, one line each.
    fn check(&self, r: &Report) -> Vec<String> {
        let mut failed = Vec::new();
        for (label, min) in &self.min_f1 {
            match r.label(label) {
                Some(l) if l.overlap.f1() >= *min => {}
                Some(l) => failed.push(format!("{label} F1 {:.3} < {min}", l.overlap.f1())),
                None => failed.push(format!("{label} was not scored (no gold span, no finding)")),
            }
        }
        if let Some(max) = self.max_leak {
            let leak = r.coverage.leak_rate();
            if leak > max {
                failed.push(format!("leak rate {leak:.4} > {max}"));
            }
        }
        if let Some(max) = self.max_over {
            let over = r.coverage.over_redaction_rate();
            if over > max {
                failed.push(format!("over-redaction rate {over:.4} > {max}"));
            }
        }
        failed
    }
}

fn write_predictions(
    path: &Path,
    records: &[redactyl_eval::Record],
    report: &Report,
) -> Result<()> {
    #[derive(Serialize)]
    struct Line<'a> {
        id: &'a str,
        text: &'a str,
        spans: &'a [redactyl_eval::Prediction],
    }
    let mut out = BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
    );
    for (rec, (id, preds)) in records.iter().zip(&report.predictions) {
        write_json_line(
            &mut out,
            &Line {
                id,
                text: &rec.text,
                spans: preds,
            },
        )?;
    }
    out.flush()?;
    Ok(())
}

fn print_report(out: &mut impl Write, r: &Report) -> Result<()> {
    writeln!(out, "{}", headline(r))?;
    writeln!(
        out,
        "{:<20} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>8} {:>7} {:>13} {:>13}",
        "LABEL",
        "GOLD",
        "PRED",
        "P",
        "R",
        "F1",
        "F2",
        "EXACT-F1",
        "LEAK",
        "POS FOUND",
        "NEG FLAGGED"
    )?;
    for (label, l) in &r.labels {
        let [gold, pred, p, rc, f1, f2, exact, leak, pos, neg] = label_cells(l);
        writeln!(
            out,
            "{label:<20} {gold:>6} {pred:>6} {p:>6} {rc:>6} {f1:>6} {f2:>6} {exact:>8} {leak:>7} {pos:>13} {neg:>13}"
        )?;
    }
    writeln!(out, "{}", coverage_line(r))?;
    if r.confusion.len() > 1 {
        writeln!(out, "confusion (gold -> predicted: count):")?;
        for (g, row) in &r.confusion {
            let cells: Vec<String> = row.iter().map(|(p, n)| format!("{p} {n}")).collect();
            writeln!(out, "  {g:<20} -> {}", cells.join(", "))?;
        }
    }
    if !r.rules.is_empty() {
        writeln!(out, "rules (true / false positives):")?;
        for (rule, c) in &r.rules {
            writeln!(out, "  {rule:<28} {:>6} {:>6}", c.tp, c.fp)?;
        }
    }
    Ok(())
}

/// One label's row: gold, predicted, P, R, F1, F2, exact F1, leak, positive records found,
/// negative records flagged.
fn label_cells(l: &redactyl_eval::LabelReport) -> [String; 10] {
    let (o, rec) = (&l.overlap, &l.records);
    [
        (o.found + o.fn_).to_string(),
        (o.tp + o.fp).to_string(),
        format!("{:.3}", o.precision()),
        format!("{:.3}", o.recall()),
        format!("{:.3}", o.f1()),
        format!("{:.3}", o.f2()),
        format!("{:.3}", l.exact.f1()),
        format!("{:.4}", l.leak_rate()),
        frac(rec.positive_found, rec.positive),
        frac(rec.negative_flagged, rec.negative),
    ]
}

fn frac(a: usize, b: usize) -> String {
    if b == 0 {
        "-".to_string()
    } else {
        format!("{a}/{b}")
    }
}

fn headline(r: &Report) -> String {
    if r.scan_seconds > 0.0 {
        format!(
            "{} records, {:.2} MB scanned at {:.1} MB/s (single thread, scan time only)",
            r.records,
            r.bytes as f64 / 1e6,
            r.mb_per_s()
        )
    } else {
        format!(
            "{} records, {:.2} MB (predictions read from a file, not timed)",
            r.records,
            r.bytes as f64 / 1e6
        )
    }
}

fn coverage_line(r: &Report) -> String {
    let c = &r.coverage;
    format!(
        "leak rate {:.4} ({} of {} gold PII bytes uncovered); over-redaction {:.4} ({} of {} other bytes covered)",
        c.leak_rate(),
        c.leaked_bytes,
        c.gold_bytes,
        c.over_redaction_rate(),
        c.over_redacted_bytes,
        c.clean_bytes
    )
}

/// The same report as Markdown tables.
fn print_markdown(out: &mut impl Write, r: &Report) -> Result<()> {
    writeln!(out, "{}\n", headline(r))?;
    writeln!(
        out,
        "| label | gold | pred | P | R | F1 | F2 | exact F1 | leak | positives found | negatives flagged |"
    )?;
    writeln!(
        out,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )?;
    for (label, l) in &r.labels {
        writeln!(out, "| {label} | {} |", label_cells(l).join(" | "))?;
    }
    writeln!(out, "\n{}", coverage_line(r))?;
    Ok(())
}
