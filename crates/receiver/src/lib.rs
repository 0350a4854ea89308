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
pub mod config;
pub mod decode;
pub mod frame;
mod gate;
mod input;
mod memory;
pub mod metrics;
mod mux;
mod nofile;
mod refuse;
pub mod sink;
mod summary;
mod throttle;
pub mod tls;
pub mod view;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use config::{Config, RecordFormat, Segments};
pub use frame::Frame;
pub use summary::{Outcome, StreamSummary};

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
    let metrics = metrics::Metrics::new();
    let sinks = sink::Sinks::open(&config, metrics.camera(metrics::DEFAULT_CAMERA))?;
    // The window may end the receiver; a child token leaves the caller's own untouched.
    let stop = shutdown.child_token();
    let viewers = view::Viewers::start(&config, &sinks, &metrics, &stop).await?;
    let outcome = input::serve(listener, config, sinks, metrics, stop, &mut on_summary).await;
    viewers.close().await;
    outcome
}

pub use camwire_app::{init_logging, parse_args, shutdown_on_signals};
