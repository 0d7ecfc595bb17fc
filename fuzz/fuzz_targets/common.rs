// Shared by the targets: one engine and key for the whole fuzzing run.

use redactyl::{Engine, EngineBuilder, Operator, Policy, RedactionKey, Redactor};
use std::sync::OnceLock;

/// The built-in rules without the longest credential formats, so that fuzzed inputs of a
/// few kilobytes cross several blocks (the margin is the longest match plus context).
pub fn engine() -> Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        EngineBuilder::new()
            .disable_rules(["pem-private-key", "jwt", "url", "bearer-token"])
            .min_score(0.3)
            .build()
            .expect("built-in rules compile")
    })
    .clone()
}

/// Every operator, keyed ones included.
pub fn redactor(block: usize) -> Redactor {
    let key = RedactionKey::from_hex(&"7e".repeat(32)).expect("key");
    let policy = Policy::new(Operator::Label)
        .with("PERSON", Operator::Pseudonym)
        .with("EMAIL_ADDRESS", Operator::Hash)
        .with("IBAN_CODE", Operator::Encrypt)
        .with("PHONE_NUMBER", Operator::Surrogate)
        .with("CREDIT_CARD", Operator::Surrogate)
        .with("US_SSN", Operator::Remove)
        .with(
            "IP_ADDRESS",
            Operator::Mask {
                ch: '#',
                keep_first: 1,
                keep_last: 1,
            },
        );
    Redactor::builder(engine())
        .policy(policy)
        .key(key)
        .block_size(block)
        .build()
        .expect("redactor")
}
