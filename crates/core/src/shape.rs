//! Where digits can sit inside a pattern's matches, computed from its syntax tree.
//!
//! A digit-triggered rule is searched around clusters of digits. If its matches can have at
//! most `lead` bytes before their first digit, `trail` bytes after their last, and never more
//! than `gap` non-digit bytes between two digits, then a match lies within
//! `cluster_start - lead .. cluster_end + trail` of the cluster holding its digits, and the
//! search window can be that small instead of the rule's whole maximum length.

use regex_syntax::hir::{Class, Hir, HirKind};

/// A length that may be unbounded.
const INF: usize = usize::MAX / 4;

fn add(a: usize, b: usize) -> usize {
    a.saturating_add(b).min(INF)
}

/// A set of bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ByteSet([u64; 4]);

impl ByteSet {
    pub(crate) const ALL: ByteSet = ByteSet([u64::MAX; 4]);
    const EMPTY: ByteSet = ByteSet([0; 4]);

    fn range(lo: u8, hi: u8) -> ByteSet {
        let mut set = ByteSet::EMPTY;
        for b in lo..=hi {
            set.0[usize::from(b >> 6)] |= 1 << (b & 63);
        }
        set
    }

    /// The set without the ASCII digits ...
    fn non_digits(self) -> ByteSet {
        let mut set = self;
        set.0[0] &= !ByteSet::range(b'0', b'9').0[0];
        set
    }

    /// ... and whether it holds any.
    fn has_digit(&self) -> bool {
        self.0[0] & ByteSet::range(b'0', b'9').0[0] != 0
    }

    fn is_empty(&self) -> bool {
        self.0 == [0; 4]
    }

    pub(crate) fn union(self, other: ByteSet) -> ByteSet {
        let mut set = self;
        for (a, b) in set.0.iter_mut().zip(other.0) {
            *a |= b;
        }
        set
    }

    /// The bytes a class can start with: its ASCII ranges as they are, and for any character
    /// past ASCII every byte from 0x80 on.
    fn of_class(class: &Class) -> ByteSet {
        match class {
            Class::Bytes(c) => c.ranges().iter().fold(ByteSet::EMPTY, |set, r| {
                set.union(ByteSet::range(r.start(), r.end()))
            }),
            Class::Unicode(c) => c.ranges().iter().fold(ByteSet::EMPTY, |set, r| {
                let (lo, hi) = (u32::from(r.start()), u32::from(r.end()));
                let ascii = match (u8::try_from(lo), u8::try_from(hi.min(0x7f))) {
                    (Ok(lo), Ok(hi)) if lo < 0x80 => ByteSet::range(lo, hi),
                    _ => ByteSet::EMPTY,
                };
                let wide = if hi > 0x7f {
                    ByteSet::range(0x80, 0xff)
                } else {
                    ByteSet::EMPTY
                };
                set.union(ascii).union(wide)
            }),
        }
    }

    pub(crate) fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
}

/// Digit layout of the matches of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Longest match without any digit (`None`: every match has a digit).
    nodigit: Option<usize>,
    /// Longest run before the first digit, over matches with a digit (`None`: no such match).
    lead: Option<usize>,
    /// Longest run after the last digit.
    trail: Option<usize>,
    /// Longest run of non-digits between two digits.
    gap: usize,
    /// Whether a match can contain a line feed.
    newline: bool,
    /// The bytes other than digits a match can hold anywhere ...
    bytes: ByteSet,
    /// ... and before its first digit.
    lead_bytes: ByteSet,
}

/// The bounds a digit-cluster window needs for a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Reach {
    pub lead: usize,
    pub trail: usize,
    /// The bytes that can stand in a match before its first digit.
    pub lead_bytes: ByteSet,
    /// The longest run of bytes between two digits of a match ...
    pub gap: usize,
    /// ... and the bytes other than digits a match can hold.
    pub gap_bytes: ByteSet,
}

impl Reach {
    /// No bytes either side (the start of a union).
    pub(crate) const NONE: Reach = Reach {
        lead: 0,
        trail: 0,
        lead_bytes: ByteSet::EMPTY,
        gap: 0,
        gap_bytes: ByteSet::EMPTY,
    };

    /// Bounds for a rule whose layout is unknown: its whole maximum length either side.
    pub(crate) fn whole(len: usize) -> Reach {
        Reach {
            lead: len,
            trail: len,
            lead_bytes: ByteSet::ALL,
            gap: len,
            gap_bytes: ByteSet::ALL,
        }
    }

    /// Bounds that hold the matches of both.
    pub(crate) fn union(self, other: Reach) -> Reach {
        Reach {
            lead: self.lead.max(other.lead),
            trail: self.trail.max(other.trail),
            lead_bytes: self.lead_bytes.union(other.lead_bytes),
            gap: self.gap.max(other.gap),
            gap_bytes: self.gap_bytes.union(other.gap_bytes),
        }
    }

    /// Whether `between`, the bytes between two digit groups (no digit among them), keeps
    /// the matches of the groups before it apart from those of the groups after it: no match
    /// holds digits of both (`between` is longer than any run between two digits of a match,
    /// or holds a byte no match holds), and none of the first ends after one of the second
    /// may start (it is at least `lead + trail` long). A search over the groups after it,
    /// from `lead` bytes before them, then finds the matches a search from before them would
    /// find there, and only those.
    pub(crate) fn splits(&self, between: &[u8]) -> bool {
        between.len() >= self.lead + self.trail
            && (between.len() > self.gap || between.iter().any(|&b| !self.gap_bytes.contains(b)))
    }
}

impl Shape {
    const EMPTY: Shape = Shape {
        nodigit: Some(0),
        lead: None,
        trail: None,
        gap: 0,
        newline: false,
        bytes: ByteSet::EMPTY,
        lead_bytes: ByteSet::EMPTY,
    };

    /// One byte of `set`.
    fn byte_class(set: ByteSet) -> Shape {
        let other = set.non_digits();
        Shape {
            nodigit: (!other.is_empty()).then_some(1),
            lead: set.has_digit().then_some(0),
            trail: set.has_digit().then_some(0),
            gap: 0,
            newline: set.contains(b'\n'),
            bytes: other,
            lead_bytes: ByteSet::EMPTY,
        }
    }

    fn concat(a: Shape, b: Shape) -> Shape {
        let opt_max = |x: Option<usize>, y: Option<usize>| match (x, y) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, None) => x,
            (None, y) => y,
        };
        let lead = opt_max(a.lead, a.nodigit.zip(b.lead).map(|(n, l)| add(n, l)));
        let trail = opt_max(b.trail, b.nodigit.zip(a.trail).map(|(n, t)| add(n, t)));
        let between = a.trail.zip(b.lead).map_or(0, |(t, l)| add(t, l));
        // Before the first digit: `a`'s, or all of a digit-free match of `a` and `b`'s.
        let lead_bytes = if a.nodigit.is_some() && b.lead.is_some() {
            a.lead_bytes.union(a.bytes).union(b.lead_bytes)
        } else {
            a.lead_bytes
        };
        Shape {
            nodigit: a.nodigit.zip(b.nodigit).map(|(x, y)| add(x, y)),
            lead,
            trail,
            gap: a.gap.max(b.gap).max(between),
            newline: a.newline || b.newline,
            bytes: a.bytes.union(b.bytes),
            lead_bytes,
        }
    }

    fn alt(a: Shape, b: Shape) -> Shape {
        let m = |x: Option<usize>, y: Option<usize>| match (x, y) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, None) => x,
            (None, y) => y,
        };
        Shape {
            nodigit: m(a.nodigit, b.nodigit),
            lead: m(a.lead, b.lead),
            trail: m(a.trail, b.trail),
            gap: a.gap.max(b.gap),
            newline: a.newline || b.newline,
            bytes: a.bytes.union(b.bytes),
            lead_bytes: a.lead_bytes.union(b.lead_bytes),
        }
    }

    /// Unbounded repetition of `s`: every non-empty measure becomes unbounded.
    fn unbounded(s: Shape) -> Shape {
        let inf = |x: Option<usize>| x.map(|v| if v > 0 { INF } else { 0 });
        Shape {
            nodigit: inf(s.nodigit),
            lead: s.lead.map(|_| {
                if s.nodigit.unwrap_or(0) > 0 {
                    INF
                } else {
                    s.lead.unwrap_or(0)
                }
            }),
            trail: s.trail.map(|_| {
                if s.nodigit.unwrap_or(0) > 0 {
                    INF
                } else {
                    s.trail.unwrap_or(0)
                }
            }),
            gap: if s.gap > 0 || s.nodigit.unwrap_or(0) > 0 || s.lead.unwrap_or(0) > 0 {
                INF
            } else {
                0
            },
            newline: s.newline,
            bytes: s.bytes,
            // Copies without a digit may come before the one with the first digit.
            lead_bytes: if s.nodigit.is_some() {
                s.lead_bytes.union(s.bytes)
            } else {
                s.lead_bytes
            },
        }
    }

    pub(crate) fn of(hir: &Hir) -> Shape {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => Shape::EMPTY,
            HirKind::Literal(lit) => lit
                .0
                .iter()
                .map(|&b| Shape::byte_class(ByteSet::range(b, b)))
                .fold(Shape::EMPTY, Shape::concat),
            HirKind::Class(class) => {
                let mut s = Shape::byte_class(ByteSet::of_class(class));
                // A non-ASCII character is several bytes; count it as up to four.
                if let Class::Unicode(c) = class {
                    if c.ranges().iter().any(|r| r.end() > '\x7f') {
                        s.nodigit = s.nodigit.map(|_| 4);
                    }
                }
                s
            }
            HirKind::Capture(c) => Shape::of(&c.sub),
            HirKind::Concat(hs) => hs.iter().map(Shape::of).fold(Shape::EMPTY, Shape::concat),
            HirKind::Alternation(hs) => hs
                .iter()
                .map(Shape::of)
                .reduce(Shape::alt)
                .unwrap_or(Shape::EMPTY),
            HirKind::Repetition(rep) => {
                let sub = Shape::of(&rep.sub);
                let Some(max) = rep.max else {
                    let base = (0..rep.min).fold(Shape::EMPTY, |acc, _| Shape::concat(acc, sub));
                    return Shape::concat(base, Shape::unbounded(sub));
                };
                let mut k_copies = Shape::EMPTY;
                let mut out: Option<Shape> = None;
                for k in 0..=max.min(4096) {
                    if k > 0 {
                        k_copies = Shape::concat(k_copies, sub);
                    }
                    if k >= rep.min {
                        out = Some(out.map_or(k_copies, |o| Shape::alt(o, k_copies)));
                    }
                }
                out.unwrap_or(Shape::EMPTY)
            }
        }
    }

    /// The window bounds around a digit cluster that hold every match with a digit in it, when
    /// a match's digits always fall in one cluster (gaps no longer than `cluster_gap`, no line
    /// feed), and when every match has a digit.
    pub(crate) fn reach(&self, cluster_gap: usize) -> Option<Reach> {
        if self.newline || self.gap > cluster_gap || self.nodigit.is_some() {
            return None;
        }
        Some(Reach {
            lead: self.lead?,
            trail: self.trail?,
            lead_bytes: self.lead_bytes,
            gap: self.gap,
            gap_bytes: self.bytes,
        })
    }
}

/// The most bytes a [`TokenShape`] holds.
const TOKEN_SHAPE_MAX: usize = 64;

/// The matches of a pattern that is a word boundary, then only fixed-width classes of ASCII
/// letters and digits, then a word boundary (`\b[A-Za-z]{6}[0-9]{2}...\b`): every match is a
/// whole token of letters and digits (no letter or digit on either side) of one length, with
/// the bytes each position allows. A token of another length or with a byte out of place holds
/// no match, so a window around it is not searched.
#[derive(Clone, Debug)]
pub(crate) struct TokenShape {
    len: usize,
    /// Per byte, bit `i`: the byte may stand at position `i`.
    allowed: Box<[u64; 256]>,
}

impl TokenShape {
    /// The shape every match of the patterns has (the union of theirs, when they are all of
    /// one length), if they have one.
    pub(crate) fn of(hirs: &[Hir]) -> Option<TokenShape> {
        let mut shape: Option<TokenShape> = None;
        for hir in hirs {
            let HirKind::Concat(parts) = hir.kind() else {
                return None;
            };
            let [first, middle @ .., last] = parts.as_slice() else {
                return None;
            };
            if !word_boundary(first, false) || !word_boundary(last, true) {
                return None;
            }
            let mut positions = Vec::new();
            if !middle.iter().all(|h| fixed_positions(h, &mut positions)) || positions.is_empty() {
                return None;
            }
            let alnum = ByteSet::range(b'0', b'9')
                .union(ByteSet::range(b'A', b'Z'))
                .union(ByteSet::range(b'a', b'z'));
            if positions.iter().any(|set| set.union(alnum) != alnum) {
                return None;
            }
            let mut allowed = Box::new([0u64; 256]);
            for (i, set) in positions.iter().enumerate() {
                for b in (b'0'..=b'z').filter(|&b| set.contains(b)) {
                    allowed[usize::from(b)] |= 1 << i;
                }
            }
            let len = positions.len();
            shape = match shape {
                None => Some(TokenShape { len, allowed }),
                Some(s) if s.len == len => {
                    let mut both = s.allowed;
                    for (a, b) in both.iter_mut().zip(allowed.iter()) {
                        *a |= b;
                    }
                    Some(TokenShape { len, allowed: both })
                }
                Some(_) => return None,
            };
        }
        shape
    }

    /// The length of every match.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether `token` has the shape: a run of ASCII letters and digits, read on either side
    /// at least as far as the shape is long (`Inner::token_cap`), so that a longer run is
    /// never cut to the shape's length.
    pub(crate) fn fits(&self, token: &[u8]) -> bool {
        token.len() == self.len
            && token
                .iter()
                .enumerate()
                .all(|(i, &b)| self.allowed[usize::from(b)] >> i & 1 != 0)
    }
}

/// A word boundary a match can start at (`end` false: its first byte is then a word byte with
/// none before) or end at (`end`: its last byte is a word byte with none after).
fn word_boundary(h: &Hir, end: bool) -> bool {
    use regex_syntax::hir::Look;
    let HirKind::Look(look) = h.kind() else {
        return false;
    };
    let (start_look, end_look) = match look {
        Look::WordAscii | Look::WordUnicode => return true,
        Look::WordStartAscii
        | Look::WordStartUnicode
        | Look::WordStartHalfAscii
        | Look::WordStartHalfUnicode => (true, false),
        Look::WordEndAscii
        | Look::WordEndUnicode
        | Look::WordEndHalfAscii
        | Look::WordEndHalfUnicode => (false, true),
        _ => (false, false),
    };
    if end {
        end_look
    } else {
        start_look
    }
}

/// Appends the byte sets of `h`'s positions when it matches one fixed number of bytes, each
/// from a set of its own (literals, byte classes, exact repetitions of them); false otherwise.
fn fixed_positions(h: &Hir, out: &mut Vec<ByteSet>) -> bool {
    match h.kind() {
        HirKind::Literal(lit) => {
            out.extend(lit.0.iter().map(|&b| ByteSet::range(b, b)));
        }
        // A class holding a character past ASCII holds bytes from 0x80 on: no letter or
        // digit, so the shape is turned down.
        HirKind::Class(class) => out.push(ByteSet::of_class(class)),
        HirKind::Capture(c) => return fixed_positions(&c.sub, out),
        HirKind::Concat(hs) => return hs.iter().all(|h| fixed_positions(h, out)),
        HirKind::Repetition(rep) if rep.max == Some(rep.min) => {
            let mut one = Vec::new();
            if !fixed_positions(&rep.sub, &mut one) {
                return false;
            }
            for _ in 0..rep.min {
                if out.len() + one.len() > TOKEN_SHAPE_MAX {
                    return false;
                }
                out.extend_from_slice(&one);
            }
        }
        _ => return false,
    }
    out.len() <= TOKEN_SHAPE_MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hir(p: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(p)
            .unwrap()
    }

    fn token_shape(patterns: &[&str]) -> Option<TokenShape> {
        TokenShape::of(&patterns.iter().map(|p| hir(p)).collect::<Vec<_>>())
    }

    #[test]
    fn whole_tokens_of_one_shape() {
        let fiscal = r"\b[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z]\b";
        let shape = token_shape(&[fiscal]).unwrap();
        assert_eq!(shape.len(), 16);
        assert!(shape.fits(b"RSSMRA85T10A562S"));
        assert!(shape.fits(b"rssmra85t10a5m2s"));
        assert!(!shape.fits(b"RSSMRA85T10A562"));
        assert!(!shape.fits(b"RSSMRA85T10A562SX"));
        assert!(!shape.fits(b"RSSMR185T10A562S"));
        assert!(!shape.fits(b"RSSMRA85T10A56AS"));
        // Literals and groups count too; patterns of one length are joined.
        let shape = token_shape(&[r"\bAB(?:[0-9]{2}){2}\b", r"\b[0-9]{4}CD\b"]).unwrap();
        assert!(shape.fits(b"AB1234") && shape.fits(b"1234CD") && shape.fits(b"AB12CD"));
        assert!(!shape.fits(b"ABCD12"));
        // No shape: no boundary, a variable width, a byte that is no letter or digit, lengths
        // that differ.
        assert!(token_shape(&[r"[A-Z]{6}[0-9]{2}\b"]).is_none());
        assert!(token_shape(&[r"\b[A-Z]{6}[0-9]{2,3}\b"]).is_none());
        assert!(token_shape(&[r"\b[A-Z]{6}-[0-9]{2}\b"]).is_none());
        assert!(token_shape(&[r"\b[A-Z]{2}\b", r"\b[A-Z]{3}\b"]).is_none());
        assert!(token_shape(&[r"\b[A-Z]|[0-9]\b"]).is_none());
    }

    fn shape(p: &str) -> Option<Reach> {
        Shape::of(&hir(p)).reach(12)
    }

    /// Lead and trail only.
    fn reach(p: &str) -> Option<(usize, usize)> {
        shape(p).map(|r| (r.lead, r.trail))
    }

    /// The bytes that can come before the first digit, as a string.
    fn lead_bytes(p: &str) -> String {
        let set = shape(p).unwrap().lead_bytes;
        (0..=255u8)
            .filter(|&b| set.contains(b))
            .map(char::from)
            .collect()
    }

    #[test]
    fn numbers_need_no_margin() {
        assert_eq!(reach(r"\b\d{3}[ .\-]\d{2}[ .\-]\d{4}\b"), Some((0, 0)));
    }

    #[test]
    fn letters_around_digits() {
        assert_eq!(
            reach(r"\b[A-Za-z]{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-Da-d]\b"),
            Some((3, 2))
        );
        assert_eq!(reach(r"\b[A-Z]{5}\d{4}[A-Z]\b"), Some((5, 1)));
    }

    #[test]
    fn optional_and_alternatives() {
        assert_eq!(
            reach(r"(?:\+[ ]?|\()?\d{1,3}(?:[ ]?(?:x|ext\.?)[ ]?\d{1,6})?"),
            Some((2, 0))
        );
    }

    #[test]
    fn no_bound_when_digits_may_be_far_apart_or_absent() {
        // Thirty letters may separate two digits.
        assert_eq!(reach(r"[A-Z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}"), None);
        // A match may have no digit at all.
        assert_eq!(reach(r"[a-f0-9]{4}"), None);
        assert_eq!(reach(r"\d+[a-z]*"), None);
    }

    #[test]
    fn bytes_before_the_first_digit() {
        assert_eq!(lead_bytes(r"\b\d{3}[ ]?\d{3}"), "");
        assert_eq!(
            lead_bytes(r"(?:\+[ ]?|\()?\b\d{1,15}(?:[ ]?(?:x|ext\.?)[ ]?\d{1,6})?"),
            " (+"
        );
        // Digit-free copies of a group may come first; a letter after the first digit does not
        // count.
        assert_eq!(lead_bytes(r"(?:[A-C]-){0,3}\d[x-z]"), "-ABC");
        assert_eq!(lead_bytes(r"[A-Z]{2}\d{2}"), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    }
}
