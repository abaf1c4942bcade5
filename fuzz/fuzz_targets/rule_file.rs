//! The rule-file loader. Even first byte: the input is a whole rule file.
//! Odd first byte: the rest is a user regex in a forbid-pattern rule, which
//! must compile within the size limits (or be refused) and then run over a
//! notice in bounded time.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seloste::engine::Engine;
use seloste::lint::Linter;
use seloste_fuzz::invariants::{check_lint, check_rule_file, regex_rule, SAMPLE};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let src = seloste_fuzz::text(rest);
    let file = if mode % 2 == 1 {
        regex_rule(&src)
    } else {
        src.into_owned()
    };
    if let Ok(rules) = check_rule_file("fuzz.toml", &file) {
        if rules.is_empty() {
            return;
        }
        let linter = Linter {
            engine: Engine::new(rules),
            headings: seloste_fuzz::headings().clone(),
            options: Default::default(),
        };
        let _ = check_lint(&linter, "sample.html", SAMPLE.as_bytes(), None);
    }
});
