//! Byte classes of 64-byte blocks as bit masks: bit `k` of a mask is set when byte `k` of the
//! block is in the class; and the digit pass's longest chains per joiner set, eight 16-bit
//! lanes at once (see [`longest_chains`]).
//!
//! On x86-64 the blocks are compared 16 bytes at a time with SSE2 (part of every x86-64 CPU)
//! through `safe_arch`, which keeps this crate free of `unsafe`: about eight instructions per
//! 16 bytes and class. Elsewhere a byte loop gives the same masks.

/// A block of input: 64 bytes.
pub(crate) type Block = [u8; 64];

/// The `N` bytes of `hay` from `at`, zeros past its end.
pub(crate) fn padded<const N: usize>(hay: &[u8], at: usize) -> [u8; N] {
    match hay.get(at..at + N) {
        Some(c) => c.try_into().unwrap_or([0; N]),
        None => {
            let mut c = [0u8; N];
            let rest = hay.get(at..).unwrap_or_default();
            c[..rest.len()].copy_from_slice(rest);
            c
        }
    }
}

/// The block of `hay` from `at`, zeros past its end.
pub(crate) fn block_at(hay: &[u8], at: usize) -> Block {
    padded(hay, at)
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use super::Block;
    use safe_arch::{
        add_saturating_i16_m128i, byte_shr_imm_u128_m128i, cmp_eq_mask_i16_m128i,
        cmp_eq_mask_i8_m128i, extract_i16_as_i32_m128i, load_unaligned_m128i, m128i, max_i16_m128i,
        min_i16_m128i, min_u8_m128i, move_mask_i8_m128i, set_reversed_i16_m128i,
        set_splat_i16_m128i, set_splat_i8_m128i, sub_i8_m128i, zeroed_m128i,
    };

    /// The four 16-byte lanes of a block.
    #[inline(always)]
    fn lanes(block: &Block) -> [m128i; 4] {
        std::array::from_fn(|k| {
            let lane: &[u8; 16] = block[16 * k..16 * k + 16].try_into().unwrap_or(&[0; 16]);
            load_unaligned_m128i(lane)
        })
    }

    /// Per lane, the bytes a comparison selected (all ones) as one 16-bit mask each.
    #[inline(always)]
    fn gather(lanes: [m128i; 4], select: impl Fn(m128i) -> m128i) -> u64 {
        lanes.iter().enumerate().fold(0u64, |mask, (k, &lane)| {
            let bits = move_mask_i8_m128i(select(lane)) as u32 & 0xFFFF;
            mask | u64::from(bits) << (16 * k)
        })
    }

    /// Bytes in `lo..=hi`: `b - lo` (wrapping) is at most `hi - lo`.
    #[inline(always)]
    fn within(lane: m128i, lo: u8, hi: u8) -> m128i {
        let shifted = sub_i8_m128i(lane, set_splat_i8_m128i(lo as i8));
        let span = set_splat_i8_m128i((hi - lo) as i8);
        cmp_eq_mask_i8_m128i(min_u8_m128i(shifted, span), shifted)
    }

    #[inline(always)]
    pub(super) fn range(block: &Block, lo: u8, hi: u8) -> u64 {
        gather(lanes(block), |lane| within(lane, lo, hi))
    }

    /// Bytes equal to a byte of one of the `wanted` vectors (each one byte repeated).
    #[inline(always)]
    fn equal_to_any<const N: usize>(block: &Block, wanted: [m128i; N]) -> u64 {
        gather(lanes(block), |lane| {
            wanted.iter().fold(zeroed_m128i(), |hit, &w| {
                hit | cmp_eq_mask_i8_m128i(lane, w)
            })
        })
    }

    #[inline(always)]
    pub(super) fn any_of<const N: usize>(block: &Block, bytes: &[u8; N]) -> u64 {
        equal_to_any(block, bytes.map(|b| set_splat_i8_m128i(b as i8)))
    }

    #[inline(always)]
    pub(super) fn any_of_splats<const N: usize>(block: &Block, splats: &[[u8; 16]; N]) -> u64 {
        equal_to_any(block, splats.map(|s| load_unaligned_m128i(&s)))
    }

    #[inline(always)]
    pub(super) fn digits_and_line_feeds(chunk: &[u8; 16]) -> (u32, u32) {
        let lane = load_unaligned_m128i(chunk);
        let line_feed = set_splat_i8_m128i(b'\n' as i8);
        (
            move_mask_i8_m128i(within(lane, b'0', b'9')) as u32 & 0xFFFF,
            move_mask_i8_m128i(cmp_eq_mask_i8_m128i(lane, line_feed)) as u32 & 0xFFFF,
        )
    }

    /// Lane 0 of `fold(v, w)` over the eight lanes, halving three times.
    #[inline(always)]
    fn across(v: m128i, fold: impl Fn(m128i, m128i) -> m128i) -> u16 {
        let v = fold(v, byte_shr_imm_u128_m128i::<8>(v));
        let v = fold(v, byte_shr_imm_u128_m128i::<4>(v));
        let v = fold(v, byte_shr_imm_u128_m128i::<2>(v));
        extract_i16_as_i32_m128i::<0>(v) as u16
    }

    #[inline(always)]
    pub(super) fn longest_chains(groups: &[(usize, usize)], gaps: &[u8]) -> super::Chains {
        // Lane k holds bit k, to pick it out of a gap's sets.
        let bits = set_reversed_i16_m128i(1, 2, 4, 8, 16, 32, 64, 128);
        let Some((&(a, b), rest)) = groups.split_first() else {
            return super::Chains::default();
        };
        // The first group has no gap before it: every lane starts with it.
        let mut run = set_splat_i16_m128i(super::lane_len(a, b));
        let mut longest = run;
        for (&(a, b), &sets) in rest.iter().zip(gaps) {
            let len = set_splat_i16_m128i(super::lane_len(a, b));
            let joined = set_splat_i16_m128i(i16::from(sets)) & bits;
            let keep = cmp_eq_mask_i16_m128i(joined, bits);
            run = add_saturating_i16_m128i(run & keep, len);
            longest = max_i16_m128i(longest, run);
        }
        // Lanes never go below zero: as u16 they keep their order.
        let per_set: [i16; 8] = longest.into();
        super::Chains {
            per_set: per_set.map(|l| l as u16),
            longest: across(longest, max_i16_m128i),
            shortest: across(longest, min_i16_m128i),
        }
    }

    #[inline(always)]
    pub(super) fn words(block: &Block) -> super::Words {
        let lanes = lanes(block);
        super::Words {
            digit: gather(lanes, |lane| within(lane, b'0', b'9')),
            upper: gather(lanes, |lane| within(lane, b'A', b'Z')),
            lower: gather(lanes, |lane| within(lane, b'a', b'z')),
        }
    }
}

/// The byte loops other targets use (tests check them on every target).
#[cfg(any(not(target_arch = "x86_64"), test))]
mod portable {
    use super::Block;

    #[inline(always)]
    fn gather(block: &Block, select: impl Fn(u8) -> bool) -> u64 {
        block
            .iter()
            .enumerate()
            .fold(0u64, |mask, (k, &b)| mask | u64::from(select(b)) << k)
    }

    pub(super) fn range(block: &Block, lo: u8, hi: u8) -> u64 {
        gather(block, |b| (lo..=hi).contains(&b))
    }

    pub(super) fn any_of<const N: usize>(block: &Block, bytes: &[u8; N]) -> u64 {
        gather(block, |b| bytes.contains(&b))
    }

    pub(super) fn any_of_splats<const N: usize>(block: &Block, splats: &[[u8; 16]; N]) -> u64 {
        any_of(block, &splats.map(|s| s[0]))
    }

    pub(super) fn digits_and_line_feeds(chunk: &[u8; 16]) -> (u32, u32) {
        chunk
            .iter()
            .enumerate()
            .fold((0, 0), |(digits, feeds), (k, &b)| {
                (
                    digits | u32::from(b.is_ascii_digit()) << k,
                    feeds | u32::from(b == b'\n') << k,
                )
            })
    }

    pub(super) fn longest_chains(groups: &[(usize, usize)], gaps: &[u8]) -> super::Chains {
        let (mut run, mut longest) = ([0i16; 8], [0i16; 8]);
        let joins = std::iter::once(0).chain(gaps.iter().copied());
        for (&(a, b), sets) in groups.iter().zip(joins) {
            for k in 0..8 {
                let kept = if sets >> k & 1 != 0 { run[k] } else { 0 };
                run[k] = kept.saturating_add(super::lane_len(a, b));
                longest[k] = longest[k].max(run[k]);
            }
        }
        let per_set = longest.map(|l| l as u16);
        super::Chains {
            per_set,
            longest: per_set.iter().copied().max().unwrap_or(0),
            shortest: per_set.iter().copied().min().unwrap_or(0),
        }
    }

    pub(super) fn words(block: &Block) -> super::Words {
        super::Words {
            digit: range(block, b'0', b'9'),
            upper: range(block, b'A', b'Z'),
            lower: range(block, b'a', b'z'),
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
use portable as imp;

/// The ASCII digits, upper-case and lower-case letters of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Words {
    pub(crate) digit: u64,
    pub(crate) upper: u64,
    pub(crate) lower: u64,
}

/// Bytes of `block` in `lo..=hi`.
#[inline]
pub(crate) fn range(block: &Block, lo: u8, hi: u8) -> u64 {
    imp::range(block, lo, hi)
}

/// Bytes of `block` equal to one of `bytes`.
#[inline]
pub(crate) fn any_of<const N: usize>(block: &Block, bytes: &[u8; N]) -> u64 {
    imp::any_of(block, bytes)
}

/// Bytes of `block` equal to one of the bytes `splats` hold, each repeated sixteen times (as
/// [`splat`] makes them: a vector load each instead of building the vector per call).
#[inline]
pub(crate) fn any_of_splats<const N: usize>(block: &Block, splats: &[[u8; 16]; N]) -> u64 {
    imp::any_of_splats(block, splats)
}

/// `byte` sixteen times, for [`any_of_splats`].
pub(crate) fn splat(byte: u8) -> [u8; 16] {
    [byte; 16]
}

/// The ASCII digits and the line feeds of the 16 bytes of `hay` from `at` (zeros past its
/// end, which are neither), as two 16-bit masks.
#[inline]
pub(crate) fn digits_and_line_feeds(hay: &[u8], at: usize) -> (u32, u32) {
    imp::digits_and_line_feeds(&padded(hay, at))
}

/// The digits and letters of `block`.
#[inline]
pub(crate) fn words(block: &Block) -> Words {
    imp::words(block)
}

/// A digit group's length as a lane holds it: at most `i16::MAX`.
#[inline(always)]
fn lane_len(a: usize, b: usize) -> i16 {
    i16::try_from(b - a).unwrap_or(i16::MAX)
}

/// The longest chains of a cluster's digit groups (see [`longest_chains`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Chains {
    /// Per joiner set, the digits of its longest chain.
    pub(crate) per_set: [u16; 8],
    /// The longest and shortest of the eight.
    pub(crate) longest: u16,
    pub(crate) shortest: u16,
}

/// Per joiner set `k` (0 to 7), the digits of the longest chain of that set in a cluster: of
/// the runs of its digit `groups` joined by gaps whose sets (`gaps[i]`, between group `i` and
/// `i + 1`, set `k` as bit `k`) hold `k`, the longest total, at most `i16::MAX`. A set no gap
/// holds gets the longest group.
#[inline]
pub(crate) fn longest_chains(groups: &[(usize, usize)], gaps: &[u8]) -> Chains {
    imp::longest_chains(groups, gaps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn each(block: &Block, select: impl Fn(u8) -> bool) -> u64 {
        (0..64).fold(0, |m, k| m | u64::from(select(block[k])) << k)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Every mask is the byte-by-byte answer, for any bytes (high ones included, which
        /// signed comparisons would get wrong).
        #[test]
        fn masks_match_the_bytes(
            bytes in proptest::collection::vec(any::<u8>(), 64),
            lo in any::<u8>(),
            span in any::<u8>(),
            wanted in proptest::collection::vec(any::<u8>(), 6),
        ) {
            let block: Block = bytes.as_slice().try_into().unwrap();
            let hi = lo.saturating_add(span);
            prop_assert_eq!(range(&block, lo, hi), each(&block, |b| (lo..=hi).contains(&b)));
            let six: [u8; 6] = wanted.as_slice().try_into().unwrap();
            prop_assert_eq!(any_of(&block, &six), each(&block, |b| six.contains(&b)));
            let three = [six[0], six[1], six[2]];
            prop_assert_eq!(any_of(&block, &three), each(&block, |b| three.contains(&b)));
            let splats = six.map(splat);
            prop_assert_eq!(any_of_splats(&block, &splats), each(&block, |b| six.contains(&b)));
            prop_assert_eq!(portable::any_of_splats(&block, &splats), any_of(&block, &six));
            let w = words(&block);
            prop_assert_eq!(w.digit, each(&block, |b| b.is_ascii_digit()));
            prop_assert_eq!(w.upper, each(&block, |b| b.is_ascii_uppercase()));
            prop_assert_eq!(w.lower, each(&block, |b| b.is_ascii_lowercase()));
            // The byte loops of other targets give the same masks.
            prop_assert_eq!(portable::range(&block, lo, hi), range(&block, lo, hi));
            prop_assert_eq!(portable::any_of(&block, &six), any_of(&block, &six));
            prop_assert_eq!(portable::words(&block), w);
            for at in [0, 17, 48, 60] {
                let (digits, feeds) = digits_and_line_feeds(&bytes, at);
                let lane = (w.digit >> at) as u32 & 0xFFFF;
                let upto = if at + 16 > 64 { (1u32 << (64 - at)) - 1 } else { 0xFFFF };
                prop_assert_eq!(digits, lane & upto);
                prop_assert_eq!(feeds, (each(&block, |b| b == b'\n') >> at) as u32 & upto);
                let chunk: [u8; 16] = padded(&bytes, at);
                prop_assert_eq!(portable::digits_and_line_feeds(&chunk), (digits, feeds));
            }
        }
    }

    proptest! {
        /// The longest chains per joiner set are those of a plain count, lanes or not.
        #[test]
        fn longest_chains_per_set(
            lens in proptest::collection::vec(1usize..40_000, 1..12),
            sets in proptest::collection::vec(any::<u8>(), 11),
        ) {
            let mut groups = Vec::new();
            let mut at = 0;
            for len in &lens {
                groups.push((at, at + len));
                at += len + 1;
            }
            let gaps = &sets[..lens.len() - 1];
            let got = longest_chains(&groups, gaps);
            prop_assert_eq!(portable::longest_chains(&groups, gaps), got);
            for (k, &lane) in got.per_set.iter().enumerate() {
                let (mut run, mut want) = (0usize, 0usize);
                for (g, len) in lens.iter().enumerate() {
                    let joined = g > 0 && gaps[g - 1] >> k & 1 != 0;
                    run = if joined { run + len } else { *len };
                    want = want.max(run);
                }
                prop_assert_eq!(lane as usize, want.min(i16::MAX as usize), "set {}", k);
            }
            prop_assert_eq!(Some(&got.longest), got.per_set.iter().max());
            prop_assert_eq!(Some(&got.shortest), got.per_set.iter().min());
        }
    }

    #[test]
    fn a_block_past_the_end_is_padded_with_zeros() {
        let hay = b"abc";
        let block = block_at(hay, 1);
        assert_eq!(&block[..3], b"bc\0");
        assert_eq!(block_at(hay, 3), [0; 64]);
        assert_eq!(block_at(hay, 10), [0; 64]);
        assert_eq!(range(&block_at(b"a1b2", 0), b'0', b'9'), 0b1010);
    }
}
