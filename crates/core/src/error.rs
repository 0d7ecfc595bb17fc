//! Typed errors.

use std::fmt;

/// Why an engine could not be built: a rule file that does not parse, a rule that is
/// inconsistent, or a pattern that does not compile. Names the file and rule where known.
#[derive(Debug)]
pub struct BuildError {
    source_name: Option<String>,
    rule: Option<String>,
    kind: BuildErrorKind,
}

/// What went wrong while building an engine.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildErrorKind {
    /// The rule file is not valid TOML or does not have the rule-file shape.
    Parse(String),
    /// A rule is inconsistent (missing patterns, duplicate id, score out of range ...).
    Invalid(String),
    /// A pattern does not compile.
    Pattern {
        /// Index of the pattern within the rule.
        index: usize,
        /// The compiler's message.
        message: String,
    },
    /// The rule file could not be read.
    Io(String),
}

impl BuildError {
    pub(crate) fn new(kind: BuildErrorKind) -> BuildError {
        BuildError {
            source_name: None,
            rule: None,
            kind,
        }
    }

    pub(crate) fn in_source(mut self, name: &str) -> BuildError {
        if self.source_name.is_none() {
            self.source_name = Some(name.to_string());
        }
        self
    }

    pub(crate) fn in_rule(mut self, id: &str) -> BuildError {
        if self.rule.is_none() {
            self.rule = Some(id.to_string());
        }
        self
    }

    /// The rule file (or built-in pack) the error is in, if known.
    pub fn source_name(&self) -> Option<&str> {
        self.source_name.as_deref()
    }

    /// The id of the rule the error is in, if known.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// What went wrong.
    pub fn kind(&self) -> &BuildErrorKind {
        &self.kind
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.source_name {
            write!(f, "{s}: ")?;
        }
        if let Some(r) = &self.rule {
            write!(f, "rule '{r}': ")?;
        }
        match &self.kind {
            BuildErrorKind::Parse(m) => write!(f, "{m}"),
            BuildErrorKind::Invalid(m) => write!(f, "{m}"),
            BuildErrorKind::Pattern { index, message } => {
                write!(f, "pattern {index} does not compile: {message}")
            }
            BuildErrorKind::Io(m) => write!(f, "cannot read: {m}"),
        }
    }
}

impl std::error::Error for BuildError {}
