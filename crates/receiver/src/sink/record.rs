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

use std::{
    fs::{File, OpenOptions},
    io::Write,
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use tokio::{sync::mpsc, task::JoinHandle};
use tracing::{debug, error, info};

use super::{SinkEvent, SinkReport};
use crate::RecordFormat;

mod container;
mod files;
mod mkv;
mod mp4;
mod timed;
pub(super) mod ts;

pub(super) use container::{length_prefixed, H264Config, Timeline};
pub(super) use timed::TimedRecordSink;

/// Appends payloads to one file.
pub(super) struct RecordSink {
    path: PathBuf,
    file: File,
    format: RecordFormat,
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
        Ok(Self { path: path.to_owned(), file, format })
    }

    pub(super) fn spawn(mut self, mut rx: mpsc::Receiver<SinkEvent>) -> JoinHandle<()> {
        tokio::task::spawn_blocking(move || {
            let mut written = 0u64;
            let result = self.record(&mut rx, &mut written);
            let _ = self.file.sync_data();
            match result {
                Ok(()) => info!("recorded {written} bytes to {}", self.path.display()),
                // Ending the task is how a sink fails: the receiver reports it.
                Err(e) => error!("--record {}: {e:#}; recording stopped after {written} bytes", self.path.display()),
            }
        })
    }

    /// Writes every stream's frames until the receiver closes; an error ends the recording.
    fn record(&mut self, rx: &mut mpsc::Receiver<SinkEvent>, written: &mut u64) -> Result<()> {
        // Each stream is recorded from its first keyframe: a player can
        // decode H.264 only from an IDR with its parameter sets.
        let mut waiting_for_keyframe = true;
        while let Some(event) = rx.blocking_recv() {
            match event {
                SinkEvent::Start(info) => {
                    debug!("record: stream {} from {} goes on at byte {written}", info.number, info.peer);
                    waiting_for_keyframe = true;
                }
                SinkEvent::Frame(frame) if frame.kind != self.format.kind() => bail!(
                    "this stream is {} but the file name says {} (name it .{} for this stream)",
                    frame.kind,
                    self.format.kind(),
                    if frame.kind == camwire_wire::PayloadKind::H264 { "h264" } else { "mjpeg" }
                ),
                SinkEvent::Frame(frame) if waiting_for_keyframe && !frame.keyframe => {}
                SinkEvent::Frame(frame) => {
                    waiting_for_keyframe = false;
                    self.file.write_all(&frame.data).context("write failed")?;
                    *written += frame.data.len() as u64;
                }
                SinkEvent::End(report) => {
                    let _ = self.file.sync_data();
                    debug!("record: stream ended, {written} bytes in the file");
                    let _ = report.send(SinkReport::default());
                }
            }
        }
        Ok(())
    }
}
