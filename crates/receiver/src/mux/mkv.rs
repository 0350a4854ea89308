//! Matroska (`.mkv`, JPEG as `V_MJPEG` or H.264 as `V_MPEG4/ISO/AVC`): the
//! EBML header, a Segment of unknown size (so nothing before it needs
//! rewriting), Info and Tracks, then one Cluster per second of video, each
//! written whole. A cut file plays up to its last whole Cluster, and a full
//! disk leaves no partial one; Info's Duration is brought up to date in
//! place as each Cluster is written, so even a file cut by `kill -9` says
//! how long it is.
//!
//! Written here rather than with a crate: `webm` binds libwebm and takes
//! only VP8/VP9/AV1, and `mkv-element` (edition 2024, element trees built in
//! memory) needs as much code around it as the dozen element IDs below.

use std::{
    fs::File,
    io::{self, Write},
    os::unix::fs::FileExt,
};

use camwire_wire::{jpeg_dimensions, PayloadKind};

use super::{
    avc::{length_prefixed, H264Config},
    ContainerWriter, UnitWrite,
};
use crate::frame::Frame;

/// A Cluster is written once it holds this much video.
const CLUSTER_MS: u64 = 1_000;

/// Element IDs (Matroska specification, RFC 9559).
mod id {
    pub const EBML: u32 = 0x1A45_DFA3;
    pub const EBML_VERSION: u32 = 0x4286;
    pub const EBML_READ_VERSION: u32 = 0x42F7;
    pub const EBML_MAX_ID_LENGTH: u32 = 0x42F2;
    pub const EBML_MAX_SIZE_LENGTH: u32 = 0x42F3;
    pub const DOC_TYPE: u32 = 0x4282;
    pub const DOC_TYPE_VERSION: u32 = 0x4287;
    pub const DOC_TYPE_READ_VERSION: u32 = 0x4285;
    pub const SEGMENT: u32 = 0x1853_8067;
    pub const INFO: u32 = 0x1549_A966;
    pub const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
    pub const DURATION: u32 = 0x4489;
    pub const MUXING_APP: u32 = 0x4D80;
    pub const WRITING_APP: u32 = 0x5741;
    pub const TRACKS: u32 = 0x1654_AE6B;
    pub const TRACK_ENTRY: u32 = 0xAE;
    pub const TRACK_NUMBER: u32 = 0xD7;
    pub const TRACK_UID: u32 = 0x73C5;
    pub const TRACK_TYPE: u32 = 0x83;
    pub const FLAG_LACING: u32 = 0x9C;
    pub const CODEC_ID: u32 = 0x86;
    pub const CODEC_PRIVATE: u32 = 0x63A2;
    pub const VIDEO: u32 = 0xE0;
    pub const PIXEL_WIDTH: u32 = 0xB0;
    pub const PIXEL_HEIGHT: u32 = 0xBA;
    pub const CLUSTER: u32 = 0x1F43_B675;
    pub const TIMESTAMP: u32 = 0xE7;
    pub const SIMPLE_BLOCK: u32 = 0xA3;
}

/// An element: its ID, its size as an 8-byte EBML number, its body.
fn element(id: u32, body: &[u8]) -> Vec<u8> {
    let mut out = id_bytes(id);
    out.push(0x01);
    out.extend_from_slice(&(body.len() as u64).to_be_bytes()[1..]);
    out.extend_from_slice(body);
    out
}

fn id_bytes(id: u32) -> Vec<u8> {
    let b = id.to_be_bytes();
    let skip = b.iter().position(|&x| x != 0).unwrap_or(3);
    b[skip..].to_vec()
}

fn uint(id: u32, v: u64) -> Vec<u8> {
    element(id, &v.to_be_bytes())
}

fn text(id: u32, s: &str) -> Vec<u8> {
    element(id, s.as_bytes())
}

/// Writes Matroska with one video track.
pub(crate) struct MkvWriter {
    out: File,
    h264: bool,
    /// Where the 8-byte float of Info's Duration lies in the file.
    duration_at: u64,
    /// The open Cluster's timestamp (ms) and its SimpleBlocks.
    cluster: Option<(u64, Vec<u8>)>,
    /// The newest frame's time and the gap before it, in ms.
    last_ms: u64,
    last_gap_ms: u64,
}

impl MkvWriter {
    /// Writes the header for the stream whose first keyframe is `first`.
    pub(crate) fn new(mut out: File, first: &Frame) -> Result<Self, String> {
        let (codec, private, (width, height)) = match first.kind {
            PayloadKind::H264 => {
                let c = H264Config::from_keyframe(&first.data)?;
                ("V_MPEG4/ISO/AVC", Some(c.avcc_record()), (c.width, c.height))
            }
            _ => ("V_MJPEG", None, jpeg_dimensions(&first.data).ok_or("the first JPEG has no picture size")?),
        };
        let mut head = element(
            id::EBML,
            &[
                uint(id::EBML_VERSION, 1),
                uint(id::EBML_READ_VERSION, 1),
                uint(id::EBML_MAX_ID_LENGTH, 4),
                uint(id::EBML_MAX_SIZE_LENGTH, 8),
                text(id::DOC_TYPE, "matroska"),
                uint(id::DOC_TYPE_VERSION, 4),
                uint(id::DOC_TYPE_READ_VERSION, 2),
            ]
            .concat(),
        );
        // A Segment of unknown size: it ends where the file ends.
        head.extend_from_slice(&id_bytes(id::SEGMENT));
        head.extend_from_slice(&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        let info_body = [
            uint(id::TIMESTAMP_SCALE, 1_000_000),
            text(id::MUXING_APP, "camwire"),
            text(id::WRITING_APP, concat!("cam-recv ", env!("CARGO_PKG_VERSION"))),
        ]
        .concat();
        let duration = element(id::DURATION, &0f64.to_be_bytes());
        let info = element(id::INFO, &[info_body, duration.clone()].concat());
        let duration_at = (head.len() + info.len() - 8) as u64;
        head.extend_from_slice(&info);
        let mut track = vec![
            uint(id::TRACK_NUMBER, 1),
            uint(id::TRACK_UID, 1),
            uint(id::TRACK_TYPE, 1),
            uint(id::FLAG_LACING, 0),
            text(id::CODEC_ID, codec),
        ];
        if let Some(p) = private {
            track.push(element(id::CODEC_PRIVATE, &p));
        }
        track.push(element(
            id::VIDEO,
            &[uint(id::PIXEL_WIDTH, width.into()), uint(id::PIXEL_HEIGHT, height.into())].concat(),
        ));
        head.extend_from_slice(&element(id::TRACKS, &element(id::TRACK_ENTRY, &track.concat())));
        out.write_all(&head).map_err(|e| format!("write failed ({e})"))?;
        Ok(Self { out, h264: first.kind == PayloadKind::H264, duration_at, cluster: None, last_ms: 0, last_gap_ms: 0 })
    }

    /// Writes the open Cluster, then the Duration up to its end, in place:
    /// a file cut after it (`kill -9`) still says how long it is.
    fn flush(&mut self) -> io::Result<()> {
        let Some((ms, blocks)) = self.cluster.take() else { return Ok(()) };
        let body = [uint(id::TIMESTAMP, ms), blocks].concat();
        // One write per Cluster: a cut leaves whole Clusters and at most one partial one at the end,
        // and a full disk none.
        self.out.write_unit(&element(id::CLUSTER, &body))?;
        // The last frame lasts as long as the gap before it.
        let duration = (self.last_ms + self.last_gap_ms.max(1)) as f64;
        self.out.write_all_at(&duration.to_be_bytes(), self.duration_at)
    }
}

impl ContainerWriter for MkvWriter {
    fn write(&mut self, data: &[u8], keyframe: bool, pts_us: u64) -> io::Result<()> {
        let ms = pts_us / 1000;
        if self.cluster.as_ref().is_some_and(|(start, _)| ms - start >= CLUSTER_MS) {
            self.flush()?;
        }
        let (start, blocks) = self.cluster.get_or_insert_with(|| (ms, Vec::new()));
        let payload = if self.h264 { length_prefixed(data) } else { data.to_vec() };
        // Track 1, the time relative to the Cluster (< CLUSTER_MS, fits an i16), keyframe flag.
        let mut block = vec![0x81];
        block.extend_from_slice(&((ms - *start) as i16).to_be_bytes());
        block.push(if keyframe { 0x80 } else { 0 });
        block.extend_from_slice(&payload);
        blocks.extend_from_slice(&element(id::SIMPLE_BLOCK, &block));
        self.last_gap_ms = ms - self.last_ms;
        self.last_ms = ms;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.flush()?;
        self.out.sync_data()
    }
}
