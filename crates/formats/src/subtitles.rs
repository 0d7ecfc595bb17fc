//! WebVTT and SRT: the text of each cue (and WebVTT notes) is a unit; headers, cue ids,
//! timing lines and settings stay as they are.

use crate::{Encoding, Format, Unit};

fn blank(input: &[u8], line: (usize, usize, usize)) -> bool {
    input[line.0..line.1].iter().all(u8::is_ascii_whitespace)
}

/// The cue texts (and notes) of a subtitle file. A block is the lines between blank lines;
/// its text is everything after its timing line (`-->`). WebVTT `NOTE` blocks are text too;
/// `STYLE` and `REGION` blocks and the header are not.
pub(crate) fn units(input: &[u8], format: Format) -> Vec<Unit> {
    let lines = crate::lines(input, 0, input.len());
    let mut units = Vec::new();
    let mut cue = 0u64;
    let mut k = 0;
    while k < lines.len() {
        if blank(input, lines[k]) {
            k += 1;
            continue;
        }
        let first = k;
        while k < lines.len() && !blank(input, lines[k]) {
            k += 1;
        }
        let block = &lines[first..k];
        let text_of = |from: usize| {
            let (start, end) = (block[from].0, block[block.len() - 1].1);
            (start < end).then_some(start..end)
        };
        let head = &input[block[0].0..block[0].1];
        if format == Format::WebVtt && head.starts_with(b"NOTE") {
            if let Some(range) = text_of(0) {
                units.push(Unit {
                    range,
                    encoding: Encoding::Raw,
                    record: None,
                    field: Some("note".to_string()),
                });
            }
            continue;
        }
        let timing = block
            .iter()
            .position(|&(s, e, _)| input[s..e].windows(3).any(|w| w == b"-->"));
        if let Some(t) = timing {
            cue += 1;
            if t + 1 < block.len() {
                if let Some(range) = text_of(t + 1) {
                    units.push(Unit {
                        range,
                        encoding: Encoding::Raw,
                        record: Some(cue),
                        field: Some("cue".to_string()),
                    });
                }
            }
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_text_only() {
        let vtt = "WEBVTT\n\nNOTE agent Maria\n\n1\n00:00:01.000 --> 00:00:04.000 align:start\n\
                   Hi, my name is John\nSmith.\n\n00:00:05.000 --> 00:00:06.000\n- ok\n";
        let u = units(vtt.as_bytes(), Format::WebVtt);
        let texts: Vec<&str> = u.iter().map(|u| &vtt[u.range.clone()]).collect();
        assert_eq!(
            texts,
            ["NOTE agent Maria", "Hi, my name is John\nSmith.", "- ok"]
        );
        assert_eq!(u[2].record, Some(2));
        let srt = "1\r\n00:00:01,000 --> 00:00:02,000\r\nCall 415-555-0132\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\n\r\n";
        let u = units(srt.as_bytes(), Format::Srt);
        assert_eq!(u.len(), 1);
        assert_eq!(&srt[u[0].range.clone()], "Call 415-555-0132");
    }
}
