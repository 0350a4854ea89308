//! The camera hello (protocol.md, section 11) on arbitrary bytes: parsing
//! never panics, a hello that parses re-encodes to a line that parses the
//! same; the incremental decoder agrees with itself at every cut (an answer
//! once given never changes, an error is never retracted) and never takes
//! more than a line's worth; and read_hello leaves every byte after the line.
#![no_main]

use bytes::BytesMut;
use camwire_wire::hello::{self, decode, read_hello, CameraName, Hello, MAX_LINE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = Hello::parse(data) {
        let line = h.encode();
        assert!(line.len() <= MAX_LINE);
        assert_eq!(Hello::parse(&line).unwrap(), h);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(name) = CameraName::made_safe(text) {
            assert_eq!(CameraName::new(name.as_str()).unwrap(), name);
        }
    }
    let whole = decode(data);
    if let Ok(Some((_, n))) = &whole {
        assert!(*n <= MAX_LINE && data[n - 1] == b'\n');
    }
    for cut in 0..=data.len().min(MAX_LINE + 1) {
        match decode(&data[..cut]) {
            Ok(None) => {}
            Ok(Some(found)) => assert_eq!(whole.as_ref().ok(), Some(&Some(found))),
            // The same error (its text may show more of the line).
            Err(e) => assert_eq!(
                whole.as_ref().err().map(std::mem::discriminant),
                Some(std::mem::discriminant(&e)),
                "an error at {cut} was retracted"
            ),
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let mut reader = data;
    let mut head = BytesMut::new();
    match rt.block_on(read_hello(&mut reader, &mut head)) {
        Ok(Some(h)) => {
            let (found, n) = whole.unwrap().unwrap();
            assert_eq!(found, h);
            assert_eq!([&head[..], reader].concat(), &data[n..], "bytes after the hello were lost");
        }
        Ok(None) => {
            assert!(!hello::starts_with_line(data));
            assert_eq!([&head[..], reader].concat(), data);
        }
        Err(_) => assert!(hello::starts_with_line(data)),
    }
});
