//! How bytes a peer sent are shown in a log line or an error: the protocol's
//! text lines (the secret handshake, the camera hello) and the first bytes of
//! what was not one.

/// The first bytes of `data` for a log line: text when printable, hex otherwise.
pub fn preview(data: &[u8]) -> String {
    let head = &data[..data.len().min(24)];
    if head.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        format!("{:?}", String::from_utf8_lossy(head))
    } else {
        head.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
    }
}
