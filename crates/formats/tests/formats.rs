//! Every format: scrubbed output keeps its shape (parsed by independent parsers), findings
//! carry their record and field, malformed input is reported and still scrubbed.

use proptest::prelude::*;
use redactyl::{Engine, Redactor, ScanOptions};
use redactyl_formats::{process, Format, Mode};
use serde_json::Value;
use std::sync::OnceLock;

fn redactor() -> &'static Redactor {
    static R: OnceLock<Redactor> = OnceLock::new();
    R.get_or_init(|| {
        Redactor::builder(Engine::builtin().unwrap())
            .build()
            .unwrap()
    })
}

fn scrub(format: Format, input: &str) -> redactyl_formats::Processed<'_> {
    process(format, input.as_bytes(), &mut Mode::Scrub(redactor()))
}

/// The JSON value with every string replaced by "": the shape.
fn shape(v: &Value) -> Value {
    match v {
        Value::String(_) => Value::String(String::new()),
        Value::Array(a) => Value::Array(a.iter().map(shape).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        other => other.clone(),
    }
}

const TICKET: &str = r#"{
  "ticket": {"id": 35436, "subject": "Refund for order 4460469242", "requester_id": 20978392,
    "via": {"channel": "email", "source": {"from": {"address": "chen.rossi@hotmail.es", "name": "Chen Rossi"}}},
    "description": "Hi, my name is Chen Rossi.\nMy card 4111 1111 1111 1111 was charged twice. Call +1 415-555-0132.",
    "tags": ["refund", "vip"], "satisfaction_rating": null, "score": 4.5,
    "comments": [
      {"id": 1, "body": "Thanks, Chen! We will call you at +1 (415) 555-0132.", "public": true},
      {"id": 2, "body": "Internal: customer SSN 078-05-1123 on file \u2014 do not share", "public": false}
    ]
  }
}"#;

#[test]
fn json_keeps_its_shape_and_names_fields() {
    let done = scrub(Format::Json, TICKET);
    assert!(done.problems.is_empty(), "{:?}", done.problems);
    let before: Value = serde_json::from_str(TICKET).unwrap();
    let after: Value = serde_json::from_slice(&done.output).unwrap();
    assert_eq!(shape(&before), shape(&after));
    let text = String::from_utf8_lossy(&done.output);
    for raw in [
        "chen.rossi@hotmail.es",
        "4111",
        "555-0132",
        "078-05-1123",
        "Chen Rossi",
    ] {
        assert!(!text.contains(raw), "{raw} left in {text}");
    }
    // Everything outside the replaced values is byte for byte the same.
    assert!(text.contains(r#""requester_id": 20978392,"#));
    assert!(text.contains("\"score\": 4.5,\n    \"comments\": ["));
    let fields: Vec<(&str, &str)> = done
        .hits
        .iter()
        .map(|h| (h.field.as_deref().unwrap(), &*h.entity))
        .collect();
    assert!(fields.contains(&("$.ticket.via.source.from.address", "EMAIL_ADDRESS")));
    assert!(fields.contains(&("$.ticket.comments[1].body", "US_SSN")));
    // Offsets point into the file, through escapes too.
    for h in &done.hits {
        let v = &TICKET[h.start..h.end];
        if &*h.entity == "US_SSN" {
            assert_eq!(v, "078-05-1123");
        }
    }
}

#[test]
fn json_lines_report_a_malformed_line_and_scrub_the_rest() {
    let input = "{\"a\": \"mail jane@example.com\"}\n{\"a\": broken jane@example.com\n\n{\"b\": [\"078-05-1123\"]}\n";
    let done = scrub(Format::JsonLines, input);
    assert_eq!(done.problems.len(), 1);
    assert_eq!(done.problems[0].record, Some(2));
    assert!(done.problems[0].message.contains("line 2"));
    assert!(!done.problems[0].message.contains("jane"));
    let out = String::from_utf8(done.output.into_owned()).unwrap();
    let lines: Vec<&str> = out.split('\n').collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0], "{\"a\": \"mail [EMAIL_ADDRESS]\"}");
    assert_eq!(lines[1], "{\"a\": broken [EMAIL_ADDRESS]");
    assert_eq!(lines[3], "{\"b\": [\"[US_SSN]\"]}");
    assert_eq!(
        done.hits.iter().map(|h| h.record).collect::<Vec<_>>(),
        [Some(1), Some(2), Some(4)]
    );
}

#[test]
fn broken_json_is_scrubbed_as_text_with_a_problem() {
    let done = scrub(Format::Json, "{\"a\": \"jane@example.com\"");
    assert_eq!(done.format, Format::Text);
    assert!(done.problems[0].message.contains("not valid json"));
    assert_eq!(&*done.output, b"{\"a\": \"[EMAIL_ADDRESS]\"");
}

const CASES: &str = "CaseNumber,Subject,Description,SuppliedEmail,Priority\r\n\
00001026,Card charged twice,\"Customer says: \"\"my card 4111 1111 1111 1111 was charged twice\"\".\nCall back +1 415-555-0132\",jane.doe@example.com,High\r\n\
00001027,Login,\"Reset, please\",bob@example.org,Low\r\n";

#[test]
fn csv_keeps_rows_columns_and_quoting() {
    let done = scrub(Format::Csv, CASES);
    assert!(done.problems.is_empty());
    let parse = |b: &[u8]| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(b)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    let before = parse(CASES.as_bytes());
    let after = parse(&done.output);
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.len(), a.len());
    }
    assert_eq!(after[1][3], "[EMAIL_ADDRESS]");
    assert_eq!(
        after[1][2],
        "Customer says: \"my card [CREDIT_CARD] was charged twice\".\nCall back [PHONE_NUMBER]"
    );
    assert_eq!(after[2][2], "Reset, please");
    let out = String::from_utf8_lossy(&done.output);
    assert!(out.starts_with("CaseNumber,Subject,"));
    assert!(out.contains("\r\n00001027,Login,\"Reset, please\",[EMAIL_ADDRESS],Low\r\n"));
    let cols: Vec<&str> = done
        .hits
        .iter()
        .map(|h| h.field.as_deref().unwrap())
        .collect();
    assert_eq!(
        cols,
        [
            "Description",
            "Description",
            "SuppliedEmail",
            "SuppliedEmail"
        ]
    );
    assert_eq!(
        &CASES[done.hits[0].start..done.hits[0].end],
        "4111 1111 1111 1111"
    );
}

#[test]
fn tsv_and_malformed_csv() {
    let done = scrub(Format::Tsv, "note\temail\nhi\tjane@example.com\n");
    assert_eq!(&*done.output, b"note\temail\nhi\t[EMAIL_ADDRESS]\n");
    let done = scrub(Format::Csv, "a,b\n\"jane@example.com,2\n");
    assert_eq!(done.format, Format::Text);
    assert!(
        done.problems[0].message.contains("row 2"),
        "{:?}",
        done.problems
    );
    assert!(!String::from_utf8_lossy(&done.output).contains("jane@"));
}

#[test]
fn subtitles_keep_timings() {
    let vtt =
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nAgent: thanks, can I get your card number?\n\n\
               00:00:04.500 --> 00:00:09.000 align:start\nCustomer: it's 4111 1111 1111 1111\n";
    let done = scrub(Format::WebVtt, vtt);
    let out = String::from_utf8(done.output.into_owned()).unwrap();
    let timings = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.contains("-->"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(timings(vtt), timings(&out));
    assert!(out.ends_with("Customer: it's [CREDIT_CARD]\n"));
    assert_eq!(done.hits[0].record, Some(2));
    let srt = "1\n00:00:01,000 --> 00:00:02,000\nmail jane@example.com\n";
    let done = scrub(Format::Srt, srt);
    assert_eq!(
        &*done.output,
        b"1\n00:00:01,000 --> 00:00:02,000\nmail [EMAIL_ADDRESS]\n"
    );
}

#[test]
fn scan_mode_leaves_the_output_alone() {
    let engine = Engine::builtin().unwrap();
    let mut scratch = engine.scratch();
    let opts = ScanOptions::new();
    let mut mode = Mode::Scan {
        engine: &engine,
        scratch: &mut scratch,
        options: &opts,
        values: true,
    };
    let done = process(Format::Json, TICKET.as_bytes(), &mut mode);
    assert!(matches!(done.output, std::borrow::Cow::Borrowed(_)));
    assert!(done.hits.len() >= 6, "{:?}", done.hits);
    let ssn = done.hits.iter().find(|h| &*h.entity == "US_SSN").unwrap();
    assert_eq!(ssn.value.as_deref(), Some("078-05-1123"));
    assert_eq!(ssn.line, 8);
    // Scrub reports never carry values.
    assert!(scrub(Format::Json, TICKET)
        .hits
        .iter()
        .all(|h| h.value.is_none()));
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just("mail jane.doe@example.com".to_string()),
            Just("card 4111 1111 1111 1111".to_string()),
            Just("Hi, my name is Maria Lopez \"quoted\"\n\t\u{e9}".to_string()),
            any::<String>(),
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z \"\\\\]{0,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn scrubbed_json_parses_to_the_same_shape(v in json_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&v).unwrap()
        } else {
            serde_json::to_string(&v).unwrap()
        };
        let done = scrub(Format::Json, &text);
        prop_assert!(done.problems.is_empty(), "{:?}", done.problems);
        let after: Value = serde_json::from_slice(&done.output).unwrap();
        prop_assert_eq!(shape(&v), shape(&after));
    }

    #[test]
    fn scrubbed_csv_keeps_rows_and_columns(rows in proptest::collection::vec(
        proptest::collection::vec(prop_oneof![
            Just("jane@example.com".to_string()),
            Just("4111 1111 1111 1111, \"x\"".to_string()),
            "[a-z ,\"\n]{0,12}",
        ], 3), 1..8)) {
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in &rows {
            w.write_record(r).unwrap();
        }
        let data = w.into_inner().unwrap();
        let done = process(Format::Csv, &data, &mut Mode::Scrub(redactor()));
        prop_assert!(done.problems.is_empty(), "{:?}", done.problems);
        let parsed: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&*done.output)
            .records()
            .map(Result::unwrap)
            .collect();
        prop_assert_eq!(parsed.len(), rows.len());
        prop_assert!(parsed.iter().all(|r| r.len() == 3));
    }
}

const EML: &str = "From: Maria Lopez <maria.lopez@gmail.com>\r\n\
To: support@shop.example\r\n\
Subject: Refund for card 4111 1111 1111 1111\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"outer\"\r\n\
\r\n\
--outer\r\n\
Content-Type: multipart/alternative; boundary=\"inner\"\r\n\
\r\n\
--inner\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Hi, call me on +1 415-555-0132 =E2=80=94 my SSN is 078-05-1123.\r\n\
\r\n\
Thanks,\r\n\
Maria Lopez\r\n\
--inner\r\n\
Content-Type: text/html; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
PHA+Q2FsbCBtZSBvbiArMSA0MTUtNTU1LTAxMzI8L3A+\r\n\
--inner--\r\n\
--outer\r\n\
Content-Type: application/pdf; name=\"receipt.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQK\r\n\
--outer--\r\n";

#[test]
fn email_headers_and_text_bodies_are_scrubbed_structure_kept() {
    let done = scrub(Format::Eml, EML);
    let out = String::from_utf8(done.output.into_owned()).unwrap();
    assert!(
        out.starts_with("From: [PERSON] <[EMAIL_ADDRESS]>\r\n"),
        "{out}"
    );
    assert!(out.contains("Subject: Refund for card [CREDIT_CARD]\r\n"));
    assert!(!out.contains("4111") && !out.contains("078-05") && !out.contains("maria"));
    // Boundaries, part headers and the attachment are untouched.
    for keep in [
        "--outer\r\nContent-Type: multipart/alternative; boundary=\"inner\"\r\n",
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
        "JVBERi0xLjQK\r\n--outer--\r\n",
    ] {
        assert!(out.contains(keep), "{keep:?} in {out}");
    }
    // The quoted-printable body decodes to the scrubbed text; the base64 one too.
    assert!(
        out.contains("Hi, call me on [PHONE_NUMBER] =E2=80=94 my SSN is [US_SSN]."),
        "{out}"
    );
    let b64 = out
        .split("Content-Transfer-Encoding: base64\r\n\r\n")
        .nth(1)
        .unwrap()
        .split("\r\n--inner--")
        .next()
        .unwrap()
        .trim();
    use base64::Engine as _;
    let html = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    assert_eq!(html, b"<p>Call me on [PHONE_NUMBER]</p>");
    assert!(done
        .problems
        .iter()
        .any(|p| p.message.contains("application/pdf")));
    let fields: Vec<String> = done.hits.iter().filter_map(|h| h.field.clone()).collect();
    assert!(fields.contains(&"header:From".to_string()) && fields.contains(&"body".to_string()));
}

#[test]
fn mbox_messages_are_records() {
    let mbox = "From alice@example.org Mon Jan  1 00:00:00 2024\nFrom: a@b.io\nSubject: hi\n\nmail jane.doe@example.com\n\n\
                From bob@example.org Mon Jan  1 00:00:01 2024\nSubject: card\n\n4111 1111 1111 1111\n";
    let done = scrub(Format::Mbox, mbox);
    let out = String::from_utf8(done.output.into_owned()).unwrap();
    assert!(
        out.starts_with("From [EMAIL_ADDRESS] Mon Jan  1 00:00:00 2024\nFrom: [EMAIL_ADDRESS]\n"),
        "{out}"
    );
    assert!(out.ends_with("Subject: card\n\n[CREDIT_CARD]\n"), "{out}");
    let records: Vec<Option<u64>> = done.hits.iter().map(|h| h.record).collect();
    assert_eq!(records, [Some(1), Some(1), Some(1), Some(2), Some(2)]);
}

#[test]
fn field_policies_match_paths_columns_and_headers() {
    use redactyl_formats::{process_with, FieldPolicy};
    let fields = FieldPolicy::new()
        .skip("$.tickets[*].via.**")
        .redact("$.*.description")
        .skip("Supplied*");
    let done = process_with(
        Format::Json,
        TICKET.as_bytes(),
        &mut Mode::Scrub(redactor()),
        &fields,
    );
    let v: Value = serde_json::from_slice(&done.output).unwrap();
    assert_eq!(v["ticket"]["description"], "[REDACTED]");
    // `$.tickets[*].via.**` does not match `$.ticket.via...`: still scrubbed.
    assert_eq!(
        v["ticket"]["via"]["source"]["from"]["address"],
        "[EMAIL_ADDRESS]"
    );
    let skip_via = FieldPolicy::new().skip("$.ticket.via.**");
    let done = process_with(
        Format::Json,
        TICKET.as_bytes(),
        &mut Mode::Scrub(redactor()),
        &skip_via,
    );
    let v: Value = serde_json::from_slice(&done.output).unwrap();
    assert_eq!(
        v["ticket"]["via"]["source"]["from"]["address"],
        "chen.rossi@hotmail.es"
    );
    assert!(done
        .hits
        .iter()
        .all(|h| !h.field.as_deref().unwrap().starts_with("$.ticket.via")));
    let done = process_with(
        Format::Csv,
        CASES.as_bytes(),
        &mut Mode::Scrub(redactor()),
        &fields,
    );
    let out = String::from_utf8_lossy(&done.output);
    assert!(out.contains(",jane.doe@example.com,"), "{out}");
    assert!(!out.contains("4111"), "{out}");
}
