//! Payment cards, bank accounts and crypto addresses.

use super::checksum::{base58_decode, bech32_polymod, luhn, mod97};
use super::{after, all_same, before, groups, number, same_case_letters, Digits, Verdict};
use sha2::{Digest, Sha256};
use sha3::Keccak256;

/// Lengths the issuer identified by the leading digits uses; empty when no known issuer.
fn card_lengths(d: &[u8]) -> &'static [usize] {
    let n = |k: usize| -> u32 { d.iter().take(k).fold(0u32, |a, &x| a * 10 + u32::from(x)) };
    let (p1, p2, p3, p4, p6) = (n(1), n(2), n(3), n(4), n(6));
    match () {
        _ if p1 == 4 => &[13, 16, 19], // Visa
        _ if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) => &[16], // Mastercard
        _ if p2 == 34 || p2 == 37 => &[15], // Amex
        _ if p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 => &[16, 19], // Discover
        _ if (622_126..=622_925).contains(&p6) => &[16, 17, 18, 19], // Discover/UnionPay
        _ if p2 == 62 || p2 == 81 => &[16, 17, 18, 19], // UnionPay
        _ if (3528..=3589).contains(&p4) => &[16, 17, 18, 19], // JCB
        _ if p4 == 2131 || p4 == 1800 => &[15], // JCB (legacy)
        _ if (300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39 => {
            &[14, 15, 16, 17, 18, 19]
        } // Diners
        _ if (2200..=2204).contains(&p4) => &[16, 17, 18, 19], // Mir
        _ if p2 == 50 || (56..=69).contains(&p2) || p4 == 604 => &[12, 13, 14, 15, 16, 17, 18, 19], // Maestro
        _ if p1 == 1 => &[15], // UATP
        _ => &[],
    }
}

pub(super) fn credit_card(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let g = groups(m);
    if g.mixed {
        return None;
    }
    let grouped_ok = g.bare()
        || g.lens().iter().all(|&l| l == 4)
        || g.is(&[4, 6, 5])
        || g.is(&[4, 6, 4])
        || g.is(&[4, 4, 4, 4, 3]);
    if !grouped_ok {
        return None;
    }
    let d = Digits::of(m)?;
    let s = d.as_slice();
    if !card_digits(s) {
        return None;
    }
    let score = if !card_lengths(s).contains(&s.len()) {
        Some(0.35)
    } else if s.len() < 15 {
        Some(0.4)
    } else {
        None
    };
    Some(Verdict { start, end, score })
}

/// The digits of a card number: 12-19 of them, not one repeated, Luhn. Short numbers (12-14
/// digits) are rarer cards and more often other ids: they need a known issuer using that
/// length. A 15-19 digit Luhn number outside the ranges we know may still be a card (issuer
/// tables change): `credit_card` keeps it at a score that needs context.
pub(super) fn card_digits(s: &[u8]) -> bool {
    (12..=19).contains(&s.len())
        && !all_same(s)
        && luhn(s)
        && (s.len() >= 15 || card_lengths(s).contains(&s.len()))
}

/// ISO 13616 IBAN lengths by country code.
fn iban_length(cc: [u8; 2]) -> Option<usize> {
    const TABLE: &[(&[u8; 2], usize)] = &[
        (b"AD", 24),
        (b"AE", 23),
        (b"AL", 28),
        (b"AT", 20),
        (b"AZ", 28),
        (b"BA", 20),
        (b"BE", 16),
        (b"BG", 22),
        (b"BH", 22),
        (b"BI", 27),
        (b"BR", 29),
        (b"BY", 28),
        (b"CH", 21),
        (b"CR", 22),
        (b"CY", 28),
        (b"CZ", 24),
        (b"DE", 22),
        (b"DJ", 27),
        (b"DK", 18),
        (b"DO", 28),
        (b"EE", 20),
        (b"EG", 29),
        (b"ES", 24),
        (b"FI", 18),
        (b"FK", 18),
        (b"FO", 18),
        (b"FR", 27),
        (b"GB", 22),
        (b"GE", 22),
        (b"GI", 23),
        (b"GL", 18),
        (b"GR", 27),
        (b"GT", 28),
        (b"HN", 28),
        (b"HR", 21),
        (b"HU", 28),
        (b"IE", 22),
        (b"IL", 23),
        (b"IQ", 23),
        (b"IS", 26),
        (b"IT", 27),
        (b"JO", 30),
        (b"KW", 30),
        (b"KZ", 20),
        (b"LB", 28),
        (b"LC", 32),
        (b"LI", 21),
        (b"LT", 20),
        (b"LU", 20),
        (b"LV", 21),
        (b"LY", 25),
        (b"MC", 27),
        (b"MD", 24),
        (b"ME", 22),
        (b"MK", 19),
        (b"MN", 20),
        (b"MR", 27),
        (b"MT", 31),
        (b"MU", 30),
        (b"NI", 28),
        (b"NL", 18),
        (b"NO", 15),
        (b"OM", 23),
        (b"PK", 24),
        (b"PL", 28),
        (b"PS", 29),
        (b"PT", 25),
        (b"QA", 29),
        (b"RO", 24),
        (b"RS", 22),
        (b"RU", 33),
        (b"SA", 24),
        (b"SC", 31),
        (b"SD", 18),
        (b"SE", 24),
        (b"SI", 19),
        (b"SK", 24),
        (b"SM", 27),
        (b"SO", 23),
        (b"ST", 25),
        (b"SV", 28),
        (b"TL", 23),
        (b"TN", 24),
        (b"TR", 26),
        (b"UA", 29),
        (b"VA", 22),
        (b"VG", 24),
        (b"XK", 20),
        (b"YE", 30),
    ];
    TABLE.iter().find(|(c, _)| **c == cc).map(|&(_, n)| n)
}

pub(super) fn iban(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let cc = [
        m.first()?.to_ascii_uppercase(),
        m.get(1)?.to_ascii_uppercase(),
    ];
    let want = iban_length(cc)?;
    // Take exactly `want` alphanumerics; the cut must fall at the end of a group.
    let mut chars = [0u8; 34];
    let mut n = 0;
    let mut cut = m.len();
    for (i, &b) in m.iter().enumerate() {
        if b.is_ascii_alphanumeric() {
            if n == want {
                cut = i;
                break;
            }
            chars[n] = b;
            n += 1;
        }
    }
    if n != want {
        return None;
    }
    let body = &m[..cut];
    let body = body.trim_ascii_end();
    let end = start + body.len();
    if after(hay, end).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let g = groups(body);
    if g.mixed || matches!(g.sep, Some(s) if s != b' ' && s != b'-') {
        return None;
    }
    // Grouped IBANs come in fours (the last group shorter).
    if !g.bare() {
        let lens = g.lens();
        let (last, init) = lens.split_last()?;
        if init.iter().any(|&l| l != 4) || *last > 4 {
            return None;
        }
    }
    if !same_case_letters(&chars[..n]) {
        return None;
    }
    if !chars[2..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let rearranged = chars[4..n].iter().chain(&chars[..4]).copied();
    (mod97(rearranged)? == 1).then_some(Verdict {
        start,
        end,
        score: None,
    })
}

pub(super) fn aba_routing(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let g = groups(m);
    if !(g.bare() || g.is(&[4, 4, 1])) {
        return None;
    }
    let d = Digits::of(m)?;
    aba_digits(d.as_slice()).then_some(Verdict {
        start,
        end,
        score: if g.bare() { Some(0.3) } else { None },
    })
}

/// The digits of an ABA routing number: nine, not one repeated, a Federal Reserve prefix and
/// the 3-7-1 weighted checksum.
pub(super) fn aba_digits(s: &[u8]) -> bool {
    if s.len() != 9 || all_same(s) {
        return false;
    }
    if !matches!(number(s, 0..2), 0..=12 | 21..=32 | 61..=72 | 80) {
        return false;
    }
    const W: [u32; 3] = [3, 7, 1];
    let sum: u32 = s
        .iter()
        .enumerate()
        .map(|(i, &x)| u32::from(x) * W[i % 3])
        .sum();
    sum % 10 == 0
}

pub(super) fn bitcoin(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    if before(hay, start).is_some_and(|b| b.is_ascii_alphanumeric())
        || after(hay, end).is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    let lower = m.to_ascii_lowercase();
    if lower.starts_with(b"bc1") || lower.starts_with(b"tb1") {
        // Bech32 must be one case throughout.
        if !same_case_letters(m) {
            return None;
        }
        let c = bech32_polymod(&lower)?;
        let witness_v0 = lower.get(3) == Some(&b'q');
        let ok = if witness_v0 { c == 1 } else { c == 0x2bc8_30a3 };
        return ok.then_some(Verdict {
            start,
            end,
            score: None,
        });
    }
    let mut buf = [0u8; 40];
    let n = base58_decode(m, &mut buf)?;
    if n != 25 || !matches!(buf[0], 0x00 | 0x05 | 0x6f | 0xc4) {
        return None;
    }
    let first = Sha256::digest(&buf[..21]);
    let second = Sha256::digest(first);
    (second[..4] == buf[21..25]).then_some(Verdict {
        start,
        end,
        score: None,
    })
}

pub(super) fn ethereum(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    if after(hay, end).is_some_and(|b| b.is_ascii_alphanumeric()) || m.len() != 42 {
        return None;
    }
    let hex = &m[2..];
    let has_upper = hex.iter().any(u8::is_ascii_uppercase);
    let has_lower = hex.iter().any(u8::is_ascii_lowercase);
    if has_upper && has_lower {
        // EIP-55: a letter is upper case exactly when the matching nibble of
        // keccak256(lower-case address) is 8 or more.
        let lower = hex.to_ascii_lowercase();
        let hash = Keccak256::digest(&lower);
        for (i, &c) in hex.iter().enumerate() {
            if c.is_ascii_alphabetic() {
                let byte = hash[i / 2];
                let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0xF };
                if (nibble >= 8) != c.is_ascii_uppercase() {
                    return None;
                }
            }
        }
        return Verdict::keep(start, end);
    }
    // Without a checksum, only a plausible spread of digits and letters counts.
    let distinct = {
        let mut seen = [false; 16];
        for &c in hex {
            if let Some(v) = (c as char).to_digit(16) {
                seen[v as usize] = true;
            }
        }
        seen.iter().filter(|&&x| x).count()
    };
    (distinct >= 8).then_some(Verdict {
        start,
        end,
        score: Some(0.6),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(f: fn(&[u8], usize, usize) -> Option<Verdict>, s: &str) -> bool {
        f(s.as_bytes(), 0, s.len()).is_some()
    }

    #[test]
    fn cards() {
        for s in [
            "4111111111111111",
            "4012-8888-8888-1881",
            "4012 8888 8888 1881",
            "371449635398431",
            "5555555555554444",
            "6011000400000000",
            "3528000700000000",
            "30569309025904",
            "122000000000003",
        ] {
            assert!(ok(credit_card, s), "{s}");
        }
        for s in [
            "4012-8888-8888-1882",
            "1748503543012",
            "4012-8888 8888-1881",
            "0000000000000000",
        ] {
            assert!(!ok(credit_card, s), "{s}");
        }
    }

    #[test]
    fn ibans() {
        for s in [
            "GB29NWBK60161331926819",
            "GB29 NWBK 6016 1331 9268 19",
            "DE89 3704 0044 0532 0130 00",
            "AL47-2121-1009-0000-0002-3569-8741",
            "gb42nawi04454264788619",
        ] {
            assert!(ok(iban, s), "{s}");
        }
        for s in [
            "GB29 NWBK 6016 1331 9268 10",
            "LV80 bANK 0000 4351 9500 1",
            "AL47/2121/1009/0000/0002/3569/8741",
            "IL15 0120 6900 0000 3111 0120 6900 0000 3111 141",
        ] {
            assert!(!ok(iban, s), "{s}");
        }
        let s = "VG96 VPVG 0000 0123 4567 8901 X";
        let v = iban(s.as_bytes(), 0, s.len()).unwrap();
        assert_eq!(&s[v.start..v.end], "VG96 VPVG 0000 0123 4567 8901");
    }

    #[test]
    fn aba() {
        assert!(ok(aba_routing, "121000358"));
        assert!(ok(aba_routing, "0711-0130-7"));
        assert!(!ok(aba_routing, "421042111"));
        assert!(!ok(aba_routing, "1234-0000-0"));
    }

    #[test]
    fn crypto() {
        assert!(ok(bitcoin, "16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ"));
        assert!(ok(bitcoin, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"));
        assert!(ok(bitcoin, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"));
        assert!(ok(
            bitcoin,
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"
        ));
        assert!(!ok(bitcoin, "16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyA"));
        assert!(ok(ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
        assert!(!ok(ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
    }
}
