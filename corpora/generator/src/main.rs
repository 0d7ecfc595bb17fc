//! `redactyl-corpus-gen`: writes the project's labelled corpora and benchmark text.
//!
//! ```text
//! redactyl-corpus-gen corpus --split dev  --records 600 --out corpora/support_dev.jsonl
//! redactyl-corpus-gen corpus --split test --records 600 --out corpora/support_test.jsonl
//! redactyl-corpus-gen bench --bytes 10000000 --out corpora/bench/support.txt
//! ```
#![forbid(unsafe_code)]

use redactyl_corpus_gen::{bench_text, write_corpus};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |flag: &str| -> Option<String> {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let usage = "usage: redactyl-corpus-gen corpus --split dev|test --records N --out FILE\n       redactyl-corpus-gen bench --bytes N --out FILE";
    let result = match args.get(1).map(String::as_str) {
        Some("corpus") => {
            let split = get("--split").unwrap_or_else(|| "dev".into());
            let records = get("--records").and_then(|n| n.parse().ok()).unwrap_or(600);
            let out = get("--out").unwrap_or_else(|| format!("corpora/support_{split}.jsonl"));
            write_corpus(&split, records, &out)
        }
        Some("bench") => {
            let bytes = get("--bytes")
                .and_then(|n| n.parse().ok())
                .unwrap_or(10_000_000);
            let out = get("--out").unwrap_or_else(|| "corpora/bench/support.txt".into());
            if let Some(dir) = std::path::Path::new(&out).parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            std::fs::write(&out, bench_text(bytes))
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("redactyl-corpus-gen: {e}");
        std::process::exit(2);
    }
}
