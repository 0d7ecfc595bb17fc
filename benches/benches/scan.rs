//! Scan throughput over generated support text (chat transcripts, tickets, agent notes, logs),
//! single-threaded, with the full default rule set and with one rule family at a time; and over
//! hostile input: one short unit repeated (a token full of `@`, `://` or `www.`, digits every
//! few letters of one endless token, a line of numbers), which must scan at about the speed of
//! text, not re-read a window, a token or a cluster per hit.
//!
//! `cargo bench -p redactyl-benches --bench scan`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use redactyl::{Engine, EngineBuilder};
use std::hint::black_box;

const BYTES: usize = 4_000_000;

/// Rules for names, places, birth dates and speech, which the structured pack does without.
const UNSTRUCTURED: [&str; 8] = [
    "person",
    "street-address",
    "postal-code",
    "date-of-birth",
    "spoken-phone",
    "spoken-card",
    "spoken-ssn",
    "spelled-email",
];

fn scan(c: &mut Criterion) {
    let text = redactyl_corpus_gen::bench_text(BYTES);
    let hay = text.as_bytes();
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(hay.len() as u64));
    group.sample_size(20);

    // Floor: one pass that only counts newlines.
    group.bench_function("memchr-newlines", |b| {
        b.iter(|| memchr_count(black_box(hay)))
    });

    let full = Engine::builtin().expect("built-in rules");
    let mut scratch = full.scratch();
    group.bench_function("all-rules", |b| {
        b.iter(|| full.scan(&mut scratch, black_box(hay)).len())
    });

    // The structured rule pack alone: no names, addresses, dates or spoken forms. The cost
    // of those is all-rules against this.
    let structured = EngineBuilder::new()
        .disable_rules(UNSTRUCTURED)
        .build()
        .expect("built-in rules");
    let mut scratch = structured.scratch();
    group.bench_function("structured-only", |b| {
        b.iter(|| structured.scan(&mut scratch, black_box(hay)).len())
    });

    for family in [
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "IBAN_CODE",
        "US_SSN",
        "IP_ADDRESS",
        "SECRET",
        "PERSON",
        "STREET_ADDRESS",
        "DATE_OF_BIRTH",
    ] {
        let engine = EngineBuilder::new()
            .entities([family])
            .build()
            .expect("built-in rules");
        let mut scratch = engine.scratch();
        group.bench_with_input(BenchmarkId::new("entity", family), &hay, |b, hay| {
            b.iter(|| engine.scan(&mut scratch, black_box(hay)).len())
        });
    }
    group.finish();
}

fn hostile(c: &mut Criterion) {
    let full = Engine::builtin().expect("built-in rules");
    let mut scratch = full.scratch();
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    let units = [
        ("at", "@"),
        ("scheme", "://"),
        ("www", "www."),
        ("colons", ":"),
        // Digit clusters inside one token that never ends, and one cluster that never ends.
        ("token-digits", "ab12cdefghijklmnopq"),
        ("number-line", "7, "),
    ];
    for (name, unit) in units {
        let hay = unit.repeat(1_000_000 / unit.len()).into_bytes();
        group.throughput(Throughput::Bytes(hay.len() as u64));
        group.bench_with_input(BenchmarkId::new("repeated", name), &hay, |b, hay| {
            b.iter(|| full.scan(&mut scratch, black_box(hay)).len())
        });
    }
    group.finish();
}

fn memchr_count(hay: &[u8]) -> usize {
    hay.iter().filter(|&&b| b == b'\n').count()
}

criterion_group!(benches, scan, hostile);
criterion_main!(benches);
