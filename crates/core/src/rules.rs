//! The rule-file format: rules as data, with their own examples.
//!
//! ```toml
//! [[rule]]
//! id = "us-ssn"
//! entity = "US_SSN"
//! patterns = ['(?-u:\b)\d{3}-\d{2}-\d{4}(?-u:\b)']
//! validator = "us_ssn"
//! score = 0.6
//! context = ["ssn", "social security"]
//! triggers = [{ digits = 9 }]
//! examples = ["SSN: 078-05-1123"]
//! negative_examples = ["call 078-05-1120"]
//!
//! [allow]
//! values = ["support@example.com"]
//! patterns = ['.*@example\.org']
//!
//! [[deny]]
//! entity = "PROJECT_CODENAME"
//! terms = ["bluebird"]
//! ```

use crate::engine::{MAX_DIGITS, MAX_WORD};
use crate::error::{BuildError, BuildErrorKind};
use serde::Deserialize;

/// The rule files shipped inside the library, by name.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("builtin:contact", include_str!("../rules/contact.toml")),
    ("builtin:financial", include_str!("../rules/financial.toml")),
    (
        "builtin:government",
        include_str!("../rules/government.toml"),
    ),
    ("builtin:network", include_str!("../rules/network.toml")),
    (
        "builtin:credentials",
        include_str!("../rules/credentials.toml"),
    ),
    ("builtin:people", include_str!("../rules/people.toml")),
    ("builtin:dates", include_str!("../rules/dates.toml")),
    ("builtin:places", include_str!("../rules/places.toml")),
    ("builtin:spoken", include_str!("../rules/spoken.toml")),
];

/// The widest `context_before` a rule may ask for (streaming keeps this much text before
/// every block).
pub(crate) const MAX_CONTEXT_BEFORE: usize = 512;

fn default_score() -> f32 {
    0.6
}

fn yes() -> bool {
    true
}

/// One rule as written in a rule file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSpec {
    pub id: String,
    pub entity: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub patterns: Vec<String>,
    /// A literal list: whole words, matched as written (or case-insensitively).
    #[serde(default)]
    pub literals: Vec<String>,
    #[serde(default)]
    pub case_insensitive: bool,
    pub validator: Option<String>,
    /// A built-in recognizer instead of patterns (`person`): it finds the candidates and
    /// scores them; context, allow lists, threshold and overlaps apply as for patterns.
    pub recognizer: Option<String>,
    #[serde(default = "default_score")]
    pub score: f32,
    #[serde(default)]
    pub context: Vec<String>,
    #[serde(default)]
    pub negative_context: Vec<String>,
    #[serde(default)]
    pub context_required: bool,
    pub context_boost: Option<f32>,
    /// How far before a match its context words may stand, in bytes (default 64; at most
    /// 512). Longer for cues asked a turn earlier ("can you confirm your date of birth?").
    pub context_before: Option<usize>,
    #[serde(default)]
    pub triggers: Vec<TriggerSpec>,
    /// Longest match reported, in bytes. Needed when a pattern is unbounded (`+`, `*`);
    /// longer matches are dropped. Bounded patterns get it from their syntax.
    pub max_len: Option<usize>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// `false`: compiled only when asked for by id or entity (`DATE_TIME`).
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// Where a rule's matches can be: the cheap test that decides where its pattern runs.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct TriggerSpec {
    /// A chain of at least this many digits: digits joined by at most two joiner bytes
    /// ("(415) 555-0132" is a chain of 10 with the default joiners).
    pub digits: Option<usize>,
    /// With `digits`: every match is made of whole digit groups (it starts and ends at a word
    /// boundary next to a digit) totalling `digits..=max_digits` digits; a chain must hold such
    /// a run of groups ("2024-03-15" holds 4, 6 and 8 but not 9).
    pub max_digits: Option<usize>,
    /// With `digits`: the bytes that join digit groups (default: space . - / ( ); `""`: the
    /// digits of a chain are one unbroken run).
    pub joiners: Option<String>,
    /// With `digits`: a letter must stand within this many bytes before the chain ...
    pub letter_before: Option<usize>,
    /// ... or within this many bytes after it.
    pub letter_after: Option<usize>,
    /// With `digits`: the chain follows a word of exactly this many ASCII letters that starts a
    /// token (the country code of an IBAN, `GB29`) ...
    pub word_before: Option<usize>,
    /// ... or is followed by a word of exactly this many ASCII letters that ends a token (the
    /// control letter of a Spanish NIF, `12345678Z`) ...
    pub word_after: Option<usize>,
    /// ... directly, or also across one space or hyphen (`AB 12 34 56 C`, `12345678-Z`).
    #[serde(default)]
    pub word_gap: bool,
    /// With `digits`: chains written like calendar dates (2024-03-15, 15/03/2024) do not
    /// count.
    #[serde(default)]
    pub skip_dates: bool,
    /// With `digits`: the digits' cluster (digits a few bytes apart on one line, and three
    /// bytes either side) must contain one of these bytes ...
    pub requires: Option<String>,
    /// ... at least this many times (default 1).
    pub requires_count: Option<usize>,
    /// With `digits`: the cluster's first digit must sit in a run of at least this many
    /// ASCII letters and digits (long tokens such as crypto addresses).
    pub token: Option<usize>,
    /// With `literals`: the literal is a context word near the match rather than part of it,
    /// so the search window extends by the context window too.
    #[serde(default)]
    pub near: bool,
    /// With `literals`: a match starts at most this many bytes before the literal (default:
    /// the rule's maximum match length). `0` means the literal starts the match.
    pub before: Option<u32>,
    /// Literal strings, any of which marks a candidate. They match ignoring ASCII case (they
    /// only decide where the pattern runs; the pattern decides what matches). A literal
    /// starting with a letter or digit is found where a word starts, including a camel-case
    /// word ("password", "db_pass", "accessToken"), not inside a word ("mypassword"): list the
    /// run-together forms a pattern accepts ("accesstoken").
    #[serde(default)]
    pub literals: Vec<String>,
    /// Hexadecimal groups joined by `:`, `-` or `.` (MAC addresses).
    #[serde(default)]
    pub hex_delimited: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AllowSpec {
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DenySpec {
    pub entity: String,
    pub terms: Vec<String>,
    #[serde(default)]
    pub case_insensitive: bool,
}

/// A parsed rule file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
    #[serde(default)]
    pub allow: AllowSpec,
    #[serde(default)]
    pub deny: Vec<DenySpec>,
    /// The redaction policy of the same config file; read by `Policy::from_toml`.
    #[serde(default, rename = "policy")]
    pub _policy: Option<toml::Value>,
    /// Batch limits and field policies of the same config file; read by the command line.
    #[serde(default, rename = "limits")]
    pub _limits: Option<toml::Value>,
    #[serde(default, rename = "fields")]
    pub _fields: Option<toml::Value>,
}

impl RuleFile {
    pub(crate) fn parse(name: &str, text: &str) -> Result<RuleFile, BuildError> {
        let file: RuleFile = toml::from_str(text)
            .map_err(|e| BuildError::new(BuildErrorKind::Parse(e.to_string())).in_source(name))?;
        for r in &file.rule {
            r.check().map_err(|e| e.in_source(name).in_rule(&r.id))?;
        }
        for d in &file.deny {
            if !is_entity_name(&d.entity) {
                return Err(invalid(format!(
                    "deny entity '{}' must be UPPER_SNAKE_CASE",
                    d.entity
                ))
                .in_source(name));
            }
        }
        Ok(file)
    }
}

fn invalid(msg: String) -> BuildError {
    BuildError::new(BuildErrorKind::Invalid(msg))
}

fn is_entity_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

impl RuleSpec {
    fn check(&self) -> Result<(), BuildError> {
        if self.id.is_empty()
            || !self
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        {
            return Err(invalid(
                "id must be non-empty letters, digits, '-', '_' or '.'".into(),
            ));
        }
        if !is_entity_name(&self.entity) {
            return Err(invalid(format!(
                "entity '{}' must be UPPER_SNAKE_CASE",
                self.entity
            )));
        }
        let sources = usize::from(!self.patterns.is_empty())
            + usize::from(!self.literals.is_empty())
            + usize::from(self.recognizer.is_some());
        if sources != 1 {
            return Err(invalid(
                "a rule needs exactly one of `patterns`, `literals` or `recognizer`".into(),
            ));
        }
        if self.recognizer.is_some() && !self.triggers.is_empty() {
            return Err(invalid(
                "a rule with a `recognizer` has no `triggers`".into(),
            ));
        }
        if !(0.0..=1.0).contains(&self.score) {
            return Err(invalid(format!("score {} is outside 0..1", self.score)));
        }
        if let Some(b) = self.context_boost {
            if !(0.0..=1.0).contains(&b) {
                return Err(invalid(format!("context_boost {b} is outside 0..1")));
            }
        }
        if let Some(b) = self.context_before {
            if b > MAX_CONTEXT_BEFORE {
                return Err(invalid(format!(
                    "context_before {b} is over {MAX_CONTEXT_BEFORE} bytes"
                )));
            }
        }
        if self.max_len == Some(0) {
            return Err(invalid("max_len must be at least 1".into()));
        }
        let blank = |w: &String| w.trim().is_empty();
        if self.context.iter().any(blank) || self.negative_context.iter().any(blank) {
            return Err(invalid("empty context word".into()));
        }
        if self.context_required && self.context.is_empty() {
            return Err(invalid(
                "context_required is set but the rule has no context words".into(),
            ));
        }
        for t in &self.triggers {
            let kinds = usize::from(t.digits.is_some())
                + usize::from(!t.literals.is_empty())
                + usize::from(t.hex_delimited);
            if kinds != 1 {
                return Err(invalid(
                    "each trigger needs exactly one of `digits`, `literals`, `hex_delimited`"
                        .into(),
                ));
            }
            if t.literals.iter().any(String::is_empty) {
                return Err(invalid("empty trigger literal".into()));
            }
            if t.digits.is_some_and(|d| d > MAX_DIGITS) {
                return Err(invalid(format!("`digits` is at most {MAX_DIGITS}")));
            }
            if t.word_before.max(t.word_after).unwrap_or(0) > MAX_WORD {
                return Err(invalid(format!(
                    "`word_before` and `word_after` are at most {MAX_WORD}"
                )));
            }
        }
        Ok(())
    }
}
