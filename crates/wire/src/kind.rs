//! What a payload is, told from its first bytes, and the picture size of a
//! JPEG read from its frame header without decoding it.

/// The kind of a payload, by sniffing its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadKind {
    /// Starts with SOI and a marker: `FF D8 FF`.
    Jpeg,
    /// Starts with an Annex-B start code: `00 00 01` or `00 00 00 01`.
    H264,
    /// Anything else.
    Unknown,
}

impl PayloadKind {
    /// Sniffs `data`.
    pub fn sniff(data: &[u8]) -> Self {
        if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Self::Jpeg
        } else if data.starts_with(&[0, 0, 1]) || data.starts_with(&[0, 0, 0, 1]) {
            Self::H264
        } else {
            Self::Unknown
        }
    }

    /// A short lower-case name: `jpeg`, `h264`, `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::H264 => "h264",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for PayloadKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Width and height from a JPEG's SOF segment, walking the marker segments
/// without decoding. `None` when the data is not a JPEG or ends before SOF.
pub fn jpeg_dimensions(data: &[u8]) -> Option<(u16, u16)> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    loop {
        // Skip fill bytes before a marker.
        while *data.get(i)? == 0xFF && *data.get(i + 1)? == 0xFF {
            i += 1;
        }
        if *data.get(i)? != 0xFF {
            return None;
        }
        let marker = *data.get(i + 1)?;
        i += 2;
        match marker {
            // Standalone markers carry no length.
            0x01 | 0xD0..=0xD7 => continue,
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let len = u16::from_be_bytes([*data.get(i)?, *data.get(i + 1)?]) as usize;
        if is_sof(marker) {
            let h = u16::from_be_bytes([*data.get(i + 3)?, *data.get(i + 4)?]);
            let w = u16::from_be_bytes([*data.get(i + 5)?, *data.get(i + 6)?]);
            return Some((w, h));
        }
        if len < 2 {
            return None;
        }
        i += len;
    }
}

/// Whether a payload is a picture by its headers, without decoding: a JPEG
/// whose SOF gives a non-zero size, or H.264 with a coded slice or a
/// parameter set. A receiver hands the sender slot only to pictures, so a
/// stream of `FF D8 FF` scraps cannot hold it.
pub fn is_picture(data: &[u8]) -> bool {
    match PayloadKind::sniff(data) {
        PayloadKind::Jpeg => jpeg_dimensions(data).is_some_and(|(w, h)| w > 0 && h > 0),
        PayloadKind::H264 => crate::nal_units(data).any(|nal| {
            nal.len() >= 2
                && nal[0] & 0x80 == 0
                && crate::NalType::of(nal)
                    .is_some_and(|t| t.is_vcl() || matches!(t, crate::NalType::Sps | crate::NalType::Pps))
        }),
        PayloadKind::Unknown => false,
    }
}

/// SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
fn is_sof(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}
