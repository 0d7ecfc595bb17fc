//! Slice redaction never panics and accounts for every byte; engine findings are sorted,
//! inside the input and disjoint.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    static R: std::sync::OnceLock<redactyl::Redactor> = std::sync::OnceLock::new();
    let r = R.get_or_init(|| common::redactor(redactyl::DEFAULT_BLOCK));
    let (out, stats) = r.redact_with_stats(data);
    assert_eq!(stats.bytes_in as usize, data.len());
    assert_eq!(stats.bytes_out as usize, out.len());
    if stats.findings() == 0 {
        assert_eq!(&*out, data);
    }
    // Findings through the engine directly: sorted, inside the input, not overlapping.
    let mut last = 0;
    for f in r.engine().find_iter(data) {
        assert!(f.start() >= last && f.start() < f.end() && f.end() <= data.len());
        last = f.end();
    }
});
