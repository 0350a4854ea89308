//! `--save-dir DIR`: one file per frame, `frame-000001.jpg`, numbered across
//! streams so a restarted sender never overwrites earlier frames. File names
//! come from the counter alone, never from the network.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use camwire_wire::PayloadKind;
use tokio::{sync::mpsc, task::JoinHandle};
use tracing::error;

use super::{SinkEvent, SinkReport};

/// Writes each frame to its own file.
pub(super) struct SaveDirSink {
    dir: PathBuf,
    next: u64,
}

impl SaveDirSink {
    /// Creates `dir` if needed; numbering continues after any frames already there.
    pub(super) fn create(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("--save-dir {}: cannot create it", dir.display()))?;
        let next = std::fs::read_dir(dir)
            .with_context(|| format!("--save-dir {}: cannot read it", dir.display()))?
            .filter_map(|e| e.ok()?.file_name().to_str()?.strip_prefix("frame-")?.get(..6)?.parse::<u64>().ok())
            .max()
            .map_or(1, |n| n + 1);
        Ok(Self { dir: dir.to_owned(), next })
    }

    pub(super) fn spawn(mut self, mut rx: mpsc::Receiver<SinkEvent>) -> JoinHandle<()> {
        tokio::task::spawn_blocking(move || {
            while let Some(event) = rx.blocking_recv() {
                match event {
                    SinkEvent::Start(_) => {}
                    SinkEvent::Frame(frame) => {
                        let ext = if frame.kind == PayloadKind::H264 { "h264" } else { "jpg" };
                        let path = self.dir.join(format!("frame-{:06}.{ext}", self.next));
                        if let Err(e) = std::fs::write(&path, &frame.data) {
                            error!("--save-dir: writing {} failed ({e}); saving stopped", path.display());
                            return;
                        }
                        self.next += 1;
                    }
                    SinkEvent::End(report) => {
                        let _ = report.send(SinkReport::default());
                    }
                }
            }
        })
    }
}
