//! Building an engine: rule files, triggers, the dictionary and the compiled searches.

use crate::dictionary::{Dictionary, LiteralOwner};
use crate::engine::{
    DigitTrigger, Engine, Inner, Rule, RuleRegex, SearchGroup, WordSet, CLUSTER_GAP, CONTEXT_AFTER,
    CONTEXT_BEFORE, DEFAULT_BOOST, DEFAULT_JOINERS, DEFAULT_MIN_SCORE, NEGATIVE_REACH,
};
use crate::error::{BuildError, BuildErrorKind};
use crate::recognizers::Recognizer;
use crate::rules::{AllowSpec, DenySpec, RuleFile, RuleSpec, TriggerSpec, BUILTIN};
use crate::validators::Validator;
use regex_automata::meta::Regex;
use regex_syntax::hir::{Hir, HirKind};
use std::collections::HashSet;
use std::sync::Arc;

/// A rule as read: the file it comes from, and whether that is a built-in one.
struct Spec {
    source: String,
    rule: RuleSpec,
    builtin: bool,
}

/// Builds an [`Engine`] from the built-in rules, rule files and settings.
///
/// ```
/// let engine = redactyl::EngineBuilder::new()
///     .add_rules_toml("inline", r#"
///         [[rule]]
///         id = "ticket"
///         entity = "TICKET_ID"
///         patterns = ['TCK-[0-9]{6}']
///         score = 0.9
///         examples = ["see TCK-123456"]
///     "#).unwrap()
///     .build()
///     .unwrap();
/// assert_eq!(engine.find_iter(b"ref TCK-000042").next().unwrap().entity(), "TICKET_ID");
/// ```
#[derive(Clone, Debug)]
pub struct EngineBuilder {
    builtin: bool,
    files: Vec<(String, RuleFile)>,
    min_score: f32,
    entities: Option<HashSet<String>>,
    disabled: HashSet<String>,
    enabled: HashSet<String>,
    all: bool,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder::new()
    }
}

impl EngineBuilder {
    /// A builder with the built-in rules and the default threshold.
    pub fn new() -> EngineBuilder {
        EngineBuilder {
            builtin: true,
            files: Vec::new(),
            min_score: DEFAULT_MIN_SCORE,
            entities: None,
            disabled: HashSet::new(),
            enabled: HashSet::new(),
            all: false,
        }
    }

    /// Whether to include the built-in rules (default `true`).
    pub fn builtin(mut self, yes: bool) -> EngineBuilder {
        self.builtin = yes;
        self
    }

    /// Adds the rules, allow list and deny list of a TOML rule file. A rule whose id equals an
    /// earlier rule's replaces it.
    ///
    /// # Errors
    /// When the text is not a valid rule file; the error names `name` and the rule.
    pub fn add_rules_toml(mut self, name: &str, text: &str) -> Result<EngineBuilder, BuildError> {
        self.files
            .push((name.to_string(), RuleFile::parse(name, text)?));
        Ok(self)
    }

    /// Reads and adds a rule file.
    ///
    /// # Errors
    /// When the file cannot be read or is not a valid rule file.
    pub fn add_rules_file(self, path: &std::path::Path) -> Result<EngineBuilder, BuildError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| BuildError::new(BuildErrorKind::Io(e.to_string())).in_source(&name))?;
        self.add_rules_toml(&name, &text)
    }

    /// Findings scoring below this are dropped (default 0.5).
    pub fn min_score(mut self, score: f32) -> EngineBuilder {
        self.min_score = score;
        self
    }

    /// Compile only rules of these entities.
    pub fn entities<I: IntoIterator<Item = S>, S: Into<String>>(mut self, it: I) -> EngineBuilder {
        self.entities = Some(it.into_iter().map(Into::into).collect());
        self
    }

    /// Leave out the rules with these ids.
    pub fn disable_rules<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        it: I,
    ) -> EngineBuilder {
        self.disabled.extend(it.into_iter().map(Into::into));
        self
    }

    /// Compile these rules even though their files set `enabled = false` (rules that are off
    /// by default, such as `date-time`). Naming a rule's entity in [`EngineBuilder::entities`]
    /// enables it too.
    pub fn enable_rules<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        it: I,
    ) -> EngineBuilder {
        self.enabled.extend(it.into_iter().map(Into::into));
        self
    }

    /// Compile every rule, also those off by default (for checking rule files).
    pub fn enable_all(mut self, yes: bool) -> EngineBuilder {
        self.all = yes;
        self
    }

    /// Compiles the rules.
    ///
    /// # Errors
    /// When a built-in or added rule is invalid or a pattern does not compile.
    pub fn build(&self) -> Result<Engine, BuildError> {
        // Each file with whether it is a built-in one.
        let mut files: Vec<(String, RuleFile, bool)> = Vec::new();
        if self.builtin {
            for (name, text) in BUILTIN {
                files.push((name.to_string(), RuleFile::parse(name, text)?, true));
            }
        }
        files.extend(
            self.files
                .iter()
                .map(|(n, f)| (n.clone(), f.clone(), false)),
        );
        let mut specs: Vec<Spec> = Vec::new();
        let mut allow = AllowSpec::default();
        for (name, file, builtin) in files {
            for r in file.rule {
                let spec = Spec {
                    source: name.clone(),
                    rule: r,
                    builtin,
                };
                if let Some(slot) = specs.iter_mut().find(|s| s.rule.id == spec.rule.id) {
                    *slot = spec;
                } else {
                    specs.push(spec);
                }
            }
            allow.values.extend(file.allow.values);
            allow.patterns.extend(file.allow.patterns);
            for (i, d) in file.deny.into_iter().enumerate() {
                specs.push(Spec {
                    source: name.clone(),
                    rule: deny_rule(&d, i),
                    builtin,
                });
            }
        }
        specs.retain(|Spec { rule: s, .. }| {
            // With an entity list, a rule of a listed entity is on (off-by-default rules too)
            // and every other rule off.
            let named = self.entities.as_ref().map(|e| e.contains(&s.entity));
            (s.enabled || self.all || named == Some(true) || self.enabled.contains(&s.id))
                && named != Some(false)
                && !self.disabled.contains(&s.id)
        });
        compile(specs, &allow, self.min_score)
    }
}

fn deny_rule(d: &DenySpec, i: usize) -> RuleSpec {
    RuleSpec {
        id: format!("deny-{}-{i}", d.entity.to_ascii_lowercase()),
        entity: d.entity.clone(),
        description: "deny-list terms".into(),
        patterns: Vec::new(),
        literals: d.terms.clone(),
        case_insensitive: d.case_insensitive,
        validator: None,
        recognizer: None,
        score: 1.0,
        context: Vec::new(),
        negative_context: Vec::new(),
        context_required: false,
        context_boost: None,
        context_before: None,
        triggers: Vec::new(),
        examples: Vec::new(),
        negative_examples: Vec::new(),
        enabled: true,
        max_len: None,
    }
}

fn syntax() -> regex_automata::util::syntax::Config {
    regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false)
}

fn literal_pattern(lits: &[String], ci: bool) -> String {
    let alts: Vec<String> = lits
        .iter()
        .map(|l| {
            let mut p = String::new();
            if l.as_bytes()[0].is_ascii_alphanumeric() {
                p.push_str(r"(?-u:\b)");
            }
            p.push_str(&regex_syntax::escape(l));
            if l.as_bytes()[l.len() - 1].is_ascii_alphanumeric() {
                p.push_str(r"(?-u:\b)");
            }
            p
        })
        .collect();
    format!("{}(?:{})", if ci { "(?i)" } else { "" }, alts.join("|"))
}

/// Whether some match of `hir` can contain an ASCII white-space byte.
fn can_match_space(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    let ws = |b: u8| b.is_ascii_whitespace();
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(l) => l.0.iter().copied().any(ws),
        HirKind::Class(Class::Bytes(c)) => c.ranges().iter().any(|r| (r.start()..=r.end()).any(ws)),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).any(|ch| ch.is_ascii() && ws(ch as u8))),
        HirKind::Repetition(r) => can_match_space(&r.sub),
        HirKind::Capture(c) => can_match_space(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().any(can_match_space),
    }
}

pub(crate) const fn sep_mask(b: u8) -> u16 {
    match b {
        b'.' => 1,
        b':' => 2,
        b'-' => 4,
        b' ' => 8,
        b'/' => 16,
        b'(' | b')' => 32,
        b'+' => 64,
        b'a'..=b'z' | b'A'..=b'Z' => 128,
        _ => 256,
    }
}

enum Trig {
    /// A digit trigger (its `joiners` index and `rule` are set when the rule is compiled) and
    /// the bytes of its joiner set.
    Digits(DigitTrigger, Vec<u8>),
    Literals {
        lits: Vec<Vec<u8>>,
        near: bool,
        before: Option<u32>,
    },
    Hex,
    Full,
}

fn triggers_of(spec: &RuleSpec, hir: &[regex_syntax::hir::Hir]) -> Vec<Trig> {
    if !spec.triggers.is_empty() {
        return spec.triggers.iter().map(trig_of).collect();
    }
    if !spec.literals.is_empty() {
        return vec![Trig::Literals {
            lits: spec
                .literals
                .iter()
                .map(|s| s.as_bytes().to_vec())
                .collect(),
            near: false,
            before: None,
        }];
    }
    // No trigger given: use the patterns' required prefix literals when there are some.
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let mut lits = Vec::new();
    for h in hir {
        let seq = Extractor::new().kind(ExtractKind::Prefix).extract(h);
        match seq.literals() {
            Some(ls) if !ls.is_empty() && ls.iter().all(|l| l.as_bytes().len() >= 2) => {
                lits.extend(ls.iter().map(|l| l.as_bytes().to_vec()));
            }
            _ => return vec![Trig::Full],
        }
    }
    if lits.is_empty() || lits.len() > 256 {
        return vec![Trig::Full];
    }
    vec![Trig::Literals {
        lits,
        near: false,
        before: None,
    }]
}

fn trig_of(t: &TriggerSpec) -> Trig {
    if let Some(min) = t.digits {
        let requires = t
            .requires
            .as_deref()
            .unwrap_or("")
            .bytes()
            .fold(0u16, |m, b| m | sep_mask(b));
        let joiners = t.joiners.as_deref().unwrap_or(DEFAULT_JOINERS);
        let mut trigger = DigitTrigger {
            min,
            max_digits: t.max_digits,
            joiners: 0,
            letter_before: t.letter_before.unwrap_or(0),
            letter_after: t.letter_after.unwrap_or(0),
            word_before: t.word_before.unwrap_or(0),
            word_after: t.word_after.unwrap_or(0),
            word_gap: t.word_gap,
            skip_dates: t.skip_dates,
            requires,
            requires_count: t.requires_count.unwrap_or(1),
            token: t.token.unwrap_or(0),
            sums: 0,
            rule: 0,
        };
        trigger.sums = trigger.totals_only();
        Trig::Digits(trigger, joiners.bytes().collect())
    } else if t.hex_delimited {
        Trig::Hex
    } else {
        Trig::Literals {
            lits: t.literals.iter().map(|s| s.as_bytes().to_vec()).collect(),
            near: t.near,
            before: t.before,
        }
    }
}

fn compile(specs: Vec<Spec>, allow: &AllowSpec, min_score: f32) -> Result<Engine, BuildError> {
    // One dictionary, matched case-insensitively in one pass, holds the trigger literals and
    // the context words. Entry ids double as context-word ids.
    let mut dict = Dictionary::default();
    let mut rules = Vec::with_capacity(specs.len());
    let mut digit = Vec::new();
    let mut joiners: Vec<[bool; 256]> = Vec::new();
    // Per compiled rule, its triggers as written (rules sharing a search have equal ones).
    let mut rule_triggers: Vec<Vec<TriggerSpec>> = Vec::new();
    let mut hex = Vec::new();
    let mut full = Vec::new();
    let mut recognizers = Vec::new();

    for Spec {
        source,
        rule: spec,
        builtin,
    } in specs
    {
        let err = |e: BuildError| e.in_source(&source).in_rule(&spec.id);
        let patterns = if spec.literals.is_empty() {
            spec.patterns.clone()
        } else {
            vec![literal_pattern(&spec.literals, spec.case_insensitive)]
        };
        let mut hirs = Vec::new();
        let mut max_len = Some(0usize);
        for (index, p) in patterns.iter().enumerate() {
            let hir = regex_automata::util::syntax::parse_with(p, &syntax()).map_err(|e| {
                err(BuildError::new(BuildErrorKind::Pattern {
                    index,
                    message: e.to_string(),
                }))
            })?;
            if hir.properties().minimum_len() == Some(0) {
                return Err(err(BuildError::new(BuildErrorKind::Invalid(format!(
                    "pattern {index} can match the empty string"
                )))));
            }
            max_len = match (max_len, hir.properties().maximum_len()) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
            hirs.push(hir);
        }
        if let Some(declared) = spec.max_len {
            max_len = Some(max_len.map_or(declared, |m| m.min(declared)));
        }
        let recognizer = match &spec.recognizer {
            Some(name) => {
                let r = name
                    .parse::<Recognizer>()
                    .map_err(|e| err(BuildError::new(BuildErrorKind::Invalid(e))))?;
                max_len = Some(spec.max_len.map_or(r.max_len(), |m| m.min(r.max_len())));
                Some(r)
            }
            None => None,
        };
        let trigs = if recognizer.is_some() {
            Vec::new()
        } else {
            triggers_of(&spec, &hirs)
        };
        let validator = match &spec.validator {
            Some(v) => Some(
                v.parse::<Validator>()
                    .map_err(|e| err(BuildError::new(BuildErrorKind::Invalid(e.to_string()))))?,
            ),
            None => None,
        };
        let max_bare = validator
            .and_then(Validator::ceiling)
            .map_or(spec.score, |c| c.max(spec.score));
        let boost = spec.context_boost.unwrap_or(DEFAULT_BOOST);
        let max_reach = if spec.context.is_empty() {
            max_bare
        } else {
            (max_bare + boost).min(1.0)
        };
        if max_reach < min_score {
            // Can never be reported at this threshold: leave it out of the search.
            continue;
        }
        // Same patterns, triggers and bounds as an earlier rule without a `value` group:
        // search once, validate twice.
        let leader = rules.iter().enumerate().position(|(i, r): (usize, &Rule)| {
            recognizer.is_none()
                && !r.follows
                && r.value_group.is_none()
                && r.patterns == patterns
                && r.max_len == max_len
                && rule_triggers[i] == spec.triggers
        });
        let digit_triggered = spec.triggers.iter().any(|t| t.digits.is_some());
        // What the syntax trees tell before they go into the rule's regex.
        let no_space = !hirs.iter().any(can_match_space);
        // Without a digit layout the window must reach the whole maximum match length.
        let digit_reach = hirs
            .iter()
            .map(crate::shape::Shape::of)
            .map(|sh| sh.reach(CLUSTER_GAP))
            .try_fold(crate::shape::Reach::NONE, |acc, r| r.map(|r| acc.union(r)))
            .unwrap_or(crate::shape::Reach::whole(
                max_len.unwrap_or(usize::MAX / 4),
            ));
        let token_shape = spec
            .triggers
            .iter()
            .any(|t| t.token.is_some_and(|n| n > 0))
            .then(|| crate::shape::TokenShape::of(&hirs))
            .flatten();
        let (regex, value_group) = match leader {
            Some(l) => (rules[l].regex.clone(), None),
            None if recognizer.is_some() => (None, None),
            None => {
                // A rule searched only in small windows gains nothing from the regex's own literal
                // prefilter; one that scans whole inputs does.
                let whole_input = trigs.iter().any(|t| matches!(t, Trig::Full));
                // The `value` group's index, as the regex numbers its groups (the syntax
                // trees' capture indices).
                let value_group = named_group(&hirs[0], "value");
                if value_group.is_some()
                    && hirs.iter().any(|h| named_group(h, "value") != value_group)
                {
                    // Every pattern must name the group for captures to be meaningful.
                    return Err(err(BuildError::new(BuildErrorKind::Invalid(
                        "when one pattern has a `value` group, all must have it at the same position".into(),
                    ))));
                }
                // Built from the syntax trees parsed above, so the patterns are not parsed
                // twice: now for a rule file's rules, on first use for the built-in ones (see
                // `RuleRegex`).
                let regex = RuleRegex::new(hirs, whole_input);
                if !builtin {
                    regex.get().map_err(|e| {
                        err(BuildError::new(BuildErrorKind::Pattern {
                            index: e.pattern().map_or(0, |p| p.as_usize()),
                            message: e.to_string(),
                        }))
                    })?;
                }
                (Some(regex), value_group)
            }
        };
        let idx = u32::try_from(rules.len()).map_err(|_| {
            err(BuildError::new(BuildErrorKind::Invalid(
                "too many rules".into(),
            )))
        })?;
        if let Some(l) = leader {
            rules[l].followers.push(idx);
        }
        rule_triggers.push(spec.triggers.clone());
        if let Some(rec) = recognizer {
            rec.prepare();
            recognizers.push((idx, rec));
        }
        for t in if leader.is_some() { Vec::new() } else { trigs } {
            match t {
                Trig::Digits(trigger, set) => {
                    let mut table = [false; 256];
                    for b in set {
                        table[usize::from(b)] = true;
                    }
                    let k = match joiners.iter().position(|t| *t == table) {
                        Some(k) => k,
                        None if joiners.len() < 8 => {
                            joiners.push(table);
                            joiners.len() - 1
                        }
                        None => {
                            return Err(err(BuildError::new(BuildErrorKind::Invalid(
                                "more than 8 distinct `joiners` sets across the rules".into(),
                            ))))
                        }
                    };
                    digit.push(DigitTrigger {
                        joiners: k,
                        rule: idx,
                        ..trigger
                    });
                }
                Trig::Literals { lits, near, before } => {
                    for l in lits {
                        let e = dict.entry(&l);
                        dict.owners[e].push(LiteralOwner {
                            rule: idx,
                            near,
                            before,
                        });
                    }
                }
                Trig::Hex => hex.push(idx),
                Trig::Full => full.push(idx),
            }
        }
        let mut entries = |words: &[String]| {
            WordSet::new(
                words
                    .iter()
                    .map(|w| dict.entry(w.as_bytes()) as u32)
                    .collect(),
            )
        };
        let context = entries(&spec.context);
        let negative = entries(&spec.negative_context);
        rules.push(Rule {
            id: spec.id.as_str().into(),
            entity: spec.entity.as_str().into(),
            description: spec.description.clone(),
            source: source.clone(),
            patterns: patterns.clone(),
            regex,
            value_group,
            validator,
            score: spec.score,
            boost,
            context,
            negative,
            context_words: spec.context.clone(),
            negative_words: spec.negative_context.clone(),
            context_required: spec.context_required,
            ctx_before: spec.context_before.unwrap_or(CONTEXT_BEFORE),
            max_len,
            no_space,
            followers: Vec::new(),
            follows: leader.is_some(),
            digit_reach,
            max_bare,
            group: Default::default(),
            max_reach,
            digit_triggered,
            token_shape,
            examples: spec.examples.clone(),
            negative_examples: spec.negative_examples.clone(),
        });
    }
    digit.sort_by_key(|t| t.min);
    // Matches are reported leftmost-longest: a word inside a longer entry ("card" in "card
    // number") is seen as the longer one. So a rule's context set holds every entry that
    // contains one of its words as a whole word, and an entry triggers the rules of every
    // trigger literal inside it.
    let holders = dict.whole_word_holders();
    for rule in &mut rules {
        for set in [&mut rule.context, &mut rule.negative] {
            let ids = set.ids().iter();
            *set = WordSet::new(
                ids.flat_map(|&w| holders[w as usize].iter().copied())
                    .collect(),
            );
        }
    }
    for r in 0..rules.len() {
        let members = std::iter::once(r).chain(rules[r].followers.iter().map(|&f| f as usize));
        let mut context: Vec<u32> = Vec::new();
        let mut negative = rules[r].negative.ids().to_vec();
        let mut group = SearchGroup {
            negative_reach: NEGATIVE_REACH,
            digit_tests: members
                .clone()
                .map(|m| {
                    let test = rules[m].validator.and_then(Validator::digit_test)?;
                    rules[m].value_group.is_none().then_some((m as u32, test))
                })
                .collect(),
            ..SearchGroup::default()
        };
        for m in members {
            group.max_bare = group.max_bare.max(rules[m].max_bare);
            group.ctx_before = group.ctx_before.max(rules[m].ctx_before);
            context.extend_from_slice(rules[m].context.ids());
            negative.retain(|&w| rules[m].negative.contains(w));
            // A word is read as context when it ends less than `ctx_before` bytes in front.
            match rules[m].ctx_before.checked_sub(1) {
                Some(reach) => group.negative_reach = group.negative_reach.min(reach),
                None => negative.clear(),
            }
        }
        group.context = WordSet::new(context);
        group.negative = WordSet::new(negative);
        rules[r].group = group;
    }
    let entries = dict.keys.len();
    // The entries some rule reads as context: only those go into the context index.
    let mut context_entry = vec![false; entries];
    for rule in &rules {
        for &w in rule.context.ids().iter().chain(rule.negative.ids()) {
            context_entry[w as usize] = true;
        }
    }
    let dictionary = dict.build()?;
    let allow_regex = if allow.patterns.is_empty() {
        None
    } else {
        let anchored: Vec<String> = allow
            .patterns
            .iter()
            .map(|p| format!("^(?:{p})$"))
            .collect();
        Some(
            Regex::builder()
                .syntax(syntax())
                .build_many(&anchored)
                .map_err(|e| {
                    BuildError::new(BuildErrorKind::Invalid(format!("allow pattern: {e}")))
                })?,
        )
    };
    let max_len = rules
        .iter()
        .try_fold(0usize, |m, r| r.max_len.map(|l| m.max(l)));
    let max_ctx_before = rules.iter().map(|r| r.ctx_before).max().unwrap_or(0);
    let gates = context_gates(&rules, &digit, entries);
    Ok(Engine {
        inner: Arc::new(Inner {
            plain_min: digit
                .iter()
                .filter(|t| t.token == 0)
                .map(|t| t.min)
                .min()
                .unwrap_or(usize::MAX),
            token_min: digit
                .iter()
                .filter(|t| t.token > 0)
                .map(|t| t.token)
                .min()
                .unwrap_or(usize::MAX),
            token_cap: digit
                .iter()
                .map(|t| t.token)
                .chain(
                    rules
                        .iter()
                        .filter_map(|r| r.token_shape.as_ref().map(|s| s.len())),
                )
                .max()
                .unwrap_or(0),
            rules,
            trigger_masks: crate::engine::TriggerMasks::new(&digit, &gates.bit),
            digit,
            joiner_bits: {
                let mut bits = [0u8; 256];
                for (k, table) in joiners.iter().enumerate() {
                    for (b, &yes) in table.iter().enumerate() {
                        if yes {
                            bits[b] |= 1 << k;
                        }
                    }
                }
                bits
            },
            joiners,
            hex,
            full,
            max_ctx_before,
            context_bit: gates.bit,
            entry_bits: gates.entry_bits,
            context_entry,
            bits_before: gates.before,
            negative_bits: gates.negative_bits,
            bits_after: gates.after,
            recognizers,
            dictionary,
            allow_values: allow.values.iter().map(|v| v.as_bytes().to_vec()).collect(),
            allow_regex,
            allow_patterns: allow.patterns.clone(),
            min_score,
            max_len,
            id: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        }),
    })
}

/// The farthest from its digits a rule with a context bit may look for context words.
const MAX_GATE_REACH: usize = 1024;

/// See `Inner::context_bit`.
struct ContextGates {
    bit: Vec<Option<u8>>,
    entry_bits: Vec<u64>,
    negative_bits: Vec<u64>,
    before: usize,
    after: usize,
}

fn context_gates(rules: &[Rule], digit: &[DigitTrigger], entries: usize) -> ContextGates {
    let mut gates = ContextGates {
        bit: vec![None; rules.len()],
        entry_bits: vec![0; entries],
        negative_bits: vec![0; entries],
        before: 0,
        after: 0,
    };
    let mut next = 0u8;
    for t in digit {
        let r = t.rule as usize;
        let (reach, group) = (rules[r].digit_reach, &rules[r].group);
        // Rules reaching far from their digits keep to the per-window check: every cluster
        // would otherwise look through that many bytes of context words.
        let far = group.ctx_before + reach.lead.max(reach.trail) > MAX_GATE_REACH;
        if gates.bit[r].is_some() || next == 64 || far {
            continue;
        }
        gates.bit[r] = Some(next);
        for &w in group.context.ids() {
            gates.entry_bits[w as usize] |= 1 << next;
        }
        for &w in group.negative.ids() {
            gates.negative_bits[w as usize] |= 1 << next;
        }
        gates.before = gates.before.max(reach.lead + group.ctx_before);
        gates.after = gates.after.max(reach.trail + CONTEXT_AFTER);
        next += 1;
    }
    gates
}

/// The index of the capture group named `name` in `hir`, if any (groups count from 1 in the
/// order they open; 0 is the whole match), as the regex numbers them.
fn named_group(hir: &Hir, name: &str) -> Option<usize> {
    match hir.kind() {
        HirKind::Capture(cap) if cap.name.as_deref() == Some(name) => {
            usize::try_from(cap.index).ok()
        }
        HirKind::Capture(cap) => named_group(&cap.sub, name),
        HirKind::Repetition(rep) => named_group(&rep.sub, name),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().find_map(|h| named_group(h, name))
        }
        _ => None,
    }
}
