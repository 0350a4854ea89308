//! `cam-recv`: frames in from TCP, out to any combination of sinks.
//!
//! ```text
//! input   (listener; one active sender; framed or raw; limits and timeouts)
//!   |  Frame, in order
//! sink/   verify | record | save_dir | pipe     (every frame, in order)
//!         latest frame (watch) for viewers that skip to the newest: display | http
//! ```
//!
//! [`run`] owns the listener and the sinks; `main.rs` only parses the command
//! line and passes a shutdown token.

mod admission;
pub mod cli;
pub mod decode;
pub mod frame;
mod gate;
mod input;
pub mod metrics;
mod nofile;
mod refuse;
pub mod sink;
mod summary;
pub mod tls;
pub mod view;

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{bail, Context, Result};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use frame::Frame;
pub use summary::StreamSummary;

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
    pub http_access: view::HttpAccess,
    /// Host names the web view answers to besides its addresses (`--http-host`).
    pub http_hosts: Vec<String>,
    /// Streams the web view serves at once.
    pub max_viewers: usize,
    /// Senders must answer a challenge with this secret (protocol.md, "Who may send").
    pub secret: Option<camwire_wire::handshake::Secret>,
    /// Speak TLS on the frame port, with the certificate kept in this directory.
    pub tls_dir: Option<PathBuf>,
    /// Serve the web view over HTTPS, with the certificate kept in this directory.
    pub https_dir: Option<PathBuf>,
    /// Pictures with more pixels are refused before decoding (`--max-pixels`).
    pub max_pixels: usize,
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
            http_access: view::HttpAccess::default(),
            http_hosts: Vec::new(),
            max_viewers: 100,
            secret: None,
            tls_dir: None,
            https_dir: None,
            max_pixels: decode::DEFAULT_MAX_PIXELS,
        }
    }
}

impl Config {
    /// The web view's guards: access, viewers, host names, and connection
    /// limits that fit the open-file limit (half of it, between 64 and 4096,
    /// a quarter of that from one address).
    pub fn http_options(&self) -> view::HttpOptions {
        let nofile = nofile::open_file_limit();
        let max_connections = (nofile / 2).clamp(64, 4096) as usize;
        view::HttpOptions {
            access: self.http_access.clone(),
            max_viewers: self.max_viewers,
            max_connections,
            max_per_address: max_connections / 4,
            hosts: self.http_hosts.clone(),
            https_dir: self.https_dir.clone(),
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

/// How a run ended. It holds what `--once` needs and no more, so a receiver
/// that serves streams for months keeps constant memory: every summary is
/// handed out when its stream ends, only the first is kept.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Streams received.
    pub streams: u64,
    /// The first stream's summary: the one `--once` exits on.
    pub first: Option<StreamSummary>,
    /// With `--once`: the stream ended with the terminator, every frame was
    /// valid and no sink failed. Otherwise: the receiver shut down cleanly.
    pub success: bool,
}

impl Outcome {
    /// Counts a finished stream, keeping its summary only if it is the first.
    pub fn add(&mut self, summary: StreamSummary) {
        self.streams += 1;
        self.first.get_or_insert(summary);
    }
}

/// Binds `config.listen` and serves until `shutdown` (or, with `once`, the
/// end of the first stream). Each stream's summary goes to `on_summary` as
/// the stream ends; `cam-recv` prints it.
pub async fn run(
    config: Config,
    shutdown: CancellationToken,
    on_summary: impl FnMut(&StreamSummary) + Send,
) -> Result<Outcome> {
    // Many idle clients must meet a connection limit with a log line, never the
    // process's file-descriptor limit: raise the soft limit to the hard one.
    nofile::open_file_limit();
    let listener = TcpListener::bind(config.listen).await.with_context(|| {
        format!("cannot listen on {}: is another cam-recv running? (choose another with --listen)", config.listen)
    })?;
    serve(listener, config, shutdown, on_summary).await
}

/// Serves senders on an already bound listener, as [`run`] does.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: CancellationToken,
    mut on_summary: impl FnMut(&StreamSummary) + Send,
) -> Result<Outcome> {
    decode::set_max_pixels(config.max_pixels);
    let sinks = sink::Sinks::open(&config)?;
    // The window may end the receiver; a child token leaves the caller's own untouched.
    let stop = shutdown.child_token();
    let metrics = metrics::Metrics::new();
    let viewers = view::Viewers::start(&config, &sinks, &metrics, &stop).await?;
    let outcome = input::serve(listener, config, sinks, metrics, stop, &mut on_summary).await;
    viewers.close().await;
    outcome
}

pub use camwire_app::{init_logging, parse_args, shutdown_on_signals};

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(frames: u64) -> StreamSummary {
        StreamSummary {
            peer: "127.0.0.1:1".parse().unwrap(),
            totals: camwire_app::Totals { frames, bytes: 0, seconds: 1.0, terminated: true },
            invalid: 0,
            raw: false,
            clean: true,
            latency: None,
            sink_failed: false,
            files: Vec::new(),
        }
    }

    #[test]
    fn outcome_keeps_the_first_summary_and_a_count_however_many_streams() {
        let mut outcome = Outcome::default();
        for n in 1..=100_000 {
            outcome.add(summary(n));
        }
        assert_eq!(outcome.streams, 100_000);
        assert_eq!(outcome.first.as_ref().map(|s| s.frames), Some(1), "--once reports on the first stream");
        // Constant size: no collection of summaries that grows with the streams.
        assert!(std::mem::size_of::<Outcome>() <= 2 * std::mem::size_of::<StreamSummary>());
    }
}
