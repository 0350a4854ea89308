//! `--http ADDR`: the live picture for any number of browsers.
//!
//! | route            | what                                                   |
//! |------------------|--------------------------------------------------------|
//! | `/`              | a page with the live picture and the stream's figures; once two cameras have streamed, a tile for every live camera |
//! | `/stream.mp4`    | an H.264 stream as sent, fragmented MP4 (see [`mp4_stream`]); 409 for a JPEG camera |
//! | `/stream.mjpg`   | `multipart/x-mixed-replace` MJPEG (see [`multipart`])      |
//! | `/snapshot.jpg`  | the current stream's newest picture; 503 until it has one |
//! | `/status`        | JSON: sender, frames, fps, kbit/s, viewers, kind, latency, latency per stage, the sender's clock, note; every camera with its figures |
//! | `/whep`          | WebRTC (WHEP, RFC 9725): `POST` an SDP offer, `DELETE` the session it made ([`whep`], [`webrtc`](crate::view::webrtc)) |
//! | `/metrics`       | every camera's counters and the process's figures for Prometheus ([`metrics`](crate::metrics)) |
//! | `/page.js`, `/tiles.js`, `/page.css` | the page's scripts and style (no inline code: see [`guard`]) |
//!
//! The same page serves each camera at `/cam/NAME/` (its URLs are relative).
//! At `/` it follows `/status` once a second: with one camera it is that
//! camera's page, as it always was; once the receiver has had two cameras
//! (`cameras` lists two) it shows a tile for each live camera instead, each
//! playing `/cam/NAME/stream.mp4` or `/cam/NAME/stream.mjpg` and opening
//! `/cam/NAME/`, and tiles come and go with their cameras (`tiles.js`).
//! Polling rather than a server-sent event stream: the page polls `/status`
//! for its figures anyway, a poll holds no connection against the view's
//! limits, and a second's delay is fine for a camera appearing.
//!
//! Every viewer reads the one shared newest frame ([`feed`]) or the one
//! shared fragment stream ([`live_mp4`]); nothing is queued or encoded per
//! viewer. For an H.264 stream the page plays `/stream.mp4` in the browser's
//! own decoder; its pictures are encoded to JPEG (once, in the feed) only
//! while an MJPEG viewer or a snapshot needs them ([`watching`]). Every response says `no-store`, so a reload
//! or a second `<img>` always gets a live stream, never a cached still.
//!
//! Facing a network: connections are served by [`server`] (timeouts, limits
//! per address), every response passes [`guard`] (security headers, `Host`
//! check) and then [`access`] (who may watch).

mod access;
mod feed;
mod guard;
mod limit;
mod mp4_stream;
mod multipart;
mod server;
mod slow;
mod viewers;
mod watching;
mod whep;

use std::{
    collections::HashMap,
    net::SocketAddr,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use anyhow::Result;
use axum::{
    extract::{Extension, Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
    Router,
};
use camwire_wire::CameraName;
use tokio::{
    sync::{broadcast, watch},
    task::JoinHandle,
};
use tokio_util::sync::CancellationToken;
use tracing::info;

pub use self::access::{HttpAccess, MIN_PASSWORD_LEN, MIN_TOKEN_LEN};
use self::{
    access::ViewerCheck,
    feed::{SharedStats, Stats, WebFrame},
    guard::AllowedHosts,
    limit::Connections,
    server::Peer,
    viewers::{Full, ViewerSlot, Viewers},
    watching::{Mode, Watching},
};
use crate::{
    backchannel::KeyframeRequests,
    cameras::{CameraFeeds, Directory},
    clock::ClockState,
    metrics::Metrics,
    sink::live_mp4::LiveFragment,
    view::webrtc::{WebRtc, WebRtcOptions},
};

/// The page at `/`.
const PAGE: &str = include_str!("http/page.html");

/// The page's script.
const PAGE_JS: &str = include_str!("http/page.js");

/// The tiles `/` shows for several cameras.
const TILES_JS: &str = include_str!("http/tiles.js");

/// The page's style.
const PAGE_CSS: &str = include_str!("http/page.css");

/// A running web view.
pub struct WebView {
    addr: SocketAddr,
    stop: CancellationToken,
    server: JoinHandle<()>,
    feed: JoinHandle<()>,
    /// The cameras at `/cam/NAME/`, when each camera has its own sinks.
    views: Option<Arc<CameraViews>>,
    webrtc: Option<Arc<WebRtc>>,
}

/// How the web view is guarded.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Credentials every request must carry.
    pub access: HttpAccess,
    /// Streams served at once; past it `/stream.mjpg` answers 503.
    pub max_viewers: usize,
    /// TCP connections open at once; past it an idle one makes room, or the new one is closed.
    pub max_connections: usize,
    /// TCP connections open at once from one address.
    pub max_per_address: usize,
    /// Host names the view answers to besides its addresses, `localhost` and this machine's name.
    pub hosts: Vec<String>,
    /// Serve HTTPS with the certificate kept in this directory (`--https`).
    pub https_dir: Option<PathBuf>,
    /// The `--config` file, whose viewers may watch some cameras.
    pub file: Option<crate::config_file::Live>,
    /// WebRTC (WHEP) viewers' UDP port and public address.
    pub webrtc: WebRtcOptions,
}

#[derive(Clone)]
struct AppState {
    frames: watch::Receiver<Option<WebFrame>>,
    shared: Arc<SharedStats>,
    viewers: Arc<Viewers>,
    /// Each viewer's mode and screen; whether JPEG pictures are wanted.
    watching: Arc<Watching>,
    /// The live H.264 fragments; gone once the receiver closes its sinks.
    live_mp4: Option<broadcast::WeakSender<LiveFragment>>,
    /// Asks the camera's sender for a keyframe (a new `/stream.mp4` viewer).
    keyframes: KeyframeRequests,
    /// Every camera, for `/status` to list.
    cameras: Option<Directory>,
    /// Every camera's own view, for `/` (not `/cam/NAME/`) to list with its figures.
    views: Option<Arc<CameraViews>>,
    /// What `/metrics` reports; each viewer counts under the camera it watches.
    metrics: Arc<Metrics>,
    /// The WebRTC sessions, unless `--webrtc-port off`.
    webrtc: Option<Arc<WebRtc>>,
}

impl AppState {
    /// The state that serves one camera's feeds, and the task that turns its
    /// newest frames into the web view's.
    fn serve(
        feeds: CameraFeeds,
        viewers: Arc<Viewers>,
        cameras: Option<Directory>,
        metrics: Arc<Metrics>,
        webrtc: Option<Arc<WebRtc>>,
    ) -> (Self, JoinHandle<()>) {
        let (web_tx, frames) = watch::channel(None);
        let shared = Arc::new(SharedStats { stats: Mutex::new(Stats::default()) });
        let CameraFeeds { latest, live_mp4, pictures, keyframes } = feeds;
        let watching = Arc::new(Watching::new(pictures));
        let feed = tokio::spawn(feed::run(latest, web_tx, shared.clone(), watching.clone()));
        (Self { frames, shared, viewers, watching, live_mp4, keyframes, cameras, views: None, metrics, webrtc }, feed)
    }
}

/// The cameras served at `/cam/NAME/`: each one's state, made at its first
/// request and remade when the camera's sinks were opened anew.
struct CameraViews {
    directory: Directory,
    open: Mutex<HashMap<CameraName, (AppState, JoinHandle<()>)>>,
    /// Viewers of every camera together, within `--max-viewers`.
    viewers: Arc<Viewers>,
    metrics: Arc<Metrics>,
    webrtc: Option<Arc<WebRtc>>,
}

impl CameraViews {
    /// The state serving camera `name`, if it is there; one made now has
    /// seen its camera's next frame (at most [`FIRST_FRAME_WAIT`] later), so
    /// its first snapshot or status knows what the stream is.
    async fn state(&self, name: &str) -> Option<AppState> {
        let (state, fresh) = self.lookup(name)?;
        if fresh {
            let deadline = tokio::time::Instant::now() + FIRST_FRAME_WAIT;
            while state.shared.stats.lock().expect("stats lock").kind.is_none()
                && tokio::time::Instant::now() < deadline
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        Some(state)
    }

    /// The state serving camera `name`, and whether it was made now.
    fn lookup(&self, name: &str) -> Option<(AppState, bool)> {
        let name = CameraName::new(name).ok()?;
        let feeds = self.directory.borrow().get(&name).cloned();
        let mut open = self.open.lock().expect("camera views lock");
        let Some(feeds) = feeds else {
            if let Some((_, feed)) = open.remove(&name) {
                feed.abort();
            }
            return None;
        };
        if let Some((state, feed)) = open.get(&name) {
            if !feed.is_finished() {
                return Some((state.clone(), false));
            }
        }
        let (viewers, cameras) = (self.viewers.clone(), Some(self.directory.clone()));
        let (metrics, webrtc) = (self.metrics.clone(), self.webrtc.clone());
        let (state, feed) = AppState::serve(feeds, viewers, cameras, metrics, webrtc);
        open.insert(name, (state.clone(), feed));
        Some((state, true))
    }

    fn close(&self) {
        for (_, (_, feed)) in self.open.lock().expect("camera views lock").drain() {
            feed.abort();
        }
    }
}

/// How long a camera's view, made at its first request, waits for the camera's next frame.
const FIRST_FRAME_WAIT: Duration = Duration::from_secs(1);

/// 404 for a camera that is not there, saying which are.
fn no_camera(views: &CameraViews, name: &str) -> Response {
    let names: Vec<String> = views.directory.borrow().keys().map(|n| n.to_string()).collect();
    let body = if names.is_empty() {
        format!("404: no camera {name:?}: no camera has streamed yet\n")
    } else {
        format!("404: no camera {name:?}; the cameras are: {}\n", names.join(", "))
    };
    let mut response = (StatusCode::NOT_FOUND, body).into_response();
    no_store(response.headers_mut());
    response
}

type Views = State<Arc<CameraViews>>;

async fn cam_redirect(Path(name): Path<String>) -> Response {
    let mut response = (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, format!("/cam/{name}/"))]).into_response();
    no_store(response.headers_mut());
    response
}

async fn cam_page(State(views): Views, Path(name): Path<String>) -> Response {
    match views.state(&name).await {
        Some(_) => page().await,
        None => no_camera(&views, &name),
    }
}

async fn cam_stream(
    State(views): Views,
    Path(name): Path<String>,
    peer: Extension<Peer>,
    uri: axum::http::Uri,
) -> Response {
    match views.state(&name).await {
        Some(state) => stream(State(state), peer, uri).await,
        None => no_camera(&views, &name),
    }
}

async fn cam_stream_mp4(
    State(views): Views,
    Path(name): Path<String>,
    peer: Extension<Peer>,
    uri: axum::http::Uri,
) -> Response {
    match views.state(&name).await {
        Some(state) => stream_mp4(State(state), peer, uri).await,
        None => no_camera(&views, &name),
    }
}

async fn cam_snapshot(State(views): Views, Path(name): Path<String>) -> Response {
    match views.state(&name).await {
        Some(state) => snapshot(State(state)).await,
        None => no_camera(&views, &name),
    }
}

async fn cam_whep(
    State(views): Views,
    Path(name): Path<String>,
    peer: Extension<Peer>,
    local: Extension<server::Local>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    match views.state(&name).await {
        Some(state) => whep::offer(State(state), peer, local, uri, headers, body).await,
        None => no_camera(&views, &name),
    }
}

async fn cam_whep_end(State(views): Views, Path((name, _)): Path<(String, String)>, uri: axum::http::Uri) -> Response {
    match views.state(&name).await {
        Some(state) => whep::end(State(state), uri).await,
        None => no_camera(&views, &name),
    }
}

async fn cam_status(State(views): Views, Path(name): Path<String>, uri: axum::http::Uri) -> Response {
    match views.state(&name).await {
        Some(state) => status(State(state), uri).await,
        None => no_camera(&views, &name),
    }
}

impl WebView {
    /// Binds `addr` now (a busy port is an error at start) and serves `latest` there.
    pub(crate) async fn start(
        addr: SocketAddr,
        feeds: CameraFeeds,
        cameras: Option<Directory>,
        metrics: Arc<Metrics>,
        options: HttpOptions,
    ) -> Result<Self> {
        let listener = crate::bind::bind(addr, "--http").await?;
        let addr = listener.local_addr()?;
        let tls = match &options.https_dir {
            Some(dir) => {
                let (config, fingerprint) = crate::tls::load_or_create(dir)?;
                let cert = dir.join(crate::tls::CERT_FILE);
                info!(
                    "web view TLS certificate {fingerprint} ({}); a browser asks once whether to trust it: \
                     compare the fingerprint it shows",
                    cert.display()
                );
                let mut config = (*config).clone();
                config.alpn_protocols = vec![b"http/1.1".to_vec()];
                Some(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
            }
            None => None,
        };
        let secure = tls.is_some();
        let webrtc = match options.webrtc.off {
            true => None,
            false => Some(WebRtc::bind(addr.ip(), &options.webrtc, options.max_viewers).await?),
        };
        let viewers = Viewers::new(options.max_viewers);
        let (mut state, feed) =
            AppState::serve(feeds, viewers.clone(), cameras.clone(), metrics.clone(), webrtc.clone());
        let views = cameras.map(|directory| {
            let open = Mutex::new(HashMap::new());
            Arc::new(CameraViews { directory, open, viewers, metrics, webrtc: webrtc.clone() })
        });
        state.views = views.clone();
        let per_camera = Router::new()
            .route("/cam/{name}", get(cam_redirect))
            .route("/cam/{name}/", get(cam_page))
            .route("/cam/{name}/index.html", get(cam_page))
            .route("/cam/{name}/stream.mjpg", get(cam_stream))
            .route("/cam/{name}/stream.mp4", get(cam_stream_mp4))
            .route("/cam/{name}/snapshot.jpg", get(cam_snapshot))
            .route("/cam/{name}/status", get(cam_status))
            .route("/cam/{name}/whep", post(cam_whep).options(whep::options))
            .route(
                "/cam/{name}/whep/{id}",
                axum::routing::delete(cam_whep_end).patch(whep::patch).options(whep::session_options),
            );
        let per_camera = match &views {
            Some(views) => per_camera.with_state(views.clone()),
            None => Router::new(),
        };
        // Layers run outermost last-added: headers on everything, then the Host check, then access.
        let app = Router::new()
            .route("/", get(page))
            .route("/index.html", get(page))
            .route("/page.js", get(|| asset(PAGE_JS, "text/javascript; charset=utf-8")))
            .route("/tiles.js", get(|| asset(TILES_JS, "text/javascript; charset=utf-8")))
            .route("/page.css", get(|| asset(PAGE_CSS, "text/css; charset=utf-8")))
            .route("/stream.mjpg", get(stream))
            .route("/stream.mp4", get(stream_mp4))
            .route("/snapshot.jpg", get(snapshot))
            .route("/status", get(status))
            .route("/metrics", get(metrics_text))
            .route("/whep", post(whep::offer).options(whep::options))
            .route("/whep/{id}", axum::routing::delete(whep::end).patch(whep::patch).options(whep::session_options))
            .with_state(state)
            .merge(per_camera)
            .layer(axum::middleware::from_fn_with_state(
                ViewerCheck::new(options.access, addr.port(), secure).with_file(options.file.clone()),
                access::check,
            ))
            .layer(axum::middleware::from_fn_with_state(AllowedHosts::new(&options.hosts), guard::check_host))
            .layer(axum::middleware::from_fn(guard::security_headers));
        let connections = Connections::new(options.max_connections, options.max_per_address);
        let stop = CancellationToken::new();
        let server = tokio::spawn(server::serve(listener, tls, app, connections, stop.clone()));
        info!("web view on {}", shown_url(addr, secure));
        Ok(Self { addr, stop, server, feed, views, webrtc })
    }

    /// The address it serves on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving, once the receiver has closed its sinks (which ends every stream).
    pub async fn close(self) {
        let _ = self.feed.await;
        if let Some(views) = &self.views {
            views.close();
        }
        if let Some(webrtc) = &self.webrtc {
            webrtc.close();
        }
        self.stop.cancel();
        let mut server = self.server;
        if tokio::time::timeout(Duration::from_secs(3), &mut server).await.is_err() {
            server.abort();
        }
    }
}

/// `0.0.0.0:8080` is printed as the host name a browser on this machine can open.
/// The URL the start line shows: one that opens as printed.
fn shown_url(addr: SocketAddr, secure: bool) -> String {
    let scheme = if secure { "https" } else { "http" };
    if addr.ip().is_unspecified() {
        format!("{scheme}://localhost:{}/ (all interfaces)", addr.port())
    } else {
        format!("{scheme}://{addr}/")
    }
}

/// The headers that keep browsers and proxies from caching a live picture.
fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store, no-cache, must-revalidate, max-age=0"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::EXPIRES, HeaderValue::from_static("0"));
}

async fn page() -> Response {
    let mut response = Html(PAGE).into_response();
    no_store(response.headers_mut());
    response
}

async fn asset(text: &'static str, content_type: &'static str) -> Response {
    let mut response = ([(header::CONTENT_TYPE, content_type)], text).into_response();
    no_store(response.headers_mut());
    response
}

/// A place among `--max-viewers`, or the 503 that says they are taken.
fn viewer_place(state: &AppState, peer: Peer) -> Result<ViewerSlot, Box<Response>> {
    // The viewer counts under the camera it watches (the current stream's), once one has streamed.
    let camera = state.shared.stats.lock().expect("stats lock").camera.clone();
    let gauge = camera.map(|name| state.metrics.camera(name.as_str()).viewers);
    state.viewers.join(peer.0.ip(), gauge).map_err(|Full(max)| {
        let body =
            format!("503: {max} viewers are watching, the limit; try again later (cam-recv --max-viewers raises it)\n");
        let mut response = (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
        no_store(response.headers_mut());
        Box::new(response)
    })
}

/// The `viewer=ID` a page names its stream with, from a query string.
fn page_id(query: Option<&str>) -> Option<&str> {
    query?.split('&').find_map(|pair| pair.strip_prefix("viewer="))
}

async fn stream(State(state): State<AppState>, Extension(peer): Extension<Peer>, uri: axum::http::Uri) -> Response {
    let guard = match viewer_place(&state, peer) {
        Ok(guard) => guard,
        Err(response) => return *response,
    };
    let place = state.watching.join(Mode::Mjpeg, page_id(uri.query()));
    multipart::response(state.frames.clone(), guard, place)
}

async fn stream_mp4(State(state): State<AppState>, Extension(peer): Extension<Peer>, uri: axum::http::Uri) -> Response {
    if state.shared.stats.lock().expect("stats lock").kind == Some(camwire_wire::PayloadKind::Jpeg) {
        // There is no H.264 to send; a player would wait for it forever.
        let body = "409: this camera sends JPEG, which /stream.mp4 cannot carry: use /stream.mjpg \
                    (or /snapshot.jpg); /stream.mp4 is for cam-send --codec h264\n";
        let mut response =
            (StatusCode::CONFLICT, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response();
        no_store(response.headers_mut());
        return response;
    }
    let Some(fragments) = state.live_mp4.as_ref().and_then(|w| w.upgrade()).map(|tx| tx.subscribe()) else {
        let mut response = (StatusCode::SERVICE_UNAVAILABLE, "503: cam-recv is shutting down\n").into_response();
        no_store(response.headers_mut());
        return response;
    };
    let guard = match viewer_place(&state, peer) {
        Ok(guard) => guard,
        Err(response) => return *response,
    };
    let place = state.watching.join(Mode::H264, page_id(uri.query()));
    // Its picture starts at a keyframe: it asks for one rather than wait for the next.
    mp4_stream::response(fragments, guard, place, state.keyframes.clone())
}

/// How long `/snapshot.jpg` waits for an H.264 picture to be encoded when none is at hand.
const SNAPSHOT_WAIT: Duration = Duration::from_secs(3);

async fn snapshot(State(mut state): State<AppState>) -> Response {
    let mut frame = state.frames.borrow_and_update().clone();
    if frame.is_none() && state.shared.stats.lock().expect("stats lock").kind == Some(camwire_wire::PayloadKind::H264) {
        // Nobody was watching as MJPEG, so no JPEG was made: have the next picture encoded.
        let _wanted = state.watching.want_jpeg();
        let next = tokio::time::timeout(SNAPSHOT_WAIT, state.frames.wait_for(Option::is_some)).await;
        frame = next.ok().and_then(|f| f.ok().and_then(|f| f.clone()));
    }
    let mut response = match frame {
        Some(frame) => ([(header::CONTENT_TYPE, "image/jpeg")], frame.jpeg).into_response(),
        None => {
            let stats = state.shared.stats.lock().expect("stats lock");
            let why = match (&stats.note, stats.kind) {
                (Some(note), _) => format!("no picture: {note}\n"),
                (None, Some(_)) => "no picture yet: the stream has not given a picture yet\n".to_string(),
                (None, None) => {
                    "no picture yet: no frame has arrived since cam-recv started (is cam-send running?)\n".to_string()
                }
            };
            drop(stats);
            (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], why)
                .into_response()
        }
    };
    no_store(response.headers_mut());
    response
}

async fn status(State(state): State<AppState>, uri: axum::http::Uri) -> Response {
    // A page playing /stream.mp4 reports its screen with each poll.
    if let Some((id, report)) = uri.query().and_then(watching::parse_report) {
        state.watching.report(&id, report);
    }
    let viewers = state.viewers.len();
    let cameras = cameras_json(state.cameras.as_ref(), state.views.as_deref());
    let (h264, mjpeg, list) = state.watching.summary();
    let mut stats = state.shared.stats.lock().expect("stats lock");
    let modes = format!(
        ",\"viewers_h264\":{h264},\"viewers_mjpeg\":{mjpeg},\"viewer_list\":{list},\"jpeg_encoded\":{},\"h264_decoded\":{}",
        stats.jpeg_encoded,
        state.watching.pictures_decoded()
    );
    let modes = modes + &cameras;
    let body = status_json(&mut stats, viewers, &modes);
    drop(stats);
    let mut response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    no_store(response.headers_mut());
    response
}

/// Every series in Prometheus's text format, behind the same access as the rest of the view.
async fn metrics_text(State(state): State<AppState>) -> Response {
    let mut response = ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], state.metrics.render()).into_response();
    no_store(response.headers_mut());
    response
}

/// `/status` as one JSON object; `more` is further `,"name":value` fields.
fn status_json(stats: &mut Stats, viewers: usize, more: &str) -> String {
    let Figures { fps, kbps, width, height, latency, stages, clock } = Figures::of(stats);
    let string = |s: Option<String>| s.map_or_else(|| "null".to_string(), |s| json_string(&s));
    format!(
        concat!(
            "{{\"sender_connected\":{},\"peer\":{},\"stream\":{},\"kind\":{},\"frames\":{},",
            "\"fps\":{:.1},\"kbps\":{:.0},\"width\":{},\"height\":{},\"viewers\":{},\"viewable\":{},",
            "\"latency_ms\":{},\"stages_ms\":{},{},\"note\":{}{}}}\n"
        ),
        stats.peer.is_some(),
        string(stats.peer.map(|p| p.to_string())),
        stats.stream.map_or_else(|| "null".to_string(), |n| n.to_string()),
        string(stats.kind.map(|k| k.to_string())),
        stats.frames,
        fps,
        kbps,
        width,
        height,
        viewers,
        stats.note.is_none(),
        latency,
        stages,
        clock,
        string(stats.note.as_deref().map(String::from)),
        more,
    )
}

/// `,"cameras":[{"name":"garden","streaming":true,"url":"/cam/garden/"},...]`: every
/// camera with its sinks open (nothing when one set of sinks serves every camera).
/// With `views` (the page at `/` shows them as tiles), each also has its
/// stream's figures: `kind`, `width`, `height`, `fps`, `kbps` and `latency_ms`.
fn cameras_json(cameras: Option<&Directory>, views: Option<&CameraViews>) -> String {
    let Some(cameras) = cameras else { return String::new() };
    // Read first: a view made below reads the directory itself.
    let listed: Vec<(CameraName, bool)> =
        cameras.borrow().iter().map(|(name, feeds)| (name.clone(), feeds.latest.borrow().stream.is_some())).collect();
    let list: Vec<String> = listed
        .into_iter()
        .map(|(name, streaming)| {
            let figures = views.and_then(|views| views.lookup(name.as_str())).map_or_else(String::new, |(state, _)| {
                figures_json(&mut state.shared.stats.lock().expect("stats lock"))
            });
            format!(
                "{{\"name\":{},\"streaming\":{streaming},\"url\":\"/cam/{name}/\"{figures}}}",
                json_string(name.as_str())
            )
        })
        .collect();
    format!(",\"cameras\":[{}]", list.join(","))
}

/// A stream's figures as JSON values, for `/status` and for a tile.
struct Figures {
    fps: f64,
    kbps: f64,
    width: String,
    height: String,
    /// `{"p50":…,"p99":…}`, or `null` before the first stamped frame.
    latency: String,
    /// `{"encode":…,"send":…,"network":…}` (medians; `null` for a stage the
    /// sender does not stamp), or `null` before the first stamped frame.
    stages: String,
    /// `"clock":…,"clock_offset_ms":…,"clock_uncertainty_ms":…`: `"corrected"`
    /// with the offset, `"uncorrected"` with nulls, or all null before a stamped frame.
    clock: String,
}

impl Figures {
    fn of(stats: &mut Stats) -> Self {
        let (fps, kbps) = if stats.peer.is_some() { stats.rates() } else { (0.0, 0.0) };
        let (width, height) =
            stats.size.map_or(("null".into(), "null".into()), |(w, h)| (w.to_string(), h.to_string()));
        let latency = stats
            .latency
            .p50_p99()
            .map_or_else(|| "null".to_string(), |(p50, p99)| format!("{{\"p50\":{p50:.3},\"p99\":{p99:.3}}}"));
        let ms = |v: Option<f64>| v.map_or_else(|| "null".to_string(), |v| format!("{v:.3}"));
        let median = |r: &crate::summary::RecentLatency| r.p50_p99().map(|(p50, _)| p50);
        let [encode, send, network] = stats.stages.each_ref().map(median);
        let stages = if stats.latency.p50_p99().is_some() {
            format!("{{\"encode\":{},\"send\":{},\"network\":{}}}", ms(encode), ms(send), ms(network))
        } else {
            "null".to_string()
        };
        let (state, offset, uncertainty) = match stats.clock {
            None => ("null", None, None),
            Some(ClockState::Uncorrected) => ("\"uncorrected\"", None, None),
            Some(ClockState::Corrected(c)) => {
                ("\"corrected\"", Some(c.offset_us as f64 / 1000.0), Some(c.uncertainty_us as f64 / 1000.0))
            }
        };
        let clock = format!(
            "\"clock\":{state},\"clock_offset_ms\":{},\"clock_uncertainty_ms\":{}",
            ms(offset),
            ms(uncertainty)
        );
        Figures { fps, kbps, width, height, latency, stages, clock }
    }
}

/// A camera's figures for its tile, as `,"name":value` fields.
fn figures_json(stats: &mut Stats) -> String {
    let kind = stats.kind.map_or_else(|| "null".to_string(), |k| json_string(&k.to_string()));
    let Figures { fps, kbps, width, height, latency, stages, clock } = Figures::of(stats);
    format!(
        ",\"kind\":{kind},\"width\":{width},\"height\":{height},\"fps\":{fps:.1},\"kbps\":{kbps:.0},\"latency_ms\":{latency},\
         \"stages_ms\":{stages},{clock}"
    )
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_before_any_sender_has_every_field() {
        let json = status_json(&mut Stats::default(), 0, "");
        assert_eq!(
            json,
            "{\"sender_connected\":false,\"peer\":null,\"stream\":null,\"kind\":null,\"frames\":0,\"fps\":0.0,\
             \"kbps\":0,\"width\":null,\"height\":null,\"viewers\":0,\"viewable\":true,\"latency_ms\":null,\
             \"stages_ms\":null,\"clock\":null,\"clock_offset_ms\":null,\"clock_uncertainty_ms\":null,\"note\":null}\n"
        );
    }

    #[test]
    fn json_strings_escape_quotes_and_control_characters() {
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
