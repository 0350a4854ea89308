//! `--record FILE`: every payload appended as it arrives, written through
//! to the file per frame, so a stream cut at any point leaves a file that
//! plays up to its last whole frame. Concatenated JPEGs are an MJPEG file;
//! concatenated Annex-B access units are a raw `.h264` file.
//!
//! The file is made new at start (an existing one is refused unless
//! `--overwrite`), never through a symbolic link, readable by the owner's
//! group (mode 0640 before the umask). Every stream of the run goes into the
//! same file one after the other, each H.264 stream from its first IDR, so
//! the file plays straight through. A stream of the other kind than the file
//! name says stops the recording with an error line: the sink fails.
//!
//! A write that fails (a full disk) loses only what cannot be written: the
//! partial frame is cut off again, the recording skips to the next keyframe
//! (of this stream or a later one) and goes on when there is room, and the
//! stream's report says how many frames were lost.

use std::{
    fs::{File, OpenOptions},
    io::{Seek, SeekFrom, Write},
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
};

use anyhow::{anyhow, bail, Result};
use camwire_wire::KeyframeGate;
use prometheus::IntCounter;
use tracing::{debug, info};

use super::{BlockingSink, SinkReport};
use crate::{
    config::RecordFormat,
    frame::{Frame, StreamInfo},
    throttle::{warn_throttled, Throttle},
};

/// Failed writes of the raw recording, logged a few lines every 10 s.
static WRITE_FAILED: Throttle = Throttle::new(3, std::time::Duration::from_secs(10));

mod files;
mod folder;
mod timed;

pub(super) use timed::TimedRecordSink;

/// Appends payloads to one file.
pub(super) struct RecordSink {
    path: PathBuf,
    file: File,
    format: RecordFormat,
    /// Each stream is recorded from its first keyframe: a player can decode
    /// H.264 only from an IDR with its parameter sets.
    start: KeyframeGate,
    /// Bytes in the file.
    written: u64,
    /// The stream is of the wrong kind: the recording ended there.
    stopped: bool,
    /// `camwire_recorded_bytes_total` of the camera, with `/metrics`.
    recorded: Option<IntCounter>,
    /// Frames of the current stream that could not be written (the first error).
    lost: Option<(u64, String)>,
}

impl RecordSink {
    /// Creates `path` now, so a bad path fails at start: a new file, or with
    /// `overwrite` an existing one emptied. A symbolic link is refused.
    pub(super) fn create(path: &Path, format: RecordFormat, overwrite: bool) -> Result<Self> {
        let mut options = OpenOptions::new();
        options
            .write(true)
            .mode(0o640)
            .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::CLOEXEC).bits() as i32);
        if overwrite {
            options.create(true).truncate(true);
        } else {
            options.create_new(true);
        }
        let file = options.open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                "--record {}: the file exists; choose a new name, or add --overwrite to replace it",
                path.display()
            ),
            _ if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                anyhow::anyhow!("--record {}: is a symbolic link; give the real file name", path.display())
            }
            _ => anyhow::Error::new(e).context(format!("--record {}: cannot create the file", path.display())),
        })?;
        Ok(Self {
            path: path.to_owned(),
            file,
            format,
            start: KeyframeGate::new(),
            written: 0,
            stopped: false,
            recorded: None,
            lost: None,
        })
    }

    /// Appends one payload, from the stream's first keyframe on.
    fn write(&mut self, frame: &Frame) -> Result<()> {
        if frame.kind != self.format.kind() {
            bail!(
                "this stream is {} but the file name says {} (name it .{} for this stream)",
                frame.kind,
                self.format.kind(),
                if frame.kind == camwire_wire::PayloadKind::H264 { "h264" } else { "mjpeg" }
            );
        }
        if !self.start.pass(frame.keyframe) {
            return Ok(());
        }
        match self.file.write_all(&frame.data) {
            Ok(()) => {
                self.written += frame.data.len() as u64;
                self.recorded.iter().for_each(|c| c.inc_by(frame.data.len() as u64));
            }
            Err(e) => self.skip(e),
        }
        Ok(())
    }

    /// A frame could not be written: cut off what was, then wait for the next keyframe.
    fn skip(&mut self, e: std::io::Error) {
        let _ = self.file.set_len(self.written).and_then(|()| self.file.seek(SeekFrom::Start(self.written)));
        self.start.close();
        let lost = self.lost.get_or_insert_with(|| (0, e.to_string()));
        lost.0 += 1;
        warn_throttled!(
            WRITE_FAILED,
            "--record {}: writing failed ({e}); frames are skipped until a keyframe can be written",
            self.path.display()
        );
    }
}

impl RecordSink {
    /// Counts the payload bytes written into `recorded` too.
    pub(super) fn counting(self, recorded: IntCounter) -> Self {
        Self { recorded: Some(recorded), ..self }
    }
}

impl BlockingSink for RecordSink {
    fn start(&mut self, stream: &StreamInfo) {
        debug!("record: stream {} from {} goes on at byte {}", stream.number, stream.peer, self.written);
        self.start.close();
    }

    fn frame(&mut self, frame: Frame) -> Result<()> {
        self.write(&frame).map_err(|e| {
            self.stopped = true;
            anyhow!("--record {}: {e:#}; recording stopped after {} bytes", self.path.display(), self.written)
        })
    }

    fn end(&mut self) -> SinkReport {
        let _ = self.file.sync_data();
        debug!("record: stream ended, {} bytes in the file", self.written);
        let failed = self
            .lost
            .take()
            .map(|(n, e)| format!("--record {}: {n} frames not recorded (writing failed: {e})", self.path.display()));
        SinkReport { failed, ..SinkReport::default() }
    }

    fn close(&mut self) {
        let _ = self.file.sync_data();
        if !self.stopped {
            info!("recorded {} bytes to {}", self.written, self.path.display());
        }
    }
}
