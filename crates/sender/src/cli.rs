//! The command line: a plain clap struct that only validates, turned into a
//! typed [`Config`] before any I/O.

use std::{path::PathBuf, time::Duration};

use anyhow::{bail, Context, Result};
use camwire_app::positive_secs;
use camwire_codec::jpeg;
use clap::{Parser, ValueEnum};

use crate::{
    config::{Codec, Config, SourceSpec},
    controls::{self, keyword, CameraOptions},
    encoder::H264Settings,
    picture::Orientation,
};

const ABOUT: &str = "Stream camera frames to cam-recv (or any classic picamera-recipe receiver) over TCP.";

const LONG_ABOUT: &str = "\
Stream camera frames to cam-recv (or any classic picamera-recipe receiver) over TCP.

Each frame goes on the wire as a little-endian u32 length followed by the JPEG
or H.264 bytes; a zero length ends the stream. On Ctrl-C or SIGTERM the sender
finishes the current frame, writes that terminator and exits 0. With --raw the
bytes go out bare (an Annex-B H.264 stream, or concatenated JPEGs), for players
and scripts that read a plain stream.";

/// The `--help` section of the camera controls.
const CAMERA_CONTROLS: &str = "Camera controls (libcamera build; rpicam-vid names and units)";

const EXAMPLES: &str = "\
Examples:
  # moving test pattern, no camera needed:
  cam-send --to 127.0.0.1:8000 --source test --secs 5
  # a picture that costs what a camera's does (detail, motion, noise), for link tests:
  cam-send --to 127.0.0.1:8000 --source test:noise --width 1280 --height 720 --codec h264
  # the camera; reconnect whenever the PC comes back:
  cam-send --to pc:8000 --retry
  # every frame in order, however slow the link (recording):
  cam-send --to pc:8000 --max-latency 0
  # JPEG files, 10 a second, over and over:
  cam-send --to pc:8000 --source 'files:shots/*.jpg' --loop --fps 10
  # another program's MJPEG (-re: ffmpeg writes in real time):
  ffmpeg -re -f lavfi -i testsrc=rate=30 -f mjpeg - | cam-send --to pc:8000 --source stdin
  # H.264, 2 Mbit/s, one IDR a second:
  cam-send --to pc:8000 --codec h264 --bitrate 2000000
  # bare Annex B, for: ffplay -f h264 'tcp://0.0.0.0:8000?listen'
  cam-send --to pc:8000 --codec h264 --raw
  # rpicam-vid's H.264, passed on without re-encoding:
  rpicam-vid -t 0 --codec h264 --inline -o - | cam-send --to pc:8000 --source stdin --codec h264
  # to a cam-recv --tls --secret-file:
  cam-send --to pc:8000 --secret-file ~/.camwire-secret --tls-pin SHA256:...

Environment: the options marked [env: ...] can be set that way instead, as a
systemd unit's Environment= lines do; a command-line option wins.";

/// The largest picture `cam-send` makes, in pixels (8192 x 8192): one I420
/// picture of this size is 96 MiB, and a 64-megapixel camera fits under it.
pub const MAX_PIXELS: u64 = 8192 * 8192;

/// `--version`: the version and whether camera capture is built in.
#[cfg(feature = "libcamera")]
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (camera support: libcamera)");
#[cfg(not(feature = "libcamera"))]
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (no camera support: built without the libcamera feature; --source test, files: and stdin work)"
);

/// Command-line arguments of `cam-send`.
#[derive(Debug, Parser)]
#[command(name = "cam-send", version = VERSION, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct Args {
    /// Receiver to stream to, as HOST:PORT (cam-recv listens on port 8000 by default).
    #[arg(long, value_name = "HOST:PORT", env = "CAMWIRE_TO", required_unless_present = "list_cameras")]
    pub to: Option<String>,

    /// Print the cameras libcamera sees (index, id, model, formats and sizes) and exit.
    #[arg(long)]
    pub list_cameras: bool,

    /// Where frames come from: `test` (built-in moving pattern), `test:noise`
    /// (built-in moving picture with a camera's detail and noise, which costs an
    /// encoder what a camera picture does: for link tests and benchmarks), `files:GLOB`
    /// (JPEG files in name order), `stdin` (an MJPEG or, with `--codec h264`, an Annex-B byte stream), or
    /// `libcamera[:INDEX|:ID]` (a camera; needs the `libcamera` build feature).
    #[arg(long, value_name = "SOURCE", env = "CAMWIRE_SOURCE", default_value_t = default_source())]
    pub source: String,

    /// Stop after this many seconds (default: run until interrupted). A paced
    /// source captures exactly fps x SECS frames, counted from the first connection.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = positive_secs)]
    pub secs: Option<f64>,

    /// Stop after this many frames have been sent.
    #[arg(long, value_name = "N", value_parser = count::<u64>)]
    pub frames: Option<u64>,

    /// Keep trying while the receiver is not there yet, and reconnect when the
    /// connection drops (capped exponential backoff, at most 1 s between tries;
    /// a receiver that refuses the sender, busy or not allowed, is asked again
    /// after 1, 2, 4, 8, then every 10 s).
    #[arg(long, env = "CAMWIRE_RETRY", value_parser = clap::builder::BoolishValueParser::new())]
    pub retry: bool,

    /// Picture width in pixels (test pattern and camera) [default: 640]: even,
    /// 16 to 3840 for H.264 and at most 65500 for JPEG.
    #[arg(long, env = "CAMWIRE_WIDTH", allow_negative_numbers = true, value_parser = pixels)]
    pub width: Option<u32>,

    /// Picture height in pixels (test pattern and camera) [default: 480]:
    /// even, 16 to 2160 for H.264 (3840 in portrait) and at most 65500 for JPEG.
    #[arg(long, env = "CAMWIRE_HEIGHT", allow_negative_numbers = true, value_parser = pixels)]
    pub height: Option<u32>,

    /// Frames per second [default: 30]. With `files:` and `stdin`, 0 sends as
    /// fast as the receiver takes them; `stdin` without --fps is sent as it
    /// comes, at the writer's pace. Also spelled --framerate, as in rpicam-vid.
    #[arg(
        long,
        visible_alias = "framerate",
        value_name = "FPS",
        env = "CAMWIRE_FPS",
        allow_negative_numbers = true,
        value_parser = fps_value
    )]
    pub fps: Option<f64>,

    /// How frames are encoded. With `--source stdin`, what the input stream is
    /// (MJPEG, or Annex-B H.264 cut into access units without re-encoding).
    #[arg(long, value_enum, env = "CAMWIRE_CODEC", default_value_t = CodecArg::Jpeg)]
    pub codec: CodecArg,

    /// H.264 target bit rate in bits per second, 10000 to 288000000 (default:
    /// about 0.1 bit per pixel per frame, e.g. 0.9 Mbit/s at 640x480 and 30 fps).
    #[arg(long, value_name = "BITS_PER_SEC", env = "CAMWIRE_BITRATE", value_parser = bits_per_sec)]
    pub bitrate: Option<u32>,

    /// H.264: an IDR keyframe (with SPS and PPS) every this many frames
    /// (default: one per second; rpicam-vid calls it --intra). While --adapt
    /// has fitted the stream to a slow link and the receiver asks for a
    /// keyframe whenever it needs one (cam-recv does), they come 4 times as
    /// far apart: each costs a slow link the frames that wait while it goes.
    #[arg(long, value_name = "FRAMES", env = "CAMWIRE_KEYFRAME_INTERVAL", value_parser = count::<u32>,
          visible_alias = "intra")]
    pub keyframe_interval: Option<u32>,

    /// Write the bare stream (Annex-B H.264, or concatenated JPEGs) with no
    /// length prefixes and no terminator, for receivers that expect exactly that
    /// (`ffplay -f h264 tcp://0.0.0.0:8000?listen`, VLC, a socket piped into mplayer).
    #[arg(long)]
    pub raw: bool,

    /// Send payloads exactly as captured or read. By default each frame carries
    /// its capture time inside the payload (a JPEG comment or an H.264 SEI that
    /// decoders ignore), from which cam-recv reports latency.
    #[arg(long)]
    pub no_stamp: bool,

    /// JPEG quality, 1-100 (4:2:0 chroma subsampling).
    #[arg(long, env = "CAMWIRE_QUALITY", default_value_t = 80, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: u8,

    /// With `files:`, start over at the first file after the last one.
    #[arg(long = "loop")]
    pub loop_files: bool,

    /// Prove to cam-recv that this sender holds the secret in FILE (the same
    /// contents as cam-recv's --secret-file). Or set CAMWIRE_SECRET_FILE, or the
    /// secret itself in CAMWIRE_SECRET.
    #[arg(long, value_name = "FILE", env = "CAMWIRE_SECRET_FILE")]
    pub secret_file: Option<PathBuf>,

    /// Speak TLS to a `cam-recv --tls`, and accept only the certificate with this
    /// fingerprint (cam-recv prints it at start: `SHA256:` and 64 hex digits).
    #[arg(long, value_name = "SHA256:HEX", env = "CAMWIRE_TLS_PIN")]
    pub tls_pin: Option<String>,

    /// The camera's name: 1 to 32 of a-z, 0-9, _ and -, e.g. garden. cam-recv
    /// files the stream under it (recordings, web page, summary). It goes on
    /// the wire (a `CAMWIRE HELLO` line before the first frame, protocol.md
    /// section 11) when given here, and with --secret-file or --tls-pin, which
    /// send this machine's host name, made safe, by default; then it is shown at
    /// start, in the status line and in the sent: line (camera=). Otherwise the
    /// stream stays byte for byte the classic one, which every picamera-recipe
    /// receiver reads, no name is shown, and cam-recv names the camera by its
    /// port or address.
    #[arg(long, value_name = "NAME", env = "CAMWIRE_NAME", value_parser = camera_name)]
    pub name: Option<camwire_wire::CameraName>,
    /// How far behind capture a frame may fall and still be sent, in
    /// milliseconds. On a link slower than the stream (Wi-Fi at the edge of
    /// range), frames that would arrive later are dropped and the newest sent
    /// instead, so the picture stays live; H.264 then resumes on a fresh
    /// keyframe. Keep the default for watching; use 0 to send every frame in
    /// order however late (recording over a good link).
    #[arg(long, value_name = "MS", default_value_t = 500)]
    pub max_latency: u64,

    /// A connection that takes no byte for this many seconds while frames wait
    /// is lost (a receiver that vanished without closing): one log line, then
    /// with --retry a reconnect, without it exit status 1.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub stall_timeout: f64,

    /// Fit the stream to the link (live, cam-send's own encoder: test
    /// pattern and camera): when the link carries less than the stream, lower
    /// the H.264 bit rate or the JPEG quality to a little under what it
    /// carries, then the frame rate, then the picture size (H.264: half as
    /// wide and high); back up to --bitrate or --quality within seconds when
    /// the link recovers. A link that keeps up is never touched.
    /// off: keep the configured rate and only drop frames.
    #[arg(long, value_name = "on|off", env = "CAMWIRE_ADAPT", default_value = "on", action = clap::ArgAction::Set,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub adapt: bool,

    /// Largest frame the sender will put on the wire, in bytes: 65536 (64 KiB)
    /// to 1073741824 (1 GiB), as large as cam-recv's --max-frame or smaller.
    #[arg(long, value_name = "BYTES", default_value_t = camwire_wire::DEFAULT_MAX_FRAME, value_parser = max_frame)]
    pub max_frame: usize,

    /// No status line and no informational log lines; errors are still printed.
    #[arg(long, short)]
    pub quiet: bool,

    /// More log detail: -v adds debug lines (connections, camera configuration),
    /// -vv traces. RUST_LOG=debug does the same; NO_COLOR turns colour off.
    #[arg(long, short, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Mirror the picture left to right (the camera's own flip when it has
    /// one, else in software before encoding).
    #[arg(long, help_heading = "Picture")]
    pub hflip: bool,

    /// Mirror the picture top to bottom.
    #[arg(long, help_heading = "Picture")]
    pub vflip: bool,

    /// Turn the picture by 0 or 180 degrees (a camera mounted upside down);
    /// 180 is --hflip and --vflip together, as in rpicam-vid.
    #[arg(long, value_name = "DEGREES", default_value_t = 0, help_heading = "Picture",
          value_parser = parse_rotation)]
    pub rotation: u32,

    /// Burn TEXT into the picture before encoding, light on a dark box:
    /// strftime fields are the capture time (local), %frame the frame's number,
    /// e.g. 'garden %Y-%m-%d %H:%M:%S #%frame'. Test pattern and camera only.
    /// Characters outside ISO 8859-1 (Latin-1) are drawn as '?' (a warning says which).
    #[arg(long, value_name = "TEXT", help_heading = "Picture")]
    pub annotate: Option<String>,

    /// The corner of the --annotate box.
    #[arg(long, value_enum, value_name = "CORNER", default_value_t = crate::picture::Corner::TopLeft,
          help_heading = "Picture")]
    pub annotate_position: crate::picture::Corner,

    /// Exposure time in microseconds (fixes it; 0: automatic). `10ms` and `0.5s` work too.
    #[arg(long, value_name = "MICROSECONDS", value_parser = parse_micros, help_heading = CAMERA_CONTROLS)]
    pub shutter: Option<i64>,

    /// Analogue gain (fixes it; 0: automatic).
    #[arg(
        long,
        alias = "analoggain",
        value_name = "GAIN",
        help_heading = CAMERA_CONTROLS
    )]
    pub gain: Option<f32>,

    /// Exposure compensation in stops, e.g. -1.5 or 2 (0: none).
    #[arg(
        long,
        value_name = "STOPS",
        allow_negative_numbers = true,
        help_heading = CAMERA_CONTROLS
    )]
    pub ev: Option<f32>,

    /// Metering mode: centre, spot, average or custom.
    #[arg(long, value_name = "MODE", help_heading = CAMERA_CONTROLS)]
    pub metering: Option<String>,

    /// Exposure mode: normal, sport (short), long or custom.
    #[arg(long, value_name = "MODE", help_heading = CAMERA_CONTROLS)]
    pub exposure: Option<String>,

    /// White balance mode: auto, incandescent, tungsten, fluorescent, indoor, daylight, cloudy or custom.
    #[arg(long, value_name = "MODE", help_heading = CAMERA_CONTROLS)]
    pub awb: Option<String>,

    /// Fixed red and blue gains, e.g. 1.5,1.2 (turns automatic white balance off).
    #[arg(long, value_name = "R,B", help_heading = CAMERA_CONTROLS)]
    pub awbgains: Option<String>,

    /// Brightness, -1.0 to 1.0 (0: normal).
    #[arg(
        long,
        value_name = "B",
        allow_negative_numbers = true,
        help_heading = CAMERA_CONTROLS
    )]
    pub brightness: Option<f32>,

    /// Contrast (1.0: normal).
    #[arg(long, value_name = "C", help_heading = CAMERA_CONTROLS)]
    pub contrast: Option<f32>,

    /// Colour saturation (1.0: normal, 0: greyscale).
    #[arg(long, value_name = "S", help_heading = CAMERA_CONTROLS)]
    pub saturation: Option<f32>,

    /// Sharpening (1.0: normal).
    #[arg(long, value_name = "S", help_heading = CAMERA_CONTROLS)]
    pub sharpness: Option<f32>,

    /// Denoise: auto (the camera's choice), off, cdn_off, cdn_fast or cdn_hq.
    #[arg(long, value_name = "MODE", help_heading = CAMERA_CONTROLS)]
    pub denoise: Option<String>,

    /// Region of interest (digital zoom) as fractions of the sensor, e.g. 0.25,0.25,0.5,0.5.
    #[arg(
        long,
        value_name = "X,Y,W,H",
        help_heading = CAMERA_CONTROLS
    )]
    pub roi: Option<String>,

    /// Autofocus: manual, auto or continuous (default: the camera's choice).
    #[arg(long, value_name = "MODE", help_heading = CAMERA_CONTROLS)]
    pub autofocus_mode: Option<String>,

    /// Lens position in dioptres (1/metres; 0: infinity); sets manual focus
    /// unless --autofocus-mode says otherwise.
    #[arg(
        long,
        value_name = "DIOPTRES",
        help_heading = CAMERA_CONTROLS
    )]
    pub lens_position: Option<f32>,

    /// Cancel light flicker with this period in microseconds: 10000 for 50 Hz mains, 8333 for 60 Hz.
    #[arg(long, value_name = "MICROSECONDS", value_parser = parse_micros, help_heading = CAMERA_CONTROLS)]
    pub flicker_period: Option<i64>,

    /// High dynamic range: off; single-exp (Pi 5 multi-frame HDR); sensor, the Camera Module 3's own HDR; or auto, the sensor's if it has one.
    #[arg(long, value_name = "MODE", num_args = 0..=1, default_missing_value = "single-exp", help_heading = CAMERA_CONTROLS)]
    pub hdr: Option<String>,

    /// Camera tuning file for Raspberry Pi cameras (sets LIBCAMERA_RPI_TUNING_FILE).
    #[arg(long, value_name = "FILE", help_heading = CAMERA_CONTROLS)]
    pub tuning_file: Option<String>,

    /// Camera buffers in flight (default: the camera's own choice).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=32), help_heading = CAMERA_CONTROLS)]
    pub buffer_count: Option<u32>,

    /// Any libcamera control by its libcamera name, e.g. --set AeEnable=false or
    /// --set ColourGains=1.5,1.2 (repeatable; see --list-cameras for each camera's controls).
    #[arg(
        long = "set",
        value_name = "NAME=VALUE",
        help_heading = CAMERA_CONTROLS
    )]
    pub set: Vec<String>,

    /// A camera that delivers no frame for this many seconds is stopped and
    /// started again inside cam-send (the connection stays; H.264 resumes on a
    /// keyframe). After 3 restarts in a row that do not last, cam-send gives
    /// up with exit status 1, unless --retry (then it keeps trying, backing off).
    /// Default: 5, or 4 frame times if longer.
    #[arg(long, value_name = "SECS", help_heading = CAMERA_CONTROLS)]
    pub camera_timeout: Option<f64>,
}

/// `--name`: a camera name as it is (not made safe: a typo should show).
fn camera_name(s: &str) -> Result<camwire_wire::CameraName, String> {
    camwire_wire::CameraName::new(s).map_err(|e| format!("{e}"))
}

/// A count that must be at least 1 (`--frames`, `--keyframe-interval`).
fn count<T: std::str::FromStr + PartialEq + From<u8>>(s: &str) -> Result<T, String> {
    match s.trim().parse::<T>() {
        Ok(n) if n != T::from(0) => Ok(n),
        _ => Err("use a whole number of 1 or more".into()),
    }
}

/// `--bitrate`: a whole number of bits per second (its range is checked with the other H.264 limits).
fn bits_per_sec(s: &str) -> Result<u32, String> {
    s.trim().parse::<u32>().map_err(|_| {
        format!(
            "use a number of bits per second from {MIN_BITRATE} to {}, e.g. 2000000",
            camwire_codec::h264::MAX_BITRATE
        )
    })
}

/// The smallest `--max-frame`: one picture of any useful size must fit in a frame.
pub const MIN_MAX_FRAME: usize = 64 * 1024;

/// `--max-frame`: room for at least one picture, and at most 1 GiB (a longer
/// length would spell the camwire lines of protocol.md section 11).
fn max_frame(s: &str) -> Result<usize, String> {
    let max = camwire_wire::hello::MAX_FRAME_LIMIT;
    match s.trim().parse::<u64>() {
        Ok(n) if n >= MIN_MAX_FRAME as u64 && n <= max as u64 => Ok(n as usize),
        Ok(n) if n < MIN_MAX_FRAME as u64 => Err(format!(
            "a frame holds one whole picture (a 640x480 JPEG is about 40 kB): use at least {MIN_MAX_FRAME} \
             (default {})",
            camwire_wire::DEFAULT_MAX_FRAME
        )),
        _ => Err(format!(
            "use a number of bytes from {MIN_MAX_FRAME} to {max} (1 GiB), default {}",
            camwire_wire::DEFAULT_MAX_FRAME
        )),
    }
}

/// `--width`, `--height`: a whole number of pixels.
fn pixels(s: &str) -> Result<u32, String> {
    s.parse::<u32>().map_err(|_| "use a whole, even number of pixels, e.g. 1280".into())
}

/// `--fps`: 0 or a positive number.
fn fps_value(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err("use a number of frames per second, e.g. 30 or 7.5 (0: unpaced, for files: and stdin)".into()),
    }
}

fn default_source() -> String {
    if cfg!(feature = "libcamera") { "libcamera" } else { "test" }.to_string()
}

/// `--codec` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CodecArg {
    /// Baseline JPEG per frame (MJPEG): what the classic recipe sends.
    Jpeg,
    /// Baseline H.264 (OpenH264), one access unit per frame.
    H264,
}

impl Args {
    /// Checks the arguments and turns them into a [`Config`].
    pub fn into_config(self) -> Result<Config> {
        let source = SourceSpec::parse(&self.source)?;
        let passed_through = matches!(source, SourceSpec::Files(_) | SourceSpec::Stdin);
        if passed_through && (self.width.is_some() || self.height.is_some()) {
            bail!(
                "--width and --height size pictures cam-send makes (--source test or libcamera); files: and stdin \
                 are sent as they are, at their own size: drop them (resize in the program that writes stdin)"
            );
        }
        let (width, height) = (self.width.unwrap_or(640), self.height.unwrap_or(480));
        if !passed_through {
            check_size(width, height, self.codec)?;
        }
        // stdin without --fps goes at the writer's pace; everything else defaults to 30.
        let fps = self.fps.unwrap_or(if source == SourceSpec::Stdin { 0.0 } else { 30.0 });
        if fps == 0.0 && !passed_through {
            bail!("--fps 0 (as fast as possible) only applies to files: and stdin sources");
        }
        let secs = self.secs.map(Duration::from_secs_f64);
        if self.loop_files && !matches!(source, SourceSpec::Files(_)) {
            bail!("--loop only applies to --source files:GLOB");
        }
        if self.codec != CodecArg::H264 && (self.bitrate.is_some() || self.keyframe_interval.is_some()) {
            bail!("--bitrate and --keyframe-interval only apply to --codec h264");
        }
        if self.codec == CodecArg::H264 && matches!(source, SourceSpec::Files(_)) {
            bail!("--source files: sends JPEG files as they are; it cannot be combined with --codec h264");
        }
        if self.codec == CodecArg::H264 && !passed_through {
            check_h264(width, height, fps, self.bitrate)?;
        }
        let secret = camwire_app::load_secret(self.secret_file.as_deref()).map_err(anyhow::Error::msg)?;
        let tls_pin =
            self.tls_pin.as_deref().map(camwire_wire::handshake::parse_pin).transpose().map_err(anyhow::Error::msg)?;
        if self.raw && (secret.is_some() || tls_pin.is_some()) {
            bail!("--raw sends a bare stream for players, which know no secret or TLS: drop --raw, or the secret and --tls-pin");
        }
        if self.raw && self.name.is_some() {
            bail!("--raw sends a bare stream for players, which take no camera name: drop --raw or --name");
        }
        let say_name = !self.raw && (self.name.is_some() || secret.is_some() || tls_pin.is_some());
        let name = self.name.clone().unwrap_or_else(crate::config::host_name);
        if !(self.stall_timeout.is_finite() && self.stall_timeout >= 1.0) {
            bail!("--stall-timeout must be at least 1 second (got {})", self.stall_timeout);
        }
        let orientation = Orientation::from_options(self.hflip, self.vflip, self.rotation);
        if !orientation.is_identity() && matches!(source, SourceSpec::Files(_) | SourceSpec::Stdin) {
            bail!("--hflip, --vflip and --rotation turn pictures cam-send encodes (--source test or libcamera); files: and stdin are sent as they are");
        }
        let annotate =
            self.annotate.as_deref().map(|t| crate::picture::Annotation::new(t, self.annotate_position)).transpose()?;
        if annotate.is_some() && matches!(source, SourceSpec::Files(_) | SourceSpec::Stdin) {
            bail!("--annotate draws on pictures cam-send encodes (--source test or libcamera); files: and stdin are sent as they are");
        }
        let camera = self.camera_options()?;
        if !camera.is_empty() {
            let (given, n) = (camera.options_given(), camera.options_count());
            let (it, sets) = if n == 1 { ("it applies", "sets") } else { ("they apply", "set") };
            if !cfg!(feature = "libcamera") {
                bail!(
                    "{given} {sets} a camera, but this cam-send was built without camera support: rebuild with \
                     `cargo build --release -p camwire-sender --features libcamera` (needs libcamera-dev and \
                     libclang-dev), or drop {given}"
                );
            }
            if !matches!(source, SourceSpec::Libcamera(_)) {
                bail!("{given} {sets} the camera: {it} to --source libcamera only, not --source {}", self.source);
            }
        }
        let to = self.to.context("--to HOST:PORT is required: where cam-recv listens, e.g. --to 192.168.1.20:8000")?;
        check_host_port(&to)?;
        Ok(Config {
            to,
            source,
            secs,
            frames: self.frames,
            retry: self.retry,
            width,
            height,
            fps,
            codec: match self.codec {
                CodecArg::Jpeg => Codec::Jpeg { quality: self.quality },
                CodecArg::H264 => Codec::H264 {
                    bitrate: self.bitrate.unwrap_or_else(|| H264Settings::default_bitrate(width, height, fps)),
                    keyframe_interval: self
                        .keyframe_interval
                        .unwrap_or_else(|| H264Settings::default_keyframe_interval(fps)),
                },
            },
            raw: self.raw,
            stamp: !self.no_stamp,
            loop_files: self.loop_files,
            max_frame: self.max_frame,
            status_line: !self.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()),
            secret,
            tls_pin,
            name,
            say_name,
            max_latency: Duration::from_millis(self.max_latency),
            adapt: self.adapt,
            stall_timeout: Duration::from_secs_f64(self.stall_timeout),
            orientation,
            annotate,
            camera,
        })
    }

    /// The camera options as libcamera controls (see [`crate::controls`]).
    fn camera_options(&self) -> Result<CameraOptions> {
        let mut c = CameraOptions::default();
        if let Some(us) = self.shutter {
            c.push(format!("--shutter {us}"), "ExposureTime", us);
        }
        if let Some(g) = self.gain {
            c.push(format!("--gain {g}"), "AnalogueGain", g);
        }
        if let Some(ev) = self.ev {
            c.push(format!("--ev {ev}"), "ExposureValue", ev);
        }
        if let Some(m) = &self.metering {
            c.push(format!("--metering {m}"), "AeMeteringMode", keyword("--metering", m, controls::METERING)?);
        }
        if let Some(m) = &self.exposure {
            c.push(format!("--exposure {m}"), "AeExposureMode", keyword("--exposure", m, controls::EXPOSURE)?);
        }
        if let Some(m) = &self.awb {
            c.push(format!("--awb {m}"), "AwbMode", keyword("--awb", m, controls::AWB)?);
        }
        if let Some(g) = &self.awbgains {
            let (r, b) = controls::parse_awbgains(g)?;
            c.push(format!("--awbgains {g}"), "ColourGains", format!("{r},{b}"));
        }
        for (option, name, value) in [
            ("--brightness", "Brightness", self.brightness),
            ("--contrast", "Contrast", self.contrast),
            ("--saturation", "Saturation", self.saturation),
            ("--sharpness", "Sharpness", self.sharpness),
        ] {
            if let Some(v) = value {
                c.push(format!("{option} {v}"), name, v);
            }
        }
        match self.denoise.as_deref() {
            None | Some("auto") => {}
            Some(m) => {
                c.push(format!("--denoise {m}"), "NoiseReductionMode", keyword("--denoise", m, controls::DENOISE)?)
            }
        }
        c.roi = self.roi.as_deref().map(controls::parse_roi).transpose()?;
        match (self.autofocus_mode.as_deref(), self.lens_position) {
            (None | Some("default"), Some(d)) => c.push(format!("--lens-position {d}"), "AfMode", 0),
            (None | Some("default"), None) => {}
            (Some(m), _) => {
                c.push(format!("--autofocus-mode {m}"), "AfMode", keyword("--autofocus-mode", m, controls::AF_MODE)?)
            }
        }
        if let Some(d) = self.lens_position {
            c.push(format!("--lens-position {d}"), "LensPosition", d);
        }
        if let Some(us) = self.flicker_period {
            c.push(format!("--flicker-period {us}"), "AeFlickerMode", 1);
            c.push(format!("--flicker-period {us}"), "AeFlickerPeriod", us);
        }
        match self.hdr.as_deref() {
            None | Some("off") => {}
            Some(m) if m.eq_ignore_ascii_case("sensor") => c.sensor_hdr = Some(controls::SensorHdr::Sensor),
            Some(m) if m.eq_ignore_ascii_case("auto") => c.sensor_hdr = Some(controls::SensorHdr::Auto),
            Some(m) => {
                let mode = keyword("--hdr", m, controls::HDR).map_err(|e| anyhow::anyhow!("{e}, sensor, auto"))?;
                c.push(format!("--hdr {m}"), "HdrMode", mode)
            }
        }
        for s in &self.set {
            let (name, value) = controls::parse_set(s)?;
            c.push(format!("--set {s}"), &name, value);
        }
        c.tuning_file = self.tuning_file.clone();
        c.buffer_count = self.buffer_count;
        c.timeout = match self.camera_timeout {
            Some(s) if !(s.is_finite() && s >= 0.1) => bail!("--camera-timeout must be at least 0.1 seconds (got {s})"),
            s => s.map(Duration::from_secs_f64),
        };
        Ok(c)
    }
}

/// A time in microseconds: a plain number, or with `us`, `ms` or `s`, as rpicam-vid takes it.
fn parse_micros(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, 1e3)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1e6)
    } else {
        (s, 1.0)
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && v * scale < 2e9 => Ok((v * scale).round() as i64),
        _ => Err("a time in microseconds, e.g. 10000 (or 10ms, 0.5s)".into()),
    }
}

/// A picture size the encoder can take and memory can hold, checked before
/// anything is opened or connected.
fn check_size(width: u32, height: u32, codec: CodecArg) -> Result<()> {
    if width == 0 || height == 0 || width % 2 == 1 || height % 2 == 1 {
        bail!("--width and --height must be even and non-zero (got {width}x{height})");
    }
    let pixels = u64::from(width) * u64::from(height);
    match codec {
        CodecArg::H264 if width.max(height) > 3840 || width.min(height) > 2160 => bail!(
            "--width {width} --height {height} is larger than H.264 (OpenH264, level 5.2) encodes: \
             at most 3840x2160 (or 2160x3840)"
        ),
        CodecArg::Jpeg if width.max(height) > jpeg::MAX_SIDE => {
            bail!("--width {width} --height {height}: a JPEG side is at most {} pixels", jpeg::MAX_SIDE)
        }
        _ if pixels > MAX_PIXELS => bail!(
            "--width {width} --height {height} is {:.0} megapixels, over cam-send's limit of {} (8192x8192, \
             96 MiB a picture)",
            pixels as f64 / 1e6,
            MAX_PIXELS / 1_000_000
        ),
        _ => Ok(()),
    }
}

/// H.264 settings OpenH264 takes, checked before anything is opened: its
/// error would come only at the first picture, after connecting.
fn check_h264(width: u32, height: u32, fps: f64, bitrate: Option<u32>) -> Result<()> {
    use camwire_codec::h264::{MAX_BITRATE, MAX_MACROBLOCKS_PER_SEC, MIN_SIDE};
    if width.min(height) < MIN_SIDE {
        bail!(
            "--width {width} --height {height} is smaller than H.264 (OpenH264) encodes: each side at least {MIN_SIDE}"
        );
    }
    let rate = H264Settings::macroblocks_per_sec(width, height, fps);
    if rate > MAX_MACROBLOCKS_PER_SEC as f64 {
        let most = MAX_MACROBLOCKS_PER_SEC as f64 / H264Settings::macroblocks_per_sec(width, height, 1.0);
        bail!(
            "--fps {fps} is more than H.264 (level 5.2, the highest) carries at {width}x{height}: at most {} fps \
             at this size",
            most.floor()
        );
    }
    match bitrate {
        Some(b) if b > MAX_BITRATE => bail!(
            "--bitrate {b} is more than H.264 (level 5.2, the highest) carries: at most {MAX_BITRATE} (288 Mbit/s)"
        ),
        Some(b) if b < MIN_BITRATE || f64::from(b) < fps => bail!(
            "--bitrate {b} is too low: use at least {} bits per second (and one bit per frame), e.g. 1000000",
            MIN_BITRATE.max(fps.ceil() as u32)
        ),
        _ => Ok(()),
    }
}

/// The lowest `--bitrate`: 10 kbit/s, a postage stamp at a few frames a second.
const MIN_BITRATE: u32 = 10_000;

fn check_host_port(to: &str) -> Result<()> {
    let (host, port) = to
        .rsplit_once(':')
        .with_context(|| format!("--to {to:?} needs a port: use HOST:PORT, e.g. 192.168.1.20:8000"))?;
    if host.is_empty() {
        bail!("--to {to:?} has no host: use HOST:PORT, e.g. 127.0.0.1:8000");
    }
    port.parse::<u16>()
        .ok()
        .filter(|&p| p != 0)
        .with_context(|| format!("--to {to:?}: {port:?} is not a port number (1-65535)"))?;
    Ok(())
}

/// `--rotation`: 0 or 180 (a quarter turn would change the picture's shape).
fn parse_rotation(s: &str) -> Result<u32, String> {
    match s.trim() {
        "0" => Ok(0),
        "180" => Ok(180),
        _ => Err("use 0 or 180 (90 and 270 are not supported: they would swap width and height)".into()),
    }
}
