//! Government and personal identifiers.

use super::checksum::{iso7064_mod11_10, luhn, verhoeff};
use super::{all_same, groups, number, same_case_letters, Digits, Verdict};

/// Score for a 9-digit number written without the usual grouping: only context makes it one.
const BARE: f32 = 0.3;
/// Score for an unusual partial grouping (`078-051121`).
const PARTIAL: f32 = 0.2;

/// Layout of a US 3-2-4 number: grouped, bare, partly grouped or not allowed.
fn ssn_layout(m: &[u8]) -> Option<Option<f32>> {
    let g = groups(m);
    if g.mixed {
        return None;
    }
    if g.is(&[3, 2, 4]) {
        Some(None)
    } else if g.bare() {
        Some(Some(BARE))
    } else if g.is(&[3, 6]) || g.is(&[5, 4]) {
        Some(Some(PARTIAL))
    } else {
        None
    }
}

pub(super) fn us_ssn(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let layout = ssn_layout(m)?;
    let d = Digits::of(m)?;
    ssn_digits(d.as_slice()).then_some(Verdict {
        start,
        end,
        score: layout,
    })
}

/// The digits of an SSN: nine, not one repeated, an area other than 000, 666 and 9xx, a group
/// and serial other than zero, and not a number published as an example.
pub(super) fn ssn_digits(s: &[u8]) -> bool {
    if s.len() != 9 || all_same(s) {
        return false;
    }
    let (area, group, serial) = (number(s, 0..3), number(s, 3..5), number(s, 5..9));
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return false;
    }
    // Numbers published in advertising or used as examples, never valid for a person.
    const INVALID: [u64; 4] = [78_051_120, 219_099_999, 457_555_462, 123_456_789];
    !INVALID.contains(&number(s, 0..9))
}

pub(super) fn us_itin(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let layout = ssn_layout(m)?;
    let d = Digits::of(m)?;
    itin_digits(d.as_slice()).then_some(Verdict {
        start,
        end,
        score: layout,
    })
}

/// The digits of an ITIN: nine, a 9xx area and a group in the IRS ranges.
pub(super) fn itin_digits(s: &[u8]) -> bool {
    s.len() == 9 && s[0] == 9 && matches!(number(s, 3..5), 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

/// Upper-cased alphanumerics of a short match, on the stack.
fn alnum_upper(m: &[u8], out: &mut [u8]) -> Option<usize> {
    let mut n = 0;
    for &b in m {
        if b.is_ascii_alphanumeric() {
            *out.get_mut(n)? = b.to_ascii_uppercase();
            n += 1;
        }
    }
    Some(n)
}

pub(super) fn uk_nino(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    // One case throughout: "hh 01 02 03 d" and "AA 12 34 56 B", not "aA 12 34 56 b".
    if !same_case_letters(m) {
        return None;
    }
    let mut c = [0u8; 9];
    if alnum_upper(m, &mut c)? != 9 {
        return None;
    }
    let (a, b) = (c[0], c[1]);
    if b"DFIQUV".contains(&a) || b"DFIOQUV".contains(&b) {
        return None;
    }
    if [*b"BG", *b"GB", *b"KN", *b"NK", *b"NT", *b"TN", *b"ZZ"].contains(&[a, b]) {
        return None;
    }
    if !c[2..8].iter().all(u8::is_ascii_digit) || !b"ABCD".contains(&c[8]) {
        return None;
    }
    Verdict::keep(start, end)
}

pub(super) fn uk_nhs(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let g = groups(m);
    if !(g.bare() || g.is(&[3, 3, 4])) {
        return None;
    }
    let d = Digits::of(m)?;
    nhs_digits(d.as_slice()).then_some(Verdict {
        start,
        end,
        score: None,
    })
}

/// The digits of an NHS number: ten, not one repeated, the mod-11 weighted check digit.
pub(super) fn nhs_digits(s: &[u8]) -> bool {
    if s.len() != 10 || all_same(s) {
        return false;
    }
    let sum: u32 = s[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| u32::from(x) * (10 - i as u32))
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == u32::from(s[9])
}

pub(super) fn ca_sin(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let g = groups(m);
    let score = if g.bare() {
        Some(BARE)
    } else if g.is(&[3, 3, 3]) {
        None
    } else {
        return None;
    };
    let d = Digits::of(m)?;
    sin_digits(d.as_slice()).then_some(Verdict { start, end, score })
}

/// The digits of a SIN: nine, not one repeated, not starting with 0 or 8, Luhn.
pub(super) fn sin_digits(s: &[u8]) -> bool {
    s.len() == 9 && !all_same(s) && s[0] != 0 && s[0] != 8 && luhn(s)
}

const NIF_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

fn nif_letter_ok(number: u64, letter: u8) -> bool {
    NIF_LETTERS.get((number % 23) as usize) == Some(&letter.to_ascii_uppercase())
}

pub(super) fn es_nif(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let letter = *m.last()?;
    let d = Digits::of(m)?;
    if !(7..=8).contains(&d.len()) || !letter.is_ascii_alphabetic() {
        return None;
    }
    nif_letter_ok(d.num(0..d.len()), letter).then_some(Verdict {
        start,
        end,
        score: None,
    })
}

pub(super) fn es_nie(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    if !same_case_letters(m) {
        return None;
    }
    let prefix = match m.first()?.to_ascii_uppercase() {
        b'X' => 0,
        b'Y' => 1,
        b'Z' => 2,
        _ => return None,
    };
    let letter = *m.last()?;
    let d = Digits::of(m)?;
    if d.len() != 7 {
        return None;
    }
    nif_letter_ok(prefix * 10_000_000 + d.num(0..7), letter).then_some(Verdict {
        start,
        end,
        score: None,
    })
}

pub(super) fn it_fiscal_code(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    const OMOCODIA: &[u8] = b"LMNPQRSTUV";
    let m = &hay[start..end];
    if m.len() != 16 || !same_case_letters(m) {
        return None;
    }
    let mut c = [0u8; 16];
    alnum_upper(m, &mut c)?;
    let letter_at = |i: usize| c[i].is_ascii_uppercase();
    let digitish = |i: usize| c[i].is_ascii_digit() || OMOCODIA.contains(&c[i]);
    let layout_ok = (0..6).all(letter_at)
        && [6, 7, 9, 10, 12, 13, 14].iter().all(|&i| digitish(i))
        && b"ABCDEHLMPRST".contains(&c[8])
        && letter_at(11)
        && letter_at(15);
    if !layout_ok {
        return None;
    }
    let mut sum = 0u32;
    for (i, &ch) in c[..15].iter().enumerate() {
        let idx = if ch.is_ascii_digit() {
            u32::from(ch - b'0')
        } else {
            u32::from(ch - b'A')
        };
        sum += if i % 2 == 0 { ODD[idx as usize] } else { idx };
    }
    (u32::from(c[15] - b'A') == sum % 26).then_some(Verdict {
        start,
        end,
        score: None,
    })
}

pub(super) fn in_aadhaar(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let g = groups(m);
    let score = if g.bare() {
        Some(0.4)
    } else if g.is(&[4, 4, 4]) {
        None
    } else {
        return None;
    };
    let d = Digits::of(m)?;
    aadhaar_digits(d.as_slice()).then_some(Verdict { start, end, score })
}

/// The digits of an Aadhaar number: twelve, the first 2-9, not one repeated, the Verhoeff check
/// digit, and no palindrome (none is issued).
pub(super) fn aadhaar_digits(s: &[u8]) -> bool {
    s.len() == 12 && s[0] >= 2 && !all_same(s) && verhoeff(s) && !s.iter().eq(s.iter().rev())
}

pub(super) fn in_pan(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    if m.len() != 10
        || !m
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return None;
    }
    let layout = m[..5].iter().all(u8::is_ascii_uppercase)
        && m[5..9].iter().all(u8::is_ascii_digit)
        && m[9].is_ascii_uppercase();
    if !layout {
        return None;
    }
    // The fourth letter is the holder type: Person, Company, HUF, Firm, AOP, Trust, BOI,
    // Local authority, artificial Juridical person, Government.
    let holder = b"PCHFATBLJG".contains(&m[3]);
    Some(Verdict {
        start,
        end,
        score: if holder { None } else { Some(0.3) },
    })
}

pub(super) fn au_tfn(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let g = groups(m);
    if !(g.bare() || g.is(&[3, 3, 3]) || g.is(&[3, 3, 2])) {
        return None;
    }
    let d = Digits::of(m)?;
    tfn_digits(d.as_slice()).then_some(Verdict {
        start,
        end,
        score: if g.bare() { Some(BARE) } else { None },
    })
}

/// The digits of a TFN: eight or nine, not one repeated, the weighted mod-11 checksum.
pub(super) fn tfn_digits(s: &[u8]) -> bool {
    let weights: &[u32] = match s.len() {
        9 => &[1, 4, 3, 7, 5, 8, 6, 9, 10],
        8 => &[10, 7, 8, 4, 6, 3, 5, 1],
        _ => return false,
    };
    let sum: u32 = s.iter().zip(weights).map(|(&x, w)| u32::from(x) * w).sum();
    !all_same(s) && sum % 11 == 0
}

pub(super) fn au_medicare(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let g = groups(m);
    if !(g.bare() || g.is(&[4, 5, 1]) || g.is(&[4, 5, 1, 1])) {
        return None;
    }
    let d = Digits::of(m)?;
    medicare_digits(d.as_slice()).then_some(Verdict {
        start,
        end,
        score: if g.bare() { Some(0.4) } else { None },
    })
}

/// The digits of a Medicare number: ten or eleven, the first 2-6, the weighted check digit
/// ninth and an issue number other than 0 tenth.
pub(super) fn medicare_digits(s: &[u8]) -> bool {
    if !(10..=11).contains(&s.len()) || !(2..=6).contains(&s[0]) {
        return false;
    }
    const W: [u32; 8] = [1, 3, 7, 9, 1, 3, 7, 9];
    let sum: u32 = s[..8].iter().zip(W).map(|(&x, w)| u32::from(x) * w).sum();
    sum % 10 == u32::from(s[8]) && s[9] != 0
}

pub(super) fn sg_nric(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    if m.len() != 9 || !same_case_letters(m) {
        return None;
    }
    let first = m[0].to_ascii_uppercase();
    let last = m[8].to_ascii_uppercase();
    let d = Digits::of(&m[1..8])?;
    if d.len() != 7 {
        return None;
    }
    const W: [u32; 7] = [2, 7, 6, 5, 4, 3, 2];
    let mut sum: u32 = d
        .as_slice()
        .iter()
        .zip(W)
        .map(|(&x, w)| u32::from(x) * w)
        .sum();
    let table: &[u8; 11] = match first {
        b'S' => b"JZIHGFEDCBA",
        b'T' => {
            sum += 4;
            b"JZIHGFEDCBA"
        }
        b'F' => b"XWUTRQPNMLK",
        b'G' => {
            sum += 4;
            b"XWUTRQPNMLK"
        }
        b'M' => {
            sum += 3;
            b"KLJNPQRTUWX"
        }
        _ => return None,
    };
    let idx = (sum % 11) as usize;
    let expected = if first == b'M' {
        table[10 - idx]
    } else {
        table[idx]
    };
    (expected == last).then_some(Verdict {
        start,
        end,
        score: None,
    })
}

pub(super) fn br_cpf(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let g = groups(m);
    let formatted = g.lens() == [3, 3, 3, 2] && m.get(3) == Some(&b'.') && m.get(11) == Some(&b'-');
    if !(g.bare() || formatted) {
        return None;
    }
    let d = Digits::of(m)?;
    cpf_digits(d.as_slice()).then_some(Verdict {
        start,
        end,
        score: if formatted { None } else { Some(BARE) },
    })
}

/// The digits of a CPF: eleven, not one repeated, two mod-11 check digits.
pub(super) fn cpf_digits(s: &[u8]) -> bool {
    if s.len() != 11 || all_same(s) {
        return false;
    }
    let check = |n: usize| {
        let sum: u32 = s[..n]
            .iter()
            .enumerate()
            .map(|(i, &x)| u32::from(x) * (n as u32 + 1 - i as u32))
            .sum();
        let r = (sum * 10) % 11;
        if r == 10 {
            0
        } else {
            r
        }
    };
    check(9) == u32::from(s[9]) && check(10) == u32::from(s[10])
}

pub(super) fn de_tax_id(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let g = groups(m);
    if !(g.bare() || g.is(&[2, 3, 3, 3])) {
        return None;
    }
    let d = Digits::of(m)?;
    de_tax_id_digits(d.as_slice()).then_some(Verdict {
        start,
        end,
        score: None,
    })
}

/// The digits of a Steuer-IdNr: eleven, the first not 0, the repetition rule and the ISO 7064
/// MOD 11,10 check digit.
pub(super) fn de_tax_id_digits(s: &[u8]) -> bool {
    if s.len() != 11 || s[0] == 0 {
        return false;
    }
    // In the first ten digits at most one digit repeats (twice, or three times but never
    // three in a row); issued numbers have exactly one, early test numbers none.
    let mut counts = [0u8; 10];
    for &x in &s[..10] {
        counts[usize::from(x)] += 1;
    }
    let mut repeated = (0..10u8).filter(|&i| counts[usize::from(i)] > 1);
    if let Some(r) = repeated.next() {
        if repeated.next().is_some() || counts[usize::from(r)] > 3 {
            return false;
        }
        if s[..10].windows(3).any(|w| w.iter().all(|&x| x == r)) {
            return false;
        }
    }
    iso7064_mod11_10(s)
}

pub(super) fn fr_nir(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let mut c = [0u8; 15];
    if alnum_upper(m, &mut c)? != 15 {
        return None;
    }
    if !matches!(c[0], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return None;
    }
    // Corsica: department 2A counts as 19, 2B as 18 for the key.
    let corsica = match (c[5], c[6]) {
        (b'2', b'A') => Some(1_000_000u64),
        (b'2', b'B') => Some(2_000_000u64),
        _ => None,
    };
    let mut body = 0u64;
    for (i, &ch) in c[..13].iter().enumerate() {
        let v = if ch.is_ascii_digit() {
            u64::from(ch - b'0')
        } else if i == 6 && corsica.is_some() {
            0
        } else {
            return None;
        };
        body = body * 10 + v;
    }
    if let Some(sub) = corsica {
        body = body.checked_sub(sub)?;
    }
    let month = u32::from(c[3] - b'0') * 10 + u32::from(c[4] - b'0');
    if !(matches!(month, 1..=12 | 20..=42 | 50..=99)) {
        return None;
    }
    if !c[13..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let key = u64::from(c[13] - b'0') * 10 + u64::from(c[14] - b'0');
    (97 - body % 97 == key).then_some(Verdict {
        start,
        end,
        score: None,
    })
}

pub(super) fn us_passport(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let d = Digits::of(m)?;
    if d.all_same() {
        return None;
    }
    // A letter plus 8 digits is the next-generation book layout; 9 bare digits are older books
    // and much more often something else.
    let score = if m[0].is_ascii_alphabetic() {
        0.15
    } else {
        0.1
    };
    Verdict::scored(start, end, score)
}

pub(super) fn us_bank_account(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let d = Digits::of(&hay[start..end])?;
    if !bank_account_digits(d.as_slice()) {
        return None;
    }
    Verdict::keep(start, end)
}

/// The digits of a US bank account number: 8-17, not one repeated.
pub(super) fn bank_account_digits(s: &[u8]) -> bool {
    (8..=17).contains(&s.len()) && !all_same(s)
}

pub(super) fn us_driver_license(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let d = Digits::of(m)?;
    if d.len() < 5 || d.all_same() {
        return None;
    }
    let letters = m.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let score = if letters > 0 { 0.3 } else { 0.02 };
    Verdict::scored(start, end, score)
}

pub(super) fn imei(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let g = groups(m);
    if !(g.bare() || g.is(&[2, 6, 6, 1])) {
        return None;
    }
    let d = Digits::of(m)?;
    if !imei_digits(d.as_slice()) {
        return None;
    }
    Some(Verdict {
        start,
        end,
        score: if g.bare() { Some(BARE) } else { None },
    })
}

/// The digits of an IMEI: fifteen, not one repeated, Luhn.
pub(super) fn imei_digits(s: &[u8]) -> bool {
    s.len() == 15 && !all_same(s) && luhn(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(f: fn(&[u8], usize, usize) -> Option<Verdict>, s: &str) -> bool {
        f(s.as_bytes(), 0, s.len()).is_some()
    }

    #[test]
    fn ssn_table() {
        for s in ["078-05-1123", "078 05 1123", "536-32-3065", "078051121"] {
            assert!(ok(us_ssn, s), "{s}");
        }
        for s in [
            "078-05-1120",
            "000-12-3456",
            "666-12-3456",
            "912-12-3456",
            "123-00-4567",
            "123-45-0000",
            "693-09.4444",
            "111-11-1111",
        ] {
            assert!(!ok(us_ssn, s), "{s}");
        }
    }

    #[test]
    fn itin_table() {
        assert!(ok(us_itin, "911-70-1234"));
        assert!(ok(us_itin, "911-53-1234"));
        assert!(!ok(us_itin, "911-89-1234"));
        assert!(!ok(us_itin, "811-70-1234"));
    }

    #[test]
    fn nino_table() {
        for s in ["AA 12 34 56 B", "hh 01 02 03 d", "tw987654a", "PR 123612C"] {
            assert!(ok(uk_nino, s), "{s}");
        }
        for s in [
            "AA 12 34 56 H",
            "FQ 00 00 00 C",
            "BG123612A",
            "nt 99 88 77 a",
        ] {
            assert!(!ok(uk_nino, s), "{s}");
        }
    }

    #[test]
    fn nhs_table() {
        assert!(ok(uk_nhs, "401-023-2137"));
        assert!(ok(uk_nhs, "943 476 5919"));
        assert!(!ok(uk_nhs, "401-023-2138"));
    }

    #[test]
    fn sin_table() {
        assert!(ok(ca_sin, "130 692 544"));
        assert!(!ok(ca_sin, "046 454 286"));
        assert!(!ok(ca_sin, "130 692 545"));
        assert!(!ok(ca_sin, "046-454 286"));
    }

    #[test]
    fn spanish_ids() {
        assert!(ok(es_nif, "12345678Z"));
        assert!(ok(es_nif, "55555555-K"));
        assert!(!ok(es_nif, "12345678A"));
        assert!(ok(es_nie, "X9613851N"));
        assert!(ok(es_nie, "Y8063915-Z"));
        assert!(!ok(es_nie, "Y8063915Q"));
    }

    #[test]
    fn fiscal_code() {
        assert!(ok(it_fiscal_code, "AAAAAA00B11C333Y"));
        assert!(ok(it_fiscal_code, "RSSMRA85T10A562S"));
        assert!(!ok(it_fiscal_code, "AAAAAA00B11C333N"));
        assert!(!ok(it_fiscal_code, "A55AAA00B11C333N"));
    }

    #[test]
    fn aadhaar_pan() {
        assert!(ok(in_aadhaar, "3123 4567 8909"));
        assert!(!ok(in_aadhaar, "1234 5678 9012"));
        assert!(ok(in_pan, "ABCPD1234Z"));
    }

    #[test]
    fn australian() {
        assert!(ok(au_tfn, "876 543 210"));
        assert!(!ok(au_tfn, "824 753 557"));
        assert!(ok(au_medicare, "2123 45670 1"));
        assert!(!ok(au_medicare, "2123 25870 1"));
    }

    #[test]
    fn nric() {
        assert!(ok(sg_nric, "S2740116C"));
        assert!(ok(sg_nric, "F2346401L"));
        assert!(ok(sg_nric, "M4332674T"));
        assert!(ok(sg_nric, "T1234567J"));
        assert!(!ok(sg_nric, "T1234567Z"));
    }

    #[test]
    fn cpf_de_fr() {
        assert!(ok(br_cpf, "111.444.777-35"));
        assert!(!ok(br_cpf, "111.444.777-36"));
        assert!(ok(de_tax_id, "12345678903"));
        assert!(!ok(de_tax_id, "11112345678"));
        assert!(!ok(de_tax_id, "02345678901"));
        // 2 55 08 95 102 001 with key 97 - (2550895102001 mod 97).
        let body = 2_550_895_102_001u64;
        let nir = format!("{body}{:02}", 97 - body % 97);
        assert!(ok(fr_nir, &nir));
        assert!(!ok(fr_nir, "255089510200100"));
    }

    #[test]
    fn imei_check() {
        assert!(ok(imei, "490154203237518"));
        assert!(ok(imei, "49-015420-323751-8"));
        assert!(!ok(imei, "490154203237519"));
    }
}
