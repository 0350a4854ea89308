//! `cam-send`: frames from a source, through an encoder, to a TCP output.
//!
//! ```text
//! source/  (test pattern, JPEG files, MJPEG or H.264 on stdin, libcamera)  -- capture thread
//!    |  I420 pictures, or frames already encoded (JPEG, H.264 access units)
//! encoder/ (JPEG, H.264)                           -- same thread (pipeline.rs)
//!    |  EncodedFrame: the newest one (live), or a queue (every frame)  (frames.rs)
//! output/  (TCP or TLS, reconnecting, bounded latency)                 -- async task
//! ```
//!
//! [`run`] owns the pipeline; `main.rs` only parses the command line and
//! passes a shutdown token.
//!
//! # Floors
//!
//! Each module imports only modules on the floors below it, never one that
//! imports it back:
//!
//! ```text
//! run (this file), cli        the top: parse, then connect capture and output
//! pipeline, output/           the capture thread; the connection task
//! source/, encoder/           where frames come from; how pictures are encoded
//! config, frames, pace        the typed configuration; the hand-over and the
//!                             encoded frame; pacing to --fps
//! picture, controls, status   the I420 picture and its orientation; camera
//!                             controls; the summary of a run
//! ```
//!
//! `source/` and `encoder/` meet only in `pipeline`, so a source never
//! names an encoder or the other way round; the shared types they need
//! (`YuvFrame`, `ParameterSets`) come from `picture`, `camwire-codec` and
//! `camwire-wire`.

pub mod cli;
mod config;
pub mod controls;
pub mod encoder;
pub mod frames;
pub mod output;
pub mod pace;
pub mod picture;
pub mod pipeline;
pub mod source;
mod summary;

use std::{
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use anyhow::{bail, Result};
use tokio_util::sync::CancellationToken;

pub use config::{Codec, Config, SourceSpec};
pub use frames::EncodedFrame;
pub use pipeline::PipelineFlags;
pub use summary::Summary;

/// How long `run` waits, after the output ended, for the camera to stop.
const CAMERA_WIND_DOWN: Duration = Duration::from_secs(3);

/// Streams frames as `config` says until the source ends, a bound is reached
/// or `shutdown` is cancelled; then writes the terminator. A run that got no
/// frame to a receiver is an error, whatever ended it.
pub async fn run(config: Config, shutdown: CancellationToken) -> Result<Summary> {
    let flags = Arc::new(PipelineFlags::default());
    flags.no_stamp.store(!config.stamp, Ordering::Relaxed);
    let Some(source) = open_source(&config, &shutdown).await? else {
        bail!("interrupted while waiting for standard input: nothing was sent");
    };
    let source = source::bounded(source, &config, flags.streaming.clone());
    let encoder = encoder::create(&config)?;
    for warning in config.warnings() {
        tracing::warn!("{warning}");
    }
    match config.sent_name() {
        Some(name) => tracing::info!("sending {} to {} as camera {name}", config.describe(), config.to),
        // A classic stream says no name: claiming one the receiver never hears would mislead.
        None => tracing::info!(
            "sending {} to {} without a camera name (the receiver names the stream by its port or address; \
             --name NAME sends one)",
            config.describe(),
            config.to
        ),
    }
    let (tx, rx) = frames::channel(config.handover());
    let capture =
        pipeline::spawn_capture(source, encoder, config.orientation, config.annotate.clone(), tx, flags.clone());
    let result = output::stream(&config, rx, flags.clone(), shutdown).await;
    flags.stop.store(true, Ordering::Relaxed);
    flags.streaming.open();
    // A camera must be stopped and released before the process exits: libcamera's
    // own threads racing the exit crashed an aarch64 cam-send after its last frame
    // (scripts/test-pi, once in 14 runs). Other sources may be blocked in a read
    // (stdin) and are not waited for.
    let wind_down = if matches!(config.source, SourceSpec::Libcamera(_)) { CAMERA_WIND_DOWN } else { Duration::ZERO };
    let captured = capture.recv_timeout(wind_down);
    let source_name = match config.source {
        SourceSpec::Stdin => "standard input",
        _ => "the source",
    };
    match (captured, result) {
        // A capture error explains an early end better than the output's view.
        (Ok(Err(e)), _) => Err(e),
        (_, Err(e)) => Err(e),
        (_, Ok(s)) if s.frames > 0 => Ok(s),
        // The source ended by itself without a single frame.
        (Ok(Ok(())), Ok(s)) if s.dropped == 0 => {
            bail!("nothing was sent: {source_name} ended without a whole frame")
        }
        (_, Ok(_)) => bail!("nothing was sent: the run ended before a receiver took a frame"),
    }
}

/// Opens the source. Standard input may hold nothing for a long time (`sleep
/// 20 | cam-send`), so it is opened (its first bytes read) on a thread of its
/// own while Ctrl-C and SIGTERM are heard: `None` when they came first.
async fn open_source(config: &Config, shutdown: &CancellationToken) -> Result<Option<Box<dyn source::Source>>> {
    if config.source != SourceSpec::Stdin {
        return source::open(config).map(Some);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let for_thread = config.clone();
    std::thread::Builder::new().name("stdin".into()).spawn(move || {
        let _ = tx.send(source::open(&for_thread));
    })?;
    tokio::select! {
        opened = rx => opened.map_err(|_| anyhow::anyhow!("opening standard input failed"))?.map(Some),
        _ = shutdown.cancelled() => Ok(None),
    }
}

pub use camwire_app::{init_logging, parse_args, shutdown_on_signals};
