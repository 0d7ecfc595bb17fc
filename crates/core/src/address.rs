//! STREET_ADDRESS: street addresses read as words around a house number.
//!
//! Every address this recognizer reports has a house number, so it looks only at short digit
//! runs and reads the words around each:
//!
//! - number first (US, UK, Irish, French, Australian): `221B Baker Street`,
//!   `1600 Pennsylvania Ave NW`, `12 rue de la Paix`, `12, avenue des Champs-Élysées`: one to
//!   four name words ending in a street suffix (USPS and UK lists), or a French or Spanish
//!   street type followed by the name;
//! - name first (German, Dutch, Spanish, Italian, Portuguese, Nordic): `Hauptstraße 12`,
//!   `Berliner Str. 5a`, `Keizersgracht 123`, `Calle de Alcalá, 45`, `Via Roma 10`.
//!
//! The span then grows over what follows, one comma- or line-separated part at a time: a unit
//! (`Apt 4B`, `Suite 200`, `Flat 3`, `2º B`), a city with a US state and ZIP code
//! (`Springfield, IL 62704`), a UK postcode (`London NW1 6XE`), an Irish Eircode or postal
//! district (`Dublin 2, D02 X285`), a European postcode and city (`10115 Berlin`,
//! `1015 CJ Amsterdam`), and a country. A city alone is not taken: nothing tells it from the
//! next sentence's first word.

use crate::recognizers::Found;

/// The longest address reported, in bytes (a bound for streaming).
pub(crate) const MAX_ADDRESS_LEN: usize = 240;

/// Street suffixes after the name, as USPS and Royal Mail write them (lower case, no dot).
/// `true`: a full word, good evidence even in lower-case text; `false`: an abbreviation.
const SUFFIXES: &[(&str, bool)] = &[
    ("street", true),
    ("st", false),
    ("avenue", true),
    ("ave", false),
    ("av", false),
    ("road", true),
    ("rd", false),
    ("boulevard", true),
    ("blvd", false),
    ("drive", true),
    ("dr", false),
    ("lane", true),
    ("ln", false),
    ("court", true),
    ("ct", false),
    ("place", true),
    ("pl", false),
    ("terrace", true),
    ("ter", false),
    ("way", true),
    ("circle", true),
    ("cir", false),
    ("parkway", true),
    ("pkwy", false),
    ("highway", true),
    ("hwy", false),
    ("square", true),
    ("sq", false),
    ("trail", true),
    ("trl", false),
    ("crescent", true),
    ("cres", false),
    ("close", true),
    ("grove", true),
    ("gardens", true),
    ("gdns", false),
    ("mews", true),
    ("row", true),
    ("walk", true),
    ("rise", true),
    ("green", true),
    ("hill", true),
    ("alley", true),
    ("loop", true),
    ("plaza", true),
    ("pike", true),
    ("point", true),
    ("ridge", true),
    ("path", true),
    ("crossing", true),
    ("quay", true),
    ("wharf", true),
    ("esplanade", true),
    ("parade", true),
    ("broadway", true),
    ("view", true),
    ("park", true),
    ("heights", true),
    ("vale", true),
];

/// Street types written before the name (French, Spanish, Italian, Portuguese, Catalan).
const TYPES: &[&str] = &[
    "rue",
    "avenue",
    "av",
    "boulevard",
    "bd",
    "bld",
    "place",
    "chemin",
    "allée",
    "allee",
    "impasse",
    "quai",
    "cours",
    "route",
    "calle",
    "c/",
    "avenida",
    "avda",
    "paseo",
    "plaza",
    "pza",
    "carrer",
    "camino",
    "ronda",
    "travesía",
    "via",
    "viale",
    "piazza",
    "corso",
    "largo",
    "rua",
    "travessa",
    "praça",
];

/// Endings of German and Dutch street names written as one word (`Hauptstraße`, `Kalverstraat`).
const COMPOUND_ENDINGS: &[&str] = &[
    "straße", "strasse", "str", "weg", "gasse", "allee", "platz", "damm", "ufer", "chaussee",
    "straat", "gracht", "laan", "plein", "kade", "singel", "dijk", "steeg", "markt", "gatan",
    "vägen", "vej", "gade", "veien", "vegen", "katu", "kai", "graben", "brücke",
];

/// German street names that start with a preposition (`Am Sandtorkai 37`, `An der Alster 5`,
/// `Unter den Linden 77`), read name first only.
const DE_PREFIXES: &[&str] = &[
    "am", "an", "im", "auf", "zum", "zur", "unter", "hinter", "vor", "in", "bei",
];

/// Capitalised German words after such a preposition that are dates, not streets
/// (`Am Montag 5 Pakete`).
const NOT_STREETS: &[&str] = &[
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "januar",
    "februar",
    "märz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
    "ende",
    "anfang",
    "wochenende",
    "morgen",
    "abend",
];

/// Words between a type and the name (`rue de la Paix`, `Calle de Alcalá`, `Via dei Mille`).
const PARTICLES: &[&str] = &[
    "de", "la", "le", "les", "du", "des", "del", "los", "las", "di", "da", "dei", "della", "do",
    "dos", "das", "van", "der", "den", "von", "am", "an", "of", "the", "y", "e", "l'", "d'",
];

/// Unit designators.
const UNITS: &[&str] = &[
    "apt",
    "apartment",
    "suite",
    "ste",
    "unit",
    "flat",
    "fl",
    "floor",
    "room",
    "rm",
    "bldg",
    "building",
    "piso",
    "planta",
    "puerta",
    "bus",
    "boîte",
    "étage",
    "etage",
    "whg",
    "po",
];

const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "PR",
];

const COUNTRIES: &[&str] = &[
    "usa",
    "us",
    "united states",
    "uk",
    "united kingdom",
    "england",
    "scotland",
    "wales",
    "ireland",
    "germany",
    "deutschland",
    "france",
    "spain",
    "españa",
    "netherlands",
    "the netherlands",
    "nederland",
    "italy",
    "italia",
    "portugal",
    "belgium",
    "austria",
    "österreich",
    "switzerland",
    "canada",
    "australia",
];

const DIRECTIONS: &[&str] = &[
    "n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west",
];

/// Lower-case words that may follow an address in a sentence ("I live at 17 Kingsley Gardens
/// now"). Another lower-case word right after a bare street ("3 Main Street stores") makes it
/// a name used as an adjective, not an address, unless context says otherwise.
const FOLLOWERS: &[&str] = &[
    "in",
    "on",
    "at",
    "and",
    "or",
    "is",
    "was",
    "for",
    "to",
    "please",
    "but",
    "which",
    "where",
    "near",
    "by",
    "with",
    "since",
    "until",
    "now",
    "instead",
    "so",
    "if",
    "then",
    "when",
    "because",
    "as",
    "from",
    "the",
    "this",
    "that",
    "not",
    "yesterday",
    "today",
    "tomorrow",
    "last",
    "next",
    "before",
    "after",
    "are",
    "were",
    "has",
    "had",
    "have",
    "it",
    "they",
    "we",
    "i",
    "you",
    "he",
    "she",
    "thanks",
    "thank",
    "ok",
    "okay",
    "yeah",
    "right",
    "correct",
    "building",
    "house",
    "home",
    "flat",
    "unit",
    "suite",
    "apt",
    "apartment",
    "door",
    "entrance",
    "address",
    "there",
    "here",
    "also",
    "too",
    "again",
    "back",
    "just",
    "only",
    "still",
    "though",
    "while",
    "via",
    "off",
    "opposite",
    "behind",
    "across",
    "around",
    "about",
    "please",
    "asap",
    "instead",
    "anymore",
    "anyway",
    "but",
    "cheers",
    "x",
];

/// A word of the text: `start..end` without a trailing dot, `dot` when one follows.
#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
    dot: bool,
}

impl Word {
    /// The end including the dot.
    fn full_end(self) -> usize {
        self.end + usize::from(self.dot)
    }
}

fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || b == b'\'' || b == b'-'
}

/// The word starting at `i`, if a word starts there.
fn word_at(hay: &[u8], i: usize) -> Option<Word> {
    let mut end = i;
    while end < hay.len() && word_byte(hay[end]) {
        end += 1;
    }
    // "C/" (calle) is a word.
    if end == i + 1 && hay[i].eq_ignore_ascii_case(&b'c') && hay.get(end) == Some(&b'/') {
        end += 1;
    }
    if end == i {
        return None;
    }
    let dot =
        hay.get(end) == Some(&b'.') && hay.get(end + 1).is_none_or(|b| !b.is_ascii_alphanumeric());
    Some(Word { start: i, end, dot })
}

/// The word ending at `end` (exclusive, before any dot), if one does.
fn word_before(hay: &[u8], end: usize) -> Option<Word> {
    let mut start = end;
    while start > 0 && word_byte(hay[start - 1]) {
        start -= 1;
    }
    if start == end && end >= 2 && hay[end - 1] == b'/' && hay[end - 2].eq_ignore_ascii_case(&b'c')
    {
        start = end - 2;
    }
    (start < end).then_some(Word {
        start,
        end,
        dot: hay.get(end) == Some(&b'.'),
    })
}

/// A word in lower case (ASCII letters lowered; other characters as written), on the stack:
/// words are lowered around every short digit run, so this must not allocate.
struct Low {
    buf: [u8; 24],
    len: usize,
}

impl Low {
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl std::ops::Deref for Low {
    type Target = str;
    fn deref(&self) -> &str {
        std::str::from_utf8(self.bytes()).unwrap_or("")
    }
}

impl PartialEq<&str> for Low {
    fn eq(&self, other: &&str) -> bool {
        self.bytes() == other.as_bytes()
    }
}

impl PartialEq<Low> for &str {
    fn eq(&self, other: &Low) -> bool {
        self.as_bytes() == other.bytes()
    }
}

/// The word in lower case; longer words than any listed one read as empty.
fn lower(hay: &[u8], w: Word) -> Low {
    let mut low = Low {
        buf: [0; 24],
        len: 0,
    };
    let src = &hay[w.start..w.end];
    if let Some(dst) = low.buf.get_mut(..src.len()) {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = s.to_ascii_lowercase();
        }
        low.len = src.len();
    }
    low
}

/// Whether a lower-case word is in `list` (compares bytes, no UTF-8 check per entry).
fn listed(list: &[&str], word: &[u8]) -> bool {
    list.iter().any(|x| x.as_bytes() == word)
}

/// Whether a word starts with a capital letter (ASCII or not).
fn capitalised(hay: &[u8], w: Word) -> bool {
    let b = hay[w.start];
    if b.is_ascii() {
        return b.is_ascii_uppercase();
    }
    std::str::from_utf8(&hay[w.start..w.end.min(w.start + 4)])
        .ok()
        .or_else(|| {
            // The slice may cut a character: decode what is whole.
            std::str::from_utf8(&hay[w.start..w.end]).ok()
        })
        .and_then(|s| s.chars().next())
        .is_some_and(char::is_uppercase)
}

/// An ordinal street name: `5th`, `42nd`, `1st`.
fn ordinal(hay: &[u8], w: Word) -> bool {
    let s = &hay[w.start..w.end];
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let suffix = &s[digits..];
    (1..=3).contains(&digits)
        && [b"st", b"nd", b"rd", b"th"]
            .iter()
            .any(|x| suffix.eq_ignore_ascii_case(*x))
}

/// Skips the separator between two words of one part: one space.
fn after_space(hay: &[u8], i: usize) -> Option<usize> {
    (hay.get(i) == Some(&b' ')).then_some(i + 1)
}

/// Skips a separator between parts of an address (`, `, `,`, a line break, a space), returning
/// where the next part starts.
fn part_sep(hay: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    match hay.get(j) {
        Some(b',') => {
            j += 1;
            if matches!(hay.get(j), Some(b' ' | b'\n')) {
                j += 1;
            }
        }
        Some(b'\n') => j += 1,
        Some(b'\r') if hay.get(j + 1) == Some(&b'\n') => j += 2,
        Some(b' ') => j += 1,
        _ => return None,
    }
    Some(j)
}

/// How many ASCII digits start at `i`.
fn digits_at(hay: &[u8], i: usize) -> usize {
    hay.get(i..).map_or(0, |rest| {
        rest.iter().take_while(|b| b.is_ascii_digit()).count()
    })
}

/// The house number at `i`: 1-5 digits, an optional letter (`221B`), an optional range
/// (`12-14`). Returns its end.
fn house_number(hay: &[u8], i: usize) -> Option<usize> {
    let n = digits_at(hay, i);
    if n == 0 || n > 5 || hay[i] == b'0' {
        return None;
    }
    let mut end = i + n;
    if hay.get(end) == Some(&b'-') {
        let m = digits_at(hay, end + 1);
        if (1..=5).contains(&m) {
            end += 1 + m;
        }
    }
    if hay.get(end).is_some_and(u8::is_ascii_alphabetic)
        && !hay.get(end + 1).is_some_and(|&b| word_byte(b))
    {
        end += 1;
    }
    (!hay.get(end).is_some_and(|&b| word_byte(b))).then_some(end)
}

/// What a street part was recognised from.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Evidence {
    /// A full suffix or type word with capitalised names.
    Strong,
    /// An abbreviated suffix (`St`, `Rd`).
    Abbreviated,
    /// Lower-case names with a full suffix ("12 oak street", as speech is transcribed).
    LowerCase,
}

/// Number first: `221B Baker Street`, `12 rue de la Paix`. Returns the street's end.
fn number_first(hay: &[u8], num_end: usize) -> Option<(usize, Evidence)> {
    let mut i = num_end;
    if hay.get(i) == Some(&b',') {
        i += 1;
    }
    i = after_space(hay, i)?;
    let first = word_at(hay, i)?;
    let first_l = lower(hay, first);
    // A type before the name (French, Spanish): `rue de la Paix`. `Avenue` and `Place` are
    // English suffixes too (`12 Avenue Road`): read as a type when written lower case.
    let english = SUFFIXES.iter().any(|(s, _)| *s == first_l);
    if listed(TYPES, first_l.bytes()) && (!english || hay[first.start].is_ascii_lowercase()) {
        if let Some(found) = named_after_type(hay, first) {
            return Some(found);
        }
    }
    let mut words = 0;
    let mut best: Option<(usize, Evidence)> = None;
    let mut w = first;
    let mut lower_case = false;
    loop {
        let l = lower(hay, w);
        let cap = capitalised(hay, w);
        if words == 0 {
            lower_case = !cap && !ordinal(hay, w);
        }
        if words > 0 {
            if let Some(&(_, full)) = SUFFIXES.iter().find(|(s, _)| *s == l) {
                let ev = match (lower_case, full, cap) {
                    (false, true, true) => Some(Evidence::Strong),
                    (false, false, true) => Some(Evidence::Abbreviated),
                    (true, true, false) => Some(Evidence::LowerCase),
                    _ => None,
                };
                if let Some(ev) = ev {
                    let mut end = if full { w.end } else { w.full_end() };
                    // A direction after the suffix: `Ave NW`.
                    if let Some(d) = after_space(hay, end).and_then(|j| word_at(hay, j)) {
                        let dl = lower(hay, d);
                        if listed(DIRECTIONS, dl.bytes()) && hay[d.start].is_ascii_uppercase() {
                            end = d.full_end();
                        }
                    }
                    best = Some((end, ev));
                }
            }
        }
        let name_like = if lower_case {
            !cap && hay[w.start].is_ascii_lowercase()
        } else {
            cap || ordinal(hay, w) || (words > 0 && listed(PARTICLES, l.bytes()))
        };
        if !name_like {
            break;
        }
        words += 1;
        if words > 5 {
            break;
        }
        // Words of one street are joined by single spaces; a dot ends all but an
        // abbreviation inside the name (`St. James Place`).
        let Some(next) = after_space(hay, w.full_end()).and_then(|j| word_at(hay, j)) else {
            break;
        };
        w = next;
    }
    best
}

/// After a street type: `de la Paix`, `Mayor`, `Roma`. Returns the end of the name.
fn named_after_type(hay: &[u8], ty: Word) -> Option<(usize, Evidence)> {
    let mut end = None;
    let mut i = after_space(hay, ty.full_end());
    // `C/Mayor`: the name may follow the slash directly.
    if i.is_none() && hay[ty.start..ty.end].ends_with(b"/") {
        i = Some(ty.end);
    }
    let mut words = 0;
    while let Some(w) = i.and_then(|j| word_at(hay, j)) {
        let l = lower(hay, w);
        if capitalised(hay, w) || ordinal(hay, w) {
            end = Some(w.end);
        } else if !listed(PARTICLES, l.bytes()) && !l.starts_with("l'") && !l.starts_with("d'") {
            break;
        }
        words += 1;
        if words > 6 {
            break;
        }
        i = after_space(hay, w.end);
    }
    end.map(|e| (e, Evidence::Strong))
}

/// Name first: `Hauptstraße 12`, `Berliner Str. 5a`, `Calle de Alcalá, 45`, `Via Roma 10`.
/// Returns the street's start.
fn name_first(hay: &[u8], num_start: usize) -> Option<usize> {
    let mut i = num_start.checked_sub(1)?;
    if hay[i] != b' ' {
        return None;
    }
    if i > 0 && hay[i - 1] == b',' {
        i -= 1;
    }
    // The word before the number, with its dot (`Str.`).
    let mut end = i;
    if end > 0 && hay[end - 1] == b'.' {
        end -= 1;
    }
    let last = word_before(hay, end)?;
    // Both layouts end in a capitalised name word (`Hauptstraße`, `Calle de Alcalá`).
    if !capitalised(hay, last) {
        return None;
    }
    let l = lower(hay, last);
    let cap = true;
    // A compound street name: `Hauptstraße`, `Kalverstraat`, or a standalone `Straße` /
    // `Str.` after an adjective (`Berliner Straße`).
    if cap {
        if let Some(ending) = COMPOUND_ENDINGS.iter().find(|e| l.ends_with(*e)) {
            let abbreviated = *ending == "str";
            if abbreviated && !last.dot && l != "str" {
                // `...str` without a dot is not an abbreviation of `straße` (`Mistr`).
                return None;
            }
            if l.len() > ending.len() {
                return Some(last.start);
            }
            // The suffix alone: one capitalised word before it.
            let prev = last
                .start
                .checked_sub(1)
                .filter(|&p| hay[p] == b' ')
                .and_then(|p| word_before(hay, p))?;
            return capitalised(hay, prev).then_some(prev.start);
        }
    }
    // A type word up to six words back: `Calle de Alcalá`, `Via Roma`, `Am Sandtorkai`.
    let mut w = last;
    let mut named = false;
    for _ in 0..7 {
        let wl = lower(hay, w);
        if listed(TYPES, wl.bytes()) && capitalised(hay, w) {
            return named.then_some(w.start);
        }
        if listed(DE_PREFIXES, wl.bytes()) && capitalised(hay, w) && named {
            return (!listed(NOT_STREETS, lower(hay, last).bytes())).then_some(w.start);
        }
        if capitalised(hay, w) {
            named = true;
        } else if !listed(PARTICLES, wl.bytes()) {
            return None;
        }
        w = w
            .start
            .checked_sub(1)
            .filter(|&p| hay[p] == b' ')
            .and_then(|p| word_before(hay, p))?;
    }
    None
}

/// A unit after the street: `Apt 4B`, `Suite 200`, `#12`, `2º B`. Returns its end.
fn unit(hay: &[u8], i: usize) -> Option<usize> {
    if hay.get(i) == Some(&b'#') {
        let n = hay[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        return (1..=6).contains(&n).then_some(i + 1 + n);
    }
    let w = word_at(hay, i)?;
    let l = lower(hay, w);
    // Spanish floors: `2º B`, `3º izq`.
    let s = &hay[w.start..w.end];
    let floor = s.len() >= 3
        && s[0].is_ascii_digit()
        && (s.ends_with("º".as_bytes()) || s.ends_with("ª".as_bytes()));
    if floor {
        let mut end = w.end;
        if let Some(next) = after_space(hay, end).and_then(|j| word_at(hay, j)) {
            if next.end - next.start <= 4 {
                end = next.full_end();
            }
        }
        return Some(end);
    }
    if !listed(UNITS, l.bytes()) {
        return None;
    }
    // `PO` only as in `PO Box 12`.
    let mut j = w.full_end();
    if l == "po" {
        let bx = after_space(hay, j).and_then(|k| word_at(hay, k))?;
        if lower(hay, bx) != "box" {
            return None;
        }
        j = bx.end;
    }
    if hay.get(j) == Some(&b' ') || hay.get(j) == Some(&b'#') {
        j += 1;
    }
    if hay.get(j) == Some(&b'#') {
        j += 1;
    }
    let n = hay[j..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    // A unit number has a digit, or is a letter or two (`Flat B`); not a word ("apartment
    // is fine").
    let id = &hay[j..j + n];
    let ok = (1..=8).contains(&n)
        && (id.iter().any(u8::is_ascii_digit) || (n <= 2 && id.iter().all(u8::is_ascii_uppercase)));
    ok.then_some(j + n)
}

/// A UK postcode at `i` (`SW1A 2AA`, `NW1 6XE`, `M1 1AE`); returns its end.
fn uk_postcode(hay: &[u8], i: usize) -> Option<usize> {
    let up = |k: usize| hay.get(k).is_some_and(u8::is_ascii_uppercase);
    let dig = |k: usize| hay.get(k).is_some_and(u8::is_ascii_digit);
    let mut j = i;
    if !up(j) {
        return None;
    }
    j += 1;
    if up(j) {
        j += 1;
    }
    if !dig(j) {
        return None;
    }
    j += 1;
    if up(j) || dig(j) {
        j += 1;
    }
    if hay.get(j) == Some(&b' ') {
        j += 1;
    }
    if !(dig(j) && up(j + 1) && up(j + 2)) {
        return None;
    }
    j += 3;
    (!hay.get(j).is_some_and(|&b| word_byte(b))).then_some(j)
}

/// An Irish Eircode at `i` (`D02 X285`, `A65 F4E2`); returns its end.
fn eircode(hay: &[u8], i: usize) -> Option<usize> {
    let s = hay.get(i..i + 8)?;
    let alnum = |b: &u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    let ok = s[0].is_ascii_uppercase()
        && s[1].is_ascii_digit()
        && (s[2].is_ascii_digit() || s[2] == b'W')
        && s[3] == b' '
        && s[4..8].iter().all(alnum);
    (ok && !hay.get(i + 8).is_some_and(|&b| word_byte(b))).then_some(i + 8)
}

/// A European or US postcode at `i`: 4-5 digits, Dutch `1015 CJ`, Portuguese `1100-148`.
fn numeric_postcode(hay: &[u8], i: usize) -> Option<usize> {
    let n = digits_at(hay, i);
    if !(4..=5).contains(&n) {
        return None;
    }
    let mut end = i + n;
    // ZIP+4 and Portuguese codes.
    if hay.get(end) == Some(&b'-') {
        let m = digits_at(hay, end + 1);
        if m == 3 || m == 4 {
            end += 1 + m;
        }
    } else if n == 4
        && hay.get(end) == Some(&b' ')
        && hay.get(end + 1).is_some_and(u8::is_ascii_uppercase)
        && hay.get(end + 2).is_some_and(u8::is_ascii_uppercase)
        && !hay.get(end + 3).is_some_and(|&b| word_byte(b))
    {
        end += 3;
    }
    (!hay.get(end).is_some_and(|&b| word_byte(b))).then_some(end)
}

/// Capitalised words of a place name (`Springfield`, `San Francisco`, `Dublin 2`,
/// `Saint-Étienne`, `Co. Cork`); returns their end.
fn city(hay: &[u8], i: usize) -> Option<usize> {
    let mut end = None;
    let mut j = i;
    for _ in 0..3 {
        let Some(w) = word_at(hay, j) else { break };
        let l = lower(hay, w);
        let text = &hay[w.start..w.end];
        let name = capitalised(hay, w)
            && !text.iter().any(u8::is_ascii_digit)
            && !text.iter().all(u8::is_ascii_uppercase);
        if !(name || end.is_some() && listed(PARTICLES, l.bytes())) {
            break;
        }
        // `Co. Cork`, `St. Louis`.
        end = Some(if w.dot && matches!(&*l, "co" | "st" | "ste" | "mt") {
            w.full_end()
        } else {
            w.end
        });
        let Some(k) = after_space(hay, end.unwrap_or(w.end)) else {
            break;
        };
        j = k;
    }
    let mut end = end?;
    // `Dublin 2`, `Dublin 24`: a postal district.
    if let Some(k) = after_space(hay, end) {
        let n = digits_at(hay, k);
        if (1..=2).contains(&n)
            && !hay.get(k + n).is_some_and(|&b| word_byte(b))
            && hay[i..end].eq_ignore_ascii_case(b"dublin")
        {
            end = k + n;
        }
    }
    Some(end)
}

fn us_state(hay: &[u8], i: usize) -> Option<usize> {
    let s = hay.get(i..i + 2)?;
    let ok = US_STATES.iter().any(|st| st.as_bytes() == s);
    (ok && !hay.get(i + 2).is_some_and(|&b| word_byte(b))).then_some(i + 2)
}

/// One part of the locality after the street, starting at `i`, with a postcode or a state;
/// returns its end.
fn locality_part(hay: &[u8], i: usize) -> Option<usize> {
    // A postcode, then maybe a city: `10115 Berlin`, `1015 CJ Amsterdam`, `SW1A 2AA`.
    if let Some(end) = numeric_postcode(hay, i)
        .or_else(|| uk_postcode(hay, i))
        .or_else(|| eircode(hay, i))
    {
        return Some(
            after_space(hay, end)
                .and_then(|k| city(hay, k))
                .unwrap_or(end),
        );
    }
    // A city, then a state and ZIP or a postcode: `Springfield, IL 62704`, `London NW1 6XE`,
    // `Dublin 2, D02 X285`.
    let c = city(hay, i)?;
    let k = part_sep(hay, c)?;
    us_state(hay, k)
        .map(|e| {
            after_space(hay, e)
                .and_then(|z| numeric_postcode(hay, z))
                .unwrap_or(e)
        })
        .or_else(|| uk_postcode(hay, k))
        .or_else(|| eircode(hay, k))
        .or_else(|| numeric_postcode(hay, k))
}

fn country(hay: &[u8], i: usize) -> Option<usize> {
    let mut best = None;
    let mut j = i;
    let mut words = 0;
    while let Some(w) = word_at(hay, j) {
        words += 1;
        if words > 2 || !(capitalised(hay, w) || &*lower(hay, w) == "the") {
            break;
        }
        let l = String::from_utf8_lossy(&hay[i..w.end]).to_lowercase();
        if listed(COUNTRIES, l.as_bytes()) {
            best = Some(w.end);
        }
        let Some(k) = after_space(hay, w.end) else {
            break;
        };
        j = k;
    }
    best
}

/// Grows an address over its unit, locality and country. Returns the end and whether a
/// postal part was found.
fn tail(hay: &[u8], mut end: usize) -> (usize, bool) {
    let mut postal = false;
    if let Some(u) = part_sep(hay, end).and_then(|k| unit(hay, k)) {
        end = u;
    }
    if let Some(p) = part_sep(hay, end).and_then(|k| locality_part(hay, k)) {
        end = p;
        postal = true;
    }
    if postal {
        if let Some(c) = part_sep(hay, end).and_then(|k| country(hay, k)) {
            end = c;
        }
    }
    (end, postal)
}

/// For a surrogate: when `word` of a street is a name to replace, the part of it to keep
/// (`""`, or a compound's ending: `straße` of `Hauptstraße`); `None` for suffixes, types,
/// units, particles and directions, which stay.
pub(crate) fn street_word_kept(word: &str) -> Option<&str> {
    let l = word.to_lowercase();
    let listed = SUFFIXES.iter().any(|(s, _)| *s == l)
        || listed(TYPES, l.as_bytes())
        || listed(UNITS, l.as_bytes())
        || listed(PARTICLES, l.as_bytes())
        || listed(DIRECTIONS, l.as_bytes());
    if listed {
        return None;
    }
    for ending in COMPOUND_ENDINGS {
        if l.len() > ending.len() && l.ends_with(ending) {
            // The ending as written, when lower-casing kept the byte offsets.
            let cut = l.len() - ending.len();
            return Some(if word.len() == l.len() {
                word.get(cut..).unwrap_or(ending)
            } else {
                ending
            });
        }
    }
    Some("")
}

/// Finds street addresses in `hay` into `out`.
pub(crate) fn find(hay: &[u8], out: &mut Vec<Found>) {
    let mut i = 0;
    let mut last_end = 0;
    while i < hay.len() {
        let Some(start) = crate::engine::find_digit(hay, i) else {
            break;
        };
        let run = hay[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        i = start + run;
        if start < last_end {
            continue;
        }
        let boundary = start == 0 || !word_byte(hay[start - 1]) && hay[start - 1] != b'.';
        if !boundary {
            continue;
        }
        let Some(num_end) = house_number(hay, start) else {
            continue;
        };
        let street = number_first(hay, num_end)
            .map(|(e, ev)| (start, e, ev))
            .or_else(|| {
                let s = name_first(hay, start)?;
                // `5a`, then a Spanish floor or other unit in `tail`.
                Some((s, num_end, Evidence::Strong))
            });
        let Some((s, e, ev)) = street else { continue };
        let (mut end, postal) = tail(hay, e);
        // A dot at the end is the sentence's (`... to 12 Main St. Thanks`).
        if hay[end - 1] == b'.' {
            end -= 1;
        }
        if end - s > MAX_ADDRESS_LEN {
            continue;
        }
        // "3 Main Street stores": the street names something else.
        let adjective = !postal
            && end == e
            && after_space(hay, end)
                .and_then(|j| word_at(hay, j))
                .is_some_and(|w| {
                    hay[w.start].is_ascii_lowercase() && !listed(FOLLOWERS, lower(hay, w).bytes())
                });
        let score = match (ev, postal) {
            _ if adjective => 0.4,
            (_, true) => 0.95,
            (Evidence::Strong, false) => 0.85,
            (Evidence::Abbreviated, false) => 0.75,
            (Evidence::LowerCase, false) => 0.6,
        };
        out.push(Found {
            start: s,
            end,
            score,
        });
        last_end = end;
        i = i.max(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find(text.as_bytes(), &mut out);
        out.iter().map(|f| &text[f.start..f.end]).collect()
    }

    #[test]
    fn us_and_uk_addresses() {
        assert_eq!(
            spans("ship it to 1600 Pennsylvania Ave NW, Washington, DC 20500 please"),
            ["1600 Pennsylvania Ave NW, Washington, DC 20500"]
        );
        assert_eq!(
            spans("I live at 742 Evergreen Terrace, Apt 4B, Springfield, IL 62704-1234."),
            ["742 Evergreen Terrace, Apt 4B, Springfield, IL 62704-1234"]
        );
        assert_eq!(
            spans("221B Baker Street\nLondon NW1 6XE\nUnited Kingdom"),
            ["221B Baker Street\nLondon NW1 6XE\nUnited Kingdom"]
        );
        assert_eq!(spans("moved to 12 Main St. last week"), ["12 Main St"]);
        assert_eq!(spans("at 12 oak road apartment is fine"), ["12 oak road"]);
        assert_eq!(
            spans("at 350 5th Avenue, New York, NY 10118"),
            ["350 5th Avenue, New York, NY 10118"]
        );
        assert_eq!(spans("i live at 12 oak street in town"), ["12 oak street"]);
    }

    #[test]
    fn european_addresses() {
        assert_eq!(
            spans("Lieferung an Hauptstraße 12, 10115 Berlin bitte"),
            ["Hauptstraße 12, 10115 Berlin"]
        );
        assert_eq!(
            spans("Berliner Str. 5a, 80331 München"),
            ["Berliner Str. 5a, 80331 München"]
        );
        assert_eq!(
            spans("Keizersgracht 123, 1015 CJ Amsterdam"),
            ["Keizersgracht 123, 1015 CJ Amsterdam"]
        );
        assert_eq!(
            spans("envoyez au 12 rue de la Paix, 75002 Paris, France"),
            ["12 rue de la Paix, 75002 Paris, France"]
        );
        assert_eq!(
            spans("Calle de Alcalá, 45, 2º B, 28014 Madrid"),
            ["Calle de Alcalá, 45, 2º B, 28014 Madrid"]
        );
        assert_eq!(
            spans("Via Roma 10, 00184 Roma"),
            ["Via Roma 10, 00184 Roma"]
        );
        assert_eq!(
            spans("12 Main Street, Dublin 2, D02 X285"),
            ["12 Main Street, Dublin 2, D02 X285"]
        );
    }

    #[test]
    fn not_addresses() {
        assert!(spans("I waited 20 minutes on hold").is_empty());
        assert!(spans("order 12 Main items").is_empty());
        assert!(spans("called 3 times, Dr Smith said").is_empty());
        assert!(spans("version 2.5 St").is_empty());
        assert!(spans("we had 3 Way calls").is_empty());
        let mut out = Vec::new();
        find(b"We have 3 Main Street stores", &mut out);
        assert!(out.iter().all(|f| f.score < 0.5));
        assert!(spans("").is_empty());
    }
}
