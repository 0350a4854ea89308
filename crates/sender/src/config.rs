//! `cam-send`'s typed configuration: what the command line (or a test)
//! asks for, validated before anything is opened or connected.

use std::time::Duration;

use anyhow::{bail, Result};

use crate::{controls, frames, picture::Orientation};

/// Everything `cam-send` needs to know, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Receiver address, `HOST:PORT`.
    pub to: String,
    /// Where frames come from.
    pub source: SourceSpec,
    /// Stop after this long.
    pub secs: Option<Duration>,
    /// Stop after this many frames were sent.
    pub frames: Option<u64>,
    /// Wait for and reconnect to the receiver instead of failing.
    pub retry: bool,
    /// Picture width for generated and captured pictures.
    pub width: u32,
    /// Picture height for generated and captured pictures.
    pub height: u32,
    /// Pacing in frames per second; 0 means unpaced (files and stdin only).
    pub fps: f64,
    /// How pictures are encoded.
    pub codec: Codec,
    /// Write the bare payloads (Annex B, concatenated JPEG) without length
    /// prefixes or terminator, for receivers that expect a raw stream.
    pub raw: bool,
    /// Stamp each payload with its capture time.
    pub stamp: bool,
    /// Repeat a `files:` source.
    pub loop_files: bool,
    /// Largest frame to put on the wire.
    pub max_frame: usize,
    /// Draw a live status line on stderr.
    pub status_line: bool,
    /// Answer the receiver's challenge with this secret (protocol.md, "Who may send").
    pub secret: Option<camwire_wire::handshake::Secret>,
    /// Speak TLS and accept only the receiver certificate with this fingerprint (`SHA256:...`).
    pub tls_pin: Option<String>,
    /// The camera's name (`--name`, else the host name made safe).
    pub name: camwire_wire::CameraName,
    /// Tell the receiver the name in a hello before the first frame (protocol.md, section 11).
    pub say_name: bool,
    /// How far behind capture a frame may be and still be sent; zero sends
    /// every frame in order, however late.
    pub max_latency: Duration,
    /// A connection that takes no byte for this long is lost.
    pub stall_timeout: Duration,
    /// `--hflip`, `--vflip`, `--rotation`: how pictures are turned before encoding.
    pub orientation: Orientation,
    /// `--annotate`: text drawn on pictures before encoding.
    pub annotate: Option<crate::picture::Annotation>,
    /// Camera controls, tuning file and buffer count (libcamera sources only).
    pub camera: controls::CameraOptions,
}

impl Config {
    /// Live mode: frames the link cannot carry in time are dropped, never
    /// queued. Unpaced sources (`--fps 0`) have no live rate: every frame goes.
    pub fn live(&self) -> bool {
        !self.max_latency.is_zero() && self.fps > 0.0
    }

    /// The camera's name when it goes on the wire (the hello, protocol.md
    /// section 11), the only name the receiver can file the stream under;
    /// `None` for a classic stream, which the receiver names by its port or address.
    pub fn sent_name(&self) -> Option<&camwire_wire::CameraName> {
        self.say_name.then_some(&self.name)
    }

    /// How the capture hands frames to the output.
    pub fn handover(&self) -> frames::Handover {
        match (&self.source, self.codec) {
            _ if !self.live() => frames::Handover::Queue,
            (SourceSpec::Stdin, Codec::H264 { .. }) => frames::Handover::Backlog,
            _ => frames::Handover::Latest,
        }
    }

    /// A configuration for the test pattern to `to`, as a test or the demo uses it.
    pub fn test_pattern(to: impl Into<String>) -> Self {
        Self {
            to: to.into(),
            source: SourceSpec::Test,
            secs: None,
            frames: None,
            retry: false,
            width: 640,
            height: 480,
            fps: 30.0,
            codec: Codec::Jpeg { quality: 80 },
            raw: false,
            stamp: true,
            loop_files: false,
            max_frame: camwire_wire::DEFAULT_MAX_FRAME,
            status_line: false,
            secret: None,
            tls_pin: None,
            name: camwire_wire::CameraName::new("test").expect("a valid name"),
            say_name: false,
            max_latency: Duration::from_millis(500),
            stall_timeout: Duration::from_secs(5),
            orientation: Orientation::default(),
            annotate: None,
            camera: controls::CameraOptions::default(),
        }
    }
}

/// cam-recv's default `--max-pixels`: a larger picture arrives there as an invalid frame.
pub const RECEIVER_MAX_PIXELS: u64 = 4096 * 4096;

impl Config {
    /// What the run will do that the user may not expect, one line each, for the start.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let pixels = u64::from(self.width) * u64::from(self.height);
        if !matches!(self.source, SourceSpec::Files(_) | SourceSpec::Stdin) && pixels > RECEIVER_MAX_PIXELS {
            warnings.push(format!(
                "{}x{} is {:.1} megapixels, over cam-recv's default --max-pixels {RECEIVER_MAX_PIXELS}: start cam-recv \
                 with --max-pixels {pixels} (or more), or it reports every frame invalid",
                self.width,
                self.height,
                pixels as f64 / 1e6
            ));
        }
        if let Some(missing) = self.annotate.as_ref().and_then(|a| a.undrawable()) {
            warnings.push(format!(
                "--annotate: {missing} not in the font's character set (ISO 8859-1, Latin-1): drawn as '?'"
            ));
        }
        warnings
    }

    /// What is sent, for the start line: `test pattern, 640x480 JPEG (quality 80) at 30 fps`.
    pub fn describe(&self) -> String {
        let (w, h) = (self.width, self.height);
        let codec = match self.codec {
            Codec::Jpeg { quality } => format!("JPEG (quality {quality})"),
            Codec::H264 { bitrate, keyframe_interval } => {
                format!("H.264 ({:.2} Mbit/s, an IDR every {keyframe_interval} frames)", f64::from(bitrate) / 1e6)
            }
        };
        let pace = if self.fps > 0.0 { format!("at {} fps", self.fps) } else { "unpaced".to_string() };
        let framing = if self.raw { ", raw (unframed)" } else { "" };
        match &self.source {
            SourceSpec::Test => format!("test pattern, {w}x{h} {codec} {pace}{framing}"),
            SourceSpec::TestNoise => format!("noisy test picture, {w}x{h} {codec} {pace}{framing}"),
            SourceSpec::Libcamera(cam) => {
                let cam = cam.as_deref().map_or("the first camera".to_string(), |c| format!("camera {c}"));
                format!("{cam}, {w}x{h} {codec} {pace}{framing}")
            }
            SourceSpec::Files(glob) => format!("JPEG files {glob}, as they are, {pace}{framing}"),
            SourceSpec::Stdin => {
                let kind = if matches!(self.codec, Codec::H264 { .. }) { "H.264" } else { "MJPEG" };
                let pace = if self.fps > 0.0 { pace } else { "as it comes".to_string() };
                format!("{kind} from standard input, passed through {pace}{framing}")
            }
        }
    }
}

/// This machine's host name (its first label), made safe as a camera name;
/// `camera` if it has none.
pub fn host_name() -> camwire_wire::CameraName {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .and_then(|name| camwire_wire::CameraName::made_safe(name.trim().split('.').next().unwrap_or("")))
        .unwrap_or_else(|| camwire_wire::CameraName::new("camera").expect("a valid name"))
}

/// Which source to capture from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// The built-in moving test pattern.
    Test,
    /// The built-in picture with a camera's detail, motion and noise (`test:noise`).
    TestNoise,
    /// JPEG files matching a glob, in name order.
    Files(String),
    /// A byte stream on standard input: MJPEG, or Annex-B H.264 with `--codec h264`.
    Stdin,
    /// A libcamera camera, by index or id; `None` is the first camera.
    Libcamera(Option<String>),
}

impl SourceSpec {
    /// Parses `test`, `test:noise`, `files:GLOB`, `stdin`, `libcamera`, `libcamera:N` or `libcamera:ID`.
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s.split_once(':') {
            None if s == "test" => Self::Test,
            None if s == "stdin" => Self::Stdin,
            Some(("test", "noise")) => Self::TestNoise,
            None if s == "libcamera" => Self::Libcamera(None),
            Some(("files", glob)) if !glob.is_empty() => Self::Files(glob.to_string()),
            Some(("libcamera", cam)) if !cam.is_empty() => Self::Libcamera(Some(cam.to_string())),
            _ => bail!(
                "--source {s:?} is not a source: use test, test:noise, files:GLOB (e.g. 'files:shots/*.jpg'), stdin, libcamera or libcamera:N"
            ),
        })
    }
}

/// How pictures are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// One baseline JPEG per frame.
    Jpeg {
        /// 1-100.
        quality: u8,
    },
    /// Baseline H.264, one Annex-B access unit per frame, SPS and PPS before every IDR.
    H264 {
        /// Target bits per second.
        bitrate: u32,
        /// An IDR picture every this many frames.
        keyframe_interval: u32,
    },
}
