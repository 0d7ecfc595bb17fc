//! The `redactyl` binary: exit codes, JSON Lines output, rule checks and evaluation.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_redactyl"))
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn redactyl");
    // A process that exits before reading its input (a bad flag) closes the pipe: not an error.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect()
}

fn temp(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("redactyl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p
}

#[test]
fn clean_input_exits_zero_with_a_summary() {
    let out = run(&["scan", "-"], b"nothing to see here, order 12 shipped\n");
    assert_eq!(out.status.code(), Some(0));
    let l = lines(&out);
    assert_eq!(l.len(), 1);
    assert_eq!(l[0]["type"], "summary");
    assert_eq!(l[0]["findings"], 0);
}

#[test]
fn a_finding_line_has_its_keys_in_order() {
    // Keys in the documented order, `record`, `field` and `value` only when they apply, and
    // JSON escapes in the path and the value.
    let p = temp(
        "keys \"quoted\".jsonl",
        b"{\"n\":1}\n{\"note\":\"mail \\\"jane.doe@example.com\\\" now\"}\n",
    );
    let out = run(&["scan", "--show-values", p.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first = stdout.lines().next().unwrap();
    let score = &lines(&out)[0]["score"];
    let path = serde_json::to_string(p.to_str().unwrap()).unwrap();
    let expected = format!(
        r#"{{"type":"finding","path":{path},"entity":"EMAIL_ADDRESS","start":24,"end":44,"line":2,"score":{score},"rule":"email","record":2,"field":"$.note","value":"jane.doe@example.com"}}"#
    );
    assert_eq!(first, expected);
    assert!(score.as_f64().is_some_and(|s| s > 0.0 && s <= 1.0));
    // Plain text: no record or field, and no value unless asked.
    let out = run(&["scan", "-"], b"jane.doe@example.com");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let score = &lines(&out)[0]["score"];
    assert_eq!(
        stdout.lines().next().unwrap(),
        format!(
            r#"{{"type":"finding","path":"-","entity":"EMAIL_ADDRESS","start":0,"end":20,"line":1,"score":{score},"rule":"email"}}"#
        )
    );
}

#[test]
fn findings_exit_one_without_raw_values() {
    let text = b"hi\nmail jane.doe@example.com or call (415) 555-0132\n";
    let out = run(&["scan"], text);
    assert_eq!(out.status.code(), Some(1));
    let l = lines(&out);
    let f = &l[0];
    assert_eq!(f["type"], "finding");
    assert_eq!(f["path"], "-");
    assert_eq!(f["entity"], "EMAIL_ADDRESS");
    assert_eq!(f["start"], 8);
    assert_eq!(f["end"], 28);
    assert_eq!(f["line"], 2);
    assert_eq!(f["rule"], "email");
    assert!(f.get("value").is_none());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("jane.doe"), "raw PII in output: {stdout}");
    assert_eq!(l[1]["entity"], "PHONE_NUMBER");
    assert_eq!(l[2]["type"], "summary");
    assert_eq!(l[2]["findings"], 2);
}

#[test]
fn a_closed_pipe_is_a_quiet_exit() {
    use std::io::{BufRead, BufReader};
    let big = "mail a@b.io or call 415-555-0132\n".repeat(200_000);
    let f = temp("big.txt", big.as_bytes());
    let mut child = bin()
        .args(["scan", f.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone now.
    let out = child.wait_with_output().unwrap();
    assert!(first.contains("\"finding\""));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn a_large_file_mapped_or_read_gives_the_same_findings() {
    // Over a scan block (2 MiB): mapped into memory by default, read with `--no-mmap`.
    let big = "[09:14] mail a@b.io or call 415-555-0132, card 4111 1111 1111 1111\n".repeat(60_000);
    let f = temp("mapped.txt", big.as_bytes());
    let path = f.to_str().unwrap();
    let mapped = bin().args(["scan", path]).output().unwrap();
    let read = bin().args(["scan", "--no-mmap", path]).output().unwrap();
    assert_eq!(mapped.status.code(), Some(1));
    assert_eq!(read.status.code(), Some(1));
    assert!(mapped.stdout == read.stdout);
    let l = lines(&mapped);
    assert_eq!(l.len(), 3 * 60_000 + 1);
    assert_eq!(l[l.len() - 2]["line"], 60_000);
}

#[test]
fn show_values_opt_in() {
    let out = run(&["scan", "--show-values", "-"], b"jane.doe@example.com");
    assert_eq!(lines(&out)[0]["value"], "jane.doe@example.com");
}

#[test]
fn unreadable_input_exits_two_and_goes_on() {
    let good = temp("good.txt", b"mail a@b.io");
    let out = run(
        &[
            "scan",
            "/nonexistent/redactyl/file.txt",
            good.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let l = lines(&out);
    assert_eq!(l[0]["type"], "error");
    assert_eq!(l[0]["path"], "/nonexistent/redactyl/file.txt");
    assert_eq!(l[1]["type"], "finding");
    assert_eq!(l.last().unwrap()["errors"], 1);
}

#[test]
fn directories_are_walked() {
    let dir = std::env::temp_dir().join(format!("redactyl-cli-dir-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.txt"), b"nothing").unwrap();
    std::fs::write(dir.join("sub/b.txt"), b"SSN 078-05-1123").unwrap();
    let _ = std::os::unix::fs::symlink("/etc/hostname", dir.join("link"));
    let out = run(&["scan", dir.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let l = lines(&out);
    assert_eq!(l[0]["type"], "skipped");
    assert!(l[0]["path"].as_str().unwrap().ends_with("link"));
    assert!(l[1]["path"].as_str().unwrap().ends_with("sub/b.txt"));
    assert_eq!(l.last().unwrap()["files"], 2);
    assert_eq!(l.last().unwrap()["skipped"], 1);
}

#[test]
fn rules_check_and_list() {
    let out = run(&["rules", "check"], b"");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.trim_end().ends_with(" passed, 0 failed"), "{stdout}");

    let out = run(&["rules", "list", "--json"], b"");
    assert_eq!(out.status.code(), Some(0));
    let l = lines(&out);
    assert!(l
        .iter()
        .any(|r| r["id"] == "credit-card" && r["validator"] == "credit_card"));
}

#[test]
fn rules_explain_shows_a_rule() {
    let out = run(&["rules", "explain", "us-ssn"], b"");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("entity      US_SSN"), "{stdout}");
    assert!(stdout.contains("validator   us_ssn: US SSN"), "{stdout}");
    assert!(stdout.contains("social security"), "{stdout}");
    let out = run(&["rules", "explain", "no-such-rule"], b"");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_check_reports_a_failing_example() {
    let f = temp(
        "rules.toml",
        br#"
[[rule]]
id = "ticket"
entity = "TICKET_ID"
patterns = ['\bTCK-\d{6}\b']
examples = ["TCK-12345"]
"#,
    );
    let out = run(&["rules", "check", f.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("FAIL ticket") && stdout.contains("0 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn bad_rule_file_exits_two_naming_file_and_rule() {
    let f = temp(
        "bad.toml",
        b"[[rule]]\nid = \"oops\"\nentity = \"X\"\npatterns = ['(']\n",
    );
    let out = run(&["scan", "--rules", f.to_str().unwrap(), "-"], b"x");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("rule 'oops'"),
        "{err}"
    );
}

#[test]
fn eval_scores_and_writes_predictions() {
    let corpus = temp(
        "corpus.jsonl",
        concat!(
            r#"{"id":"r1","text":"mail a@b.io now","spans":[{"start":5,"end":11,"label":"EMAIL_ADDRESS"}]}"#,
            "\n",
            r#"{"id":"r2","text":"nothing here","spans":[]}"#,
            "\n"
        )
        .as_bytes(),
    );
    let preds = corpus.with_extension("pred.jsonl");
    let out = run(
        &[
            "eval",
            corpus.to_str().unwrap(),
            "--labels",
            "EMAIL_ADDRESS",
            "--write-predictions",
            preds.to_str().unwrap(),
            "--json",
        ],
        b"",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["labels"]["EMAIL_ADDRESS"]["overlap"]["tp"], 1);
    assert_eq!(report["labels"]["EMAIL_ADDRESS"]["overlap"]["fp"], 0);
    let written = std::fs::read_to_string(&preds).unwrap();
    let ids: Vec<String> = written
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["r1", "r2"]);
}

#[test]
fn eval_gates_formats_label_maps_and_other_tools() {
    // Gold calls the e-mail "MAIL"; a label map file renames it.
    let corpus = temp(
        "gated.jsonl",
        concat!(
            r#"{"id":"r1","text":"mail a@b.io now","spans":[{"start":5,"end":11,"label":"MAIL"}]}"#,
            "\n"
        )
        .as_bytes(),
    );
    let map = temp("labels.toml", b"[labels]\nMAIL = \"EMAIL_ADDRESS\"\n");
    let (c, m) = (corpus.to_str().unwrap(), map.to_str().unwrap());
    let pass = run(
        &[
            "eval",
            c,
            "--label-map-file",
            m,
            "--min-f1",
            "EMAIL_ADDRESS=1",
            "--max-leak",
            "0",
        ],
        b"",
    );
    assert_eq!(
        pass.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&pass.stderr)
    );
    let table = String::from_utf8_lossy(&pass.stdout).to_string();
    assert!(table.contains("leak rate 0.0000"), "{table}");
    // Without the map the gold label is MAIL: EMAIL_ADDRESS has a false hit, F1 0.
    let fail = run(
        &[
            "eval",
            c,
            "--min-f1",
            "EMAIL_ADDRESS=0.5",
            "--format",
            "markdown",
        ],
        b"",
    );
    assert_eq!(fail.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&fail.stdout).contains("| EMAIL_ADDRESS | 0 | 1 |"));
    assert!(String::from_utf8_lossy(&fail.stderr).contains("gate failed: EMAIL_ADDRESS F1"));
    // Another tool's predictions, missing half of the address: half the bytes leak.
    let preds = temp(
        "other.jsonl",
        br#"{"id":"r1","spans":[{"start":5,"end":8,"label":"EMAIL_ADDRESS"}]}"#,
    );
    let other = run(
        &[
            "eval",
            c,
            "--label-map",
            "MAIL=EMAIL_ADDRESS",
            "--predictions",
            preds.to_str().unwrap(),
            "--json",
            "--max-leak",
            "0.4",
        ],
        b"",
    );
    assert_eq!(other.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&other.stdout).unwrap();
    assert_eq!(report["coverage"]["gold_bytes"], 6);
    assert_eq!(report["coverage"]["leaked_bytes"], 3);
    let bad = run(&["eval", c, "--min-f1", "EMAIL_ADDRESS"], b"");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn eval_names_a_malformed_corpus_line() {
    let corpus = temp(
        "broken.jsonl",
        b"{\"id\":\"1\",\"text\":\"x\"}\n{not json\n",
    );
    let out = run(&["eval", corpus.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.jsonl:2:"), "{err}");
}

const PII: &[u8] =
    b"Hi, my name is Maria Lopez.\nCard 4111 1111 1111 1111, mail maria.lopez@gmail.com\n";

#[test]
fn scrub_labels_by_default_and_reports_counts_without_values() {
    let out = run(&["scrub"], PII);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Hi, my name is [PERSON].\nCard [CREDIT_CARD], mail [EMAIL_ADDRESS]\n"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let summary: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(summary["findings"], 3);
    assert_eq!(summary["entities"]["CREDIT_CARD"], 1);
    assert!(!err.contains("4111") && !err.contains("Maria"), "{err}");
    // --quiet: nothing on stderr.
    let out = run(&["scrub", "-q", "-"], PII);
    assert!(out.stderr.is_empty());
}

#[test]
fn scrub_to_a_file_is_atomic_and_never_overwrites_its_input() {
    let input = temp("scrub-in.txt", PII);
    let output = input.with_file_name("scrub-out.txt");
    let out = run(
        &[
            "scrub",
            "-q",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&output).unwrap();
    assert!(written.contains("[EMAIL_ADDRESS]"));
    assert_eq!(std::fs::read(&input).unwrap(), PII, "input untouched");
    let leftovers: Vec<_> = std::fs::read_dir(input.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    // The input itself as output: refused, input intact.
    let same = run(
        &[
            "scrub",
            input.to_str().unwrap(),
            "-o",
            input.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(same.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&same.stderr).contains("is the input"));
    assert_eq!(std::fs::read(&input).unwrap(), PII);
    // A failed run (bad policy) leaves an existing output as it was.
    let policy = temp(
        "bad-policy.toml",
        b"[policy.entities]\nPERSON = \"shred\"\n",
    );
    let failed = run(
        &[
            "scrub",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(failed.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&failed.stderr);
    assert!(
        msg.contains("bad-policy.toml") && msg.contains("shred"),
        "{msg}"
    );
    assert_eq!(std::fs::read_to_string(&output).unwrap(), written);
}

#[test]
fn encrypt_then_restore_round_trips_and_a_wrong_key_is_reported() {
    let key = temp("k.hex", format!("{}\n", "ab".repeat(32)).as_bytes());
    let policy = temp(
        "enc.toml",
        b"[policy]\ndefault = \"encrypt\"\n[policy.entities]\nPERSON = \"pseudonym\"\n",
    );
    let k = key.to_str().unwrap();
    let sealed = run(
        &[
            "scrub",
            "-q",
            "--policy",
            policy.to_str().unwrap(),
            "--key-file",
            k,
        ],
        PII,
    );
    assert_eq!(
        sealed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sealed.stderr)
    );
    let text = String::from_utf8_lossy(&sealed.stdout).into_owned();
    assert!(
        text.contains("<PERSON_1>") && text.contains("[enc:CREDIT_CARD:"),
        "{text}"
    );
    assert!(!text.contains("4111") && !text.contains("gmail"));
    let back = run(&["restore", "-q", "--key-file", k], text.as_bytes());
    assert_eq!(back.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&back.stdout),
        "Hi, my name is <PERSON_1>.\nCard 4111 1111 1111 1111, mail maria.lopez@gmail.com\n"
    );
    let other = temp("k2.hex", "cd".repeat(32).as_bytes());
    let wrong = run(
        &["restore", "--key-file", other.to_str().unwrap()],
        text.as_bytes(),
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&wrong.stdout), text);
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("did not open"));
}

#[test]
fn keyed_operators_without_a_key_are_a_clear_error() {
    let policy = temp("hash.toml", b"[policy]\ndefault = \"hash\"\n");
    let mut cmd = bin();
    cmd.env_remove("REDACTYL_KEY")
        .args(["scrub", "--policy", policy.to_str().unwrap()])
        .stdin(Stdio::null());
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no key was given"));
    // A malformed key in the environment is named, not echoed.
    let out = bin()
        .env("REDACTYL_KEY", "not-a-key-secret")
        .args(["scrub", "--policy", policy.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("REDACTYL_KEY") && !msg.contains("not-a-key-secret"),
        "{msg}"
    );
}

#[test]
fn keygen_writes_a_private_key_file_once() {
    let dir = temp("placeholder", b"").with_file_name("keys");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("redactyl.key");
    let out = run(&["keygen", "-o", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0));
    let hex = std::fs::read_to_string(&path).unwrap();
    assert_eq!(hex.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
    let again = run(&["keygen", "-o", path.to_str().unwrap()], b"");
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), hex);
}

#[test]
fn scrub_a_tree_of_structured_files_keeps_structure_and_reports_fields() {
    let root = temp("tree-marker", b"").with_file_name("tree");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("tickets")).unwrap();
    std::fs::write(
        root.join("tickets/1.json"),
        br#"{"id": 1, "requester": {"email": "maria.lopez@gmail.com"}, "body": "call +1 415-555-0132"}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("cases.csv"),
        b"id,email\n7,\"bob.smith@example.org\"\n8,\n",
    )
    .unwrap();
    std::fs::write(
        root.join("bad.jsonl"),
        b"{\"a\": \"x\"}\nnot json jane@example.com\n",
    )
    .unwrap();
    let out = root.with_file_name("tree-out");
    let _ = std::fs::remove_dir_all(&out);
    let r = run(
        &["scrub", root.to_str().unwrap(), "-o", out.to_str().unwrap()],
        b"",
    );
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{err}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("tickets/1.json")).unwrap()).unwrap();
    assert_eq!(json["requester"]["email"], "[EMAIL_ADDRESS]");
    assert_eq!(json["id"], 1);
    assert_eq!(
        std::fs::read_to_string(out.join("cases.csv")).unwrap(),
        "id,email\n7,\"[EMAIL_ADDRESS]\"\n8,\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("bad.jsonl")).unwrap(),
        "{\"a\": \"x\"}\nnot json [EMAIL_ADDRESS]\n"
    );
    // The malformed line is reported on stderr with its line number, without its content.
    assert!(
        err.contains("\"type\":\"problem\"") && err.contains("line 2"),
        "{err}"
    );
    assert!(!err.contains("jane@"), "{err}");
    // Writing into the input tree is refused.
    let inside = root.join("out");
    let r = run(
        &[
            "scrub",
            root.to_str().unwrap(),
            "-o",
            inside.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("inside the input"));
    // Scanning names the JSON path and the CSV column.
    let s = run(&["scan", root.to_str().unwrap()], b"");
    assert_eq!(s.status.code(), Some(1));
    let l = lines(&s);
    let fields: Vec<&str> = l.iter().filter_map(|v| v["field"].as_str()).collect();
    assert!(
        fields.contains(&"$.requester.email") && fields.contains(&"email"),
        "{fields:?}"
    );
}

fn write_tree_for_reports() -> PathBuf {
    let root = temp("reports-marker", b"").with_file_name("reports-tree");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("ticket.json"),
        br#"{"comments": [{"body": "mail maria.lopez@gmail.com"}, {"body": "call +1 415-555-0132 or maria.lopez@gmail.com"}]}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("cases.csv"),
        b"id,email\n1,bob.smith@example.org\n",
    )
    .unwrap();
    std::fs::write(
        root.join("note.txt"),
        b"Card 4111 1111 1111 1111 <script>\n",
    )
    .unwrap();
    root
}

#[test]
fn scan_writes_sarif_and_an_exposure_map_without_values() {
    let root = write_tree_for_reports();
    let sarif = root.with_file_name("reports.sarif");
    let map = root.with_file_name("exposure.json");
    let out = run(
        &[
            "scan",
            root.to_str().unwrap(),
            "--sarif",
            sarif.to_str().unwrap(),
            "--exposure-map",
            map.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(s["version"], "2.1.0");
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    let loc = &results[0]["locations"][0]["physicalLocation"];
    assert!(loc["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("cases.csv"));
    assert_eq!(loc["region"]["startLine"], 2);
    assert!(
        s["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&map).unwrap()).unwrap();
    assert_eq!(m["totals"]["EMAIL_ADDRESS"], 3);
    assert_eq!(m["by_field"]["$.comments[*].body"]["EMAIL_ADDRESS"], 2);
    assert_eq!(m["by_field"]["email"]["EMAIL_ADDRESS"], 1);
    for report in [&sarif, &map] {
        let text = std::fs::read_to_string(report).unwrap();
        for raw in ["maria.lopez", "4111", "555-0132", "bob.smith"] {
            assert!(!text.contains(raw), "{raw} in {}", report.display());
        }
    }
}

/// The HTML exposure map draws itself from the data it embeds: headless Chromium (Debian's
/// `chromium` package) must show the counts. `.ci/run` installs Chromium and runs this test.
#[test]
#[ignore = "needs Debian's chromium (/usr/bin/chromium); .ci/run installs it and runs this"]
fn exposure_html_renders_its_counts_in_headless_chromium() {
    let root = write_tree_for_reports();
    let html = root.with_file_name("exposure.html");
    let out = run(
        &[
            "scan",
            root.to_str().unwrap(),
            "--exposure-html",
            html.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(!page.contains("maria.lopez") && !page.contains("4111"));
    let profile = root.with_file_name("chromium-profile");
    let dom = Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            &format!("file://{}", html.display()),
        ])
        .output()
        .expect("run /usr/bin/chromium");
    let dom = String::from_utf8_lossy(&dom.stdout);
    // Rendered by the page's script: the total on <body>, one bar per entity, the counts.
    assert!(dom.contains("data-rendered=\"5\""), "{dom}");
    assert_eq!(dom.matches("<rect").count(), 3, "{dom}");
    assert!(
        dom.contains("<td>EMAIL_ADDRESS</td><td class=\"n\">3</td>"),
        "{dom}"
    );
    assert!(dom.contains("$.comments[*].body"));
}

#[test]
fn audit_records_and_the_residual_check() {
    use sha2::{Digest, Sha256};
    let input = temp(
        "audit-in.json",
        br#"{"a": "mail maria.lopez@gmail.com", "b": "SSN 078-05-1123"}"#,
    );
    let output = input.with_file_name("audit-out.json");
    let audit = input.with_file_name("audit.jsonl");
    let key = temp("audit.key", "5e".repeat(32).as_bytes());
    let r = run(
        &[
            "scrub",
            "-q",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--audit",
            audit.to_str().unwrap(),
            "--key-file",
            key.to_str().unwrap(),
            "--residual",
        ],
        b"",
    );
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let text = std::fs::read_to_string(&audit).unwrap();
    assert!(
        !text.contains("maria") && !text.contains("078-05"),
        "{text}"
    );
    let rec: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    let hex = |b: &[u8]| {
        Sha256::digest(b)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
    };
    assert_eq!(rec["input_sha256"], hex(&std::fs::read(&input).unwrap()));
    assert_eq!(rec["output_sha256"], hex(&std::fs::read(&output).unwrap()));
    assert_eq!(rec["counts"]["EMAIL_ADDRESS"], 1);
    assert_eq!(rec["findings"][0]["field"], "$.a");
    assert_eq!(
        rec["findings"][0]["fingerprint"].as_str().unwrap().len(),
        16
    );
    assert_eq!(rec["ruleset_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(rec["residual"], 0);
    // A rule that finds the label token itself: the residual check reports it, exit 1.
    let rules = temp(
        "token-rule.toml",
        b"[[rule]]\nid = \"label-token\"\nentity = \"LABEL_TOKEN\"\npatterns = ['\\[EMAIL_ADDRESS\\]']\nscore = 0.9\n",
    );
    let r = run(
        &[
            "scrub",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--residual",
        ],
        b"",
    );
    assert_eq!(r.status.code(), Some(1));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("\"type\":\"residual\"") && err.contains("LABEL_TOKEN"),
        "{err}"
    );
}

#[test]
fn one_config_holds_rules_policy_limits_and_fields() {
    let dir = temp("config-marker", b"").with_file_name("config-case");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("in")).unwrap();
    std::fs::write(
        dir.join("in/t.json"),
        br#"{"url": "https://x.example/?email=jane@example.com", "notes": "vip customer", "body": "ticket TCK-123456 from bob.smith@example.org", "card": 4111111111111111}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("in/big.json"),
        format!("[\"{}\"]", "x".repeat(3000)),
    )
    .unwrap();
    let config = dir.join("redactyl.toml");
    std::fs::write(
        &config,
        "[[rule]]\nid = \"ticket-id\"\nentity = \"TICKET_ID\"\npatterns = ['\\bTCK-\\d{6}\\b']\nscore = 0.9\n\n\
         [policy]\ndefault = \"label\"\n[policy.entities]\nEMAIL_ADDRESS = \"remove\"\n\n\
         [limits]\nmax_file_bytes = 2048\n\n\
         [fields]\nskip = [\"$.url\"]\nredact = [\"$.notes\"]\nscan_numbers = true\n",
    )
    .unwrap();
    let out = dir.join("out");
    let r = run(
        &[
            "scrub",
            dir.join("in").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
        b"",
    );
    // big.json is over the configured limit: refused, exit 2, the rest written.
    assert_eq!(
        r.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(String::from_utf8_lossy(&r.stderr).contains("big.json"));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("t.json")).unwrap()).unwrap();
    assert_eq!(v["url"], "https://x.example/?email=jane@example.com");
    assert_eq!(v["notes"], "[REDACTED]");
    assert_eq!(v["body"], "ticket [TICKET_ID] from ");
    assert_eq!(v["card"], "[CREDIT_CARD]");
    // A bad key in the config is named.
    std::fs::write(&config, "[limits]\nmax_files = 3\n").unwrap();
    let r = run(&["scan", "--config", config.to_str().unwrap(), "-"], b"x");
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("redactyl.toml") && err.contains("max_files"),
        "{err}"
    );
}

#[test]
fn progress_is_off_the_terminal_unless_forced() {
    let root = write_tree_for_reports();
    let root = root.to_str().unwrap();
    // Not a terminal: nothing by default, plain lines when forced, nothing with --quiet.
    let auto = run(&["scan", root], b"");
    assert!(!String::from_utf8_lossy(&auto.stderr).contains("progress:"));
    let forced = run(&["scan", root, "--progress", "always"], b"");
    let err = String::from_utf8_lossy(&forced.stderr);
    assert!(err.contains("progress: 3 files"), "{err}");
    let out = root.to_string() + "-progress-out";
    let quiet = run(
        &["scrub", root, "-o", &out, "-q", "--progress", "always"],
        b"",
    );
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}
