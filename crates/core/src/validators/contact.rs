//! Email addresses, phone numbers and URLs.

use super::{after, before, Verdict};

pub(super) fn email(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let at = memchr::memchr(b'@', m)?;
    let (local, domain) = (&m[..at], &m[at + 1..]);
    // A dot may not start or end the local part, nor repeat.
    let mut s = start;
    let mut local = local;
    while local.first() == Some(&b'.') {
        local = &local[1..];
        s += 1;
    }
    if local.is_empty()
        || local.last() == Some(&b'.')
        || memchr::memmem::find(local, b"..").is_some()
    {
        return None;
    }
    if domain
        .split(|&b| b == b'.')
        .any(|label| label.is_empty() || label[0] == b'-' || label[label.len() - 1] == b'-')
    {
        return None;
    }
    if after(hay, end).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'@') {
        return None;
    }
    Verdict::keep(s, end)
}

/// Score tiers for phone numbers.
const PLAN: f32 = 0.75; // a country plan or NANP with its usual grouping
const GROUPED: f32 = 0.45; // phone-like grouping without a known plan: context decides
const BARE: f32 = 0.3; // an ungrouped run of digits that fits a plan
const WEAK: f32 = 0.15; // anything else phone-shaped

struct PhoneShape {
    plus: bool,
    /// Digit groups, in order (a "(0)" trunk marker is dropped).
    groups: [u8; 12],
    n: usize,
    digits: [u8; 20],
    nd: usize,
    paren_first: bool,
    seps_uniform: bool,
    dotted: bool,
}

impl PhoneShape {
    fn parse(m: &[u8]) -> Option<PhoneShape> {
        let mut p = PhoneShape {
            plus: m.first() == Some(&b'+'),
            groups: [0; 12],
            n: 0,
            digits: [0; 20],
            nd: 0,
            paren_first: false,
            seps_uniform: true,
            dotted: false,
        };
        let body = if p.plus { &m[1..] } else { m };
        let body = strip_trunk_marker(body);
        let mut run = 0u8;
        let mut sep: Option<u8> = None;
        let mut in_paren = false;
        for (i, &b) in body.iter().enumerate() {
            if b.is_ascii_digit() {
                *p.digits.get_mut(p.nd)? = b - b'0';
                p.nd += 1;
                run += 1;
                continue;
            }
            if run > 0 {
                *p.groups.get_mut(p.n)? = run;
                p.n += 1;
                run = 0;
            }
            match b {
                b'(' => {
                    if in_paren {
                        return None;
                    }
                    in_paren = true;
                    if p.n == 0 && i == 0 {
                        p.paren_first = true;
                    }
                }
                b')' => {
                    if !in_paren {
                        return None;
                    }
                    in_paren = false;
                }
                b' ' | b'-' | b'.' => {
                    if b == b'.' {
                        p.dotted = true;
                    }
                    if body.get(i.wrapping_sub(1)) != Some(&b')') {
                        match sep {
                            None => sep = Some(b),
                            Some(s) if s != b => p.seps_uniform = false,
                            _ => {}
                        }
                    }
                }
                _ => return None,
            }
        }
        if run > 0 {
            *p.groups.get_mut(p.n)? = run;
            p.n += 1;
        }
        if in_paren {
            return None;
        }
        Some(p)
    }

    fn groups(&self) -> &[u8] {
        &self.groups[..self.n]
    }

    fn digits(&self) -> &[u8] {
        &self.digits[..self.nd]
    }
}

/// "+41 (0)71 ..." writes the national trunk prefix in parentheses; it is not dialled.
fn strip_trunk_marker(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    // Bodies are short and most hold no parenthesis: look for one, then at what follows it.
    let mut from = 0;
    while let Some(i) = body[from..].iter().position(|&b| b == b'(') {
        let i = from + i;
        if body[i..].starts_with(b"(0)") {
            let mut v = body[..i].to_vec();
            v.extend_from_slice(&body[i + 3..]);
            return std::borrow::Cow::Owned(v);
        }
        from = i + 1;
    }
    std::borrow::Cow::Borrowed(body)
}

fn nanp_ok(d: &[u8]) -> bool {
    d.len() == 10 && d[0] >= 2 && d[3] >= 2
}

/// National significant number lengths by country calling code, for the countries we
/// validate closely; other codes fall back to E.164's 15-digit limit.
fn country_plan(d: &[u8]) -> Option<(usize, std::ops::RangeInclusive<usize>)> {
    const PLANS: &[(&[u8], std::ops::RangeInclusive<usize>)] = &[
        (&[1], 10..=10),
        (&[4, 4], 9..=10),
        (&[3, 5, 3], 7..=9),
        (&[4, 9], 6..=13),
        (&[3, 3], 9..=9),
        (&[3, 4], 9..=9),
        (&[3, 1], 9..=9),
        (&[9, 1], 10..=10),
        (&[6, 1], 9..=9),
        (&[5, 5], 10..=11),
    ];
    PLANS
        .iter()
        .find(|(cc, _)| d.starts_with(cc))
        .map(|(cc, r)| (cc.len(), r.clone()))
}

/// True when the groups are a calendar date (2024-03-15, 15/03/2024, 3.15.24 ...).
fn is_date_like(g: &[u8], digits: &[u8]) -> bool {
    let num = |r: std::ops::Range<usize>| {
        digits
            .get(r)
            .unwrap_or(&[])
            .iter()
            .fold(0u32, |a, &x| a * 10 + u32::from(x))
    };
    let day_month =
        |x: u32, y: u32| (1..=31).contains(&x) && (1..=31).contains(&y) && (x <= 12 || y <= 12);
    match g {
        [4, 2, 2] => {
            (1900..=2099).contains(&num(0..4))
                && (1..=12).contains(&num(4..6))
                && (1..=31).contains(&num(6..8))
        }
        [a @ 1..=2, b @ 1..=2, 2 | 4] => {
            let (a, b) = (*a as usize, *b as usize);
            day_month(num(0..a), num(a..a + b))
        }
        _ => false,
    }
}

fn phone_score(m: &[u8]) -> Option<f32> {
    let p = PhoneShape::parse(m)?;
    let d = p.digits();
    let g = p.groups();
    if !(7..=15).contains(&d.len()) || d.windows(2).all(|w| w[0] == w[1]) {
        return None;
    }
    if !p.plus && is_date_like(g, d) {
        return None;
    }
    // Groups of up to five digits, or a national number split once ("07911 123456").
    let grouped = p.n > 1 && g.iter().all(|&x| (1..=5).contains(&x))
        || p.n == 2 && g.iter().all(|&x| (2..=8).contains(&x));
    // International: "+CC ..." or "00CC ...".
    let intl = if p.plus {
        Some(d)
    } else if d.starts_with(&[0, 0]) && p.n > 1 && g[0] <= 4 {
        Some(&d[2..])
    } else {
        None
    };
    if let Some(rest) = intl {
        if rest.first() == Some(&0) {
            return None;
        }
        if let Some((cc, lens)) = country_plan(rest) {
            let national = &rest[cc..];
            let fits = lens.contains(&national.len()) && (cc != 1 || nanp_ok(national));
            if fits {
                return Some(PLAN);
            }
        }
        return (8..=15)
            .contains(&rest.len())
            .then_some(if grouped { 0.6 } else { GROUPED });
    }
    // NANP: (415) 555-0132, 415-555-0132, 415.555.0132, 1-415-555-0132, 4155550132.
    let nanp_digits = if d.len() == 11 && d[0] == 1 {
        &d[1..]
    } else {
        d
    };
    let nanp_layout = (g == [3, 3, 4] || g == [1, 3, 3, 4]) && (p.seps_uniform || p.paren_first);
    if nanp_digits.len() == 10 {
        if nanp_layout {
            return Some(if nanp_ok(nanp_digits) { PLAN } else { 0.55 });
        }
        if p.n == 1 && nanp_ok(nanp_digits) && d.len() == 10 {
            return Some(BARE);
        }
    }
    // 3-2-4 is the layout of US SSNs, not of a phone plan.
    if g == [3, 2, 4] {
        return Some(WEAK);
    }
    // National numbers with a trunk 0 (UK, IE, DE, FR, NL, AU, IN, BR ...).
    if d[0] == 0 && (9..=12).contains(&d.len()) {
        let pairs = d.len() == 10 && g.iter().all(|&x| x == 2); // FR "06 12 34 56 78"
        if grouped && (p.seps_uniform || p.paren_first) {
            return Some(if pairs || d.len() == 11 { PLAN } else { 0.6 });
        }
        if p.n == 1 {
            return Some(BARE);
        }
    }
    // Phone-like grouping without a plan: context decides (dotted groups are more often
    // versions and amounts).
    Some(if grouped && !p.dotted { GROUPED } else { WEAK })
}

pub(super) fn phone(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    if before(hay, start).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/')
        || after(hay, end).is_some_and(|b| b.is_ascii_alphanumeric() && !matches!(b, b'x' | b'e'))
    {
        return None;
    }
    // "12:20:39", "€1.299,00": a time or an amount continues after the match.
    if matches!(after(hay, end), Some(b':' | b',' | b'.'))
        && hay.get(end + 1).is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    let m = &hay[start..end];
    // An extension ("x1711", "ext. 12") is part of the number but not of its plan.
    let main_end = m
        .iter()
        .position(|&b| matches!(b | 0x20, b'x' | b'e'))
        .unwrap_or(m.len());
    let main = m[..main_end].trim_ascii_end();
    Verdict::scored(start, end, phone_score(main)?)
}

/// Query keys whose values are personal or secret.
const PERSONAL_KEYS: &[&[u8]] = &[
    b"email",
    b"e-mail",
    b"mail",
    b"name",
    b"first_name",
    b"firstname",
    b"last_name",
    b"lastname",
    b"fullname",
    b"phone",
    b"tel",
    b"mobile",
    b"user",
    b"username",
    b"userid",
    b"user_id",
    b"login",
    b"token",
    b"access_token",
    b"id_token",
    b"auth",
    b"key",
    b"api_key",
    b"apikey",
    b"password",
    b"pass",
    b"pwd",
    b"secret",
    b"ssn",
    b"dob",
    b"birthdate",
    b"address",
    b"addr",
    b"zip",
    b"postcode",
    b"session",
    b"sessionid",
    b"sid",
    b"signature",
    b"sig",
    b"code",
    b"reset",
    b"customer",
    b"account",
    b"card",
];

pub(super) fn url(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let mut m = &hay[start..end];
    while let Some(&last) = m.last() {
        if b".,;:!?)]}'\"".contains(&last) {
            m = &m[..m.len() - 1];
        } else {
            break;
        }
    }
    let end = start + m.len();
    if before(hay, start).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'@' || b == b'.') {
        return None;
    }
    let lower = m.to_ascii_lowercase();
    let after_scheme = memchr::memmem::find(&lower, b"://").map_or(0, |i| i + 3);
    let rest = &lower[after_scheme..];
    let host_end = rest
        .iter()
        .position(|&b| b == b'/' || b == b'?' || b == b'#')
        .unwrap_or(rest.len());
    // Credentials in the authority part: user:password@host.
    let authority = &rest[..host_end];
    if let Some(at) = memchr::memchr(b'@', authority) {
        if memchr::memchr(b':', &authority[..at]).is_some() {
            return Verdict::scored(start, end, 0.9);
        }
    }
    if let Some(q) = memchr::memchr(b'?', rest) {
        let query = &rest[q + 1..];
        let personal = query.split(|&b| b == b'&' || b == b';').any(|pair| {
            let key = pair.split(|&b| b == b'=').next().unwrap_or(&[]);
            pair.contains(&b'=') && PERSONAL_KEYS.contains(&key)
        });
        if personal {
            return Verdict::scored(start, end, 0.8);
        }
    }
    Verdict::scored(start, end, 0.1)
}

/// Words that stand before "at" in ordinary speech ("look at google dot com"), never the
/// local part of a spelled address.
const NOT_LOCAL: &[&[u8]] = &[
    b"look",
    b"looking",
    b"looked",
    b"go",
    b"going",
    b"went",
    b"me",
    b"us",
    b"him",
    b"her",
    b"them",
    b"it",
    b"is",
    b"was",
    b"are",
    b"that",
    b"this",
    b"there",
    b"here",
    b"online",
    b"site",
    b"website",
    b"page",
    b"visit",
    b"check",
    b"checked",
    b"click",
    b"log",
    b"logged",
    b"sign",
    b"signed",
    b"order",
    b"ordered",
    b"bought",
    b"shop",
    b"shopping",
    b"available",
    b"found",
    b"find",
    b"listed",
    b"posted",
    b"up",
    b"both",
    b"email",
    b"mail",
    b"reach",
    b"write",
    b"contact",
    b"address",
    b"and",
    b"or",
    b"but",
    b"just",
    b"also",
    b"directly",
];

/// An e-mail address said out loud: `john dot smith at gmail dot com`, `j o h n at
/// example dot org`, `jane_doe at outlook.com`. The local part is not an ordinary word that
/// stands before "at" in a sentence.
pub(super) fn spelled_email(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    if before(hay, start).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'@')
        || after(hay, end).is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    let m = &hay[start..end];
    let at = m.windows(4).position(|w| w.eq_ignore_ascii_case(b" at "))?;
    let local = &m[..at];
    // A one-word local part must not be an ordinary word ("look at", "me at").
    if !local.contains(&b' ') && !local.contains(&b'.') {
        let lower = local.to_ascii_lowercase();
        if NOT_LOCAL.contains(&lower.as_slice()) {
            return None;
        }
    }
    // The last word of a multi-word local part neither ("email me at ...").
    let last = local.rsplit(|&b| b == b' ').next()?.to_ascii_lowercase();
    if NOT_LOCAL.contains(&last.as_slice()) {
        return None;
    }
    Verdict::keep(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(s: &str) -> Option<f32> {
        phone(s.as_bytes(), 0, s.len()).and_then(|v| v.score)
    }

    #[test]
    fn phones() {
        assert_eq!(score("(415) 555-0132"), Some(PLAN));
        assert_eq!(score("+1 415 555 0132"), Some(PLAN));
        assert_eq!(score("415-555-0132"), Some(PLAN));
        assert_eq!(score("+44 20 7946 0958"), Some(PLAN));
        assert_eq!(score("020 7946 0958"), Some(PLAN));
        assert_eq!(score("06 12 34 56 78"), Some(PLAN));
        assert!(score("+55 11 98456 5666").is_some());
        assert!(score("+41 (0)71 526 99 04").is_some());
        assert!(score("2024-03-15").is_none());
        assert!(score("15/03/2024").is_none());
        assert!(score("1111111111").is_none());
    }

    #[test]
    fn trunk_markers_and_extensions() {
        let strip = |s: &str| strip_trunk_marker(s.as_bytes()).into_owned();
        assert_eq!(strip("41 (0)71 526"), b"41 71 526");
        assert_eq!(strip("(1) 2 (0)3 (0)4"), b"(1) 2 3 (0)4");
        assert_eq!(strip("(415) 555-0132"), b"(415) 555-0132");
        assert_eq!(strip("(0"), b"(0");
        // The extension, in either case, is left out of the plan.
        for s in [
            "415-555-0132 x12",
            "415-555-0132 X12",
            "415-555-0132 ext. 7",
            "415-555-0132 EXT 7",
        ] {
            let v = phone(s.as_bytes(), 0, s.len()).map(|v| v.score);
            assert_eq!(v, Some(Some(PLAN)), "{s}");
        }
    }

    #[test]
    fn urls() {
        let s = "https://user:hunter2@example.com/";
        assert_eq!(url(s.as_bytes(), 0, s.len()).unwrap().score, Some(0.9));
        let s = "https://shop.example.com/reset?email=a%40b.com&x=1";
        assert_eq!(url(s.as_bytes(), 0, s.len()).unwrap().score, Some(0.8));
        let s = "https://www.microsoft.com/.";
        let v = url(s.as_bytes(), 0, s.len()).unwrap();
        assert_eq!(&s[v.start..v.end], "https://www.microsoft.com/");
    }

    #[test]
    fn emails() {
        let s = "info@presidio.site";
        assert!(email(s.as_bytes(), 0, s.len()).is_some());
        let s = "a..b@example.com";
        assert!(email(s.as_bytes(), 0, s.len()).is_none());
    }
}
