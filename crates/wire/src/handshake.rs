//! The optional sender handshake (protocol.md, "Who may send"): before the first
//! frame, a receiver that holds a secret proves that the sender holds it too.
//!
//! ```text
//! receiver -> sender   CAMWIRE CHALLENGE hmac-sha256 <nonce: 64 hex digits>\n
//! sender -> receiver   CAMWIRE RESPONSE <HMAC-SHA256(secret, "camwire-auth-v1:" || nonce): 64 hex digits>\n
//! receiver -> sender   CAMWIRE OK\n                 (then frames flow as in section 1)
//!                  or  CAMWIRE REFUSED <reason>\n   (then the receiver closes)
//! ```
//!
//! Every message is one ASCII line of at most [`MAX_LINE`] bytes. Each side
//! writes one line and waits for the other's, so no reader takes a byte of
//! the frame stream that follows. The receiver's lines are read as every
//! receiver-to-sender line is ([`crate::notice`]); `CAMWIRE REFUSED` is
//! that module's, written by the receiver's refusal path.
//! The secret itself never crosses the wire, and the MAC is checked in
//! constant time.
//!
//! Without a secret nothing here is used: the classic stream is unchanged.

use std::{fmt, io, path::Path, sync::Arc};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::notice::{read_notice, Heard, Notice};
pub use crate::preview::preview;

/// Bytes of the receiver's random challenge.
pub const NONCE_LEN: usize = 32;

/// Bytes of the sender's answer (an HMAC-SHA256).
pub const MAC_LEN: usize = 32;

/// The longest handshake line, newline included.
pub const MAX_LINE: usize = 160;

/// The shortest secret accepted, in bytes.
pub const MIN_SECRET: usize = 16;

/// Every handshake line starts with this.
pub const PREFIX: &[u8] = b"CAMWIRE ";

/// What the MAC covers in front of the nonce, so an answer is only ever good
/// for this purpose.
pub const MAC_CONTEXT: &[u8] = b"camwire-auth-v1:";

/// What can go wrong in the handshake.
#[derive(Debug, thiserror::Error)]
pub enum HandshakeError {
    /// A classic sender (no secret) started sending frames instead of answering.
    #[error(
        "did not answer the secret challenge: it sent frames at once, as a sender without a secret does; \
         start cam-send with --secret-file"
    )]
    NotAnswered,
    /// A named sender without a secret wrote its camera hello instead of answering.
    #[error(
        "did not answer the secret challenge: it sent its camera hello (CAMWIRE HELLO ...) at once, as a \
         sender without a secret does; start cam-send with --secret-file"
    )]
    HelloWithoutSecret,
    /// The sender answered with a MAC made from another secret.
    #[error("wrong secret: the sender's --secret-file differs from this receiver's")]
    WrongSecret,
    /// A line that is not one of the handshake's messages.
    #[error("not a camwire handshake line: {0}")]
    Malformed(String),
    /// No newline within [`MAX_LINE`] bytes.
    #[error("handshake line longer than {max} bytes")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// The peer closed the connection before its line was complete.
    #[error("connection closed during the handshake")]
    Closed,
    /// The receiver refused the sender, and said why.
    #[error("the receiver refused the connection: {0}")]
    Refused(String),
    /// The TLS handshake failed.
    #[error("TLS handshake failed: {0}")]
    Tls(io::Error),
    /// Plain bytes arrived on a port that speaks TLS.
    #[error("sent plain bytes ({0}) to a TLS port: start cam-send with --tls-pin SHA256:... (cam-recv prints it)")]
    NotTls(String),
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// One handshake message.
#[derive(Clone, PartialEq, Eq)]
pub enum Line {
    /// Receiver to sender: prove you hold the secret.
    Challenge([u8; NONCE_LEN]),
    /// Sender to receiver: the MAC of the challenge's nonce.
    Response([u8; MAC_LEN]),
    /// Receiver to sender: accepted; frames may flow.
    Ok,
}

impl fmt::Debug for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.encode().trim_ascii_end()))
    }
}

impl Line {
    /// The line's bytes, newline included.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = PREFIX.to_vec();
        match self {
            Self::Challenge(nonce) => {
                out.extend_from_slice(b"CHALLENGE hmac-sha256 ");
                out.extend_from_slice(hex::encode(nonce).as_bytes());
            }
            Self::Response(mac) => {
                out.extend_from_slice(b"RESPONSE ");
                out.extend_from_slice(hex::encode(mac).as_bytes());
            }
            Self::Ok => out.extend_from_slice(b"OK"),
        }
        out.push(b'\n');
        out
    }

    /// Parses one line (with or without its newline).
    pub fn parse(line: &[u8]) -> Result<Self, HandshakeError> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let malformed = || HandshakeError::Malformed(preview(line));
        let rest = line.strip_prefix(PREFIX).ok_or_else(malformed)?;
        if rest == b"OK" {
            return Ok(Self::Ok);
        }
        if let Some(nonce) = rest.strip_prefix(b"CHALLENGE hmac-sha256 ") {
            return Ok(Self::Challenge(from_hex(nonce).ok_or_else(malformed)?));
        }
        if let Some(mac) = rest.strip_prefix(b"RESPONSE ") {
            return Ok(Self::Response(from_hex(mac).ok_or_else(malformed)?));
        }
        Err(malformed())
    }
}

/// Exactly `2 * N` lowercase or uppercase hex digits.
fn from_hex<const N: usize>(digits: &[u8]) -> Option<[u8; N]> {
    let mut out = [0; N];
    hex::decode_to_slice(digits, &mut out).ok()?;
    Some(out)
}

/// A shared secret: the bytes of a secret file (one trailing newline removed).
/// Its `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(Arc<[u8]>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

impl Secret {
    /// A secret of at least [`MIN_SECRET`] bytes; `source` names where it came
    /// from in the error.
    pub fn new(bytes: &[u8], source: &str) -> Result<Self, String> {
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if bytes.len() < MIN_SECRET {
            return Err(format!(
                "the secret in {source} is {} bytes; use at least {MIN_SECRET}, e.g. made with \
                 `head -c 32 /dev/urandom | base64 > FILE`",
                bytes.len()
            ));
        }
        Ok(Self(bytes.into()))
    }

    /// Reads a secret file.
    pub fn read_file(path: &Path) -> Result<Self, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read the secret file {}: {e}", path.display()))?;
        Self::new(&bytes, &path.display().to_string())
    }

    /// The sender's answer to `nonce`.
    pub fn answer(&self, nonce: &[u8; NONCE_LEN]) -> [u8; MAC_LEN] {
        self.mac(nonce).finalize().into_bytes().into()
    }

    /// Whether `mac` is the answer to `nonce`, compared in constant time.
    pub fn check(&self, nonce: &[u8; NONCE_LEN], mac: &[u8; MAC_LEN]) -> bool {
        self.mac(nonce).verify_slice(mac).is_ok()
    }

    fn mac(&self, nonce: &[u8; NONCE_LEN]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(MAC_CONTEXT);
        mac.update(nonce);
        mac
    }
}

/// A certificate's fingerprint as `cam-recv` prints it and `cam-send --tls-pin`
/// takes it: `SHA256:` and the SHA-256 of its DER bytes in 64 lowercase hex digits.
pub fn fingerprint(cert_der: &[u8]) -> String {
    format!("SHA256:{}", hex::encode(<Sha256 as sha2::Digest>::digest(cert_der)))
}

/// Parses a pin: `SHA256:` (any case, optional) and 64 hex digits, colons
/// allowed between them (as `openssl x509 -fingerprint -sha256` prints them).
/// Returns it in the form [`fingerprint`] prints.
pub fn parse_pin(pin: &str) -> Result<String, String> {
    let digits = pin.get(..7).filter(|p| p.eq_ignore_ascii_case("sha256:")).map_or(pin, |_| &pin[7..]);
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    let digest: [u8; 32] = from_hex(digits.as_bytes()).ok_or_else(|| {
        format!("--tls-pin {pin:?} is not a fingerprint: use SHA256: and 64 hex digits, as cam-recv --tls prints it")
    })?;
    Ok(format!("SHA256:{}", hex::encode(digest)))
}

/// Reads one line, up to and including its newline, and not a byte further.
pub async fn read_line<R: AsyncRead + Unpin>(reader: &mut R) -> Result<Vec<u8>, HandshakeError> {
    let mut line = Vec::with_capacity(96);
    loop {
        let mut byte = [0u8];
        if reader.read(&mut byte).await? == 0 {
            return Err(HandshakeError::Closed);
        }
        line.push(byte[0]);
        // A classic sender's first frame is binary: say so as soon as it shows
        // (its first byte may well be a newline, 0A).
        if line.len() <= PREFIX.len() && !PREFIX.starts_with(&line) {
            return Err(HandshakeError::NotAnswered);
        }
        if byte[0] == b'\n' {
            return Ok(line);
        }
        if line.len() >= MAX_LINE {
            return Err(HandshakeError::TooLong { max: MAX_LINE });
        }
    }
}

/// Reads and parses one line.
pub async fn read<R: AsyncRead + Unpin>(reader: &mut R) -> Result<Line, HandshakeError> {
    Line::parse(&read_line(reader).await?)
}

/// Writes one line and flushes it.
pub async fn write<W: AsyncWrite + Unpin>(writer: &mut W, line: &Line) -> io::Result<()> {
    writer.write_all(&line.encode()).await?;
    writer.flush().await
}

/// Reads the receiver's next line: one of [`Line`], or its refusal.
async fn heard<R: AsyncRead + Unpin>(reader: &mut R) -> Result<Line, HandshakeError> {
    match read_notice(reader).await {
        Heard::Notice(Notice::Refused(reason)) => Err(HandshakeError::Refused(reason)),
        Heard::Notice(Notice::Other(line)) => Line::parse(line.as_bytes()),
        Heard::Closed => Err(HandshakeError::Closed),
        Heard::Noise => Err(HandshakeError::Malformed("bytes that are not a camwire line".into())),
        Heard::Http(status) => {
            Err(HandshakeError::Malformed(format!("{status:?}: a web server, not cam-recv's frame port")))
        }
    }
}

/// The sender's side: answers the challenge and waits for the verdict.
pub async fn answer<S: AsyncRead + AsyncWrite + Unpin>(link: &mut S, secret: &Secret) -> Result<(), HandshakeError> {
    let nonce = match heard(link).await? {
        Line::Challenge(nonce) => nonce,
        other => return Err(HandshakeError::Malformed(format!("{other:?} where a challenge was expected"))),
    };
    write(link, &Line::Response(secret.answer(&nonce))).await?;
    match heard(link).await? {
        Line::Ok => Ok(()),
        other => Err(HandshakeError::Malformed(format!("{other:?} where OK or REFUSED was expected"))),
    }
}

impl HandshakeError {
    /// What a receiver tells a sender it refuses for this (`CAMWIRE REFUSED <reason>`);
    /// `None` when the connection is gone anyway.
    pub fn refusal(&self) -> Option<&'static str> {
        match self {
            Self::WrongSecret => Some("wrong secret"),
            Self::NotAnswered | Self::HelloWithoutSecret => Some("a secret is required (cam-send --secret-file)"),
            Self::NotTls(_) => Some("TLS required (cam-send --tls-pin)"),
            Self::Closed | Self::Io(_) | Self::Tls(_) => None,
            Self::Malformed(_) | Self::TooLong { .. } | Self::Refused(_) => Some("malformed handshake"),
        }
    }
}

/// The receiver's side: challenges with `nonce`, checks the answer and says
/// OK. On an error the caller refuses the sender with [`HandshakeError::refusal`].
pub async fn challenge<S: AsyncRead + AsyncWrite + Unpin>(
    link: &mut S,
    secret: &Secret,
    nonce: [u8; NONCE_LEN],
) -> Result<(), HandshakeError> {
    challenge_any(link, std::slice::from_ref(secret), nonce).await.map(|_| ())
}

/// [`challenge`] with several secrets a sender may hold (a receiver of many
/// cameras, each with its own): which of `secrets` the answer proves (every
/// one equal to it), or [`HandshakeError::WrongSecret`] for none.
pub async fn challenge_any<S: AsyncRead + AsyncWrite + Unpin>(
    link: &mut S,
    secrets: &[Secret],
    nonce: [u8; NONCE_LEN],
) -> Result<Vec<usize>, HandshakeError> {
    write(link, &Line::Challenge(nonce)).await?;
    let line = read_line(link).await?;
    // A sender that names its camera but holds no secret writes its hello here.
    if line.starts_with(crate::hello::WORD) {
        return Err(HandshakeError::HelloWithoutSecret);
    }
    match Line::parse(&line)? {
        Line::Response(mac) => {
            // Every secret is checked, so the time taken says nothing about which one matched.
            let proved: Vec<usize> = (0..secrets.len()).filter(|&i| secrets[i].check(&nonce, &mac)).collect();
            if proved.is_empty() {
                return Err(HandshakeError::WrongSecret);
            }
            write(link, &Line::Ok).await?;
            Ok(proved)
        }
        other => Err(HandshakeError::Malformed(format!("{other:?} where a response was expected"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::new(b"correct horse battery staple\n", "test").unwrap()
    }

    #[test]
    fn lines_round_trip() {
        for line in [Line::Challenge([7; 32]), Line::Response([0xAB; 32]), Line::Ok] {
            let bytes = line.encode();
            assert!(bytes.len() <= MAX_LINE && bytes.ends_with(b"\n"));
            assert_eq!(Line::parse(&bytes).unwrap(), line);
        }
    }

    #[test]
    fn challenge_line_is_exact() {
        let line = Line::Challenge(std::array::from_fn(|i| i as u8)).encode();
        assert_eq!(
            line,
            b"CAMWIRE CHALLENGE hmac-sha256 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
        );
    }

    /// The example in protocol.md ("Who may send"), computed independently
    /// (`hmac.new(b"correct horse battery staple", b"camwire-auth-v1:" + bytes(range(32)), "sha256")`).
    #[test]
    fn answer_matches_protocol_example() {
        let nonce = std::array::from_fn(|i| i as u8);
        let mac = secret().answer(&nonce);
        assert_eq!(hex::encode(mac), include_str!("../tests/data/handshake_mac.txt").trim());
        assert!(secret().check(&nonce, &mac));
        let other = Secret::new(b"correct horse battery stapler", "test").unwrap();
        assert!(!other.check(&nonce, &mac));
    }

    #[test]
    fn rejects_malformed_lines() {
        for bad in [
            &b"CAMWIRE CHALLENGE hmac-sha256 00"[..],
            b"CAMWIRE RESPONSE zz",
            b"camwire OK",
            b"CAMWIRE REFUSED wrong secret",
            b"CAMWIRE",
            b"",
        ] {
            assert!(matches!(Line::parse(bad), Err(HandshakeError::Malformed(_))), "{bad:?}");
        }
    }

    #[test]
    fn pins_parse_in_the_printed_and_the_openssl_forms() {
        let fp = fingerprint(b"certificate");
        assert_eq!(parse_pin(&fp).unwrap(), fp);
        let upper = fp[7..].to_ascii_uppercase();
        let openssl = upper.as_bytes().chunks(2).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(":");
        assert_eq!(parse_pin(&format!("sha256:{openssl}")).unwrap(), fp);
        assert_eq!(parse_pin(&openssl).unwrap(), fp);
        assert!(parse_pin("SHA256:abcd").unwrap_err().contains("64 hex digits"));
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(Secret::new(b"short\n", "F").unwrap_err().contains("at least 16"));
    }

    #[tokio::test]
    async fn right_secret_is_accepted_and_stops_at_the_line() {
        let (mut recv, mut send) = tokio::io::duplex(1024);
        let receiver = tokio::spawn(async move {
            challenge(&mut recv, &secret(), [9; 32]).await.unwrap();
            let mut rest = Vec::new();
            recv.read_to_end(&mut rest).await.unwrap();
            rest
        });
        answer(&mut send, &secret()).await.unwrap();
        send.write_all(&[2, 0, 0, 0, 0xAB, 0xCD]).await.unwrap();
        drop(send);
        assert_eq!(receiver.await.unwrap(), [2, 0, 0, 0, 0xAB, 0xCD]);
    }

    #[tokio::test]
    async fn wrong_secret_is_refused_on_both_sides() {
        let (mut recv, mut send) = tokio::io::duplex(1024);
        let receiver = tokio::spawn(async move {
            let verdict = challenge(&mut recv, &secret(), [9; 32]).await;
            let reason = verdict.as_ref().err().and_then(HandshakeError::refusal).unwrap();
            recv.write_all(Notice::Refused(reason.into()).to_line().as_bytes()).await.unwrap();
            verdict
        });
        let wrong = Secret::new(b"0123456789abcdefXYZ", "test").unwrap();
        let sent = answer(&mut send, &wrong).await;
        assert!(matches!(sent, Err(HandshakeError::Refused(r)) if r == "wrong secret"));
        assert!(matches!(receiver.await.unwrap(), Err(HandshakeError::WrongSecret)));
    }

    #[tokio::test]
    async fn classic_frame_whose_length_starts_with_a_newline_byte_is_named_too() {
        // 14 602 bytes: the header starts 0A 39.
        let mut input: &[u8] = &[0x0A, 0x39, 0, 0, 0xFF, 0xD8];
        let err = read_line(&mut input).await.unwrap_err();
        assert!(matches!(err, HandshakeError::NotAnswered), "{err}");
    }

    #[tokio::test]
    async fn a_hello_without_the_secret_is_told_a_secret_is_required() {
        let (mut recv, mut send) = tokio::io::duplex(1024);
        send.write_all(b"CAMWIRE HELLO name=garden\n").await.unwrap();
        let err = challenge(&mut recv, &secret(), [9; 32]).await.unwrap_err();
        assert!(matches!(err, HandshakeError::HelloWithoutSecret), "{err}");
        assert_eq!(err.refusal(), Some("a secret is required (cam-send --secret-file)"));
    }

    #[tokio::test]
    async fn classic_sender_is_named_at_once() {
        let (mut recv, mut send) = tokio::io::duplex(1024);
        send.write_all(&[0x10, 0x27, 0, 0, 0xFF, 0xD8]).await.unwrap();
        let err = challenge(&mut recv, &secret(), [9; 32]).await.unwrap_err();
        assert!(matches!(err, HandshakeError::NotAnswered), "{err}");
        assert!(!err.to_string().contains("it sent \""), "a length byte is no message: {err}");
        assert_eq!(err.refusal(), Some("a secret is required (cam-send --secret-file)"));
        assert!(matches!(read(&mut send).await.unwrap(), Line::Challenge(_)));
    }
}
