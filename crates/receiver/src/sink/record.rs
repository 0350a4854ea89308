//! `--record FILE`: every payload appended as it arrives, written through
//! to the file per frame, so a stream cut at any point leaves a file that
//! plays up to its last whole frame. Concatenated JPEGs are an MJPEG file;
//! concatenated Annex-B access units are a raw `.h264` file.
//!
//! The file is made new with the first frame, so a run that receives
//! nothing leaves nothing (an existing one is refused at start unless
//! `--overwrite`, and replaced only then), never through a symbolic link,
//! readable by the owner's group (mode 0640 before the umask). Every stream of the run goes into the
//! same file one after the other, each H.264 stream from its first IDR, so
//! the file plays straight through. A stream of the other kind than the file
//! name says stops the recording with an error line: the sink fails.
//!
//! A write that fails (a full disk) loses only what cannot be written: the
//! partial frame is cut off again, the recording skips to the next keyframe
//! (of this stream or a later one) and goes on when there is room, and the
//! stream's report says how many frames were lost.

use std::{
    fs::File,
    io::{Seek, SeekFrom, Write},
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::{anyhow, bail, Context, Result};
use camwire_wire::KeyframeGate;
use prometheus::IntCounter;
use tracing::{debug, info};

use super::{
    new_file::create_new,
    runner::{BlockingSink, SinkReport},
};
use crate::{
    config::RecordFormat,
    frame::{Frame, StreamInfo},
    metrics::Metrics,
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
    /// Made with the first frame written.
    file: Option<File>,
    overwrite: bool,
    format: RecordFormat,
    /// Each stream is recorded from its first keyframe: a player can decode
    /// H.264 only from an IDR with its parameter sets.
    start: KeyframeGate,
    /// Bytes in the file.
    written: u64,
    /// The stream is of the wrong kind: the recording ended there.
    stopped: bool,
    /// The receiver's series: the current stream's camera gives `recorded`.
    metrics: Option<Arc<Metrics>>,
    /// `camwire_recorded_bytes_total` of the current stream's camera, with `/metrics`.
    recorded: Option<IntCounter>,
    /// Frames of the current stream that could not be written (the first error).
    lost: Option<(u64, String)>,
}

impl RecordSink {
    /// Checks `path` now, so a bad name fails at start: nothing of that name,
    /// or with `overwrite` a file (never a symbolic link). The file itself is
    /// made with the first frame.
    pub(super) fn create(path: &Path, format: RecordFormat, overwrite: bool) -> Result<Self> {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() && overwrite => {
                bail!("--record {}: is a symbolic link; give the real file name", path.display())
            }
            Ok(m) if m.is_dir() => bail!("--record {}: is a folder; give a file name", path.display()),
            Ok(_) if !overwrite => bail!(
                "--record {}: the file exists; choose a new name, or add --overwrite to replace it",
                path.display()
            ),
            _ => {}
        }
        Ok(Self {
            path: path.to_owned(),
            file: None,
            overwrite,
            format,
            start: KeyframeGate::new(),
            written: 0,
            stopped: false,
            metrics: None,
            recorded: None,
            lost: None,
        })
    }

    /// The file, made now if this is the first frame: a new file, or with
    /// `--overwrite` one that replaces the old (never a symbolic link).
    fn file(&mut self) -> Result<&mut File> {
        if self.file.is_none() {
            let old = std::fs::symlink_metadata(&self.path);
            if std::mem::take(&mut self.overwrite) && old.is_ok_and(|m| !m.is_dir() && !m.is_symlink()) {
                std::fs::remove_file(&self.path).context("cannot replace the file")?;
            }
            let file = create_new(&self.path).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => anyhow!("the file appeared since the start; left it"),
                _ => anyhow::Error::new(e).context("cannot create the file"),
            })?;
            self.file = Some(file);
        }
        Ok(self.file.as_mut().expect("made above"))
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
        let result = self.file()?.write_all(&frame.data);
        match result {
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
        if let Some(file) = &mut self.file {
            let _ = file.set_len(self.written).and_then(|()| file.seek(SeekFrom::Start(self.written)));
        }
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
    /// Counts the payload bytes written into each stream's camera's
    /// `camwire_recorded_bytes_total` too.
    pub(super) fn counting(self, metrics: Arc<Metrics>) -> Self {
        Self { metrics: Some(metrics), ..self }
    }
}

impl BlockingSink for RecordSink {
    fn start(&mut self, stream: &StreamInfo) {
        debug!("record: stream {} from {} goes on at byte {}", stream.number, stream.peer, self.written);
        self.recorded = self.metrics.as_ref().map(|m| m.camera(stream.camera.as_str()).recorded);
        self.start.close();
    }

    fn frame(&mut self, frame: Frame) -> Result<()> {
        self.write(&frame).map_err(|e| {
            self.stopped = true;
            anyhow!("--record {}: {e:#}; recording stopped after {} bytes", self.path.display(), self.written)
        })
    }

    fn end(&mut self) -> SinkReport {
        if let Some(file) = &self.file {
            let _ = file.sync_data();
        }
        debug!("record: stream ended, {} bytes in the file", self.written);
        let failed = self
            .lost
            .take()
            .map(|(n, e)| format!("--record {}: {n} frames not recorded (writing failed: {e})", self.path.display()));
        SinkReport { failed, ..SinkReport::default() }
    }

    fn close(&mut self) {
        match &self.file {
            Some(file) => {
                let _ = file.sync_data();
                if !self.stopped {
                    info!("recorded {} bytes to {}", self.written, self.path.display());
                }
            }
            None => info!("--record {}: nothing was recorded, so no file was made", self.path.display()),
        }
    }
}
