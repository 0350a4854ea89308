//! `--save-dir DIR`: one file per frame, `frame-000001.jpg`, numbered across
//! streams so a restarted sender never overwrites earlier frames. File names
//! come from the counter alone, never from the network.
//!
//! Files are only ever created, never opened if they exist: a name already
//! taken (an earlier file, or a symbolic link someone planted in the
//! directory) is skipped with a warning, and links are never followed. Files
//! are created mode 0640 (less if the umask says so), not world-readable.
//!
//! A frame that cannot be written (a full disk) is skipped, its partial file
//! removed, and the next frame is tried: saving goes on when there is room,
//! and the stream's report says how many frames were lost.

use std::{
    io::{self, Write},
    path::{Path, PathBuf},
};

use anyhow::{anyhow, Context, Result};
use camwire_wire::PayloadKind;
use tracing::warn;

use super::{
    new_file::create_new,
    runner::{BlockingSink, SinkReport},
};
use crate::{
    frame::Frame,
    throttle::{warn_throttled, Throttle},
};

/// Failed writes, logged a few lines every 10 s.
static WRITE_FAILED: Throttle = Throttle::new(3, std::time::Duration::from_secs(10));

/// Names already taken in a row before saving gives up.
const MAX_SKIPS: u32 = 1000;

/// Writes each frame to its own file.
pub(super) struct SaveDirSink {
    dir: PathBuf,
    next: u64,
    /// The receiver's series: the current stream's camera gives `recorded`.
    metrics: Option<std::sync::Arc<crate::metrics::Metrics>>,
    /// `camwire_recorded_bytes_total` of the current stream's camera, with `/metrics`.
    recorded: Option<prometheus::IntCounter>,
    /// Frames of the current stream that could not be written (the first error).
    lost: Option<(u64, String)>,
}

/// The number in a `frame-<digits>.<ext>` name, however many digits.
fn frame_number(name: &str) -> Option<u64> {
    let digits = name.strip_prefix("frame-")?.split('.').next()?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Creates `path` with `data`; fails if anything (a file, a link) has that name.
/// A file that could not be written whole is removed.
fn create_with(path: &Path, data: &[u8]) -> io::Result<()> {
    create_new(path)?.write_all(data).inspect_err(|_| {
        let _ = std::fs::remove_file(path);
    })
}

impl SaveDirSink {
    /// Creates `dir` if needed; numbering continues after any frames already there.
    pub(super) fn create(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("--save-dir {}: cannot create it", dir.display()))?;
        let last = std::fs::read_dir(dir)
            .with_context(|| format!("--save-dir {}: cannot read it", dir.display()))?
            .filter_map(|e| frame_number(e.ok()?.file_name().to_str()?))
            .max();
        let next = match last {
            None => 1,
            Some(n) => n.checked_add(1).with_context(|| {
                format!(
                    "--save-dir {}: holds frame-{n}, the last possible number; use an empty directory",
                    dir.display()
                )
            })?,
        };
        Ok(Self { dir: dir.to_owned(), next, lost: None, metrics: None, recorded: None })
    }

    /// Counts the bytes saved into each stream's camera's
    /// `camwire_recorded_bytes_total` too.
    pub(super) fn counting(self, metrics: std::sync::Arc<crate::metrics::Metrics>) -> Self {
        Self { metrics: Some(metrics), ..self }
    }

    /// Saves one frame under the next free number; a frame that cannot be written is skipped.
    fn save(&mut self, data: &[u8], ext: &str) -> Result<(), String> {
        for _ in 0..MAX_SKIPS {
            let path = self.dir.join(format!("frame-{:06}.{ext}", self.next));
            self.next += 1;
            match create_with(&path, data) {
                Ok(()) => {
                    self.recorded.iter().for_each(|c| c.inc_by(data.len() as u64));
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    warn!(
                        "--save-dir: {} already exists (not written by this run); left it, saved under the next number",
                        path.display()
                    );
                }
                Err(e) => {
                    // The number is used again for the next frame.
                    self.next -= 1;
                    let lost = self.lost.get_or_insert_with(|| (0, e.to_string()));
                    lost.0 += 1;
                    warn_throttled!(
                        WRITE_FAILED,
                        "--save-dir: writing {} failed ({e}); skipped the frame, the next is tried",
                        path.display()
                    );
                    return Ok(());
                }
            }
        }
        Err(format!("{MAX_SKIPS} names in a row already taken in {}", self.dir.display()))
    }
}

impl BlockingSink for SaveDirSink {
    fn start(&mut self, stream: &crate::frame::StreamInfo) {
        self.recorded = self.metrics.as_ref().map(|m| m.camera(stream.camera.as_str()).recorded);
    }

    fn frame(&mut self, frame: Frame) -> Result<()> {
        let ext = if frame.kind == PayloadKind::H264 { "h264" } else { "jpg" };
        self.save(&frame.data, ext).map_err(|e| anyhow!("--save-dir: {e}; saving stopped"))?;
        Ok(())
    }

    fn end(&mut self) -> SinkReport {
        let failed = self.lost.take().map(|(n, e)| format!("--save-dir: {n} frames not saved (writing failed: {e})"));
        SinkReport { failed, ..SinkReport::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::frame_number;

    #[test]
    fn reads_the_whole_number_however_many_digits() {
        assert_eq!(frame_number("frame-000001.jpg"), Some(1));
        assert_eq!(frame_number("frame-1000000.jpg"), Some(1_000_000));
        assert_eq!(frame_number("frame-12345678901.h264"), Some(12_345_678_901));
        assert_eq!(frame_number("frame-.jpg"), None);
        assert_eq!(frame_number("frame-12a.jpg"), None);
        assert_eq!(frame_number("other-000001.jpg"), None);
    }
}
