//! Surrogates: realistic fakes of the same format, consistent per value and key.
//!
//! Each value seeds a keyed stream (HMAC-SHA256 of the entity and the value's identity, see
//! `identity`); a candidate is drawn from it in the value's format and must pass the rule's
//! validator and differ from the value, else the next candidate is drawn. Checksums that a
//! draw rarely meets are computed instead of drawn: Luhn for cards, mod-97 for IBANs.
//!
//! Choices that keep fakes from being someone's real data: US SSNs are drawn from area
//! numbers 900-999 with group numbers 01-49 (never issued as SSNs, and outside the IRS ITIN
//! groups), e-mail addresses use the reserved `example.com`/`.net`/`.org` domains, IPv4
//! addresses the documentation networks of RFC 5737 and IPv6 addresses `2001:db8::/32`
//! (RFC 3849).

use super::{identity, RedactionKey};
use crate::validators::checksum;

/// Candidates drawn before giving up (a checksum that one draw in 100 meets fails all of
/// them about once in 30 000 values).
const ATTEMPTS: u32 = 1024;

/// A keyed stream of pseudo-random bytes.
struct Draw<'a> {
    key: &'a RedactionKey,
    entity: &'a str,
    seed: &'a [u8],
    attempt: u32,
    block: u32,
    buf: [u8; 32],
    used: usize,
}

impl Draw<'_> {
    fn byte(&mut self) -> u8 {
        if self.used == self.buf.len() {
            let n = self.attempt.wrapping_mul(1 << 16).wrapping_add(self.block);
            self.buf = self.key.surrogate_block(self.entity, self.seed, n);
            self.block += 1;
            self.used = 0;
        }
        self.used += 1;
        self.buf[self.used - 1]
    }

    /// Uniform in `0..n` (n <= 256), by rejection.
    fn below(&mut self, n: u32) -> u32 {
        let limit = 256 - 256 % n;
        loop {
            let b = u32::from(self.byte());
            if b < limit {
                return b % n;
            }
        }
    }

    fn digit(&mut self) -> u8 {
        b'0' + self.below(10) as u8
    }

    fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
        let i = (u32::from(self.byte()) << 8 | u32::from(self.byte())) as usize % items.len();
        items[i]
    }
}

/// What a fake for `value`, found by rule `rule`, must pass: the rule's pattern, over all of
/// it, and its validator at least as strongly as `value` does. US SSN fakes are checked
/// against the pattern only: they are never-issued numbers on purpose, which is exactly what
/// the SSN validator rejects.
pub(crate) fn acceptor<'e>(
    engine: &'e crate::Engine,
    rule: u32,
    entity: &str,
    value: &[u8],
) -> impl Fn(&[u8]) -> bool + 'e {
    let validate = entity != "US_SSN";
    let floor = engine.strength(rule, value, validate).unwrap_or(0.0);
    move |candidate: &[u8]| {
        engine
            .strength(rule, candidate, validate)
            .is_some_and(|s| s >= floor)
    }
}

/// A fake for `value` that `accept` (see [`acceptor`]) takes, or `None` when no candidate
/// passed.
pub(crate) fn make(
    key: &RedactionKey,
    entity: &str,
    accept: &dyn Fn(&[u8]) -> bool,
    value: &[u8],
) -> Option<Vec<u8>> {
    let seed = identity(entity, value);
    // Said out loud ("four one five ...", "john dot smith at gmail dot com"): a written fake,
    // said out loud again. Read once, not per attempt.
    let spoken = crate::spoken::digits_of(value);
    let spelled_email = entity == "EMAIL_ADDRESS" && !value.contains(&b'@');
    for attempt in 0..ATTEMPTS {
        let mut d = Draw {
            key,
            entity,
            seed: &seed,
            attempt,
            block: 0,
            buf: [0; 32],
            used: 32,
        };
        // Late attempts keep a short letter prefix too (`AKIA...` keys).
        let keep_more = attempt >= ATTEMPTS / 2;
        let candidate = match &spoken {
            Some(digits) => crate::spoken::say_digits(&draw(&mut d, entity, digits, keep_more)?),
            None if spelled_email => spell_email(&email(&mut d)),
            None => draw(&mut d, entity, value, keep_more)?,
        };
        if candidate != value && accept(&candidate) {
            return Some(candidate);
        }
    }
    None
}

/// One candidate in the format of `value`.
fn draw(d: &mut Draw<'_>, entity: &str, value: &[u8], keep_more: bool) -> Option<Vec<u8>> {
    Some(match entity {
        "PERSON" => person(d, value),
        "EMAIL_ADDRESS" => email(d),
        "DATE_OF_BIRTH" | "DATE_TIME" => date(d, value),
        "STREET_ADDRESS" => address(d, value),
        "CREDIT_CARD" => card(d, value),
        "IBAN_CODE" => iban(d, value)?,
        "US_SSN" => ssn(d, value),
        "IP_ADDRESS" => ip(d, value),
        "PHONE_NUMBER" => keep_head(d, value, 4),
        _ => shape(d, value, prefix(value, keep_more)),
    })
}

/// Same layout: digits become random digits, letters random letters of the same case, the
/// first `keep` bytes and everything else stay. A hexadecimal value stays hexadecimal (in
/// lower case when it mixes cases, as case can carry a checksum).
fn shape(d: &mut Draw<'_>, value: &[u8], keep: usize) -> Vec<u8> {
    let body = value.get(keep..).unwrap_or_default();
    let alnum = || body.iter().filter(|b| b.is_ascii_alphanumeric());
    let hex = alnum().count() >= 8 && alnum().all(u8::is_ascii_hexdigit);
    let mixed = alnum().any(u8::is_ascii_lowercase) && alnum().any(u8::is_ascii_uppercase);
    let letters: u32 = if hex { 6 } else { 26 };
    value
        .iter()
        .enumerate()
        .map(|(i, &b)| match b {
            _ if i < keep => b,
            b'0'..=b'9' => d.digit(),
            b'A'..=b'Z' if !(hex && mixed) => b'A' + d.below(letters) as u8,
            b'A'..=b'Z' | b'a'..=b'z' => b'a' + d.below(letters) as u8,
            _ => b,
        })
        .collect()
}

/// How many leading bytes name a format rather than a value: letters up to the last `_` or
/// `-` of the first 12 bytes (`ghp_`, `sk_live_`, `xoxb-`), `0x`, and a JWT's header segment;
/// with `more`, also up to four leading letters (`AKIA`).
fn prefix(value: &[u8], more: bool) -> usize {
    if value.starts_with(b"eyJ") {
        if let Some(dot) = value.iter().position(|&b| b == b'.') {
            return dot + 1;
        }
    }
    if value.starts_with(b"0x") {
        return 2;
    }
    let head = &value[..value.len().min(12)];
    let named = head
        .iter()
        .rposition(|&b| b == b'_' || b == b'-')
        .filter(|&i| {
            head[..i]
                .iter()
                .all(|b| b.is_ascii_alphabetic() || *b == b'_')
        })
        .map_or(0, |i| i + 1);
    let letters = value.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if more {
        named.max(letters.min(4))
    } else {
        named
    }
}

/// New random digits in place of the last `n` digits; the rest (country code, area code,
/// separators) stays, so the number keeps its plan and layout.
fn keep_head(d: &mut Draw<'_>, value: &[u8], n: usize) -> Vec<u8> {
    let mut out = value.to_vec();
    let mut left = n;
    for b in out.iter_mut().rev() {
        if left == 0 {
            break;
        }
        if b.is_ascii_digit() {
            *b = d.digit();
            left -= 1;
        }
    }
    out
}

fn title(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let mut c = lower.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// A name from the census lists with as many words as the value (first name, then surnames),
/// in the value's case.
fn person(d: &mut Draw<'_>, value: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(value);
    let words = text.split_whitespace().count().clamp(1, 3);
    let mut parts = vec![title(d.pick(crate::person::common_names(true)))];
    for _ in 1..words {
        parts.push(title(d.pick(crate::person::common_names(false))));
    }
    let name = parts.join(" ");
    let letters = text.chars().filter(|c| c.is_alphabetic());
    let (mut upper, mut lower, mut n) = (true, true, 0);
    for c in letters {
        upper &= c.is_uppercase();
        lower &= c.is_lowercase();
        n += 1;
    }
    match (n > 1 && upper, n > 0 && lower) {
        (true, _) => name.to_uppercase().into_bytes(),
        (_, true) => name.to_lowercase().into_bytes(),
        _ => name.into_bytes(),
    }
}

fn email(d: &mut Draw<'_>) -> Vec<u8> {
    let first = d
        .pick(crate::person::common_names(true))
        .to_ascii_lowercase();
    let last = d
        .pick(crate::person::common_names(false))
        .to_ascii_lowercase();
    let domain = d.pick(&["example.com", "example.net", "example.org"]);
    format!("{first}.{last}@{domain}").into_bytes()
}

/// `jane.doe@example.com` as said: `jane dot doe at example dot com`.
fn spell_email(written: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(written);
    text.replace('@', " at ").replace('.', " dot ").into_bytes()
}

/// Another date in the same layout: a four-digit year from 1940 to 1999, two-digit years
/// from 40 to 99, and day and month both from 1 to 12 (1 to 9 when written with one digit), so that either reading of a numeric
/// date (day first or month first) is valid; a month name stays. Widths and zero padding
/// stay.
fn date(d: &mut Draw<'_>, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        let n = value[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            out.push(value[i]);
            i += 1;
            continue;
        }
        let last = value[i + n..].iter().all(|b| !b.is_ascii_digit());
        let four = value.windows(4).any(|w| w.iter().all(u8::is_ascii_digit));
        let number = match n {
            4 => 1940 + d.below(60),
            2 if last && !four => 40 + d.below(60),
            1 => 1 + d.below(9),
            _ => 1 + d.below(12),
        };
        let text = if n >= 2 {
            format!("{number:0n$}")
        } else {
            number.to_string()
        };
        out.extend_from_slice(text.as_bytes());
        i += n;
    }
    out
}

/// Another address in the same layout: every digit drawn (a leading digit stays non-zero),
/// the street's name words replaced by census surnames in the same case (a German or Dutch
/// compound keeps its ending: `Hauptstraße` becomes `Millerstraße`); suffixes, unit
/// designators, city, state and country stay.
fn address(d: &mut Draw<'_>, value: &[u8]) -> Vec<u8> {
    // The street is the first part, up to a comma or line break.
    let street_end = value
        .iter()
        .position(|&b| b == b',' || b == b'\n')
        .unwrap_or(value.len());
    let mut out = Vec::with_capacity(value.len() + 8);
    let mut i = 0;
    while i < value.len() {
        let b = value[i];
        if b.is_ascii_digit() {
            let first = i == 0 || !value[i - 1].is_ascii_digit();
            out.push(if first && b != b'0' {
                b'1' + d.below(9) as u8
            } else {
                d.digit()
            });
            i += 1;
            continue;
        }
        let word_len = value[i..]
            .iter()
            .take_while(|&&c| c.is_ascii_alphabetic() || c >= 0x80)
            .count();
        if word_len == 0 {
            out.push(b);
            i += 1;
            continue;
        }
        let word = &value[i..i + word_len];
        let text = String::from_utf8_lossy(word);
        if i < street_end {
            if let Some(kept) = crate::address::street_word_kept(&text) {
                let surname = title(d.pick(crate::person::common_names(false)));
                let stem = if text.chars().next().is_some_and(char::is_lowercase) {
                    surname.to_lowercase()
                } else {
                    surname
                };
                out.extend_from_slice(stem.as_bytes());
                out.extend_from_slice(kept.as_bytes());
                i += word_len;
                continue;
            }
        }
        out.extend_from_slice(word);
        i += word_len;
    }
    out
}

/// The issuer prefix (first six digits) stays, the account digits are drawn and the last
/// digit is the Luhn check digit; separators stay.
fn card(d: &mut Draw<'_>, value: &[u8]) -> Vec<u8> {
    let positions: Vec<usize> = (0..value.len())
        .filter(|&i| value[i].is_ascii_digit())
        .collect();
    let mut out = value.to_vec();
    let Some((&check, body)) = positions.split_last() else {
        return out;
    };
    for &i in body.iter().skip(6) {
        out[i] = d.digit();
    }
    let mut digits: Vec<u8> = positions.iter().map(|&i| out[i] - b'0').collect();
    for c in 0..10u8 {
        if let Some(last) = digits.last_mut() {
            *last = c;
        }
        if checksum::luhn(&digits) {
            out[check] = b'0' + c;
            break;
        }
    }
    out
}

/// Country code stays; the account part is drawn in its layout; the check digits are
/// computed (ISO 7064 mod 97-10).
fn iban(d: &mut Draw<'_>, value: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<usize> = (0..value.len())
        .filter(|&i| value[i].is_ascii_alphanumeric())
        .collect();
    if compact.len() < 5 {
        return None;
    }
    let mut out = value.to_vec();
    for &i in &compact[4..] {
        out[i] = match out[i] {
            b'0'..=b'9' => d.digit(),
            b'a'..=b'z' => b'a' + d.below(26) as u8,
            _ => b'A' + d.below(26) as u8,
        };
    }
    // Check digits: 98 - (BBAN + country + "00") mod 97.
    let rearranged: Vec<u8> = compact[4..]
        .iter()
        .chain(&compact[..2])
        .map(|&i| out[i].to_ascii_uppercase())
        .chain(*b"00")
        .collect();
    let rem = checksum::mod97(rearranged.into_iter())?;
    let check = 98 - rem;
    out[compact[2]] = b'0' + (check / 10) as u8;
    out[compact[3]] = b'0' + (check % 10) as u8;
    Some(out)
}

/// 9AA-GG-SSSS with GG in 01..=49, in the value's layout.
fn ssn(d: &mut Draw<'_>, value: &[u8]) -> Vec<u8> {
    let group = 1 + d.below(49);
    let mut digits = vec![b'9', d.digit(), d.digit()];
    digits.extend_from_slice(format!("{group:02}").as_bytes());
    let serial = 1 + u32::from(d.byte()) * 39 % 9999;
    digits.extend_from_slice(format!("{serial:04}").as_bytes());
    let mut next = digits.into_iter();
    value
        .iter()
        .map(|&b| {
            if b.is_ascii_digit() {
                next.next().unwrap_or(b'0')
            } else {
                b
            }
        })
        .collect()
}

/// Documentation addresses; a `/prefix` stays.
fn ip(d: &mut Draw<'_>, value: &[u8]) -> Vec<u8> {
    let (addr, suffix) = match value.iter().position(|&b| b == b'/') {
        Some(i) => value.split_at(i),
        None => (value, &b""[..]),
    };
    let mut out = if addr.contains(&b':') {
        format!(
            "2001:db8:{:x}:{:x}::{:x}",
            d.byte(),
            d.byte(),
            u32::from(d.byte()) + 1
        )
        .into_bytes()
    } else {
        let net = d.pick(&["192.0.2", "198.51.100", "203.0.113"]);
        format!("{net}.{}", 1 + d.below(254)).into_bytes()
    };
    out.extend_from_slice(suffix);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validators::Validator;

    fn key() -> RedactionKey {
        RedactionKey::from_hex(&"5a".repeat(32)).unwrap()
    }

    fn v(name: &str) -> Option<Validator> {
        Some(name.parse().unwrap())
    }

    /// The validator alone, over the whole candidate.
    fn by(validator: Option<Validator>) -> impl Fn(&[u8]) -> bool {
        move |c: &[u8]| {
            validator.is_none_or(|v| {
                v.check(c, 0, c.len())
                    .is_some_and(|r| r.start == 0 && r.end == c.len())
            })
        }
    }

    #[test]
    fn surrogates_pass_their_validators_and_differ() {
        let k = key();
        let cases: &[(&str, &str, &str)] = &[
            ("CREDIT_CARD", "credit_card", "4111 1111 1111 1111"),
            ("CREDIT_CARD", "credit_card", "5500-0000-0000-0004"),
            ("IBAN_CODE", "iban", "GB29 NWBK 6016 1331 9268 19"),
            ("IBAN_CODE", "iban", "DE89370400440532013000"),
            ("PHONE_NUMBER", "phone", "+1 (415) 555-0132"),
            ("PHONE_NUMBER", "phone", "+44 20 7946 0958"),
            ("EMAIL_ADDRESS", "email", "jane.doe@gmail.com"),
            ("IP_ADDRESS", "ipv4", "203.0.113.77"),
            ("UK_NHS", "uk_nhs", "943 476 5919"),
            ("IN_AADHAAR", "in_aadhaar", "2345 6789 0124"),
            ("ES_NIF", "es_nif", "12345678Z"),
            ("ABA_ROUTING_NUMBER", "aba_routing", "011000015"),
        ];
        for &(entity, validator, value) in cases {
            let s = make(&k, entity, &by(v(validator)), value.as_bytes())
                .unwrap_or_else(|| panic!("no surrogate for {entity}"));
            assert_ne!(s, value.as_bytes(), "{entity}");
            let ok = v(validator).unwrap().check(&s, 0, s.len());
            assert!(ok.is_some(), "{entity}: {}", String::from_utf8_lossy(&s));
            // Consistent per value (and per identity of the value).
            assert_eq!(
                Some(s),
                make(&k, entity, &by(v(validator)), value.as_bytes())
            );
        }
    }

    #[test]
    fn cards_keep_issuer_and_layout() {
        let s = make(
            &key(),
            "CREDIT_CARD",
            &by(v("credit_card")),
            b"4111 1111 1111 1111",
        )
        .unwrap();
        assert!(s.starts_with(b"4111 11"));
        assert_eq!(s.len(), 19);
        assert_eq!(s[4], b' ');
    }

    #[test]
    fn ssn_fakes_are_never_issued_numbers() {
        let s = make(&key(), "US_SSN", &by(None), b"078-05-1123").unwrap();
        let text = String::from_utf8(s).unwrap();
        assert!(
            text.starts_with('9') && text.len() == 11 && &text[3..4] == "-",
            "{text}"
        );
        let group: u32 = text[4..6].parse().unwrap();
        assert!((1..=49).contains(&group));
        // Neither an SSN nor an ITIN to the validators.
        assert!(v("us_ssn").unwrap().check(text.as_bytes(), 0, 11).is_none());
        assert!(v("us_itin")
            .unwrap()
            .check(text.as_bytes(), 0, 11)
            .is_none());
    }

    #[test]
    fn names_keep_word_count_and_case() {
        let k = key();
        let s = String::from_utf8(make(&k, "PERSON", &by(None), b"john smith").unwrap()).unwrap();
        assert_eq!(s.split(' ').count(), 2);
        assert_eq!(s, s.to_lowercase());
        let s = String::from_utf8(make(&k, "PERSON", &by(None), b"Maria").unwrap()).unwrap();
        assert!(s.chars().next().unwrap().is_uppercase() && !s.contains(' '));
    }

    #[test]
    fn dates_addresses_and_spoken_forms_keep_their_layout() {
        let k = key();
        let fake = |entity: &str, v: &str| {
            String::from_utf8(make(&k, entity, &by(None), v.as_bytes()).unwrap()).unwrap()
        };
        let shape = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_ascii_digit() { '9' } else { c })
                .collect()
        };
        for v in [
            "03/15/1986",
            "1986-03-15",
            "4/7/92",
            "14 March 1979",
            "15.03.1986",
        ] {
            let f = fake("DATE_OF_BIRTH", v);
            assert_eq!(shape(&f), shape(v), "{v} -> {f}");
            assert!(
                crate::validators::dates::parse(f.as_bytes()).is_some(),
                "{f}"
            );
        }
        let f = fake(
            "STREET_ADDRESS",
            "742 Evergreen Terrace, Springfield, IL 62704",
        );
        assert!(f.ends_with(", Springfield, IL ") || f.contains(" Terrace, Springfield, IL "));
        assert!(!f.contains("Evergreen"), "{f}");
        let f = fake("STREET_ADDRESS", "Hauptstraße 12, 10115 Berlin");
        assert!(f.contains("straße ") && !f.starts_with("Haupt"), "{f}");
        let f = fake(
            "PHONE_NUMBER",
            "four one five five five five oh one three two",
        );
        let digits = crate::spoken::digits_of(f.as_bytes()).unwrap();
        assert!(digits.starts_with(b"415555"), "{f}");
        let f = fake("EMAIL_ADDRESS", "john dot smith at gmail dot com");
        assert!(f.contains(" at example dot ") && !f.contains('@'), "{f}");
    }
}
