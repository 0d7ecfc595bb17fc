//! Numbers said out loud, as speech recognisers write them: "four one five five five five oh
//! one three two", "double five", "triple seven", "eight hundred", "thirty two", mixed with
//! digits ("415 555 oh one three two").
//!
//! A run of number words and digit groups (joined by spaces, commas, dashes, dots or "uh"/"um")
//! is turned into its digits; the digits then go through the same validators as written
//! numbers: the card validator (Luhn, issuer ranges), the SSN rules, the phone plans. A finding
//! covers the spoken span in the original text. Runs made only of digits are left to the
//! pattern rules.

use crate::recognizers::Found;
use crate::validators::Validator;

/// The longest spoken number reported, in bytes (a bound for streaming).
pub(crate) const MAX_SPOKEN_LEN: usize = 400;
/// At most this many digits in one run.
const MAX_DIGITS: usize = 24;

/// What a spoken number turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Phone,
    Card,
    Ssn,
}

/// A run of spoken digits: its span and digits.
#[derive(Clone, Debug, Default)]
struct Run {
    start: usize,
    end: usize,
    /// The digits, as ASCII.
    digits: Vec<u8>,
    /// Whether any number was written as a word (runs of digits alone are not reported).
    spoken: bool,
}

/// The runs of one input, computed once per scan for all three kinds.
#[derive(Default, Debug)]
pub(crate) struct SpokenScratch {
    runs: Vec<Run>,
    done: bool,
}

impl SpokenScratch {
    /// Forgets the previous input.
    pub(crate) fn reset(&mut self) {
        self.done = false;
    }
}

/// What one word of the text is, for reading numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    /// zero/oh/o .. nine.
    Unit(u8),
    /// ten .. nineteen.
    Teen(u8),
    /// twenty .. ninety (the tens digit).
    Tens(u8),
    /// "double" or "triple": the next digit said 2 or 3 times.
    Repeat(usize),
    /// "hundred" (2 zeros) or "thousand" (3).
    Zeros(usize),
    /// "uh", "um", "er", "erm": a hesitation.
    Filler,
    /// A group of digits.
    Digits,
    Other,
}

/// Up to 8 bytes as a number, to match words with one integer comparison.
const fn pack(s: &[u8]) -> u64 {
    let mut k = 0u64;
    let mut i = 0;
    while i < s.len() {
        k |= (s[i] as u64) << (8 * i);
        i += 1;
    }
    k
}

/// Reads one word (ASCII letters or digits). Number words are matched on their packed lower
/// case, so that an ordinary word costs a few byte operations.
fn classify(w: &[u8]) -> Word {
    if w[0].is_ascii_digit() {
        return if w.iter().all(u8::is_ascii_digit) {
            Word::Digits
        } else {
            Word::Other
        };
    }
    if w.len() > 9 {
        return Word::Other;
    }
    if w.len() == 9 {
        return if w.eq_ignore_ascii_case(b"seventeen") {
            Word::Teen(17)
        } else {
            Word::Other
        };
    }
    let mut k = 0u64;
    for (i, &b) in w.iter().enumerate() {
        if !b.is_ascii_alphabetic() {
            return Word::Other;
        }
        k |= u64::from(b | 0x20) << (8 * i);
    }
    const ZERO: u64 = pack(b"zero");
    const OH: u64 = pack(b"oh");
    const O: u64 = pack(b"o");
    const ONE: u64 = pack(b"one");
    const TWO: u64 = pack(b"two");
    const THREE: u64 = pack(b"three");
    const FOUR: u64 = pack(b"four");
    const FIVE: u64 = pack(b"five");
    const SIX: u64 = pack(b"six");
    const SEVEN: u64 = pack(b"seven");
    const EIGHT: u64 = pack(b"eight");
    const NINE: u64 = pack(b"nine");
    const TEN: u64 = pack(b"ten");
    const ELEVEN: u64 = pack(b"eleven");
    const TWELVE: u64 = pack(b"twelve");
    const THIRTEEN: u64 = pack(b"thirteen");
    const FOURTEEN: u64 = pack(b"fourteen");
    const FIFTEEN: u64 = pack(b"fifteen");
    const SIXTEEN: u64 = pack(b"sixteen");
    const EIGHTEEN: u64 = pack(b"eighteen");
    const NINETEEN: u64 = pack(b"nineteen");
    const TWENTY: u64 = pack(b"twenty");
    const THIRTY: u64 = pack(b"thirty");
    const FORTY: u64 = pack(b"forty");
    const FIFTY: u64 = pack(b"fifty");
    const SIXTY: u64 = pack(b"sixty");
    const SEVENTY: u64 = pack(b"seventy");
    const EIGHTY: u64 = pack(b"eighty");
    const NINETY: u64 = pack(b"ninety");
    const DOUBLE: u64 = pack(b"double");
    const TRIPLE: u64 = pack(b"triple");
    const HUNDRED: u64 = pack(b"hundred");
    const THOUSAND: u64 = pack(b"thousand");
    const UH: u64 = pack(b"uh");
    const UM: u64 = pack(b"um");
    const ER: u64 = pack(b"er");
    const ERM: u64 = pack(b"erm");
    match k {
        ZERO | OH | O => Word::Unit(0),
        ONE => Word::Unit(1),
        TWO => Word::Unit(2),
        THREE => Word::Unit(3),
        FOUR => Word::Unit(4),
        FIVE => Word::Unit(5),
        SIX => Word::Unit(6),
        SEVEN => Word::Unit(7),
        EIGHT => Word::Unit(8),
        NINE => Word::Unit(9),
        TEN => Word::Teen(10),
        ELEVEN => Word::Teen(11),
        TWELVE => Word::Teen(12),
        THIRTEEN => Word::Teen(13),
        FOURTEEN => Word::Teen(14),
        FIFTEEN => Word::Teen(15),
        SIXTEEN => Word::Teen(16),
        EIGHTEEN => Word::Teen(18),
        NINETEEN => Word::Teen(19),
        TWENTY => Word::Tens(2),
        THIRTY => Word::Tens(3),
        FORTY => Word::Tens(4),
        FIFTY => Word::Tens(5),
        SIXTY => Word::Tens(6),
        SEVENTY => Word::Tens(7),
        EIGHTY => Word::Tens(8),
        NINETY => Word::Tens(9),
        DOUBLE => Word::Repeat(2),
        TRIPLE => Word::Repeat(3),
        HUNDRED => Word::Zeros(2),
        THOUSAND => Word::Zeros(3),
        UH | UM | ER | ERM => Word::Filler,
        _ => Word::Other,
    }
}

/// The run being read.
#[derive(Default)]
struct Reader {
    cur: Run,
    /// A multiplier waiting for its digit ("double", "triple").
    repeat: usize,
    /// A tens word waiting for a unit ("thirty" [two]).
    tens: Option<u8>,
}

impl Reader {
    /// Writes out a pending tens word as its two digits ("thirty" alone is 30).
    fn settle(&mut self) {
        if let Some(t) = self.tens.take() {
            self.cur.digits.extend([b'0' + t, b'0']);
        }
    }

    /// Ends the run; keeps it when it is spoken and long enough.
    fn flush(&mut self, out: &mut Vec<Run>) {
        self.settle();
        if self.cur.spoken && (7..=MAX_DIGITS).contains(&self.cur.digits.len()) {
            out.push(std::mem::take(&mut self.cur));
        } else {
            self.cur.digits.clear();
            self.cur.spoken = false;
            self.cur.end = 0;
        }
        self.repeat = 0;
    }

    /// Adds one word; `false` when it is not part of a number.
    fn take(&mut self, w: &[u8], kind: Word) -> bool {
        let d = &mut self.cur.digits;
        match kind {
            Word::Digits if w.len() <= MAX_DIGITS => {
                self.settle();
                self.cur.digits.extend_from_slice(w);
            }
            // A lone "o" is a letter, unless inside a number.
            Word::Unit(0) if w.len() == 1 && d.is_empty() => return false,
            Word::Unit(u) => {
                match self.tens.take() {
                    // "thirty two" is 32; "thirty oh" is 3, 0, 0.
                    Some(t) if u == 0 => d.extend([b'0' + t, b'0', b'0']),
                    Some(t) => d.extend([b'0' + t, b'0' + u]),
                    None => d.extend(std::iter::repeat_n(b'0' + u, self.repeat.max(1))),
                }
                self.repeat = 0;
                self.cur.spoken = true;
            }
            Word::Teen(t) => {
                self.settle();
                self.cur.digits.extend([b'0' + t / 10, b'0' + t % 10]);
                self.cur.spoken = true;
            }
            Word::Tens(t) => {
                self.settle();
                self.tens = Some(t);
                self.cur.spoken = true;
            }
            Word::Repeat(n) => {
                self.settle();
                self.repeat = n;
                self.cur.spoken = true;
            }
            Word::Zeros(n) if !d.is_empty() || self.tens.is_some() => {
                self.settle();
                self.cur.digits.extend(std::iter::repeat_n(b'0', n));
            }
            // A hesitation inside a number.
            Word::Filler if !d.is_empty() => {}
            _ => return false,
        }
        true
    }
}

/// Finds every run of spoken digits: number words and digit groups joined by spaces, `,`,
/// `-` or `.` (at most three bytes of them).
fn runs(hay: &[u8], out: &mut Vec<Run>) {
    out.clear();
    let mut r = Reader::default();
    // Where the last word ended.
    let mut last_end = 0;
    // The next place a word may start: the input's start, or after a space or line break.
    // Outside a number only such words are looked at, and only their first byte unless it can
    // start a number (a digit, or z, o, t, f, s, e, n, d): the scan jumps from space to space.
    let mut i = 0;
    while i < hay.len() {
        let at_word =
            hay[i].is_ascii_alphanumeric() && (i == 0 || !hay[i - 1].is_ascii_alphanumeric());
        let open = r.cur.end != 0;
        let b = hay[i];
        let can_start = b.is_ascii_digit()
            || matches!(
                b | 0x20,
                b'z' | b'o' | b't' | b'f' | b's' | b'e' | b'n' | b'd'
            );
        if at_word && (open || can_start) {
            let start = i;
            let len = hay[start..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(hay.len() - start);
            i = start + len;
            if open {
                // Words of one number are joined by at most three spaces, commas, dashes or
                // dots.
                let gap = &hay[last_end..start];
                let joined = gap.len() <= 3
                    && gap
                        .iter()
                        .all(|b| matches!(b, b' ' | b',' | b'-' | b'.' | b'\t'));
                if !joined {
                    r.flush(out);
                }
            }
            last_end = i;
            let w = &hay[start..i];
            // A word glued to non-ASCII letters is not an English number word.
            let glued =
                hay.get(i).is_some_and(|&c| c >= 0x80) || (start > 0 && hay[start - 1] >= 0x80);
            let kind = if glued { Word::Other } else { classify(w) };
            if r.take(w, kind) {
                if r.cur.end == 0 {
                    r.cur.start = start;
                }
                r.cur.end = i;
                if r.cur.digits.len() > MAX_DIGITS {
                    // Too long to be one number: not reported.
                    r.cur.spoken = false;
                }
            } else if r.cur.end != 0 {
                r.flush(out);
            }
            if r.cur.end != 0 {
                // Inside a number every word counts: go to the next one exactly.
                match hay[i..].iter().position(u8::is_ascii_alphanumeric) {
                    Some(off) => {
                        i += off;
                        continue;
                    }
                    None => break,
                }
            }
        } else if open && at_word {
            // A word that cannot continue the number either ends it.
            r.flush(out);
        }
        match memchr::memchr2(b' ', b'\n', &hay[i..]) {
            Some(off) => i += off + 1,
            None => break,
        }
    }
    r.flush(out);
}

/// The digits of `value` (ASCII) when all of it is one spoken number with at least one
/// number word.
pub(crate) fn digits_of(value: &[u8]) -> Option<Vec<u8>> {
    if !value.iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut out = Vec::new();
    runs(value, &mut out);
    match out.as_slice() {
        [r] if r.start == 0 && r.end == value.len() => Some(r.digits.clone()),
        _ => None,
    }
}

/// The digits of `written` said out loud, one word each ("four one five ...").
pub(crate) fn say_digits(written: &[u8]) -> Vec<u8> {
    const WORDS: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    let words: Vec<&str> = written
        .iter()
        .filter(|b| b.is_ascii_digit())
        .map(|b| WORDS[usize::from(b - b'0')])
        .collect();
    words.join(" ").into_bytes()
}

/// Finds spoken numbers of `kind` in `hay` into `found`.
pub(crate) fn find(hay: &[u8], kind: Kind, s: &mut SpokenScratch, found: &mut Vec<Found>) {
    if !s.done {
        runs(hay, &mut s.runs);
        s.done = true;
    }
    // Hesitations add bytes but no digits: a run longer than the bound is not reported (the
    // stream redactor relies on it).
    for r in s.runs.iter().filter(|r| r.end - r.start <= MAX_SPOKEN_LEN) {
        let n = r.digits.len();
        let ok = |v: Validator| v.check(&r.digits, 0, n).is_some();
        let score = match kind {
            Kind::Card if (13..=19).contains(&n) && ok(Validator::CreditCard) => 0.9,
            Kind::Ssn if n == 9 && ok(Validator::UsSsn) => 0.3,
            // Ten digits that are a card or SSN are still phone-shaped; the overlap policy
            // keeps the stronger reading.
            Kind::Phone if (7..=15).contains(&n) && ok(Validator::Phone) => {
                if n >= 10 {
                    0.7
                } else {
                    0.45
                }
            }
            _ => continue,
        };
        found.push(Found {
            start: r.start,
            end: r.end,
            score,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spoken(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        runs(text.as_bytes(), &mut out);
        out.iter()
            .map(|r| {
                (
                    text[r.start..r.end].to_string(),
                    r.digits.iter().map(|&d| char::from(d)).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn digits_from_words() {
        assert_eq!(
            spoken("my number is four one five five five five oh one three two thanks"),
            [(
                "four one five five five five oh one three two".into(),
                "4155550132".into()
            )]
        );
        assert_eq!(
            spoken("it's 415, double five five, oh one thirty two"),
            [(
                "415, double five five, oh one thirty two".into(),
                "4155550132".into()
            )]
        );
        assert_eq!(
            spoken("call eight hundred triple seven uh two one two one"),
            [(
                "eight hundred triple seven uh two one two one".into(),
                "8007772121".into()
            )]
        );
        assert_eq!(
            spoken("Four One Five Five Five Five Zero One Three Two")[0].1,
            "4155550132"
        );
    }

    #[test]
    fn not_numbers() {
        assert!(spoken("one or two of them, maybe three").is_empty());
        assert!(spoken("order 1234 5678 9012").is_empty());
        assert!(spoken("i have one two three four five six").is_empty());
        assert!(spoken("").is_empty());
    }

    #[test]
    fn runs_stay_within_the_bound() {
        let mut s = SpokenScratch::default();
        let mut f = Vec::new();
        let long = format!(
            "four one five {}five five five oh one three two",
            "uh ".repeat(200)
        );
        find(long.as_bytes(), Kind::Phone, &mut s, &mut f);
        assert!(f.is_empty());
    }

    #[test]
    fn kinds() {
        let mut s = SpokenScratch::default();
        let mut f = Vec::new();
        let text = b"card four one one one one one one one one one one one one one one one";
        find(text, Kind::Card, &mut s, &mut f);
        assert_eq!(f.len(), 1);
        f.clear();
        find(text, Kind::Phone, &mut s, &mut f);
        assert!(f.is_empty());
    }
}
