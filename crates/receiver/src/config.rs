//! `cam-recv`'s typed configuration: what the command line (or a test)
//! asks for, validated before anything is opened or bound.

use std::{
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{bail, Result};

use camwire_wire::CameraName;

use crate::decode::PixelLimit;

/// Everything `cam-recv` needs to know, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen for senders.
    pub listen: SocketAddr,
    /// Exit after the first stream.
    pub once: bool,
    /// Decode every frame and print a line for each.
    pub verify: bool,
    /// Record payloads to this file, every stream of the run one after the other.
    pub record: Option<(PathBuf, RecordFormat)>,
    /// Replace an existing `record` file instead of refusing to start.
    pub overwrite: bool,
    /// How container recordings are split into files and pruned.
    pub segments: Segments,
    /// Publish the stream to this media server URL.
    pub publish: Option<String>,
    /// Write one file per frame here.
    pub save_dir: Option<PathBuf>,
    /// Pipe the raw stream into this command.
    pub pipe: Option<String>,
    /// Drop a sender silent for this long.
    pub idle_timeout: Duration,
    /// Drop a new connection without a whole first frame after this long.
    pub handshake_timeout: Duration,
    /// Senders must come from one of these networks; empty means anyone.
    pub allow: Vec<ipnet::IpNet>,
    /// Largest frame accepted.
    pub max_frame: usize,
    /// Draw a live status line on stderr.
    pub status_line: bool,
    /// Show the newest frame in a window.
    pub display: bool,
    /// Serve the MJPEG web view on this address.
    pub http: Option<SocketAddr>,
    /// Credentials the web view asks for.
    pub http_access: HttpAccess,
    /// Host names the web view answers to besides its addresses (`--http-host`).
    pub http_hosts: Vec<String>,
    /// Streams the web view serves at once.
    pub max_viewers: usize,
    /// How the web view offers WebRTC (WHEP).
    pub webrtc: crate::view::WebRtcOptions,
    /// Senders must answer a challenge with this secret (protocol.md, "Who may send").
    pub secret: Option<camwire_wire::handshake::Secret>,
    /// Speak TLS on the frame port, with the certificate kept in this directory.
    pub tls_dir: Option<PathBuf>,
    /// Serve the web view over HTTPS, with the certificate kept in this directory.
    pub https_dir: Option<PathBuf>,
    /// Pictures with more pixels are refused before decoding (`--max-pixels`).
    pub max_pixels: PixelLimit,
    /// How cameras are named, and how many stream at once.
    pub cameras: CameraOptions,
    /// The `--config` file's cameras and viewers, as read at start.
    pub file: Option<std::sync::Arc<crate::config_file::FileConfig>>,
    /// The file as it is now, once the receiver runs (SIGHUP reads it again).
    pub live: Option<crate::config_file::Live>,
}

impl Config {
    /// Listens on `listen` with no sinks; tests and embedders add what they need.
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            once: false,
            verify: false,
            record: None,
            overwrite: false,
            segments: Segments::default(),
            publish: None,
            save_dir: None,
            pipe: None,
            idle_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(5),
            allow: Vec::new(),
            max_frame: camwire_wire::DEFAULT_MAX_FRAME,
            status_line: false,
            display: false,
            http: None,
            http_access: HttpAccess::default(),
            http_hosts: Vec::new(),
            max_viewers: 100,
            webrtc: crate::view::WebRtcOptions::default(),
            secret: None,
            tls_dir: None,
            https_dir: None,
            max_pixels: PixelLimit::default(),
            cameras: CameraOptions::default(),
            file: None,
            live: None,
        }
    }
}

/// What a `--record` file holds, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    /// Concatenated JPEGs (`.mjpeg`, `.mjpg`).
    Mjpeg,
    /// Raw Annex-B H.264 (`.h264`, `.264`).
    H264,
    /// Matroska (`.mkv`): JPEG or H.264, timed by the capture stamps.
    Mkv,
    /// Fragmented MP4 (`.mp4`): H.264, timed by the capture stamps.
    Mp4,
    /// MPEG transport stream (`.ts`): H.264, timed by the capture stamps.
    Ts,
}

/// How container recordings are split and pruned (`--segment`, `--keep`, `--max-bytes`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segments {
    /// Start a new file (on a keyframe) after this much recorded time.
    pub every: Option<Duration>,
    /// Keep at most this many files of this run; older ones are deleted.
    pub keep: Option<usize>,
    /// Keep the files of this run under this many bytes together; older ones are deleted.
    pub max_bytes: Option<u64>,
}

impl RecordFormat {
    /// The format a file name asks for.
    pub fn from_path(path: &Path) -> Result<Self> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        Ok(match ext.as_deref() {
            Some("mjpeg" | "mjpg") => Self::Mjpeg,
            Some("h264" | "264") => Self::H264,
            Some("mkv") => Self::Mkv,
            Some("mp4") => Self::Mp4,
            Some("ts") => Self::Ts,
            _ => bail!(
                "--record {}: name the file .mkv (JPEG or H.264), .mp4 or .ts (H.264), or .mjpeg/.h264 for the raw \
                 stream, so players know what it holds",
                path.display()
            ),
        })
    }

    /// The payload kind this format holds (`Unknown` for `.mkv`, which holds either).
    pub fn kind(self) -> camwire_wire::PayloadKind {
        match self {
            Self::Mjpeg => camwire_wire::PayloadKind::Jpeg,
            Self::H264 | Self::Mp4 | Self::Ts => camwire_wire::PayloadKind::H264,
            Self::Mkv => camwire_wire::PayloadKind::Unknown,
        }
    }

    /// A container with timestamps, rather than the raw payloads one after another.
    pub fn is_container(self) -> bool {
        matches!(self, Self::Mkv | Self::Mp4 | Self::Ts)
    }
}

/// The credentials a request must carry; both `None` means open.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HttpAccess {
    /// `USER:PASSWORD` for HTTP basic authentication.
    pub basic: Option<String>,
    /// A token given as `?token=`, as a bearer token, or traded for a session cookie.
    pub token: Option<String>,
}

/// Never prints a secret.
impl fmt::Debug for HttpAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |s: &Option<String>| s.as_ref().map(|_| "(set)");
        f.debug_struct("HttpAccess").field("basic", &shown(&self.basic)).field("token", &shown(&self.token)).finish()
    }
}

impl HttpAccess {
    /// Whether anything is required at all.
    pub fn is_open(&self) -> bool {
        self.basic.is_none() && self.token.is_none()
    }
}

/// The default of `--max-cameras`.
pub const DEFAULT_MAX_CAMERAS: usize = 16;

/// How cameras are named and how many may stream at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraOptions {
    /// Ports beyond `Config::listen`, each with the camera its classic senders stream.
    pub more_listens: Vec<(SocketAddr, Option<CameraName>)>,
    /// The camera classic senders to `Config::listen` stream.
    pub listen_name: Option<CameraName>,
    /// Names by sender address (`--camera NAME=ADDRESS`), first match wins.
    pub by_address: Vec<(ipnet::IpNet, CameraName)>,
    /// Cameras that may stream at once (`--max-cameras`).
    pub max: usize,
    /// `--max-cameras` was given, rather than defaulted.
    pub max_given: bool,
}

impl Default for CameraOptions {
    fn default() -> Self {
        Self {
            more_listens: Vec::new(),
            listen_name: None,
            by_address: Vec::new(),
            max: DEFAULT_MAX_CAMERAS,
            max_given: false,
        }
    }
}
