//! Viewers: the window (`--display`) and the web view (`--http`). They are
//! not sinks: they skip to the newest frame. The viewers that skip to the newest frame, `--display` and `--http`, started
//! together beside the in-order sinks: they read [`Sinks::latest`] and end by
//! themselves once the receiver closes its sinks.

pub(crate) mod http;
mod window;

use std::sync::Arc;

use anyhow::Result;
use tokio_util::sync::CancellationToken;

pub use http::{HttpAccess, HttpOptions, WebView, MIN_TOKEN_LEN};
pub use window::WindowView;

use crate::{config::Config, metrics::Metrics, sink::Sinks};

/// The running window and web view, whichever `config` asks for.
pub struct Viewers {
    display: Option<WindowView>,
    http: Option<WebView>,
}

impl Viewers {
    /// Checks for an X display and binds the web view's port now, so either
    /// problem is an error at start. `stop` ends the receiver: the window
    /// cancels it when it is closed and was the only sink.
    pub async fn start(
        config: &Config,
        sinks: &Sinks,
        metrics: &Arc<Metrics>,
        stop: &CancellationToken,
    ) -> Result<Self> {
        if config.display {
            window::check_environment()?;
        }
        let http = match config.http {
            Some(addr) => Some(
                WebView::start(
                    addr,
                    sinks.latest(),
                    sinks.live_mp4(),
                    sinks.pictures(),
                    metrics.clone(),
                    config.http_options(),
                )
                .await?,
            ),
            None => None,
        };
        let display = if config.display {
            let only_sink = config.http.is_none()
                && !config.verify
                && config.record.is_none()
                && config.save_dir.is_none()
                && config.pipe.is_none();
            Some(WindowView::open(sinks.latest(), only_sink.then(|| stop.clone())).await?)
        } else {
            None
        };
        Ok(Self { display, http })
    }

    /// Waits for the viewers to finish, after the receiver closed its sinks.
    pub async fn close(self) {
        if let Some(http) = self.http {
            http.close().await;
        }
        if let Some(display) = self.display {
            display.join().await;
        }
    }
}
