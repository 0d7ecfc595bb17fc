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

fn unit(w: &[u8]) -> Option<u8> {
    Some(match w {
        b"zero" | b"oh" | b"o" => 0,
        b"one" => 1,
        b"two" => 2,
        b"three" => 3,
        b"four" => 4,
        b"five" => 5,
        b"six" => 6,
        b"seven" => 7,
        b"eight" => 8,
        b"nine" => 9,
        _ => return None,
    })
}

fn teen(w: &[u8]) -> Option<u8> {
    Some(match w {
        b"ten" => 10,
        b"eleven" => 11,
        b"twelve" => 12,
        b"thirteen" => 13,
        b"fourteen" => 14,
        b"fifteen" => 15,
        b"sixteen" => 16,
        b"seventeen" => 17,
        b"eighteen" => 18,
        b"nineteen" => 19,
        _ => return None,
    })
}

fn tens(w: &[u8]) -> Option<u8> {
    Some(match w {
        b"twenty" => 2,
        b"thirty" => 3,
        b"forty" => 4,
        b"fifty" => 5,
        b"sixty" => 6,
        b"seventy" => 7,
        b"eighty" => 8,
        b"ninety" => 9,
        _ => return None,
    })
}

/// One lower-cased word of the text.
#[derive(Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
}

/// Reads the next word (ASCII letters or digits) at or after `i`, and whether only joiners
/// (spaces, `,`, `-`, `.`) stood between `i` and it.
fn next_tok(hay: &[u8], mut i: usize) -> Option<(Tok, bool)> {
    let mut joined = true;
    while i < hay.len() && !hay[i].is_ascii_alphanumeric() {
        if !matches!(hay[i], b' ' | b',' | b'-' | b'.' | b'\t') {
            joined = false;
        }
        i += 1;
    }
    if i >= hay.len() {
        return None;
    }
    let start = i;
    while i < hay.len() && hay[i].is_ascii_alphanumeric() {
        i += 1;
    }
    // A word glued to non-ASCII letters is not an English number word.
    if hay.get(i).is_some_and(|&b| b >= 0x80) || (start > 0 && hay[start - 1] >= 0x80) {
        joined = false;
    }
    Some((Tok { start, end: i }, joined))
}

fn lower_into(buf: &mut [u8; 12], w: &[u8]) -> Option<usize> {
    if w.len() > buf.len() {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(w) {
        *d = s.to_ascii_lowercase();
    }
    Some(w.len())
}

/// Finds every run of spoken digits.
fn runs(hay: &[u8], out: &mut Vec<Run>) {
    out.clear();
    let mut cur = Run::default();
    // A multiplier waiting for its digit ("double", "triple").
    let mut repeat = 0usize;
    // A tens word waiting for a unit ("thirty" [two]).
    let mut pending_tens: Option<u8> = None;
    let mut last_end = 0usize;
    let mut i = 0;
    let mut buf = [0u8; 12];
    let flush = |cur: &mut Run, pending: &mut Option<u8>, out: &mut Vec<Run>| {
        if let Some(t) = pending.take() {
            cur.digits.extend([t, 0]);
        }
        if cur.spoken && cur.digits.len() >= 7 && cur.digits.len() <= MAX_DIGITS {
            out.push(std::mem::take(cur));
        }
        *cur = Run::default();
    };
    while let Some((tok, joined)) = next_tok(hay, i) {
        i = tok.end;
        let w = &hay[tok.start..tok.end];
        if !joined || tok.start - last_end > 3 {
            flush(&mut cur, &mut pending_tens, out);
            repeat = 0;
        }
        let lw = lower_into(&mut buf, w).map(|n| &buf[..n]);
        let mut took = true;
        if w.iter().all(u8::is_ascii_digit) && w.len() <= MAX_DIGITS {
            if let Some(t) = pending_tens.take() {
                cur.digits.extend([t, 0]);
            }
            cur.digits.extend(w.iter().map(|b| b - b'0'));
        } else if let Some(lw) = lw {
            if let Some(u) = unit(lw).filter(|_| lw != b"o" || !cur.digits.is_empty()) {
                if let Some(t) = pending_tens.take() {
                    // "thirty two" is 32; "thirty oh" is 3, 0, 0.
                    if u == 0 {
                        cur.digits.extend([t, 0, 0]);
                    } else {
                        cur.digits.extend([t, u]);
                    }
                } else {
                    let n = repeat.max(1);
                    cur.digits.extend(std::iter::repeat_n(u, n));
                }
                repeat = 0;
                cur.spoken = true;
            } else if let Some(t) = teen(lw) {
                if let Some(p) = pending_tens.take() {
                    cur.digits.extend([p, 0]);
                }
                cur.digits.extend([t / 10, t % 10]);
                cur.spoken = true;
            } else if let Some(t) = tens(lw) {
                if let Some(p) = pending_tens.replace(t) {
                    cur.digits.extend([p, 0]);
                }
                cur.spoken = true;
            } else if lw == b"double" || lw == b"triple" {
                if let Some(p) = pending_tens.take() {
                    cur.digits.extend([p, 0]);
                }
                repeat = if lw == b"double" { 2 } else { 3 };
                cur.spoken = true;
            } else if (lw == b"hundred" || lw == b"thousand") && !cur.digits.is_empty() {
                if let Some(p) = pending_tens.take() {
                    cur.digits.extend([p, 0]);
                }
                let zeros = if lw == b"hundred" { 2 } else { 3 };
                cur.digits.extend(std::iter::repeat_n(0, zeros));
            } else if matches!(lw, b"uh" | b"um" | b"er" | b"erm") && !cur.digits.is_empty() {
                // A hesitation inside a number.
            } else {
                took = false;
            }
        } else {
            took = false;
        }
        if took {
            if cur.end == 0 {
                cur.start = tok.start;
            }
            cur.end = tok.end;
            last_end = tok.end;
            if cur.digits.len() > MAX_DIGITS {
                // Too long to be one number: not reported.
                cur.spoken = false;
            }
        } else {
            flush(&mut cur, &mut pending_tens, out);
            repeat = 0;
            last_end = tok.end;
        }
    }
    flush(&mut cur, &mut pending_tens, out);
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
        [r] if r.start == 0 && r.end == value.len() => {
            Some(r.digits.iter().map(|d| d + b'0').collect())
        }
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
    let mut ascii = Vec::with_capacity(MAX_DIGITS);
    for r in &s.runs {
        ascii.clear();
        ascii.extend(r.digits.iter().map(|d| d + b'0'));
        let n = ascii.len();
        let ok = |v: Validator| v.check(&ascii, 0, n).is_some();
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
                    r.digits.iter().map(|d| char::from(d + b'0')).collect(),
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
