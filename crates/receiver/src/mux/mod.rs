//! Muxers: frames into container formats, timed by the capture stamps.
//! They know nothing of sinks; the sinks that write files (`--record`),
//! feed browsers (the live fMP4 feed) or servers (`--publish`) use them.
//!
//! - [`fmp4`]: fragmented MP4 boxes, for `.mp4` files and the live feed;
//! - [`mp4`], [`mkv`], [`ts`]: one [`ContainerWriter`] per recording format
//!   (`ts` is also what `--publish` hands to ffmpeg);
//! - [`timeline`]: presentation times from the capture stamps;
//! - [`avc`]: the H.264 facts a container header needs.

pub(crate) mod avc;
pub(crate) mod fmp4;
pub(crate) mod mkv;
pub(crate) mod mp4;
pub(crate) mod timeline;
pub(crate) mod ts;

use std::io;

/// A container format written as frames arrive. The first frame it is given
/// is a keyframe; times are microseconds from the file's first frame and rise.
pub(crate) trait ContainerWriter: Send {
    /// Adds one payload presented at `pts_us`.
    fn write(&mut self, data: &[u8], keyframe: bool, pts_us: u64) -> io::Result<()>;
    /// Writes what is still buffered and whatever closes the file.
    fn finish(&mut self) -> io::Result<()>;
}
