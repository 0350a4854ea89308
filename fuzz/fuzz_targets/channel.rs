//! The back channel (protocol.md, section 12) on arbitrary bytes: parsing
//! never panics, a message that parses re-encodes to a line that parses the
//! same and fits the limit; the incremental decoder agrees with itself at
//! every cut (an answer once given never changes, an error is never
//! retracted) and never takes more than a line's worth.
#![no_main]

use camwire_wire::channel::{decode, Message, MAX_LINE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = Message::parse(data) {
        let line = m.encode();
        assert!(line.len() <= MAX_LINE, "{line:?}");
        assert_eq!(Message::parse(line.as_bytes()).unwrap(), m);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let line = Message::keyframe(text).encode();
        assert!(Message::parse(line.as_bytes()).is_ok_and(|m| matches!(m, Message::Keyframe { .. })));
    }
    let whole = decode(data);
    if let Ok(Some((_, n))) = &whole {
        assert!(*n <= MAX_LINE && data[n - 1] == b'\n');
    }
    for cut in 0..=data.len().min(MAX_LINE + 1) {
        match decode(&data[..cut]) {
            Ok(None) => {}
            Ok(Some(found)) => assert_eq!(whole.as_ref().ok(), Some(&Some(found))),
            Err(e) => assert_eq!(
                whole.as_ref().err().map(std::mem::discriminant),
                Some(std::mem::discriminant(&e)),
                "an error at {cut} was retracted"
            ),
        }
    }
});
