//! PERSON: names found from gazetteer evidence, capitalisation and the cues around them.
//!
//! Patterns cannot find names, so this recognizer reads the text as words. A run of
//! capitalised words (with name particles such as "van der" inside) is a candidate; so is a
//! run of lower-case words right after an introduction ("my name is john smith", as speech
//! recognisers write it). Its score comes from:
//!
//! - the US Census 1990 first-name and surname lists (`data/census1990`), by frequency;
//! - cues: titles (Mr, Ms, Dr), introductions ("my name is", "this is", "speaking with"),
//!   greetings ("Dear", "Hi"), sign-offs on the line before ("Thanks,\nMaria"), speaker labels
//!   ("Agent Maria:", "[12:01] Maria Lopez:"), e-mail display names ("Maria Lopez <m@x.org>");
//! - words that are names and ordinary words or places ("Will", "May", "Brown", "Paris",
//!   `data/person_words.txt`), which need a cue or a known first name next to them.
//!
//! Names outside the US lists (German, French, Spanish, Dutch, Irish) are found through the
//! cues and through a known first name or surname beside them.

use crate::recognizers::Found;
use std::collections::HashMap;
use std::sync::OnceLock;

const MALE_FIRST: &str = include_str!("../data/census1990/dist.male.first");
const FEMALE_FIRST: &str = include_str!("../data/census1990/dist.female.first");
const ALL_LAST: &str = include_str!("../data/census1990/dist.all.last");
const NAME_WORDS: &str = include_str!("../data/person_words.txt");

/// The longest name reported, in bytes (a bound for streaming).
pub(crate) const MAX_NAME_LEN: usize = 96;
/// Names have at most this many words.
const MAX_WORDS: usize = 5;

/// Frequency of a name in the census sample, in percent (0 when absent). Entries listed with
/// 0.000 are present but rare; they count as `RARE`.
#[derive(Clone, Copy, Default, Debug)]
struct NameInfo {
    first: f32,
    last: f32,
}

const RARE: f32 = 0.0001;

/// What the recognizer knows about one lower-case word.
#[derive(Clone, Copy, Default, Debug)]
struct Info {
    name: NameInfo,
    common: bool,
    role: bool,
    title: bool,
    greeting: bool,
    particle: bool,
    header: bool,
    /// A street or organisation word after a capitalised run ("Baker Street", "Acme Ltd").
    not_person_after: bool,
    /// A preposition of place before a run ("in Paris", "to Leon").
    locative: bool,
    /// The last word of an introduction ("is" in "my name is").
    intro_end: bool,
}

/// FNV-1a: short keys, no need for SipHash's flooding resistance on a fixed table.
#[derive(Default, Clone, Copy)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvBuild = std::hash::BuildHasherDefault<Fnv>;
/// Sets one flag of a word's `Info`.
type Mark = fn(&mut Info);

/// Every word the recognizer knows, lower case.
/// The most frequent first names (men's and women's lists interleaved) or surnames of the
/// census lists, upper case as the lists write them: material for realistic fakes.
pub(crate) fn common_names(first: bool) -> &'static [&'static str] {
    static FIRST: OnceLock<Vec<&'static str>> = OnceLock::new();
    static LAST: OnceLock<Vec<&'static str>> = OnceLock::new();
    let names = |table: &'static str, n: usize| {
        table
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .take(n)
    };
    if first {
        FIRST.get_or_init(|| {
            let mut v: Vec<&str> = names(MALE_FIRST, 300)
                .zip(names(FEMALE_FIRST, 300))
                .flat_map(|(m, f)| [m, f])
                .collect();
            v.dedup();
            v
        })
    } else {
        LAST.get_or_init(|| names(ALL_LAST, 2000).collect())
    }
}

/// Builds the word table now (about 95,000 entries) rather than on the first scan, so that
/// a service pays for it when it compiles its engine, not on its first request.
pub(crate) fn warm() {
    lexicon();
}

fn lexicon() -> &'static HashMap<Box<[u8]>, Info, FnvBuild> {
    static G: OnceLock<HashMap<Box<[u8]>, Info, FnvBuild>> = OnceLock::new();
    G.get_or_init(|| {
        let mut map: HashMap<Box<[u8]>, Info, FnvBuild> =
            HashMap::with_capacity_and_hasher(95_000, FnvBuild::default());
        let key = |w: &str| -> Box<[u8]> { w.to_ascii_lowercase().into_bytes().into() };
        for (table, first) in [(MALE_FIRST, true), (FEMALE_FIRST, true), (ALL_LAST, false)] {
            for line in table.lines() {
                let mut parts = line.split_whitespace();
                let (Some(name), Some(freq)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let freq = freq.parse::<f32>().unwrap_or(0.0).max(RARE);
                let e = &mut map.entry(key(name)).or_default().name;
                if first {
                    e.first = e.first.max(freq);
                } else {
                    e.last = e.last.max(freq);
                }
            }
        }
        let words = NAME_WORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        for w in words {
            map.entry(key(w)).or_default().common = true;
        }
        let lists: [(&[&str], Mark); 7] = [
            (ROLES, |i| i.role = true),
            (TITLES, |i| i.title = true),
            (GREETINGS, |i| i.greeting = true),
            (PARTICLES, |i| i.particle = true),
            (HEADERS, |i| i.header = true),
            (NOT_PERSON_AFTER, |i| i.not_person_after = true),
            (LOCATIVES, |i| i.locative = true),
        ];
        for (list, set) in lists {
            for w in list {
                set(map.entry(key(w)).or_default());
            }
        }
        for (intro, _) in INTRODUCTIONS {
            if let Some(last) = intro.last() {
                map.entry(key(last)).or_default().intro_end = true;
            }
        }
        map
    })
}

/// What is known about `word` (any case).
fn info(word: &[u8]) -> Info {
    let mut buf = [0u8; 32];
    let Some(key) = buf.get_mut(..word.len()) else {
        return Info::default();
    };
    for (k, &b) in key.iter_mut().zip(word) {
        *k = b.to_ascii_lowercase();
    }
    let lex = lexicon();
    match lex.get(&*key) {
        Some(i) => *i,
        // "O'Brien" is listed as OBRIEN.
        None if key.iter().any(|&b| b == b'\'' || b == b'-') => {
            let mut squeezed = [0u8; 32];
            let mut n = 0;
            for &b in key.iter().filter(|b| b.is_ascii_alphabetic()) {
                squeezed[n] = b;
                n += 1;
            }
            lex.get(&squeezed[..n]).copied().unwrap_or_default()
        }
        None => Info::default(),
    }
}

/// Prepositions of place: a capitalised run after them is more likely a place.
const LOCATIVES: &[&str] = &[
    "in",
    "at",
    "from",
    "to",
    "near",
    "via",
    "into",
    "across",
    "around",
    "toward",
    "towards",
    "visiting",
    "outside",
    "inside",
    "throughout",
    "within",
];

/// Words that name a role in a conversation: never part of a name, but a cue before one
/// ("Agent Maria:").
const ROLES: &[&str] = &[
    "agent",
    "customer",
    "user",
    "bot",
    "system",
    "support",
    "caller",
    "rep",
    "representative",
    "advisor",
    "adviser",
    "operator",
    "assistant",
    "specialist",
    "technician",
    "manager",
    "supervisor",
    "client",
    "guest",
    "visitor",
    "member",
    "patient",
    "driver",
    "courier",
];
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "madam",
    "mister",
    "herr",
    "frau",
    "monsieur",
    "madame",
    "mme",
    "mlle",
    "senor",
    "señor",
    "senora",
    "señora",
    "sr",
    "sra",
    "dhr",
    "mevr",
];
const GREETINGS: &[&str] = &[
    "dear",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank",
    "cheers",
    "morning",
    "afternoon",
    "evening",
    "bye",
    "goodbye",
    "welcome",
    "congratulations",
];
/// Introductions, as word sequences; the name follows (after ":", "?", "," or a space).
/// Weak ones are everyday phrases too: in lower-case text they need a gazetteer first name
/// after them.
const INTRODUCTIONS: &[(&[&str], Cue)] = &[
    (&["my", "name", "is"], Cue::Strong),
    (&["my", "name", "s"], Cue::Strong),
    (&["name", "is"], Cue::Strong),
    (&["name"], Cue::Strong),
    (&["this", "is"], Cue::Weak),
    (&["i", "am"], Cue::Weak),
    (&["i", "m"], Cue::Weak),
    (&["it", "is"], Cue::Weak),
    (&["it", "s"], Cue::Weak),
    (&["speaking", "with"], Cue::Strong),
    (&["speaking", "to"], Cue::Strong),
    (&["spoke", "with"], Cue::Strong),
    (&["spoke", "to"], Cue::Strong),
    (&["speak", "to"], Cue::Strong),
    (&["speak", "with"], Cue::Strong),
    (&["talking", "to"], Cue::Strong),
    (&["talked", "to"], Cue::Strong),
    (&["call", "me"], Cue::Strong),
    (&["called"], Cue::Weak),
    (&["named"], Cue::Strong),
    (&["signed"], Cue::Strong),
    (&["cardholder"], Cue::Strong),
    (&["holder"], Cue::Strong),
    (&["regards"], Cue::Weak),
    (&["sincerely"], Cue::Strong),
    (&["attn"], Cue::Strong),
    (&["contact"], Cue::Weak),
];
/// Header fields followed by a name.
const HEADERS: &[&str] = &["from", "to", "cc", "bcc", "sender", "attn", "signed"];
/// Lines that end a message, after which a line holding only a name is a signature.
const SIGN_OFFS: &[&str] = &[
    "thanks",
    "thank you",
    "many thanks",
    "regards",
    "best regards",
    "kind regards",
    "warm regards",
    "best",
    "best wishes",
    "cheers",
    "sincerely",
    "yours sincerely",
    "yours truly",
    "all the best",
    "talk soon",
    "thx",
    "ty",
    "--",
];
/// Particles inside names ("Ludwig van Beethoven", "Maria de la Cruz").
const PARTICLES: &[&str] = &[
    "van", "der", "den", "de", "del", "della", "la", "le", "von", "da", "di", "du", "dos", "das",
    "ter", "ten", "bin", "ibn", "al", "el", "y", "zu",
];
/// Words after a capitalised run that make it a place or an organisation.
const NOT_PERSON_AFTER: &[&str] = &[
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "lane",
    "ln",
    "drive",
    "dr",
    "boulevard",
    "blvd",
    "court",
    "ct",
    "place",
    "pl",
    "square",
    "way",
    "inc",
    "ltd",
    "llc",
    "corp",
    "co",
    "gmbh",
    "plc",
    "sa",
    "bv",
    "university",
    "college",
    "school",
    "bank",
    "hospital",
    "hotel",
    "airport",
    "station",
    "park",
    "county",
    "city",
    "state",
    "river",
    "lake",
    "mountain",
    "group",
    "foundation",
    "institute",
    "center",
    "centre",
    "church",
    // Job titles after a name-like run ("Customer Experience Lead", "Account Manager").
    "lead",
    "manager",
    "director",
    "officer",
    "specialist",
    "team",
    "support",
    "services",
    "service",
    "experience",
    "operations",
    "department",
    "dept",
    "coordinator",
    "representative",
    "supervisor",
    "assistant",
    "executive",
    "engineer",
    "analyst",
    "desk",
    "success",
    "relations",
    "administrator",
    "consultant",
    "strasse",
    "straße",
    "weg",
    "platz",
    "gasse",
    "allee",
    "rue",
    "calle",
    "avenida",
    "plaza",
    "straat",
    "laan",
    "plein",
    "union",
    "orchestra",
    "associates",
    "technologies",
    "technology",
    "weekly",
    "times",
    "news",
    "magazine",
    "records",
    "band",
    "society",
    "partners",
    "holdings",
    "systems",
    "solutions",
    "services",
    "labs",
    "media",
    "press",
    "club",
    "gateway",
    "extensions",
    "company",
];

/// One word of the text: its bytes, and how it is written.
#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
    /// First letter upper case, not every letter (a name, not an acronym).
    cap: bool,
    /// Every letter lower case.
    lower: bool,
}

/// The character at `i` when it is a letter, with its length in bytes.
fn letter_at(hay: &[u8], i: usize) -> Option<(char, usize)> {
    let b = *hay.get(i)?;
    if b.is_ascii() {
        return b.is_ascii_alphabetic().then_some((char::from(b), 1));
    }
    let len = match b {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(hay.get(i..i + len)?).ok()?;
    let c = s.chars().next()?;
    c.is_alphabetic().then_some((c, len))
}

/// Splits `hay[from..to]` into words: letters, with an inner apostrophe or hyphen followed
/// by a letter ("O'Brien", "Jean-Luc").
fn words(hay: &[u8], from: usize, to: usize, out: &mut Vec<Word>) {
    out.clear();
    let mut i = from;
    while i < to {
        let Some((c, len)) = letter_at(hay, i) else {
            i += 1;
            continue;
        };
        let start = i;
        let (mut upper, mut lower, first_upper) = (0usize, 0usize, c.is_uppercase());
        let mut count = |c: char| {
            if c.is_uppercase() {
                upper += 1;
            } else if c.is_lowercase() {
                lower += 1;
            }
        };
        count(c);
        i += len;
        loop {
            if let Some((c, len)) = letter_at(hay, i) {
                count(c);
                i += len;
                continue;
            }
            // Inner joiners: a hyphen before a letter ("Jean-Luc"); an apostrophe before a
            // capital ("O'Brien"), not before a contraction ("I'm", "Maria's").
            let (joiner, apostrophe) = match hay.get(i) {
                Some(b'-') => (1, false),
                Some(b'\'') => (1, true),
                Some(0xE2) if hay.get(i + 1..i + 3) == Some(&[0x80, 0x99]) => (3, true),
                _ => (0, false),
            };
            if joiner > 0 && i + joiner < to {
                if let Some((next, _)) = letter_at(hay, i + joiner) {
                    if !apostrophe || next.is_uppercase() {
                        i += joiner;
                        continue;
                    }
                }
            }
            break;
        }
        let end = i.min(to);
        // Letters glued to digits, to an address or a path ("2F", "A1", "x@y", "a_b",
        // "https://SecurityAd.es/", "file.Name") are codes, not words.
        let glued = |b: Option<&u8>| {
            b.is_some_and(|&b| b.is_ascii_digit() || matches!(b, b'_' | b'@' | b'/' | b'\\'))
        };
        let dotted = |i: usize| {
            hay.get(i) == Some(&b'.') && hay.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
        };
        let before = start.checked_sub(1);
        let code = glued(before.and_then(|j| hay.get(j)))
            || before.is_some_and(|j| j > 0 && dotted(j) && hay[j - 1].is_ascii_alphanumeric())
            || glued(hay.get(end))
            || dotted(end);
        out.push(Word {
            start,
            end,
            cap: !code && first_upper && (lower > 0 || upper == 1),
            lower: !code && upper == 0,
        });
        i = end;
    }
}

/// Reusable buffers.
#[derive(Default, Debug)]
pub(crate) struct PersonScratch {
    words: Vec<Word>,
    infos: Vec<Info>,
    /// The word after "and" that follows a name ("Sinéad Ní Bhriain and Joost van Dijk"):
    /// a second name there has a weak cue.
    coordinated: Option<usize>,
}

/// Which cue stands right before word `k` of the line.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cue {
    None,
    /// Title, introduction, greeting, role, header: strong.
    Strong,
    /// An everyday phrase that introduces names too ("this is").
    Weak,
}

/// Only these bytes may stand between a cue and the name it introduces.
fn gap_ok(gap: &[u8]) -> bool {
    gap.len() <= 4
        && gap
            .iter()
            .all(|&b| matches!(b, b' ' | b'\t' | b':' | b',' | b'?' | b'.' | b'-' | b'!'))
        && gap.iter().filter(|&&b| b == b' ' || b == b'\t').count() <= 2
}

impl PersonScratch {
    /// Whether word `k` is `lower_case_word`, in any case.
    fn is(&self, hay: &[u8], k: usize, lower_case_word: &str) -> bool {
        let w = &self.words[k];
        hay[w.start..w.end].eq_ignore_ascii_case(lower_case_word.as_bytes())
    }

    fn cue_before(&self, hay: &[u8], k: usize) -> Cue {
        let w = &self.words;
        let Some(prev) = k.checked_sub(1) else {
            return Cue::None;
        };
        let gap = &hay[w[prev].end..w[k].start];
        if !gap_ok(gap) {
            return Cue::None;
        }
        if self.coordinated == Some(k) {
            return Cue::Weak;
        }
        let pi = &self.infos[prev];
        // "Mr Okafor", "Mr. Okafor", "Agent Maria", "Hi Maria", "Dear, Maria": titles and roles
        // stand right before the name; a role followed by a colon is a speaker label.
        // E-mail headers: "From: Maria Lopez".
        if pi.header && gap == b": " {
            return Cue::Strong;
        }
        if (pi.title && (gap == b" " || gap == b". "))
            || (pi.role && gap == b" ")
            || (pi.greeting && (gap == b" " || gap == b", "))
        {
            return Cue::Strong;
        }
        // Every introduction ends in a word marked `intro_end`: most words end none.
        if !pi.intro_end {
            return Cue::None;
        }
        for &(intro, strength) in INTRODUCTIONS {
            let n = intro.len();
            if k < n {
                continue;
            }
            let at = k - n;
            let matches = (0..n).all(|j| self.is(hay, at + j, intro[j]))
                && (0..n.saturating_sub(1)).all(|j| {
                    let gap = &hay[w[at + j].end..w[at + j + 1].start];
                    gap == b" " || gap == b"'" || gap == "\u{2019}".as_bytes()
                });
            if matches {
                return strength;
            }
        }
        Cue::None
    }
}

/// Whether the line before `line_start` is a sign-off ("Thanks," "Best regards,").
fn after_sign_off(hay: &[u8], line_start: usize) -> bool {
    let Some(prev_end) = line_start.checked_sub(1) else {
        return false;
    };
    let from = memchr::memrchr(b'\n', &hay[..prev_end]).map_or(0, |i| i + 1);
    let line = hay[from..prev_end].trim_ascii();
    let line = line
        .strip_suffix(b",")
        .or_else(|| line.strip_suffix(b"!"))
        .unwrap_or(line)
        .trim_ascii_end();
    line.len() <= 20
        && SIGN_OFFS
            .iter()
            .any(|s| line.eq_ignore_ascii_case(s.as_bytes()))
}

/// Finds PERSON candidates in `hay`, line by line.
pub(crate) fn find(hay: &[u8], s: &mut PersonScratch, out: &mut Vec<Found>) {
    let mut line_start = 0;
    while line_start < hay.len() {
        let line_end =
            memchr::memchr(b'\n', &hay[line_start..]).map_or(hay.len(), |i| line_start + i);
        find_in_line(hay, line_start, line_end, s, out);
        line_start = line_end + 1;
    }
}

fn find_in_line(hay: &[u8], ls: usize, le: usize, s: &mut PersonScratch, out: &mut Vec<Found>) {
    words(hay, ls, le, &mut s.words);
    let n = s.words.len();
    if n == 0 {
        return;
    }
    s.infos.clear();
    for k in 0..n {
        let w = s.words[k];
        s.infos.push(info(&hay[w.start..w.end]));
    }
    s.coordinated = None;
    let mut k = 0;
    while k < n {
        let w = s.words[k];
        let i = s.infos[k];
        if w.cap && !i.role && !i.title {
            let end = capitalised_run(hay, s, k);
            let before = out.len();
            score_run(hay, s, k, end, ls, le, out);
            // A name followed by "and" and another capitalised run.
            let named = out[before..]
                .last()
                .is_some_and(|f| f.score >= 0.5 && f.end == s.words[end - 1].end);
            if named && end + 1 < n {
                let joiner = &hay[s.words[end].start..s.words[end].end];
                let gap = &hay[s.words[end - 1].end..s.words[end].start];
                if joiner == b"and" && gap == b" " {
                    s.coordinated = Some(end + 1);
                }
            }
            k = end.max(k + 1);
            continue;
        }
        let cue_word = |p: &Info| p.intro_end || p.role || p.title || p.greeting || p.header;
        if w.lower && !i.particle && k > 0 && cue_word(&s.infos[k - 1]) {
            if let Some(end) = lower_case_name(hay, s, k) {
                let (a, b) = (s.words[k].start, s.words[end - 1].end);
                let two = end - k >= 2;
                let score = if two { 0.85 } else { 0.75 };
                out.push(Found {
                    start: a,
                    end: b,
                    score,
                });
                k = end;
                continue;
            }
        }
        k += 1;
    }
}

/// The end (exclusive word index) of the run of name-like capitalised words from `k`.
fn capitalised_run(hay: &[u8], s: &PersonScratch, k: usize) -> usize {
    let w = &s.words;
    let mut end = k + 1;
    let mut last_cap = k + 1;
    while end < w.len() && end - k < MAX_WORDS {
        let gap = &hay[w[end - 1].end..w[end].start];
        // One space, or an initial's dot and a space ("John F. Kennedy").
        let initial = w[end - 1].end - w[end - 1].start == 1 && gap == b". ";
        if gap != b" " && !initial {
            break;
        }
        let i = s.infos[end];
        if w[end].cap && !i.role && !i.title {
            end += 1;
            last_cap = end;
        } else if i.particle && w[end].lower {
            end += 1;
        } else {
            break;
        }
    }
    last_cap
}

/// Scores the capitalised run `a..b` (word indices) and reports what is a name in it.
#[allow(clippy::too_many_arguments)]
fn score_run(
    hay: &[u8],
    s: &PersonScratch,
    mut a: usize,
    b: usize,
    ls: usize,
    le: usize,
    out: &mut Vec<Found>,
) {
    let w = &s.words;
    // Greetings and common words in front are not part of the name ("Thanks Maria",
    // "Hello John Smith").
    while a + 1 < b {
        let i = s.infos[a];
        let next = s.infos[a + 1];
        let word = i.common || i.greeting;
        let first_with_surname = i.name.first >= 0.01 && next.name.last >= 0.01 && !i.greeting;
        if !word || first_with_surname {
            break;
        }
        a += 1;
    }
    let run = &s.infos[a..b];
    let (first, last) = (run[0], run[run.len() - 1]);
    if run.len() > 1 && last.not_person_after {
        return;
    }
    let n = run.iter().filter(|i| !i.particle).count();
    // What follows: an organisation or street word makes it a place or a company.
    if let Some(next) = w.get(b) {
        if hay[w[b - 1].end..next.start] == *b" " && s.infos[b].not_person_after {
            return;
        }
    }
    // "Don't", "Won't": a contraction, not a name.
    if hay[w[b - 1].end..].starts_with(b"'t")
        || hay[w[b - 1].end..].starts_with("\u{2019}t".as_bytes())
    {
        return;
    }
    // A number right before ("221 Baker") is an address.
    let before = hay[ls..w[a].start].trim_ascii_end();
    if before.last().is_some_and(u8::is_ascii_digit) {
        return;
    }
    let mut cue = s.cue_before(hay, a);
    let after = &hay[w[b - 1].end..le];
    let after_trim = after.trim_ascii_start();
    // Speaker label: the run starts the line (after a time stamp) and a colon follows.
    let stamped = before.first() == Some(&b'[') && before.last() == Some(&b']');
    let starts_line = before.is_empty() || stamped;
    // Without a role before it, a line-start label is a name only when the gazetteer knows
    // it ("Maria:", not "Subject:").
    // In a time-stamped transcript ("[09:14] Priya Natarajan:") two or more capitalised words
    // before the colon are a speaker, known to the gazetteer or not.
    let speaker_words = n >= 2 && run.iter().all(|i| !i.common && !i.role && !i.header);
    if after.first() == Some(&b':')
        && (cue == Cue::Strong
            || (starts_line && first.name.first > 0.0 && !first.common)
            || (stamped && speaker_words))
    {
        cue = Cue::Strong;
    }
    // E-mail display name: "Maria Lopez <maria@example.com>".
    if after_trim.first() == Some(&b'<') && after_trim.iter().take(80).any(|&b| b == b'@') {
        cue = Cue::Strong;
    }
    // A signature: the line holds the name only, under "Thanks,".
    if starts_line && after.trim_ascii().is_empty() && after_sign_off(hay, ls) {
        cue = Cue::Strong;
    }
    let sentence_start = before.is_empty()
        || matches!(
            before.last(),
            Some(b'.' | b'!' | b'?' | b'"' | b']' | b':' | b'>')
        );
    let score = if cue == Cue::Strong {
        let named = !first.common || first.name.first > 0.0 || n > 1;
        if named && !first.greeting {
            0.9
        } else {
            0.0
        }
    } else if n >= 2 {
        let head = first.name.first > 0.0 && !first.common;
        let tail = last.name.last > 0.0;
        let tail_strong = last.name.last >= 0.001 && !last.common;
        let common = run.iter().filter(|i| i.common).count();
        let foreign = hay[w[a].start..w[b - 1].end].iter().any(|&b| b >= 0x80);
        let known = run
            .iter()
            .filter(|i| i.name.first >= 0.001 || i.name.last >= 0.001)
            .count();
        match (head, tail) {
            (true, true) => 0.85,
            (true, false) => 0.75,
            (false, true) if tail_strong && !first.common => 0.7,
            (false, true) if first.name.first >= 0.01 && last.name.last >= 0.01 => 0.7,
            _ if cue == Cue::Weak && common == 0 => 0.7,
            // Two or three unknown capitalised words with a letter outside ASCII or a rare
            // gazetteer entry among them ("Krisztián Szöllösy", "Tomomi Nishiyama").
            _ if common == 0 && n <= 3 && (foreign || known == n) => 0.55,
            _ => 0.3,
        }
    } else if first.name.first > 0.0 && !first.common {
        if cue == Cue::Weak {
            0.8
        } else if sentence_start {
            if first.name.first >= 0.01 {
                0.55
            } else {
                0.4
            }
        } else {
            0.6
        }
    } else if cue == Cue::Weak && !first.common && first.name.last > 0.0 {
        0.6
    } else {
        0.3
    };
    // "in Paris", "from United States": after a preposition of place, a run without a cue
    // is more likely a place, unless it starts with a first name that is not also a place or
    // a word ("said Felix to Linda").
    let known_first = first.name.first >= 0.001 && !first.common;
    let score = if cue == Cue::None
        && !known_first
        && a > 0
        && s.infos[a - 1].locative
        && hay[w[a - 1].end..w[a].start] == *b" "
    {
        score - 0.3
    } else {
        score
    };
    let (start, end) = (w[a].start, w[b - 1].end);
    if score > 0.0 && end - start <= MAX_NAME_LEN {
        out.push(Found { start, end, score });
    }
}

/// A lower-case name right after an introduction ("my name is john smith"): the end word
/// index, when there is one at `k`.
fn lower_case_name(hay: &[u8], s: &PersonScratch, k: usize) -> Option<usize> {
    let cue = s.cue_before(hay, k);
    if cue == Cue::None {
        return None;
    }
    let w = &s.words;
    let strong = cue == Cue::Strong;
    // A role or greeting word is a strong cue in capitalised text; in lower case ("hi
    // there", "customer service") it is too common to trust without a gazetteer name.
    let prev = s.infos[k - 1];
    let weak_strong = prev.role || prev.greeting;
    let trusted = strong && !weak_strong;
    // A lower-case word that is no role, title or particle.
    let plain = |j: usize| {
        let i = s.infos[j];
        w[j].lower && !i.role && !i.title && !i.particle
    };
    let usable = |j: usize, head: bool| {
        let i = s.infos[j];
        if !plain(j) {
            return false;
        }
        // A name that is also a word ("grace", "will") needs the strong cue ("my name is").
        if i.common && !(trusted && i.name.first > 0.0) {
            return false;
        }
        if head {
            i.name.first > 0.0 || (trusted && i.name.last > 0.0)
        } else {
            i.name.last > 0.0 || i.name.first > 0.0 || trusted
        }
    };
    // A first name outside the lists ("my name is kenji walsh") counts when a listed surname
    // follows it.
    let unlisted_head = || {
        let i = s.infos[k];
        trusted
            && plain(k)
            && i.name.first == 0.0
            && i.name.last == 0.0
            && !i.common
            && k + 1 < w.len()
            && hay[w[k].end..w[k + 1].start] == *b" "
            && w[k + 1].lower
            && s.infos[k + 1].name.last > 0.0
            && !s.infos[k + 1].common
    };
    if !usable(k, true) && !unlisted_head() {
        return None;
    }
    let mut end = k + 1;
    while end < w.len() && end - k < 3 && hay[w[end - 1].end..w[end].start] == *b" " {
        if !usable(end, false) {
            break;
        }
        end += 1;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, f32)> {
        let mut s = PersonScratch::default();
        let mut out = Vec::new();
        find(text.as_bytes(), &mut s, &mut out);
        out.iter()
            .filter(|f| f.score >= 0.5)
            .map(|f| (text[f.start..f.end].to_string(), f.score))
            .collect()
    }

    fn found(text: &str) -> Vec<String> {
        names(text).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn gazetteer_loads_the_census_lists() {
        assert!(lexicon().len() > 90_000);
        assert!(info(b"James").name.first > 3.0);
        assert!(info(b"SMITH").name.last > 1.0);
        assert!(info(b"will").common && info(b"will").name.first > 0.0);
        assert!(info(b"O'Brien").name.last > 0.0);
    }

    #[test]
    fn full_names_and_cues() {
        assert_eq!(
            found("I spoke with Maria Garcia yesterday."),
            ["Maria Garcia"]
        );
        assert_eq!(
            found("my name is john smith and i need help"),
            ["john smith"]
        );
        assert_eq!(found("Dear Mr. Okafor,"), ["Okafor"]);
        assert_eq!(found("[12:01] Agent Maria: hello"), ["Maria"]);
        assert_eq!(
            found("From: Kenji Haddad <k.h@example.com>"),
            ["Kenji Haddad"]
        );
        assert_eq!(found("Thanks,\nSiobhán"), ["Siobhán"]);
        assert_eq!(found("Maria de la Cruz called"), ["Maria de la Cruz"]);
        assert_eq!(
            found("I met Krisztián Szöllösy there"),
            ["Krisztián Szöllösy"]
        );
        assert!(found("We moved to Paris in June. Don't worry.").is_empty());
        assert_eq!(found("Sean O'Brien"), ["Sean O'Brien"]);
    }

    #[test]
    fn words_that_are_names_need_more() {
        assert!(found("Will you send it in May? Mark my words.").is_empty());
        assert!(found("Please call the bank on Monday.").is_empty());
        assert!(found("We shipped it to 221 Baker Street.").is_empty());
        assert!(found("this is ridiculous, i am done").is_empty());
        assert_eq!(found("Hi Will, thanks"), ["Will"]);
        assert_eq!(found("Will Smith called"), ["Will Smith"]);
    }

    #[test]
    fn non_english_names_with_cues() {
        assert_eq!(found("my name is Jürgen Weißmüller"), ["Jürgen Weißmüller"]);
        assert_eq!(found("Dear Frau Schäfer,"), ["Schäfer"]);
        assert_eq!(found("Hi Aoife, thanks"), ["Aoife"]);
        assert_eq!(
            found("speaking with Guus Verhoeven now"),
            ["Guus Verhoeven"]
        );
    }
}
