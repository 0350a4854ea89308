//! The command line: a plain clap struct that only validates, turned into a
//! typed [`Config`] before any I/O.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::{anyhow, bail, Context, Result};
use camwire_app::positive_secs;
use clap::Parser;

use camwire_wire::CameraName;

use crate::{
    checks::{
        check_basic, check_publish_url, check_record_folder, check_save_dir, check_token, parse_addr, parse_listen,
        segment_duration, size_in_bytes, RecordFormat, FIELD,
    },
    config::{Config, PlayoutDelay, Segments},
    decode::PixelLimit,
};

const ABOUT: &str = "Receive camera frames from cam-send (or the classic picamera recipe) and verify, record, pipe, show or serve them.";

const LONG_ABOUT: &str = "\
Receive camera frames from cam-send (or the classic picamera recipe) and verify,
record, pipe, show or serve them.

Listens for one sender per camera, several cameras at once (--max-cameras): a
camera is named by its sender (cam-send --name), by the --listen port it came
to, or by its address. Each frame arrives as a little-endian u32 length
followed by the payload (a JPEG, or an H.264 access unit); a zero length ends the
stream. Bare MJPEG or H.264 (rpicam-vid -o tcp://..., ffmpeg) is recognised too.
When a stream ends, for any reason, one `summary:` line is printed and the next
sender is accepted: start and stop the sender as often as you like.

Sinks can be combined; without any, frames are counted and summarised.
--display and --http always show the newest frame: a slow window or browser
skips frames and never slows the sender or the other sinks.";

const EXAMPLES: &str = "\
Examples:
  # decode and check every frame:
  cam-recv --verify
  # record with each frame's capture time (.mkv: JPEG or H.264; .mp4, .ts: H.264):
  cam-recv --record out.mkv
  # a day of 10-minute files, named by their start time:
  cam-recv --record 'cam-%Y%m%d-%H%M%S.mp4' --segment 10m --keep 144
  # the raw stream; play with: ffplay -f mjpeg out.mjpeg (H.264: --record out.h264)
  cam-recv --record out.mjpeg
  # hand the stream to a media server for many viewers (RTMP, RTSP, SRT):
  cam-recv --publish rtmp://127.0.0.1/live/cam
  # watch in mplayer (also mpv, ffplay, vlc):
  cam-recv --pipe mplayer
  # any command, raw stream on its stdin (here H.264 from cam-send --codec h264):
  cam-recv --pipe 'ffmpeg -y -f h264 -framerate 30 -i - -c copy out.mp4'
  # one file per frame, exit after one stream:
  cam-recv --save-dir shots/ --once
  # a window with the live picture, every camera in it (Esc closes it):
  cam-recv --display
  # watch in any browser: http://THIS-PC:8080/
  cam-recv --http 0.0.0.0:8080
  # all at once:
  cam-recv --display --http :8080 --record out.mjpeg
  # several cameras, each recorded to its own files:
  cam-recv --record 'rec/{camera}/%Y%m%d-%H%M%S.mp4' --segment 10m
  # a classic sender to port 8001 is camera porch:
  cam-recv --verify --listen :8000 --listen porch=:8001
  # cameras with their own secrets and sinks, and viewers, from a file (SIGHUP reloads it):
  cam-recv --config /etc/camwire/cam-recv.toml --http :8080
  # only senders with the secret, over TLS:
  cam-recv --tls --secret-file /etc/camwire/secret

Environment: the options marked [env: ...] can be set that way instead, as a
systemd unit's Environment= lines do; a command-line option wins.";

/// `--version`.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Command-line arguments of `cam-recv`.
#[derive(Debug, Parser)]
#[command(name = "cam-recv", version = VERSION, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct Args {
    /// Address to listen on for senders: ADDR:PORT (a host name such as
    /// localhost works too), :PORT or PORT for all interfaces. Repeat it to
    /// listen on several ports; NAME= in front names the camera whose classic
    /// senders come to that port (`--listen garden=:8001`).
    #[arg(long, value_name = "[NAME=]ADDR:PORT", env = "CAMWIRE_LISTEN", default_value = "0.0.0.0:8000")]
    pub listen: Vec<String>,

    /// Name the camera of the classic senders that come from ADDRESS (an
    /// address or a network, e.g. `door=192.168.1.30`); repeatable. A sender
    /// that names itself (`cam-send --name`) keeps its own name. Otherwise a
    /// sender is named by the --listen port it came to, else by its address.
    #[arg(long, value_name = "NAME=ADDRESS")]
    pub camera: Vec<String>,

    /// Cameras that may stream at once; one more is refused with a line that
    /// says so. Each camera has its own sinks: put `{camera}` in --record,
    /// --save-dir and --publish (`--record 'rec/{camera}/%F-%H%M%S.mp4'`).
    /// Without it those options serve one camera at a time. A --pipe player
    /// finds its camera's name in $CAMWIRE_CAMERA. Senders nothing vouches for
    /// (no secret, no --allow, their port and address named by no --listen
    /// NAME=, --camera or --config) get at most 4 cameras, 2 per address. [default: 16]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_cameras: Option<u32>,

    /// Read cameras (their secrets, the addresses they send from, their own
    /// listen ports and sinks) and viewers (tokens or passwords that see some
    /// cameras) from this TOML file; see docs/many-cameras.md. Its sink options
    /// override the command line's for its cameras. SIGHUP reads it again:
    /// changed cameras restart, the others keep streaming; a broken file is
    /// reported and the running configuration kept.
    #[arg(long, value_name = "FILE", env = "CAMWIRE_CONFIG")]
    pub config: Option<PathBuf>,

    /// Exit after the first stream: status 0 only if it ended with the terminator,
    /// no sink failed, (with --verify) every frame was valid, and (with --verify,
    /// --record, --save-dir or --publish) it held at least one frame.
    #[arg(long)]
    pub once: bool,

    /// Fully decode every frame and print one line per frame on stdout:
    /// `frame <n>: <w>x<h> jpeg ok camera=<name> latency=<ms>`, `frame <n>: <w>x<h> h264 ok idr
    /// camera=<name> latency=<ms>` or `frame <n>: invalid (<reason>) camera=<name>` (`latency=`
    /// only when the sender stamps frames).
    #[arg(long)]
    pub verify: bool,

    /// Record to FILE; the extension picks the format. `.mkv` (JPEG or H.264),
    /// `.mp4` (H.264, fragmented: a cut file plays up to its last second) and
    /// `.ts` (H.264) are timed by the sender's capture stamps, so they play at
    /// the real speed, pauses included; each stream of the run starts a new file
    /// (`out-2.mp4`, ...), and a container name may hold strftime fields
    /// (`cam-%Y%m%d-%H%M%S.mp4`). `.mjpeg` (or `.mjpg`) and `.h264` (or `.264`)
    /// are the raw payloads, flushed per frame, every stream of this run appended,
    /// H.264 from its first IDR. The file must not exist yet (see --overwrite);
    /// it is made with the first frame. A cut stream, or a full disk, leaves a
    /// playable file.
    #[arg(long, value_name = "FILE", env = "CAMWIRE_RECORD")]
    pub record: Option<PathBuf>,

    /// With --record: replace FILE if it exists (when the first frame arrives),
    /// instead of refusing to start.
    #[arg(long, requires = "record")]
    pub overwrite: bool,

    /// With a container --record: start a new file every DURATION (`10m`, `1h`,
    /// `30s`), on a keyframe. Name the files with strftime fields to tell them apart.
    #[arg(long, value_name = "DURATION", value_parser = segment_duration)]
    pub segment: Option<Duration>,

    /// With a container --record: keep only the newest N files this run wrote,
    /// deleting older ones.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub keep: Option<u64>,

    /// With a container --record: delete this run's oldest files while the files
    /// together hold more than SIZE (the file being written is kept): bytes, or
    /// with a unit, `500M`, `10G` (powers of 1000) or `10GiB` (powers of 1024).
    #[arg(long, value_name = "SIZE", value_parser = size_in_bytes)]
    pub max_bytes: Option<u64>,

    /// Publish the stream to a media server, timed by the capture stamps:
    /// `rtmp://HOST/APP/KEY` (FLV), `rtsp://HOST:8554/PATH` (RECORD), or
    /// `srt://HOST:PORT` / `udp://HOST:PORT` (MPEG-TS). H.264 goes as it is;
    /// JPEG is encoded to H.264. Uses ffmpeg as the transport; reconnects when the
    /// server comes back, and never slows the other sinks.
    #[arg(long, value_name = "URL")]
    pub publish: Option<String>,

    /// Write one file per frame into DIR: frame-000001.jpg, frame-000002.jpg, ...
    /// (mode 0640; existing files and links are never written through). DIR is
    /// created if it is missing; the folder it is in must exist.
    #[arg(long, value_name = "DIR", env = "CAMWIRE_SAVE_DIR")]
    pub save_dir: Option<PathBuf>,

    /// Write the raw stream to the stdin of CMD, one CMD per camera. A bare `mplayer`,
    /// `mpv`, `ffplay` or `vlc` gets the arguments it needs to play it with low latency
    /// (and the camera's name in its window title, but vlc's); anything
    /// else runs through the shell. A player that exits, or reads nothing for
    /// 10 s, is stopped with a warning and started again for the next stream.
    /// CAMWIRE_PIPE_EXTRA_ARGS adds arguments to a bare player's command line
    /// (e.g. `-vo null -ao null` runs mplayer without a window).
    #[arg(long, value_name = "CMD", env = "CAMWIRE_PIPE")]
    pub pipe: Option<String>,

    /// Show the live picture in a window (needs an X display). Several cameras
    /// share the one window as a grid, each picture fitted to its cell with the
    /// camera's name above it; a cell comes and goes with its camera's stream.
    /// Closing the window or pressing Esc ends this sink, and the receiver when it was the only one.
    #[arg(long)]
    pub display: bool,

    /// Serve the live picture over HTTP on ADDR (`:8080`, `8080`, `0.0.0.0:8080`
    /// or `localhost:8080`): a page at /, MJPEG at /stream.mjpg, /snapshot.jpg, /status (JSON)
    /// and /metrics (Prometheus).
    #[arg(long, value_name = "ADDR", env = "CAMWIRE_HTTP")]
    pub http: Option<String>,

    /// Ask web viewers for this user name and password (HTTP basic authentication);
    /// the password needs at least 8 characters. Over plain HTTP the password crosses the network readable: use on a trusted LAN.
    /// `ps` shows the command line to every user: prefer --http-auth-file or CAMWIRE_HTTP_AUTH.
    #[arg(long, value_name = "USER:PASSWORD", env = "CAMWIRE_HTTP_AUTH", hide_env_values = true)]
    pub http_auth: Option<String>,

    /// Like --http-auth, read from the first line of FILE.
    #[arg(long, value_name = "FILE")]
    pub http_auth_file: Option<PathBuf>,

    /// Ask web viewers for this token: open http://HOST:PORT/?token=TOKEN once and the
    /// browser keeps a session cookie (or send `Authorization: Bearer TOKEN`).
    /// At least 16 letters, digits or -._~ (`openssl rand -hex 16` makes one).
    /// `ps` shows the command line to every user: prefer --http-token-file or CAMWIRE_HTTP_TOKEN.
    #[arg(long, value_name = "TOKEN", env = "CAMWIRE_HTTP_TOKEN", hide_env_values = true)]
    pub http_token: Option<String>,

    /// Like --http-token, read from the first line of FILE.
    #[arg(long, value_name = "FILE")]
    pub http_token_file: Option<PathBuf>,

    /// Host names the web view answers to, besides IP addresses, `localhost` and this
    /// machine's name (also as NAME.local). Any other name in a request's Host gets 421,
    /// which stops pages elsewhere from pointing their own name at this machine (DNS rebinding).
    #[arg(long, value_name = "NAME[,NAME...]", value_delimiter = ',')]
    pub http_host: Vec<String>,

    /// Web viewers served at once; one more gets a 503 saying so. When all are taken, a
    /// viewer from an address that holds fewer ends the oldest stream of the address that
    /// holds the most.
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_viewers: u32,

    /// The UDP port every WebRTC (WHEP) viewer of the web view uses, so a firewall needs one
    /// rule; `off` serves no WebRTC. Default: 8189, or any free port if that one is taken.
    #[arg(long, value_name = "PORT|off", value_parser = parse_webrtc_port)]
    pub webrtc_port: Option<WebRtcPort>,

    /// The address viewers outside the LAN reach this machine at (the router's public
    /// address, forwarding the --webrtc-port UDP port here): offered to WebRTC viewers
    /// besides the address they opened the page on.
    #[arg(long, value_name = "IP")]
    pub webrtc_public_ip: Option<std::net::IpAddr>,

    /// A STUN server (HOST:PORT, port 3478 if left out) that tells this receiver the public
    /// address its --webrtc-port is reached at through NAT; offered to WebRTC viewers beside
    /// the host address. A server that does not answer is logged once; viewers on the LAN
    /// still play.
    #[arg(long, value_name = "HOST:PORT", value_parser = parse_stun_server)]
    pub webrtc_stun: Option<String>,

    /// `off` refuses WebRTC viewers of a JPEG camera (409) instead of encoding its pictures
    /// to H.264 for them (once per camera, while one watches; the bit rate is about 0.1 bit
    /// per pixel at 30 fps: 0.9 Mbit/s at 640x480).
    #[arg(long, value_name = "on|off", default_value = "on", value_parser = ["on", "off"])]
    pub webrtc_transcode: String,

    /// The most a WebRTC viewer's browser may hold a frame to ride out network jitter, in
    /// milliseconds (10-40950; the playout-delay RTP extension, asking for no delay at
    /// least). Chromium then shows each frame as soon as it is decoded while the network
    /// is steady, 15-20 ms sooner than by its own rules, and up to 500 ms it keeps its
    /// low-latency renderer. `browser` leaves the delay to the browser.
    #[arg(long, value_name = "MS|browser", default_value = "500", value_parser = parse_playout_delay)]
    pub webrtc_playout_delay: PlayoutDelay,

    /// Drop a sender that sends nothing for this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, allow_negative_numbers = true, value_parser = positive_secs)]
    pub idle_timeout: f64,

    /// Drop a new connection that has not delivered its first picture (a frame
    /// whose JPEG or H.264 header reads) within this many seconds; it never
    /// holds the sender slot meanwhile.
    #[arg(long, value_name = "SECS", default_value_t = 5.0, allow_negative_numbers = true, value_parser = positive_secs)]
    pub handshake_timeout: f64,

    /// Accept senders only from these addresses or networks, e.g.
    /// `192.168.1.0/24,10.0.0.7`. Anything else is refused with a log line.
    /// Default: anyone who can reach the port.
    #[arg(long, value_name = "CIDR[,CIDR...]", value_delimiter = ',', env = "CAMWIRE_ALLOW")]
    pub allow: Vec<String>,

    /// Accept only senders that prove they hold the secret in FILE
    /// (`cam-send --secret-file` with the same contents; at least 16 bytes, e.g.
    /// `head -c 32 /dev/urandom | base64 > FILE`). Or set CAMWIRE_SECRET_FILE, or
    /// the secret itself in CAMWIRE_SECRET. Senders without it are refused.
    #[arg(long, value_name = "FILE", env = "CAMWIRE_SECRET_FILE")]
    pub secret_file: Option<PathBuf>,

    /// Speak TLS on the frame port, with this receiver's own certificate (made on
    /// first start and kept). Its fingerprint is printed at start; senders pin it
    /// with `cam-send --tls-pin SHA256:...`. Senders without TLS are refused.
    #[arg(long)]
    pub tls: bool,

    /// Where --tls and --https keep the certificate and key, mode 0600 (default:
    /// $STATE_DIRECTORY, else $XDG_STATE_HOME/camwire, else ~/.local/state/camwire).
    #[arg(long, value_name = "DIR")]
    pub tls_dir: Option<PathBuf>,

    /// Serve the web view over HTTPS, with the same certificate as --tls (made on
    /// first start, kept in --tls-dir). It is self-signed: a browser asks once
    /// whether to trust it; compare the fingerprint printed at start.
    #[arg(long, requires = "http")]
    pub https: bool,

    /// Largest frame accepted, in bytes (at most 1 GiB); a longer length prefix drops the sender.
    #[arg(long, value_name = "BYTES", default_value_t = camwire_wire::DEFAULT_MAX_FRAME)]
    pub max_frame: usize,

    /// Refuse pictures with more pixels than this, from their header, before
    /// decoding (a hostile header must not cost gigabytes). The default, 16 MP,
    /// is above every Raspberry Pi camera mode.
    #[arg(long, value_name = "PIXELS", default_value_t = crate::decode::DEFAULT_MAX_PIXELS as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_pixels: u64,

    /// No status line and no informational log lines; results and errors are still printed.
    #[arg(long, short)]
    pub quiet: bool,

    /// More log detail: -v adds debug lines (connections, sink start and stop),
    /// -vv traces. RUST_LOG=debug does the same; NO_COLOR turns colour off.
    #[arg(long, short, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

impl Args {
    /// Checks the arguments and turns them into a [`Config`].
    pub fn into_config(self) -> Result<Config> {
        let mut listens = self.listen.iter().map(|s| parse_named_listen(s)).collect::<Result<Vec<_>>>()?;
        let (listen, listen_name) = listens.remove(0);
        let by_address = self.camera.iter().map(|s| parse_camera(s)).collect::<Result<Vec<_>>>()?;
        let cameras = crate::cameras::CameraOptions {
            more_listens: listens,
            listen_name,
            by_address,
            max: self.max_cameras.map_or(crate::cameras::DEFAULT_MAX_CAMERAS, |n| n as usize),
            max_given: self.max_cameras.is_some(),
        };
        let http = self.http.as_deref().map(parse_http).transpose()?;
        let file = self.config.as_deref().map(crate::config_file::load).transpose()?;
        if file.as_ref().is_some_and(|f| !f.viewers.is_empty()) && http.is_none() {
            bail!("--config: the file's viewers watch the web view: add --http ADDR");
        }
        if !(self.idle_timeout.is_finite() && self.idle_timeout > 0.0) {
            bail!("--idle-timeout must be a positive number of seconds (got {})", self.idle_timeout);
        }
        if !(self.handshake_timeout.is_finite() && self.handshake_timeout > 0.0) {
            bail!("--handshake-timeout must be a positive number of seconds (got {})", self.handshake_timeout);
        }
        let allow = self.allow.iter().map(|s| parse_cidr(s)).collect::<Result<Vec<_>>>()?;
        let (http_access, http_hosts) = self.http_guards()?;
        if self.max_frame == 0 || self.max_frame > camwire_wire::hello::MAX_FRAME_LIMIT {
            bail!(
                "--max-frame must be between 1 and {} bytes (1 GiB; longer lengths spell the camwire lines of \
                 protocol.md section 11)",
                camwire_wire::hello::MAX_FRAME_LIMIT
            );
        }
        let record = self.record.map(|path| RecordFormat::from_path(&path).map(|f| (path, f))).transpose()?;
        if let Some((path, _)) = &record {
            if !self.overwrite && std::fs::symlink_metadata(path).is_ok() {
                bail!(
                    "--record {}: the file exists; choose a new name, or add --overwrite to replace it",
                    path.display()
                );
            }
            check_record_folder(path)?;
        }
        let segments = Segments { every: self.segment, keep: self.keep.map(|n| n as usize), max_bytes: self.max_bytes };
        if segments != Segments::default() && !record.as_ref().is_some_and(|(_, f)| f.is_container()) {
            bail!(
                "--segment, --keep and --max-bytes split a container recording: add --record NAME.mp4 (or .mkv, .ts)"
            );
        }
        if segments.every.is_some_and(|d| d < Duration::from_secs(1)) {
            bail!("--segment must be at least 1s (e.g. --segment 10m)");
        }
        if let Some(url) = &self.publish {
            crate::sink::publish_format(url)?;
            check_publish_url(url)?;
        }
        if let Some(dir) = &self.save_dir {
            check_save_dir(dir, dir.to_string_lossy().contains(FIELD))?;
        }
        if let Some(cmd) = &self.pipe {
            if cmd.trim().is_empty() {
                bail!("--pipe needs a command, e.g. --pipe mplayer");
            }
            crate::sink::check_pipe_command(cmd)?;
        }
        let secret = camwire_app::load_secret(self.secret_file.as_deref()).map_err(anyhow::Error::msg)?;
        // The config file's [webrtc] says what these options say, for a receiver set up there.
        let in_file = file.as_ref().map(|f| f.webrtc.clone()).unwrap_or_default();
        if self.webrtc_public_ip.is_some() && in_file.public_ip.is_some() {
            bail!("--webrtc-public-ip and the config file's [webrtc] public-ip both give the public address: keep one");
        }
        if self.webrtc_stun.is_some() && in_file.stun.is_some() {
            bail!("--webrtc-stun and the config file's [webrtc] stun both name a STUN server: keep one");
        }
        let webrtc_public_ip = self.webrtc_public_ip.or(in_file.public_ip);
        let webrtc_stun = self.webrtc_stun.or(in_file.stun);
        if webrtc_stun.is_some() && self.webrtc_port == Some(WebRtcPort::Off) {
            bail!(
                "--webrtc-stun (or [webrtc] stun in --config) finds the address of the WebRTC port, which \
                 --webrtc-port off turns off: drop one"
            );
        }
        if self.tls_dir.is_some() && !self.tls && !self.https {
            bail!("--tls-dir is where --tls and --https keep their certificate: add one of them");
        }
        let cert_dir = self.tls_dir.unwrap_or_else(crate::tls::default_dir);
        let tls_dir = self.tls.then(|| cert_dir.clone());
        let https_dir = self.https.then_some(cert_dir);
        let config = Config {
            file: file.map(std::sync::Arc::new),
            live: None,
            cameras,
            secret,
            tls_dir,
            https_dir,
            listen,
            once: self.once,
            verify: self.verify,
            record,
            overwrite: self.overwrite,
            segments,
            publish: self.publish,
            save_dir: self.save_dir,
            pipe: self.pipe,
            idle_timeout: Duration::from_secs_f64(self.idle_timeout),
            handshake_timeout: Duration::from_secs_f64(self.handshake_timeout),
            http_access,
            http_hosts,
            max_viewers: self.max_viewers as usize,
            webrtc: crate::view::WebRtcOptions {
                port: match self.webrtc_port {
                    Some(WebRtcPort::Port(port)) => Some(port),
                    _ => None,
                },
                public_ip: webrtc_public_ip,
                off: self.webrtc_port == Some(WebRtcPort::Off),
                stun: webrtc_stun,
                transcode_off: self.webrtc_transcode == "off",
                playout_delay: self.webrtc_playout_delay,
                ..Default::default()
            },
            allow,
            max_frame: self.max_frame,
            max_pixels: PixelLimit(usize::try_from(self.max_pixels).unwrap_or(usize::MAX)),
            // Per-frame lines on the same terminal would tear through a live status line.
            status_line: !self.quiet
                && std::io::IsTerminal::is_terminal(&std::io::stderr())
                && !(self.verify && std::io::IsTerminal::is_terminal(&std::io::stdout())),
            display: self.display,
            http,
        };
        crate::cameras::check(&config)?;
        Ok(config)
    }
}

impl Args {
    /// The web view's credentials (from the command line or the environment,
    /// else a file) and host names, checked.
    fn http_guards(&self) -> Result<(crate::view::HttpAccess, Vec<String>)> {
        let guarded = self.http_auth.is_some()
            || self.http_auth_file.is_some()
            || self.http_token.is_some()
            || self.http_token_file.is_some()
            || !self.http_host.is_empty();
        if guarded && self.http.is_none() {
            bail!(
                "--http-auth, --http-token and --http-host (and their -file forms) guard the web view: add --http ADDR"
            );
        }
        if self.http.is_none() {
            return Ok(Default::default());
        }
        let basic = secret(&self.http_auth, "--http-auth", "CAMWIRE_HTTP_AUTH", &self.http_auth_file)?;
        let token = secret(&self.http_token, "--http-token", "CAMWIRE_HTTP_TOKEN", &self.http_token_file)?;
        if let Some((auth, from)) = &basic {
            check_basic(auth, from)?;
        }
        if let Some((token, from)) = &token {
            check_token(token, from)?;
        }
        for name in &self.http_host {
            let name = name.trim();
            if name.is_empty() || name.contains(['/', ':', ' ', '[', ']']) {
                bail!(
                    "--http-host {name:?}: give a host name without port or scheme, e.g. --http-host cam.example.org"
                );
            }
        }
        let access = crate::view::HttpAccess { basic: basic.map(|(s, _)| s), token: token.map(|(s, _)| s) };
        Ok((access, self.http_host.iter().map(|n| n.trim().to_string()).collect()))
    }
}

/// A secret from the first line of `--flag-file FILE`, else `--flag VALUE`
/// or its environment variable `env` (a file given outright beats the
/// environment; with the flag too it is a mistake); with where it came from.
fn secret(value: &Option<String>, flag: &str, env: &str, file: &Option<PathBuf>) -> Result<Option<(String, String)>> {
    let from_env = value.is_some() && std::env::var_os(env).as_deref() == value.as_deref().map(std::ffi::OsStr::new);
    let (secret, from) = match (file, value) {
        (Some(_), Some(_)) if !from_env => bail!("give {flag} or {flag}-file, not both"),
        (Some(file), _) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("{flag}-file {}: cannot read it", file.display()))?;
            (text.lines().next().unwrap_or("").trim().to_string(), format!("{flag}-file {}", file.display()))
        }
        (None, Some(value)) => (value.trim().to_string(), if from_env { env.to_string() } else { flag.to_string() }),
        (None, None) => return Ok(None),
    };
    if secret.is_empty() {
        bail!("{from}: empty; give the secret, or leave it out for an open view");
    }
    Ok(Some((secret, from)))
}

/// `--http`: the same forms as `--listen`.
fn parse_http(s: &str) -> Result<SocketAddr> {
    parse_addr(s).map_err(|why| {
        anyhow!(
            "--http {s:?}: {why}; use ADDR:PORT, HOST:PORT, :PORT or PORT, e.g. 0.0.0.0:8080, localhost:8080 or :8080"
        )
    })
}

/// A network (`192.168.1.0/24`, `fd00::/8`) or a single address (`10.0.0.7`).
fn parse_cidr(s: &str) -> Result<ipnet::IpNet> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .with_context(|| format!("--allow {s:?}: use an address or a network, e.g. 192.168.1.0/24 or 10.0.0.7"))
}

/// `--listen [NAME=]ADDR:PORT`.
fn parse_named_listen(s: &str) -> Result<(SocketAddr, Option<CameraName>)> {
    match s.split_once('=') {
        Some((name, addr)) => {
            let name = CameraName::new(name).with_context(|| format!("--listen {s:?}: the camera name"))?;
            Ok((parse_listen(addr)?, Some(name)))
        }
        None => Ok((parse_listen(s)?, None)),
    }
}

/// `--camera NAME=ADDRESS`.
fn parse_camera(s: &str) -> Result<(ipnet::IpNet, CameraName)> {
    let (name, addr) = s
        .split_once('=')
        .with_context(|| format!("--camera {s:?}: use NAME=ADDRESS, e.g. --camera door=192.168.1.30"))?;
    let name = CameraName::new(name).with_context(|| format!("--camera {s:?}: the camera name"))?;
    let net = addr
        .trim()
        .parse::<ipnet::IpNet>()
        .or_else(|_| addr.trim().parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .with_context(|| format!("--camera {s:?}: {addr:?} is not an address or a network, e.g. 192.168.1.30"))?;
    Ok((net, name))
}

/// `--webrtc-port`: a UDP port, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebRtcPort {
    /// This port (0: any free one).
    Port(u16),
    /// No WebRTC.
    Off,
}

/// `--webrtc-stun`: `HOST:PORT`, or `HOST` for STUN's port 3478; looked up when the receiver starts.
pub(crate) fn parse_stun_server(s: &str) -> Result<String, String> {
    let has_port =
        |s: &str| s.rsplit_once(':').is_some_and(|(host, port)| !host.ends_with(':') && port.parse::<u16>().is_ok());
    if s.is_empty() || s.contains(char::is_whitespace) || s.contains('/') {
        return Err(format!("{s:?} is not HOST:PORT (e.g. stun.example.net:3478)"));
    }
    if s.parse::<SocketAddr>().is_ok() || (!s.starts_with('[') && s.matches(':').count() == 1 && has_port(s)) {
        return Ok(s.to_string());
    }
    if s.contains(':') && !s.starts_with('[') && s.matches(':').count() == 1 {
        return Err(format!("{s:?}: the port is not a number (0-65535)"));
    }
    // A bare name or address: STUN's own port.
    match s.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(ip)) => Ok(format!("[{ip}]:3478")),
        _ => Ok(format!("{s}:3478")),
    }
}

fn parse_playout_delay(s: &str) -> Result<PlayoutDelay, String> {
    if s == "browser" {
        return Ok(PlayoutDelay::Browser);
    }
    match s.parse::<u64>() {
        Ok(ms @ 10..=40950) => Ok(PlayoutDelay::UpTo(Duration::from_millis(ms))),
        _ => Err(format!("{s:?} is not a delay in milliseconds from 10 to 40950, or `browser`")),
    }
}

fn parse_webrtc_port(s: &str) -> Result<WebRtcPort, String> {
    if s == "off" {
        return Ok(WebRtcPort::Off);
    }
    s.parse().map(WebRtcPort::Port).map_err(|_| format!("{s:?} is not a UDP port (0-65535) or `off`"))
}

#[cfg(test)]
mod tests {
    use super::parse_stun_server;

    #[test]
    fn a_playout_delay_is_milliseconds_the_extension_can_carry_or_the_browsers_own() {
        use super::{parse_playout_delay, Duration, PlayoutDelay};
        assert_eq!(parse_playout_delay("500"), Ok(PlayoutDelay::UpTo(Duration::from_millis(500))));
        assert_eq!(parse_playout_delay("40950"), Ok(PlayoutDelay::UpTo(Duration::from_millis(40950))));
        assert_eq!(parse_playout_delay("browser"), Ok(PlayoutDelay::Browser));
        for bad in ["0", "9", "40960", "-1", "0.5s", "auto", ""] {
            assert!(parse_playout_delay(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_stun_server_without_a_port_gets_stuns_own() {
        assert_eq!(parse_stun_server("stun.example.net").unwrap(), "stun.example.net:3478");
        assert_eq!(parse_stun_server("stun.example.net:19302").unwrap(), "stun.example.net:19302");
        assert_eq!(parse_stun_server("192.0.2.1:3478").unwrap(), "192.0.2.1:3478");
        assert_eq!(parse_stun_server("::1").unwrap(), "[::1]:3478");
        assert_eq!(parse_stun_server("[::1]:3479").unwrap(), "[::1]:3479");
        assert!(parse_stun_server("stun.example.net:99999").is_err());
        assert!(parse_stun_server("stun:stun.example.net").is_err(), "a URI's scheme is not a host");
        assert!(parse_stun_server("").is_err());
    }
}
