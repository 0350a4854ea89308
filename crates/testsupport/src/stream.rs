//! Streams written by hand, as a raw or hostile peer writes them.

/// Frames `payload` as the protocol does: u32 little-endian length, then the bytes.
pub fn framed(payload: &[u8]) -> Vec<u8> {
    let mut out = (payload.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(payload);
    out
}
