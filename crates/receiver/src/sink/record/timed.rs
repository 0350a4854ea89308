//! `--record NAME.mkv|.mp4|.ts`: every frame into a container, timed by the
//! capture stamps. Each stream starts a new file on its first keyframe;
//! with `--segment` a new file also starts on the first keyframe after each
//! DURATION of recorded time.

use std::{fs::File, path::PathBuf, time::Duration};

use anyhow::{bail, Result};
use camwire_wire::{KeyframeGate, PayloadKind};
use tracing::{error, info};

use super::files::RecordFiles;
use crate::{
    config::{RecordFormat, Segments},
    frame::{Frame, StreamInfo},
    mux::{mkv::MkvWriter, mp4::Mp4Writer, timeline::Timeline, ts::TsWriter, ContainerWriter},
    sink::runner::{BlockingSink, SinkReport},
};

/// The file being written.
struct Open {
    path: PathBuf,
    writer: Box<dyn ContainerWriter>,
    timeline: Timeline,
    /// The newest frame's time, in microseconds.
    last_pts: u64,
    /// What the file holds: frames of another kind are left out.
    kind: camwire_wire::PayloadKind,
}

impl Open {
    fn close(mut self, files: &mut RecordFiles) {
        if let Err(e) = self.writer.finish() {
            error!("--record {}: closing the file failed ({e})", self.path.display());
        }
        files.closed();
    }
}

/// Records into containers.
pub(crate) struct TimedRecordSink {
    /// The `--record` argument, for messages.
    pattern: PathBuf,
    format: RecordFormat,
    files: RecordFiles,
    segment: Option<Duration>,
    /// The file being written.
    open: Option<Open>,
    /// Each stream starts on a keyframe.
    start: KeyframeGate,
    /// Why the stream (or the rest of it) cannot go into this container:
    /// skipped until the next one, and the stream's report says so.
    refused: Option<String>,
    /// Files of the current stream, for its summary line.
    stream_files: Vec<PathBuf>,
    /// The receiver's series: the current stream's camera gives `recorded`.
    metrics: Option<std::sync::Arc<crate::metrics::Metrics>>,
    /// `camwire_recorded_bytes_total` of the current stream's camera, with `/metrics`.
    recorded: Option<prometheus::IntCounter>,
    /// The camera's sender, asked for a keyframe when a segment is full
    /// (protocol.md, section 12.3), so the next one starts at once.
    keyframes: Option<crate::backchannel::KeyframeRequests>,
    /// The open segment is full and its keyframe was asked for.
    asked: bool,
}

impl TimedRecordSink {
    /// Checks the name now (a fixed name is created now, replacing an existing
    /// file only with `overwrite`) so a bad path fails at start.
    pub(crate) fn create(
        pattern: &std::path::Path,
        format: RecordFormat,
        segments: &Segments,
        overwrite: bool,
    ) -> Result<Self> {
        let files = RecordFiles::new(pattern, segments, overwrite)?;
        Ok(Self {
            pattern: pattern.to_owned(),
            format,
            files,
            segment: segments.every,
            open: None,
            start: KeyframeGate::new(),
            refused: None,
            stream_files: Vec::new(),
            metrics: None,
            recorded: None,
            keyframes: None,
            asked: false,
        })
    }

    /// Asks the camera's sender for a keyframe when a segment is full and
    /// the frame at hand is not one: a sender with its own encoder then cuts
    /// the segment at once instead of at its next keyframe (`--intra`).
    pub(crate) fn asking(self, keyframes: crate::backchannel::KeyframeRequests) -> Self {
        Self { keyframes: Some(keyframes), ..self }
    }

    /// Counts the payload bytes written into each stream's camera's
    /// `camwire_recorded_bytes_total` too.
    pub(crate) fn counting(self, metrics: std::sync::Arc<crate::metrics::Metrics>) -> Self {
        Self { metrics: Some(metrics), ..self }
    }

    /// Writes `frame`, starting a file first when none is open or the
    /// segment is full; `Ok(Some(why))` when the stream cannot be recorded here.
    fn record(
        &mut self,
        open: &mut Option<Open>,
        frame: &Frame,
        written: &mut Vec<PathBuf>,
    ) -> std::io::Result<Option<String>> {
        if let Some(o) = open.as_ref().filter(|o| o.kind != frame.kind) {
            error!(
                "--record {}: the stream switched from {} to {}; the rest of it is not recorded",
                o.path.display(),
                o.kind,
                frame.kind
            );
            return Ok(Some("the rest of the stream was not recorded (see above)".into()));
        }
        let mut pts = open.as_mut().map(|o| o.timeline.pts_us(frame));
        // Full at the keyframe nearest the boundary: capture jitter must not push a cut a whole GOP later.
        let half_gap = open.as_ref().zip(pts).map_or(0, |(o, pts)| (pts - o.last_pts) / 2);
        let segment_full = self.segment.zip(pts).is_some_and(|(every, pts)| pts + half_gap >= every.as_micros() as u64);
        if segment_full && frame.keyframe {
            open.take().expect("a file is open").close(&mut self.files);
            pts = None;
        } else if segment_full && !std::mem::replace(&mut self.asked, true) {
            if let Some(keyframes) = &self.keyframes {
                keyframes.request("record");
            }
        }
        let o = match open {
            Some(o) => o,
            None => {
                let (path, file) = self
                    .files
                    .next()
                    .map_err(|e| std::io::Error::new(e.kind(), format!("cannot create the next file ({e})")))?;
                let writer = match open_writer(self.format, file, frame) {
                    Ok(w) => w,
                    Err(why) => {
                        self.files.discard_newest();
                        error!(
                            "--record {}: {why}; this stream is not recorded (.mkv takes JPEG and H.264, \
                             .mp4 and .ts take H.264)",
                            path.display()
                        );
                        return Ok(Some("the stream was not recorded (see above)".into()));
                    }
                };
                info!("--record: writing {}", path.display());
                self.asked = false;
                written.push(path.clone());
                let mut timeline = Timeline::default();
                pts = Some(timeline.pts_us(frame));
                open.insert(Open { path, writer, timeline, last_pts: 0, kind: frame.kind })
            }
        };
        let pts = pts.expect("timed above");
        o.last_pts = pts;
        o.writer
            .write(&frame.data, frame.keyframe, pts)
            .map_err(|e| std::io::Error::new(e.kind(), format!("write failed ({e})")))?;
        self.recorded.iter().for_each(|c| c.inc_by(frame.data.len() as u64));
        Ok(None)
    }
}

impl BlockingSink for TimedRecordSink {
    fn start(&mut self, stream: &StreamInfo) {
        self.start.close();
        self.refused = None;
        self.recorded = self.metrics.as_ref().map(|m| m.camera(stream.camera.as_str()).recorded);
    }

    fn frame(&mut self, frame: Frame) -> Result<()> {
        if self.refused.is_some() || !self.start.pass(frame.keyframe) {
            return Ok(());
        }
        let mut open = self.open.take();
        let mut stream_files = std::mem::take(&mut self.stream_files);
        let recorded = self.record(&mut open, &frame, &mut stream_files);
        self.stream_files = stream_files;
        let path = open.as_ref().map_or(&self.pattern, |o| &o.path).clone();
        // Kept even after a failed write: closing it writes what still fits (each writer
        // cuts a write that does not fit back to the last whole unit).
        self.open = open;
        match recorded {
            Ok(None) => Ok(()),
            Ok(why) => {
                self.refused = why;
                Ok(())
            }
            Err(e) => bail!("--record {}: {e}; recording stopped", path.display()),
        }
    }

    fn end(&mut self) -> SinkReport {
        if let Some(o) = self.open.take() {
            o.close(&mut self.files);
        }
        let mut files = std::mem::take(&mut self.stream_files);
        // Only what is still there: --keep and --max-bytes may have deleted the first ones already.
        files.retain(|f| self.files.kept(f));
        SinkReport { files, failed: self.refused.take().map(|why| format!("--record: {why}")), ..SinkReport::default() }
    }

    fn close(&mut self) {
        if let Some(o) = self.open.take() {
            o.close(&mut self.files);
        }
    }
}

/// A writer of `format` into `file` for the stream whose first keyframe is
/// `first`; `Err` names what this container cannot hold.
fn open_writer(format: RecordFormat, file: File, first: &Frame) -> Result<Box<dyn ContainerWriter>, String> {
    let unsupported = || format!("a {} stream cannot go into .{}", first.kind, extension(format));
    Ok(match (format, first.kind) {
        (RecordFormat::Mkv, PayloadKind::Jpeg | PayloadKind::H264) => Box::new(MkvWriter::new(file, first)?),
        (RecordFormat::Mp4, PayloadKind::H264) => Box::new(Mp4Writer::new(file, &first.data)?),
        (RecordFormat::Ts, PayloadKind::H264) => Box::new(TsWriter::new(file)),
        _ => return Err(unsupported()),
    })
}

/// The usual file extension of `format`.
fn extension(format: RecordFormat) -> &'static str {
    match format {
        RecordFormat::Mjpeg => "mjpeg",
        RecordFormat::H264 => "h264",
        RecordFormat::Mkv => "mkv",
        RecordFormat::Mp4 => "mp4",
        RecordFormat::Ts => "ts",
    }
}
