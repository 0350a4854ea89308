//! `cam-recv`'s typed configuration: what the command line (or a test)
//! asks for, validated before anything is opened or bound.

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    time::Duration,
};

use camwire_wire::CameraName;

pub use crate::checks::RecordFormat;
use crate::{
    config_file::{FileConfig, Live, SinkOverrides},
    decode::PixelLimit,
};

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
    pub webrtc: WebRtcOptions,
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
    pub file: Option<std::sync::Arc<FileConfig>>,
    /// The file as it is now, once the receiver runs (SIGHUP reads it again).
    pub live: Option<Live>,
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
            webrtc: WebRtcOptions::default(),
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

impl SinkOverrides {
    /// Puts these options over `config`'s.
    pub fn apply(&self, config: &mut Config) {
        if let Some(record) = &self.record {
            config.record = Some(record.clone());
        }
        if let Some(overwrite) = self.overwrite {
            config.overwrite = overwrite;
        }
        if let Some(every) = self.segment {
            config.segments.every = Some(every);
        }
        if let Some(keep) = self.keep {
            config.segments.keep = Some(keep);
        }
        if let Some(max) = self.max_bytes {
            config.segments.max_bytes = Some(max);
        }
        if let Some(dir) = &self.save_dir {
            config.save_dir = Some(dir.clone());
        }
        if let Some(url) = &self.publish {
            config.publish = Some(url.clone());
        }
        if let Some(cmd) = &self.pipe {
            config.pipe = Some(cmd.clone());
        }
        if let Some(verify) = self.verify {
            config.verify = verify;
        }
    }
}

impl FileConfig {
    /// `config` for camera `name`: its own sink options over the command line's.
    pub fn apply(&self, name: &CameraName, config: &mut Config) {
        if let Some(camera) = self.cameras.get(name) {
            camera.sinks.apply(config);
        }
    }
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

/// How WebRTC is offered (`--webrtc-port`, `--webrtc-public-ip`, `--webrtc-stun`, `--webrtc-transcode`,
/// `--webrtc-playout-delay`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebRtcOptions {
    /// The UDP port for every session; `None`: 8189, or any free one if that is taken.
    pub port: Option<u16>,
    /// This address is offered too, for viewers reaching the receiver through NAT.
    pub public_ip: Option<IpAddr>,
    /// No WebRTC at all (`--webrtc-port off`).
    pub off: bool,
    /// A STUN server (`HOST:PORT`) that tells the receiver its public address (`--webrtc-stun`).
    pub stun: Option<String>,
    /// A JPEG camera is refused rather than encoded to H.264 (`--webrtc-transcode off`).
    pub transcode_off: bool,
    /// The pixel budget of a JPEG camera's pictures encoded for WebRTC (`--max-pixels`).
    pub max_pixels: PixelLimit,
    /// How long a browser may hold frames to ride out jitter (`--webrtc-playout-delay`).
    pub playout_delay: PlayoutDelay,
}

/// The playout delay camwire asks WebRTC viewers for, in the playout-delay RTP header
/// extension (`http://www.webrtc.org/experiments/rtp-hdrext/playout-delay`): none at least,
/// `max` at most. A browser that takes it (Chromium does) shows each frame as soon as it
/// is decoded and holds frames only as long as the network's jitter asks, up to `max`;
/// left to itself, Chromium keeps a render delay and its jitter buffer's estimate, about
/// 15-20 ms more on a clean LAN (BENCHMARKS.md, section 9b).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayoutDelay {
    /// At most this long (the extension's unit is 10 ms).
    UpTo(Duration),
    /// No extension: the browser's own (`--webrtc-playout-delay browser`).
    Browser,
}

impl PlayoutDelay {
    /// The default: 500 ms at most, the longest Chromium still renders as low-latency video.
    pub const DEFAULT: Self = Self::UpTo(Duration::from_millis(500));
}

impl Default for PlayoutDelay {
    fn default() -> Self {
        Self::DEFAULT
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
