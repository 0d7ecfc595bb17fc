//! Integration tests of redaction: operators over the support corpora, the stream contract
//! (stream output equals slice output for every way of splitting the input into reads), the
//! round trip of `encrypt` and `restore`, and the residual check.

use proptest::prelude::*;
use redactyl::{Engine, EngineBuilder, Operator, Policy, RedactErrorKind, RedactionKey, Redactor};
use std::borrow::Cow;
use std::io::{self, Read};
use std::sync::OnceLock;

fn engine() -> Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE
        .get_or_init(|| Engine::builtin().expect("built-in rules compile"))
        .clone()
}

fn key() -> RedactionKey {
    RedactionKey::from_hex(&"3c".repeat(32)).unwrap()
}

/// The texts of the project's support corpora (the generator's dev and test splits and the
/// hand-written sets), one record per line.
fn corpus_texts() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpora");
        let mut texts = Vec::new();
        for name in [
            "support_dev.jsonl",
            "support_test.jsonl",
            "support_hard_test.jsonl",
            "support_blind_test.jsonl",
        ] {
            let data = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
            for line in data.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                texts.push(v["text"].as_str().unwrap().to_string());
            }
        }
        texts
    })
}

/// All corpus texts as one input.
fn corpus_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| corpus_texts().join("\n").into_bytes())
}

/// A reader handing out the input in reads of the given sizes (cycled).
struct Reads<'a> {
    data: &'a [u8],
    sizes: Vec<usize>,
    i: usize,
}

impl Read for Reads<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let want = self.sizes[self.i % self.sizes.len()].max(1);
        self.i += 1;
        let n = want.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn stream(r: &Redactor, data: &[u8], sizes: Vec<usize>) -> Vec<u8> {
    let mut out = Vec::new();
    let reads = Reads { data, sizes, i: 0 };
    r.redact_stream(reads, &mut out).expect("stream");
    out
}

/// Every operator that needs no shared numbering, over all entities of the built-in rules.
fn mixed_policy() -> Policy {
    Policy::new(Operator::Label)
        .with("EMAIL_ADDRESS", Operator::Hash)
        .with(
            "CREDIT_CARD",
            Operator::Mask {
                ch: '*',
                keep_first: 0,
                keep_last: 4,
            },
        )
        .with("IBAN_CODE", Operator::Encrypt)
        .with("PHONE_NUMBER", Operator::Surrogate)
        .with("US_SSN", Operator::Remove)
        .with("URL", Operator::Keep)
}

fn redactor(policy: Policy, block: usize) -> Redactor {
    Redactor::builder(engine())
        .policy(policy)
        .key(key())
        .block_size(block)
        .build()
        .unwrap()
}

#[test]
fn stream_equals_slice_for_one_byte_prime_and_random_reads() {
    let data = corpus_bytes();
    // Small blocks (many block boundaries) and the default; pseudonyms are numbered in
    // order of appearance, so each run gets a fresh redactor.
    for block in [4096, redactyl::DEFAULT_BLOCK] {
        let policy = || mixed_policy().with("PERSON", Operator::Pseudonym);
        let slice = redactor(policy(), block).redact(data).into_owned();
        assert_ne!(slice, data);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let random: Vec<usize> = (0..97)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                1 + (seed % 9000) as usize
            })
            .collect();
        for sizes in [vec![1], vec![7], vec![4093], vec![65_537], random] {
            let label = format!("block {block}, reads {:?}", &sizes[..sizes.len().min(3)]);
            let got = stream(&redactor(policy(), block), data, sizes);
            assert!(got == slice, "stream differs from slice: {label}");
        }
    }
}

#[test]
fn blocks_find_what_a_whole_scan_finds() {
    // The margins around each block hold every match and its context: cutting the corpus
    // into small blocks changes nothing against one scan of the whole input.
    let data = corpus_bytes();
    let whole = redactor(mixed_policy(), usize::MAX / 4)
        .redact(data)
        .into_owned();
    for block in [1000, 4096, 65_536] {
        let blocked = redactor(mixed_policy(), block).redact(data).into_owned();
        assert!(blocked == whole, "block size {block} changes the output");
    }
}

#[test]
fn restore_after_encrypt_gives_back_every_corpus_byte_for_byte() {
    let r = redactor(Policy::new(Operator::Encrypt), redactyl::DEFAULT_BLOCK);
    let k = key();
    for text in corpus_texts() {
        let sealed = r.redact(text.as_bytes());
        let (back, stats) = k.restore(&sealed);
        assert_eq!(stats.failed, 0);
        assert!(back == text.as_bytes(), "round trip lost bytes");
    }
    // And over a stream of the whole corpus.
    let data = corpus_bytes();
    let mut sealed = Vec::new();
    let stats = r.redact_stream(data, &mut sealed).unwrap();
    assert!(stats.findings() > 1000, "{stats:?}");
    let mut back = Vec::new();
    k.restore_stream(&sealed[..], &mut back).unwrap();
    assert!(back == data);
}

#[test]
fn rescanning_scrubbed_output_finds_none_of_the_original_values() {
    let e = engine();
    for policy in [
        Policy::default(),
        mixed_policy(),
        Policy::new(Operator::Surrogate),
        Policy::new(Operator::Pseudonym),
    ] {
        let r = redactor(policy.clone(), redactyl::DEFAULT_BLOCK);
        let mut originals = std::collections::HashSet::new();
        let mut leaked = Vec::new();
        for text in corpus_texts() {
            for f in e.find_iter(text.as_bytes()) {
                if *policy.operator(f.entity()) != Operator::Keep {
                    originals.insert(text[f.range()].to_string());
                }
            }
            let out = r.redact(text.as_bytes());
            let out = String::from_utf8_lossy(&out).into_owned();
            for f in e.find_iter(out.as_bytes()) {
                let v = &out[f.range()];
                // A fake name is a real first name, and may be another record's: that tells
                // nothing about the name it replaced, so names are not compared for surrogates.
                let fake_name =
                    f.entity() == "PERSON" && policy == Policy::new(Operator::Surrogate);
                if originals.contains(v) && !fake_name {
                    leaked.push((f.entity().to_string(), v.len()));
                }
            }
        }
        assert!(leaked.is_empty(), "{policy:?}: {leaked:?}");
    }
}

#[test]
fn operators_write_what_the_docs_say() {
    let r = Redactor::builder(engine())
        .policy(
            Policy::new(Operator::Label)
                .with("PERSON", Operator::Pseudonym)
                .with("EMAIL_ADDRESS", Operator::Hash)
                .with("US_SSN", Operator::Remove),
        )
        .key(key())
        .build()
        .unwrap();
    let text = "Hi, my name is Maria Lopez. SSN 078-05-1123, mail maria.lopez@gmail.com. \
                Thanks, Maria Lopez";
    let out = r.redact_str(text);
    assert!(
        out.starts_with("Hi, my name is <PERSON_1>. SSN , mail [EMAIL_ADDRESS:"),
        "{out}"
    );
    assert!(out.ends_with("Thanks, <PERSON_1>"), "{out}");
    // Same value, same token, in later calls too; a new person gets the next number.
    let again = r.redact_str("Dear Maria Lopez, and Mr John Smith");
    assert_eq!(again, "Dear <PERSON_1>, and Mr <PERSON_2>");
    // The same address in another case hashes the same.
    let a = r.redact_str("mail Maria.Lopez@Gmail.com");
    assert_eq!(
        a,
        out[out.find("mail ").unwrap()..out.find(". Thanks").unwrap()]
    );
}

#[test]
fn nothing_found_borrows_the_input() {
    let r = redactor(Policy::default(), redactyl::DEFAULT_BLOCK);
    assert!(matches!(r.redact(b"order 12345 shipped"), Cow::Borrowed(_)));
    assert!(matches!(r.redact(b""), Cow::Borrowed(_)));
    let keep = redactor(Policy::new(Operator::Keep), redactyl::DEFAULT_BLOCK);
    assert!(matches!(
        keep.redact(b"mail a.b@gmail.com"),
        Cow::Borrowed(_)
    ));
}

#[test]
fn keyed_operators_need_a_key() {
    let e = Redactor::builder(engine())
        .policy(Policy::default().with("PERSON", Operator::Surrogate))
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), RedactErrorKind::Key);
    assert!(e.to_string().contains("surrogate"), "{e}");
}

#[test]
fn stream_mode_refuses_unbounded_rules() {
    let e = EngineBuilder::new()
        .builtin(false)
        .add_rules_toml(
            "t.toml",
            "[[rule]]\nid = \"ticket\"\nentity = \"TICKET\"\npatterns = ['TCK-[0-9]+']\n\
             triggers = [{ literals = [\"TCK-\"], before = 0 }]\n",
        )
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(e.max_match_len(), None);
    let r = Redactor::builder(e).build().unwrap();
    // Slice mode scans the whole input at once ...
    assert_eq!(r.redact_str("see TCK-123456789"), "see [TICKET]");
    // ... stream mode cannot keep a bounded window and says so.
    let err = r.redact_stream(&b"see TCK-1"[..], Vec::new()).unwrap_err();
    assert_eq!(err.kind(), RedactErrorKind::Unbounded);
    assert!(err.to_string().contains("ticket"), "{err}");
}

#[test]
fn invalid_utf8_and_split_characters_stay_whole() {
    let r = redactor(Policy::default(), 64);
    let mut data = b"caf\xc3\xa9 \xff\xfe mail jose@example.org \xe2\x82".to_vec();
    data.extend_from_slice("Zoë 4111 1111 1111 1111 ".repeat(50).as_bytes());
    let slice = r.redact(&data).into_owned();
    assert_eq!(stream(&r, &data, vec![1]), slice);
    assert!(
        slice.starts_with(b"caf\xc3\xa9 \xff\xfe mail [EMAIL_ADDRESS] \xe2\x82"),
        "{}",
        String::from_utf8_lossy(&slice[..60])
    );
    let text = String::from_utf8_lossy(&data).into_owned();
    let out = r.redact_str(&text);
    assert!(out.contains("Zoë [CREDIT_CARD]"), "{out}");
}

/// The built-in rules without the long credential formats (PEM blocks, JWTs, URLs, bearer
/// tokens): a margin of about 1.3 KB, so that short generated inputs span many blocks.
fn short_engine() -> Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            EngineBuilder::new()
                .disable_rules(["pem-private-key", "jwt", "url", "bearer-token"])
                .build()
                .unwrap()
        })
        .clone()
}

fn pii_fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"4111 1111 1111 1111".to_vec()),
        Just(b"jane.doe@example.com".to_vec()),
        Just(b"+1 415-555-0132".to_vec()),
        Just(b"SSN 078-05-1123".to_vec()),
        Just(b"GB29 NWBK 6016 1331 9268 19".to_vec()),
        Just(b"my name is Maria Lopez".to_vec()),
        Just(b"\nThanks,\nJohn\n".to_vec()),
        Just("é日本".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
        "[a-z0-9 .@:-]{0,30}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn a_scanned_stream_reports_what_a_whole_scan_finds_on_arbitrary_input(
        parts in proptest::collection::vec(pii_fragment(), 0..60),
        sizes in proptest::collection::vec(1usize..300, 1..8),
        block in prop_oneof![Just(1usize), 2usize..600, Just(redactyl::DEFAULT_BLOCK)],
    ) {
        let data: Vec<u8> = parts.concat();
        let r = Redactor::builder(short_engine()).block_size(block).build().unwrap();
        let want = scanned_whole(&short_engine(), &data);
        prop_assert_eq!(scanned_stream(&r, &data, sizes), want.clone());
        prop_assert_eq!(scanned_slice(&r, &data), want);
    }

    #[test]
    fn stream_equals_slice_on_arbitrary_input(
        parts in proptest::collection::vec(pii_fragment(), 0..60),
        sizes in proptest::collection::vec(1usize..300, 1..8),
        block in prop_oneof![Just(1usize), 2usize..600, Just(redactyl::DEFAULT_BLOCK)],
    ) {
        let data: Vec<u8> = parts.concat();
        let policy = || mixed_policy().with("PERSON", Operator::Pseudonym);
        let build = || {
            Redactor::builder(short_engine())
                .policy(policy())
                .key(key())
                .block_size(block)
                .build()
                .unwrap()
        };
        let slice = build().redact(&data).into_owned();
        let got = stream(&build(), &data, sizes);
        prop_assert_eq!(got, slice);
    }
}

/// A finding as a scan reports it: entity, offsets, score, line and bytes.
type Reported = (String, usize, usize, f32, usize, Vec<u8>);

/// What `Engine::scan` finds in the whole of `data`, with lines and bytes.
fn scanned_whole(engine: &Engine, data: &[u8]) -> Vec<Reported> {
    engine
        .find_iter(data)
        .map(|f| {
            let line = 1 + data[..f.start()].iter().filter(|&&b| b == b'\n').count();
            let value = data[f.range()].to_vec();
            (
                f.entity().to_string(),
                f.start(),
                f.end(),
                f.score(),
                line,
                value,
            )
        })
        .collect()
}

/// What `Redactor::scan_stream` reports over `data` handed out in reads of `sizes`.
fn scanned_stream(r: &Redactor, data: &[u8], sizes: Vec<usize>) -> Vec<Reported> {
    let mut got = Vec::new();
    let reads = Reads { data, sizes, i: 0 };
    let stats = r
        .scan_stream(reads, &mut |f, line, value| {
            let entity = f.entity().to_string();
            got.push((entity, f.start(), f.end(), f.score(), line, value.to_vec()));
        })
        .expect("scan stream");
    assert_eq!(stats.bytes_in, data.len() as u64);
    assert_eq!(stats.bytes_out, 0);
    assert_eq!(stats.findings(), got.len() as u64);
    got
}

/// What `Redactor::scan_slice` reports over `data`.
fn scanned_slice(r: &Redactor, data: &[u8]) -> Vec<Reported> {
    let mut got = Vec::new();
    let stats = r.scan_slice(data, &mut |f, line, value| {
        let entity = f.entity().to_string();
        got.push((entity, f.start(), f.end(), f.score(), line, value.to_vec()));
    });
    assert_eq!(stats.bytes_in, data.len() as u64);
    assert_eq!(stats.bytes_out, 0);
    assert_eq!(stats.findings(), got.len() as u64);
    got
}

#[test]
fn a_scanned_stream_reports_what_a_whole_scan_finds() {
    // Offsets, scores, lines and bytes, whatever the blocks and reads; the policy plays no
    // part (a scan of `é` next to a match is not widened to whole characters).
    let data = corpus_bytes();
    let want = scanned_whole(&engine(), data);
    assert!(want.len() > 1000);
    for block in [1000, 4096, 65_536, redactyl::DEFAULT_BLOCK] {
        for sizes in [vec![977], vec![1], vec![1 << 20]] {
            let got = scanned_stream(&redactor(mixed_policy(), block), data, sizes.clone());
            assert!(
                got == want,
                "block {block}, reads {sizes:?}: {} streamed, {} whole",
                got.len(),
                want.len()
            );
        }
        // The same blocks over the input in place.
        let got = scanned_slice(&redactor(mixed_policy(), block), data);
        assert!(
            got == want,
            "block {block}: {} in place, {} whole",
            got.len(),
            want.len()
        );
    }
}

#[test]
fn streamed_findings_carry_their_offsets_and_lines() {
    let data = corpus_bytes();
    let r = redactor(mixed_policy(), 4096);
    let (_, slice) = r.redact_findings(data);
    let want: Vec<(String, usize, usize)> = slice
        .iter()
        .map(|f| {
            let line = 1 + data[..f.start()].iter().filter(|&&b| b == b'\n').count();
            (f.entity().to_string(), f.start(), line)
        })
        .collect();
    let mut got = Vec::new();
    let reads = Reads {
        data,
        sizes: vec![977],
        i: 0,
    };
    redactor(mixed_policy(), 4096)
        .redact_stream_with(reads, std::io::sink(), &mut |f, line| {
            got.push((f.entity().to_string(), f.start(), line));
        })
        .unwrap();
    assert!(want.len() > 1000);
    assert!(
        got == want,
        "{} streamed, {} in slice mode",
        got.len(),
        want.len()
    );
}
