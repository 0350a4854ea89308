//! The back channel (protocol.md, section 12) on arbitrary bytes: parsing
//! never panics, a message that parses re-encodes to a line that parses the
//! same and fits the limit (a report's rate is a finite number); the incremental decoder agrees with itself at
//! every cut (an answer once given never changes, an error is never
//! retracted) and never takes more than a line's worth.
#![no_main]

use camwire_wire::channel::{decode, Message, Report, MAX_LINE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = Message::parse(data) {
        let line = m.encode();
        assert!(line.len() <= MAX_LINE, "{line:?}");
        assert_eq!(Message::parse(line.as_bytes()).unwrap(), m);
        if let Message::Report(r) = m {
            assert!(r.ms > 0 && r.bits_per_second().is_finite() && r.bits_per_second() >= 0.0, "{r:?}");
        }
    }
    // Any numbers make a report line within the limit that reads back the same.
    if data.len() >= 24 {
        let n = |i: usize| u64::from_le_bytes(data[i..i + 8].try_into().unwrap());
        let r = Report {
            ms: (n(0) as u32).max(1),
            frames: (n(0) >> 32) as u32,
            bytes: n(8),
            latency_ms: (n(16) & 1 == 1).then_some((n(16) >> 32) as u32),
        };
        let line = Message::Report(r).encode();
        assert!(line.len() <= MAX_LINE, "{line:?}");
        assert_eq!(Message::parse(line.as_bytes()).unwrap(), Message::Report(r));
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
