//! Policies: which operator turns each entity's findings into output.

use super::RedactError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// What replaces a finding in the output.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operator {
    /// Delete the value.
    Remove,
    /// The entity name in brackets: `[EMAIL_ADDRESS]`.
    Label,
    /// Replace letters and digits with a mask character, keeping the first and last few;
    /// punctuation and spaces stay, so the value keeps its layout (`****-****-****-4242`).
    Mask {
        /// The mask character.
        ch: char,
        /// Letters and digits kept at the start.
        keep_first: usize,
        /// Letters and digits kept at the end.
        keep_last: usize,
    },
    /// Leave the value as it is (the finding is still reported).
    Keep,
    /// A numbered token, the same for the same value everywhere in a run: `<PERSON_1>`.
    Pseudonym,
    /// A keyed HMAC-SHA256 fingerprint, truncated to 64 bits: `[EMAIL_ADDRESS:3f0c…]`. The
    /// same value and key give the same token on every run and machine.
    Hash,
    /// Deterministic authenticated encryption (AES-SIV): `[enc:EMAIL_ADDRESS:…]`, which
    /// `restore` turns back into the value with the same key.
    Encrypt,
    /// A realistic fake of the same format that passes the same checksum, the same for the
    /// same value and key.
    Surrogate,
}

impl Operator {
    /// The operator's name as written in policy files.
    pub fn name(&self) -> &'static str {
        match self {
            Operator::Remove => "remove",
            Operator::Label => "label",
            Operator::Mask { .. } => "mask",
            Operator::Keep => "keep",
            Operator::Pseudonym => "pseudonym",
            Operator::Hash => "hash",
            Operator::Encrypt => "encrypt",
            Operator::Surrogate => "surrogate",
        }
    }

    /// Whether the operator needs a key.
    pub fn needs_key(&self) -> bool {
        matches!(
            self,
            Operator::Hash | Operator::Encrypt | Operator::Surrogate
        )
    }

    fn parse(name: &str, entity: &str, spec: &OperatorSpec) -> Result<Operator, String> {
        // Cards keep their last four unless told otherwise (what receipts print).
        let card = entity == "CREDIT_CARD";
        let op = match name {
            "remove" => Operator::Remove,
            "label" => Operator::Label,
            "mask" => Operator::Mask {
                ch: spec.char.unwrap_or('*'),
                keep_first: spec.keep_first.unwrap_or(0),
                keep_last: spec.keep_last.unwrap_or(if card { 4 } else { 0 }),
            },
            "keep" => Operator::Keep,
            "pseudonym" => Operator::Pseudonym,
            "hash" => Operator::Hash,
            "encrypt" => Operator::Encrypt,
            "surrogate" => Operator::Surrogate,
            other => {
                return Err(format!(
                    "unknown operator '{other}' (expected remove, label, mask, keep, \
                     pseudonym, hash, encrypt or surrogate)"
                ))
            }
        };
        let mask_options = spec.char.is_some() || spec.keep_first.is_some();
        if !matches!(op, Operator::Mask { .. }) && (mask_options || spec.keep_last.is_some()) {
            return Err(format!(
                "`char`, `keep_first` and `keep_last` only apply to `mask`, not `{name}`"
            ));
        }
        Ok(op)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operator::Mask {
                ch,
                keep_first,
                keep_last,
            } => write!(f, "mask('{ch}', first {keep_first}, last {keep_last})"),
            other => f.write_str(other.name()),
        }
    }
}

/// Which operator applies to which entity: one default and per-entity choices.
///
/// Policies are written in the same TOML file as rules, under `[policy]`:
///
/// ```
/// use redactyl::{Operator, Policy};
///
/// let policy = Policy::from_toml("policy.toml", r#"
///     [policy]
///     default = "label"
///     [policy.entities]
///     PERSON = "pseudonym"
///     CREDIT_CARD = { operator = "mask", keep_last = 4 }
/// "#)?;
/// assert_eq!(policy.operator("PERSON"), &Operator::Pseudonym);
/// assert_eq!(policy.operator("US_SSN"), &Operator::Label);
/// # Ok::<(), redactyl::RedactError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    default: Operator,
    entities: BTreeMap<String, Operator>,
}

impl Default for Policy {
    /// Every entity gets `label`.
    fn default() -> Policy {
        Policy::new(Operator::Label)
    }
}

impl Policy {
    /// A policy applying `default` to every entity.
    pub fn new(default: Operator) -> Policy {
        Policy {
            default,
            entities: BTreeMap::new(),
        }
    }

    /// Sets the operator of one entity.
    pub fn with(mut self, entity: &str, op: Operator) -> Policy {
        self.entities.insert(entity.to_string(), op);
        self
    }

    /// The operator for `entity`.
    pub fn operator(&self, entity: &str) -> &Operator {
        self.entities.get(entity).unwrap_or(&self.default)
    }

    /// Whether any operator of the policy needs a key.
    pub fn needs_key(&self) -> bool {
        self.default.needs_key() || self.entities.values().any(Operator::needs_key)
    }

    /// The per-entity choices (entities not listed get the default).
    pub fn entities(&self) -> impl Iterator<Item = (&str, &Operator)> {
        self.entities.iter().map(|(e, o)| (e.as_str(), o))
    }

    /// The operator of entities not listed.
    pub fn default_operator(&self) -> &Operator {
        &self.default
    }

    /// Reads the `[policy]` table of a TOML config (other tables, such as rules, are left to
    /// the engine builder). A file without `[policy]` gives the default policy.
    ///
    /// # Errors
    /// When the TOML does not parse or the policy names an unknown operator or option; the
    /// message names `source` and the entity.
    pub fn from_toml(source: &str, text: &str) -> Result<Policy, RedactError> {
        let err = |m: String| RedactError::policy(format!("{source}: {m}"));
        let file: PolicyFile = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let Some(spec) = file.policy else {
            return Ok(Policy::default());
        };
        let default = match &spec.default {
            None => Operator::Label,
            Some(s) => Operator::parse(s, "", &OperatorSpec::default())
                .map_err(|m| err(format!("policy default: {m}")))?,
        };
        let mut policy = Policy::new(default);
        for (entity, entry) in spec.entities {
            let op = match &entry {
                EntrySpec::Name(n) => Operator::parse(n, &entity, &OperatorSpec::default()),
                EntrySpec::Full(o) => Operator::parse(&o.operator, &entity, o),
            }
            .map_err(|m| err(format!("policy for {entity}: {m}")))?;
            policy.entities.insert(entity, op);
        }
        Ok(policy)
    }
}

#[derive(Deserialize)]
struct PolicyFile {
    policy: Option<PolicySpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicySpec {
    default: Option<String>,
    #[serde(default)]
    entities: BTreeMap<String, EntrySpec>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum EntrySpec {
    Name(String),
    Full(OperatorSpec),
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OperatorSpec {
    #[serde(default)]
    operator: String,
    char: Option<char>,
    keep_first: Option<usize>,
    keep_last: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_tables() {
        let p = Policy::from_toml(
            "p.toml",
            r##"
            [policy]
            default = "remove"
            [policy.entities]
            EMAIL_ADDRESS = "hash"
            CREDIT_CARD = { operator = "mask" }
            US_SSN = { operator = "mask", char = "#", keep_first = 1, keep_last = 2 }
            "##,
        )
        .unwrap();
        assert_eq!(p.operator("PHONE_NUMBER"), &Operator::Remove);
        assert_eq!(p.operator("EMAIL_ADDRESS"), &Operator::Hash);
        assert_eq!(
            p.operator("CREDIT_CARD"),
            &Operator::Mask {
                ch: '*',
                keep_first: 0,
                keep_last: 4
            }
        );
        assert_eq!(
            p.operator("US_SSN"),
            &Operator::Mask {
                ch: '#',
                keep_first: 1,
                keep_last: 2
            }
        );
        assert!(p.needs_key());
    }

    #[test]
    fn rejects_unknown_operators_and_options() {
        let e = Policy::from_toml("p.toml", "[policy.entities]\nPERSON = \"shred\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("p.toml") && e.contains("PERSON") && e.contains("shred"),
            "{e}"
        );
        let e = Policy::from_toml(
            "p.toml",
            "[policy.entities]\nPERSON = { operator = \"label\", keep_last = 2 }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("only apply to `mask`"), "{e}");
        assert!(Policy::from_toml("p.toml", "[policy]\ncolour = 1\n").is_err());
    }

    #[test]
    fn a_file_without_policy_gives_the_default() {
        let p = Policy::from_toml("rules.toml", "[[rule]]\nid = \"x\"\n").unwrap();
        assert_eq!(p, Policy::default());
        assert!(!p.needs_key());
    }
}
