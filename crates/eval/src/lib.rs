//! Evaluation of Redactyl on labelled corpora (the corpus format of PRODUCT.md §9).
//!
//! A corpus is JSON Lines, one record per line:
//! `{"id": "...", "text": "...", "spans": [{"start": 0, "end": 5, "label": "PERSON"}]}` with
//! UTF-8 byte offsets. A record may scope its scoring to some labels with
//! `"meta": {"eval_labels": ["IBAN_CODE"]}`: only those labels are detected and scored for it.
//!
//! ```
//! use redactyl_eval::{Corpus, Evaluator};
//! let corpus = Corpus::parse_str("inline", r#"{"id":"1","text":"mail a@b.io","spans":[{"start":5,"end":11,"label":"EMAIL_ADDRESS"}]}"#).unwrap();
//! let engine = redactyl::Engine::builtin().unwrap();
//! let report = Evaluator::new(&engine).run(&corpus.records);
//! assert_eq!(report.label("EMAIL_ADDRESS").unwrap().overlap.recall(), 1.0);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use redactyl::{Engine, ScanOptions};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::time::Instant;

/// A labelled span (byte offsets, end exclusive).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct Span {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Entity label.
    pub label: String,
}

/// Record metadata the evaluator understands.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Meta {
    /// Labels this record is scored on (all labels when absent).
    #[serde(default)]
    pub eval_labels: Option<Vec<String>>,
}

/// One corpus record.
#[derive(Clone, Debug, Deserialize)]
pub struct Record {
    /// Record id.
    pub id: String,
    /// The text.
    pub text: String,
    /// Gold spans.
    #[serde(default)]
    pub spans: Vec<Span>,
    /// Metadata.
    #[serde(default)]
    pub meta: Option<Meta>,
    /// The corpus split (`train`, `dev`, `test` ...), if any.
    #[serde(default)]
    pub split: Option<String>,
}

/// A parsed corpus.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// Its records, in file order.
    pub records: Vec<Record>,
}

/// A corpus line that could not be read, with where it is.
#[derive(Debug)]
pub struct CorpusError {
    /// File name.
    pub source: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CorpusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.message)
    }
}

impl std::error::Error for CorpusError {}

/// The non-blank lines of JSON Lines text, each parsed, with its 1-based line number.
fn json_lines<'t, T: serde::de::DeserializeOwned>(
    source: &'t str,
    text: &'t str,
) -> impl Iterator<Item = Result<(usize, T), CorpusError>> + 't {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(move |(i, line)| {
            serde_json::from_str(line)
                .map(|v| (i + 1, v))
                .map_err(|e| CorpusError {
                    source: source.to_string(),
                    line: i + 1,
                    message: e.to_string(),
                })
        })
}

impl Corpus {
    /// Parses JSON Lines text. Blank lines are skipped.
    ///
    /// # Errors
    /// On the first line that is not a valid record, or a span outside its text or not on
    /// character boundaries.
    pub fn parse_str(source: &str, text: &str) -> Result<Corpus, CorpusError> {
        let mut records = Vec::new();
        for item in json_lines::<Record>(source, text) {
            let (line, rec) = item?;
            let err = |message: String| CorpusError {
                source: source.to_string(),
                line,
                message,
            };
            for s in &rec.spans {
                if s.start > s.end
                    || s.end > rec.text.len()
                    || !rec.text.is_char_boundary(s.start)
                    || !rec.text.is_char_boundary(s.end)
                {
                    return Err(err(format!(
                        "record '{}': span {}..{} is not within its text on character boundaries",
                        rec.id, s.start, s.end
                    )));
                }
            }
            records.push(rec);
        }
        Ok(Corpus { records })
    }

    /// Keeps only records of these splits (all when empty).
    pub fn retain_splits(&mut self, splits: &[String]) {
        if !splits.is_empty() {
            self.records
                .retain(|r| r.split.as_ref().is_some_and(|s| splits.contains(s)));
        }
    }
}

/// True/false positive counts under one matching rule.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Counts {
    /// Predictions that match a gold span.
    pub tp: usize,
    /// Predictions that match none.
    pub fp: usize,
    /// Gold spans no prediction matches.
    pub fn_: usize,
    /// Gold spans some prediction matches.
    pub found: usize,
}

impl Counts {
    /// tp / (tp + fp); 1 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// found / (found + fn); 1 when there is no gold.
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.found + self.fn_)
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        f_beta(self.precision(), self.recall(), 1.0)
    }
    /// F2 (recall weighted higher).
    pub fn f2(&self) -> f64 {
        f_beta(self.precision(), self.recall(), 2.0)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn f_beta(p: f64, r: f64, beta: f64) -> f64 {
    let b2 = beta * beta;
    if p + r == 0.0 {
        0.0
    } else {
        (1.0 + b2) * p * r / (b2 * p + r)
    }
}

/// Record-level counts for scoped (recognizer-suite) records.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct RecordCounts {
    /// Records with gold spans of the label.
    pub positive: usize,
    /// ... whose every gold span of the label was found.
    pub positive_found: usize,
    /// Records scoped to the label with no gold span of it.
    pub negative: usize,
    /// ... on which something of the label was reported.
    pub negative_flagged: usize,
}

/// Metrics for one label.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LabelReport {
    /// Spans overlap and labels agree.
    pub overlap: Counts,
    /// Same start and end and label.
    pub exact: Counts,
    /// Per-record outcome, for records scoped with `eval_labels`.
    pub records: RecordCounts,
    /// Bytes inside gold spans of the label.
    pub gold_bytes: usize,
    /// ... that no finding (of any label) covers.
    pub leaked_bytes: usize,
}

impl LabelReport {
    /// Share of the label's gold bytes that no finding covers.
    pub fn leak_rate(&self) -> f64 {
        share(self.leaked_bytes, self.gold_bytes)
    }
}

/// Byte coverage over all scored labels.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Coverage {
    /// Bytes inside gold spans of the scored labels.
    pub gold_bytes: usize,
    /// ... that no finding covers.
    pub leaked_bytes: usize,
    /// Bytes outside every gold span (of any label, scored or not).
    pub clean_bytes: usize,
    /// ... that a finding covers.
    pub over_redacted_bytes: usize,
}

impl Coverage {
    /// Share of gold PII bytes left uncovered by every finding.
    pub fn leak_rate(&self) -> f64 {
        share(self.leaked_bytes, self.gold_bytes)
    }
    /// Share of bytes that are no gold PII but covered by a finding.
    pub fn over_redaction_rate(&self) -> f64 {
        share(self.over_redacted_bytes, self.clean_bytes)
    }
}

/// Per-rule outcome: findings that overlap a gold span of their label, and those that do not.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct RuleCounts {
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
}

fn share(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The union of spans, sorted and merged.
fn merged(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Bytes of `a` (merged spans) that lie inside `b` (merged spans).
fn intersection(a: &[(usize, usize)], b: &[(usize, usize)]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (s, e) = (a[i].0.max(b[j].0), a[i].1.min(b[j].1));
        if s < e {
            n += e - s;
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    n
}

fn total(spans: &[(usize, usize)]) -> usize {
    spans.iter().map(|(s, e)| e - s).sum()
}

/// Label that the confusion table uses for "no span on that side".
pub const NONE: &str = "(none)";

/// A prediction, as written with `--write-predictions` (another tool's predictions need only
/// `start`, `end` and `label`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Prediction {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset.
    pub end: usize,
    /// Entity.
    pub label: String,
    /// Score.
    #[serde(default)]
    pub score: f32,
    /// Rule id.
    #[serde(default)]
    pub rule: String,
}

/// Predictions of another tool, by record id, read from JSON Lines in the corpus format
/// (`{"id": ..., "spans": [{"start", "end", "label"}]}`).
#[derive(Clone, Debug, Default)]
pub struct Predictions {
    by_id: HashMap<String, Vec<Prediction>>,
}

impl Predictions {
    /// Parses JSON Lines; blank lines are skipped.
    ///
    /// # Errors
    /// On a line that is not an object with an `id` and `spans`, or a repeated id.
    pub fn parse_str(source: &str, text: &str) -> Result<Predictions, CorpusError> {
        #[derive(Deserialize)]
        struct Line {
            id: String,
            #[serde(default)]
            spans: Vec<Prediction>,
        }
        let mut by_id = HashMap::new();
        for item in json_lines::<Line>(source, text) {
            let (line, l) = item?;
            if by_id.insert(l.id.clone(), l.spans).is_some() {
                return Err(CorpusError {
                    source: source.to_string(),
                    line,
                    message: format!("record '{}' appears twice", l.id),
                });
            }
        }
        Ok(Predictions { by_id })
    }

    /// The predictions for record `id` (none when the tool wrote no line for it).
    pub fn get(&self, id: &str) -> &[Prediction] {
        self.by_id.get(id).map_or(&[], Vec::as_slice)
    }

    /// The distinct labels predicted.
    pub fn labels(&self) -> BTreeSet<String> {
        self.by_id
            .values()
            .flatten()
            .map(|p| p.label.clone())
            .collect()
    }
}

/// The result of an evaluation.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Per label.
    pub labels: BTreeMap<String, LabelReport>,
    /// Records evaluated.
    pub records: usize,
    /// Bytes of text scanned.
    pub bytes: usize,
    /// Seconds spent scanning (excluding reading and scoring).
    pub scan_seconds: f64,
    /// Leak (gold spans of the scored labels) and over-redaction (bytes outside every gold
    /// span), in bytes, counting findings of every label.
    pub coverage: Coverage,
    /// Gold label (or `(none)`) to predicted label (or `(none)`) to count: each gold span
    /// against the labels of the findings overlapping it, each finding overlapping no gold
    /// span against `(none)`.
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
    /// Per rule id (findings of the engine; another tool's predictions name none).
    pub rules: BTreeMap<String, RuleCounts>,
    /// Per record id, what was predicted (kept only when asked).
    #[serde(skip)]
    pub predictions: Vec<(String, Vec<Prediction>)>,
}

impl Report {
    /// The metrics of one label.
    pub fn label(&self, label: &str) -> Option<&LabelReport> {
        self.labels.get(label)
    }
    /// Scan throughput in MB/s (10^6 bytes).
    pub fn mb_per_s(&self) -> f64 {
        if self.scan_seconds > 0.0 {
            self.bytes as f64 / 1e6 / self.scan_seconds
        } else {
            0.0
        }
    }
}

/// Runs an engine over records and scores its findings.
#[derive(Debug)]
pub struct Evaluator<'e> {
    engine: &'e Engine,
    labels: Option<BTreeSet<String>>,
    label_map: HashMap<String, String>,
    min_score: Option<f32>,
    keep_predictions: bool,
}

impl<'e> Evaluator<'e> {
    /// An evaluator scoring every label the engine can report.
    pub fn new(engine: &'e Engine) -> Evaluator<'e> {
        Evaluator {
            engine,
            labels: None,
            label_map: HashMap::new(),
            min_score: None,
            keep_predictions: false,
        }
    }

    /// Score only these labels.
    pub fn labels(mut self, labels: impl IntoIterator<Item = String>) -> Self {
        self.labels = Some(labels.into_iter().collect());
        self
    }

    /// Rename gold labels before scoring (corpora that name entities differently).
    pub fn map_label(mut self, from: &str, to: &str) -> Self {
        self.label_map.insert(from.to_string(), to.to_string());
        self
    }

    /// Override the engine's score threshold.
    pub fn min_score(mut self, s: f32) -> Self {
        self.min_score = Some(s);
        self
    }

    /// Keep the predictions in the report.
    pub fn keep_predictions(mut self, yes: bool) -> Self {
        self.keep_predictions = yes;
        self
    }

    /// Evaluates the records.
    pub fn run(&self, records: &[Record]) -> Report {
        let mut report = Report::default();
        let mut scratch = self.engine.scratch();
        let base = match self.min_score {
            Some(s) => ScanOptions::new().min_score(s),
            None => ScanOptions::new(),
        };
        let mut scoped_opts: HashMap<Vec<String>, ScanOptions> = HashMap::new();
        let known: BTreeSet<String> = self
            .engine
            .entities()
            .into_iter()
            .map(str::to_string)
            .collect();
        for rec in records {
            let scope = self.scope(rec);
            let opts = match &scope {
                Some(s) => scoped_opts
                    .entry(s.clone())
                    .or_insert_with(|| base.clone().filter(self.engine.filter_entities(s))),
                None => &base,
            };
            let t = Instant::now();
            let found = self
                .engine
                .scan_with(&mut scratch, rec.text.as_bytes(), opts);
            report.scan_seconds += t.elapsed().as_secs_f64();
            let preds: Vec<Prediction> = found
                .iter()
                .map(|f| Prediction {
                    start: f.start(),
                    end: f.end(),
                    label: f.entity().to_string(),
                    score: f.score(),
                    rule: f.rule_id().to_string(),
                })
                .collect();
            self.score_record(&mut report, rec, scope.as_deref(), preds, &known);
        }
        report
    }

    /// Scores another tool's predictions against the records, the same way as [`run`]
    /// scores the engine's (no time is measured). Without [`Evaluator::labels`], the labels
    /// scored are those the tool predicted. In records scoped with `eval_labels`, predictions
    /// of other labels are left out, as the engine would not look for them.
    ///
    /// [`run`]: Evaluator::run
    pub fn score(&self, records: &[Record], predictions: &Predictions) -> Report {
        let mut report = Report::default();
        let known = predictions.labels();
        for rec in records {
            let scope = self.scope(rec);
            let preds: Vec<Prediction> = predictions
                .get(&rec.id)
                .iter()
                .filter(|p| scope.as_ref().is_none_or(|s| s.contains(&p.label)))
                .cloned()
                .collect();
            self.score_record(&mut report, rec, scope.as_deref(), preds, &known);
        }
        report
    }

    /// The labels a record is scoped to, mapped.
    fn scope(&self, rec: &Record) -> Option<Vec<String>> {
        rec.meta
            .as_ref()
            .and_then(|m| m.eval_labels.clone())
            .map(|ls| ls.iter().map(|l| self.mapped(l)).collect())
    }

    /// Whether `label` is scored: the chosen labels, or else those the predictor knows.
    fn scored(&self, label: &str, known: &BTreeSet<String>) -> bool {
        match &self.labels {
            Some(l) => l.contains(label),
            None => known.contains(label),
        }
    }

    fn score_record(
        &self,
        report: &mut Report,
        rec: &Record,
        scope: Option<&[String]>,
        preds: Vec<Prediction>,
        known: &BTreeSet<String>,
    ) {
        report.bytes += rec.text.len();
        report.records += 1;
        let in_scope =
            |l: &str| self.scored(l, known) && scope.is_none_or(|s| s.iter().any(|x| x == l));
        let gold: Vec<Span> = rec
            .spans
            .iter()
            .map(|s| Span {
                start: s.start,
                end: s.end,
                label: self.mapped(&s.label),
            })
            .collect();
        let mut labels: BTreeSet<&str> = BTreeSet::new();
        labels.extend(
            gold.iter()
                .map(|s| s.label.as_str())
                .filter(|l| in_scope(l)),
        );
        labels.extend(
            preds
                .iter()
                .map(|p| p.label.as_str())
                .filter(|l| in_scope(l)),
        );
        if let Some(s) = scope {
            labels.extend(
                s.iter()
                    .map(String::as_str)
                    .filter(|l| self.scored(l, known)),
            );
        }
        for label in labels {
            let g: Vec<(usize, usize)> = gold
                .iter()
                .filter(|s| s.label == label)
                .map(|s| (s.start, s.end))
                .collect();
            let p: Vec<(usize, usize)> = preds
                .iter()
                .filter(|s| s.label == label)
                .map(|s| (s.start, s.end))
                .collect();
            let entry = report.labels.entry(label.to_string()).or_default();
            add_counts(&mut entry.overlap, &g, &p, overlaps);
            add_counts(&mut entry.exact, &g, &p, |a, b| a == b);
            if scope.is_some() {
                let r = &mut entry.records;
                if g.is_empty() {
                    r.negative += 1;
                    r.negative_flagged += usize::from(!p.is_empty());
                } else {
                    r.positive += 1;
                    let all = g.iter().all(|gs| p.iter().any(|ps| overlaps(*gs, *ps)));
                    r.positive_found += usize::from(all);
                }
            }
        }
        self.cover(report, rec, &gold, &preds, &in_scope);
        if self.keep_predictions {
            report.predictions.push((rec.id.clone(), preds));
        }
    }

    /// Byte coverage, the confusion table and per-rule counts of one record, over the labels
    /// in scope.
    fn cover(
        &self,
        report: &mut Report,
        rec: &Record,
        gold: &[Span],
        preds: &[Prediction],
        in_scope: &dyn Fn(&str) -> bool,
    ) {
        let scored_gold: Vec<&Span> = gold.iter().filter(|g| in_scope(&g.label)).collect();
        // Any finding hides the bytes it covers, whatever its label (a tool's LOCATION over a
        // street address): coverage counts them all; the tables count the scored labels.
        let found = merged(preds.iter().map(|p| (p.start, p.end)).collect());
        let preds: Vec<&Prediction> = preds.iter().filter(|p| in_scope(&p.label)).collect();
        let pii = merged(scored_gold.iter().map(|g| (g.start, g.end)).collect());
        let any_gold = merged(gold.iter().map(|g| (g.start, g.end)).collect());
        let c = &mut report.coverage;
        let pii_bytes = total(&pii);
        c.gold_bytes += pii_bytes;
        c.leaked_bytes += pii_bytes - intersection(&pii, &found);
        c.clean_bytes += rec.text.len() - total(&any_gold);
        c.over_redacted_bytes += total(&found) - intersection(&found, &any_gold);
        let mut by_label: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
        for g in &scored_gold {
            by_label.entry(&g.label).or_default().push((g.start, g.end));
        }
        for (label, spans) in by_label {
            let spans = merged(spans);
            let bytes = total(&spans);
            let entry = report.labels.entry(label.to_string()).or_default();
            entry.gold_bytes += bytes;
            entry.leaked_bytes += bytes - intersection(&spans, &found);
        }
        let mut bump = |g: &str, p: &str| {
            *report
                .confusion
                .entry(g.to_string())
                .or_default()
                .entry(p.to_string())
                .or_default() += 1;
        };
        for g in &scored_gold {
            let mut hit = false;
            for p in preds
                .iter()
                .filter(|p| overlaps((g.start, g.end), (p.start, p.end)))
            {
                bump(&g.label, &p.label);
                hit = true;
            }
            if !hit {
                bump(&g.label, NONE);
            }
        }
        for p in &preds {
            if !gold
                .iter()
                .any(|g| overlaps((g.start, g.end), (p.start, p.end)))
            {
                bump(NONE, &p.label);
            }
        }
        for p in preds.iter().filter(|p| !p.rule.is_empty()) {
            let tp = scored_gold
                .iter()
                .any(|g| g.label == p.label && overlaps((g.start, g.end), (p.start, p.end)));
            let r = report.rules.entry(p.rule.clone()).or_default();
            if tp {
                r.tp += 1;
            } else {
                r.fp += 1;
            }
        }
    }

    fn mapped(&self, label: &str) -> String {
        self.label_map
            .get(label)
            .cloned()
            .unwrap_or_else(|| label.to_string())
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn add_counts(
    c: &mut Counts,
    gold: &[(usize, usize)],
    pred: &[(usize, usize)],
    same: impl Fn((usize, usize), (usize, usize)) -> bool,
) {
    for &p in pred {
        if gold.iter().any(|&g| same(g, p)) {
            c.tp += 1;
        } else {
            c.fp += 1;
        }
    }
    for &g in gold {
        if pred.iter().any(|&p| same(g, p)) {
            c.found += 1;
        } else {
            c.fn_ += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(lines: &str) -> Vec<Record> {
        Corpus::parse_str("t", lines).unwrap().records
    }

    #[test]
    fn overlap_and_exact_matching() {
        // Gold covers "a@b.io." (one byte too long): overlap finds it, exact does not.
        let recs = corpus(
            r#"{"id":"1","text":"mail a@b.io. call 415-555-0132","spans":[{"start":5,"end":12,"label":"EMAIL_ADDRESS"}]}"#,
        );
        let e = Engine::builtin().unwrap();
        let r = Evaluator::new(&e)
            .labels(["EMAIL_ADDRESS".to_string()])
            .run(&recs);
        let l = r.label("EMAIL_ADDRESS").unwrap();
        assert_eq!((l.overlap.tp, l.overlap.fp, l.overlap.fn_), (1, 0, 0));
        assert_eq!((l.exact.tp, l.exact.fp, l.exact.fn_), (0, 1, 1));
        assert!(r.label("PHONE_NUMBER").is_none());
    }

    #[test]
    fn scopes_and_label_maps() {
        let recs = corpus(concat!(
            r#"{"id":"p","text":"SW1A 1AA and a@b.io","spans":[{"start":0,"end":8,"label":"UK_POSTCODE"}],"meta":{"eval_labels":["UK_POSTCODE"]}}"#,
            "\n",
            r#"{"id":"n","text":"mail a@b.io","spans":[],"meta":{"eval_labels":["EMAIL_ADDRESS"]}}"#
        ));
        let e = Engine::builtin().unwrap();
        let r = Evaluator::new(&e)
            .map_label("UK_POSTCODE", "EMAIL_ADDRESS")
            .run(&recs);
        let l = r.label("EMAIL_ADDRESS").unwrap();
        // Record "p": the mapped gold span is not an email: a miss, and the email a false hit.
        assert_eq!(l.records.positive, 1);
        assert_eq!(l.records.positive_found, 0);
        // Record "n": scoped to emails with none in gold, flagged.
        assert_eq!(l.records.negative, 1);
        assert_eq!(l.records.negative_flagged, 1);
    }

    #[test]
    fn another_tools_predictions_are_scored_alike() {
        let recs = corpus(concat!(
            r#"{"id":"1","text":"Maria Garcia paid","spans":[{"start":0,"end":12,"label":"PERSON"}]}"#,
            "\n",
            r#"{"id":"2","text":"no names here","spans":[]}"#,
            "\n",
            r#"{"id":"3","text":"Ann and Bob","spans":[{"start":0,"end":3,"label":"PERSON"},{"start":8,"end":11,"label":"PERSON"}]}"#
        ));
        let preds = Predictions::parse_str(
            "p",
            concat!(
                r#"{"id":"1","spans":[{"start":0,"end":5,"label":"PERSON"}]}"#,
                "\n",
                r#"{"id":"2","spans":[{"start":3,"end":8,"label":"PERSON"}]}"#
            ),
        )
        .unwrap();
        let e = Engine::builtin().unwrap();
        let r = Evaluator::new(&e).score(&recs, &preds);
        let l = r.label("PERSON").unwrap();
        // Record 1: overlap hit, not exact; record 2: a false hit; record 3 (no line): 2 misses.
        assert_eq!((l.overlap.tp, l.overlap.fp, l.overlap.fn_), (1, 1, 2));
        assert_eq!((l.exact.tp, l.exact.fp, l.exact.fn_), (0, 2, 3));
        assert_eq!(r.records, 3);
        let dup = Predictions::parse_str("p", "{\"id\":\"1\"}\n{\"id\":\"1\"}").unwrap_err();
        assert_eq!(dup.line, 2);
    }

    #[test]
    fn leak_over_redaction_confusion_and_rules() {
        // Text: 21 bytes. Gold: PERSON 0..4 ("Anna"), EMAIL 10..16, ORG 17..21 (not scored).
        let recs = corpus(
            r#"{"id":"1","text":"Anna said a@b.io Acme","spans":[{"start":0,"end":4,"label":"PERSON"},{"start":10,"end":16,"label":"EMAIL_ADDRESS"},{"start":17,"end":21,"label":"ORG"}]}"#,
        );
        // Predictions: PERSON 0..2 (half of Anna), PERSON 5..9 ("said": 4 clean bytes),
        // EMAIL_ADDRESS 10..16, PERSON 17..21 (an ORG span: covered, but not clean bytes).
        let preds = Predictions::parse_str(
            "p",
            r#"{"id":"1","spans":[{"start":0,"end":2,"label":"PERSON","rule":"r1"},{"start":5,"end":9,"label":"PERSON","rule":"r1"},{"start":10,"end":16,"label":"EMAIL_ADDRESS","rule":"r2"},{"start":17,"end":21,"label":"PERSON","rule":"r1"}]}"#,
        )
        .unwrap();
        let e = Engine::builtin().unwrap();
        let r = Evaluator::new(&e)
            .labels(["PERSON".to_string(), "EMAIL_ADDRESS".to_string()])
            .score(&recs, &preds);
        // Gold PII: 4 + 6 = 10 bytes, 2 leaked (the end of "Anna").
        assert_eq!((r.coverage.gold_bytes, r.coverage.leaked_bytes), (10, 2));
        assert!((r.coverage.leak_rate() - 0.2).abs() < 1e-9);
        // Clean bytes: 21 - 14 gold bytes = 7 (" said " and the space before "Acme");
        // over-redacted: "said" = 4.
        assert_eq!(
            (r.coverage.clean_bytes, r.coverage.over_redacted_bytes),
            (7, 4)
        );
        let person = r.label("PERSON").unwrap();
        assert_eq!((person.gold_bytes, person.leaked_bytes), (4, 2));
        assert!((person.leak_rate() - 0.5).abs() < 1e-9);
        assert_eq!(r.confusion["PERSON"]["PERSON"], 1);
        assert_eq!(r.confusion["EMAIL_ADDRESS"]["EMAIL_ADDRESS"], 1);
        // "said" overlaps no gold span; the ORG span is not scored, so its PERSON finding is
        // not in the table either way.
        assert_eq!(r.confusion[NONE]["PERSON"], 1);
        assert_eq!((r.rules["r1"].tp, r.rules["r1"].fp), (1, 2));
        assert_eq!((r.rules["r2"].tp, r.rules["r2"].fp), (1, 0));
    }

    #[test]
    fn findings_of_any_label_cover_bytes() {
        // A LOCATION finding over a street address: not a true positive of STREET_ADDRESS,
        // but the address does not leak.
        let recs = corpus(
            r#"{"id":"1","text":"at 12 Main St","spans":[{"start":3,"end":13,"label":"STREET_ADDRESS"}]}"#,
        );
        let preds = Predictions::parse_str(
            "p",
            r#"{"id":"1","spans":[{"start":3,"end":13,"label":"LOCATION"}]}"#,
        )
        .unwrap();
        let e = Engine::builtin().unwrap();
        let r = Evaluator::new(&e)
            .labels(["STREET_ADDRESS".to_string()])
            .score(&recs, &preds);
        assert_eq!(r.label("STREET_ADDRESS").unwrap().overlap.recall(), 0.0);
        assert_eq!(r.coverage.leaked_bytes, 0);
        assert_eq!(r.label("STREET_ADDRESS").unwrap().leaked_bytes, 0);
    }

    #[test]
    fn bad_lines_name_their_line() {
        let err =
            Corpus::parse_str("c.jsonl", "{\"id\":\"1\",\"text\":\"x\"}\nnot json").unwrap_err();
        assert_eq!(err.line, 2);
        let err = Corpus::parse_str(
            "c.jsonl",
            r#"{"id":"1","text":"x","spans":[{"start":0,"end":9,"label":"A"}]}"#,
        )
        .unwrap_err();
        assert!(err.message.contains("not within"));
    }

    #[test]
    fn metric_arithmetic() {
        let c = Counts {
            tp: 3,
            fp: 1,
            fn_: 2,
            found: 2,
        };
        assert!((c.precision() - 0.75).abs() < 1e-9);
        assert!((c.recall() - 0.5).abs() < 1e-9);
        assert!((c.f1() - 0.6).abs() < 1e-9);
        assert!((c.f2() - (5.0 * 0.75 * 0.5 / (4.0 * 0.75 + 0.5))).abs() < 1e-9);
    }
}
