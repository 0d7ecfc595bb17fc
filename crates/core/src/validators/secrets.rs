//! Credentials: tokens with checksums or structure, and values after secret-looking keys.

use super::checksum::crc32;
use super::{after, Verdict};

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn base62_6(mut v: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(v % 62) as usize];
        v /= 62;
    }
    out
}

/// GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 base62): the last six characters
/// are the base62 CRC32 of the thirty before them. A token whose checksum does not verify is
/// still very likely a token, so it keeps a lower score rather than being dropped.
pub(super) fn github_token(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    if after(hay, end).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    if m.starts_with(b"github_pat_") {
        return Verdict::keep(start, end);
    }
    let body = m.get(4..)?;
    if body.len() != 36 {
        return None;
    }
    let (random, check) = body.split_at(30);
    if base62_6(crc32(random)) == check {
        Verdict::keep(start, end)
    } else {
        Verdict::scored(start, end, 0.6)
    }
}

fn b64url_decode(s: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(())
}

/// A JWT: `header.payload.signature`, where the header decodes to a JSON object naming `alg`.
pub(super) fn jwt(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let m = &hay[start..end];
    let mut parts = m.split(|&b| b == b'.');
    let header = parts.next()?;
    let payload = parts.next()?;
    if payload.is_empty() {
        return None;
    }
    let mut decoded = Vec::with_capacity(header.len());
    b64url_decode(header, &mut decoded)?;
    let text = decoded.trim_ascii_start();
    if text.first() != Some(&b'{') || memchr::memmem::find(text, b"\"alg\"").is_none() {
        return None;
    }
    Verdict::keep(start, end)
}

/// Values that stand in for a secret rather than being one.
fn is_placeholder(v: &[u8]) -> bool {
    let lower = v.to_ascii_lowercase();
    const WORDS: &[&[u8]] = &[
        b"redacted",
        b"password",
        b"passwd",
        b"secret",
        b"token",
        b"changeme_placeholder",
        b"null",
        b"none",
        b"undefined",
        b"example",
        b"your_password",
        b"yourpassword",
        b"<password>",
        b"xxxxxx",
        b"hidden",
        b"removed",
        b"masked",
        b"required",
        b"optional",
        b"true",
        b"false",
        b"empty",
        b"string",
    ];
    if WORDS.contains(&lower.as_slice()) {
        return true;
    }
    let wrapped = |o: u8, c: u8| lower.first() == Some(&o) && lower.last() == Some(&c);
    if wrapped(b'<', b'>') || wrapped(b'{', b'}') || wrapped(b'[', b']') || lower.starts_with(b"${")
    {
        return true;
    }
    // "********", "xxxxxxxx", "........".
    lower.windows(2).all(|w| w[0] == w[1])
}

fn distinct(v: &[u8]) -> usize {
    let mut seen = [false; 256];
    for &b in v {
        seen[usize::from(b)] = true;
    }
    seen.iter().filter(|&&x| x).count()
}

/// The value after `password=`, `token:` and similar keys.
pub(super) fn secret_value(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let v = &hay[start..end];
    if v.len() < 6 || is_placeholder(v) || distinct(v) < 4 {
        return None;
    }
    // Prose after "password is" is usually words, not a password: require a digit or symbol
    // unless the value is long.
    let mixed = v.iter().any(|b| !b.is_ascii_alphabetic());
    if !mixed && v.len() < 12 {
        return Verdict::scored(start, end, 0.4);
    }
    Verdict::keep(start, end)
}

/// A long random-looking token (bearer tokens, AWS secret keys after their key name).
pub(super) fn high_entropy(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let v = &hay[start..end];
    if is_placeholder(v) {
        return None;
    }
    let mut counts = [0u32; 256];
    for &b in v {
        counts[usize::from(b)] += 1;
    }
    let n = v.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum();
    (entropy >= 3.0 && distinct(v) >= 10).then_some(Verdict {
        start,
        end,
        score: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make_github(random: &str) -> String {
        let check = base62_6(crc32(random.as_bytes()));
        format!("ghp_{random}{}", std::str::from_utf8(&check).unwrap())
    }

    #[test]
    fn github_checksum() {
        let t = make_github("aBcDeFgHiJkLmNoPqRsTuVwXyZ0123");
        let v = github_token(t.as_bytes(), 0, t.len()).unwrap();
        assert_eq!(v.score, None);
        let mut bad = t.clone().into_bytes();
        bad[10] = if bad[10] == b'z' { b'y' } else { b'z' };
        let v = github_token(&bad, 0, bad.len()).unwrap();
        assert_eq!(v.score, Some(0.6));
    }

    #[test]
    fn jwt_structure() {
        let t = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert!(jwt(t, 0, t.len()).is_some());
        let t = b"eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc";
        assert!(jwt(t, 0, t.len()).is_none());
    }

    #[test]
    fn placeholders() {
        for v in ["********", "<password>", "${DB_PASS}", "redacted", "null"] {
            assert!(secret_value(v.as_bytes(), 0, v.len()).is_none(), "{v}");
        }
        let v = "Tr0ub4dor&3";
        assert_eq!(secret_value(v.as_bytes(), 0, v.len()).unwrap().score, None);
    }
}
