//! The optional back channel (protocol.md, section 12): small ASCII lines a
//! receiver writes to a sender that offered to take them, so the receiver
//! can ask instead of the sender guessing.
//!
//! ```text
//! sender -> receiver   CAMWIRE HELLO name=garden channel=1\n   (then frames)
//! receiver -> sender   CAMWIRE CHANNEL v=1\n                   (it will use the channel)
//! receiver -> sender   CAMWIRE KEYFRAME why=viewer\n           (send a keyframe now)
//! ```
//!
//! The sender offers the channel with the hello key [`OFFER_KEY`]; a
//! receiver that does not know the key ignores it (section 11), so the
//! offer costs nothing. Every message is one line `CAMWIRE <WORD>`, then
//! fields `KEY=VALUE` each after one space, then `\n`, at most
//! [`MAX_LINE`] bytes of printable ASCII, in the form of the receiver's
//! other lines (section 9). A side that does not know a word, or a key,
//! ignores it: either end may be newer.
//!
//! [`Message::parse`] reads one line; [`decode`] cuts lines from the bytes
//! read so far without I/O ("not enough yet" is `Ok(None)`) and never looks
//! past [`MAX_LINE`] bytes.

use crate::preview::preview;

/// The longest line, newline included (as for every `CAMWIRE` line).
pub const MAX_LINE: usize = 256;

/// The hello key a sender offers the channel with: `channel=1`.
pub const OFFER_KEY: &str = "channel";

/// The version of the channel this side speaks (the value of `channel=`
/// and of the answer's `v=`).
pub const VERSION: u32 = 1;

/// The longest value of a `why=` field.
pub const MAX_WHY: usize = 32;

/// One receiver-to-sender message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// `CAMWIRE CHANNEL v=<n>`: the receiver took the offer and speaks
    /// version `n`. Its first line on the channel.
    Channel {
        /// The version.
        version: u32,
    },
    /// `CAMWIRE KEYFRAME[ why=<word>]`: send a picture a decoder can start
    /// from (an IDR with its SPS and PPS) as soon as possible. `why` says who
    /// needs it, for the log (`viewer`, `record`, `publish`, `decoder`).
    Keyframe {
        /// Who needs it: 1 to [`MAX_WHY`] of `a-z`, `0-9`, `_`, `-`.
        why: Option<String>,
    },
    /// `CAMWIRE PING t1=<us>`: the receiver's clock, in microseconds since
    /// the Unix epoch, as it wrote the line. The sender answers in the next
    /// frame it sends, with a clock reply beside the capture stamp
    /// ([`crate::stamp::ClockReply`]).
    Ping {
        /// The receiver's time.
        t1: u64,
    },
    /// `CAMWIRE REPORT ms=<n> frames=<n> bytes=<n>[ latency=<ms>]`: what
    /// reached the receiver over the last `ms` milliseconds, and the highest
    /// capture-to-arrival latency among those frames (on the receiver's
    /// clock, corrected by its clock estimate; absent while it has none).
    /// The sender fits its stream to what the link carries by it.
    Report(Report),
    /// A `CAMWIRE` line this side does not know; kept (printable, without `\n`).
    Other(String),
}

/// What reached a receiver over an interval (`CAMWIRE REPORT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Report {
    /// The interval, milliseconds (at least 1).
    pub ms: u32,
    /// Whole frames received in it.
    pub frames: u32,
    /// Bytes of those frames (payloads and their headers).
    pub bytes: u64,
    /// The highest capture-to-arrival latency among them, milliseconds.
    pub latency_ms: Option<u32>,
}

impl Report {
    /// What the link carried to the receiver, bits per second.
    pub fn bits_per_second(&self) -> f64 {
        self.bytes as f64 * 8000.0 / f64::from(self.ms.max(1))
    }
}

/// What is wrong with a channel line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// The line does not start with `CAMWIRE `.
    #[error("a back-channel line starts with \"CAMWIRE \", not {0}")]
    NotCamwire(String),
    /// No newline within [`MAX_LINE`] bytes.
    #[error("no end of line within the {max} bytes a back-channel line may have")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A byte that is neither printable ASCII nor the final newline.
    #[error("byte {byte:#04x} at offset {at} of a back-channel line is not printable ASCII")]
    NotPrintable {
        /// Its offset in the line.
        at: usize,
        /// The byte.
        byte: u8,
    },
}

const PREFIX: &[u8] = b"CAMWIRE ";

impl Message {
    /// A keyframe request, saying who needs it (a word made safe, cut to [`MAX_WHY`]).
    pub fn keyframe(why: &str) -> Self {
        let why: String = why
            .chars()
            .map(|c| c.to_ascii_lowercase())
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .take(MAX_WHY)
            .collect();
        Self::Keyframe { why: (!why.is_empty()).then_some(why) }
    }

    /// The line as written on the wire, newline included.
    pub fn encode(&self) -> String {
        match self {
            Self::Channel { version } => format!("CAMWIRE CHANNEL v={version}\n"),
            Self::Keyframe { why: Some(why) } => format!("CAMWIRE KEYFRAME why={why}\n"),
            Self::Keyframe { why: None } => "CAMWIRE KEYFRAME\n".to_string(),
            Self::Ping { t1 } => format!("CAMWIRE PING t1={t1}\n"),
            Self::Report(Report { ms, frames, bytes, latency_ms: Some(l) }) => {
                format!("CAMWIRE REPORT ms={ms} frames={frames} bytes={bytes} latency={l}\n")
            }
            Self::Report(Report { ms, frames, bytes, latency_ms: None }) => {
                format!("CAMWIRE REPORT ms={ms} frames={frames} bytes={bytes}\n")
            }
            Self::Other(line) => format!("{line}\n"),
        }
    }

    /// Parses one line, with or without its `\n`. A known word with fields
    /// it does not know (or fields that do not parse) is still that word:
    /// a newer side may add fields.
    pub fn parse(line: &[u8]) -> Result<Self, ChannelError> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        if line.len() >= MAX_LINE {
            return Err(ChannelError::TooLong { max: MAX_LINE });
        }
        let Some(rest) = line.strip_prefix(PREFIX) else { return Err(ChannelError::NotCamwire(preview(line))) };
        if let Some(at) = line.iter().position(|b| !(0x20..=0x7E).contains(b)) {
            return Err(ChannelError::NotPrintable { at, byte: line[at] });
        }
        // Printable ASCII, checked above.
        let rest = std::str::from_utf8(rest).unwrap_or_default();
        let mut parts = rest.split(' ');
        let word = parts.next().unwrap_or_default();
        let fields = || parts.clone().filter_map(|f| f.split_once('='));
        let field = |key: &str| fields().find(|(k, _)| *k == key).map(|(_, v)| v);
        Ok(match word {
            "CHANNEL" => match field("v").and_then(|v| v.parse().ok()) {
                Some(version) if version > 0 => Self::Channel { version },
                _ => Self::Other(format!("CAMWIRE {rest}")),
            },
            "KEYFRAME" => {
                let why = field("why").filter(|w| !w.is_empty() && w.len() <= MAX_WHY && w.bytes().all(is_word_byte));
                Self::Keyframe { why: why.map(str::to_string) }
            }
            "PING" => {
                match field("t1").filter(|v| v.bytes().all(|b| b.is_ascii_digit())).and_then(|v| v.parse().ok()) {
                    Some(t1) => Self::Ping { t1 },
                    None => Self::Other(format!("CAMWIRE {rest}")),
                }
            }
            "REPORT" => {
                let number = |key: &str| field(key).filter(|v| v.bytes().all(|b| b.is_ascii_digit()));
                let (ms, frames, bytes) = (
                    number("ms").and_then(|v| v.parse().ok()).filter(|ms| *ms > 0),
                    number("frames").and_then(|v| v.parse().ok()),
                    number("bytes").and_then(|v| v.parse().ok()),
                );
                match (ms, frames, bytes) {
                    (Some(ms), Some(frames), Some(bytes)) => {
                        let latency_ms = number("latency").and_then(|v| v.parse().ok());
                        Self::Report(Report { ms, frames, bytes, latency_ms })
                    }
                    _ => Self::Other(format!("CAMWIRE {rest}")),
                }
            }
            _ => Self::Other(format!("CAMWIRE {rest}")),
        })
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
}

/// Whether a hello's `channel` value offers a version this side speaks:
/// a decimal number of at least 1 (a newer sender may offer more; the
/// receiver answers with the version it speaks, at most the offer).
pub fn offered(value: Option<&str>) -> Option<u32> {
    value.and_then(|v| v.parse::<u32>().ok()).filter(|v| *v >= 1).map(|v| v.min(VERSION))
}

/// Cuts the first line from `buf`: `Ok(None)` while its newline has not
/// arrived, `Ok(Some((message, n)))` once it has (the line was the first
/// `n` bytes). A line with no newline in its first [`MAX_LINE`] bytes, or
/// with a byte that is not printable, is an error as soon as it is in
/// `buf` (a line not starting `CAMWIRE ` as soon as a byte differs).
/// Never reads past `MAX_LINE` bytes.
pub fn decode(buf: &[u8]) -> Result<Option<(Message, usize)>, ChannelError> {
    let seen = &buf[..buf.len().min(MAX_LINE)];
    match seen.iter().position(|&b| b == b'\n') {
        Some(end) => Ok(Some((Message::parse(&seen[..end])?, end + 1))),
        None => {
            let n = seen.len().min(PREFIX.len());
            if seen[..n] != PREFIX[..n] {
                return Err(ChannelError::NotCamwire(preview(seen)));
            }
            if let Some(at) = seen.iter().position(|b| !(0x20..=0x7E).contains(b)) {
                return Err(ChannelError::NotPrintable { at, byte: seen[at] });
            }
            if seen.len() == MAX_LINE {
                return Err(ChannelError::TooLong { max: MAX_LINE });
            }
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_byte_for_byte() {
        for (message, line) in [
            (Message::Channel { version: 1 }, "CAMWIRE CHANNEL v=1\n"),
            (Message::keyframe("viewer"), "CAMWIRE KEYFRAME why=viewer\n"),
            (Message::Keyframe { why: None }, "CAMWIRE KEYFRAME\n"),
            (Message::Ping { t1: 1_732_270_000_123_456 }, "CAMWIRE PING t1=1732270000123456\n"),
            (
                Message::Report(Report { ms: 500, frames: 15, bytes: 61_440, latency_ms: Some(84) }),
                "CAMWIRE REPORT ms=500 frames=15 bytes=61440 latency=84\n",
            ),
            (
                Message::Report(Report { ms: 500, frames: 0, bytes: 0, latency_ms: None }),
                "CAMWIRE REPORT ms=500 frames=0 bytes=0\n",
            ),
        ] {
            assert_eq!(message.encode(), line);
            assert_eq!(Message::parse(line.as_bytes()).unwrap(), message);
            assert_eq!(decode(line.as_bytes()).unwrap(), Some((message, line.len())));
        }
    }

    #[test]
    fn unknown_words_and_fields_are_kept_or_ignored_so_either_end_can_be_newer() {
        assert_eq!(
            Message::parse(b"CAMWIRE STATS frames=30 bytes=9000\n").unwrap(),
            Message::Other("CAMWIRE STATS frames=30 bytes=9000".into())
        );
        // A report without its interval cannot be read as a rate; a newer field is ignored.
        assert_eq!(
            Message::parse(b"CAMWIRE REPORT frames=30 bytes=9000\n").unwrap(),
            Message::Other("CAMWIRE REPORT frames=30 bytes=9000".into())
        );
        assert_eq!(
            Message::parse(b"CAMWIRE REPORT ms=1000 frames=30 bytes=9000 latency=-3 queue=2\n").unwrap(),
            Message::Report(Report { ms: 1000, frames: 30, bytes: 9000, latency_ms: None })
        );
        assert_eq!(Message::parse(b"CAMWIRE KEYFRAME why=viewer layer=2 x\n").unwrap(), Message::keyframe("viewer"));
        assert_eq!(Message::parse(b"CAMWIRE KEYFRAME why=BAD!\n").unwrap(), Message::Keyframe { why: None });
        assert_eq!(Message::parse(b"CAMWIRE CHANNEL v=0\n").unwrap(), Message::Other("CAMWIRE CHANNEL v=0".into()));
    }

    #[test]
    fn lines_are_cut_at_every_split_point_and_bad_bytes_fail_at_once() {
        let two = b"CAMWIRE CHANNEL v=1\nCAMWIRE KEYFRAME\n";
        for split in 0..=two.len() {
            let first = decode(&two[..split]).unwrap();
            if split < 20 {
                assert_eq!(first, None, "split {split}");
            } else {
                assert_eq!(first, Some((Message::Channel { version: 1 }, 20)));
            }
        }
        assert!(matches!(decode(b"CAMWIRE K\x00"), Err(ChannelError::NotPrintable { at: 9, byte: 0 })));
        assert!(matches!(decode(b"HTTP/1.1"), Err(ChannelError::NotCamwire(_))));
        assert!(matches!(decode(&[b'C'; 10][..]), Err(ChannelError::NotCamwire(_))));
        let mut long = b"CAMWIRE ".to_vec();
        long.resize(MAX_LINE, b'x');
        assert_eq!(decode(&long), Err(ChannelError::TooLong { max: MAX_LINE }));
        long.truncate(MAX_LINE - 1);
        assert_eq!(decode(&long), Ok(None));
    }

    #[test]
    fn a_keyframe_reason_is_made_safe() {
        assert_eq!(Message::keyframe("New Viewer!"), Message::Keyframe { why: Some("newviewer".into()) });
        assert_eq!(Message::keyframe("!!"), Message::Keyframe { why: None });
        assert_eq!(Message::keyframe(&"a".repeat(99)).encode().len(), "CAMWIRE KEYFRAME why=\n".len() + MAX_WHY);
    }

    #[test]
    fn an_offer_is_a_version_of_at_least_one() {
        assert_eq!(offered(Some("1")), Some(1));
        assert_eq!(offered(Some("7")), Some(VERSION));
        assert_eq!(offered(Some("0")), None);
        assert_eq!(offered(Some("yes")), None);
        assert_eq!(offered(None), None);
    }
}
