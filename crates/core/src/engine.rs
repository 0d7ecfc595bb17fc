//! The compiled engine: the candidate search, scoring and overlap resolution.

use crate::bytemask;
use crate::compile::{sep_mask, EngineBuilder};
use crate::dictionary::CompiledDictionary;
use crate::error::BuildError;
use crate::validators::Validator;
use regex_automata::meta::{self, Regex};
use regex_automata::util::captures::Captures;
use regex_automata::Input;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// Bytes of context looked at before a match (unless a rule sets `context_before`).
pub const CONTEXT_BEFORE: usize = 64;
/// Bytes of context looked at after a match.
pub const CONTEXT_AFTER: usize = 40;
const _: () = assert!(CONTEXT_AFTER < 64);
/// The default score threshold.
pub const DEFAULT_MIN_SCORE: f32 = 0.5;
/// Default increase of a score when a context word is near.
pub(crate) const DEFAULT_BOOST: f32 = 0.35;
/// How far in front of a value a negative context word counts (a label names what follows it).
pub(crate) const NEGATIVE_REACH: usize = 24;
/// Decrease of a score when a negative context word is near.
const NEGATIVE_PENALTY: f32 = 0.4;
/// Bytes that join digit groups into one chain unless a rule says otherwise.
pub(crate) const DEFAULT_JOINERS: &str = " .-/()";
/// Largest gap (in bytes, on one line) between two digits of one cluster.
pub(crate) const CLUSTER_GAP: usize = 12;
/// Windows closer than this are searched as one: a few more bytes cost less than a search call.
const MERGE_SLACK: usize = 32;
/// Most digit groups one cluster holds; a longer run of them (a line of millions of numbers)
/// is cut into clusters of this many that overlap by `CLUSTER_OVERLAP` groups, so that what a
/// cluster's facts take stays bounded and every match of up to that many groups lies whole
/// in one of them.
const MAX_CLUSTER_GROUPS: usize = 1024;
const CLUSTER_OVERLAP: usize = 32;
/// Largest look-back for a line start (and look-ahead for its end) around a digit cluster.
const MAX_LEAD: usize = 512;

/// One detected piece of personal data or credential.
///
/// Offsets are UTF-8 byte offsets into the scanned input (end exclusive).
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    start: usize,
    end: usize,
    score: f32,
    entity: Arc<str>,
    rule: Arc<str>,
}

impl Finding {
    /// Byte offset where the finding starts.
    pub fn start(&self) -> usize {
        self.start
    }
    /// Byte offset one past the end of the finding.
    pub fn end(&self) -> usize {
        self.end
    }
    /// `start..end`.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
    /// Confidence in 0..=1 after validation and context.
    pub fn score(&self) -> f32 {
        self.score
    }
    /// The entity type, e.g. `EMAIL_ADDRESS`.
    pub fn entity(&self) -> &str {
        &self.entity
    }
    /// The id of the rule that produced the finding.
    pub fn rule_id(&self) -> &str {
        &self.rule
    }
    /// The entity type, shared with the engine (cloning it allocates nothing).
    pub fn shared_entity(&self) -> &Arc<str> {
        &self.entity
    }
    /// The rule id, shared with the engine (cloning it allocates nothing).
    pub fn shared_rule_id(&self) -> &Arc<str> {
        &self.rule
    }

    /// The same finding at other offsets.
    pub(crate) fn moved(&self, start: usize, end: usize) -> Finding {
        Finding {
            start,
            end,
            ..self.clone()
        }
    }
}

/// A rule's patterns as one regex, shared by the rules that follow it. A rule file's regexes are
/// built with the engine, so that a pattern the regex engine refuses is a build error naming
/// it; the built-in rules' are built on their first search (the test suite builds every one):
/// a scan often needs only some of them, and building them all was 40% of start-up.
#[derive(Clone)]
pub(crate) struct RuleRegex(Arc<LazyRegex>);

struct LazyRegex {
    /// The patterns' syntax trees, which it is built from.
    hirs: Vec<regex_syntax::hir::Hir>,
    /// Whether the regex scans whole inputs (then its own literal prefilter pays).
    whole_input: bool,
    built: std::sync::OnceLock<Result<Regex, Box<meta::BuildError>>>,
}

impl RuleRegex {
    pub(crate) fn new(hirs: Vec<regex_syntax::hir::Hir>, whole_input: bool) -> RuleRegex {
        RuleRegex(Arc::new(LazyRegex {
            hirs,
            whole_input,
            built: std::sync::OnceLock::new(),
        }))
    }

    /// The regex, built on the first call.
    ///
    /// # Errors
    /// What the regex engine says of the patterns.
    pub(crate) fn get(&self) -> Result<&Regex, &meta::BuildError> {
        let lazy = &*self.0;
        lazy.built
            .get_or_init(|| {
                Regex::builder()
                    .configure(
                        Regex::config()
                            .utf8_empty(false)
                            .auto_prefilter(lazy.whole_input)
                            .dfa(false),
                    )
                    .build_many_from_hir(&lazy.hirs)
                    .map_err(Box::new)
            })
            .as_ref()
            .map_err(|e| &**e)
    }

    /// The built regex; `None` when it does not build.
    fn regex(&self) -> Option<&Regex> {
        self.get().ok()
    }
}

pub(crate) struct Rule {
    pub(crate) id: Arc<str>,
    pub(crate) entity: Arc<str>,
    pub(crate) description: String,
    pub(crate) source: String,
    pub(crate) patterns: Vec<String>,
    /// `None` for recognizer rules.
    pub(crate) regex: Option<RuleRegex>,
    pub(crate) value_group: Option<usize>,
    pub(crate) validator: Option<Validator>,
    pub(crate) score: f32,
    pub(crate) boost: f32,
    pub(crate) context: WordSet,
    pub(crate) negative: WordSet,
    /// The context words as written (for listings).
    pub(crate) context_words: Vec<String>,
    pub(crate) negative_words: Vec<String>,
    pub(crate) context_required: bool,
    /// How far before a match its context words may stand, in bytes.
    pub(crate) ctx_before: usize,
    pub(crate) max_len: Option<usize>,
    /// No match can contain white space.
    pub(crate) no_space: bool,
    /// Rules with the same patterns and triggers share this rule's searches: each match goes
    /// through their validators too. Empty for a rule that follows another.
    pub(crate) followers: Vec<u32>,
    /// Whether this rule's matches come from another rule's searches.
    pub(crate) follows: bool,
    /// How far a match can reach beyond the digit cluster holding its digits, when known.
    pub(crate) digit_reach: crate::shape::Reach,
    /// The highest score a match can have without context words.
    pub(crate) max_bare: f32,
    /// ... and with them.
    pub(crate) max_reach: f32,
    /// What this rule's search serves: itself and its followers together.
    pub(crate) group: SearchGroup,
    /// Whether the rule is looked for around digit clusters (its matches are numbers).
    pub(crate) digit_triggered: bool,
    /// When its digit triggers ask for a token and every match is a whole token of one shape,
    /// that shape: a chain in a token of another shape qualifies for none of them.
    pub(crate) token_shape: Option<crate::shape::TokenShape>,
    pub(crate) examples: Vec<String>,
    pub(crate) negative_examples: Vec<String>,
}

impl Rule {
    /// How far a window must extend around a trigger to hold any match.
    fn reach(&self) -> usize {
        self.max_len.unwrap_or(usize::MAX / 4)
    }
}

/// The rules served by one search (a rule and the rules following it), taken together.
#[derive(Clone, Debug, Default)]
pub(crate) struct SearchGroup {
    /// The highest score a match can have without context words, over the group.
    pub(crate) max_bare: f32,
    /// The widest `context_before` in the group.
    pub(crate) ctx_before: usize,
    /// The context words of every rule of the group.
    pub(crate) context: WordSet,
    /// The negative context words of every rule of the group (each lowers every member's
    /// score); empty when none does.
    pub(crate) negative: WordSet,
    /// How far in front of a match such a word counts for every member (`NEGATIVE_REACH`, less
    /// for a member reading fewer bytes of context).
    pub(crate) negative_reach: usize,
    /// Per member, its validator's test on the digits of every match it keeps
    /// (`Validator::digit_test`); `None` when a member has none, or has a value group (its
    /// validator sees only part of the match).
    pub(crate) digit_tests: Option<Vec<(u32, crate::validators::DigitTest)>>,
}

/// Dictionary entries (context words): the ids in order, and the same set as bits by id, so
/// that a membership test is a load and a shift instead of a binary search.
#[derive(Clone, Debug, Default)]
pub(crate) struct WordSet {
    ids: Vec<u32>,
    bits: Vec<u64>,
}

impl WordSet {
    pub(crate) fn new(mut ids: Vec<u32>) -> WordSet {
        ids.sort_unstable();
        ids.dedup();
        let mut bits = vec![0u64; ids.last().map_or(0, |&w| w as usize / 64 + 1)];
        for &w in &ids {
            bits[w as usize / 64] |= 1 << (w % 64);
        }
        WordSet { ids, bits }
    }

    /// The ids, in order.
    pub(crate) fn ids(&self) -> &[u32] {
        &self.ids
    }

    pub(crate) fn contains(&self, w: u32) -> bool {
        self.bits
            .get(w as usize / 64)
            .is_some_and(|b| b >> (w % 64) & 1 != 0)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Digits joined into one run within a cluster: its bytes, digit count and digit groups.
#[derive(Clone, Debug)]
struct Chain {
    start: usize,
    end: usize,
    digits: usize,
    /// Indices into the cluster's digit groups.
    groups: std::ops::Range<usize>,
    /// Facts the digit triggers may ask about, each worked out on first need.
    date: Option<bool>,
    letters: Option<(usize, usize)>,
    words: Option<[usize; 4]>,
    token: Option<(usize, usize)>,
}

impl Chain {
    fn new(start: usize, end: usize, digits: usize, groups: std::ops::Range<usize>) -> Chain {
        Chain {
            start,
            end,
            digits,
            groups,
            date: None,
            letters: None,
            words: None,
            token: None,
        }
    }

    /// Written like a calendar date (three digit groups, no fewer, no more).
    fn date(&mut self, hay: &[u8]) -> bool {
        let three = self.groups.len() == 3;
        *self
            .date
            .get_or_insert_with(|| three && is_date(&hay[self.start..self.end]))
    }

    /// Distances from the chain's start back to the nearest letter on its line (1: right
    /// before it) and from its end to the nearest letter after it, each capped at
    /// `LETTER_REACH + 1`.
    fn letters(&mut self, hay: &[u8], line: (usize, usize)) -> (usize, usize) {
        let (start, end) = (self.start, self.end);
        *self.letters.get_or_insert_with(|| {
            let before = hay[start.saturating_sub(LETTER_REACH).max(line.0)..start]
                .iter()
                .rev()
                .position(u8::is_ascii_alphabetic)
                .map_or(LETTER_REACH + 1, |i| i + 1);
            let after = hay[end..(end + LETTER_REACH).min(line.1)]
                .iter()
                .position(u8::is_ascii_alphabetic)
                .map_or(LETTER_REACH + 1, |i| i + 1);
            (before, after)
        })
    }

    /// Lengths of the words right before and right after the chain (see `word_before` and
    /// `word_after`).
    fn words(&mut self, hay: &[u8]) -> [usize; 4] {
        let (start, end) = (self.start, self.end);
        *self.words.get_or_insert_with(|| {
            [
                word_before(hay, start, false, MAX_WORD),
                word_before(hay, start, true, MAX_WORD),
                word_after(hay, end, false, MAX_WORD),
                word_after(hay, end, true, MAX_WORD),
            ]
        })
    }

    /// Bounds of the alphanumeric token the chain starts in (see `alnum_bounds`).
    fn token(&mut self, hay: &[u8], cap: usize) -> (usize, usize) {
        *self
            .token
            .get_or_insert_with(|| alnum_bounds(hay, self.start, cap))
    }
}

/// The chains of joiner set `k` in a cluster: runs of its digit `groups` joined by gaps
/// (`gaps[i]`: the sets joining group `i` and `i + 1`) that belong to the set.
fn build_chains(chains: &mut Vec<Chain>, groups: &[(usize, usize)], gaps: &[u8], k: usize) {
    chains.clear();
    let mut first = 0;
    let mut digits = 0;
    for (g, &(a, b)) in groups.iter().enumerate() {
        if g > 0 && gaps[g - 1] & (1 << k) == 0 {
            chains.push(Chain::new(
                groups[first].0,
                groups[g - 1].1,
                digits,
                first..g,
            ));
            first = g;
            digits = 0;
        }
        digits += b - a;
    }
    if let Some(&(_, end)) = groups.last() {
        chains.push(Chain::new(
            groups[first].0,
            end,
            digits,
            first..groups.len(),
        ));
    }
}

/// How many separator classes `sep_mask` knows.
const SEP_CLASSES: usize = 9;

/// The bits of one separator class's count in a cluster's packed counts (see `SEP_COUNT`):
/// the bytes counted (between the groups and three either side) fit.
const SEP_FIELD: usize = 14;
const _: () = assert!(
    (CLUSTER_GAP - 1) * (MAX_CLUSTER_GROUPS - 1) + 6 < 1 << SEP_FIELD
        && SEP_FIELD * SEP_CLASSES <= 128
);

/// Per byte, what it adds to a cluster's separator counts, packed into one number (class `k`
/// of `sep_mask` in bits `SEP_FIELD * k` on): one in its class's field, nothing for digits and
/// line feeds, which are not separators. Adding in a register keeps the count of consecutive
/// bytes of one class from waiting on a store to memory each.
static SEP_COUNT: [u128; 256] = {
    let mut table = [0u128; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        if !byte.is_ascii_digit() && byte != b'\n' {
            table[b] = 1 << (SEP_FIELD * sep_mask(byte).trailing_zeros() as usize);
        }
        b += 1;
    }
    table
};

/// The farthest a digit trigger may look for a letter around its chain.
pub(crate) const LETTER_REACH: usize = 16;

/// The totals below 64 (bit n: n digits) of the runs of consecutive digit groups ending at (or
/// starting at) a group `len` digits long, given those of the runs ending at the group before
/// (starting at the group after) it and whether the gap between them joins the two: every run
/// grows by the group, and the group alone is one more. Totals of 64 or more fall out.
#[inline]
fn extend_runs(runs: u64, joined: bool, len: usize) -> u64 {
    let keep = 0u64.wrapping_sub(u64::from(joined));
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    (runs & keep).checked_shl(len).unwrap_or(0) | 1u64.checked_shl(len).unwrap_or(0)
}

/// Per digit count n below 64, bit n: whether consecutive digit groups of a cluster, joined in
/// joiner set `k` (`gaps[i]`: the sets joining group `i` and `i + 1`), total n digits. One step
/// per group (see `extend_runs`), no branch on the lengths.
fn run_totals(groups: &[(usize, usize)], gaps: &[u8], k: usize) -> u64 {
    let mut totals = 0u64;
    let mut ending = 0u64;
    for (g, &(a, b)) in groups.iter().enumerate() {
        // The first group has no gap before it, and no run to grow.
        let joined = g > 0 && gaps[g - 1] >> k & 1 != 0;
        ending = extend_runs(ending, joined, b - a);
        totals |= ending;
    }
    totals
}

/// The first group of the first run and the last group of the last run of consecutive digit
/// groups joined in joiner set `k` whose digits total a count in `totals` (bit n: n digits);
/// `(0, 0)` when there is none.
fn runs_span(groups: &[(usize, usize)], gaps: &[u8], k: usize, totals: u64) -> (usize, usize) {
    let n = groups.len();
    let len = |g: usize| groups[g].1 - groups[g].0;
    let (mut first, mut last) = (None, None);
    let mut ending = 0u64;
    for g in 0..n {
        ending = extend_runs(ending, g > 0 && gaps[g - 1] >> k & 1 != 0, len(g));
        if ending & totals != 0 {
            last = Some(g);
        }
    }
    let mut starting = 0u64;
    for g in (0..n).rev() {
        starting = extend_runs(starting, g + 1 < n && gaps[g] >> k & 1 != 0, len(g));
        if starting & totals != 0 {
            first = Some(g);
        }
    }
    (first.unwrap_or(0), last.unwrap_or(0))
}

/// Grows the cluster starting with the digit at `p` (digits no more than CLUSTER_GAP bytes
/// apart, on one line) one digit group at a time into `groups`, noting per gap between groups
/// the joiner sets it belongs to (`gaps`): a gap of at most two bytes joins the groups around
/// it in the sets all its bytes belong to (`joiner_bits`). Returns the cluster's end and
/// whether it was cut at `MAX_CLUSTER_GROUPS` groups.
#[inline]
fn grow_cluster(
    hay: &[u8],
    p: usize,
    joiner_bits: &[u8; 256],
    groups: &mut Vec<(usize, usize)>,
    gaps: &mut Vec<u8>,
) -> (usize, bool) {
    groups.clear();
    gaps.clear();
    let mut q = p;
    loop {
        // The group's digits and what follows them, 16 bytes at a time.
        let start = q;
        let (mut digits, mut feeds) = bytemask::digits_and_line_feeds(hay, q);
        while digits == 0xFFFF {
            q += 16;
            (digits, feeds) = bytemask::digits_and_line_feeds(hay, q);
        }
        let run = (!digits).trailing_zeros() as usize;
        q += run;
        groups.push((start, q));
        if groups.len() == MAX_CLUSTER_GROUPS {
            return (q, true);
        }
        // The next digit or line feed at most CLUSTER_GAP - 1 bytes after the group (the
        // zeros past the input's end are neither).
        let (mut stops, mut digit_at) = ((digits | feeds) >> run, digits >> run);
        if 16 - run < CLUSTER_GAP {
            (digit_at, feeds) = bytemask::digits_and_line_feeds(hay, q);
            stops = digit_at | feeds;
        }
        let gap = stops.trailing_zeros() as usize;
        if gap >= CLUSTER_GAP || digit_at >> gap & 1 == 0 {
            return (q, false);
        }
        let next = q + gap;
        gaps.push(if gap <= 2 {
            hay[q..next]
                .iter()
                .fold(u8::MAX, |m, &b| m & joiner_bits[usize::from(b)])
        } else {
            0
        });
        q = next;
    }
}

/// The values (0-9) of the digits of `groups`, in order, into `values`: sixteen bytes copied
/// at a time (most groups are shorter) and the digits' code taken off all at once.
fn digit_values(hay: &[u8], groups: &[(usize, usize)], values: &mut Vec<u8>) {
    values.clear();
    for &(a, b) in groups {
        let mut at = a;
        while at < b {
            let len = values.len() + (b - at).min(16);
            values.extend_from_slice(&bytemask::padded::<16>(hay, at));
            values.truncate(len);
            at += 16;
        }
    }
    for v in values.iter_mut() {
        *v = v.wrapping_sub(b'0');
    }
}

/// Queues `ws..we` as a rule's next window: merged into its pending window when it starts at
/// most `slack` bytes after that one's end (one search over a few more bytes costs less than
/// another search), else the pending window is handed back to be searched now.
fn queue_window(
    pending: &mut Option<(usize, usize)>,
    ws: usize,
    we: usize,
    slack: usize,
) -> Option<(usize, usize)> {
    match pending {
        Some((pws, pwe)) if ws <= *pwe + slack => {
            *pws = (*pws).min(ws);
            *pwe = (*pwe).max(we);
            None
        }
        _ => pending.replace((ws, we)),
    }
}

/// Whether consecutive digit groups total between `lo` and `hi` digits.
fn whole_groups_total(groups: &[(usize, usize)], lo: usize, hi: usize) -> bool {
    (0..groups.len()).any(|a| {
        let mut sum = 0;
        for &(s, e) in &groups[a..] {
            sum += e - s;
            if sum > hi {
                return false;
            }
            if sum >= lo {
                return true;
            }
        }
        false
    })
}

#[derive(Clone)]
pub(crate) struct DigitTrigger {
    pub(crate) min: usize,
    /// Matches are whole digit groups totalling `min..=max_digits` digits, when set.
    pub(crate) max_digits: Option<usize>,
    /// Index of the joiner set its chains use.
    pub(crate) joiners: usize,
    /// A letter must stand within this many bytes before the chain (0: no need).
    pub(crate) letter_before: usize,
    /// ... or after it.
    pub(crate) letter_after: usize,
    /// The chain follows a word of exactly this many letters (0: no need), see `word_before`.
    pub(crate) word_before: usize,
    /// ... or is followed by one, see `word_after`.
    pub(crate) word_after: usize,
    /// ... the words may also stand one space or hyphen away.
    pub(crate) word_gap: bool,
    /// Chains shaped like calendar dates do not count.
    pub(crate) skip_dates: bool,
    pub(crate) requires: u16,
    pub(crate) requires_count: usize,
    pub(crate) token: usize,
    /// When the trigger asks only for whole groups totalling `min..=max_digits` digits (at
    /// most 63), those totals as bits (see `run_totals`); else 0.
    pub(crate) sums: u64,
    pub(crate) rule: u32,
}

impl DigitTrigger {
    /// The `sums` of a trigger asking only for whole groups totalling `min..=max_digits`
    /// digits (at most 63): those totals as bits; else 0 (the chains are checked one by one).
    pub(crate) fn totals_only(&self) -> u64 {
        let only_totals = self.letter_before == 0
            && self.letter_after == 0
            && self.word_before == 0
            && self.word_after == 0
            && self.token == 0
            && !self.skip_dates;
        match self.max_digits {
            Some(max) if only_totals && self.min <= max && max < 64 => {
                (self.min..=max).fold(0u64, |m, n| m | 1 << n)
            }
            _ => 0,
        }
    }

    /// Whether the words this trigger asks for stand where it wants them, given the word
    /// lengths next to the digits as masks (bit n: a word of n letters), by index: before
    /// directly, before across a gap, after directly, after across a gap (see `word_before`,
    /// `word_after`). `mask` is only called for the sides the trigger asks about.
    #[inline]
    fn words_fit(&self, mut mask: impl FnMut(usize) -> u64) -> bool {
        let mut fits = |k: usize, len: usize| {
            len == 0
                || mask(k) & (1 << len) != 0
                || (self.word_gap && mask(k + 1) & (1 << len) != 0)
        };
        fits(0, self.word_before) && fits(2, self.word_after)
    }
}

/// Lengths at and past which the trigger masks no longer tell lengths apart.
const MASK_CAP: usize = 63;

/// The first 64 digit triggers (`Inner::digit`, trigger `i` as bit `i`) grouped by what they
/// ask of a cluster, so that a cluster turns most of them down a few at a time (a table lookup
/// per joiner set, one per token length, one per length of a word next to its groups, one mask
/// for the rules needing context) rather than one trigger at a time, which costs a
/// hard-to-predict branch per trigger. Triggers past the first 64 are checked one at a time.
pub(crate) struct TriggerMasks {
    /// Per joiner set and longest chain length (`MASK_CAP`: that or longer), the triggers of
    /// that set asking for at most that many digits (or, past the cap, asked one by one).
    by_len: Box<[[u64; MASK_CAP + 1]; 8]>,
    /// The triggers asking for a token, and per token length (capped the same way) those
    /// whose token is at most that long.
    token: u64,
    token_fits: [u64; MASK_CAP + 1],
    /// The triggers that ask for separators or a letter next to their chain, or a length past
    /// the cap: checked one by one (`ClusterFacts::fit`).
    asks: u64,
    /// The triggers asking for words next to their chain (`word_before`, `word_after`), and
    /// those asking across a gap too; per side (before, after), those asking for no word there;
    /// per side, way (directly, across a gap) and word length, those that a word of that
    /// length there fits (see `DigitTrigger::words_fit`).
    words: u64,
    gap_words: u64,
    no_word: [u64; 2],
    word_fits: Box<[[[u64; MAX_WORD + 1]; 2]; 2]>,
    /// Per side and way, the longest word any trigger (of all, not only the first 64) asks
    /// for there: a word next to a cluster is read no further (see `word_masks`).
    word_caps: [[usize; 2]; 2],
    /// Per context bit (`Inner::context_bit`), the triggers of the rule holding it.
    by_bit: [u64; 64],
}

impl TriggerMasks {
    pub(crate) fn new(triggers: &[DigitTrigger], context_bit: &[Option<u8>]) -> TriggerMasks {
        let mut masks = TriggerMasks {
            by_len: Box::new([[0; MASK_CAP + 1]; 8]),
            token: 0,
            token_fits: [0; MASK_CAP + 1],
            asks: 0,
            words: 0,
            gap_words: 0,
            no_word: [0; 2],
            word_fits: Box::new([[[0; MAX_WORD + 1]; 2]; 2]),
            word_caps: [[0; 2]; 2],
            by_bit: [0; 64],
        };
        for t in triggers {
            for (side, len) in [t.word_before, t.word_after].into_iter().enumerate() {
                let caps = &mut masks.word_caps[side];
                caps[0] = caps[0].max(len);
                if t.word_gap {
                    caps[1] = caps[1].max(len);
                }
            }
        }
        for (i, t) in triggers.iter().take(64).enumerate() {
            let bit = 1u64 << i;
            for len in 0..=MASK_CAP {
                if t.min <= len || len == MASK_CAP {
                    masks.by_len[t.joiners][len] |= bit;
                }
                if t.token <= len || len == MASK_CAP {
                    masks.token_fits[len] |= bit;
                }
            }
            if t.token > 0 {
                masks.token |= bit;
            }
            let letters = t.letter_before == 1 || t.letter_after == 1;
            if t.requires != 0 || letters || t.min >= MASK_CAP || t.token >= MASK_CAP {
                masks.asks |= bit;
            }
            if t.word_before > 0 || t.word_after > 0 {
                masks.words |= bit;
                if t.word_gap {
                    masks.gap_words |= bit;
                }
                for (side, len) in [t.word_before, t.word_after].into_iter().enumerate() {
                    match len {
                        0 => masks.no_word[side] |= bit,
                        // Longer words are refused when the rules are read (`MAX_WORD`).
                        _ if len > MAX_WORD => {}
                        _ => {
                            masks.word_fits[side][0][len] |= bit;
                            if t.word_gap {
                                masks.word_fits[side][1][len] |= bit;
                            }
                        }
                    }
                }
            }
            if let Some(b) = context_bit[t.rule as usize] {
                masks.by_bit[usize::from(b)] |= bit;
            }
        }
        masks
    }

    /// Of `reach`, the triggers asking for words next to their chain (see
    /// `DigitTrigger::words_fit`) that the words next to a cluster fit, and the others:
    /// `masks(gap)` gives the word lengths next to the cluster as `word_masks` does, across a
    /// gap only when `gap`; asked only when a trigger of `reach` asks for words, and across a
    /// gap only when one of them may stand there.
    #[inline]
    fn words_fit(&self, reach: u64, masks: impl FnOnce(bool) -> [[u64; 2]; 2]) -> u64 {
        let asking = reach & self.words;
        if asking == 0 {
            return reach;
        }
        let masks = masks(asking & self.gap_words != 0);
        // Per side, the triggers a word there fits (or that ask for none).
        let mut fits = self.no_word;
        for (side, fit) in fits.iter_mut().enumerate() {
            for (way, lens) in masks[side].into_iter().enumerate() {
                let mut lens = lens & !1;
                while lens != 0 {
                    let len = lens.trailing_zeros() as usize;
                    lens &= lens - 1;
                    *fit |= self.word_fits[side][way].get(len).copied().unwrap_or(0);
                }
            }
        }
        reach & (!self.words | fits[0] & fits[1])
    }
}

/// What a digit cluster offers the triggers besides its chains' lengths, each worked out on
/// first need.
#[derive(Default)]
struct ClusterFacts {
    /// How far words next to the cluster are read (`TriggerMasks::word_caps`).
    word_caps: [[usize; 2]; 2],
    /// Separators in and right around the cluster, on its line (see `SEP_COUNT`).
    seps: Option<u128>,
    /// The longest run of ASCII letters and digits holding a group's first digit: no chain
    /// starts in a longer token.
    token: Option<usize>,
    /// Per side (before, after) and way (directly, across a gap), the lengths of the words
    /// next to the cluster's digit groups, and whether those across a gap were worked out
    /// (see `word_masks`): no chain is next to a word of another length.
    words: Option<([[u64; 2]; 2], bool)>,
    /// Whether a letter stands right before some group, and right after some group.
    adjacent: Option<(bool, bool)>,
}

impl ClusterFacts {
    /// The lengths of the words next to the cluster's groups by side and way, across a gap
    /// only when `gap` (see `word_masks`).
    fn word_masks(&mut self, hay: &[u8], groups: &[(usize, usize)], gap: bool) -> [[u64; 2]; 2] {
        match self.words {
            Some((masks, with_gap)) if with_gap || !gap => masks,
            _ => {
                let masks = word_masks(hay, groups, gap, self.word_caps);
                self.words = Some((masks, gap));
                masks
            }
        }
    }

    fn token(&mut self, hay: &[u8], groups: &[(usize, usize)], cap: usize) -> usize {
        *self.token.get_or_insert_with(|| {
            let (mut best, mut run_end) = (0, 0);
            let alnum = |i: usize| hay.get(i).is_some_and(u8::is_ascii_alphanumeric);
            for &(a, b) in groups {
                // Groups starting inside the last run counted are in that run; a group with
                // no letter or digit on either side is its own run.
                if a >= run_end {
                    let (start, end) = if alnum(a.wrapping_sub(1)) || alnum(b) {
                        alnum_bounds(hay, a, cap)
                    } else {
                        (a, b)
                    };
                    best = best.max(end - start);
                    run_end = end;
                }
            }
            best
        })
    }

    /// Whether the cluster `cs..ce` with these digit `groups` and longest chains per joiner
    /// set offers what `t` asks for besides context words: a chain long enough, the
    /// separators, a token that long, when `words` the words next to the digits and, when
    /// `letters`, a letter right next to some group.
    #[allow(clippy::too_many_arguments)]
    fn fit(
        &mut self,
        t: &DigitTrigger,
        hay: &[u8],
        groups: &[(usize, usize)],
        (cs, ce): (usize, usize),
        longest_in: &[u16; 8],
        cap: usize,
        (words, letters): (bool, bool),
    ) -> bool {
        if t.min > usize::from(longest_in[t.joiners]) {
            return false;
        }
        if t.requires != 0 {
            let counts = *self.seps.get_or_insert_with(|| {
                // Only the bytes between the digit groups and the three either side are read.
                let mut counts = 0u128;
                let mut add = |bytes: &[u8]| {
                    for &b in bytes {
                        counts += SEP_COUNT[usize::from(b)];
                    }
                };
                add(&hay[cs.saturating_sub(3)..cs]);
                for pair in groups.windows(2) {
                    add(&hay[pair[0].1..pair[1].0]);
                }
                add(&hay[ce..(ce + 3).min(hay.len())]);
                counts
            });
            let mut required = 0;
            let mut want = t.requires;
            while want != 0 {
                let k = want.trailing_zeros() as usize;
                want &= want - 1;
                required += (counts >> (SEP_FIELD * k)) as usize & ((1 << SEP_FIELD) - 1);
            }
            if required == 0 || required < t.requires_count {
                return false;
            }
        }
        if t.token != 0 && self.token(hay, groups, cap) < t.token {
            return false;
        }
        if words && !t.words_fit(|k| self.word_masks(hay, groups, t.word_gap)[k / 2][k % 2]) {
            return false;
        }
        if (t.letter_before == 1 || t.letter_after == 1) && letters {
            let (before, after) = *self.adjacent.get_or_insert_with(|| {
                let letter = |i: usize| hay.get(i).is_some_and(u8::is_ascii_alphabetic);
                (
                    groups.iter().any(|&(a, _)| letter(a.wrapping_sub(1))),
                    groups.iter().any(|&(_, b)| letter(b)),
                )
            });
            if t.letter_before == 1 && !before || t.letter_after == 1 && !after {
                return false;
            }
        }
        true
    }
}

/// Per byte, as a neighbour of a digit group: 1 for an ASCII letter or digit, 2 for a space or
/// hyphen, else 0 (see `ShortGate`).
static NEIGHBOUR: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_alphanumeric() {
            1
        } else if byte == b' ' || byte == b'-' {
            2
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Which clusters reach no trigger of a scan for want of what stands next to their digits.
/// *Bare* triggers ask for neither a token nor a word; a cluster none of whose joiner sets
/// holds a chain as long as a bare trigger of that set asks reaches only the others, which
/// want a token longer than a digit group (a letter or digit next to a group) or a word next
/// to the digits (a letter next to a group, or a space or hyphen when across a gap).
struct ShortGate {
    /// Per joiner set, the smallest minimum of its bare triggers (`u16::MAX`: none; minimums
    /// are at most `MAX_DIGITS`).
    bare_min: [u16; 8],
    /// The shortest token the others ask for.
    token: usize,
    /// What the others accept next to a group (`NEIGHBOUR` classes as bits).
    needs: u8,
    /// Whether a trigger asking for a letter right before (after) its chain is passed over
    /// when no group has one there.
    letters: bool,
}

impl ShortGate {
    /// A gate that shuts no cluster out.
    #[cfg(test)]
    const OPEN: ShortGate = ShortGate {
        bare_min: [0; 8],
        token: 0,
        needs: 0,
        letters: false,
    };

    fn new<'t>(triggers: impl Iterator<Item = &'t DigitTrigger>) -> ShortGate {
        let mut gate = ShortGate {
            bare_min: [u16::MAX; 8],
            token: usize::MAX,
            needs: 0,
            letters: true,
        };
        for t in triggers {
            let words = t.word_before > 0 || t.word_after > 0;
            if t.token == 0 && !words {
                let min = u16::try_from(t.min).unwrap_or(u16::MAX);
                gate.bare_min[t.joiners] = gate.bare_min[t.joiners].min(min);
                continue;
            }
            if t.token > 0 {
                gate.token = gate.token.min(t.token);
            }
            gate.needs |= 1 | if words && t.word_gap { 2 } else { 0 };
        }
        gate
    }

    /// Whether no trigger can fire for a cluster with these digit `groups` and longest
    /// chains per joiner set.
    #[inline]
    fn shuts(&self, hay: &[u8], groups: &[(usize, usize)], chains: &bytemask::Chains) -> bool {
        // No lane is shorter than the longest group (a lane of a set not in use holds it): with
        // nothing next to the groups, no token is longer.
        let longest_group = usize::from(chains.shortest);
        let near = |i: usize| hay.get(i).map_or(0, |&b| NEIGHBOUR[usize::from(b)]);
        let short = chains.per_set.iter().zip(&self.bare_min);
        short.fold(true, |all, (&l, &min)| all & (l < min))
            && longest_group < self.token
            && !groups
                .iter()
                .any(|&(a, b)| (near(a.wrapping_sub(1)) | near(b)) & self.needs != 0)
    }
}

pub(crate) struct Inner {
    pub(crate) rules: Vec<Rule>,
    pub(crate) digit: Vec<DigitTrigger>,
    pub(crate) trigger_masks: TriggerMasks,
    /// Chains shorter than every trigger's minimum (of those not asking for a long token) only
    /// matter inside an alphanumeric token at least `token_min` long (crypto addresses).
    pub(crate) plain_min: usize,
    pub(crate) token_min: usize,
    /// The longest token length any trigger asks for, or any token shape holds: token runs
    /// are read no further (a token of a shape's length is then read whole).
    pub(crate) token_cap: usize,
    /// How many joiner sets digit triggers use (at most 8) ...
    pub(crate) joiners: Vec<[bool; 256]>,
    /// ... and per byte, the sets it belongs to (bit k: set k).
    pub(crate) joiner_bits: [u8; 256],
    pub(crate) hex: Vec<u32>,
    pub(crate) full: Vec<u32>,
    /// Rules run by a built-in recognizer instead of patterns.
    pub(crate) recognizers: Vec<(u32, crate::recognizers::Recognizer)>,
    /// The widest context window before a match of any rule.
    pub(crate) max_ctx_before: usize,
    /// Per rule searched around digits (the first 64), a bit; per dictionary entry, the bits
    /// of the rules it is a context word of. A cluster with no such entry near it skips the
    /// rules that need context to report anything.
    pub(crate) context_bit: Vec<Option<u8>>,
    pub(crate) entry_bits: Vec<u64>,
    /// ... and per entry, the bits of the rules it lowers as a negative word of their whole
    /// search group (see `SearchGroup::negative`, `Engine::penalised`).
    pub(crate) negative_bits: Vec<u64>,
    /// Per dictionary entry, whether a rule reads it as context (or negative context):
    /// hits of the others (trigger literals only, such as `@`) stay out of the context index.
    pub(crate) context_entry: Vec<bool>,
    /// How far before and after a digit cluster those context words can matter.
    pub(crate) bits_before: usize,
    pub(crate) bits_after: usize,
    pub(crate) dictionary: Option<CompiledDictionary>,
    pub(crate) allow_values: HashSet<Vec<u8>>,
    pub(crate) allow_regex: Option<Regex>,
    /// The allow-list patterns as written (for the rule-set digest).
    pub(crate) allow_patterns: Vec<String>,
    pub(crate) min_score: f32,
    pub(crate) max_len: Option<usize>,
    /// Unique per compiled engine: a scratch made for another engine is rebuilt, never used.
    pub(crate) id: u64,
}

/// A compiled rule set. Immutable, `Send + Sync`, cheap to clone (an `Arc` inside).
///
/// ```
/// let engine = redactyl::Engine::builtin().unwrap();
/// let text = "Reach me at jane.doe@example.com or 415-555-0132.";
/// let found: Vec<_> = engine.find_iter(text.as_bytes()).collect();
/// assert_eq!(found[0].entity(), "EMAIL_ADDRESS");
/// assert_eq!(&text[found[1].range()], "415-555-0132");
/// ```
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("rules", &self.inner.rules.len())
            .field("min_score", &self.inner.min_score)
            .finish()
    }
}

/// Per-thread mutable search state. Create one with [`Engine::scratch`] and reuse it.
pub struct Scratch {
    owner: u64,
    caches: Vec<Option<meta::Cache>>,
    recognizer: crate::recognizers::RecognizerScratch,
    captures: Vec<Option<Captures>>,
    cands: Vec<Cand>,
    words: Vec<(u32, usize, bool)>,
    region_words: Vec<u32>,
    /// Per rule, the window it will search next (see `queue_window`); empty between passes.
    pending: Vec<Option<(usize, usize)>>,
    chains: Vec<Vec<Chain>>,
    groups: Vec<(usize, usize)>,
    /// Per gap between two digit groups of a cluster, the joiner sets joining them.
    gaps: Vec<u8>,
    /// The values (0-9) of the current cluster's digits, group after group (filled on first
    /// need, see `some_run_validates`).
    values: Vec<u8>,
    /// Per rule: enabled in the current scan, and searched in it (itself or a rule sharing its
    /// search enabled).
    on: Vec<bool>,
    searched: Vec<bool>,
    ctx_cursor: usize,
    ctx: Vec<(usize, usize, u32)>,
    findings: Vec<Finding>,
    /// Tests turn the checks that pass over clusters and windows (`ShortGate`,
    /// `Engine::penalised`, `Engine::some_run_validates`) off, to check that they change no
    /// finding.
    #[cfg(test)]
    search_all: bool,
    /// Tests only: windows span whole clusters (see the digit pass), to compare.
    #[cfg(test)]
    whole_clusters: bool,
}

impl fmt::Debug for Scratch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scratch").finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug)]
struct Cand {
    rule: u32,
    start: usize,
    end: usize,
    score: f32,
}

/// Which rules a scan runs: all, or only those of some entities.
#[derive(Clone, Debug)]
pub struct RuleFilter {
    pub(crate) enabled: Vec<bool>,
}

/// Per-scan settings that differ from the engine's defaults.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    min_score: Option<f32>,
    filter: Option<RuleFilter>,
}

impl ScanOptions {
    /// Options that change nothing.
    pub fn new() -> ScanOptions {
        ScanOptions::default()
    }
    /// Report findings scoring at least `score` (instead of the engine's threshold).
    pub fn min_score(mut self, score: f32) -> ScanOptions {
        self.min_score = Some(score);
        self
    }
    /// Run only the rules this filter enables.
    pub fn filter(mut self, filter: RuleFilter) -> ScanOptions {
        self.filter = Some(filter);
        self
    }
}

/// Describes one compiled rule (for listings).
#[derive(Clone, Debug)]
pub struct RuleInfo<'a> {
    /// Rule id.
    pub id: &'a str,
    /// Entity it reports.
    pub entity: &'a str,
    /// What it finds.
    pub description: &'a str,
    /// The rule file or built-in pack it came from.
    pub source: &'a str,
    /// Validator name, if any.
    pub validator: Option<&'static str>,
    /// Base score.
    pub score: f32,
    /// Whether it fires only with context.
    pub context_required: bool,
    /// Maximum match length in bytes (`None`: unbounded).
    pub max_len: Option<usize>,
    /// The rule's patterns as compiled (literal lists appear as one alternation).
    pub patterns: &'a [String],
    /// Words that raise the score when near.
    pub context: &'a [String],
    /// Words that lower it when in front of the value.
    pub negative_context: &'a [String],
    /// Texts the rule must find something in.
    pub examples: &'a [String],
    /// Texts it must find nothing in.
    pub negative_examples: &'a [String],
}

/// An example of a rule that did not behave as its definition says.
#[derive(Clone, Debug)]
pub struct ExampleFailure {
    /// The rule.
    pub rule: String,
    /// The example text.
    pub example: String,
    /// `true` for a positive example that found nothing, `false` for a negative one that fired.
    pub expected_match: bool,
}

/// The first ASCII digit at or after `from`.
pub(crate) fn find_digit(h: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while at < h.len() {
        let block = crate::bytemask::block_at(h, at);
        let digits = crate::bytemask::range(&block, b'0', b'9');
        if digits != 0 {
            // The zeros padding the block past the input's end are no digits.
            return Some(at + digits.trailing_zeros() as usize);
        }
        at += 64;
    }
    None
}

/// The candidates kept from a run of overlapping ones, in start order: taken in order of
/// higher score, then longer span, then earlier rule, each unless it overlaps one already
/// taken.
fn resolve_overlaps(run: &mut [Cand]) -> Vec<Cand> {
    run.sort_unstable_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.rule.cmp(&b.rule))
            .then(a.start.cmp(&b.start))
    });
    // Taken spans by start; a candidate is taken when it overlaps neither neighbour.
    let mut chosen: std::collections::BTreeMap<usize, Cand> = std::collections::BTreeMap::new();
    for &c in run.iter() {
        let clash_prev = chosen
            .range(..=c.start)
            .next_back()
            .is_some_and(|(_, x)| x.end > c.start);
        let clash_next = chosen
            .range(c.start..)
            .next()
            .is_some_and(|(_, x)| x.start < c.end);
        if !clash_prev && !clash_next {
            chosen.insert(c.start, c);
        }
    }
    chosen.into_values().collect()
}

/// True when a grouped number continues past the match with the same kind of separator and
/// more digits ("9400 1426 6714 3056 ..." is one tracking number, not an Aadhaar in front).
fn embedded(hay: &[u8], start: usize, end: usize) -> bool {
    let m = &hay[start..end];
    hay.get(end)
        .is_some_and(|&b| matches!(b, b' ' | b'-') && m.contains(&b))
        && hay.get(end + 1).is_some_and(u8::is_ascii_digit)
}

/// True for a chain written like a calendar date: 2024-03-15, 15/03/2024, 3.15.24.
fn is_date(chain: &[u8]) -> bool {
    let mut groups = [0u32; 3];
    let mut lens = [0usize; 3];
    let mut k = 0;
    let mut sep = None;
    for &b in chain {
        if b.is_ascii_digit() {
            groups[k] = groups[k]
                .saturating_mul(10)
                .saturating_add(u32::from(b - b'0'));
            lens[k] += 1;
        } else {
            if sep.is_some_and(|s| s != b) || !matches!(b, b'-' | b'/' | b'.') || k == 2 {
                return false;
            }
            sep = Some(b);
            k += 1;
        }
    }
    if k != 2 {
        return false;
    }
    let (a, b, c) = (groups[0], groups[1], groups[2]);
    let day_month =
        |x: u32, y: u32| (1..=31).contains(&x) && (1..=31).contains(&y) && (x <= 12 || y <= 12);
    match lens {
        [4, 1..=2, 1..=2] => (1..=12).contains(&b) && (1..=31).contains(&c),
        [1..=2, 1..=2, 2 | 4] => day_month(a, b),
        _ => false,
    }
}

/// The most digits a digit trigger may ask for (chains are measured up to `i16::MAX`).
pub(crate) const MAX_DIGITS: usize = 1000;

/// The longest word a digit trigger may ask about (`word_before`, `word_after`); longer words
/// are not counted.
pub(crate) const MAX_WORD: usize = 31;

/// Length of the word of ASCII letters right before the digits at `at` (`gap`: one space or
/// hyphen before them), counted only when the word starts a token (no letter or digit before
/// it) and is at most `cap` letters long, else 0: 2 for "GB29" and, across a gap, for
/// "AB 12 34 56 C" at their first digit.
fn word_before(hay: &[u8], at: usize, gap: bool, cap: usize) -> usize {
    match at.checked_sub(1).map(|i| hay[i]) {
        Some(b) if !gap && b.is_ascii_alphabetic() => word_ending(hay, at, cap),
        Some(b' ' | b'-') if gap => word_ending(hay, at - 1, cap),
        _ => 0,
    }
}

/// Length of the word of ASCII letters right after the digits ending at `at` (`gap`: one
/// space or hyphen after them), counted only when the word ends a token (no letter or digit
/// after it) and is at most `cap` letters long, else 0: 1 for "12345678Z" and, across a gap,
/// for "12345678-Z".
fn word_after(hay: &[u8], at: usize, gap: bool, cap: usize) -> usize {
    match hay.get(at) {
        Some(b) if !gap && b.is_ascii_alphabetic() => word_starting(hay, at, cap),
        Some(b' ' | b'-') if gap => word_starting(hay, at + 1, cap),
        _ => 0,
    }
}

/// Length of the word of ASCII letters ending at `end` when it starts a token and is at most
/// `cap` letters long (read no further), else 0.
#[inline]
fn word_ending(hay: &[u8], end: usize, cap: usize) -> usize {
    let letter = |i: usize| hay.get(i).is_some_and(u8::is_ascii_alphabetic);
    let mut n = 0;
    while n <= cap && letter(end.wrapping_sub(n + 1)) {
        n += 1;
    }
    let before = end.wrapping_sub(n + 1);
    if n > cap || hay.get(before).is_some_and(u8::is_ascii_alphanumeric) {
        return 0;
    }
    n
}

/// Length of the word of ASCII letters starting at `start` when it ends a token and is at most
/// `cap` letters long (read no further), else 0.
#[inline]
fn word_starting(hay: &[u8], start: usize, cap: usize) -> usize {
    let letter = |i: usize| hay.get(i).is_some_and(u8::is_ascii_alphabetic);
    let mut n = 0;
    while n <= cap && letter(start + n) {
        n += 1;
    }
    if n > cap || hay.get(start + n).is_some_and(u8::is_ascii_alphanumeric) {
        return 0;
    }
    n
}

/// Per side (before, after) and way (directly, across one space or hyphen), the lengths of
/// the words next to `groups`, as `word_before` and `word_after` count them: bit k for a word
/// of k letters, for the words at most `caps[side][way]` long (longer ones leave no bit);
/// across a gap only when `gap` (else none). The byte next to a group is a letter, a space or
/// hyphen, or neither: one look tells which way a word may stand there.
fn word_masks(
    hay: &[u8],
    groups: &[(usize, usize)],
    gap: bool,
    caps: [[usize; 2]; 2],
) -> [[u64; 2]; 2] {
    let mut masks = [[0u64; 2]; 2];
    for &(a, b) in groups {
        for (side, masks) in masks.iter_mut().enumerate() {
            // The byte next to the group tells the way a word there stands.
            let next = if side == 1 { b } else { a.wrapping_sub(1) };
            let way = match hay.get(next).map(|&c| NEIGHBOUR[usize::from(c)]) {
                Some(1) => 0,
                Some(2) if gap => 1,
                _ => continue,
            };
            let cap = caps[side][way];
            let len = if side == 1 {
                word_starting(hay, b + way, cap)
            } else {
                word_ending(hay, a - way, cap)
            };
            if len > 0 {
                masks[way] |= 1 << len;
            }
        }
    }
    masks
}

/// Length of the run of ASCII letters and digits through `at`, reading at most `cap` bytes on
/// either side (see `alnum_bounds`).
fn alnum_run(hay: &[u8], at: usize, cap: usize) -> usize {
    let (start, end) = alnum_bounds(hay, at, cap);
    end - start
}

/// Start and end of the run of ASCII letters and digits through `at` (a run may end at `at`),
/// reading at most `cap` bytes on either side. Token lengths are only compared with token
/// triggers' lengths, none over `cap` (`Inner::token_cap`), so a run longer than `cap` on a
/// side compares the same; and a line that is one huge token is not read again per cluster.
fn alnum_bounds(hay: &[u8], at: usize, cap: usize) -> (usize, usize) {
    let left = hay[at.saturating_sub(cap)..at]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let right = hay[at..(at.saturating_add(cap)).min(hay.len())]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    (at - left, at + right)
}

fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

impl Engine {
    /// An engine of the built-in rules with default settings.
    ///
    /// # Errors
    /// Only if the built-in rules were broken, which the test suite rules out.
    pub fn builtin() -> Result<Engine, BuildError> {
        EngineBuilder::new().build()
    }

    /// A builder (same as [`EngineBuilder::new`]).
    pub fn builder() -> EngineBuilder {
        EngineBuilder::new()
    }

    /// A new per-thread scratch for this engine.
    pub fn scratch(&self) -> Scratch {
        let inner = &self.inner;
        Scratch {
            owner: self.inner.id,
            // A rule's cache and captures are made on its first search.
            caches: vec![None; inner.rules.len()],
            captures: vec![None; inner.rules.len()],
            recognizer: crate::recognizers::RecognizerScratch::default(),
            cands: Vec::new(),
            words: Vec::new(),
            region_words: Vec::new(),
            pending: vec![None; inner.rules.len()],
            chains: vec![Vec::new(); inner.joiners.len()],
            groups: Vec::new(),
            gaps: Vec::new(),
            values: Vec::new(),
            on: Vec::new(),
            searched: Vec::new(),
            ctx_cursor: 0,
            ctx: Vec::new(),
            findings: Vec::new(),
            #[cfg(test)]
            search_all: false,
            #[cfg(test)]
            whole_clusters: false,
        }
    }

    /// The largest number of bytes any rule can match, `None` when a rule is unbounded.
    pub fn max_match_len(&self) -> Option<usize> {
        self.inner.max_len
    }

    /// The engine's score threshold.
    pub fn min_score(&self) -> f32 {
        self.inner.min_score
    }

    /// The compiled rules, in order.
    pub fn rules(&self) -> impl Iterator<Item = RuleInfo<'_>> {
        self.inner.rules.iter().map(|r| RuleInfo {
            id: &r.id,
            entity: &r.entity,
            description: &r.description,
            source: &r.source,
            validator: r.validator.map(Validator::name),
            score: r.score,
            context_required: r.context_required,
            max_len: r.max_len,
            patterns: &r.patterns,
            context: &r.context_words,
            negative_context: &r.negative_words,
            examples: &r.examples,
            negative_examples: &r.negative_examples,
        })
    }

    /// SHA-256 (hex) of what decides the engine's findings: every rule's id, entity, patterns,
    /// validator, scores, context words, limits, allow lists and the threshold. Two engines
    /// with the same digest find the same things; audit records carry it.
    pub fn ruleset_digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut put = |s: &str| {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        put(&format!("min_score {}", self.inner.min_score));
        for r in &self.inner.rules {
            put(&r.id);
            put(&r.entity);
            for p in &r.patterns {
                put(p);
            }
            put(r.validator.map_or("", Validator::name));
            put(&format!(
                "{} {} {} {:?}",
                r.score, r.boost, r.context_required, r.max_len
            ));
            for w in r.context_words.iter().chain(&r.negative_words) {
                put(w);
            }
        }
        let mut allowed: Vec<&Vec<u8>> = self.inner.allow_values.iter().collect();
        allowed.sort();
        for v in allowed {
            put(&String::from_utf8_lossy(v));
        }
        for p in &self.inner.allow_patterns {
            put(p);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The distinct entities the engine can report.
    pub fn entities(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.inner.rules.iter().map(|r| &*r.entity).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// A filter enabling only the rules of these entities.
    pub fn filter_entities<S: AsRef<str>>(&self, entities: &[S]) -> RuleFilter {
        RuleFilter {
            enabled: self
                .inner
                .rules
                .iter()
                .map(|r| entities.iter().any(|e| e.as_ref() == &*r.entity))
                .collect(),
        }
    }

    /// A filter enabling only the rule with this id.
    pub fn filter_rule(&self, id: &str) -> RuleFilter {
        RuleFilter {
            enabled: self.inner.rules.iter().map(|r| &*r.id == id).collect(),
        }
    }

    /// Finds everything in `hay`, allocating a scratch. For repeated scans use [`Engine::scan`].
    pub fn find_iter(&self, hay: &[u8]) -> std::vec::IntoIter<Finding> {
        let mut s = self.scratch();
        self.scan(&mut s, hay);
        std::mem::take(&mut s.findings).into_iter()
    }

    /// Scans `hay` with the engine's settings; the findings are sorted by start, do not
    /// overlap and live in `scratch` until the next scan.
    pub fn scan<'s>(&self, scratch: &'s mut Scratch, hay: &[u8]) -> &'s [Finding] {
        self.scan_with(scratch, hay, &ScanOptions::default())
    }

    /// Scans with per-call options (threshold, rule filter).
    pub fn scan_with<'s>(
        &self,
        scratch: &'s mut Scratch,
        hay: &[u8],
        opts: &ScanOptions,
    ) -> &'s [Finding] {
        if scratch.owner != self.inner.id {
            *scratch = self.scratch();
        }
        scratch.cands.clear();
        scratch.findings.clear();
        let enabled = opts.filter.as_ref().map(|f| f.enabled.as_slice());
        let rules = &self.inner.rules;
        scratch.on.clear();
        scratch.on.extend(
            (0..rules.len()).map(|r| enabled.is_none_or(|e| e.get(r).copied().unwrap_or(false))),
        );
        // A search runs when its rule or one of the rules sharing it is enabled.
        let mut searched = std::mem::take(&mut scratch.searched);
        searched.clear();
        searched.extend(
            (0..rules.len()).map(|r| {
                scratch.on[r] || rules[r].followers.iter().any(|&f| scratch.on[f as usize])
            }),
        );
        let on = |r: u32| searched[r as usize];
        let min = opts.min_score.unwrap_or(self.inner.min_score);
        self.dictionary_pass(scratch, hay, &searched);
        self.digit_candidates(scratch, hay, min, &searched);
        self.hex_candidates(scratch, hay, &searched);
        for &r in &self.inner.full {
            if on(r) {
                self.run_rule(scratch, hay, r, 0, hay.len(), false);
            }
        }
        scratch.recognizer.begin();
        for &(r, rec) in &self.inner.recognizers {
            if !on(r) {
                continue;
            }
            rec.run(hay, &mut scratch.recognizer);
            // Candidates that context cannot lift to the threshold go no further.
            let rule = &self.inner.rules[r as usize];
            let lift = if rule.context.is_empty() {
                0.0
            } else {
                rule.boost
            };
            let found = &scratch.recognizer.found;
            let kept = found.iter().filter(|f| f.score + lift >= min);
            scratch.cands.extend(kept.map(|f| Cand {
                rule: r,
                start: f.start,
                end: f.end,
                score: f.score,
            }));
        }
        self.finish(scratch, hay, min);
        scratch.searched = searched;
        &scratch.findings
    }

    /// One pass of the dictionary over the input: records every whole-word entry (the context
    /// index) and runs the rules its trigger literals point at.
    #[inline(never)]
    fn dictionary_pass(&self, s: &mut Scratch, hay: &[u8], on: &[bool]) {
        s.ctx.clear();
        let Some(dict) = &self.inner.dictionary else {
            return;
        };
        let word = |i: Option<usize>| {
            i.and_then(|i| hay.get(i))
                .is_some_and(|b| b.is_ascii_alphanumeric())
        };
        // The bounds of the token (bytes between white space) around the last hit that asked.
        let mut token = (0usize, 0usize);
        dict.for_each(hay, |m_start, m_end, entry| {
            let whole = !word(m_start.checked_sub(1)) && !word(Some(m_end));
            if whole && self.inner.context_entry[entry] {
                s.ctx.push((m_start, m_end, entry as u32));
            }
            for o in &dict.owners[entry] {
                let r = o.rule;
                if !on[r as usize] {
                    continue;
                }
                let rule = &self.inner.rules[r as usize];
                let reach = rule.reach();
                // A match holds the literal: it starts at most `reach` before the literal's
                // end (or `before` bytes before its start) and ends at most `reach` after its
                // own start. A nearby context literal widens both by the context window.
                let (mut ws, mut we) = if o.near {
                    let ctx = rule.ctx_before.max(CONTEXT_AFTER);
                    (
                        m_start.saturating_sub(reach.saturating_add(ctx)),
                        m_end.saturating_add(reach.saturating_add(ctx)),
                    )
                } else {
                    let back = o.before.map_or(m_end.saturating_sub(reach), |b| {
                        m_start.saturating_sub(b as usize)
                    });
                    (back, m_start.saturating_add(reach))
                };
                we = we.min(hay.len()).max(m_end);
                ws = ws.min(m_start);
                if !o.near && rule.no_space {
                    // The match holds the literal and no white space: the token around the
                    // literal bounds it. Hits in the token last found reuse it, so a long
                    // token is read once, not once per hit.
                    if !(token.0 <= m_start && m_end <= token.1) {
                        let space = |b: &u8| b.is_ascii_whitespace();
                        let start = hay[..m_start].iter().rposition(space).map_or(0, |i| i + 1);
                        let end = hay[m_end..]
                            .iter()
                            .position(space)
                            .map_or(hay.len(), |i| m_end + i);
                        token = (start, end);
                    }
                    ws = ws.max(token.0);
                    we = we.min(token.1);
                }
                // A literal that starts every match: the search is anchored there and stops
                // at once where no match starts (the window may be long: bearer tokens).
                if !o.near && o.before == Some(0) {
                    self.run_rule(s, hay, r, ws, we, true);
                    continue;
                }
                // Windows of nearby hits of one rule overlap: overlapping ones are searched
                // as one (a long token full of `@` is one search, not one per `@`).
                if let Some((pws, pwe)) = queue_window(&mut s.pending[r as usize], ws, we, 0) {
                    self.run_rule(s, hay, r, pws, pwe, false);
                }
            }
        });
        for r in 0..s.pending.len() {
            if let Some((pws, pwe)) = s.pending[r].take() {
                self.run_rule(s, hay, r as u32, pws, pwe, false);
            }
        }
    }

    /// The context words anywhere near `ws..we` (from `before` bytes ahead of it), into
    /// `s.region_words`.
    fn window_words(&self, s: &mut Scratch, ws: usize, we: usize, before: usize) {
        s.region_words.clear();
        let a = ws.saturating_sub(before);
        let b = we.saturating_add(CONTEXT_AFTER);
        let from = s.ctx.partition_point(|&(_, e, _)| e <= a);
        for &(st, _, id) in &s.ctx[from..] {
            if st >= b {
                break;
            }
            s.region_words.push(id);
        }
    }

    #[inline(never)]
    fn digit_candidates(&self, s: &mut Scratch, hay: &[u8], min: f32, on: &[bool]) {
        let inner = &*self.inner;
        let Some(first) = inner.digit.first() else {
            return;
        };
        let global_min = first.min.max(1);
        // Rules that report nothing without context words, and rules whose matches a negative
        // word of their search group drops below `min`, by context bit (see
        // `Inner::context_bit`, `penalised`).
        let dropped = |score: f32| score < min || (min <= 0.0 && score <= 0.0);
        let (mut gated, mut lowered) = (0u64, 0u64);
        for (rule, bit) in inner.rules.iter().zip(&inner.context_bit) {
            if let Some(bit) = bit {
                let group = &rule.group;
                if group.max_bare < min {
                    gated |= 1 << bit;
                }
                let penalised = (group.max_bare - NEGATIVE_PENALTY).clamp(0.0, 1.0);
                if !group.negative.is_empty() && dropped(penalised) {
                    lowered |= 1 << bit;
                }
            }
        }
        let mut ctx_cursor = 0;
        // The triggers of the rules searched in this scan, and those of the rules needing
        // context (of the first 64, as bits; see `TriggerMasks`).
        let triggers = &inner.digit;
        let masks = &inner.trigger_masks;
        let mut enabled = 0u64;
        for (i, t) in triggers.iter().take(64).enumerate() {
            enabled |= u64::from(on[t.rule as usize]) << i;
        }
        let mut needs_context = 0u64;
        for (b, &of_bit) in masks.by_bit.iter().enumerate() {
            if gated >> b & 1 != 0 {
                needs_context |= of_bit;
            }
        }
        let gate = ShortGate::new(triggers.iter().filter(|t| on[t.rule as usize]));
        #[cfg(test)]
        let gate = match s.search_all {
            true => ShortGate::OPEN,
            false => gate,
        };
        // Token shapes turn chains down (off in the tests' `search_all`, to be compared).
        #[cfg(test)]
        let shapes = !s.search_all;
        #[cfg(not(test))]
        let shapes = true;
        let mut i = 0;
        while let Some(p) = find_digit(hay, i) {
            let (q, cut) = grow_cluster(hay, p, &inner.joiner_bits, &mut s.groups, &mut s.gaps);
            let (cs, ce) = (p, q);
            // After a cut the next cluster starts `CLUSTER_OVERLAP` groups back.
            i = if cut {
                s.groups[MAX_CLUSTER_GROUPS - CLUSTER_OVERLAP].0
            } else {
                ce
            };
            if ce - cs < global_min {
                continue;
            }
            // Within the cluster, chains: digit groups joined by joiners ("(415) 555-0132" is
            // one chain of 10 with the default joiners). Rules ask for a chain of their set;
            // here only the longest chain of each set, the chains themselves on first need.
            // All eight sets every time (sets not in use stay unjoined), in 16-bit lanes that
            // saturate (no trigger asks for more than `MAX_DIGITS`): a few vector
            // instructions per group.
            let chains = bytemask::longest_chains(&s.groups, &s.gaps);
            let longest_in = &chains.per_set;
            // Lanes of sets not in use hold the longest group, which no set's chain is shorter
            // than: the longest of all eight is the longest of the sets in use.
            let longest = usize::from(chains.longest);
            if longest < global_min {
                continue;
            }
            if gate.shuts(hay, &s.groups, &chains) {
                continue;
            }
            if longest < inner.plain_min
                && alnum_run(hay, cs, inner.token_cap) < inner.token_min
                && alnum_run(hay, ce - 1, inner.token_cap) < inner.token_min
            {
                continue;
            }
            // The rules with context words near the cluster, and those with a negative word
            // ending near its start (see `near_words`; worked out on first need).
            let mut near: Option<(u64, u64)> = None;
            let mut facts = ClusterFacts {
                word_caps: masks.word_caps,
                ..ClusterFacts::default()
            };
            // Per joiner set, whether its chains are built, and the totals of its runs of
            // joined groups (see `run_totals`), each on first need.
            let mut built = 0u8;
            let mut sums: [Option<u64>; 8] = [None; 8];
            // The longest gap between two of its digit groups (worked out on first need).
            let mut widest_gap: Option<usize> = None;
            // Whether `s.values` holds the cluster's digits.
            let mut values = false;
            // Line bounds around the cluster (digit rules never match across lines), found
            // on first need.
            let mut line: Option<(usize, usize)> = None;
            let line_of = |line: &mut Option<(usize, usize)>| {
                *line.get_or_insert_with(|| {
                    let look = cs.saturating_sub(MAX_LEAD);
                    let start =
                        memchr::memrchr(b'\n', &hay[look..cs]).map_or(look, |nl| look + nl + 1);
                    let ahead = (ce + MAX_LEAD).min(hay.len());
                    let end = memchr::memchr(b'\n', &hay[ce..ahead]).map_or(ahead, |nl| ce + nl);
                    (start, end)
                })
            };
            // The triggers still live for the cluster (bits, see `TriggerMasks`): of the first
            // 64, those with chains long enough, then the token, separators, words and letters
            // they ask for, then the context words; past them, one at a time.
            let (groups, cluster) = (&s.groups, (cs, ce));
            let mut live = 0u64;
            for (k, &l) in longest_in.iter().enumerate() {
                live |= masks.by_len[k][usize::from(l).min(MASK_CAP)];
            }
            live &= enabled;
            if live & masks.token != 0 {
                let token = facts.token(hay, groups, inner.token_cap);
                live &= !masks.token | masks.token_fits[token.min(MASK_CAP)];
            }
            let mut asks = live & masks.asks;
            while asks != 0 {
                let i = asks.trailing_zeros() as usize;
                asks &= asks - 1;
                let t = &triggers[i];
                if !facts.fit(
                    t,
                    hay,
                    groups,
                    cluster,
                    longest_in,
                    inner.token_cap,
                    (false, gate.letters),
                ) {
                    live &= !(1 << i);
                }
            }
            live = masks.words_fit(live, |gap| facts.word_masks(hay, groups, gap));
            if live & needs_context != 0 {
                let (cues, _) =
                    *near.get_or_insert_with(|| self.near_words(s, &mut ctx_cursor, cs, ce));
                let mut cued = 0u64;
                let mut bits = cues & gated;
                while bits != 0 {
                    cued |= masks.by_bit[bits.trailing_zeros() as usize];
                    bits &= bits - 1;
                }
                live &= !needs_context | cued;
            }
            let mut past = triggers.len().min(64);
            loop {
                let t = if live != 0 {
                    let i = live.trailing_zeros() as usize;
                    live &= live - 1;
                    &triggers[i]
                } else if let Some(t) = triggers.get(past) {
                    past += 1;
                    let r = t.rule as usize;
                    let groups = &s.groups;
                    let fits = on[r]
                        && facts.fit(
                            t,
                            hay,
                            groups,
                            cluster,
                            longest_in,
                            inner.token_cap,
                            (true, gate.letters),
                        );
                    let cued = match inner.context_bit[r] {
                        Some(bit) if fits && gated & (1 << bit) != 0 => {
                            let (cues, _) = *near
                                .get_or_insert_with(|| self.near_words(s, &mut ctx_cursor, cs, ce));
                            cues & (1 << bit) != 0
                        }
                        _ => fits,
                    };
                    if !cued {
                        continue;
                    }
                    t
                } else {
                    break;
                };
                let r = t.rule as usize;
                let bit = inner.context_bit[r];
                let rule = &inner.rules[r];
                // The first chain that qualifies decides: the window is the cluster's.
                let mut qualifies = |chain: &mut Chain, groups: &[(usize, usize)]| {
                    if chain.digits < t.min {
                        return false;
                    }
                    if let Some(max) = t.max_digits {
                        if !whole_groups_total(&groups[chain.groups.clone()], t.min, max) {
                            return false;
                        }
                    }
                    if t.skip_dates && chain.date(hay) {
                        return false;
                    }
                    if t.letter_before != 0 || t.letter_after != 0 {
                        let (before, after) = chain.letters(hay, line_of(&mut line));
                        if (t.letter_before != 0 && before > t.letter_before)
                            || (t.letter_after != 0 && after > t.letter_after)
                        {
                            return false;
                        }
                    }
                    if !t.words_fit(|k| 1 << chain.words(hay)[k]) {
                        return false;
                    }
                    if t.token == 0 {
                        return true;
                    }
                    let (a, b) = chain.token(hay, inner.token_cap);
                    b - a >= t.token
                        && rule
                            .token_shape
                            .as_ref()
                            .filter(|_| shapes)
                            .is_none_or(|shape| shape.fits(&hay[a..b]))
                };
                let qualified = if t.sums != 0 {
                    // Only the digit count matters: the set's run totals answer at once.
                    let k = t.joiners;
                    let totals = *sums[k].get_or_insert_with(|| run_totals(&s.groups, &s.gaps, k));
                    totals & t.sums != 0
                } else {
                    if built & (1 << t.joiners) == 0 {
                        built |= 1 << t.joiners;
                        build_chains(&mut s.chains[t.joiners], &s.groups, &s.gaps, t.joiners);
                    }
                    let (chains, groups) = (&mut s.chains[t.joiners], &s.groups);
                    chains.iter_mut().any(|c| qualifies(c, groups))
                };
                if qualified {
                    // The window spans the groups around the digits that qualify, up to where
                    // the gap between two groups keeps the matches on either side apart (see
                    // `Reach::splits`): a match's digits may lie beyond the chain that
                    // qualified it ("415-555-0132 x12"), while a price before a label before
                    // the number ("$12.50 (ref 446046924") is left out.
                    let reach = &rule.digit_reach;
                    let last = s.groups.len() - 1;
                    // The bytes between two groups side by side.
                    let gap = |pair: &[(usize, usize)]| &hay[pair[0].1..pair[1].0];
                    let splits = |g: usize| reach.splits(gap(&s.groups[g..g + 2]));
                    let (mut g0, mut g1) = (0, last);
                    // A gap shorter than `lead + trail` never splits: a cluster whose widest
                    // gap is shorter is searched whole.
                    let widest = *widest_gap.get_or_insert_with(|| {
                        s.groups
                            .windows(2)
                            .map(|p| p[1].0 - p[0].1)
                            .max()
                            .unwrap_or(0)
                    });
                    #[cfg(test)]
                    let widest = if s.whole_clusters { 0 } else { widest };
                    // (Read pair by pair of groups here: no index to check.)
                    let mut pairs = s.groups.windows(2);
                    if widest >= reach.lead + reach.trail && pairs.any(|p| reach.splits(gap(p))) {
                        (g0, g1) = if t.sums != 0 {
                            runs_span(&s.groups, &s.gaps, t.joiners, t.sums)
                        } else {
                            let (chains, groups) = (&mut s.chains[t.joiners], &s.groups);
                            let first = chains.iter_mut().position(|c| qualifies(c, groups));
                            let last = chains.iter_mut().rposition(|c| qualifies(c, groups));
                            let chain = |i: Option<usize>| &chains[i.unwrap_or(0)].groups;
                            (chain(first).start, chain(last).end - 1)
                        };
                        while g0 > 0 && !splits(g0 - 1) {
                            g0 -= 1;
                        }
                        while g1 < last && !splits(g1) {
                            g1 += 1;
                        }
                    }
                    let first_digit = s.groups[g0].0;
                    let (line_start, line_end) = line_of(&mut line);
                    let ws = first_digit.saturating_sub(reach.lead).max(line_start);
                    let we = s.groups[g1].1.saturating_add(reach.trail).min(line_end);
                    if let Some(bit) = bit.filter(|&b| lowered & (1 << b) != 0) {
                        let (_, labels) = *near
                            .get_or_insert_with(|| self.near_words(s, &mut ctx_cursor, cs, ce));
                        // A label inside the cluster stands before a window starting after it.
                        if (labels & (1 << bit) != 0 || first_digit > cs)
                            && self.penalised(s, hay, ctx_cursor, (first_digit, r, bit), (ws, we))
                        {
                            continue;
                        }
                    }
                    // Nothing to search for when the digits of no run of groups a match can
                    // span pass a validator's digit test (the digit values are read once).
                    if let Some(max) = t.max_digits.filter(|_| !cut) {
                        if !values {
                            values = true;
                            digit_values(hay, &s.groups, &mut s.values);
                        }
                        if !self.some_run_validates(s, t, max) {
                            continue;
                        }
                    }
                    // Each rule keeps one pending window; nearby windows of the same rule are
                    // searched in one call.
                    if let Some((pws, pwe)) = queue_window(&mut s.pending[r], ws, we, MERGE_SLACK) {
                        self.search_window(s, hay, t.rule, pws, pwe, min);
                    }
                }
            }
        }
        for r in 0..s.pending.len() {
            if let Some((pws, pwe)) = s.pending[r].take() {
                self.search_window(s, hay, r as u32, pws, pwe, min);
            }
        }
    }

    /// For the cluster `cs..ce`, the context bits (see `Inner::context_bit`) of the rules with
    /// a context word near it, and of those with a negative word ending near its start.
    /// `cursor` moves forward to the first context index entry that can matter for clusters
    /// from `cs` on (`Inner::bits_before`).
    #[inline(never)]
    fn near_words(&self, s: &Scratch, cursor: &mut usize, cs: usize, ce: usize) -> (u64, u64) {
        let inner = &*self.inner;
        let a = cs.saturating_sub(inner.bits_before);
        let b = ce.saturating_add(inner.bits_after);
        while s.ctx.get(*cursor).is_some_and(|&(_, e, _)| e <= a) {
            *cursor += 1;
        }
        let near = s.ctx[*cursor..].iter().take_while(|&&(st, _, _)| st < b);
        near.fold((0, 0), |(cues, labels), &(_, e, w)| {
            let w = w as usize;
            let label = if e <= cs { inner.negative_bits[w] } else { 0 };
            (cues | inner.entry_bits[w], labels | label)
        })
    }

    /// Whether nothing rule `r`'s search can find in `window` (around the cluster starting at
    /// `cs`) would be reported, for a rule whose matches a negative word drops below the
    /// threshold: a negative context word of every rule sharing the search ends close enough
    /// before the window to lower any match in it ("ref 918557625"), and no context word of
    /// theirs is near to raise it again. The same words and distances as `finish` reads, so
    /// skipping the search changes no finding. `bit`: the rule's context bit; `cursor`: as
    /// `near_words` left it for this cluster.
    fn penalised(
        &self,
        s: &Scratch,
        hay: &[u8],
        cursor: usize,
        (cs, r, bit): (usize, usize, u8),
        (ws, we): (usize, usize),
    ) -> bool {
        let inner = &*self.inner;
        let group = &inner.rules[r].group;
        #[cfg(test)]
        if s.search_all {
            return false;
        }
        // Every match starts in `ws..we`, and after a word ending at `e` when `e <= ws` or
        // when the word's last byte cannot stand before a match's first digit (no match
        // starting before `e` can reach the cluster, where its digits are, without holding it);
        // then the word is at most `we - 1 - e` bytes in front of the match.
        let near = (we - 1).saturating_sub(group.negative_reach);
        if near > cs {
            return false;
        }
        let lead_bytes = &inner.rules[r].digit_reach.lead_bytes;
        let before = |e: usize| e <= ws || (e <= cs && !lead_bytes.contains(hay[e - 1]));
        let (context_from, context_to) = (
            ws.saturating_sub(group.ctx_before),
            we.saturating_add(CONTEXT_AFTER),
        );
        let bit = 1u64 << bit;
        let mut negative = false;
        for &(st, e, w) in &s.ctx[cursor..] {
            if st >= context_to {
                break;
            }
            let w = w as usize;
            if e > context_from && inner.entry_bits[w] & bit != 0 {
                return false;
            }
            negative |= inner.negative_bits[w] & bit != 0 && e >= near && before(e);
        }
        negative
    }

    /// Whether the digits of some match trigger `t`'s search can find in the current cluster
    /// (`s.groups`, `s.gaps`) pass the digit test of a validator of the rules sharing the
    /// search (`Validator::digit_test`). A match of a trigger with `max_digits` (`max`) holds
    /// whole digit groups (see `TriggerSpec::max_digits`): a run of groups joined in the
    /// trigger's set with an allowed total. When the digits of no such run pass, every match
    /// would be rejected, and the search is not needed. `true` when this cannot be told: a
    /// rule without a digit test, or a value group (its validator sees part of the match).
    #[inline(never)]
    fn some_run_validates(&self, s: &Scratch, t: &DigitTrigger, max: usize) -> bool {
        #[cfg(test)]
        if s.search_all {
            return true;
        }
        let Some(members) = &self.inner.rules[t.rule as usize].group.digit_tests else {
            return true;
        };
        let on = |&&(m, _): &&(u32, _)| s.on.get(m as usize) == Some(&true);
        let passes = |digits: &[u8]| members.iter().filter(on).any(|(_, test)| test(digits));
        let (groups, gaps) = (&s.groups, &s.gaps);
        // The digits of groups `i..=j` are `values[from..from + total]`.
        let mut from = 0;
        for i in 0..groups.len() {
            let mut total = 0;
            for j in i..groups.len() {
                if j > i && gaps[j - 1] >> t.joiners & 1 == 0 {
                    break;
                }
                total += groups[j].1 - groups[j].0;
                if total > max {
                    break;
                }
                if total >= t.min && passes(&s.values[from..from + total]) {
                    return true;
                }
            }
            from += groups[i].1 - groups[i].0;
        }
        false
    }

    /// Runs a digit-triggered rule over `ws..we`, unless it needs context and has none there.
    fn search_window(&self, s: &mut Scratch, hay: &[u8], r: u32, ws: usize, we: usize, min: f32) {
        let group = &self.inner.rules[r as usize].group;
        if group.max_bare < min {
            self.window_words(s, ws, we, group.ctx_before);
            let any_context = s.region_words.iter().any(|&w| group.context.contains(w));
            if !any_context {
                return;
            }
        }
        self.run_rule(s, hay, r, ws, we, false);
    }

    #[inline(never)]
    fn hex_candidates(&self, s: &mut Scratch, hay: &[u8], on: &[bool]) {
        if !self.inner.hex.iter().any(|&r| on[r as usize]) {
            return;
        }
        let mut next_free = 0usize;
        let mut base = 0;
        let mut found = 0u64;
        loop {
            while found == 0 {
                if base >= hay.len() {
                    return;
                }
                let block = crate::bytemask::block_at(hay, base);
                let seps = crate::bytemask::any_of(&block, b":-.");
                // Only a separator with another one a group later can start a shape (the last
                // five of the block are checked one by one).
                found = seps & (seps >> 3 | seps >> 5 | 0x1F << 59);
                base += 64;
            }
            let i = base - 64 + found.trailing_zeros() as usize;
            found &= found - 1;
            if i < next_free {
                continue;
            }
            // The whole shape, from the first group: six hex pairs joined by ':' or '-', or
            // three hex quads joined by '.'.
            let sep = hay[i];
            let (width, groups) = if sep == b'.' { (4, 3) } else { (2, 6) };
            // Most separators in text are not followed by another one a group later.
            if hay.get(i + width + 1) != Some(&sep) {
                continue;
            }
            let Some(start) = i.checked_sub(width) else {
                continue;
            };
            let len = groups * width + groups - 1;
            let Some(cand) = hay.get(start..start + len) else {
                continue;
            };
            let shape = cand.chunks(width + 1).all(|g| {
                g[..width].iter().all(|&b| is_hex(b)) && (g.len() == width || g[width] == sep)
            });
            if !shape {
                continue;
            }
            for &r in self.inner.hex.iter().filter(|&&r| on[r as usize]) {
                self.run_rule(s, hay, r, start, start + len, false);
            }
            next_free = start + len;
        }
    }

    /// Runs rule `r`'s search over `ws..we` (`anchored`: matches starting at `ws` only).
    fn run_rule(&self, s: &mut Scratch, hay: &[u8], r: u32, ws: usize, we: usize, anchored: bool) {
        let rule = &self.inner.rules[r as usize];
        let Some(regex) = rule.regex.as_ref().and_then(RuleRegex::regex) else {
            return;
        };
        let cache = s.caches[r as usize].get_or_insert_with(|| regex.create_cache());
        let mut input = Input::new(hay).range(ws..we);
        if anchored {
            input.set_anchored(regex_automata::Anchored::Yes);
        }
        loop {
            let (ms, me, vs, ve) = match rule.value_group {
                Some(g) => {
                    let caps =
                        s.captures[r as usize].get_or_insert_with(|| regex.create_captures());
                    regex.search_captures_with(cache, &input, caps);
                    let Some(m) = caps.get_match() else { break };
                    let span = caps.get_group(g).unwrap_or(m.span());
                    (m.start(), m.end(), span.start, span.end)
                }
                _ => {
                    let Some(m) = regex.search_with(cache, &input) else {
                        break;
                    };
                    (m.start(), m.end(), m.start(), m.end())
                }
            };
            if vs < ve && rule.max_len.is_none_or(|l| me - ms <= l) {
                for m in std::iter::once(r).chain(rule.followers.iter().copied()) {
                    if !s.on.get(m as usize).copied().unwrap_or(false) {
                        continue;
                    }
                    let member = &self.inner.rules[m as usize];
                    let verdict = match member.validator {
                        Some(v) => v.check(hay, vs, ve),
                        None => crate::validators::Verdict::keep(vs, ve),
                    };
                    let Some(v) = verdict else { continue };
                    if v.start < v.end && !(member.digit_triggered && embedded(hay, v.start, v.end))
                    {
                        s.cands.push(Cand {
                            rule: m,
                            start: v.start,
                            end: v.end,
                            score: v.score.unwrap_or(member.score),
                        });
                    }
                }
            }
            let next = if me > ms { me } else { me + 1 };
            // No pattern matches the empty string (the compiler refuses those): nothing is left
            // to find in an empty rest.
            if anchored || next >= we {
                break;
            }
            input.set_start(next);
        }
    }

    /// Collects the context words around a candidate with their distance to it.
    fn context_words(&self, s: &mut Scratch, hay: &[u8], c: &Cand) {
        s.words.clear();
        // Context before the value may come from the previous sentence ("Please charge my
        // card. Number is ..."); after the value it stops at the end of the sentence or line.
        let before = self.inner.rules[c.rule as usize].ctx_before;
        // The cursor moves by the widest window of any rule, so that it only moves forward.
        let ws = c.start.saturating_sub(self.inner.max_ctx_before);
        let mut we = c.end.saturating_add(CONTEXT_AFTER).min(hay.len());
        // The first sentence end after the value (CONTEXT_AFTER < 64: one block's mask).
        let ends = bytemask::any_of(&bytemask::block_at(hay, c.end), b".?!\n");
        let ends = ends & ((1u64 << (we - c.end)) - 1);
        if let Some(i) = (ends != 0).then(|| ends.trailing_zeros() as usize) {
            // A dot inside a token ("e.g", "3.5") does not end the sentence.
            let end = c.end + i;
            if hay[end] != b'.' || hay.get(end + 1).is_none_or(u8::is_ascii_whitespace) {
                we = end;
            }
        }
        // Candidates come in start order: the first entry ending after `ws` only moves on.
        while s.ctx.get(s.ctx_cursor).is_some_and(|&(_, e, _)| e <= ws) {
            s.ctx_cursor += 1;
        }
        // ... and this rule's own window starts at the first entry ending after
        // `c.start - before`.
        // (A few entries at most: read in order, the rest by halving.)
        let outside = |&(_, e, _): &(usize, usize, u32)| e + before <= c.start;
        let mut from = s.ctx_cursor;
        while from < s.ctx_cursor + 8 && s.ctx.get(from).is_some_and(outside) {
            from += 1;
        }
        if from == s.ctx_cursor + 8 {
            from += s.ctx[from..].partition_point(outside);
        }
        for &(a, b, id) in &s.ctx[from..] {
            if a >= we {
                break;
            }
            if a < c.end && b > c.start {
                continue;
            }
            // Distance to the candidate; words after it are marked so that negative context
            // (a label such as "order" or "build") only counts in front of the value.
            let (distance, after) = if b <= c.start {
                (c.start - b, false)
            } else {
                (a - c.end, true)
            };
            s.words.push((id, distance, after));
        }
    }

    fn allowed(&self, value: &[u8]) -> bool {
        self.inner.allow_values.contains(value)
            || self.inner.allow_regex.as_ref().is_some_and(|re| {
                re.is_match(Input::new(value).anchored(regex_automata::Anchored::Yes))
            })
    }

    #[inline(never)]
    fn finish(&self, s: &mut Scratch, hay: &[u8], min_score: f32) {
        let mut cands = std::mem::take(&mut s.cands);
        // Position order lets the context lookups below walk the context index forward.
        cands.sort_unstable_by_key(|c| (c.start, c.end, c.rule));
        cands.dedup_by_key(|c| (c.start, c.end, c.rule));
        s.ctx_cursor = 0;
        let mut kept: Vec<Cand> = Vec::with_capacity(cands.len());
        for mut c in cands.drain(..) {
            let rule = &self.inner.rules[c.rule as usize];
            if !rule.context.is_empty() || !rule.negative.is_empty() {
                self.context_words(s, hay, &c);
                // Cue words anywhere in the window raise the score; a label of another kind of
                // id right in front of the value ("order 4273695192") lowers it. Both may
                // apply ("call me about my order at 415-555-0132").
                let pos = s.words.iter().any(|&(w, _, _)| rule.context.contains(w));
                let neg = s.words.iter().any(|&(w, d, after)| {
                    !after && d <= NEGATIVE_REACH && rule.negative.contains(w)
                });
                if rule.context_required && !pos {
                    continue;
                }
                let boost = if pos { rule.boost } else { 0.0 };
                let penalty = if neg { NEGATIVE_PENALTY } else { 0.0 };
                c.score = (c.score + boost - penalty).clamp(0.0, 1.0);
            }
            if c.score < min_score || (min_score <= 0.0 && c.score <= 0.0) {
                continue;
            }
            if self.allowed(&hay[c.start..c.end]) {
                continue;
            }
            kept.push(c);
        }
        // Overlaps: higher score, then longer span, then earlier rule wins. Only candidates
        // linked by overlaps compete, so each run of them is settled on its own; most runs
        // are one candidate.
        let mut i = 0;
        while i < kept.len() {
            let mut j = i + 1;
            let mut end = kept[i].end;
            while j < kept.len() && kept[j].start < end {
                end = end.max(kept[j].end);
                j += 1;
            }
            if j == i + 1 {
                self.push_finding(s, &kept[i]);
            } else {
                for c in resolve_overlaps(&mut kept[i..j]) {
                    self.push_finding(s, &c);
                }
            }
            i = j;
        }
        s.cands = cands;
    }

    fn push_finding(&self, s: &mut Scratch, c: &Cand) {
        let rule = &self.inner.rules[c.rule as usize];
        s.findings.push(Finding {
            start: c.start,
            end: c.end,
            score: c.score,
            entity: rule.entity.clone(),
            rule: rule.id.clone(),
        });
    }

    /// How strongly rule `r` takes `value` on its own: `None` unless its pattern matches all
    /// of it (rules whose finding is a capture group skip this) and, with `validate`, its
    /// validator accepts all of it; else the validator's score (the rule's score when the
    /// validator sets none). Used to check surrogates against the values they replace.
    pub(crate) fn strength(&self, r: u32, value: &[u8], validate: bool) -> Option<f32> {
        let rule = self.inner.rules.get(r as usize)?;
        if let (Some(re), None) = (
            rule.regex.as_ref().and_then(RuleRegex::regex),
            rule.value_group,
        ) {
            let input = Input::new(value).anchored(regex_automata::Anchored::Yes);
            if re.search(&input)?.end() != value.len() {
                return None;
            }
        }
        match rule.validator {
            Some(v) if validate => {
                let verdict = v.check(value, 0, value.len())?;
                (verdict.start == 0 && verdict.end == value.len())
                    .then(|| verdict.score.unwrap_or(rule.score))
            }
            _ => Some(rule.score),
        }
    }

    /// Runs every rule's examples (each must fire) and negative examples (none may fire),
    /// with only that rule enabled, at the default threshold (or at the rule's best score when
    /// that is lower: such rules only report below the default threshold).
    pub fn check_examples(&self) -> Vec<ExampleFailure> {
        let mut s = self.scratch();
        let mut failures = Vec::new();
        for rule in &self.inner.rules {
            let opts = ScanOptions::new()
                .filter(self.filter_rule(&rule.id))
                .min_score(DEFAULT_MIN_SCORE.min(rule.max_reach));
            for (texts, expect) in [(&rule.examples, true), (&rule.negative_examples, false)] {
                for ex in texts {
                    let found = !self.scan_with(&mut s, ex.as_bytes(), &opts).is_empty();
                    if found != expect {
                        failures.push(ExampleFailure {
                            rule: rule.id.to_string(),
                            example: ex.clone(),
                            expected_match: expect,
                        });
                    }
                }
            }
        }
        failures
    }

    /// Number of examples and negative examples over all rules.
    pub fn example_count(&self) -> usize {
        self.inner
            .rules
            .iter()
            .map(|r| r.examples.len() + r.negative_examples.len())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(rule: u32, start: usize, end: usize, score: f32) -> Cand {
        Cand {
            rule,
            start,
            end,
            score,
        }
    }

    #[test]
    fn overlaps_settle_by_score_then_length_then_rule() {
        let spans = |v: Vec<Cand>| v.iter().map(|c| (c.start, c.end)).collect::<Vec<_>>();
        // A chain a-b-c where a and c do not overlap: the best of b and the pair decides.
        let mut run = [
            cand(0, 0, 10, 0.6),
            cand(1, 8, 20, 0.9),
            cand(2, 18, 30, 0.6),
        ];
        assert_eq!(spans(resolve_overlaps(&mut run)), vec![(8, 20)]);
        let mut run = [
            cand(0, 0, 10, 0.9),
            cand(1, 8, 20, 0.6),
            cand(2, 18, 30, 0.9),
        ];
        assert_eq!(spans(resolve_overlaps(&mut run)), vec![(0, 10), (18, 30)]);
        // Equal scores: the longer span, then the earlier rule.
        let mut run = [cand(3, 0, 10, 0.7), cand(1, 2, 14, 0.7)];
        assert_eq!(spans(resolve_overlaps(&mut run)), vec![(2, 14)]);
        let mut run = [cand(3, 0, 10, 0.7), cand(1, 2, 12, 0.7)];
        assert_eq!(resolve_overlaps(&mut run)[0].rule, 1);
    }

    #[test]
    fn a_word_set_holds_exactly_its_ids() {
        let set = WordSet::new(vec![200, 0, 63, 64, 63]);
        assert_eq!(set.ids(), [0, 63, 64, 200]);
        let held: Vec<u32> = (0..300).filter(|&w| set.contains(w)).collect();
        assert_eq!(held, [0, 63, 64, 200]);
        assert!(!set.contains(u32::MAX));
        let empty = WordSet::new(Vec::new());
        assert!(empty.is_empty() && !empty.contains(0));
    }

    #[test]
    fn digit_values_read_every_group_whole() {
        // A group longer than sixteen digits, short ones, and one ending the input.
        let hay = b"id 12345678901234567890 x 7-42 ref 9";
        let groups = [(3, 23), (26, 27), (28, 30), (35, 36)];
        let mut values = vec![5; 3];
        digit_values(hay, &groups, &mut values);
        let want: Vec<u8> = b"123456789012345678907429"
            .iter()
            .map(|d| d - b'0')
            .collect();
        assert_eq!(values, want);
    }

    /// An engine of these rules only.
    fn rules_only(rules: &str) -> Engine {
        Engine::builder()
            .builtin(false)
            .add_rules_toml("test.toml", rules)
            .unwrap()
            .build()
            .unwrap()
    }

    /// An engine of one rule with `pattern`, searched where a digit sits in a token of ten
    /// or more letters and digits.
    fn token_rule(pattern: &str) -> Engine {
        rules_only(&format!(
            "[[rule]]\nid = \"tok\"\nentity = \"TOKEN_ID\"\npatterns = ['{pattern}']\n\
             score = 0.9\ntriggers = [{{ digits = 1, token = 10 }}]\n"
        ))
    }

    /// The text of each finding.
    fn found<'t>(engine: &Engine, text: &'t str) -> Vec<&'t str> {
        engine
            .find_iter(text.as_bytes())
            .map(|f| &text[f.range()])
            .collect()
    }

    #[test]
    fn a_cluster_ending_in_a_long_token_is_searched() {
        // The cluster "5 ABCDEFGHI7" starts in a one-byte token and ends in a ten-byte one:
        // a rule asking for a token of ten must still see it.
        let engine = token_rule(r"\b[A-Z]{9}7\b");
        assert_eq!(found(&engine, "id: 5 ABCDEFGHI7"), ["ABCDEFGHI7"]);
    }

    #[test]
    fn a_long_token_after_a_short_one_in_a_cluster_is_searched() {
        // Groups "1" and "2" share the token "A1B2"; the group "3" starts another, ten bytes
        // long: the longest token of the cluster is that one.
        let engine = token_rule(r"\bC3[A-Z]{7,8}\b");
        assert_eq!(found(&engine, "ids A1B2 C3DEFGHIJK"), ["C3DEFGHIJK"]);
        // One byte shorter, the pattern matches but no chain starts in a token of ten.
        assert!(found(&engine, "ids A1B2 C3DEFGHIJ").is_empty());
    }

    #[test]
    fn a_literal_starting_the_match_is_searched_at_every_hit() {
        // The search from the first "bearer" is anchored there and finds nothing; the second
        // hit, inside the first one's window, is searched on its own.
        let engine = rules_only(
            "[[rule]]\nid = \"b\"\nentity = \"SECRET\"\n\
             patterns = ['(?i)\\bbearer[ ]+(?P<value>[A-Za-z0-9]{20,})']\nmax_len = 200\n\
             score = 0.9\ntriggers = [{ literals = [\"bearer\"], before = 0 }]\n",
        );
        let text = "the bearer of this note. Authorization: Bearer abcdefghij0123456789xyz";
        assert_eq!(found(&engine, text), ["abcdefghij0123456789xyz"]);
        let two = "Bearer abcdefghij0123456789xyz and bearer ABCDEFGHIJ0123456789XYZ";
        assert_eq!(
            found(&engine, two),
            ["abcdefghij0123456789xyz", "ABCDEFGHIJ0123456789XYZ"]
        );
    }

    #[test]
    fn literal_hits_in_one_long_token_share_one_window() {
        // Every "@" of a token without white space triggers the email rule; the windows
        // merge, and the emails anywhere in the token are still found, each once.
        let engine = Engine::builtin().unwrap();
        let mut text = "@".repeat(5000);
        text.push_str(",jane@example.com,bob@example.org,");
        text.push_str(&"@".repeat(5000));
        text.push_str(",ann@example.net");
        let emails: Vec<&str> = engine
            .find_iter(text.as_bytes())
            .filter(|f| f.entity() == "EMAIL_ADDRESS")
            .map(|f| &text[f.range()])
            .collect();
        assert_eq!(
            emails,
            ["jane@example.com", "bob@example.org", "ann@example.net"]
        );
    }

    #[test]
    fn a_card_in_a_line_of_thousands_of_numbers_is_found_wherever_the_line_is_cut() {
        // The line is one cluster of thousands of digit groups, cut into overlapping ones; a
        // card number is found at every offset around the first cut.
        let engine = Engine::builtin().unwrap();
        for at in MAX_CLUSTER_GROUPS - 6..MAX_CLUSTER_GROUPS + 2 {
            let mut text = "7, ".repeat(at);
            text.push_str("4012 8888 8888 1881, ");
            text.push_str(&"7, ".repeat(3000));
            let cards: Vec<&str> = engine
                .find_iter(text.as_bytes())
                .filter(|f| f.entity() == "CREDIT_CARD")
                .map(|f| &text[f.range()])
                .collect();
            assert_eq!(cards, ["4012 8888 8888 1881"], "card after {at} groups");
        }
    }

    #[test]
    fn triggers_past_the_first_64_and_past_the_mask_lengths_are_checked_one_by_one() {
        // 70 rules, each with a digit trigger of its own minimum (6 to 75 digits): the first
        // 64 go through the trigger masks, the rest one at a time, as do minimums past 63.
        let rules: String = (6..76)
            .map(|n| {
                format!(
                    "[[rule]]\nid = \"d{n}\"\nentity = \"D{n}\"\npatterns = ['\\bK{n}x\\d{{{n}}}\\b']\n\
                     score = 0.9\ntriggers = [{{ digits = {n} }}]\n"
                )
            })
            .collect();
        let engine = rules_only(&rules);
        for n in [6, 40, 63, 64, 70, 75] {
            let text = format!(
                "id K{n}x{} and K{n}x{} end",
                "7".repeat(n),
                "7".repeat(n - 1)
            );
            let hits: Vec<String> = engine
                .find_iter(text.as_bytes())
                .map(|f| format!("{}:{}", f.rule_id(), &text[f.range()]))
                .collect();
            assert_eq!(hits, [format!("d{n}:K{n}x{}", "7".repeat(n))], "{n} digits");
            // Only the rules a scan runs are searched, past the first 64 too.
            let mut scratch = engine.scratch();
            let other = ScanOptions::new().filter(engine.filter_rule(&format!("d{}", n + 1)));
            assert!(engine
                .scan_with(&mut scratch, text.as_bytes(), &other)
                .is_empty());
            let own = ScanOptions::new().filter(engine.filter_rule(&format!("d{n}")));
            assert_eq!(
                engine.scan_with(&mut scratch, text.as_bytes(), &own).len(),
                1
            );
        }
    }

    proptest::proptest! {
        /// The trigger masks let through exactly the triggers whose words fit, one by one.
        #[test]
        fn word_masks_pass_the_triggers_whose_words_fit(
            asks in proptest::collection::vec((0usize..4, 0usize..4, proptest::prelude::any::<bool>()), 1..12),
            lens in proptest::collection::vec(0u64..64, 4),
            reach in proptest::prelude::any::<u64>(),
        ) {
            let triggers: Vec<DigitTrigger> = asks
                .iter()
                .map(|&(word_before, word_after, word_gap)| DigitTrigger {
                    min: 1,
                    max_digits: None,
                    joiners: 0,
                    letter_before: 0,
                    letter_after: 0,
                    word_before,
                    word_after,
                    word_gap,
                    skip_dates: false,
                    requires: 0,
                    requires_count: 1,
                    token: 0,
                    sums: 0,
                    rule: 0,
                })
                .collect();
            let masks = TriggerMasks::new(&triggers, &[None]);
            let got = masks.words_fit(reach, |_| [[lens[0], lens[1]], [lens[2], lens[3]]]);
            for (i, t) in triggers.iter().enumerate() {
                let want = reach >> i & 1 != 0 && t.words_fit(|k| lens[k]);
                proptest::prop_assert_eq!(got >> i & 1 != 0, want, "trigger {}", i);
            }
        }
    }

    #[test]
    fn run_totals_of_joined_groups() {
        // "2024-03-15 7": groups of 4, 2, 2 joined in set 0, then one of 1 not joined.
        let groups = [(0, 4), (5, 7), (8, 10), (11, 12)];
        let gaps = [0b1, 0b1, 0b10];
        assert_eq!(
            run_totals(&groups, &gaps, 0),
            1 << 1 | 1 << 2 | 1 << 4 | 1 << 6 | 1 << 8
        );
        // In set 1 only the last two groups are joined.
        assert_eq!(
            run_totals(&groups, &gaps, 1),
            1 << 1 | 1 << 2 | 1 << 3 | 1 << 4
        );
        // Totals of 64 digits and more are left out.
        let long = [(0, 40), (41, 81)];
        assert_eq!(run_totals(&long, &[0b1], 0), 1 << 40);
        assert_eq!(run_totals(&[(0, 70)], &[], 0), 0);
    }

    proptest::proptest! {
        /// Run totals and the span of the qualifying runs are those of every run of joined
        /// groups, listed one by one.
        #[test]
        fn run_totals_and_spans_are_those_of_every_run(
            lens in proptest::collection::vec(1usize..40, 1..12),
            gaps in proptest::collection::vec(0u8..4, 11),
            k in 0usize..2,
            totals in proptest::prelude::any::<u64>(),
        ) {
            let mut groups = Vec::new();
            let mut at = 0;
            for &l in &lens {
                groups.push((at, at + l));
                at += l + 1;
            }
            let gaps = &gaps[..lens.len() - 1];
            // Every run a..=b whose gaps all join in set k, with its total.
            let mut runs = Vec::new();
            for a in 0..lens.len() {
                for b in a..lens.len() {
                    if (a..b).all(|g| gaps[g] >> k & 1 != 0) {
                        runs.push((a, b, lens[a..=b].iter().sum::<usize>()));
                    }
                }
            }
            let expected = runs
                .iter()
                .filter(|r| r.2 < 64)
                .fold(0u64, |m, r| m | 1 << r.2);
            proptest::prop_assert_eq!(run_totals(&groups, gaps, k), expected);
            let hits = || runs.iter().filter(|r| r.2 < 64 && totals >> r.2 & 1 != 0);
            let first = hits().map(|r| r.0).min().unwrap_or(0);
            let last = hits().map(|r| r.1).max().unwrap_or(0);
            proptest::prop_assert_eq!(runs_span(&groups, gaps, k, totals), (first, last));
        }
    }

    #[test]
    fn context_words_count_within_their_reach_and_sentence() {
        // "near" reads 16 bytes before its values and "far" 400: the context index is read
        // from 400 bytes back, and "near" must pass over the words it cannot see. Both
        // report their values without context, which raises the score.
        let engine = rules_only(
            r#"
[[rule]]
id = "near"
entity = "MEMBER_ID"
patterns = ['\bM\d{6}\b']
context = ["member"]
context_before = 16
score = 0.5
triggers = [{ digits = 6 }]

[[rule]]
id = "far"
entity = "LOCKER"
patterns = ['\bL\d{7}\b']
context = ["locker"]
context_before = 400
score = 0.5
triggers = [{ digits = 7 }]
"#,
        );
        let raised = |text: &str| {
            let found: Vec<Finding> = engine.find_iter(text.as_bytes()).collect();
            assert_eq!(found.len(), 1, "{text:?}");
            found[0].score() > 0.5
        };
        // After the value: up to CONTEXT_AFTER bytes, and not past the end of its sentence
        // or line (a dot inside a token is no end).
        for pad in 1..60 {
            for end in ["", ".", "\n"] {
                let text = format!("M123456{}member{end}", " ".repeat(pad));
                assert_eq!(raised(&text), pad < CONTEXT_AFTER, "{text:?}");
            }
        }
        assert!(raised("M123456 member"));
        assert!(!raised("M123456. member"));
        assert!(!raised("M123456? member"));
        assert!(!raised("M123456\nmember"));
        assert!(raised("M123456 e.g. member"));
        assert!(raised("M123456, see member."));
        // Before it: words within its own reach only, however many stand further back.
        for words in [1, 3, 8, 9, 30] {
            let far = "member ".repeat(words);
            assert!(
                !raised(&format!("{far}and then some more M123456")),
                "{words}"
            );
            assert!(raised(&format!("{far}and member M123456")), "{words}");
        }
    }

    /// The runs of ASCII digits in `hay`, as (start, end).
    fn digit_groups(hay: &[u8]) -> Vec<(usize, usize)> {
        let mut groups = Vec::new();
        let mut i = 0;
        while i < hay.len() {
            let n = hay[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            if n > 0 {
                groups.push((i, i + n));
            }
            i += n.max(1);
        }
        groups
    }

    #[test]
    fn every_builtin_regex_builds() {
        // Built-in rules build their regexes on first use: every one must build.
        let engine = Engine::builder().enable_all(true).build().unwrap();
        let mut built = 0;
        for rule in &engine.inner.rules {
            if let Some(regex) = &rule.regex {
                assert!(regex.get().is_ok(), "{}", rule.id);
                built += 1;
            }
        }
        assert!(built > 40, "{built}");
    }

    #[test]
    fn chains_written_like_dates() {
        for date in [
            "2024-03-15",
            "15/03/2024",
            "3.15.24",
            "01.02.03",
            "1/2/2024",
            "2024-1-9",
        ] {
            assert!(is_date(date.as_bytes()), "{date}");
        }
        for other in [
            "2024-13-01",
            "2024-03-32",
            "32/01/2024",
            "13/13/2024",
            "0/0/2024",
            "2024-03-15-1",
            "2024-03/15",
            "2024 03 15",
            "415-555-0132",
            "1-2-3",
            "12345678",
            "15/03",
            "123/03/2024",
        ] {
            assert!(!is_date(other.as_bytes()), "{other}");
        }
        // A chain tells the same, from its three groups (or more, or fewer) on.
        let cases = [
            "2024-03-15",
            "3.15.24",
            "2024-03-15-1",
            "15/03",
            "1-2-3",
            "12345678",
        ];
        for text in cases {
            let hay = text.as_bytes();
            let groups = digit_groups(hay);
            let gaps = vec![1u8; groups.len() - 1];
            let mut chains = Vec::new();
            build_chains(&mut chains, &groups, &gaps, 0);
            assert_eq!(chains.len(), 1, "{text}");
            assert_eq!(chains[0].date(hay), is_date(hay), "{text}");
        }
    }

    proptest::proptest! {
        /// A cluster's word masks hold, up to the caps, the lengths of the words that
        /// `word_before` and `word_after` count next to each of its digit groups.
        #[test]
        fn word_masks_hold_the_words_up_to_the_caps(
            text in "[aZ0-9 \\-.]{0,40}",
            caps in proptest::collection::vec(0usize..6, 4),
            gap in proptest::prelude::any::<bool>(),
        ) {
            let hay = text.as_bytes();
            let groups = digit_groups(hay);
            let caps = [[caps[0], caps[1]], [caps[2], caps[3]]];
            let got = word_masks(hay, &groups, gap, caps);
            for (side, after) in [false, true].into_iter().enumerate() {
                for way in 0..2 {
                    let mut want = 0u64;
                    for &(a, b) in &groups {
                        let len = if after {
                            word_after(hay, b, way == 1, MAX_WORD)
                        } else {
                            word_before(hay, a, way == 1, MAX_WORD)
                        };
                        if len > 0 && len <= caps[side][way] && (way == 0 || gap) {
                            want |= 1 << len;
                        }
                    }
                    let got = got[side][way] & !1;
                    proptest::prop_assert_eq!(got, want, "after {} way {}", after, way);
                }
            }
        }
    }

    #[test]
    fn words_around_digits() {
        // (text, where the digits start or end, after them?, across a gap?, word length)
        let cases = [
            ("iban GB29 NWBK", "29", false, false, 2),
            ("iban GB29 NWBK", "29", false, true, 0),
            ("nino AB 12 34 56 C.", "12", false, false, 0),
            ("nino AB 12 34 56 C.", "12", false, true, 2),
            ("nino AB 12 34 56 C.", " C", true, true, 1),
            // Words inside longer tokens do not count.
            ("x9AB12 and 12CD9", "12", false, false, 0),
            ("x9AB12 and 12CD9", "CD", true, false, 0),
            ("dni 12345678-Z", "-Z", true, true, 1),
            ("dni 12345678-Z", "-Z", true, false, 0),
        ];
        for (text, at, after, gap, len) in cases {
            let (hay, at) = (text.as_bytes(), text.find(at).unwrap());
            let found = if after {
                word_after(hay, at, gap, MAX_WORD)
            } else {
                word_before(hay, at, gap, MAX_WORD)
            };
            assert_eq!(found, len, "{text:?} at {at}, after: {after}, gap: {gap}");
        }
        let t = b"dni 12345678-Z";
        assert_eq!(word_after(t, t.len(), true, MAX_WORD), 0);
        assert_eq!(word_before(t, 0, true, MAX_WORD), 0);
        // Words longer than any trigger may ask for are not cut to that length.
        let long = format!("{}42", "a".repeat(MAX_WORD + 5));
        assert_eq!(
            word_before(long.as_bytes(), long.len() - 2, false, MAX_WORD),
            0
        );
        let long = format!("{}42", "a".repeat(MAX_WORD));
        assert_eq!(
            word_before(long.as_bytes(), long.len() - 2, false, MAX_WORD),
            MAX_WORD
        );
        // The masks over a cluster's groups.
        let t = "AB12 34-CD";
        let groups = [(2, 4), (5, 7)];
        let caps = [[MAX_WORD; 2]; 2];
        let masks = word_masks(t.as_bytes(), &groups, true, caps);
        assert_eq!(masks, [[1 << 2, 0], [0, 1 << 2]]);
        assert_eq!(
            word_masks(t.as_bytes(), &groups, false, caps),
            [[1 << 2, 0], [0, 0]]
        );
        // Words past the cap leave no bit.
        assert_eq!(
            word_masks(t.as_bytes(), &groups, true, [[1; 2]; 2]),
            [[0; 2]; 2]
        );
    }

    #[test]
    fn word_triggers_search_chains_next_to_words_of_that_length() {
        let rule = |pattern: &str, trigger: &str| {
            rules_only(&format!(
                "[[rule]]\nid = \"w\"\nentity = \"W_ID\"\npatterns = ['{pattern}']\n\
                 score = 0.9\ntriggers = [{{ digits = 4, {trigger} }}]\n"
            ))
        };
        let before = r"\b[A-Za-z]{2}[ ]?\d{4}\b";
        let direct = rule(before, "word_before = 2");
        assert_eq!(found(&direct, "ref AB1234, XYZ1234"), ["AB1234"]);
        // The pattern allows a space; the trigger only a word right before the digits.
        assert!(found(&direct, "ref AB 1234").is_empty());
        let gap = rule(before, "word_before = 2, word_gap = true");
        assert_eq!(found(&gap, "ref AB 1234"), ["AB 1234"]);
        let after = r"\b\d{4}[ \-]?[A-Z]\b";
        // (Digits this far apart are in two clusters, searched apart.)
        let text = "1234Z and later on 1234-Z";
        let direct = rule(after, "word_after = 1");
        assert_eq!(found(&direct, text), ["1234Z"]);
        let gap = rule(after, "word_after = 1, word_gap = true");
        assert_eq!(found(&gap, text), ["1234Z", "1234-Z"]);
        let too_long = Engine::builder()
            .builtin(false)
            .add_rules_toml(
                "t.toml",
                "[[rule]]\nid = \"w\"\nentity = \"W\"\npatterns = ['\\d{4}']\n\
                 triggers = [{ digits = 4, word_after = 40 }]\n",
            )
            .and_then(|b| b.build());
        assert!(too_long.unwrap_err().to_string().contains("word_after"));
    }

    #[test]
    fn context_needed_near_clusters_with_and_without_a_context_bit() {
        // One rule reaching a few bytes from its digits (it gets a context bit) and one whose
        // pattern is unbounded (it keeps to the per-window check); both need context.
        let rules = r#"
[[rule]]
id = "near"
entity = "MEMBER_ID"
patterns = ['\bM\d{6}\b']
context = ["member"]
context_required = true
score = 0.9
triggers = [{ digits = 6 }]

[[rule]]
id = "far"
entity = "LOCKER"
patterns = ['\bL[A-Z]*-\d{7}\b']
context = ["locker"]
context_required = true
score = 0.9
triggers = [{ digits = 7 }]
"#;
        let engine = rules_only(rules);
        assert!(
            engine
                .inner
                .context_bit
                .iter()
                .filter(|b| b.is_some())
                .count()
                == 1
        );
        let found = |text: &str| -> Vec<String> {
            engine
                .find_iter(text.as_bytes())
                .map(|f| f.rule_id().to_string())
                .collect()
        };
        assert_eq!(
            found("member number M123456, locker LX-1234567"),
            ["near", "far"]
        );
        assert!(found("order M123456 and LX-1234567 shipped").is_empty());
        let gap = " x".repeat(100);
        assert!(found(&format!("member{gap} M123456")).is_empty());
    }

    /// The findings of a scan with the checks that pass over windows, and without them.
    fn with_and_without_check(
        engine: &Engine,
        text: &str,
        min: f32,
    ) -> (Vec<Finding>, Vec<Finding>) {
        let opts = ScanOptions::new().min_score(min);
        let mut scratch = engine.scratch();
        let checked = engine
            .scan_with(&mut scratch, text.as_bytes(), &opts)
            .to_vec();
        scratch.search_all = true;
        let searched = engine
            .scan_with(&mut scratch, text.as_bytes(), &opts)
            .to_vec();
        (checked, searched)
    }

    #[test]
    fn windows_hold_the_groups_around_the_qualifying_digits() {
        let engine = Engine::builtin().unwrap();
        let phones = |text: &'static str, whole_clusters: bool| -> Vec<&'static str> {
            let mut scratch = engine.scratch();
            scratch.whole_clusters = whole_clusters;
            let opts = ScanOptions::new().min_score(0.0);
            let found = engine
                .scan_with(&mut scratch, text.as_bytes(), &opts)
                .iter();
            let phone = found.filter(|f| f.rule_id() == "phone");
            phone.map(|f| &text[f.start()..f.end()]).collect()
        };
        // An extension and an area code across " - " are part of the match ...
        let text = "call 415-555-0132 x12 today";
        assert_eq!(phones(text, false), ["415-555-0132 x12"]);
        assert_eq!(
            phones("call 020 - 7946 0958 today", false),
            ["020 - 7946 0958"]
        );
        // ... while digits that a gap no match can hold keeps apart from the number are not
        // searched for its sake: a phone-shaped run of three digits and a date is found only
        // where its own digits qualify, as on its own.
        let text = "call 415-555-0132; at 020 - 2024-03-15";
        assert_eq!(phones(text, false), ["415-555-0132"]);
        assert_eq!(phones(text, true).len(), 2);
        assert!(phones("at 020 - 2024-03-15", false).is_empty());
        // Card numbers qualify by their digit count alone (the runs of whole groups).
        let mut scratch = engine.scratch();
        let text = "paid $12.50; 4111 1111 1111 1111; 12 34";
        let found = engine.scan_with(&mut scratch, text.as_bytes(), &ScanOptions::new());
        let cards: Vec<&str> = found
            .iter()
            .filter(|f| f.rule_id() == "credit-card")
            .map(|f| &text[f.start()..f.end()])
            .collect();
        assert_eq!(cards, ["4111 1111 1111 1111"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// Windows narrowed to the groups around the qualifying digits find what windows over
        /// whole clusters find there: every finding of the narrowed scan is one of the other.
        #[test]
        fn narrowed_windows_find_nothing_new(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "ref ", "(ref ", "call me on ", ", ", " ", "-", " - ", ".", "x", " x12",
                " ext. 7", "$746.13 ", "5.18.33, build ", "€189,13 ", "415-555-0132",
                "(415) 555 0132", "+44 20 7946 0958", "020 - ", "7946 0958", "2024-03-15",
                "12", "876543210", "078-05-1120", "4111 1111 1111 1111", "9400 1306 5809",
            ]), 0..16),
        ) {
            static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
            let engine = ENGINE.get_or_init(|| Engine::builtin().unwrap());
            let text = pieces.concat();
            let opts = ScanOptions::new().min_score(0.0);
            let mut scratch = engine.scratch();
            let narrowed = engine.scan_with(&mut scratch, text.as_bytes(), &opts).to_vec();
            scratch.whole_clusters = true;
            let whole = engine.scan_with(&mut scratch, text.as_bytes(), &opts).to_vec();
            for f in &narrowed {
                proptest::prop_assert!(whole.contains(f), "{f:?} in {text:?}");
            }
        }
    }

    /// An engine of one rule with `pattern`, lowered by the word "ref" in front of a match and
    /// searched around `digits` digits.
    fn ref_labelled_rule(pattern: &str, digits: usize) -> Engine {
        rules_only(&format!(
            r#"
[[rule]]
id = "labelled"
entity = "LABELLED_ID"
patterns = ['{pattern}']
negative_context = ["ref"]
score = 0.5
triggers = [{{ digits = {digits} }}]
"#
        ))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Skipping the searches of windows a negative word drops (a label inside the cluster
        /// too, before a window that starts after it), and of numbers no validator takes,
        /// changes no finding, at any threshold: labels, cue words, prices, versions,
        /// extensions and numbers valid and not, in every order and distance.
        #[test]
        fn windows_passed_over_hold_no_finding(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "ref ", "order ", "invoice no. ", "tracking ", "#", "build ", "po ", "(ref ",
                "call me on ", "phone ", "tfn ", "tax file number ", "medicare ", "card ",
                "ssn ", "the ", "and a long sentence in between ", "\n", ", ", ": ", "x",
                "415-555-0132", "(415) 555 0132", "+44 20 7946 0958", "876 543 210",
                "876543210", "2123 45670 1", "4111 1111 1111 1111", "078-05-1120",
                "021000021", "9400 1306 5809", "12", "2024-03-15", " ", "  ", "12 34 56 ",
                "7 8 9 0 ", "1.5 ", "3123 4567 8909", "400123456787", "111.444.777-35",
                "11144477735", "401-023-2137", "943 476 5919", "130-692-544", "258 933 688",
                "490154203237518", "49-015420-323751-8", "12345678903", "2123456701",
                "5513844408241487", "371449635398431", "4111-1111-1111-1112", "-", ".", "/",
                "$746.13 ", "5.18.33, build ", " x12", " ext. 7", "€189,13 ", "v3.1.9 ", ") ",
                "020 - ", "7946 0958",
            ]), 0..24),
            min in proptest::sample::select(vec![0.0f32, 0.05, 0.3, 0.5, 0.7]),
        ) {
            static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
            let engine = ENGINE.get_or_init(|| Engine::builtin().unwrap());
            let (checked, searched) = with_and_without_check(engine, &pieces.concat(), min);
            proptest::prop_assert_eq!(checked, searched);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Clusters whose chains are too short for every trigger that asks for no token or
        /// word, with nothing next to their digits that a token or word trigger wants, and
        /// clusters with no letter next to a group for a trigger that wants one there, are
        /// passed over without changing a finding, and so are chains in tokens of another shape
        /// than a token trigger's rule matches: times, short numbers, IBAN-like words,
        /// crypto-like tokens, Corsican NIRs, fiscal codes whole and not, spaces and hyphens on
        /// either side.
        #[test]
        fn short_clusters_passed_over_hold_no_finding(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "[10:42] ", "10:42", "1", "12", "7 ", "GB", "gb", "AB", "Z", "-", " ", "  ",
                ":", "(", ")", "\n", ".", "x", "bc1qar0srrr", "7xfkvy5l643lydnw9re59gtzzwf5mdq",
                "1BoatSLRHtKNngkdXEeobR7", "0x", "de44", "RSSMRA85T10A562S", "ABCDE",
                "1234F", "AB 12 34 56 C", "12345678-Z", "X1234567L", "S1234567D", "iban ",
                "call ", "04/12", "2024-03-15T10:42", "ref ", "a1b2c3d4e5f6", "2A", "2B", "1 85 05 ",
                "123 456 78", "A35863935", "123456", "nir ", "2A ", "123 456 33",
                "rssmra85t10a5m2s", "RSSMRA85T10A56", "ABCDEF12G34H567", "J", "_", "é",
            ]), 0..24),
            min in proptest::sample::select(vec![0.0f32, 0.3, 0.5]),
            birth_dates in proptest::bool::ANY,
        ) {
            // Every rule, or all but birth dates (whose joiners hold `:`, so that with them
            // on a time is a chain of four digits and passes the gate).
            static ENGINES: std::sync::OnceLock<[Engine; 2]> = std::sync::OnceLock::new();
            let engines = ENGINES.get_or_init(|| {
                let without = Engine::builder().disable_rules(["date-of-birth"]).build();
                [without.unwrap(), Engine::builtin().unwrap()]
            });
            let engine = &engines[usize::from(birth_dates)];
            let (checked, searched) = with_and_without_check(engine, &pieces.concat(), min);
            proptest::prop_assert_eq!(checked, searched);
        }

        /// Clusters grow 16 bytes at a time as they would one byte at a time: the same digit
        /// groups, joiner sets per gap and end, next to line feeds, near the input's end and
        /// across 16-byte steps.
        #[test]
        fn clusters_grow_as_one_byte_at_a_time(
            pieces in proptest::collection::vec(
                (1usize..40, 0usize..16, proptest::sample::select(b" -.:/\nab".to_vec())),
                0..24,
            ),
        ) {
            // Digit groups of 1 to 39 digits, each followed by a gap of 0 to 15 bytes.
            let mut hay = Vec::new();
            for (digits, gap, byte) in pieces {
                hay.extend(std::iter::repeat_n(b'7', digits));
                hay.extend(std::iter::repeat_n(byte, gap));
            }
            let mut joiner_bits = [0u8; 256];
            for (k, set) in [&b" -"[..], b" .-/()", b":"].iter().enumerate() {
                for &b in *set {
                    joiner_bits[usize::from(b)] |= 1 << k;
                }
            }
            let (mut groups, mut gaps) = (Vec::new(), Vec::new());
            let mut from = 0;
            while let Some(p) = hay[from..].iter().position(u8::is_ascii_digit).map(|i| from + i) {
                let (end, cut) = grow_cluster(&hay, p, &joiner_bits, &mut groups, &mut gaps);
                proptest::prop_assert!(!cut);
                // One byte at a time.
                let (mut want_groups, mut want_gaps) = (Vec::new(), Vec::new());
                let mut q = p;
                loop {
                    let start = q;
                    q += hay[q..].iter().take_while(|b| b.is_ascii_digit()).count();
                    want_groups.push((start, q));
                    let reach = (q + CLUSTER_GAP).min(hay.len());
                    let next = hay[q..reach]
                        .iter()
                        .position(|&b| b.is_ascii_digit() || b == b'\n')
                        .map(|k| q + k)
                        .filter(|&k| hay[k] != b'\n');
                    let Some(next) = next else { break };
                    want_gaps.push(if next - q <= 2 {
                        hay[q..next].iter().fold(u8::MAX, |m, &b| m & joiner_bits[usize::from(b)])
                    } else {
                        0
                    });
                    q = next;
                }
                proptest::prop_assert_eq!(&groups, &want_groups);
                proptest::prop_assert_eq!(&gaps, &want_gaps);
                proptest::prop_assert_eq!(end, q);
                from = end;
            }
        }
    }

    #[test]
    fn hex_shapes_are_found_at_every_place_in_a_block() {
        // The separators are found 64 bytes at a time: a shape may start, or its separators
        // fall, on either side of a block's end. Other separators stand around it.
        let engine = Engine::builtin().unwrap();
        for mac in ["00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e"] {
            for pad in 0..140 {
                let text = format!("{}. {mac} -.", "x".repeat(pad));
                let found: Vec<(usize, usize)> = engine
                    .find_iter(text.as_bytes())
                    .filter(|f| f.entity() == "MAC_ADDRESS")
                    .map(|f| (f.start(), f.end()))
                    .collect();
                assert_eq!(found, [(pad + 2, pad + 2 + mac.len())], "{text:?}");
            }
        }
    }

    #[test]
    fn negative_words_drop_windows_only_within_their_reach() {
        // A label, then digits the patterns cannot start at ("1x"), then a number: the match
        // starts further from the label the more padding there is, across NEGATIVE_REACH.
        let engine = Engine::builtin().unwrap();
        for label in ["ref ", "order ", "Invoice no. "] {
            for value in ["415-555-0132", "876 543 210", "078-05-1120"] {
                for pad in 0..16 {
                    let text = format!("{label}{}{value} today", "1x ".repeat(pad));
                    for min in [0.0, 0.3, 0.5] {
                        let (checked, searched) = with_and_without_check(&engine, &text, min);
                        assert_eq!(checked, searched, "{text:?} at {min}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_negative_word_a_match_may_start_in_does_not_drop_its_window() {
        // Letters may lead the digits: "REF 123456" is a match holding the word "ref", which
        // then does not count against it (only words in front of a match do).
        let engine = ref_labelled_rule(r"\b[A-Z]{0,3} ?\d{6}\b", 6);
        let found = |text: &str| -> Vec<(usize, usize)> {
            let f = engine.find_iter(text.as_bytes());
            f.map(|f| (f.start(), f.end())).collect()
        };
        assert_eq!(found("REF 123456"), [(0, 10)]);
        assert_eq!(found("ref: 123456"), []);
        assert_eq!(found("ref: AB 123456"), []);
    }

    #[test]
    fn a_negative_word_drops_a_window_up_to_its_reach_exactly() {
        // A one-digit match at the end of its cluster: the word is in front of it by exactly
        // the padding, on both sides of NEGATIVE_REACH.
        let engine = ref_labelled_rule(r"\b\d\b", 1);
        for pad in 0..12 {
            let text = format!("ref {}5", "1x ".repeat(pad));
            let digit = text.len() - 1;
            let (checked, searched) = with_and_without_check(&engine, &text, DEFAULT_MIN_SCORE);
            let starts: Vec<usize> = checked.iter().map(Finding::start).collect();
            let reported = digit - 3 > NEGATIVE_REACH;
            assert_eq!(starts, if reported { vec![digit] } else { vec![] });
            assert_eq!(checked, searched, "{text:?}");
        }
    }
}
