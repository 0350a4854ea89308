//! Lines a receiver may write back to its sender (protocol.md, section 9).
//!
//! The frame stream only goes from sender to receiver; a classic receiver
//! never writes back. A receiver MAY write one ASCII line before it closes a
//! connection it will not serve, so the sender can say why instead of
//! guessing:
//!
//! ```text
//! CAMWIRE REFUSED busy\n
//! CAMWIRE REFUSED not allowed\n
//! ```
//!
//! Every such line starts with `CAMWIRE `, then an upper-case word naming
//! the message, then free text, and ends with `\n`; at most [`MAX_LINE`]
//! bytes. A sender that does not know a word ignores the line. Reading them
//! is this one module, so every receiver-to-sender message is parsed alike.

use tokio::io::{AsyncRead, AsyncReadExt};

/// The longest line a receiver may write, newline included.
pub const MAX_LINE: usize = 256;

/// The prefix of every receiver-to-sender line.
pub const PREFIX: &str = "CAMWIRE ";

/// One line from the receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// `CAMWIRE REFUSED <reason>`: the receiver will not take frames on this
    /// connection and is closing it.
    Refused(String),
    /// A `CAMWIRE <WORD> ...` line this side does not know; kept whole (without `\n`).
    Other(String),
}

impl Notice {
    /// The line as written on the wire, newline included.
    pub fn to_line(&self) -> String {
        match self {
            Self::Refused(reason) => format!("{PREFIX}REFUSED {}\n", printable(reason)),
            Self::Other(line) => format!("{}\n", printable(line)),
        }
    }

    /// Parses one line (with or without its `\n`); `None` if it is not a camwire line.
    pub fn parse(line: &[u8]) -> Option<Self> {
        let line = std::str::from_utf8(line).ok()?.trim_end_matches(['\n', '\r']);
        let rest = line.strip_prefix(PREFIX)?;
        let (word, text) = rest.split_once(' ').unwrap_or((rest, ""));
        Some(match word {
            "REFUSED" => Self::Refused(printable(text)),
            _ => Self::Other(printable(line)),
        })
    }
}

/// Text safe to log: control characters and non-ASCII become `?`, at most a line long.
fn printable(text: &str) -> String {
    text.chars().take(MAX_LINE).map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).collect()
}

/// What [`read_notice`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// A camwire line.
    Notice(Notice),
    /// The receiver closed its side (or the connection failed) without a line.
    Closed,
    /// Bytes that are not a camwire line: not a camwire receiver speaking.
    Noise,
    /// An HTTP status line (`HTTP/1.1 400 Bad Request`, kept without its line
    /// end): a web server answered, such as cam-recv's own `--http` port.
    Http(String),
}

/// What a line that is not a camwire line says.
fn not_camwire(line: &[u8]) -> Heard {
    match std::str::from_utf8(line) {
        Ok(text) if text.starts_with("HTTP/") => Heard::Http(printable(text.trim_end_matches(['\n', '\r']))),
        _ => Heard::Noise,
    }
}

/// Reads the next line the receiver writes. Bytes past [`MAX_LINE`] without
/// a newline, or a line without the prefix, are [`Heard::Noise`].
pub async fn read_notice<R: AsyncRead + Unpin>(reader: &mut R) -> Heard {
    let mut line = Vec::with_capacity(64);
    let mut byte = [0u8; 1];
    // Byte by byte: a line is tiny, and nothing after its newline is consumed.
    while line.len() < MAX_LINE {
        match reader.read(&mut byte).await {
            Ok(1) => {
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    return Notice::parse(&line).map_or_else(|| not_camwire(&line), Heard::Notice);
                }
            }
            _ if line.is_empty() => return Heard::Closed,
            // Closed inside a line: take what arrived.
            _ => return Notice::parse(&line).map_or_else(|| not_camwire(&line), Heard::Notice),
        }
    }
    Heard::Noise
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_line_round_trips() {
        let n = Notice::Refused("busy".into());
        assert_eq!(n.to_line(), "CAMWIRE REFUSED busy\n");
        assert_eq!(Notice::parse(b"CAMWIRE REFUSED busy\n"), Some(n));
        assert_eq!(Notice::parse(b"CAMWIRE REFUSED not allowed\r\n"), Some(Notice::Refused("not allowed".into())));
    }

    #[test]
    fn unknown_words_are_kept_and_other_text_is_not_a_notice() {
        assert_eq!(Notice::parse(b"CAMWIRE HELLO x\n"), Some(Notice::Other("CAMWIRE HELLO x".into())));
        assert_eq!(Notice::parse(b"HTTP/1.1 400 Bad Request\r\n"), None);
        assert_eq!(Notice::parse(b"CAMWIRE REFUSED \x1b[2Jbad\n"), Some(Notice::Refused("?[2Jbad".into())));
    }

    #[tokio::test]
    async fn reads_a_line_then_stops_at_a_close() {
        let mut input: &[u8] = b"CAMWIRE REFUSED busy\n";
        assert_eq!(read_notice(&mut input).await, Heard::Notice(Notice::Refused("busy".into())));
        assert_eq!(read_notice(&mut input).await, Heard::Closed);
        let mut long: &[u8] = &[b'x'; 1000];
        assert_eq!(read_notice(&mut long).await, Heard::Noise);
        let mut web: &[u8] = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\n";
        assert_eq!(read_notice(&mut web).await, Heard::Http("HTTP/1.1 400 Bad Request".into()));
    }
}
