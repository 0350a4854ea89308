//! The optional sender handshake (protocol.md, section 8) on arbitrary bytes:
//! parsing a line never panics and what parses re-encodes to the same line;
//! the receiver's side never admits a peer that did not answer with the
//! secret's MAC, and the sender's side only goes on after a challenge and OK.
#![no_main]

use camwire_wire::handshake::{self, Line, Secret, MAX_LINE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(line) = Line::parse(data) {
        if data.len() < MAX_LINE {
            assert_eq!(Line::parse(&line.encode()).unwrap(), line);
        }
    }
    let secret = Secret::new(b"fuzzing-secret-0123456789", "fuzz").unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    // The peer's bytes are `data`; what we write goes nowhere.
    let mut peer = tokio::io::join(data, tokio::io::sink());
    let admitted = rt.block_on(handshake::challenge(&mut peer, &secret, [0x5A; 32]));
    assert!(admitted.is_err(), "admitted a sender that cannot know the secret");
    let mut peer = tokio::io::join(data, tokio::io::sink());
    if rt.block_on(handshake::answer(&mut peer, &secret)).is_ok() {
        assert!(data.starts_with(b"CAMWIRE CHALLENGE hmac-sha256 "));
    }
});
