//! Any rule file either compiles or is refused with an error; a compiled engine scans its
//! own source text and its examples without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let built = redactyl::EngineBuilder::new()
        .builtin(false)
        .add_rules_toml("fuzz.toml", text)
        .and_then(|b| b.build());
    if let Ok(engine) = built {
        let _ = engine.find_iter(data).count();
        let _ = engine.check_examples();
        let _ = redactyl::Policy::from_toml("fuzz.toml", text);
    }
});
