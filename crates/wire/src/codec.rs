//! The async frame codec, built on tokio-util's [`LengthDelimitedCodec`].
//!
//! ```text
//! +----------------+---------------------------+
//! | len: u32 LE    | payload: len bytes        |   len > 0: one frame
//! +----------------+---------------------------+
//! | 00 00 00 00    |                               len = 0: end of stream
//! +----------------+
//! ```
//!
//! A two-byte frame `AB CD` followed by the terminator is, byte for byte,
//! `02 00 00 00 AB CD 00 00 00 00`.
//!
//! [`FrameCodec`] checks every length against its limit from the header alone,
//! before a byte of payload is buffered, and reports the numbers in
//! [`WireError::FrameTooLarge`]. [`FrameReader`] turns the decoded messages into
//! an explicit [`StreamEnd`]: terminated, closed between frames, or truncated.
//!
//! An announced length is only a claim: the buffer grows with the bytes that
//! actually arrive (a small multiple of what has arrived, see [`FrameCodec`]),
//! never to the announced length at once, so five bytes cannot reserve 16 MiB.
//! A frame no larger than twice the largest one the connection has already
//! delivered whole is the exception: that much has arrived, so its room is
//! reserved at once, which spares a camera's stream the copies of a growing buffer.

use bytes::{Buf, Bytes, BytesMut};
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio_util::codec::{Decoder, Encoder, FramedRead, LengthDelimitedCodec};

use crate::{
    error::{announced_len, frame_header},
    StreamEnd, WireError, DEFAULT_MAX_FRAME, HEADER_LEN,
};

/// One decoded unit of the protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A payload of at least one byte.
    Frame(Bytes),
    /// The zero-length terminator: the sender ended the stream on purpose.
    Terminator,
}

/// Length-prefixed frame codec: u32 little-endian length, then the payload.
///
/// While a payload arrives, the buffer holds at most about four times the
/// bytes received so far plus two [`GROW_STEP`]s (each step at most doubles
/// what arrived; the allocator may double again): tokio-util's `LengthDelimitedCodec`
/// (which cuts the frames here) would reserve the whole announced length as
/// soon as the header is in, so it is only handed complete frames.
///
/// A frame no larger than twice the largest frame already decoded whole
/// gets its whole room at once instead: the connection has sent that many
/// bytes already, so the bound above still holds with "received" counting
/// its earlier frames, and a camera's stream (frames of similar size) costs
/// one allocation per frame and no copy, where growing in steps copied about
/// the frame's size again and cut every socket read short at the step.
/// Apart from that largest size, the decode state is the inner codec's: this
/// one reads the header still in the buffer on each call.
#[derive(Debug)]
pub struct FrameCodec {
    inner: LengthDelimitedCodec,
    max: usize,
    /// The largest payload decoded whole so far.
    largest: usize,
}

/// The smallest step the buffer of an unfinished payload grows by.
pub const GROW_STEP: usize = 64 * 1024;

impl Default for FrameCodec {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_FRAME)
    }
}

impl FrameCodec {
    /// A codec that rejects frames longer than `max` bytes.
    pub fn new(max: usize) -> Self {
        let inner = LengthDelimitedCodec::builder()
            .little_endian()
            .length_field_length(HEADER_LEN)
            .length_adjustment(0)
            .num_skip(HEADER_LEN)
            .max_frame_length(max)
            .new_codec();
        Self { inner, max, largest: 0 }
    }

    /// The largest payload this codec accepts.
    pub fn max_frame(&self) -> usize {
        self.max
    }
}

impl Decoder for FrameCodec {
    type Item = Message;
    type Error = WireError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Message>, WireError> {
        let Some(len) = self.header(src)? else { return Ok(None) };
        if len == 0 {
            src.advance(HEADER_LEN);
            return Ok(Some(Message::Terminator));
        }
        let have = src.len() - HEADER_LEN;
        if have < len {
            // Room for the next step only: at least GROW_STEP, at most what has
            // arrived already (so the buffer at most doubles), never past the frame;
            // or the whole frame, when earlier frames have brought half its size.
            let step =
                if len <= self.largest.saturating_mul(2) { len - have } else { (len - have).min(have.max(GROW_STEP)) };
            if src.capacity() - src.len() < step {
                src.reserve(step);
            }
            return Ok(None);
        }
        // The whole frame is here, so the inner codec reserves nothing for it.
        match self.inner.decode(src)? {
            Some(frame) => {
                self.largest = self.largest.max(len);
                Ok(Some(Message::Frame(frame.freeze())))
            }
            None => unreachable!("a complete frame is buffered"),
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Message>, WireError> {
        if let Some(msg) = self.decode(src)? {
            return Ok(Some(msg));
        }
        match self.header(src)? {
            Some(expected) => Err(WireError::Truncated { got: src.len() - HEADER_LEN, expected }),
            None if src.is_empty() => Ok(None),
            None => Err(WireError::Truncated { got: src.len(), expected: HEADER_LEN }),
        }
    }
}

impl FrameCodec {
    /// The length in the buffered header, checked against the limit; `None`
    /// until all four header bytes are in.
    fn header(&self, src: &BytesMut) -> Result<Option<usize>, WireError> {
        let Some(head) = src.first_chunk::<HEADER_LEN>() else { return Ok(None) };
        announced_len(head, self.max).map(Some)
    }
}

/// The zero-length header that ends a stream.
pub(crate) const TERMINATOR: [u8; HEADER_LEN] = [0; HEADER_LEN];

impl Message {
    /// This message as it goes on the wire: the length header (the
    /// [`TERMINATOR`] for [`Message::Terminator`]), then the payload. Every
    /// writer sends exactly these bytes; a frame is checked against `max`.
    pub(crate) fn to_wire(&self, max: usize) -> Result<([u8; HEADER_LEN], &[u8]), WireError> {
        match self {
            Self::Frame(payload) => Ok((frame_header(payload.len(), max)?, payload)),
            Self::Terminator => Ok((TERMINATOR, &[])),
        }
    }
}

impl Encoder<Message> for FrameCodec {
    type Error = WireError;

    fn encode(&mut self, item: Message, dst: &mut BytesMut) -> Result<(), WireError> {
        let (header, payload) = item.to_wire(self.max)?;
        dst.reserve(HEADER_LEN + payload.len());
        dst.extend_from_slice(&header);
        dst.extend_from_slice(payload);
        Ok(())
    }
}

impl Encoder<Bytes> for FrameCodec {
    type Error = WireError;

    fn encode(&mut self, data: Bytes, dst: &mut BytesMut) -> Result<(), WireError> {
        self.encode(Message::Frame(data), dst)
    }
}

/// What [`FrameReader::next_event`] yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// One payload.
    Frame(Bytes),
    /// The stream is over; further calls return the same end.
    End(StreamEnd),
}

/// Reads frames from an async byte stream and reports how the stream ended.
#[derive(Debug)]
pub struct FrameReader<R> {
    inner: FramedRead<R, FrameCodec>,
    end: Option<StreamEnd>,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    /// Reads frames of at most `max` bytes from `reader`. A caller that read
    /// the first bytes already (to sniff them) hands them back by chaining:
    /// `Cursor::new(head).chain(socket)`.
    pub fn new(reader: R, max: usize) -> Self {
        Self { inner: FramedRead::new(reader, FrameCodec::new(max)), end: None }
    }

    /// The next frame, or how the stream ended. An over-limit length is an
    /// error; a close inside a frame is [`StreamEnd::Truncated`].
    pub async fn next_event(&mut self) -> Result<Event, WireError> {
        if let Some(end) = self.end {
            return Ok(Event::End(end));
        }
        let end = match self.inner.next().await {
            Some(Ok(Message::Frame(data))) => return Ok(Event::Frame(data)),
            Some(Ok(Message::Terminator)) => StreamEnd::Terminated,
            None => StreamEnd::Closed,
            Some(Err(WireError::Truncated { got, expected })) => StreamEnd::Truncated { got, expected },
            Some(Err(e)) => return Err(e),
        };
        self.end = Some(end);
        Ok(Event::End(end))
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        self.inner.get_ref()
    }

    /// The underlying reader; bytes read ahead but not yet decoded are lost.
    pub fn into_inner(self) -> R {
        self.inner.into_inner()
    }
}

/// Writes frames to an async byte stream.
///
/// Each frame goes out as one vectored write of the 4-byte header and the
/// payload `Bytes` itself: the payload is never copied into a staging buffer.
#[derive(Debug)]
pub struct FrameWriter<W> {
    inner: W,
    max: usize,
}

impl<W: AsyncWrite + Unpin> FrameWriter<W> {
    /// Writes frames of at most `max` bytes to `writer`.
    pub fn new(writer: W, max: usize) -> Self {
        Self { inner: writer, max }
    }

    /// Writes one frame and flushes it to the socket.
    pub async fn send(&mut self, payload: Bytes) -> Result<(), WireError> {
        self.write(Message::Frame(payload)).await
    }

    /// Writes the zero-length terminator and flushes.
    pub async fn finish(&mut self) -> Result<(), WireError> {
        self.write(Message::Terminator).await
    }

    async fn write(&mut self, message: Message) -> Result<(), WireError> {
        let (header, payload) = message.to_wire(self.max)?;
        let mut bytes = (&header[..]).chain(payload);
        self.inner.write_all_buf(&mut bytes).await?;
        Ok(self.inner.flush().await?)
    }

    /// The underlying writer.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }
}
