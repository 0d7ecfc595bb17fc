//! Integration tests of the engine: every rule's examples, the public API's invariants, bad
//! rule files, allow and deny lists, context and the overlap policy.

use proptest::prelude::*;
use redactyl::{BuildError, Engine, EngineBuilder, Finding, ScanOptions, Scratch};

fn engine() -> Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE
        .get_or_init(|| Engine::builtin().expect("built-in rules compile"))
        .clone()
}

/// The built-in rules with no threshold: every rule compiled, every finding reported.
fn engine_all() -> Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE
        .get_or_init(|| {
            EngineBuilder::new()
                .min_score(0.0)
                .enable_all(true)
                .build()
                .unwrap()
        })
        .clone()
}

fn found(e: &Engine, text: &str) -> Vec<(String, String)> {
    e.find_iter(text.as_bytes())
        .map(|f| (f.entity().to_string(), text[f.range()].to_string()))
        .collect()
}

#[test]
fn every_rule_example_behaves() {
    let e = engine_all();
    let failures = e.check_examples();
    assert!(e.example_count() > 150, "{}", e.example_count());
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn public_types_are_thread_safe() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    fn error<T: std::error::Error + Send + Sync + 'static>() {}
    send_sync::<Engine>();
    send_sync::<Finding>();
    send_sync::<ScanOptions>();
    send::<Scratch>();
    error::<BuildError>();
    send_sync::<redactyl::Redactor>();
    send_sync::<redactyl::RedactionKey>();
    send_sync::<redactyl::Policy>();
    send_sync::<redactyl::EntityCounts>();
    error::<redactyl::RedactError>();
    // Cheap clones share the compiled rules.
    let e = engine();
    let e2 = e.clone();
    std::thread::spawn(move || e2.find_iter(b"a@b.io").count())
        .join()
        .unwrap();
    assert_eq!(e.find_iter(b"a@b.io").count(), 1);
}

#[test]
fn a_scratch_from_another_engine_is_rebuilt() {
    let mails = EngineBuilder::new()
        .entities(["EMAIL_ADDRESS"])
        .build()
        .unwrap();
    let mut s = mails.scratch();
    assert_eq!(engine().scan(&mut s, b"a@b.io 078-05-1123").len(), 2);
    assert_eq!(mails.scan(&mut s, b"a@b.io 078-05-1123").len(), 1);
}

#[test]
fn built_in_rules_are_bounded() {
    // The stream redactor relies on every rule having a maximum match length.
    assert!(engine().max_match_len().is_some());
}

#[test]
fn structured_entities_in_support_text() {
    let e = engine();
    let text = "[10:32] Customer: my card is 4111 1111 1111 1111, call me on (415) 555-0132 \
                or mail jane.doe@example.com. SSN 078-05-1123, IBAN GB29 NWBK 6016 1331 9268 19, \
                order #48213-22 placed 2024-03-15 for $1,299.00, tracking 1Z999AA10123456784.";
    let got = found(&e, text);
    let entities: Vec<&str> = got.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(
        entities,
        [
            "CREDIT_CARD",
            "PHONE_NUMBER",
            "EMAIL_ADDRESS",
            "US_SSN",
            "IBAN_CODE"
        ],
        "{got:?}"
    );
}

#[test]
fn decoys_are_not_reported() {
    let e = engine();
    for text in [
        "Order 112-4938221-0938832 shipped on 2024-03-15 10:32:11, total $1,299.00",
        "Tracking 9400 1000 0000 0000 0000 00 and ticket TCK-482913",
        "App version 4.17.84, build 08964097, invoice INV-2024-00042",
        "Refund ref 4815162342 issued",
        "It costs €1.299,00 or 15/03/2024",
    ] {
        assert!(found(&e, text).is_empty(), "{text}: {:?}", found(&e, text));
    }
}

#[test]
fn context_raises_and_is_required() {
    let e = engine();
    // A bare nine-digit number is nothing on its own, an SSN next to its name.
    assert!(found(&e, "ref 078051121").is_empty());
    assert_eq!(found(&e, "my ssn is 078051121")[0].0, "US_SSN");
    // SWIFT codes need their context word.
    assert!(found(&e, "DEUTDEFF500").is_empty());
    assert_eq!(found(&e, "SWIFT: DEUTDEFF500")[0].0, "SWIFT_CODE");
    // A label right in front pushes a bare number down; a cue word elsewhere does not save it.
    assert!(found(
        &e,
        "You can call us. Replacement for order 4273695192 shipped"
    )
    .is_empty());
    // A well-formed phone number survives a label further away.
    assert_eq!(
        found(&e, "call me about my order at 415-555-0132 please")[0].0,
        "PHONE_NUMBER"
    );
    // Context after the value stops at the end of its sentence.
    assert!(found(&e, "Tracking shows 362133800691 today. Which account?").is_empty());
}

#[test]
fn overlap_policy_prefers_higher_score() {
    // A card number that is also a bank-account-shaped number: the card wins.
    let e = engine();
    let got = found(&e, "checking account card 4111111111111111");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "CREDIT_CARD");
}

#[test]
fn allow_and_deny_lists() {
    let e = EngineBuilder::new()
        .add_rules_toml(
            "lists.toml",
            r#"
            [allow]
            values = ["support@example.com"]
            patterns = ['.*@example\.org']

            [[deny]]
            entity = "PROJECT"
            terms = ["Bluebird"]
            case_insensitive = true
            "#,
        )
        .unwrap()
        .build()
        .unwrap();
    let got = found(
        &e,
        "mail support@example.com, ops@example.org or jane@example.net about bluebird",
    );
    assert_eq!(
        got,
        [
            ("EMAIL_ADDRESS".to_string(), "jane@example.net".to_string()),
            ("PROJECT".to_string(), "bluebird".to_string())
        ]
    );
}

#[test]
fn scan_options_filter_and_threshold() {
    let e = engine();
    let mut s = e.scratch();
    let text = b"mail a@b.io, passport 912803456";
    let only_mail = ScanOptions::new().filter(e.filter_entities(&["EMAIL_ADDRESS"]));
    let got: Vec<_> = e.scan_with(&mut s, text, &only_mail).to_vec();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].entity(), "EMAIL_ADDRESS");
    let low = ScanOptions::new()
        .min_score(0.01)
        .filter(e.filter_entities(&["US_PASSPORT"]));
    assert_eq!(e.scan_with(&mut s, b"912803456", &low).len(), 1);
}

#[test]
fn rules_sharing_patterns_are_each_reported() {
    // US SSN and ITIN rules share their patterns (one search, two validators).
    let e = engine();
    let got = found(&e, "SSN 078-05-1123, ITIN 911-70-1234");
    assert_eq!(
        got.iter().map(|(e, _)| e.as_str()).collect::<Vec<_>>(),
        ["US_SSN", "US_ITIN"]
    );
    let mut s = e.scratch();
    let only_itin = ScanOptions::new().filter(e.filter_entities(&["US_ITIN"]));
    let got = e.scan_with(&mut s, b"SSN 078-05-1123, ITIN 911-70-1234", &only_itin);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].entity(), "US_ITIN");
}

#[test]
fn custom_rules_override_and_extend() {
    let e = EngineBuilder::new()
        .builtin(false)
        .add_rules_toml(
            "custom.toml",
            r#"
            [[rule]]
            id = "ticket"
            entity = "TICKET_ID"
            patterns = ['\bTCK-\d{6}\b']
            score = 0.9
            examples = ["see TCK-123456"]
            negative_examples = ["TCK-12"]
            "#,
        )
        .unwrap()
        .build()
        .unwrap();
    assert!(e.check_examples().is_empty());
    assert_eq!(found(&e, "re TCK-000042 and a@b.io").len(), 1);
}

#[test]
fn trigger_literal_longer_than_the_match() {
    // A rule may name a context-like literal longer than anything it matches.
    let e = EngineBuilder::new()
        .builtin(false)
        .add_rules_toml(
            "t.toml",
            r#"
            [[rule]]
            id = "pin"
            entity = "PIN"
            patterns = ['\d{4}']
            triggers = [{ literals = ["my personal identification number"] }]
            "#,
        )
        .unwrap()
        .build()
        .unwrap();
    let text = "my personal identification number 1234";
    let _ = e.find_iter(text.as_bytes()).count();
    let _ = e.find_iter(b"my personal identification number").count();
}

fn build_err(text: &str) -> String {
    match EngineBuilder::new().add_rules_toml("bad.toml", text) {
        Err(e) => e.to_string(),
        Ok(b) => b.build().unwrap_err().to_string(),
    }
}

#[test]
fn bad_rule_files_name_file_rule_and_problem() {
    let rule = |body: &str| format!("[[rule]]\nid = \"x\"\nentity = \"X\"\n{body}");
    // (rule file, what the error names)
    let cases: Vec<(String, &[&str])> = vec![
        (
            rule("patterns = ['(']\n"),
            &["bad.toml", "rule 'x'", "pattern 0"],
        ),
        (
            rule("patterns = ['a']\nvalidator = \"nope\"\n"),
            &["rule 'x'", "unknown validator 'nope'"],
        ),
        (
            "[[rule]]\nid = \"e\"\nentity = \"lower\"\npatterns = ['a']\n".into(),
            &["UPPER_SNAKE_CASE"],
        ),
        (rule(""), &["patterns"]),
        (rule("patterns = ['a*']\n"), &["empty string"]),
        (
            rule("patterns = ['a']\ncolour = 1\n"),
            &["bad.toml", "colour"],
        ),
        ("not toml [".into(), &["bad.toml:"]),
        (
            rule("patterns = ['\\d+']\ntriggers = [{ digits = 1001 }]\n"),
            &["rule 'x'", "at most 1000"],
        ),
        (
            rule("patterns = ['(?P<value>a)b', '(c)(?P<value>d)']\n"),
            &["rule 'x'", "same position"],
        ),
        (
            rule("patterns = ['(?P<value>a)b', 'e']\n"),
            &["rule 'x'", "same position"],
        ),
        // A pattern that parses but is too large to compile is refused when the engine is
        // built, not when it is first searched.
        (
            rule("patterns = ['[a-z]{1000}{1000}{10}']\n"),
            &["rule 'x'", "pattern 0", "does not compile"],
        ),
    ];
    for (text, named) in cases {
        let msg = build_err(&text);
        for part in named {
            assert!(msg.contains(part), "{text:?}: {msg}");
        }
    }
}

/// Found by the `compile_rules` fuzz target: an empty context word made the dictionary
/// builder panic (a zero-length window); it is now a rule error.
#[test]
fn fuzz_empty_context_word_is_an_error_not_a_panic() {
    for field in ["context", "negative_context"] {
        let msg = build_err(&format!(
            "[[rule]]\nid = \"c\"\nentity = \"X\"\npatterns = ['ab']\n{field} = [\"ok\", \"\"]\n"
        ));
        assert!(
            msg.contains("rule 'c'") && msg.contains("empty context word"),
            "{msg}"
        );
    }
}

#[test]
fn invalid_utf8_is_tolerated_and_offsets_are_bytes() {
    let e = engine();
    let mut text = b"\xff\xfe caf\xc3\xa9 ".to_vec();
    let start = text.len();
    text.extend_from_slice(b"jane@example.com \xc3(");
    let got: Vec<Finding> = e.find_iter(&text).collect();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].range(), start..start + 16);
}

#[test]
fn very_long_lines() {
    let e = engine();
    // One 4 MB line of digits and separators, and one of a repeated email.
    let digits: Vec<u8> = (0..4_000_000u32)
        .map(|i| {
            if i % 7 == 6 {
                b' '
            } else {
                b'0' + (i % 10) as u8
            }
        })
        .collect();
    let _ = e.find_iter(&digits).count();
    let mails = "a@b.io ".repeat(200_000);
    assert_eq!(e.find_iter(mails.as_bytes()).count(), 200_000);
}

fn check_invariants(e: &Engine, s: &mut Scratch, hay: &[u8]) {
    let found = e.scan(s, hay);
    let mut last_end = 0;
    for f in found {
        assert!(f.start() < f.end() && f.end() <= hay.len());
        assert!(f.start() >= last_end, "sorted and non-overlapping");
        assert!((0.0..=1.0).contains(&f.score()));
        last_end = f.end();
    }
}

/// Text made of the pieces PII is made of, so that the properties reach the validators.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..8),
        "[0-9]{1,20}".prop_map(String::into_bytes),
        "[ .\\-/():+@]{1,3}".prop_map(String::into_bytes),
        "[A-Za-z]{1,8}".prop_map(String::into_bytes),
        Just(b"4111 1111 1111 1111".to_vec()),
        Just(b"GB29 NWBK 6016 1331 9268 19".to_vec()),
        Just(b"ssn ".to_vec()),
        Just(b"password=".to_vec()),
        Just(b"::".to_vec()),
        Just(b"\n".to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_panic_on_arbitrary_bytes(hay in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let e = engine();
        let mut s = e.scratch();
        check_invariants(&e, &mut s, &hay);
    }

    #[test]
    fn findings_in_bounds_sorted_disjoint(pieces in proptest::collection::vec(piece(), 0..60)) {
        let hay: Vec<u8> = pieces.concat();
        let e = engine();
        let mut s = e.scratch();
        check_invariants(&e, &mut s, &hay);
        // Lower thresholds bring in more rules; the invariants hold there too.
        let low = engine_all();
        let mut s = low.scratch();
        check_invariants(&low, &mut s, &hay);
    }
}
