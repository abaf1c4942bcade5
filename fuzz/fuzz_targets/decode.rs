//! Bytes to text: BOM, meta charset, UTF-8, UTF-16, Windows-1252, refusals.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seloste::source::{SourceError, SourceText};
use seloste_fuzz::invariants::check_source;

fuzz_target!(|data: &[u8]| {
    match SourceText::decode(data) {
        Ok(s) => check_source(data, &s),
        Err(e) => {
            assert_eq!(SourceText::decode(data).unwrap_err(), e);
            if let SourceError::TooLarge { .. } = e {
                panic!("decode never checks the size");
            }
            assert!(!e.to_string().contains('\n'), "error is not one line: {e}");
        }
    }
});
