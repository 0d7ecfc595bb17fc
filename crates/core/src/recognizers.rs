//! Built-in recognizers: detectors written in code for what patterns cannot express. A rule
//! names one with `recognizer = "..."`; its candidates then go through the same context
//! scoring, allow lists, threshold and overlap policy as pattern matches.

use crate::address;
use crate::person::{self, PersonScratch};
use crate::spoken::{self, Kind, SpokenScratch};

/// A built-in recognizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Recognizer {
    /// Person names (gazetteers, capitalisation, cues).
    Person,
    /// Street addresses (house number, street words, unit, locality).
    Address,
    /// Numbers said as words, read as phone numbers, cards or SSNs.
    Spoken(Kind),
}

impl std::str::FromStr for Recognizer {
    type Err = String;

    fn from_str(s: &str) -> Result<Recognizer, String> {
        match s {
            "person" => Ok(Recognizer::Person),
            "address" => Ok(Recognizer::Address),
            "spoken_phone" => Ok(Recognizer::Spoken(Kind::Phone)),
            "spoken_card" => Ok(Recognizer::Spoken(Kind::Card)),
            "spoken_ssn" => Ok(Recognizer::Spoken(Kind::Ssn)),
            other => Err(format!(
                "unknown recognizer '{other}' (known: person, address, spoken_phone, spoken_card, spoken_ssn)"
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
    spoken: SpokenScratch,
    pub(crate) found: Vec<Found>,
}

impl RecognizerScratch {
    /// Forgets what was computed for the previous input (recognizers sharing work on one
    /// input compute it once per scan).
    pub(crate) fn begin(&mut self) {
        self.spoken.reset();
    }
}

impl Recognizer {
    /// The longest span it reports, in bytes.
    pub(crate) fn max_len(self) -> usize {
        match self {
            Recognizer::Person => person::MAX_NAME_LEN,
            Recognizer::Address => address::MAX_ADDRESS_LEN,
            Recognizer::Spoken(_) => spoken::MAX_SPOKEN_LEN,
        }
    }

    /// Builds what the recognizer needs before its first scan (its tables).
    pub(crate) fn prepare(self) {
        if self == Recognizer::Person {
            person::warm();
        }
    }

    /// Finds candidates in `hay` into `s.found` (cleared first).
    pub(crate) fn run(self, hay: &[u8], s: &mut RecognizerScratch) {
        s.found.clear();
        match self {
            Recognizer::Person => person::find(hay, &mut s.person, &mut s.found),
            Recognizer::Address => address::find(hay, &mut s.found),
            Recognizer::Spoken(kind) => spoken::find(hay, kind, &mut s.spoken, &mut s.found),
        }
    }
}
