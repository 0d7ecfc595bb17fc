//! End to end: archives and trees holding every format are scrubbed into archives and trees of
//! the same entries; hostile inputs are refused, reported and do not stop the run.

use redactyl::{Engine, Redactor, ScanOptions};
use redactyl_batch::{Batch, Event, Input, Limits, Summary, Task, HITS_PER_EVENT};
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().unwrap())
}

fn redactor() -> Redactor {
    Redactor::builder(engine().clone()).build().unwrap()
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("redactyl-batch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const JSON: &str = r#"{"ticket": {"id": 7, "requester": {"name": "Maria Lopez", "email": "maria.lopez@gmail.com"}, "comments": [{"body": "card 4111 1111 1111 1111"}]}}"#;
const JSONL: &str = "{\"text\": \"call +1 415-555-0132\"}\n{\"text\": broken jane@example.com\n{\"text\": \"SSN 078-05-1123\"}\n";
const CSV: &str = "id,note,email\n1,\"Refund, please\",bob.smith@example.org\n2,IBAN GB29 NWBK 6016 1331 9268 19,\n";
const VTT: &str = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nAgent: may I have your email?\n\n00:00:03.500 --> 00:00:06.000\nCustomer: it's jane.doe@example.com\n";
const SRT: &str = "1\n00:00:01,000 --> 00:00:02,000\nMy number is +1 415-555-0132\n";
const EML: &str = "From: Maria Lopez <maria.lopez@gmail.com>\nSubject: card\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nMy card is 4111 1111 1111 1111=\n, call +1 415-555-0132\n";
const MBOX: &str = "From a@example.org Mon Jan  1 00:00:00 2024\nFrom: jane.doe@example.com\nSubject: hi\n\n> quoted reply: call +1 415-555-0132\n";
const TSV: &str = "id\tnote\n1\tcard 4111 1111 1111 1111\n";
const TXT: &str = "Agent note: spoke with Maria Lopez, callback +1 415-555-0132.\n";

fn members() -> Vec<(&'static str, Vec<u8>)> {
    let mut inner = zip::ZipWriter::new(Cursor::new(Vec::new()));
    inner
        .start_file("nested/notes.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    inner
        .write_all(b"nested: mail jane.doe@example.com\n")
        .unwrap();
    let nested = inner.finish().unwrap().into_inner();
    vec![
        ("export/ticket.json", JSON.as_bytes().to_vec()),
        ("export/lines.jsonl", JSONL.as_bytes().to_vec()),
        ("export/cases.csv", CSV.as_bytes().to_vec()),
        ("export/call.vtt", VTT.as_bytes().to_vec()),
        ("export/call.srt", SRT.as_bytes().to_vec()),
        ("export/note.txt", TXT.as_bytes().to_vec()),
        ("export/mail.eml", EML.as_bytes().to_vec()),
        ("export/inbox.mbox", MBOX.as_bytes().to_vec()),
        ("export/notes.tsv", TSV.as_bytes().to_vec()),
        ("export/empty.txt", Vec::new()),
        (
            "export/binary.log",
            b"\xff\xfe mail jane@example.com \x00\x01".to_vec(),
        ),
        ("export/inner.zip", nested),
    ]
}

fn tar_gz(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut b = tar::Builder::new(gz);
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Directory);
    h.set_size(0);
    h.set_mode(0o755);
    b.append_data(&mut h, "export/", std::io::empty()).unwrap();
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o640);
        b.append_data(&mut h, name, &data[..]).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

fn zip_of(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in members {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn read_tar_gz(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut a = tar::Archive::new(flate2::read::MultiGzDecoder::new(data));
    a.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            // The name as the header writes it (a directory keeps its trailing slash).
            let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
            let mut v = Vec::new();
            e.read_to_end(&mut v).unwrap();
            (name, v)
        })
        .collect()
}

fn read_zip(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(data)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().to_string(), v)
        })
        .collect()
}

fn run(task: Task<'_>, inputs: &[Input], out: Option<&Path>) -> (Summary, Vec<Event>) {
    let mut events = Vec::new();
    let summary = Batch::new(task)
        .run(inputs, out, &mut |e| events.push(e))
        .unwrap();
    (summary, events)
}

/// Checks a scrubbed member against its original: same shape, nothing found again.
fn check_member(name: &str, before: &[u8], after: &[u8]) {
    let text = String::from_utf8_lossy(after);
    let found: Vec<String> = engine()
        .find_iter(after)
        .map(|f| format!("{} {}", f.entity(), &text[f.range()]))
        .collect();
    // The residual check: nothing left but what the malformed JSONL line made of itself.
    assert!(found.is_empty(), "{name}: {found:?}");
    if name.ends_with(".json") {
        let a: serde_json::Value = serde_json::from_slice(before).unwrap();
        let b: serde_json::Value = serde_json::from_slice(after).unwrap();
        assert_eq!(a["ticket"]["id"], b["ticket"]["id"]);
        assert_eq!(b["ticket"]["requester"]["email"], "[EMAIL_ADDRESS]");
    }
    if name.ends_with(".tsv") {
        let rows = |d: &[u8]| -> Vec<usize> {
            csv::ReaderBuilder::new()
                .delimiter(b'\t')
                .from_reader(d)
                .records()
                .map(|r| r.unwrap().len())
                .collect()
        };
        assert_eq!(rows(before), rows(after));
    }
    if name.ends_with(".csv") {
        let rows = |d: &[u8]| -> Vec<usize> {
            csv::Reader::from_reader(d)
                .records()
                .map(|r| r.unwrap().len())
                .collect()
        };
        assert_eq!(rows(before), rows(after));
    }
    if name.ends_with(".vtt") || name.ends_with(".srt") {
        let timings = |d: &[u8]| -> Vec<String> {
            String::from_utf8_lossy(d)
                .lines()
                .filter(|l| l.contains("-->"))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(timings(before), timings(after));
    }
    if name.ends_with(".jsonl") {
        assert_eq!(text.lines().count(), 3);
        assert!(serde_json::from_str::<serde_json::Value>(text.lines().next().unwrap()).is_ok());
    }
}

#[test]
fn tar_gz_and_zip_of_every_format_come_out_the_same_shape_and_clean() {
    let d = dir("formats");
    let m = members();
    std::fs::write(d.join("export.tar.gz"), tar_gz(&m)).unwrap();
    std::fs::write(d.join("export.zip"), zip_of(&m)).unwrap();
    let r = redactor();
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let inputs = [
        Input::Path(d.join("export.tar.gz")),
        Input::Path(d.join("export.zip")),
    ];
    let (summary, events) = run(Task::Scrub(&r), &inputs, Some(&out));
    assert_eq!(summary.failed, 0, "{events:?}");
    assert_eq!(summary.refused, 0, "{events:?}");
    assert_eq!(summary.files, 2 * (m.len() as u64 - 1 + 1), "{events:?}");
    assert_eq!(
        summary.problems, 2,
        "the malformed JSONL line, once per archive"
    );
    let tgz = read_tar_gz(&std::fs::read(out.join("export.tar.gz")).unwrap());
    let zipped = read_zip(&std::fs::read(out.join("export.zip")).unwrap());
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let want: Vec<String> = m.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(names(&tgz)[0], "export/");
    assert_eq!(names(&tgz)[1..], want[..]);
    assert_eq!(names(&zipped), want);
    for got in [&tgz[1..], &zipped[..]] {
        for ((name, after), (_, before)) in got.iter().zip(&m) {
            if name.ends_with(".zip") {
                let inner = read_zip(after);
                assert_eq!(inner[0].0, "nested/notes.txt");
                assert_eq!(inner[0].1, b"nested: mail [EMAIL_ADDRESS]\n");
            } else {
                check_member(name, before, after);
            }
        }
    }
    // Findings name the member and, inside JSON, the path.
    let json_hit = events.iter().find_map(|e| match e {
        Event::File(f) if f.path.ends_with("export.tar.gz!/export/ticket.json") => Some(f.clone()),
        _ => None,
    });
    let f = json_hit.expect("a report for the JSON member");
    assert!(f
        .hits
        .iter()
        .any(|h| h.field.as_deref() == Some("$.ticket.requester.email")));
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::File(f) if f.path.ends_with("inner.zip!/nested/notes.txt"))));
}

/// A tar whose members' names are written as given (the tar crate refuses to write `..`).
fn raw_tar(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, kind, data) in entries {
        let mut h = tar::Header::new_old();
        let n = name.as_bytes();
        h.as_old_mut().name[..n.len()].copy_from_slice(n);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(*kind);
        if kind.is_symlink() {
            h.set_link_name("/etc/passwd").unwrap();
        }
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

#[test]
fn hostile_archives_are_refused_member_by_member_and_the_run_goes_on() {
    let d = dir("hostile");
    let evil = raw_tar(&[
        (
            "../escape.txt",
            tar::EntryType::Regular,
            b"mail jane@example.com",
        ),
        ("/etc/cron.d/x", tar::EntryType::Regular, b"x"),
        ("link", tar::EntryType::Symlink, b""),
        ("ok.txt", tar::EntryType::Regular, b"mail jane@example.com"),
    ]);
    std::fs::write(d.join("evil.tar"), &evil).unwrap();
    // A zip bomb: 64 MiB of zeros in one member.
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file("zeros.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        z.write_all(&zeros).unwrap();
    }
    z.start_file("fine.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"fine").unwrap();
    std::fs::write(d.join("bomb.zip"), z.finish().unwrap().into_inner()).unwrap();
    // A truncated tar.gz.
    let good = tar_gz(&members());
    std::fs::write(d.join("cut.tar.gz"), &good[..good.len() / 2]).unwrap();
    // A gzip bomb: 300 MiB of zeros in one .gz.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..300 {
        gz.write_all(&zeros).unwrap();
    }
    std::fs::write(d.join("zeros.log.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(d.join("plain.txt"), TXT).unwrap();

    let r = redactor();
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let names = [
        "evil.tar",
        "bomb.zip",
        "cut.tar.gz",
        "zeros.log.gz",
        "plain.txt",
    ];
    let inputs: Vec<Input> = names.iter().map(|n| Input::Path(d.join(n))).collect();
    let (summary, events) = run(Task::Scrub(&r), &inputs, Some(&out));
    let refused: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Refused { path, reason } => Some(format!("{path}: {reason}")),
            _ => None,
        })
        .collect();
    assert!(
        refused
            .iter()
            .any(|r| r.contains("../escape.txt") && r.contains("root")),
        "{refused:?}"
    );
    assert!(
        refused.iter().any(|r| r.contains("/etc/cron.d/x")),
        "{refused:?}"
    );
    assert!(
        refused
            .iter()
            .any(|r| r.contains("link") && r.contains("not followed")),
        "{refused:?}"
    );
    assert!(
        refused
            .iter()
            .any(|r| r.contains("zeros.txt") && r.contains("bomb")),
        "{refused:?}"
    );
    assert!(
        refused
            .iter()
            .any(|r| r.contains("zeros.log") && r.contains("bomb")),
        "{refused:?}"
    );
    assert!(summary.failed >= 1, "the truncated archive: {events:?}");
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::Failed { path, .. } if path.ends_with("cut.tar.gz"))));
    // What could be read is there and scrubbed; nothing refused was copied.
    let evil_out = std::fs::read(out.join("evil.tar")).unwrap();
    let mut a = tar::Archive::new(&evil_out[..]);
    let kept: Vec<(String, Vec<u8>)> = a
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let mut v = Vec::new();
            e.read_to_end(&mut v).unwrap();
            (e.path().unwrap().display().to_string(), v)
        })
        .collect();
    assert_eq!(
        kept,
        [("ok.txt".to_string(), b"mail [EMAIL_ADDRESS]".to_vec())]
    );
    let bomb_out = read_zip(&std::fs::read(out.join("bomb.zip")).unwrap());
    assert_eq!(bomb_out, [("fine.txt".to_string(), b"fine".to_vec())]);
    assert_eq!(
        std::fs::read_to_string(out.join("plain.txt")).unwrap(),
        "Agent note: spoke with [PERSON], callback [PHONE_NUMBER].\n"
    );
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn trees_mirror_and_skip_links() {
    let d = dir("tree");
    let src = d.join("src");
    std::fs::create_dir_all(src.join("a/b")).unwrap();
    std::fs::write(src.join("a/note.txt"), TXT).unwrap();
    std::fs::write(src.join("a/b/ticket.json"), JSON).unwrap();
    std::fs::write(src.join("a/b/archive.tgz"), tar_gz(&members()[..2])).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", src.join("a/passwd")).unwrap();
    let r = redactor();
    let out = d.join("out");
    let (summary, events) = run(Task::Scrub(&r), &[Input::Path(src.clone())], Some(&out));
    assert_eq!(summary.failed, 0, "{events:?}");
    #[cfg(unix)]
    assert_eq!(summary.skipped, 1);
    assert!(std::fs::read_to_string(out.join("a/note.txt"))
        .unwrap()
        .contains("[PERSON]"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("a/b/ticket.json")).unwrap()).unwrap();
    assert_eq!(json["ticket"]["requester"]["name"], "[PERSON]");
    assert_eq!(
        read_tar_gz(&std::fs::read(out.join("a/b/archive.tgz")).unwrap()).len(),
        3
    );
    assert!(!out.join("a/passwd").exists());
    // The input is untouched.
    assert_eq!(
        std::fs::read_to_string(src.join("a/note.txt")).unwrap(),
        TXT
    );
}

#[test]
fn scan_reports_without_writing_and_in_order() {
    let d = dir("scan");
    std::fs::write(d.join("export.tar.gz"), tar_gz(&members())).unwrap();
    let opts = ScanOptions::new();
    let task = Task::Scan {
        engine: engine(),
        options: &opts,
        values: false,
    };
    let (first, events) = run(task, &[Input::Path(d.join("export.tar.gz"))], None);
    let paths: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::File(f) => Some(f.path.rsplit('/').next().unwrap().to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(paths[0], "ticket.json");
    assert_eq!(paths.last().unwrap(), "notes.txt");
    assert!(first.findings > 10, "{first:?}");
    let (second, _) = run(task, &[Input::Path(d.join("export.tar.gz"))], None);
    assert_eq!(first, second);
    assert_eq!(
        std::fs::read_dir(&d).unwrap().count(),
        1,
        "scan writes nothing"
    );
}

#[test]
fn text_longer_than_a_block_is_scanned_in_blocks_as_if_whole() {
    // Scanning streams plain text longer than a block, mapped in place or read into a
    // buffer; what it reports (offsets, lines, values) is what one scan of the whole file
    // finds, alone or inside a tree.
    let d = dir("blocks");
    let line = "[09:14] Customer: card 4111 1111 1111 1111, mail jane.doe@example.com, \
                call +1 415-555-0132, IBAN GB29 NWBK 6016 1331 9268 19 caf\u{e9}\n";
    let block = 64 << 10;
    let text = line.repeat(5 * block / line.len() + 3);
    std::fs::create_dir_all(d.join("tree")).unwrap();
    std::fs::write(d.join("tree/big.txt"), &text).unwrap();
    let want: Vec<(usize, usize, usize, String)> = engine()
        .find_iter(text.as_bytes())
        .map(|f| {
            let line = 1 + text[..f.start()].matches('\n').count();
            (f.start(), f.end(), line, text[f.range()].to_string())
        })
        .collect();
    assert!(want.len() > 5_000);
    let opts = ScanOptions::new();
    let task = Task::Scan {
        engine: engine(),
        options: &opts,
        values: true,
    };
    let runs = [true, false]
        .into_iter()
        .flat_map(|maps| [(maps, d.join("tree/big.txt")), (maps, d.join("tree"))]);
    for (maps, input) in runs {
        let mut events = Vec::new();
        let summary = Batch::new(task)
            .scan_block(block)
            .memory_maps(maps)
            .run(&[Input::Path(input.clone())], None, &mut |e| events.push(e))
            .unwrap();
        // A file given by its own path hands its findings on as they come, a fixed number at
        // a time, ahead of its report, which holds the rest; inside a tree the report holds
        // them all.
        let Some((Event::File(report), parts)) = events.split_last() else {
            panic!("{input:?}: {events:?}");
        };
        let mut hits = Vec::new();
        for e in parts {
            let Event::Hits { path, hits: part } = e else {
                panic!("{input:?}: {e:?}");
            };
            assert_eq!((path, part.len()), (&report.path, HITS_PER_EVENT));
            hits.extend(part);
        }
        let streamed = input.is_file();
        assert_eq!(parts.is_empty(), !streamed, "{input:?}");
        if streamed {
            assert_eq!(parts.len(), (want.len() - 1) / HITS_PER_EVENT);
        }
        hits.extend(&report.hits);
        let got: Vec<(usize, usize, usize, String)> = hits
            .iter()
            .map(|h| (h.start, h.end, h.line, h.value.clone().unwrap()))
            .collect();
        assert!(
            got == want,
            "{input:?}, maps {maps}: {} found, {} whole",
            got.len(),
            want.len()
        );
        assert_eq!(report.bytes, text.len() as u64);
        assert_eq!(summary.findings, want.len() as u64);
        assert_eq!(summary.entities.values().sum::<u64>(), want.len() as u64);
        assert_eq!(summary.files, 1);
    }
}

#[test]
fn limits_are_enforced_and_big_text_streams() {
    let d = dir("limits");
    std::fs::write(
        d.join("big.json"),
        format!("{{\"a\": \"{}\"}}", "x".repeat(5000)),
    )
    .unwrap();
    let big_text = "mail jane.doe@example.com\n".repeat(400);
    std::fs::write(d.join("big.txt"), &big_text).unwrap();
    let nested = zip_of(&[(
        "a.zip",
        zip_of(&[("b.zip", zip_of(&[("c.txt", b"deep".to_vec())]))]),
    )]);
    std::fs::write(d.join("deep.zip"), nested).unwrap();
    let r = redactor();
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let mut events = Vec::new();
    let limits = Limits {
        max_file_bytes: 4096,
        max_depth: 2,
        ..Limits::default()
    };
    let inputs = [
        Input::Path(d.join("big.json")),
        Input::Path(d.join("big.txt")),
        Input::Path(d.join("deep.zip")),
    ];
    let s = Batch::new(Task::Scrub(&r))
        .limits(limits)
        .run(&inputs, Some(&out), &mut |e| events.push(e))
        .unwrap();
    assert_eq!(s.refused, 2, "{events:?}");
    assert!(!out.join("big.json").exists());
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::Refused { reason, .. } if reason.contains("nested deeper"))));
    // Plain text over the limit is streamed, not refused: scrubbed, every finding reported
    // with its line.
    assert_eq!(
        std::fs::read_to_string(out.join("big.txt")).unwrap(),
        "mail [EMAIL_ADDRESS]\n".repeat(400)
    );
    let report = events
        .iter()
        .find_map(|e| match e {
            Event::File(f) if f.path.ends_with("big.txt") => Some(f.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(report.hits.len(), 400);
    assert_eq!(report.hits[399].line, 400);
    assert_eq!(report.bytes, big_text.len() as u64);
}
