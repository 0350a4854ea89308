//! The camwire frame protocol, shared by `cam-send` and `cam-recv`.
//!
//! A stream is a sequence of frames, each a `u32` little-endian length `N`
//! followed by `N` payload bytes; `N = 0` ends the stream. This is the classic
//! picamera "capture to a network stream" recipe (`struct.pack('<L', len)`),
//! byte for byte. `protocol.md` at the repository root is the normative text.
//!
//! ```text
//! 02 00 00 00  AB CD     one frame of two bytes
//! 00 00 00 00            the terminator
//! ```
//!
//! - [`FrameCodec`], [`FrameReader`], [`FrameWriter`]: async framing on
//!   tokio-util's `LengthDelimitedCodec`.
//! - [`BlockingFrameReader`], [`BlockingFrameWriter`]: the same over `std::io`.
//! - [`PayloadKind`], [`jpeg_dimensions`]: what a payload is, without decoding it.
//! - [`Framing`]: framed or raw, from a connection's first bytes.
//! - [`MjpegSplitter`]: unframed MJPEG bytes to whole JPEGs.
//! - [`AnnexBSplitter`]: an unframed H.264 Annex-B stream to access units;
//!   [`nal_units`], [`NalType`], [`is_idr_access_unit`], [`has_parameter_sets`]
//!   to look inside one; [`KeyframeGate`]: start an output on a keyframe.
//! - [`notice`]: the optional lines a receiver writes back (`CAMWIRE REFUSED busy`).
//! - [`hello`]: the optional line a sender writes first to name its camera
//!   (`CAMWIRE HELLO name=garden`), and [`CameraName`].
//! - [`channel`]: the optional back channel a sender offers in its hello
//!   (`channel=1`), and the receiver's requests on it (`CAMWIRE KEYFRAME`).

mod annexb;
mod blocking;
pub mod channel;
mod codec;
mod error;
mod framing;
pub mod handshake;
pub mod hello;
mod jpeg;
mod keyframe;
mod kind;
mod mjpeg;
pub mod notice;
mod parameter_sets;
mod preview;
mod sps;
pub mod stamp;

pub use annexb::{has_parameter_sets, is_idr_access_unit, nal_units, AnnexBSplitter, NalType, RbspBits};
pub use blocking::{BlockingEvent, BlockingFrameReader, BlockingFrameWriter};
pub use codec::{Event, FrameCodec, FrameReader, FrameWriter, Message, GROW_STEP};
pub use error::{frame_header, WireError};
pub use framing::Framing;
pub use handshake::HandshakeError;
pub use hello::{CameraName, Hello, HelloError};
pub use jpeg::jpeg_dimensions;
pub use keyframe::KeyframeGate;
pub use kind::{is_picture, PayloadKind};
pub use mjpeg::MjpegSplitter;
pub use parameter_sets::ParameterSets;
pub use sps::Sps;

/// Bytes in a frame header.
pub const HEADER_LEN: usize = 4;

/// The default largest payload: 16 MiB. A header announcing more is rejected
/// before anything is allocated.
pub const DEFAULT_MAX_FRAME: usize = 16 << 20;

/// How a stream of frames ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamEnd {
    /// The zero-length terminator arrived: the sender finished on purpose.
    Terminated,
    /// The peer closed the connection between two frames, without a terminator.
    Closed,
    /// The peer closed the connection inside a frame: `got` of `expected`
    /// bytes of the unfinished header (expected = 4) or payload arrived.
    Truncated {
        /// Bytes of the unfinished part that arrived.
        got: usize,
        /// Bytes that part should have had.
        expected: usize,
    },
}

impl StreamEnd {
    /// True only for [`StreamEnd::Terminated`].
    pub fn is_terminated(self) -> bool {
        self == Self::Terminated
    }
}

impl std::fmt::Display for StreamEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Terminated => f.write_str("ended with the terminator"),
            Self::Closed => f.write_str("closed without a terminator"),
            Self::Truncated { got, expected } => {
                write!(f, "cut inside a frame ({got} of {expected} bytes)")
            }
        }
    }
}
