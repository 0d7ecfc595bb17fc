//! Stream output equals slice output for fuzzed inputs, block sizes and read sizes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Read;

#[path = "common.rs"]
mod common;

struct Reads<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    i: usize,
}

impl Read for Reads<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let step = if self.sizes.is_empty() {
            1
        } else {
            usize::from(self.sizes[self.i % self.sizes.len()]).max(1) * 3
        };
        self.i += 1;
        let n = step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fuzz_target!(|input: &[u8]| {
    // First bytes: the block size and the read sizes; the rest is the text.
    if input.len() < 3 {
        return;
    }
    let block = usize::from(u16::from_le_bytes([input[0], input[1]])) + 1;
    let n_sizes = usize::from(input[2] % 8);
    let Some(sizes) = input.get(3..3 + n_sizes) else {
        return;
    };
    let data = &input[3 + n_sizes..];
    let slice = common::redactor(block).redact(data).into_owned();
    let mut out = Vec::new();
    common::redactor(block)
        .redact_stream(Reads { data, sizes, i: 0 }, &mut out)
        .expect("stream");
    assert!(out == slice, "stream differs from slice (block {block})");
});
