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

use std::{
    fs::File,
    io::{self, Seek, SeekFrom, Write},
};

/// Where a muxer's output goes, one unit at a time: a fragment, a cluster,
/// the packets of an access unit.
pub(crate) trait UnitWrite {
    /// Writes `unit` whole or not at all: a file that cannot take all of it
    /// (a full disk) is cut back to where it was, so it still ends on the
    /// last whole unit and plays to its end.
    fn write_unit(&mut self, unit: &[u8]) -> io::Result<()>;
}

impl UnitWrite for Vec<u8> {
    fn write_unit(&mut self, unit: &[u8]) -> io::Result<()> {
        self.extend_from_slice(unit);
        Ok(())
    }
}

impl UnitWrite for File {
    fn write_unit(&mut self, unit: &[u8]) -> io::Result<()> {
        let at = self.stream_position()?;
        self.write_all(unit).inspect_err(|_| {
            // Best effort: cutting back frees space, so it works on a full disk.
            let _ = self.set_len(at).and_then(|()| self.seek(SeekFrom::Start(at)));
        })
    }
}

/// A container format written as frames arrive. The first frame it is given
/// is a keyframe; times are microseconds from the file's first frame and rise.
pub(crate) trait ContainerWriter: Send {
    /// Adds one payload presented at `pts_us`.
    fn write(&mut self, data: &[u8], keyframe: bool, pts_us: u64) -> io::Result<()>;
    /// Writes what is still buffered and whatever closes the file.
    fn finish(&mut self) -> io::Result<()>;
}
