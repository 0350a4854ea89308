//! A sender's byte stream as frames: the protocol's length prefixes, or a
//! bare MJPEG or H.264 stream cut into frames here (protocol.md, section 6).

use std::io::Cursor;

use bytes::{Bytes, BytesMut};
use camwire_wire::{AnnexBSplitter, Event, FrameReader, Framing, MjpegSplitter, StreamEnd, WireError};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, Chain};
use tokio_util::codec::FramedRead;

use crate::{admission::Metered, sender_check::SenderConnection};

/// The socket, behind the bytes already read to sniff it.
type Sock = Chain<Cursor<BytesMut>, Metered>;

/// A sender's byte stream: framed (the protocol), or bare MJPEG or H.264.
pub(super) enum Input {
    Framed(FrameReader<Sock>),
    RawMjpeg(FramedRead<Sock, MjpegSplitter>),
    RawH264(FramedRead<Sock, AnnexBSplitter>),
}

impl Input {
    /// Reads the first bytes to tell framed from raw input; `head` holds
    /// those read already (after the camera hello, if there was one).
    pub(super) async fn open(mut sock: Metered, mut head: BytesMut, max_frame: usize) -> Result<Self, WireError> {
        while head.len() < Framing::SNIFF_LEN {
            if sock.read_buf(&mut head).await? == 0 {
                break;
            }
        }
        let framing = Framing::sniff(&head, max_frame);
        let sock = Cursor::new(head).chain(sock);
        Ok(match framing {
            Framing::RawMjpeg => Self::RawMjpeg(FramedRead::new(sock, MjpegSplitter::new(max_frame))),
            Framing::RawH264 => Self::RawH264(FramedRead::new(sock, AnnexBSplitter::new(max_frame))),
            Framing::Framed => Self::Framed(FrameReader::new(sock, max_frame)),
        })
    }

    /// The connection, to turn the sender away.
    pub(super) fn into_socket(self) -> SenderConnection {
        match self {
            Self::Framed(reader) => reader.into_inner().into_inner().1.into_inner(),
            Self::RawMjpeg(reader) => reader.into_inner().into_inner().1.into_inner(),
            Self::RawH264(reader) => reader.into_inner().into_inner().1.into_inner(),
        }
    }

    /// The sender writes bare MJPEG or H.264 with no length prefixes.
    pub(super) fn is_raw(&self) -> bool {
        !matches!(self, Self::Framed(_))
    }

    /// The next frame, or how the stream ended.
    pub(super) async fn next(&mut self) -> Result<Event, WireError> {
        match self {
            Self::Framed(reader) => reader.next_event().await,
            Self::RawMjpeg(reader) => raw_event(reader.next().await),
            Self::RawH264(reader) => raw_event(reader.next().await),
        }
    }
}

/// A raw stream has no terminator: its end is a close.
fn raw_event(next: Option<Result<Bytes, WireError>>) -> Result<Event, WireError> {
    match next {
        Some(Ok(frame)) => Ok(Event::Frame(frame)),
        Some(Err(e)) => Err(e),
        None => Ok(Event::End(StreamEnd::Closed)),
    }
}
