//! Network and device addresses.

use super::{after, before, groups, Verdict};
use std::net::{Ipv4Addr, Ipv6Addr};

fn parse_prefix(s: &[u8], max: u32) -> Option<()> {
    let text = std::str::from_utf8(s).ok()?;
    if text.is_empty() || text.len() > 3 || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    (text.parse::<u32>().ok()? <= max).then_some(())
}

pub(super) fn ipv4(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    if before(hay, start).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.') {
        return None;
    }
    let m = &hay[start..end];
    let (addr, prefix) = match memchr::memchr(b'/', m) {
        Some(i) => (&m[..i], Some(&m[i + 1..])),
        None => (m, None),
    };
    let mut end = end;
    if let Some(p) = prefix {
        if parse_prefix(p, 32).is_none()
            || after(hay, end).is_some_and(|b| b.is_ascii_alphanumeric())
        {
            end = start + addr.len();
        }
    }
    if after(hay, end).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let text = std::str::from_utf8(addr).ok()?;
    text.parse::<Ipv4Addr>().ok()?;
    // "3.2.1.4" is more often a version than an address: context decides.
    if addr.len() == 7 {
        return Verdict::scored(start, end, 0.4);
    }
    Verdict::keep(start, end)
}

pub(super) fn ipv6(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let is_part = |b: u8| b.is_ascii_alphanumeric() || b == b':';
    if before(hay, start).is_some_and(is_part) {
        return None;
    }
    let m = &hay[start..end];
    let (body, prefix) = match memchr::memchr(b'/', m) {
        Some(i) => (&m[..i], Some(&m[i + 1..])),
        None => (m, None),
    };
    let (addr, zone) = match memchr::memchr(b'%', body) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if zone.is_some_and(|z| z.is_empty()) {
        return None;
    }
    let text = std::str::from_utf8(addr).ok()?;
    let ip: Ipv6Addr = text.parse().ok()?;
    let mut end = end;
    if let Some(p) = prefix {
        // "2001:db8::/9999": the address without its impossible prefix.
        if parse_prefix(p, 128).is_none() || after(hay, end).is_some_and(is_part) {
            end = start + body.len();
        }
    }
    if after(hay, end).is_some_and(is_part) {
        return None;
    }
    // The unspecified address alone ("::") is as often punctuation as an address.
    let score = if ip.is_unspecified() { Some(0.1) } else { None };
    Some(Verdict { start, end, score })
}

pub(super) fn mac(hay: &[u8], start: usize, end: usize) -> Option<Verdict> {
    let is_part = |b: u8| b.is_ascii_alphanumeric() || b == b':' || b == b'-';
    if before(hay, start).is_some_and(is_part) || after(hay, end).is_some_and(is_part) {
        return None;
    }
    let m = &hay[start..end];
    let g = groups(m);
    let layout = g.is(&[2, 2, 2, 2, 2, 2]) && matches!(g.sep, Some(b':' | b'-'))
        || g.is(&[4, 4, 4]) && g.sep == Some(b'.');
    if !layout {
        return None;
    }
    let hex: Vec<u8> = m.iter().copied().filter(u8::is_ascii_hexdigit).collect();
    if hex.len() != 12 {
        return None;
    }
    if hex.iter().all(|&c| c == b'0') || hex.iter().all(|&c| c == b'f' || c == b'F') {
        return None;
    }
    Verdict::keep(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(f: fn(&[u8], usize, usize) -> Option<Verdict>, s: &str) -> bool {
        f(s.as_bytes(), 0, s.len()).is_some()
    }

    #[test]
    fn v4() {
        assert!(ok(ipv4, "192.168.0.1"));
        assert!(ok(ipv4, "10.0.0.0/8"));
        assert!(!ok(ipv4, "256.1.1.1"));
        assert!(!ok(ipv4, "192.168.1"));
        let s = "10.0.0.0/123";
        let v = ipv4(s.as_bytes(), 0, s.len()).unwrap();
        assert_eq!(&s[v.start..v.end], "10.0.0.0");
    }

    #[test]
    fn v6() {
        for s in [
            "2001:db8::1",
            "::1",
            "fe80::1%eth0",
            "::ffff:192.0.2.1",
            "2001:db8::/32",
        ] {
            assert!(ok(ipv6, s), "{s}");
        }
        for s in ["2001::db8::1", "12345:db8::1", "12:34:56", "1:2:3:4"] {
            assert!(!ok(ipv6, s), "{s}");
        }
    }

    #[test]
    fn macs() {
        assert!(ok(mac, "00:1A:2B:3C:4D:5E"));
        assert!(ok(mac, "0012.3456.789A"));
        assert!(!ok(mac, "FF:FF:FF:FF:FF:FF"));
        assert!(!ok(mac, "10:2F:33-AC-29-C3"));
    }
}
