//! Framed or raw: what the first bytes of a connection say it carries
//! (protocol.md, section 6, "Unframed (raw) input").
//!
//! Tools such as `rpicam-vid -o tcp://` and `ffmpeg -f mjpeg` write bare
//! streams with no length prefixes. Their first bytes can never start a
//! framed stream under the frame limit, so a receiver tells them apart
//! before reading a single frame.

/// How a connection's bytes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Length-prefixed frames: the protocol.
    Framed,
    /// Bare concatenated JPEGs (cut with [`MjpegSplitter`](crate::MjpegSplitter)).
    RawMjpeg,
    /// A bare H.264 Annex-B byte stream (cut with [`AnnexBSplitter`](crate::AnnexBSplitter)).
    RawH264,
}

impl Framing {
    /// Bytes [`Framing::sniff`] needs to decide; fewer (a connection that
    /// closes sooner) are judged as they are.
    pub const SNIFF_LEN: usize = 5;

    /// What the first bytes `head` of a connection say it is, for a
    /// receiver whose largest frame is `max_frame`:
    ///
    /// - `FF D8 FF`: raw MJPEG (as a length, more than 4 GiB - 2 MiB);
    /// - `00 00 00 01` then a byte that is neither `00` nor `FF`: raw H.264
    ///   (a framed first payload of exactly 16 MiB starts with `FF` or `00`);
    /// - `00 00 01 xx`, when that length is over `max_frame`: raw H.264;
    /// - anything else: framed.
    ///
    /// ```
    /// use camwire_wire::{Framing, DEFAULT_MAX_FRAME};
    ///
    /// assert_eq!(Framing::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0], DEFAULT_MAX_FRAME), Framing::RawMjpeg);
    /// assert_eq!(Framing::sniff(&[0x10, 0x27, 0, 0, 0xFF], DEFAULT_MAX_FRAME), Framing::Framed);
    /// ```
    pub fn sniff(head: &[u8], max_frame: usize) -> Self {
        match *head {
            [0xFF, 0xD8, 0xFF, ..] => Self::RawMjpeg,
            [0, 0, 0, 1, nal, ..] if !matches!(nal, 0 | 0xFF) => Self::RawH264,
            [0, 0, 1, b3, ..] if u32::from_le_bytes([0, 0, 1, b3]) as usize > max_frame => Self::RawH264,
            _ => Self::Framed,
        }
    }

    /// True for the unframed layouts.
    pub fn is_raw(self) -> bool {
        self != Self::Framed
    }
}

#[cfg(test)]
mod tests {
    use super::Framing;
    use crate::DEFAULT_MAX_FRAME;

    const MAX: usize = DEFAULT_MAX_FRAME;

    #[test]
    fn bare_jpeg_is_raw_mjpeg() {
        assert_eq!(Framing::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0], MAX), Framing::RawMjpeg);
        assert_eq!(Framing::sniff(&[0xFF, 0xD8, 0xFF], MAX), Framing::RawMjpeg);
    }

    #[test]
    fn bare_annex_b_is_raw_h264() {
        assert_eq!(Framing::sniff(&[0, 0, 0, 1, 0x09, 0xF0], MAX), Framing::RawH264);
        assert_eq!(Framing::sniff(&[0, 0, 0, 1, 0x67], MAX), Framing::RawH264);
        assert_eq!(Framing::sniff(&[0, 0, 1, 0x67, 0x42], MAX), Framing::RawH264);
    }

    #[test]
    fn a_framed_first_frame_of_exactly_16_mib_stays_framed() {
        // Its payload starts with FF (JPEG) or 00 (H.264).
        assert_eq!(Framing::sniff(&[0, 0, 0, 1, 0xFF, 0xD8], MAX), Framing::Framed);
        assert_eq!(Framing::sniff(&[0, 0, 0, 1, 0x00, 0x00], MAX), Framing::Framed);
    }

    #[test]
    fn a_three_byte_start_code_within_the_limit_is_a_length() {
        // 00 00 01 00 is a frame of 65,536 bytes: allowed under a 16 MiB limit.
        assert_eq!(Framing::sniff(&[0, 0, 1, 0, 0xFF], MAX), Framing::Framed);
        assert_eq!(Framing::sniff(&[0, 0, 1, 0, 0xFF], 1024), Framing::RawH264);
    }

    #[test]
    fn ordinary_lengths_and_short_heads_are_framed() {
        assert_eq!(Framing::sniff(&[0x10, 0x27, 0, 0, 0xFF], MAX), Framing::Framed);
        assert_eq!(Framing::sniff(&[0, 0, 0, 0], MAX), Framing::Framed);
        assert_eq!(Framing::sniff(&[], MAX), Framing::Framed);
        // A connection that closes after three bytes is judged without reading past them.
        assert_eq!(Framing::sniff(&[0, 0, 1], MAX), Framing::Framed);
    }

    #[test]
    fn is_raw_is_true_for_the_unframed_layouts() {
        assert!(!Framing::Framed.is_raw());
        assert!(Framing::RawMjpeg.is_raw() && Framing::RawH264.is_raw());
    }
}
