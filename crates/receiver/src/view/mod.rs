//! Viewers: the window (`--display`) and the web view (`--http`). They are
//! not sinks: they skip to the newest frame, started together beside the
//! sinks; they read [`Sinks::latest`] and end by themselves once the
//! receiver closes its sinks.

mod grid;
pub(crate) mod http;
pub(crate) mod webrtc;
mod window;

use std::sync::Arc;

use anyhow::Result;
use tokio_util::sync::CancellationToken;

pub use http::{HttpAccess, HttpOptions, WebView, MIN_PASSWORD_LEN, MIN_TOKEN_LEN};
pub use webrtc::WebRtcOptions;
pub use window::{Shown, WindowView};

use crate::{config::Config, metrics::Metrics, sink::Sinks};

/// The running window and web view, whichever `config` asks for.
pub struct Viewers {
    display: Option<WindowView>,
    http: Option<WebView>,
}

impl Viewers {
    /// Checks for an X display and binds the web view's port now, so either
    /// problem is an error at start. The window shows every camera of
    /// `cameras` (a grid), else `sinks`' one camera. `stop` ends the receiver: the window
    /// cancels it when it is closed and nothing else was open (no web view,
    /// no sink in [`Sinks::outputs`], and `cameras_have_outputs` false: each
    /// camera opens no outputs of its own). The web view serves each camera
    /// of `cameras` at `/cam/NAME/`, `sinks`' camera at `/`, and every
    /// camera's series in `metrics` at `/metrics`.
    pub async fn start(
        config: &Config,
        sinks: &Sinks,
        cameras_have_outputs: bool,
        cameras: Option<crate::cameras::Directory>,
        metrics: &Arc<Metrics>,
        stop: &CancellationToken,
    ) -> Result<Self> {
        if config.display {
            window::check_environment()?;
        }
        // The window shows every camera of `cameras`, else the one of `sinks`.
        let shown = match &cameras {
            Some(cameras) => Shown::Every { cameras: cameras.clone(), end: sinks.latest() },
            None => Shown::One(sinks.latest()),
        };
        let http = match config.http {
            Some(addr) => Some(
                WebView::start(
                    addr,
                    crate::cameras::CameraFeeds::of(sinks),
                    cameras,
                    metrics.clone(),
                    http_options(config),
                )
                .await?,
            ),
            None => None,
        };
        let display = if config.display {
            // Closing the window ends the receiver only when nothing else comes of it.
            let only_output = http.is_none() && sinks.outputs().next().is_none() && !cameras_have_outputs;
            Some(WindowView::open(shown, only_output.then(|| stop.clone()), config.max_pixels).await?)
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

/// The web view's guards: access, viewers, host names, and connection
/// limits that fit the open-file limit (half of it, between 64 and 4096,
/// a quarter of that from one address).
fn http_options(config: &Config) -> HttpOptions {
    let nofile = crate::nofile::open_file_limit();
    let max_connections = (nofile / 2).clamp(64, 4096) as usize;
    HttpOptions {
        access: config.http_access.clone(),
        max_viewers: config.max_viewers,
        max_connections,
        max_per_address: max_connections / 4,
        hosts: config.http_hosts.clone(),
        https_dir: config.https_dir.clone(),
        file: config.live.clone(),
        webrtc: WebRtcOptions { max_pixels: config.max_pixels, ..config.webrtc.clone() },
    }
}
