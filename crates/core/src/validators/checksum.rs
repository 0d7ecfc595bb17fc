//! Check-digit algorithms shared by the validators. All take ASCII digit values (0..=9) or raw
//! bytes and never panic.

/// Luhn (mod 10) over digit values, rightmost digit being the check digit.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

const VERHOEFF_D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// Verhoeff dihedral check (Aadhaar), rightmost digit being the check digit.
pub fn verhoeff(digits: &[u8]) -> bool {
    let mut c = 0u8;
    for (i, &d) in digits.iter().rev().enumerate() {
        if d > 9 {
            return false;
        }
        c = VERHOEFF_D[usize::from(c)][usize::from(VERHOEFF_P[i % 8][usize::from(d)])];
    }
    !digits.is_empty() && c == 0
}

/// ISO 7064 MOD 97-10 over an alphanumeric string already rearranged (IBAN: country and check
/// digits moved to the end). Letters count as 10..=35. Returns the remainder.
pub fn mod97(chars: impl Iterator<Item = u8>) -> Option<u32> {
    let mut rem = 0u32;
    for c in chars {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            b'a'..=b'z' => u32::from(c - b'a') + 10,
            _ => return None,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    Some(rem)
}

/// ISO 7064 MOD 11,10 (German tax id): true when the last digit is the check digit.
pub fn iso7064_mod11_10(digits: &[u8]) -> bool {
    let Some((&check, body)) = digits.split_last() else {
        return false;
    };
    let mut product = 10u32;
    for &d in body {
        let mut sum = (u32::from(d) + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let expected = (11 - product) % 10;
    expected == u32::from(check)
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bitwise: used for the checksum
/// embedded in GitHub tokens. Not a security primitive.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Decodes Base58 (Bitcoin alphabet) into `out`, returning the decoded length.
/// Returns `None` on a character outside the alphabet or when `out` is too small.
pub fn base58_decode(input: &[u8], out: &mut [u8]) -> Option<usize> {
    let mut len = 0usize; // number of significant bytes, stored big-endian at the end of out
    let cap = out.len();
    out.fill(0);
    for &c in input {
        let mut carry = u32::try_from(BASE58.iter().position(|&a| a == c)?).ok()?;
        let mut i = 0;
        while i < len || carry != 0 {
            if i >= cap {
                return None;
            }
            let idx = cap - 1 - i;
            let v = u32::from(out[idx]) * 58 + carry;
            out[idx] = (v & 0xFF) as u8;
            carry = v >> 8;
            i += 1;
        }
        len = len.max(i);
    }
    let zeros = input.iter().take_while(|&&c| c == b'1').count();
    let total = zeros + len;
    if total > cap {
        return None;
    }
    out.copy_within(cap - len.., zeros);
    out[..zeros].fill(0);
    Some(total)
}

/// Bech32 / Bech32m checksum over a lower-case string `hrp1data`. Returns the constant the
/// polymod ends on: 1 for Bech32, 0x2bc830a3 for Bech32m.
pub fn bech32_polymod(s: &[u8]) -> Option<u32> {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let sep = s.iter().rposition(|&c| c == b'1')?;
    let (hrp, data) = (&s[..sep], &s[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 {
        return None;
    }
    let mut chk = 1u32;
    let mut step = |v: u32| {
        let b = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ v;
        for (i, g) in GEN.iter().enumerate() {
            if (b >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    };
    for &c in hrp {
        step(u32::from(c >> 5));
    }
    step(0);
    for &c in hrp {
        step(u32::from(c & 31));
    }
    for &c in data {
        let v = CHARSET.iter().position(|&a| a == c)?;
        step(u32::try_from(v).ok()?);
    }
    Some(chk)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn luhn_known() {
        assert!(luhn(&d("4111111111111111")));
        assert!(luhn(&d("79927398713")));
        assert!(!luhn(&d("79927398710")));
        assert!(!luhn(&[]));
    }

    #[test]
    fn verhoeff_known() {
        assert!(verhoeff(&d("2363")));
        assert!(!verhoeff(&d("2364")));
        assert!(verhoeff(&d("312345678909")));
    }

    #[test]
    fn mod97_iban() {
        // GB82 WEST 1234 5698 7654 32 rearranged.
        let s = b"WEST12345698765432GB82";
        assert_eq!(mod97(s.iter().copied()), Some(1));
    }

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn base58_roundtrip_known() {
        let mut out = [0u8; 32];
        let n = base58_decode(b"16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ", &mut out).unwrap();
        assert_eq!(n, 25);
        assert_eq!(out[0], 0);
        assert!(base58_decode(b"0OIl", &mut out).is_none());
    }

    #[test]
    fn bech32_known() {
        assert_eq!(
            bech32_polymod(b"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
            Some(1)
        );
    }

    #[test]
    fn iso7064() {
        assert!(iso7064_mod11_10(&d("12345678903")));
        assert!(!iso7064_mod11_10(&d("12345678901")));
    }
}
