//! Calendar dates: numeric (`15/03/1986`, `3-15-86`, `1986-03-15`, `15.03.1986`) and with
//! month names in English, German, French, Spanish, Dutch, Italian and Portuguese
//! (`March 15, 1986`, `15th of March 1986`, `15. März 1986`, `15 de marzo de 1986`).
//!
//! The patterns find the shapes; this module reads the day, month and year and keeps only real
//! dates. A numeric date is kept when either reading (day first or month first) is one.

use super::{after, before, Verdict};
use std::sync::OnceLock;

/// A date read from a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Date {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

/// Month names, lower case, by month number (1-based index = position / 1 + 1).
const MONTHS: [&[&str]; 12] = [
    &[
        "january", "jan", "januar", "janvier", "enero", "ene", "januari", "gennaio", "gen",
        "janeiro",
    ],
    &[
        "february",
        "feb",
        "februar",
        "février",
        "fevrier",
        "févr",
        "fév",
        "febrero",
        "februari",
        "febbraio",
        "fevereiro",
        "fev",
    ],
    &[
        "march", "mar", "märz", "maerz", "mrz", "mars", "marzo", "maart", "mrt", "março", "marco",
    ],
    &["april", "apr", "avril", "avr", "abril", "abr", "aprile"],
    &["may", "mai", "mayo", "mei", "maggio", "mag", "maio"],
    &[
        "june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho",
    ],
    &[
        "july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho",
    ],
    &["august", "aug", "août", "aout", "agosto", "ago", "augustus"],
    &[
        "september",
        "sep",
        "sept",
        "septembre",
        "septiembre",
        "settembre",
        "set",
        "setembro",
    ],
    &[
        "october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro",
        "out",
    ],
    &["november", "nov", "novembre", "noviembre", "novembro"],
    &[
        "december",
        "dec",
        "dezember",
        "dez",
        "décembre",
        "decembre",
        "déc",
        "diciembre",
        "dic",
        "dicembre",
        "dezembro",
    ],
];

/// The month a word names (any case, trailing dot allowed), 1-12.
pub(crate) fn month_of(word: &[u8]) -> Option<u32> {
    let word = word.strip_suffix(b".").unwrap_or(word);
    if word.len() < 3 || word.len() > 12 {
        return None;
    }
    let lower = String::from_utf8_lossy(word).to_lowercase();
    MONTHS
        .iter()
        .position(|names| names.contains(&lower.as_str()))
        .map(|i| i as u32 + 1)
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The current year from the clock (2000 if the clock is before 2000).
pub(crate) fn this_year() -> u32 {
    static YEAR: OnceLock<u32> = OnceLock::new();
    *YEAR.get_or_init(|| {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        // Days since 1970 to a civil year (Howard Hinnant's algorithm, years only).
        let days = (secs / 86_400) as i64 + 719_468;
        let era = days.div_euclid(146_097);
        let doe = days.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let year = yoe + era * 400 + i64::from(mp >= 10);
        u32::try_from(year).unwrap_or(2000).max(2000)
    })
}

/// A four-digit year from 1900 to 2099, or a two-digit one read as the nearest past century
/// year (`85` is 1985, `07` is 2007 while it is not in the future).
fn year_of(digits: &[u8]) -> Option<u32> {
    let n = num(digits)?;
    match digits.len() {
        4 if (1900..=2099).contains(&n) => Some(n),
        2 => {
            let now = this_year();
            Some(if 2000 + n <= now { 2000 + n } else { 1900 + n })
        }
        _ => None,
    }
}

fn num(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 4 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0, |acc, &d| acc * 10 + u32::from(d - b'0')),
    )
}

fn real(year: u32, month: u32, day: u32) -> Option<Date> {
    ((1..=12).contains(&month) && day >= 1 && day <= days_in(month, year)).then_some(Date {
        year,
        month,
        day,
    })
}

/// Reads a date from a whole match, or `None` when it is not a real one.
pub(crate) fn parse(m: &[u8]) -> Option<Date> {
    // An optional time after the date ("2012-10-01 00:46:43") is not part of the reading.
    let m = match m.iter().position(|&b| b == b':') {
        Some(colon) => {
            let cut = m[..colon].iter().rposition(|&b| b == b' ' || b == b'T')?;
            &m[..cut]
        }
        None => m,
    };
    if m.iter().any(u8::is_ascii_alphabetic) || m.iter().any(|&b| b >= 0x80) {
        named(m)
    } else {
        numeric(m)
    }
}

fn numeric(m: &[u8]) -> Option<Date> {
    let sep = *m.iter().find(|b| !b.is_ascii_digit())?;
    let parts: Vec<&[u8]> = m.split(|&b| b == sep).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.iter().any(|b| !b.is_ascii_digit())) {
        return None;
    }
    if parts[0].len() == 4 {
        let year = year_of(parts[0])?;
        return real(year, num(parts[1])?, num(parts[2])?);
    }
    if parts[0].len() > 2 || parts[1].len() > 2 {
        return None;
    }
    let year = year_of(parts[2])?;
    let (a, b) = (num(parts[0])?, num(parts[1])?);
    // Month first (US) or day first (most of Europe): either reading makes it a date.
    real(year, a, b).or_else(|| real(year, b, a))
}

fn named(m: &[u8]) -> Option<Date> {
    let mut month = None;
    let mut numbers: Vec<&[u8]> = Vec::with_capacity(2);
    let words = m
        .split(|&b| matches!(b, b' ' | b',' | b'\t' | b'-'))
        .filter(|w| !w.is_empty());
    for w in words {
        let w = w.strip_suffix(b".").unwrap_or(w);
        let digits_end = w
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(w.len());
        if digits_end > 0 {
            let rest = &w[digits_end..];
            let ordinal = matches!(
                rest.to_ascii_lowercase().as_slice(),
                b"" | b"st" | b"nd" | b"rd" | b"th" | b"er" | b"\xC2\xBA" | b"\xC2\xAA"
            );
            if !ordinal {
                return None;
            }
            numbers.push(&w[..digits_end]);
        } else if let Some(mo) = month_of(w) {
            if month.replace(mo).is_some() {
                return None;
            }
        } else if !matches!(
            w.to_ascii_lowercase().as_slice(),
            b"of" | b"de" | b"del" | b"the"
        ) {
            return None;
        }
    }
    let month = month?;
    let [d, y] = numbers.as_slice() else {
        return None;
    };
    // "March 15 1986" and "15 March 1986" both give the day first in `numbers` order unless
    // the year comes first (ISO-like "1986 March 15" is not written in support text).
    if d.len() > 2 {
        return None;
    }
    real(year_of(y)?, month, num(d)?)
}

/// True when the bytes around a numeric match continue it (`1.2.3.4`, `2024-03-15-7`).
fn continues(hay: &[u8], start: usize, end: usize) -> bool {
    let joined = |b: Option<u8>| matches!(b, Some(b'/' | b'-' | b'.'));
    let digit_at = |i: usize| hay.get(i).is_some_and(u8::is_ascii_digit);
    (joined(after(hay, end)) && digit_at(end + 1))
        || (joined(before(hay, start)) && start >= 2 && digit_at(start - 2))
        || before(hay, start).is_some_and(|b| b.is_ascii_alphanumeric())
}

/// Any real date.
pub(super) fn date(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    if continues(hay, start, end) {
        return None;
    }
    parse(&hay[start..end])?;
    Verdict::keep(start, end)
}

/// A real date that can be a living customer's birth date: from 1900 up to ten years ago.
pub(super) fn birth_date(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    if continues(hay, start, end) {
        return None;
    }
    let d = parse(&hay[start..end])?;
    (d.year + 10 <= this_year() && d.year >= 1900).then_some(())?;
    Verdict::keep(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<(u32, u32, u32)> {
        parse(s.as_bytes()).map(|d| (d.year, d.month, d.day))
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(p("1986-03-15"), Some((1986, 3, 15)));
        assert_eq!(p("15/03/1986"), Some((1986, 3, 15)));
        assert_eq!(p("03/15/1986"), Some((1986, 3, 15)));
        assert_eq!(p("15.03.86"), Some((1986, 3, 15)));
        assert_eq!(p("2/29/2000"), Some((2000, 2, 29)));
        assert_eq!(p("2/29/1900"), None);
        assert_eq!(p("31/04/1990"), None);
        assert_eq!(p("13/13/1990"), None);
        assert_eq!(p("15/03-1986"), None);
        assert_eq!(p("1986-13-01"), None);
        assert_eq!(p("2012-10-01 00:46:43"), Some((2012, 10, 1)));
    }

    #[test]
    fn named_dates() {
        assert_eq!(p("March 15, 1986"), Some((1986, 3, 15)));
        assert_eq!(p("15th of March 1986"), Some((1986, 3, 15)));
        assert_eq!(p("Mar. 3rd, 1986"), Some((1986, 3, 3)));
        assert_eq!(p("15. März 1986"), Some((1986, 3, 15)));
        assert_eq!(p("1er août 1979"), Some((1979, 8, 1)));
        assert_eq!(p("15 de marzo de 1986"), Some((1986, 3, 15)));
        assert_eq!(p("3 maart 1990"), Some((1990, 3, 3)));
        assert_eq!(p("02-Jan-1971"), Some((1971, 1, 2)));
        assert_eq!(p("2024-06-05T09:15:30.500-07:00"), Some((2024, 6, 5)));
        assert_eq!(p("31 June 1990"), None);
        assert_eq!(p("15 Marchx 1986"), None);
        assert_eq!(p("Order 15 1986"), None);
    }

    #[test]
    fn birth_dates_are_in_the_past() {
        let hay = b"DOB 2/3/1901 and 2/3/2099";
        assert!(birth_date(hay, 4, 12).is_some());
        assert!(birth_date(hay, 17, 25).is_none());
        assert!(date(hay, 17, 25).is_some());
        // A version number is not a date.
        let v = b"v1.2.3.4";
        assert!(date(v, 3, 8).is_none());
    }

    #[test]
    fn this_year_is_plausible() {
        assert!((2025..2200).contains(&this_year()));
    }
}
