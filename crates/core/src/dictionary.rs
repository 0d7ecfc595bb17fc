//! The dictionary: trigger literals and context words, found ignoring ASCII case in one pass.
//!
//! Entries are looked for only at *places*: where a word starts (an ASCII letter or digit
//! after a byte that is neither), where a camel-case word starts (an upper-case letter after a
//! lower-case one: "dateOfBirth"), and at every byte that starts an entry and is no letter or
//! digit ("@", "://"). At each place not inside the last entry found, the longest entry
//! starting there is found if
//! - it starts with a byte that is no letter or digit, or
//! - it is *open*: made of letters and digits only, and it triggers rules (a trigger literal,
//!   or an entry holding one). It matches at the start of longer words ("pass" in
//!   "password", "token" in "accessToken"), not in their middle ("mypassword"), or
//! - otherwise (*closed*) its first word, the letters and digits it starts with, is the whole
//!   word there: "card" in "card number" and in "card-holder", not in "cards".
//!
//! An entry that is a space and then a word (" dot com") is looked for from the start of the
//! word after a space, one byte back, not at every space: the same hits, far fewer places.
//!
//! A pass over the input classifies 64 bytes at a time (byte masks, see `crate::bytemask`) and
//! turns most places down with one probe each of a table of signatures (see [`Starts`]); the
//! automaton is walked, anchored, only from the rest, and from after the place's word when that
//! word is one an entry starts with (see [`Words`]). An unanchored automaton walked over every
//! byte would cost a chain of dependent table loads per byte.

use crate::bytemask::{self, block_at, padded};
use crate::error::{BuildError, BuildErrorKind};

/// A rule a literal triggers: whether the literal is a nearby context word rather than part of
/// the match, and how far before the literal a match may start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LiteralOwner {
    pub(crate) rule: u32,
    pub(crate) near: bool,
    pub(crate) before: Option<u32>,
}

/// The entries while rules are compiled.
#[derive(Default)]
pub(crate) struct Dictionary {
    pub(crate) keys: Vec<Vec<u8>>,
    pub(crate) owners: Vec<Vec<LiteralOwner>>,
    ids: std::collections::HashMap<Vec<u8>, usize>,
}

/// The compiled dictionary: one automaton, where entries can start, and per entry the rules it
/// triggers.
pub(crate) struct CompiledDictionary {
    trie: Trie,
    starts: Starts,
    /// The words entries start with, each with where the automaton stands after it.
    words: Words,
    /// Per entry, the length of its first word when the input's word must be that word (see
    /// [`Starts`]: entries starting with a letter or digit that are not open).
    closed: Vec<Option<usize>>,
    pub(crate) owners: Vec<Vec<LiteralOwner>>,
}

/// Per length 0..=8, the mask of that many low bytes.
const LOW_BYTES: [u64; 9] = {
    let mut masks = [0u64; 9];
    let mut n = 1;
    while n < 9 {
        masks[n] = u64::MAX >> (64 - 8 * n);
        n += 1;
    }
    masks
};

/// ASCII case folded out of letters by setting bit 5 of every byte (bytes that are no letters
/// change too, the same way in entries and input, which is all a filter needs).
const FOLD: u64 = 0x2020_2020_2020_2020;

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Length of the run of letters and digits `key` starts with: its first word.
fn first_word(key: &[u8]) -> usize {
    key.iter().take_while(|&&b| is_alnum(b)).count()
}

/// Where entries can start: one table of signatures (8 Ki slots of 16 bits), probed once per
/// place. A place's key is its word's first three bytes, folded (all of a shorter word), or a
/// lead byte and the byte after it; its slot holds bits for what can start with that key, and
/// the place passes when one of them fits it; the automaton then decides. No place where an
/// entry starts is turned down; a few where none does pass (hash collisions, and words that
/// only share their first three bytes and length class with an entry's).
///
/// - *First word*: an entry starting with a letter or digit holds its first word (the run of
///   letters and digits it starts with) whole, so the input's word there must be the same word:
///   bit `n` for a first word of `n` letters and digits (9 for any longer), which passes the
///   words of that length class only.
/// - *Open*: an entry made only of letters and digits that triggers rules matches at the
///   start of longer words too ("pass" in "password"): `OPEN`, which passes a word of any
///   length (an entry of two is marked under its two bytes, and under every third byte that
///   can follow; one of one lets every word through).
/// - *Lead*: an entry starting with another byte ("@", "://"): `LEAD` under its first two bytes
///   (one of one byte is marked with every byte that can follow). Places holding such a byte
///   are probed with this key only.
struct Starts {
    /// Per slot (see `Starts::slot`), what can start with the keys hashed there: bit `n` (1 to
    /// 9), `OPEN`, `LEAD` (see above).
    sigs: Box<[u16; 1 << SIGS_LOG2]>,
    /// Per byte, whether an entry starts with it and it is no ASCII letter or digit.
    lead: [bool; 256],
    /// How lead bytes are found in a chunk.
    leads: Leads,
    /// A one-letter entry triggers rules at the start of any word: every word passes.
    every_word: bool,
    /// Some entry is a space and then a word: a word start that passes is tried from the
    /// space before it too.
    space_led: bool,
    /// Some entry's word starts with a digit: without one, words starting with a digit (most
    /// of a digit-heavy input's words) are no places.
    digit_led: bool,
}

const SIGS_LOG2: u32 = 13;
/// Bits of a first word's key (see `Words`).
const WORD_KEY_BITS: u32 = 16;
const OPEN: u16 = 1 << 10;
const LEAD: u16 = 1 << 11;

/// Per length of the word at a place (0: a lead byte; 9: nine or more), the mask of its bytes
/// that make its key, the salt of its key, and the signature bits it passes with.
const PROBES: [(u64, u64, u16); 10] = {
    let mut probes = [(0u64, 0u64, 0u16); 10];
    let mut len = 0;
    while len < 10 {
        probes[len] = if len == 0 {
            (LOW_BYTES[2], SALTS[LEAD_KEY], LEAD)
        } else {
            let n = if len < 3 { len } else { 3 };
            (LOW_BYTES[n], SALTS[n], 1 << len | OPEN)
        };
        len += 1;
    }
    probes
};

/// Per kind of key, the number added to it before hashing: a first word per length (0 to 9;
/// the prefixes of one to three bytes that key the signatures use those of 1 to 3), then a
/// lead byte and the next.
const SALTS: [u64; 11] = {
    let mut salts = [0u64; 11];
    let mut k = 0;
    while k < 11 {
        salts[k] = (k as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        k += 1;
    }
    salts
};
const LEAD_KEY: usize = 10;

impl Starts {
    /// The `bits` high bits of a multiplicative hash of `value` with its kind's `salt`.
    #[inline(always)]
    fn hash(value: u64, salt: u64, bits: u32) -> usize {
        (value.wrapping_add(salt).wrapping_mul(0xD6E8_FEB8_6659_FD93) >> (64 - bits)) as usize
    }

    /// The key of a first word of `len` letters and digits (9 for any longer) at `folded`.
    fn word_key(folded: u64, len: usize) -> usize {
        Starts::hash(
            folded & LOW_BYTES[len.min(8)],
            SALTS[len.min(9)],
            WORD_KEY_BITS,
        )
    }

    /// The signature slot of a place whose word is `len` long (0: a lead byte), with its first
    /// eight bytes `folded`: keyed by the word's first three bytes (all of a shorter word; a
    /// lead byte and the next).
    #[inline(always)]
    fn slot(folded: u64, len: usize) -> usize {
        let (key_bytes, salt, _) = PROBES[len];
        Starts::hash(folded & key_bytes, salt, SIGS_LOG2)
    }

    /// Whether an entry can start at a place whose word is `len` long (0: a lead byte; 9 for
    /// any longer) with its first eight bytes `folded`.
    #[inline(always)]
    fn passes(&self, folded: u64, len: usize) -> bool {
        self.sigs[Starts::slot(folded, len)] & PROBES[len].2 != 0
    }

    /// Whether an open entry (or, with `every_word`, a one-letter one) can start at a word
    /// that is `len` long with its first eight bytes `folded`.
    fn opens(&self, folded: u64, len: usize) -> bool {
        self.every_word || self.sigs[Starts::slot(folded, len)] & OPEN != 0
    }

    fn mark(&mut self, folded: u64, len: usize, bits: u16) {
        self.sigs[Starts::slot(folded, len)] |= bits;
    }

    /// Marks where `key` can start; `open`: it matches at the start of longer words too.
    fn add(&mut self, key: &[u8], open: bool) {
        let folded = fold8(key);
        // Every byte that can follow the first `n` (folded the same way as the input).
        let then = |n: usize| {
            (0..=255u8).map(move |b| folded & LOW_BYTES[n] | u64::from(b | 0x20) << (8 * n))
        };
        // Only a word's entry can start with a digit.
        self.digit_led |= key[0].is_ascii_digit();
        if key[0] == b' ' && key.get(1).is_some_and(|&b| is_alnum(b)) {
            // A space and then a word (" dot com"): found from the word's start, one byte
            // back, rather than at every space. What follows the space is marked as an entry
            // of its own, open when it is one word.
            self.space_led = true;
            let rest = &key[1..];
            self.add(rest, rest.iter().all(|&b| is_alnum(b)));
        } else if !is_alnum(key[0]) {
            self.lead[usize::from(key[0])] = true;
            if key.len() == 1 {
                then(1).for_each(|f| self.mark(f, 0, LEAD));
            } else {
                self.mark(folded, 0, LEAD);
            }
        } else if open {
            // At the start of a word of its own length or longer.
            match key.len() {
                1 => self.every_word = true,
                2 => {
                    self.mark(folded, 2, OPEN);
                    then(2).for_each(|f| self.mark(f, 3, OPEN));
                }
                _ => self.mark(folded, 3, OPEN),
            }
        } else {
            let len = first_word(key).min(9);
            self.mark(folded, len, 1 << len);
        }
    }
}

/// Up to eight bytes of `key`, folded, as one little-endian word.
fn fold8(key: &[u8]) -> u64 {
    load8(key, 0) | (FOLD & LOW_BYTES[key.len().min(8)])
}

impl Starts {
    fn new() -> Starts {
        Starts {
            sigs: Box::new([0; 1 << SIGS_LOG2]),
            lead: [false; 256],
            leads: Leads::Table,
            every_word: false,
            space_led: false,
            digit_led: false,
        }
    }

    /// Settles how lead bytes are found, once every entry is added.
    fn finish(&mut self) {
        let leads: Vec<u8> = (0..=255u8).filter(|&b| self.lead[usize::from(b)]).collect();
        // Past the last lead the arrays repeat it. With no lead byte, a letter stands in:
        // places found with it are words' own.
        let splat = |i: usize| {
            let lead = leads.get(i).or(leads.last()).copied().unwrap_or(b'a');
            bytemask::splat(lead)
        };
        self.leads = match leads.len() {
            0..=4 => Leads::Four(std::array::from_fn(splat)),
            5..=8 => Leads::Eight(std::array::from_fn(splat)),
            _ => Leads::Table,
        };
    }

    /// Per byte of `chunk`, one bit per class (see [`Classes`]).
    fn classify(&self, chunk: &bytemask::Block) -> Classes {
        let words = bytemask::words(chunk);
        let alnum = words.digit | words.upper | words.lower;
        let lead = match &self.leads {
            Leads::Four(leads) => bytemask::any_of_splats(chunk, leads),
            Leads::Eight(leads) => bytemask::any_of_splats(chunk, leads),
            Leads::Table => (0..64).fold(0u64, |m, k| {
                m | u64::from(self.lead[usize::from(chunk[k])]) << k
            }),
        };
        Classes {
            alnum,
            lead: lead & !alnum,
            upper: words.upper,
            lower: words.lower,
            digit: words.digit,
        }
    }
}

/// How a chunk's lead bytes are found: a few compared directly, sixteen at a time (each
/// repeated sixteen times, see `bytemask::any_of_splats`; the fewer the faster), more by a
/// table lookup per byte.
enum Leads {
    Four([[u8; 16]; 4]),
    Eight([[u8; 16]; 8]),
    Table,
}

/// Per byte of a 64-byte chunk, a bit: ASCII letter or digit, lead byte (see [`Starts`]),
/// upper-case letter, lower-case letter, digit.
#[derive(Clone, Copy)]
struct Classes {
    alnum: u64,
    lead: u64,
    upper: u64,
    lower: u64,
    digit: u64,
}

/// The first words of the entries that start with a letter or digit (their first eight bytes,
/// folded, and their length, 9 for any longer: the key of [`Starts::word_key`]), each with the
/// automaton's state after reading those bytes and the longest entry read whole by then.
///
/// Where a place's word is one of them, the automaton is walked on from that state rather than
/// from the place: the walk reads the bytes after the word only (most walks end a byte or two
/// after it). Where it is none of them, no entry starting with a whole word can be found there,
/// and only an open entry (a prefix of the word) can.
struct Words {
    /// Open addressing from the word's key; `bytes == 0` marks a free slot (a word has a byte).
    slots: Vec<Word>,
}

#[derive(Clone, Copy)]
struct Word {
    bytes: u64,
    len: u8,
    state: StateId,
    /// The longest entry within the word's bytes: its length and id.
    best: Option<(u8, u32)>,
}

impl Words {
    fn new(trie: &Trie, keys: &[Vec<u8>]) -> Words {
        let start = trie.start;
        // Each first word's bytes (up to eight) and length class.
        let mut firsts: Vec<(&[u8], usize)> = keys
            .iter()
            .map(|k| first_word(k))
            .zip(keys)
            .filter(|&(len, _)| len > 0)
            .map(|(len, k)| (&k[..len.min(8)], len.min(9)))
            .collect();
        firsts.sort_unstable();
        firsts.dedup();
        let free = Word {
            bytes: 0,
            len: 0,
            state: start,
            best: None,
        };
        let mut slots = vec![free; (4 * firsts.len()).next_power_of_two().max(8)];
        let mask = slots.len() - 1;
        for (w, len) in firsts {
            let (mut state, mut best) = (start, None);
            for (i, &b) in w.iter().enumerate() {
                state = trie.next(state, b);
                if let Some(e) = trie.entry(state) {
                    best = Some((i as u8 + 1, e));
                }
            }
            let folded = fold8(w);
            let mut i = Starts::word_key(folded, len) & mask;
            while slots[i].bytes != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = Word {
                bytes: folded,
                len: len as u8,
                state,
                best,
            };
        }
        Words { slots }
    }

    fn find(&self, key: usize, bytes: u64, len: usize) -> Option<&Word> {
        let mask = self.slots.len() - 1;
        let mut i = key & mask;
        loop {
            let w = &self.slots[i];
            if w.bytes == bytes && usize::from(w.len) == len {
                return Some(w);
            }
            if w.bytes == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
}

/// A state of [`Trie`]: its row's offset in the transition table (premultiplied).
type StateId = u32;

/// The state no entry continues from.
const DEAD: StateId = 0;

/// The entries as an anchored automaton: a trie with a full transition table, walked from a
/// place only (no failure links: an anchored walk that leaves the trie has found all it
/// will). ASCII case is folded by the byte classes (an upper-case letter is in its lower-case
/// letter's class; the entries are in lower case), so a step is two loads. A state is the
/// prefix of the entries read so far, so the entry it ends is the one read whole.
struct Trie {
    /// Per byte, its class: bytes no entry holds share class 0.
    classes: [u8; 256],
    /// Classes per state.
    stride: usize,
    /// Per state and class, the next state.
    trans: Vec<StateId>,
    /// States ending an entry are numbered first, right after `DEAD`: a state at most
    /// `last_end` is one of them or `DEAD`, one comparison per step.
    last_end: StateId,
    /// Per state (index: id / stride) ending an entry, the entry.
    ends: Vec<u32>,
    start: StateId,
}

impl Trie {
    fn new(keys: &[Vec<u8>]) -> Result<Trie, BuildError> {
        // The entries are in lower case: at most 230 distinct bytes, so classes fit a byte.
        let mut classes = [0u8; 256];
        let mut stride = 1;
        for b in keys.iter().flatten() {
            let b = usize::from(b.to_ascii_lowercase());
            if classes[b] == 0 {
                classes[b] = u8::try_from(stride).unwrap_or(u8::MAX);
                stride += 1;
            }
        }
        for b in b'A'..=b'Z' {
            classes[usize::from(b)] = classes[usize::from(b.to_ascii_lowercase())];
        }
        // Built with states numbered as created (0: dead, 1: start), then renumbered.
        const NONE: u32 = u32::MAX;
        let mut rows: Vec<usize> = vec![0; 2 * stride];
        let mut ended: Vec<u32> = vec![NONE, NONE];
        for (id, key) in keys.iter().enumerate() {
            let mut state = 1;
            for &b in key {
                let slot = state * stride + usize::from(classes[usize::from(b)]);
                state = match rows[slot] {
                    0 => {
                        let new = ended.len();
                        rows[slot] = new;
                        rows.resize(rows.len() + stride, 0);
                        ended.push(NONE);
                        new
                    }
                    next => next,
                };
            }
            ended[state] = u32::try_from(id).unwrap_or(NONE);
        }
        // Dead first, then the states ending an entry, then the rest.
        let order: Vec<usize> = std::iter::once(0)
            .chain((1..ended.len()).filter(|&s| ended[s] != NONE))
            .chain((1..ended.len()).filter(|&s| ended[s] == NONE))
            .collect();
        if StateId::try_from(rows.len()).is_err() {
            return Err(BuildError::new(BuildErrorKind::Invalid(format!(
                "the dictionary of trigger literals and context words is too large ({} states)",
                ended.len()
            ))));
        }
        let mut renamed = vec![0usize; ended.len()];
        for (new, &old) in order.iter().enumerate() {
            renamed[old] = new;
        }
        // In range: checked above.
        let id = |index: usize| (index * stride) as StateId;
        let mut trans = vec![DEAD; rows.len()];
        for (new, &old) in order.iter().enumerate() {
            for c in 0..stride {
                trans[new * stride + c] = id(renamed[rows[old * stride + c]]);
            }
        }
        let matches = ended.iter().filter(|&&e| e != NONE).count();
        Ok(Trie {
            classes,
            stride,
            trans,
            last_end: id(matches),
            ends: order.iter().map(|&old| ended[old]).collect(),
            start: id(renamed[1]),
        })
    }

    #[inline(always)]
    fn next(&self, sid: StateId, byte: u8) -> StateId {
        let at = sid as usize + usize::from(self.classes[usize::from(byte)]);
        self.trans.get(at).copied().unwrap_or(DEAD)
    }

    /// The entry `sid` ends, if any.
    fn entry(&self, sid: StateId) -> Option<u32> {
        (sid != DEAD && sid <= self.last_end).then(|| self.ends[sid as usize / self.stride])
    }
}

/// The eight bytes of `hay` from `at` as one little-endian word, zeros past its end.
fn load8(hay: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(padded(hay, at))
}

impl CompiledDictionary {
    /// Calls `found(start, end, entry)`, in order, for the longest entry starting at each place
    /// where one can start (see the module documentation) and does, but inside the last one
    /// found.
    #[inline]
    pub(crate) fn for_each(&self, hay: &[u8], mut found: impl FnMut(usize, usize, usize)) {
        let starts = &self.starts;
        // Bit 0: the last byte of the chunk before is a letter or digit, or a lower-case letter.
        let (mut prev_alnum, mut prev_lower) = (0u64, 0u64);
        // This block's bytes and the next's (a place's eight bytes may run on into it).
        let mut bytes = [0u8; 128];
        let first = block_at(hay, 0);
        bytes[..64].copy_from_slice(&first);
        let mut this = starts.classify(&first);
        let mut base = 0;
        // Entries do not overlap: a place inside the last one found is passed over ("number"
        // inside "order number").
        let mut free = 0;
        while base < hay.len() {
            // The next chunk's letters and digits: a word may run on into it.
            let next_block = block_at(hay, base + 64);
            bytes[64..].copy_from_slice(&next_block);
            let next = starts.classify(&next_block);
            let mut word_starts = this.alnum & !(this.alnum << 1 | prev_alnum);
            if !starts.digit_led {
                word_starts &= !this.digit;
            }
            // Words run together in camel case start again at an upper-case letter after a
            // lower-case one ("dateOfBirth", "accessToken").
            let camel_starts = this.upper & (this.lower << 1 | prev_lower);
            let mut places = word_starts | camel_starts | this.lead;
            if hay.len() - base < 64 {
                // Past the end: the zeros `chunk_at` pads with.
                places &= (1u64 << (hay.len() - base)) - 1;
            }
            // The eight bytes from the place at `j`, folded, and the number of letters and
            // digits from there (9 for any more; none at a lead byte).
            let eight_at = |j: usize| {
                let eight: [u8; 8] = bytes[j..j + 8].try_into().unwrap_or_default();
                u64::from_le_bytes(eight) | FOLD
            };
            let both = u128::from(this.alnum) | u128::from(next.alnum) << 64;
            let word_at = |j: usize| {
                let ahead = (both >> j) as u64;
                (eight_at(j), ((!ahead).trailing_zeros() as usize).min(9))
            };
            // Probed without branching on the answers; the automaton runs from those that pass
            // (with `every_word`, every place at a word: those with a letter or digit).
            let mut pass = if starts.every_word {
                places & this.alnum
            } else {
                0
            };
            // Up to the 56th byte, the nine bytes a length is read from are this block's.
            let (mut near, mut far) = (places & u64::MAX >> 8, places & !(u64::MAX >> 8));
            let stops = !this.alnum;
            while near != 0 {
                let j = near.trailing_zeros() as usize;
                near &= near - 1;
                let len = (stops >> j | 1 << 9).trailing_zeros() as usize;
                pass |= u64::from(starts.passes(eight_at(j), len)) << j;
            }
            while far != 0 {
                let j = far.trailing_zeros() as usize;
                far &= far - 1;
                let (folded, len) = word_at(j);
                pass |= u64::from(starts.passes(folded, len)) << j;
            }
            while pass != 0 {
                let at = base + pass.trailing_zeros() as usize;
                pass &= pass - 1;
                let word_start = this.alnum >> (at - base) & 1 != 0;
                if starts.space_led && word_start && at > free && hay[at - 1] == b' ' {
                    if let Some((end, entry)) =
                        self.longest_from(hay, at - 1, self.trie.start, None)
                    {
                        found(at - 1, end, entry);
                        free = end;
                    }
                }
                if at < free {
                    continue;
                }
                let hit = if word_start {
                    let (folded, len) = word_at(at - base);
                    let n = len.min(8);
                    let key = Starts::word_key(folded, len);
                    match self.words.find(key, folded & LOW_BYTES[n], len.min(9)) {
                        Some(w) => {
                            let best = w.best.map(|(l, e)| (at + usize::from(l), e as usize));
                            self.longest_from(hay, at + n, w.state, best)
                        }
                        // Only an entry that is a prefix of the word can start here.
                        None if starts.opens(folded, len) => {
                            self.longest_from(hay, at, self.trie.start, None)
                        }
                        None => None,
                    }
                } else {
                    self.longest_from(hay, at, self.trie.start, None)
                };
                let Some((end, entry)) = hit else {
                    continue;
                };
                // A closed entry whose first word is not the input's word there is no hit (a
                // shorter entry that is cannot be: it would be longer).
                let word_ends = |n: usize| !hay.get(at + n).is_some_and(|&b| is_alnum(b));
                if self.closed[entry].is_none_or(word_ends) {
                    found(at, end, entry);
                    free = end;
                }
            }
            prev_alnum = this.alnum >> 63;
            prev_lower = this.lower >> 63;
            this = next;
            bytes.copy_within(64.., 0);
            base += 64;
        }
    }

    /// The longest entry starting at a place: (its end, its id), with the automaton in state
    /// `sid` after reading the place's bytes up to `from`, and `best` the longest entry among
    /// them.
    fn longest_from(
        &self,
        hay: &[u8],
        from: usize,
        mut sid: StateId,
        mut best: Option<(usize, usize)>,
    ) -> Option<(usize, usize)> {
        let trie = &self.trie;
        for (i, &b) in (from..).zip(hay.get(from..).unwrap_or_default()) {
            sid = trie.next(sid, b);
            if sid <= trie.last_end {
                if sid == DEAD {
                    break;
                }
                best = Some((i + 1, trie.ends[sid as usize / trie.stride] as usize));
            }
        }
        best
    }
}

impl Dictionary {
    /// The id of `key` (ASCII case folded), added if new.
    pub(crate) fn entry(&mut self, key: &[u8]) -> usize {
        let key = key.to_ascii_lowercase();
        if let Some(&i) = self.ids.get(&key) {
            return i;
        }
        self.ids.insert(key.clone(), self.keys.len());
        self.keys.push(key);
        self.owners.push(Vec::new());
        self.keys.len() - 1
    }

    /// Per entry, the entries holding it as a whole word (itself included): "card" is in
    /// "card number", not in "cardholder".
    pub(crate) fn whole_word_holders(&self) -> Vec<Vec<u32>> {
        let mut holders = vec![Vec::new(); self.keys.len()];
        for (id, key) in self.keys.iter().enumerate() {
            // A whole word starts at 0 or after a byte that is no letter or digit, and ends
            // at the end or before such a byte.
            let starts = (0..key.len()).filter(|&i| i == 0 || !is_alnum(key[i - 1]));
            for i in starts {
                let ends = (i + 1..=key.len()).filter(|&j| j == key.len() || !is_alnum(key[j]));
                for j in ends {
                    if let Some(&w) = self.ids.get(&key[i..j]) {
                        holders[w].push(id as u32);
                    }
                }
            }
        }
        for h in &mut holders {
            h.sort_unstable();
            h.dedup();
        }
        holders
    }

    pub(crate) fn build(self) -> Result<Option<CompiledDictionary>, BuildError> {
        if self.keys.is_empty() {
            return Ok(None);
        }
        // An entry found in place of a shorter trigger literal it contains triggers that
        // literal's rules too; the literal then sits `at` bytes into it.
        let owners: Vec<Vec<LiteralOwner>> = self
            .keys
            .iter()
            .map(|long| {
                let mut all: Vec<LiteralOwner> = Vec::new();
                let triggers = self.keys.iter().zip(&self.owners);
                for (short, own) in triggers.filter(|(_, own)| !own.is_empty()) {
                    if let Some(at) = memchr::memmem::find(long, short) {
                        for o in own {
                            let shifted = LiteralOwner {
                                before: o.before.map(|b| b + at as u32),
                                ..*o
                            };
                            if !all.contains(&shifted) {
                                all.push(shifted);
                            }
                        }
                    }
                }
                all
            })
            .collect();
        // Where entries can start. An entry made of letters and digits that triggers rules
        // (itself or a literal inside it) is found at the start of longer words too.
        let mut starts = Starts::new();
        let mut closed = Vec::with_capacity(self.keys.len());
        for (key, own) in self.keys.iter().zip(&owners) {
            let open = !own.is_empty() && key.iter().all(|&b| is_alnum(b));
            starts.add(key, open);
            let word = first_word(key);
            closed.push((!open && word > 0).then_some(word));
        }
        starts.finish();
        // Searched anchored only, at the places `starts` lets through.
        let trie = Trie::new(&self.keys)?;
        let words = Words::new(&trie, &self.keys);
        Ok(Some(CompiledDictionary {
            trie,
            starts,
            words,
            closed,
            owners,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A dictionary of `keys`; those named in `triggers` trigger a rule.
    fn dictionary(keys: &[&str], triggers: &[&str]) -> CompiledDictionary {
        let mut dict = Dictionary::default();
        for k in keys {
            let e = dict.entry(k.as_bytes());
            if triggers.contains(k) {
                dict.owners[e].push(LiteralOwner {
                    rule: 0,
                    near: false,
                    before: None,
                });
            }
        }
        dict.build().unwrap().unwrap()
    }

    fn found<'h>(dict: &CompiledDictionary, hay: &'h str) -> Vec<&'h str> {
        let mut hits = Vec::new();
        dict.for_each(hay.as_bytes(), |s, e, _| hits.push(&hay[s..e]));
        hits
    }

    /// The rules of the module documentation, one position at a time.
    fn reference(keys: &[Vec<u8>], open: &[bool], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let alnum = |i: usize| hay.get(i).is_some_and(|b| b.is_ascii_alphanumeric());
        let lower = |i: usize| hay.get(i).is_some_and(u8::is_ascii_lowercase);
        let mut hits = Vec::new();
        let mut free = 0;
        for at in 0..hay.len() {
            let before = at.checked_sub(1);
            let place = if alnum(at) {
                before.is_none_or(|b| !alnum(b))
                    || (hay[at].is_ascii_uppercase() && before.is_some_and(lower))
            } else {
                keys.iter().any(|k| k[0] == hay[at].to_ascii_lowercase())
            };
            if !place || at < free {
                continue;
            }
            let fits = |k: &Vec<u8>| {
                hay.len() - at >= k.len() && hay[at..at + k.len()].eq_ignore_ascii_case(k)
            };
            let longest = (0..keys.len())
                .filter(|&e| fits(&keys[e]))
                .max_by_key(|&e| keys[e].len());
            if let Some(e) = longest {
                let word = keys[e]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                if open[e] || word == 0 || !alnum(at + word) {
                    hits.push((at, at + keys[e].len(), e));
                    free = at + keys[e].len();
                }
            }
        }
        hits
    }

    #[test]
    fn entries_start_where_words_start() {
        let dict = dictionary(
            &[
                "card",
                "card number",
                "number",
                "pass",
                "@",
                "://",
                "dob",
                " dot com",
                " at",
            ],
            &["pass", "@", "://", "dob", " dot com", " at"],
        );
        let cases: &[(&str, &[&str])] = &[
            ("Card number: 1", &["Card number"]),
            // An entry starting with another byte matches wherever that byte is, word or not.
            (
                "jane dot com, jane dotcom, at  attic",
                &[" dot com", " at", " at"],
            ),
            ("cards, card-holder, numbers", &["card"]),
            ("my PASSWORD, bypass, pass", &["PASS", "pass"]),
            ("a@b http://x", &["@", "://"]),
            ("customerDOB dateOfBirth xdob", &["DOB"]),
            ("number", &["number"]),
        ];
        for (hay, want) in cases {
            assert_eq!(&found(&dict, hay), want, "{hay}");
        }
    }

    #[test]
    fn places_across_chunk_bounds() {
        let dict = dictionary(&["number", "token"], &["token"]);
        for pad in 55..70 {
            let hay = format!("{}number accessToken", " ".repeat(pad));
            assert_eq!(found(&dict, &hay), ["number", "Token"], "{pad}");
            let hay = format!("{}x number", "a".repeat(pad));
            assert_eq!(found(&dict, &hay), ["number"], "{pad}");
        }
        // Words of eight and nine letters (nine stands for any longer) ending in the next block.
        let dict = dictionary(&["customer", "birthdate"], &[]);
        for pad in 48..66 {
            let hay = format!("{}customer birthdate birthdates customers", " ".repeat(pad));
            assert_eq!(found(&dict, &hay), ["customer", "birthdate"], "{pad}");
        }
    }

    #[test]
    fn lead_bytes_are_found_however_many_there_are() {
        // Up to four, up to eight and more lead bytes are found three different ways.
        let leads = "@:#$%&*+=!";
        for n in 1..=leads.len() {
            let keys: Vec<String> = leads[..n].chars().map(|c| format!("{c}x")).collect();
            let entries: String = keys.iter().rev().map(|k| format!("a{k} ")).collect();
            // Each lead byte at the end of a chunk once.
            for pad in 60..64 {
                let hay = format!("{}{entries}", " ".repeat(pad));
                let dict = dictionary_of(&keys, &vec![true; n]);
                let (got, want) = found_both_ways(dict, hay.as_bytes());
                assert_eq!(got.len(), n, "{n} leads");
                assert_eq!(got, want, "{n} leads");
            }
        }
    }

    proptest! {
        #[test]
        fn the_pass_finds_what_the_rules_say(
            keys in prop::collection::vec("[abAB1@: -]{1,5}", 1..12),
            triggers in prop::collection::vec(any::<bool>(), 12),
            hay in "[abAB12@: x-]{0,300}",
        ) {
            let (got, want) = found_both_ways(dictionary_of(&keys, &triggers), hay.as_bytes());
            prop_assert_eq!(got, want);
        }

        /// Long entries (first words of more than eight bytes are known by their first eight)
        /// in text made of them.
        #[test]
        fn the_pass_finds_long_entries_in_text_made_of_them(
            keys in prop::collection::vec("[@:]?[abAB1]{1,12}([ @:-][abAB1 ]{0,4})?", 1..8),
            triggers in prop::collection::vec(any::<bool>(), 8),
            pieces in prop::collection::vec((0..8usize, "[ x@:-]{0,2}", any::<bool>()), 0..30),
        ) {
            let mut hay = Vec::new();
            for (k, sep, upper) in pieces {
                let key = keys[k % keys.len()].as_bytes();
                hay.extend(key.iter().map(|b| if upper { b.to_ascii_uppercase() } else { *b }));
                hay.extend(sep.as_bytes());
            }
            let (got, want) = found_both_ways(dictionary_of(&keys, &triggers), &hay);
            prop_assert_eq!(got, want);
        }
    }

    /// The dictionary of `keys`, those with `triggers` set triggering a rule.
    fn dictionary_of(keys: &[String], triggers: &[bool]) -> Dictionary {
        let mut dict = Dictionary::default();
        for (k, &t) in keys.iter().zip(triggers) {
            let e = dict.entry(k.as_bytes());
            if t && dict.owners[e].is_empty() {
                dict.owners[e].push(LiteralOwner {
                    rule: 0,
                    near: false,
                    before: None,
                });
            }
        }
        dict
    }

    /// What the pass finds in `hay`, and what the reference says it should.
    #[allow(clippy::type_complexity)]
    fn found_both_ways(
        dict: Dictionary,
        hay: &[u8],
    ) -> (Vec<(usize, usize, usize)>, Vec<(usize, usize, usize)>) {
        let lowered = dict.keys.clone();
        let compiled = dict.build().unwrap().unwrap();
        let open: Vec<bool> = compiled
            .closed
            .iter()
            .zip(&lowered)
            .map(|(c, k)| c.is_none() && k[0].is_ascii_alphanumeric())
            .collect();
        let mut got = Vec::new();
        compiled.for_each(hay, |s, e, id| got.push((s, e, id)));
        (got, reference(&lowered, &open, hay))
    }
}
