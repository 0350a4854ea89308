//! `--record FILE`: every payload appended as it arrives, written through
//! to the file per frame, so a stream cut at any point leaves a file that
//! plays up to its last whole frame. Concatenated JPEGs are an MJPEG file;
//! concatenated Annex-B access units are a raw `.h264` file.

use std::{
    fs::File,
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};
use tokio::{sync::mpsc, task::JoinHandle};
use tracing::{error, info};

use super::{SinkEvent, SinkReport};
use crate::RecordFormat;

mod container;
mod files;
mod mkv;
mod mp4;
mod timed;
pub(super) mod ts;

pub(super) use container::Timeline;
pub(super) use timed::TimedRecordSink;

/// Appends payloads to one file.
pub(super) struct RecordSink {
    path: PathBuf,
    file: File,
    format: RecordFormat,
}

impl RecordSink {
    /// Creates (or truncates) `path` now, so a bad path fails at start.
    pub(super) fn create(path: &Path, format: RecordFormat) -> Result<Self> {
        let file =
            File::create(path).with_context(|| format!("--record {}: cannot create the file", path.display()))?;
        Ok(Self { path: path.to_owned(), file, format })
    }

    pub(super) fn spawn(mut self, mut rx: mpsc::Receiver<SinkEvent>) -> JoinHandle<()> {
        tokio::task::spawn_blocking(move || {
            let mut written = 0u64;
            // Each stream is recorded from its first keyframe: a player can
            // decode H.264 only from an IDR with its parameter sets.
            let mut waiting_for_keyframe = true;
            while let Some(event) = rx.blocking_recv() {
                match event {
                    SinkEvent::Start(_) => waiting_for_keyframe = true,
                    SinkEvent::Frame(frame) if waiting_for_keyframe && !frame.keyframe => {}
                    SinkEvent::Frame(frame) => {
                        waiting_for_keyframe = false;
                        if frame.kind != self.format.kind() {
                            error!(
                                "--record {}: this stream is {} but the file name says {}; recording stopped \
                                 (name it .{} for this stream)",
                                self.path.display(),
                                frame.kind,
                                self.format.kind(),
                                if frame.kind == camwire_wire::PayloadKind::H264 { "h264" } else { "mjpeg" }
                            );
                            return;
                        }
                        if let Err(e) = self.file.write_all(&frame.data) {
                            error!("--record {}: write failed ({e}); recording stopped", self.path.display());
                            return;
                        }
                        written += frame.data.len() as u64;
                    }
                    SinkEvent::End(report) => {
                        let _ = self.file.sync_data();
                        let _ = report.send(SinkReport::default());
                    }
                }
            }
            info!("recorded {written} bytes to {}", self.path.display());
        })
    }
}
