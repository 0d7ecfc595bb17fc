//! Redactyl finds personal data (PII) and credentials in support text — chat and call
//! transcripts, tickets, agent notes, logs — in one compiled multi-pattern pass.
//!
//! Rules are data (TOML) carrying their own examples. They compile into an immutable
//! [`Engine`]: cheap literal and digit-cluster triggers decide where the automata run, checksum
//! validators confirm candidates, context words within a window raise or lower scores, and one
//! overlap policy (higher score, then longer span, then earlier rule) picks the findings.
//!
//! ```
//! use redactyl::Engine;
//!
//! let engine = Engine::builtin()?;
//! let mut scratch = engine.scratch();
//! let text = b"Card 4111 1111 1111 1111, SSN 078-05-1123, IBAN GB29 NWBK 6016 1331 9268 19";
//! let entities: Vec<&str> = engine.scan(&mut scratch, text).iter().map(|f| f.entity()).collect();
//! assert_eq!(entities, ["CREDIT_CARD", "US_SSN", "IBAN_CODE"]);
//! # Ok::<(), redactyl::BuildError>(())
//! ```
//!
//! Offsets are UTF-8 byte offsets into the input; invalid UTF-8 is tolerated.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod address;
mod bytemask;
mod compile;
mod dictionary;
mod engine;
mod error;
mod person;
mod recognizers;
mod redact;
mod rules;
mod shape;
mod spoken;
mod validators;

pub use compile::EngineBuilder;
pub use engine::{
    Engine, ExampleFailure, Finding, RuleFilter, RuleInfo, ScanOptions, Scratch, CONTEXT_AFTER,
    CONTEXT_BEFORE, DEFAULT_MIN_SCORE,
};
pub use error::{BuildError, BuildErrorKind};
pub use redact::{
    EntityCounts, Operator, Policy, RedactError, RedactErrorKind, RedactStats, RedactionKey,
    Redactor, RedactorBuilder, RestoreStats, DEFAULT_BLOCK, KEY_BYTES, KEY_ENV,
};
pub use validators::{UnknownValidator, Validator};
