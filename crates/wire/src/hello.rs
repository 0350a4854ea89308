//! The optional camera hello (protocol.md, section 11): one ASCII line a
//! sender writes before its first frame to say which camera it is.
//!
//! ```text
//! sender -> receiver   CAMWIRE HELLO name=garden\n     (then frames, as in section 1)
//! ```
//!
//! The line is `CAMWIRE HELLO`, then fields `KEY=VALUE`, each after one
//! space, then `\n`; at most [`MAX_LINE`] bytes in all, printable ASCII.
//! `name` is the camera's [`CameraName`]. A receiver ignores keys it does
//! not know and keeps them ([`Hello::field`]), so a later addition (the
//! receiver-to-sender channel of issue 25, say) can offer itself here and
//! every receiver that does not know it goes on as before.
//!
//! Read as a frame header, the line's first four bytes `43 41 4D 57`
//! ("CAMW") announce 1 464 680 771 bytes, over every receiver's limit (at
//! most [`MAX_FRAME_LIMIT`]): a receiver that does not know the hello
//! rejects it from those four bytes alone and never reads it as a frame.
//!
//! [`decode`] parses a line from the bytes read so far without I/O ("not
//! enough yet" is `Ok(None)`, never an error), rejects a wrong byte as soon
//! as it arrives, and never looks past [`MAX_LINE`] bytes; [`read_hello`]
//! drives it on a connection.

use std::{fmt, str::FromStr};

use bytes::{Buf, BufMut, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::preview::preview;

/// The longest hello line, newline included.
pub const MAX_LINE: usize = 256;

/// The line's first bytes, before its fields (each after a space) or its newline.
pub const WORD: &[u8] = b"CAMWIRE HELLO";

/// The first four bytes of every `CAMWIRE` line: as a frame header, a length
/// of 1 464 680 771 bytes.
pub const LINE_HEADER: [u8; 4] = *b"CAMW";

/// The largest frame limit a receiver may set: 1 GiB, below the length
/// [`LINE_HEADER`] spells, so a line is never a frame header.
pub const MAX_FRAME_LIMIT: usize = 1 << 30;

/// The longest camera name.
pub const MAX_NAME: usize = 32;

/// The longest field key.
pub const MAX_KEY: usize = 32;

const _: () = assert!((u32::from_le_bytes(LINE_HEADER) as usize) > MAX_FRAME_LIMIT);

/// A camera's name: 1 to [`MAX_NAME`] of `a-z`, `0-9`, `_` and `-`, starting
/// with a letter or digit. Safe in a URL path, a file name and a log line as it is.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CameraName(String);

/// Why a text is not a [`CameraName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// No characters.
    #[error("a camera name cannot be empty")]
    Empty,
    /// More than [`MAX_NAME`] characters.
    #[error("{len} characters, over the {max} a camera name may have")]
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// It starts with `_` or `-`.
    #[error("a camera name starts with a letter or a digit, not {0:?}")]
    BadStart(char),
    /// A character outside `a-z`, `0-9`, `_`, `-`.
    #[error("{0:?} is not allowed in a camera name: use a-z, 0-9, _ and - (e.g. garden, door-2)")]
    BadChar(char),
}

impl CameraName {
    /// `name`, if it is a valid camera name as it is.
    pub fn new(name: &str) -> Result<Self, NameError> {
        let Some(first) = name.chars().next() else { return Err(NameError::Empty) };
        if let Some(bad) = name.chars().find(|c| !is_name_char(*c)) {
            return Err(NameError::BadChar(bad));
        }
        if !first.is_ascii_alphanumeric() {
            return Err(NameError::BadStart(first));
        }
        if name.len() > MAX_NAME {
            return Err(NameError::TooLong { len: name.len(), max: MAX_NAME });
        }
        Ok(Self(name.to_string()))
    }

    /// A valid name made from any text (a host name, an address): lower
    /// case, every run of other characters one `-`, trimmed to start with a
    /// letter or digit, cut to [`MAX_NAME`]. `None` when nothing is left.
    ///
    /// ```
    /// use camwire_wire::hello::CameraName;
    ///
    /// assert_eq!(CameraName::made_safe("Pi Garden").unwrap().as_str(), "pi-garden");
    /// assert_eq!(CameraName::made_safe("192.168.1.20").unwrap().as_str(), "192-168-1-20");
    /// assert_eq!(CameraName::made_safe("fd00::1").unwrap().as_str(), "fd00-1");
    /// assert!(CameraName::made_safe("..").is_none());
    /// ```
    pub fn made_safe(text: &str) -> Option<Self> {
        let mut name = String::with_capacity(MAX_NAME);
        for c in text.chars().map(|c| c.to_ascii_lowercase()) {
            if name.len() == MAX_NAME {
                break;
            }
            if c.is_ascii_alphanumeric() || (c == '_' && !name.is_empty()) {
                name.push(c);
            } else if !name.is_empty() && !name.ends_with('-') {
                name.push('-');
            }
        }
        let name = name.trim_end_matches(['-', '_']);
        (!name.is_empty()).then(|| Self(name.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
}

impl fmt::Display for CameraName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CameraName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl FromStr for CameraName {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, NameError> {
        Self::new(s)
    }
}

impl AsRef<str> for CameraName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// What is wrong with a hello line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelloError {
    /// The bytes start like a `CAMWIRE` line but not like `CAMWIRE HELLO`.
    #[error("a line that is not a camera hello ({0}) where the hello or the first frame belongs")]
    NotHello(String),
    /// No newline within [`MAX_LINE`] bytes.
    #[error("no end of line within the {max} bytes a hello line may have")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A byte that is neither printable ASCII nor the final newline.
    #[error("byte {byte:#04x} at offset {at} of the hello line is not printable ASCII")]
    NotPrintable {
        /// Its offset in the line.
        at: usize,
        /// The byte.
        byte: u8,
    },
    /// A field that is not `KEY=VALUE`.
    #[error(
        "hello field {0:?} is not KEY=VALUE (KEY: a-z first, then a-z, 0-9, _ and -; VALUE: printable, no spaces)"
    )]
    BadField(String),
    /// A key given twice.
    #[error("hello field {0:?} is given twice")]
    Duplicate(String),
    /// `name=` holds no valid camera name.
    #[error("camera name {name:?}: {why}")]
    BadName {
        /// The value, made printable.
        name: String,
        /// What is wrong with it.
        why: NameError,
    },
    /// The connection closed inside the line.
    #[error("connection closed inside the hello line ({got} bytes, no end of line)")]
    Truncated {
        /// Bytes of the line that arrived.
        got: usize,
    },
    /// Reading failed.
    #[error("reading the hello line failed: {0}")]
    Io(String),
}

/// A sender's hello: its camera's name, and any other fields, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hello {
    name: Option<CameraName>,
    /// Every field but `name`, as it came.
    fields: Vec<(String, String)>,
}

impl Hello {
    /// A hello that names the camera.
    pub fn named(name: CameraName) -> Self {
        Self { name: Some(name), fields: Vec::new() }
    }

    /// The camera's name, if the sender gave one.
    pub fn name(&self) -> Option<&CameraName> {
        self.name.as_ref()
    }

    /// The value of another field (one a later addition defines).
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// This hello with one more field; refused if the key or value breaks the
    /// grammar, the key is there already, or the line would pass [`MAX_LINE`].
    pub fn with_field(mut self, key: &str, value: &str) -> Result<Self, HelloError> {
        let field = format!("{key}={value}");
        let (key, value) = split_field(field.as_bytes())?;
        if key == "name" || self.field(&key).is_some() {
            return Err(HelloError::Duplicate(key));
        }
        self.fields.push((key, value));
        if self.encode().len() > MAX_LINE {
            return Err(HelloError::TooLong { max: MAX_LINE });
        }
        Ok(self)
    }

    /// The line, newline included.
    pub fn encode(&self) -> Vec<u8> {
        let mut line = WORD.to_vec();
        let name = self.name.iter().map(|n| ("name", n.as_str()));
        for (key, value) in name.chain(self.fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            line.push(b' ');
            line.extend_from_slice(key.as_bytes());
            line.push(b'=');
            line.extend_from_slice(value.as_bytes());
        }
        line.push(b'\n');
        line
    }

    /// Parses one whole line, with or without its newline.
    pub fn parse(line: &[u8]) -> Result<Self, HelloError> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        if line.len() >= MAX_LINE {
            return Err(HelloError::TooLong { max: MAX_LINE });
        }
        check_head(line)?;
        if !line.starts_with(WORD) {
            return Err(HelloError::NotHello(preview(line)));
        }
        if let Some(at) = line.iter().position(|b| !is_printable(*b)) {
            return Err(HelloError::NotPrintable { at, byte: line[at] });
        }
        let mut hello = Self::default();
        let rest = &line[WORD.len()..];
        if rest.is_empty() {
            return Ok(hello);
        }
        for field in rest[1..].split(|&b| b == b' ') {
            let (key, value) = split_field(field)?;
            if key == "name" {
                if hello.name.is_some() {
                    return Err(HelloError::Duplicate(key));
                }
                let name = CameraName::new(&value).map_err(|why| HelloError::BadName { name: value, why })?;
                hello.name = Some(name);
            } else if hello.field(&key).is_some() {
                return Err(HelloError::Duplicate(key));
            } else {
                hello.fields.push((key, value));
            }
        }
        Ok(hello)
    }
}

fn is_printable(b: u8) -> bool {
    (0x20..=0x7E).contains(&b)
}

/// Whether the bytes so far can start `CAMWIRE HELLO` followed by a space or
/// the newline; an error as soon as they cannot.
fn check_head(seen: &[u8]) -> Result<(), HelloError> {
    let n = seen.len().min(WORD.len());
    let after = seen.get(WORD.len());
    if seen[..n] != WORD[..n] || after.is_some_and(|b| !matches!(b, b' ' | b'\n')) {
        return Err(HelloError::NotHello(preview(seen)));
    }
    Ok(())
}

/// `KEY=VALUE`: KEY is `[a-z][a-z0-9_-]{0,31}`, VALUE one or more printable
/// characters other than space.
fn split_field(field: &[u8]) -> Result<(String, String), HelloError> {
    let bad = || HelloError::BadField(String::from_utf8_lossy(field).into_owned());
    let at = field.iter().position(|&b| b == b'=').ok_or_else(bad)?;
    let (key, value) = (&field[..at], &field[at + 1..]);
    let key_ok = key.first().is_some_and(u8::is_ascii_lowercase)
        && key.len() <= MAX_KEY
        && key.iter().all(|&b| is_name_char(b as char));
    let value_ok = !value.is_empty() && value.iter().all(|&b| b.is_ascii_graphic());
    if !(key_ok && value_ok) {
        return Err(bad());
    }
    // Both are ASCII, checked above.
    Ok((String::from_utf8_lossy(key).into_owned(), String::from_utf8_lossy(value).into_owned()))
}

/// Whether a connection that starts with `head` starts with a `CAMWIRE`
/// line rather than a frame: its first four bytes are [`LINE_HEADER`].
/// Fewer than four bytes decide nothing (false).
pub fn starts_with_line(head: &[u8]) -> bool {
    head.starts_with(&LINE_HEADER)
}

/// Parses a hello from the first bytes of `buf`: `Ok(None)` while the line
/// is incomplete, `Ok(Some((hello, n)))` once its newline is in (the line
/// was the first `n` bytes). A byte that cannot belong to a hello is an
/// error as soon as it is in `buf`; so is a line with no newline in its
/// first [`MAX_LINE`] bytes. Never reads past `MAX_LINE` bytes.
pub fn decode(buf: &[u8]) -> Result<Option<(Hello, usize)>, HelloError> {
    let seen = &buf[..buf.len().min(MAX_LINE)];
    match seen.iter().position(|&b| b == b'\n') {
        Some(end) => Ok(Some((Hello::parse(&seen[..end])?, end + 1))),
        None => {
            if !seen.is_empty() {
                check_head(seen)?;
            }
            if let Some(at) = seen.iter().position(|b| !is_printable(*b)) {
                return Err(HelloError::NotPrintable { at, byte: seen[at] });
            }
            if seen.len() == MAX_LINE {
                return Err(HelloError::TooLong { max: MAX_LINE });
            }
            Ok(None)
        }
    }
}

/// Reads the first bytes of a connection into `head` and, if they are a
/// hello, parses it and takes it off `head`. `head` is left holding the
/// bytes read after the hello (or all of them, when there is none), at
/// least four unless the connection closed sooner. Reads in chunks, so
/// `head` may hold more than the hello; it never holds more than
/// [`MAX_LINE`] bytes of an unfinished line.
pub async fn read_hello<R: AsyncRead + Unpin>(
    reader: &mut R,
    head: &mut BytesMut,
) -> Result<Option<Hello>, HelloError> {
    let io = |e: std::io::Error| HelloError::Io(e.to_string());
    while head.len() < LINE_HEADER.len() {
        if reader.read_buf(head).await.map_err(io)? == 0 {
            return Ok(None);
        }
    }
    if !starts_with_line(head) {
        return Ok(None);
    }
    loop {
        if let Some((hello, n)) = decode(head)? {
            head.advance(n);
            return Ok(Some(hello));
        }
        // Room for the rest of the line at most, so a peer cannot make this grow.
        let room = MAX_LINE - head.len();
        let mut room = (&mut *head).limit(room);
        if reader.read_buf(&mut room).await.map_err(io)? == 0 {
            return Err(HelloError::Truncated { got: head.len() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: &[u8] = &[2, 0, 0, 0, 0xAB, 0xCD];

    fn garden() -> Hello {
        Hello::named(CameraName::new("garden").unwrap())
    }

    #[test]
    fn hello_line_is_exact() {
        assert_eq!(garden().encode(), b"CAMWIRE HELLO name=garden\n");
        let more = garden().with_field("control", "1").unwrap();
        assert_eq!(more.encode(), b"CAMWIRE HELLO name=garden control=1\n");
        assert_eq!(Hello::default().encode(), b"CAMWIRE HELLO\n");
    }

    #[test]
    fn lines_round_trip_and_unknown_fields_are_kept() {
        let line = b"CAMWIRE HELLO future=a,b=c name=door-2 x_y=1\n";
        let hello = Hello::parse(line).unwrap();
        assert_eq!(hello.name().unwrap().as_str(), "door-2");
        assert_eq!(hello.field("future"), Some("a,b=c"));
        assert_eq!(hello.field("x_y"), Some("1"));
        assert_eq!(hello.field("name"), None);
        assert_eq!(Hello::parse(&hello.encode()).unwrap(), hello);
        assert_eq!(Hello::parse(b"CAMWIRE HELLO").unwrap(), Hello::default());
    }

    #[test]
    fn the_line_header_is_over_every_frame_limit() {
        assert_eq!(u32::from_le_bytes(LINE_HEADER), 1_464_680_771);
        assert!(starts_with_line(b"CAMWIRE HELLO"));
        assert!(!starts_with_line(b"CAM") && !starts_with_line(&[4, 0, 0, 0]));
    }

    #[test]
    fn a_line_after_a_frame_is_named_by_the_frame_codec_at_any_limit() {
        use tokio_util::codec::Decoder;
        for max in [1, crate::DEFAULT_MAX_FRAME, MAX_FRAME_LIMIT] {
            let mut buf = BytesMut::from(&[FRAME, b"CAMW"].concat()[..]);
            let mut codec = crate::FrameCodec::new(max.max(2));
            assert!(matches!(codec.decode(&mut buf), Ok(Some(crate::Message::Frame(_)))));
            assert!(matches!(codec.decode(&mut buf), Err(crate::WireError::LineInStream)), "max {max}");
        }
    }

    #[test]
    fn camera_names_follow_the_grammar() {
        for good in ["garden", "0", "door-2", "a_b", &"x".repeat(32)] {
            assert_eq!(CameraName::new(good).unwrap().as_str(), good);
        }
        assert_eq!(CameraName::new(""), Err(NameError::Empty));
        assert_eq!(CameraName::new("-a"), Err(NameError::BadStart('-')));
        assert_eq!(CameraName::new("Garden"), Err(NameError::BadChar('G')));
        assert_eq!(CameraName::new("a b"), Err(NameError::BadChar(' ')));
        assert_eq!(CameraName::new("a/b"), Err(NameError::BadChar('/')));
        assert_eq!(CameraName::new(&"x".repeat(33)), Err(NameError::TooLong { len: 33, max: 32 }));
    }

    #[test]
    fn names_are_made_safe() {
        let safe = |s: &str| CameraName::made_safe(s).map(|n| n.to_string());
        assert_eq!(safe("garden.example.org").as_deref(), Some("garden-example-org"));
        assert_eq!(safe("--Door__Cam--").as_deref(), Some("door__cam"));
        assert_eq!(safe("2001:db8::7").as_deref(), Some("2001-db8-7"));
        assert_eq!(safe(&"ab".repeat(40)).unwrap().len(), MAX_NAME);
        assert_eq!(safe("é"), None);
        for text in ["", "a", "_x", "ÄÖÜ tür", "a-", &"-".repeat(100), &"a-".repeat(40)] {
            if let Some(name) = CameraName::made_safe(text) {
                assert_eq!(CameraName::new(name.as_str()).unwrap(), name, "{text:?}");
            }
        }
    }

    #[test]
    fn malformed_lines_are_refused_with_what_is_wrong() {
        let err = |line: &[u8]| Hello::parse(line).unwrap_err();
        assert!(matches!(err(b"CAMWIRE RESPONSE 00"), HelloError::NotHello(_)));
        assert!(matches!(err(b"CAMWIRE HELLOX"), HelloError::NotHello(_)));
        assert!(matches!(err(b"CAMWIRE HELL"), HelloError::NotHello(_)));
        assert!(matches!(err(b""), HelloError::NotHello(_)));
        assert!(matches!(decode(b"CAM\n"), Err(HelloError::NotHello(_))));
        assert_eq!(err(b"CAMWIRE HELLO "), HelloError::BadField(String::new()));
        assert_eq!(err(b"CAMWIRE HELLO name"), HelloError::BadField("name".into()));
        assert_eq!(err(b"CAMWIRE HELLO Name=x"), HelloError::BadField("Name=x".into()));
        assert_eq!(err(b"CAMWIRE HELLO a=1  b=2"), HelloError::BadField(String::new()));
        assert_eq!(err(b"CAMWIRE HELLO a="), HelloError::BadField("a=".into()));
        assert_eq!(err(b"CAMWIRE HELLO a=1 a=2"), HelloError::Duplicate("a".into()));
        assert_eq!(err(b"CAMWIRE HELLO name=a name=b"), HelloError::Duplicate("name".into()));
        assert_eq!(err(b"CAMWIRE HELLO name=a\r\n"), HelloError::NotPrintable { at: 20, byte: b'\r' });
        assert!(matches!(err(b"CAMWIRE HELLO name=Garden"), HelloError::BadName { why: NameError::BadChar('G'), .. }));
        let long = [&b"CAMWIRE HELLO a="[..], &[b'x'; 300]].concat();
        assert_eq!(err(&long), HelloError::TooLong { max: MAX_LINE });
        assert!(garden().with_field("a", &"x".repeat(300)).is_err());
        assert!(garden().with_field("name", "x").is_err());
        assert!(garden().with_field("a b", "x").is_err());
    }

    /// The hello and a frame behind it, fed in two reads split at every point:
    /// nothing is decided early, and the frame's bytes are never taken.
    #[test]
    fn hello_split_at_every_point() {
        let stream = [garden().encode().as_slice(), FRAME].concat();
        let line_len = stream.len() - FRAME.len();
        for split in 0..=stream.len() {
            let mut buf = stream[..split].to_vec();
            let first = decode(&buf).unwrap();
            let expected = (split >= line_len).then(|| (garden(), line_len));
            assert_eq!(first, expected, "split {split}");
            buf.extend_from_slice(&stream[split..]);
            let (hello, n) = decode(&buf).unwrap().unwrap();
            assert_eq!((hello, n), (garden(), line_len), "split {split}");
            assert_eq!(&buf[n..], FRAME);
        }
    }

    /// A wrong byte is an error in whichever read it arrives, never later.
    #[test]
    fn a_wrong_byte_is_refused_as_soon_as_it_arrives() {
        for (line, at) in [(&b"CAMWIRE HELP"[..], 11), (b"CAMWIRE HELLO name=a\x00", 20), (b"CAMWIRE HELLO\x1b", 13)] {
            for split in 0..line.len() {
                assert_eq!(decode(&line[..split]).unwrap(), None, "{line:?} at {split}");
            }
            assert!(decode(line).is_err(), "{line:?}");
            assert!(decode(&line[..at]).is_ok(), "{line:?} before {at}");
        }
        let endless = [&b"CAMWIRE HELLO a="[..], &[b'x'; 400]].concat();
        assert_eq!(decode(&endless[..MAX_LINE - 1]).unwrap(), None);
        assert_eq!(decode(&endless[..MAX_LINE]), Err(HelloError::TooLong { max: MAX_LINE }));
        assert_eq!(decode(&endless), Err(HelloError::TooLong { max: MAX_LINE }));
    }

    /// A reader that hands out its bytes `step` at a time.
    struct Trickle<'a>(&'a [u8], usize);

    impl AsyncRead for Trickle<'_> {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            let n = self.1.min(self.0.len()).min(buf.remaining());
            buf.put_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            std::task::Poll::Ready(Ok(()))
        }
    }

    fn read_all(input: &[u8], step: usize) -> (Result<Option<Hello>, HelloError>, Vec<u8>) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let mut reader = Trickle(input, step);
            let mut head = BytesMut::new();
            let hello = read_hello(&mut reader, &mut head).await;
            let mut rest = head.to_vec();
            reader.read_to_end(&mut rest).await.unwrap();
            (hello, rest)
        })
    }

    #[test]
    fn read_hello_takes_the_line_and_leaves_every_frame_byte() {
        let stream = [garden().encode().as_slice(), FRAME].concat();
        for step in 1..=stream.len() {
            assert_eq!(read_all(&stream, step), (Ok(Some(garden())), FRAME.to_vec()), "step {step}");
        }
    }

    #[test]
    fn read_hello_leaves_a_classic_stream_alone() {
        for step in 1..=FRAME.len() {
            assert_eq!(read_all(FRAME, step), (Ok(None), FRAME.to_vec()), "step {step}");
        }
        assert_eq!(read_all(b"CA", 1), (Ok(None), b"CA".to_vec()));
        assert_eq!(read_all(b"", 1), (Ok(None), Vec::new()));
    }

    #[test]
    fn read_hello_reports_a_cut_line_and_a_bad_one() {
        assert_eq!(read_all(b"CAMWIRE HELLO name=gar", 5).0, Err(HelloError::Truncated { got: 22 }));
        assert!(matches!(read_all(b"CAMWIRE RESPONSE 00\n", 3).0, Err(HelloError::NotHello(_))));
        let endless = [&b"CAMWIRE HELLO a="[..], &[b'x'; 5000]].concat();
        assert_eq!(read_all(&endless, 1000).0, Err(HelloError::TooLong { max: MAX_LINE }));
    }
}
