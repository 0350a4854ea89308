//! The JPEG marker walk, written once. Everything in this crate that reads
//! JPEG structure without decoding it (the picture size, capture stamps, the
//! MJPEG splitter) steps from marker to marker with these.
//!
//! ```text
//! FF D8                     SOI, then marker segments:
//! FF xx  len:u16 BE  body   len counts itself, not the marker (len >= 2)
//! FF FF ... FF xx           fill bytes may stand before any marker
//! FF 01, FF D0..D7          TEM and RSTn stand alone, with no length
//! FF DA  len  header        SOS: entropy-coded data follows, up to FF D9 (EOI)
//! ```

/// What stands where a marker is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// `FF marker`, its `FF` at this offset (fill bytes before it passed over).
    At(usize, u8),
    /// A byte other than `FF` at this offset: the structure is broken here.
    Missing(usize),
}

/// The marker at `at`, past any fill bytes; `None` when the data ends first.
pub(crate) fn marker_at(data: &[u8], mut at: usize) -> Option<Marker> {
    while data.get(at) == Some(&0xFF) && data.get(at + 1) == Some(&0xFF) {
        at += 1;
    }
    let (&ff, &marker) = (data.get(at)?, data.get(at + 1)?);
    Some(if ff == 0xFF { Marker::At(at, marker) } else { Marker::Missing(at) })
}

/// TEM and RST0..RST7: markers with no length field.
pub(crate) fn is_standalone(marker: u8) -> bool {
    matches!(marker, 0x01 | 0xD0..=0xD7)
}

/// The length field of the segment whose `FF` is at `at` (it counts its own
/// two bytes); `None` when the data ends first.
pub(crate) fn segment_len(data: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_be_bytes([*data.get(at + 2)?, *data.get(at + 3)?]).into())
}

/// The marker segments of a JPEG's header, after SOI and before SOS:
/// `(offset of the FF, marker, body)`, a standalone marker with an empty
/// body. Ends at SOS, EOI or a second SOI, and where the structure is
/// broken or the data ends inside a segment. Nothing for data without SOI.
pub(crate) fn segments(jpeg: &[u8]) -> impl Iterator<Item = (usize, u8, &[u8])> {
    let mut next = if jpeg.starts_with(&[0xFF, 0xD8]) { 2 } else { jpeg.len() };
    std::iter::from_fn(move || {
        let Marker::At(at, marker) = marker_at(jpeg, next)? else { return None };
        if matches!(marker, 0xD8..=0xDA) {
            return None;
        }
        if is_standalone(marker) {
            next = at + 2;
            return Some((at, marker, &[][..]));
        }
        let len = segment_len(jpeg, at)?;
        let body = jpeg.get(at + 4..(at + 2 + len).max(at + 4))?;
        if len < 2 {
            return None;
        }
        next = at + 2 + len;
        Some((at, marker, body))
    })
}

/// Width and height from a JPEG's SOF segment, walking the marker segments
/// without decoding. `None` when the data is not a JPEG or ends before SOF.
pub fn jpeg_dimensions(data: &[u8]) -> Option<(u16, u16)> {
    let (_, _, sof) = segments(data).find(|&(_, marker, _)| is_sof(marker))?;
    let h = u16::from_be_bytes([*sof.get(1)?, *sof.get(2)?]);
    let w = u16::from_be_bytes([*sof.get(3)?, *sof.get(4)?]);
    Some((w, h))
}

/// SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
fn is_sof(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_passes_fill_bytes_and_standalone_markers_and_stops_at_sos() {
        let jpeg =
            [0xFF, 0xD8, 0xFF, 0xFF, 0xE0, 0, 3, 7, 0xFF, 0xD0, 0xFF, 0xC0, 0, 7, 8, 0, 2, 0, 3, 1, 0xFF, 0xDA, 0, 2];
        let walked: Vec<(usize, u8, &[u8])> = segments(&jpeg).collect();
        assert_eq!(walked, [(3, 0xE0, &[7][..]), (8, 0xD0, &[][..]), (10, 0xC0, &[8, 0, 2, 0, 3][..])]);
        assert_eq!(jpeg_dimensions(&jpeg), Some((3, 2)));
        assert_eq!(segments(&jpeg[2..]).count(), 0, "no SOI");
        assert_eq!(marker_at(&[0xFF, 0xFF, 0x12], 0), Some(Marker::At(1, 0x12)));
        assert_eq!(marker_at(&[0xFF, 0xFF, 0x12, 0x34], 2), Some(Marker::Missing(2)));
    }
}
