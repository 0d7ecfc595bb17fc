//! Built-in recognizers: detectors written in code for what patterns cannot express. A rule
//! names one with `recognizer = "..."`; its candidates then go through the same context
//! scoring, allow lists, threshold and overlap policy as pattern matches.

use crate::address;
use crate::person::{self, PersonScratch};

/// A built-in recognizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Recognizer {
    /// Person names (gazetteers, capitalisation, cues).
    Person,
    /// Street addresses (house number, street words, unit, locality).
    Address,
}

impl std::str::FromStr for Recognizer {
    type Err = String;

    fn from_str(s: &str) -> Result<Recognizer, String> {
        match s {
            "person" => Ok(Recognizer::Person),
            "address" => Ok(Recognizer::Address),
            other => Err(format!(
                "unknown recognizer '{other}' (known: person, address)"
            )),
        }
    }
}

/// A candidate from a recognizer: span and score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    pub score: f32,
}

/// Buffers the recognizers reuse between scans.
#[derive(Default, Debug)]
pub(crate) struct RecognizerScratch {
    person: PersonScratch,
    pub(crate) found: Vec<Found>,
}

impl Recognizer {
    /// The longest span it reports, in bytes.
    pub(crate) fn max_len(self) -> usize {
        match self {
            Recognizer::Person => person::MAX_NAME_LEN,
            Recognizer::Address => address::MAX_ADDRESS_LEN,
        }
    }

    /// Finds candidates in `hay` into `s.found` (cleared first).
    pub(crate) fn run(self, hay: &[u8], s: &mut RecognizerScratch) {
        s.found.clear();
        match self {
            Recognizer::Person => person::find(hay, &mut s.person, &mut s.found),
            Recognizer::Address => address::find(hay, &mut s.found),
        }
    }
}
