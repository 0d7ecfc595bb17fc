//! `redactyl`: find personal data and credentials in text, scrub it, check rule files,
//! evaluate on labelled corpora.
//!
//! Exit codes: 0 nothing found (or all checks passed, or scrubbed), 1 something found (or a
//! check failed, or tokens that did not restore), 2 an error (unreadable input, bad rule file,
//! bad policy or key, bad corpus).

mod scrub;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use redactyl::{Engine, EngineBuilder, ScanOptions};
use redactyl_eval::{Corpus, Evaluator, Report};
use serde::Serialize;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
        Ok(b.build()?)
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
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
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

#[derive(Serialize)]
struct FindingLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    path: &'a str,
    entity: &'a str,
    start: usize,
    end: usize,
    line: usize,
    score: f32,
    rule: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    path: &'a str,
    error: String,
}

#[derive(Serialize)]
struct SkippedLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    path: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct SummaryLine {
    #[serde(rename = "type")]
    kind: &'static str,
    files: usize,
    skipped: usize,
    bytes: usize,
    findings: usize,
    errors: usize,
}

/// What walking the inputs found: files to scan, paths passed over (with why), failures.
#[derive(Default)]
struct Inputs {
    files: Vec<PathBuf>,
    skipped: Vec<(PathBuf, &'static str)>,
    errors: Vec<(PathBuf, String)>,
}

/// Files under `path` (itself if a file), sorted. Links inside directories are not followed
/// (they could lead out of the tree or loop); a path named on the command line is.
fn collect_files(path: &Path, named: bool, found: &mut Inputs) {
    let meta = if named {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    };
    let meta = match meta {
        Ok(m) => m,
        Err(e) => {
            found.errors.push((path.to_path_buf(), e.to_string()));
            return;
        }
    };
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                found.errors.push((path.to_path_buf(), e.to_string()));
                return;
            }
        };
        entries.sort();
        for e in entries {
            collect_files(&e, false, found);
        }
    } else if meta.is_file() {
        found.files.push(path.to_path_buf());
    } else if meta.file_type().is_symlink() {
        found
            .skipped
            .push((path.to_path_buf(), "symbolic link not followed"));
    } else {
        found
            .skipped
            .push((path.to_path_buf(), "not a regular file"));
    }
}

fn scan(a: &ScanArgs) -> Result<u8> {
    let engine = a.engine.build()?;
    let mut scratch = engine.scratch();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut inputs: Vec<Option<PathBuf>> = Vec::new();
    let mut found = Inputs::default();
    if a.paths.is_empty() {
        inputs.push(None);
    }
    for p in &a.paths {
        if p.as_os_str() == "-" {
            inputs.push(None);
        } else {
            collect_files(p, true, &mut found);
            inputs.extend(found.files.drain(..).map(Some));
        }
    }
    let mut errors = found.errors;
    for (p, e) in &errors {
        write_error(&mut out, &p.display().to_string(), e.clone())?;
    }
    for (p, why) in &found.skipped {
        write_json_line(
            &mut out,
            &SkippedLine {
                kind: "skipped",
                path: &p.display().to_string(),
                reason: why,
            },
        )?;
    }
    let (mut files, mut bytes, mut total) = (0usize, 0usize, 0usize);
    let mut buf = Vec::new();
    for input in &inputs {
        let name = input
            .as_ref()
            .map_or_else(|| "-".to_string(), |p| p.display().to_string());
        buf.clear();
        let read = match input {
            None => io::stdin().lock().read_to_end(&mut buf),
            Some(p) => std::fs::File::open(p).and_then(|mut f| f.read_to_end(&mut buf)),
        };
        if let Err(e) = read {
            write_error(&mut out, &name, e.to_string())?;
            errors.push((PathBuf::from(&name), e.to_string()));
            continue;
        }
        files += 1;
        bytes += buf.len();
        let findings = engine.scan_with(&mut scratch, &buf, &ScanOptions::new());
        let mut line = 1usize;
        let mut line_at = 0usize;
        for f in findings {
            line += count_newlines(&buf[line_at..f.start()]);
            line_at = f.start();
            let rec = FindingLine {
                kind: "finding",
                path: &name,
                entity: f.entity(),
                start: f.start(),
                end: f.end(),
                line,
                score: (f.score() * 1000.0).round() / 1000.0,
                rule: f.rule_id(),
                value: a
                    .show_values
                    .then(|| String::from_utf8_lossy(&buf[f.range()]).into_owned()),
            };
            write_json_line(&mut out, &rec)?;
        }
        total += findings.len();
    }
    let summary = SummaryLine {
        kind: "summary",
        files,
        skipped: found.skipped.len(),
        bytes,
        findings: total,
        errors: errors.len(),
    };
    write_json_line(&mut out, &summary)?;
    out.flush()?;
    Ok(if !errors.is_empty() {
        2
    } else if total > 0 {
        1
    } else {
        0
    })
}

/// One JSON value and a newline: a line of JSON Lines output.
fn write_json_line(out: &mut impl Write, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn count_newlines(s: &[u8]) -> usize {
    s.iter().filter(|&&b| b == b'\n').count()
}

fn write_error(out: &mut impl Write, path: &str, error: String) -> Result<()> {
    eprintln!("redactyl: {path}: {error}");
    write_json_line(
        &mut *out,
        &ErrorLine {
            kind: "error",
            path,
            error,
        },
    )?;
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
    let builder = builder.min_score(0.0);
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
    for m in &a.label_map {
        let Some((from, to)) = m.split_once('=') else {
            bail!("--label-map takes FROM=TO, got '{m}'");
        };
        ev = ev.map_label(from, to);
    }
    if let Some(s) = a.engine.min_score {
        ev = ev.min_score(s);
    }
    let report = ev.run(&records);
    if let Some(path) = &a.write_predictions {
        write_predictions(path, &records, &report)?;
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if a.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        print_report(&mut out, &report)?;
    }
    out.flush()?;
    Ok(0)
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
    writeln!(
        out,
        "{} records, {:.2} MB scanned at {:.1} MB/s (single thread, scan time only)",
        r.records,
        r.bytes as f64 / 1e6,
        r.mb_per_s()
    )?;
    writeln!(
        out,
        "{:<20} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>8} {:>13} {:>13}",
        "LABEL", "GOLD", "PRED", "P", "R", "F1", "F2", "EXACT-F1", "POS FOUND", "NEG FLAGGED"
    )?;
    for (label, l) in &r.labels {
        let o = &l.overlap;
        let rec = &l.records;
        let frac = |a: usize, b: usize| {
            if b == 0 {
                "-".to_string()
            } else {
                format!("{a}/{b}")
            }
        };
        writeln!(
            out,
            "{:<20} {:>6} {:>6} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>8.3} {:>13} {:>13}",
            label,
            o.found + o.fn_,
            o.tp + o.fp,
            o.precision(),
            o.recall(),
            o.f1(),
            o.f2(),
            l.exact.f1(),
            frac(rec.positive_found, rec.positive),
            frac(rec.negative_flagged, rec.negative)
        )?;
    }
    Ok(())
}
