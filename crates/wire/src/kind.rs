//! What a payload is, told from its first bytes, and whether it is a
//! picture, from its headers without decoding it.

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

/// Whether a payload is a picture by its headers, without decoding: a JPEG
/// whose SOF gives a non-zero size, or H.264 with a coded slice or a
/// parameter set. A receiver hands the sender slot only to pictures, so a
/// stream of `FF D8 FF` scraps cannot hold it.
pub fn is_picture(data: &[u8]) -> bool {
    match PayloadKind::sniff(data) {
        PayloadKind::Jpeg => crate::jpeg_dimensions(data).is_some_and(|(w, h)| w > 0 && h > 0),
        PayloadKind::H264 => crate::nal_units(data).any(|nal| {
            nal.len() >= 2
                && nal[0] & 0x80 == 0
                && crate::NalType::of(nal)
                    .is_some_and(|t| t.is_vcl() || matches!(t, crate::NalType::Sps | crate::NalType::Pps))
        }),
        PayloadKind::Unknown => false,
    }
}
