//! `cam-recv`: frames in from TCP, out to any combination of sinks.
//!
//! ```text
//! input/   listener; who may send (sender_check); one active sender;
//!   |      framed or raw; limits and timeouts (admission)
//!   |  Frame, in order
//! sink/    fan-out to every sink by its delivery:
//!   |        every frame, in order:     verify | record | save_dir
//!   |        the latest, skipping:      pipe | publish
//!   |        the viewers' feeds:        latest frame (watch), decoded H.264
//!   |                                   picture, live fMP4 fragments
//! view/    the window (--display) and the web view (--http) read the feeds
//!
//! mux/     fMP4, MPEG-TS, Matroska, MP4 writers (record, publish, live fMP4)
//! decode/  JPEG and H.264 decoders, within the --max-pixels budget
//! ```
//!
//! [`run`] owns the listener and the sinks; `main.rs` only parses the command
//! line and passes a shutdown token.

mod admission;
pub mod backchannel;
mod bind;
pub mod cameras;
mod checks;
pub mod cli;
pub mod clock;
pub mod config;
pub mod config_file;
pub mod decode;
pub mod frame;
mod input;
mod memory;
pub mod metrics;
mod mux;
mod nofile;
mod refuse;
mod reload;
mod sender_check;
pub mod sink;
mod summary;
mod throttle;
pub mod tls;
pub mod view;

use anyhow::Result;
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
    let listener = bind::bind(config.listen, "--listen").await?;
    serve(listener, config, shutdown, on_summary).await
}

/// Serves senders on an already bound listener, as [`run`] does.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: CancellationToken,
    mut on_summary: impl FnMut(&StreamSummary) + Send,
) -> Result<Outcome> {
    let mut config = config;
    let mut listeners = vec![(listener, config.cameras.listen_name.clone())];
    for (addr, name) in &config.cameras.more_listens {
        listeners.push((bind::bind(*addr, "--listen").await?, name.clone()));
    }
    let file_listens = config.file.iter().flat_map(|f| f.cameras.iter());
    for (name, addr) in file_listens.filter_map(|(name, c)| Some((name, c.admission.listen?))) {
        listeners.push((bind::bind(addr, "--config listen").await?, Some(name.clone())));
    }
    // The --config file as it is now: SIGHUP reads it again.
    let live = match reload::live(&config) {
        Some((sender, live)) => {
            reload::on_sighup(config.clone(), sender, shutdown.clone())?;
            Some(live)
        }
        None => None,
    };
    config.live = live.clone();
    // Every camera's series, each labelled with the camera's name, for `/metrics`.
    let metrics = metrics::Metrics::new();
    // Each camera its own sinks, or (a file option without {camera}) one set for one camera at a time.
    // The window may end the receiver; a child token leaves the caller's own untouched.
    let stop = shutdown.child_token();
    let (slots, viewers) = if cameras::check(&config)? {
        let viewers = sink::Sinks::open(&cameras::viewers_only(&config), &metrics)?;
        let (directory, listed) = cameras::directory();
        let outputs = cameras::has_outputs(&config);
        let started = view::Viewers::start(&config, &viewers, outputs, Some(listed), &metrics, &stop).await?;
        let slots = cameras::Slots::per_camera(config.cameras.max, Some(viewers), directory);
        (slots.with_max_strangers(config.cameras.max_strangers(config.file.as_deref())), started)
    } else {
        let sinks = sink::Sinks::open(&config, &metrics)?;
        let started = view::Viewers::start(&config, &sinks, false, None, &metrics, &stop).await?;
        (cameras::Slots::shared(sinks), started)
    };
    let outcome = input::serve(listeners, config, slots, metrics, live, stop, &mut on_summary).await;
    viewers.close().await;
    outcome
}

pub use camwire_app::{init_logging, parse_args, shutdown_on_signals};
