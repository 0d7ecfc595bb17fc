//! Integration tests of the engine: every rule's examples, the public API's invariants.

use proptest::prelude::*;
use redactyl::{Engine, EngineBuilder, Finding, ScanOptions};

fn engine() -> Engine {
    Engine::builtin().expect("built-in rules compile")
}

#[test]
fn every_rule_example_behaves() {
    let e = engine();
    let failures = e.check_examples();
    assert!(e.example_count() > 100);
    assert!(failures.is_empty(), "{failures:#?}");
}
