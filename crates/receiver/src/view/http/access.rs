//! Who may watch: `--http-auth USER:PASSWORD` (HTTP basic) or a token
//! (`--http-token-file`, `CAMWIRE_HTTP_TOKEN`), checked on every route
//! before anything else runs.
//!
//! A token is accepted as `Authorization: Bearer TOKEN`, as `?token=TOKEN`,
//! or as the session cookie handed out when the page is opened with
//! `?token=`: a random session id kept here with an expiry, sent `HttpOnly`
//! and `SameSite=Strict`, so the page and its requests never carry the token
//! in their URLs. Every comparison with a secret takes the same time whatever
//! the guess.
//!
//! The `--config` file's viewers (`[viewer.NAME]`) carry a token or a
//! password too, each good for the cameras it lists: they may open those
//! cameras' pages and streams (`/cam/NAME/...`), and get 403 on the others
//! and on what shows every camera (`/status`, `/metrics`, the old
//! single-camera URLs); `/` sends them to their first camera's page. The
//! file is read at each request, so a reload (SIGHUP) takes effect at once,
//! sessions of a viewer it removed or changed included.
//!
//! Guessing is slowed down: an address (an IPv6 /64) may fail
//! [`FREE_FAILURES`] times, then one more time per [`FAILURE_REFILL`]; past
//! that a request carrying credentials is answered 429 without being
//! checked. Failures are logged, a few lines every 10 s.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine;
use subtle::ConstantTimeEq;
use tracing::warn;

use super::{
    limit::{client_key, shown},
    server::Peer,
};
use crate::throttle::Throttle;

pub use crate::checks::{MIN_PASSWORD_LEN, MIN_TOKEN_LEN};
pub use crate::config::HttpAccess;

/// Failed attempts an address may make before it is slowed down.
pub const FREE_FAILURES: u32 = 10;

/// Then one more attempt is allowed per this much time.
pub const FAILURE_REFILL: Duration = Duration::from_secs(1);

/// Addresses whose failures are remembered; the stalest is forgotten past it.
const MAX_TRACKED: usize = 4096;

/// Wrong credentials, logged a few lines every 10 s.
static FAILED: Throttle = Throttle::new(5, Duration::from_secs(10));

/// How long a session cookie is honoured.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// Sessions kept at once; the oldest is forgotten past it.
const MAX_SESSIONS: usize = 256;

/// Who may watch: the access rules plus the sessions handed out.
#[derive(Clone)]
pub struct ViewerCheck {
    access: HttpAccess,
    /// The `--config` file's viewers, as the file is now.
    file: Option<crate::config_file::Live>,
    /// The session cookie's name: per port, as browsers share cookies across ports.
    cookie: String,
    /// Served over HTTPS: the cookie is marked `Secure`.
    secure: bool,
    sessions: Arc<Mutex<Vec<Session>>>,
    /// Failed attempts per address.
    failures: Arc<Mutex<HashMap<IpAddr, Allowance>>>,
}

/// The attempts an address may still fail: [`FREE_FAILURES`], refilled one per [`FAILURE_REFILL`].
#[derive(Clone, Copy)]
struct Allowance {
    left: f64,
    at: Instant,
}

impl Allowance {
    fn now(self, now: Instant) -> f64 {
        let refilled = now.duration_since(self.at).as_secs_f64() / FAILURE_REFILL.as_secs_f64();
        (self.left + refilled).min(f64::from(FREE_FAILURES))
    }
}

struct Session {
    id: String,
    expires: Instant,
    scope: Scope,
}

/// Whose credentials a request carries.
#[derive(Debug, Clone, PartialEq)]
enum Scope {
    /// The command line's (`--http-auth`, `--http-token`): every camera.
    All,
    /// A `--config` viewer's, as it was when admitted.
    Viewer(crate::config_file::Viewer),
}

/// What a request's credentials earn it.
#[derive(Debug, PartialEq)]
enum Admit {
    Yes(Scope),
    /// Admitted by `?token=`: hand out a session cookie.
    YesNewSession(Scope),
    No,
}

/// Equal, in a time that does not depend on where the first difference is.
fn same(given: &[u8], expected: &[u8]) -> bool {
    given.ct_eq(expected).into()
}

impl ViewerCheck {
    /// Who may watch the view on `port`.
    pub fn new(access: HttpAccess, port: u16, secure: bool) -> Self {
        Self {
            access,
            file: None,
            cookie: format!("camwire_session_{port}"),
            secure,
            sessions: Arc::default(),
            failures: Arc::default(),
        }
    }

    /// Also admits the viewers of the `--config` file, as it is at each request.
    pub fn with_file(mut self, file: Option<crate::config_file::Live>) -> Self {
        self.file = file;
        self
    }

    /// The file's viewers now.
    fn viewers(&self) -> Vec<crate::config_file::Viewer> {
        self.file.as_ref().map(|f| f.borrow().viewers.clone()).unwrap_or_default()
    }

    /// Whether anything is required at all.
    fn is_open(&self) -> bool {
        self.access.is_open() && self.viewers().is_empty()
    }

    /// Whether `request` carries anything that could be a guess: a password, a token, our cookie.
    fn has_credentials(&self, request: &Request) -> bool {
        let cookie = request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains(self.cookie.as_str()));
        let token = request.uri().query().is_some_and(|q| q.split('&').any(|kv| kv.starts_with("token=")));
        request.headers().contains_key(header::AUTHORIZATION) || cookie || token
    }

    /// Whether the address `key` may try again now.
    fn may_try(&self, key: IpAddr) -> bool {
        let failures = self.failures.lock().expect("failures lock");
        failures.get(&key).is_none_or(|a| a.now(Instant::now()) >= 1.0)
    }

    /// Counts a failed attempt from `key`.
    fn failed(&self, key: IpAddr) {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("failures lock");
        if failures.len() >= MAX_TRACKED && !failures.contains_key(&key) {
            // Forget the address that has had the longest to recover.
            if let Some(stalest) = failures.iter().min_by_key(|(_, a)| a.at).map(|(k, _)| *k) {
                failures.remove(&stalest);
            }
        }
        let allowance = failures.entry(key).or_insert(Allowance { left: f64::from(FREE_FAILURES), at: now });
        *allowance = Allowance { left: (allowance.now(now) - 1.0).max(0.0), at: now };
    }

    fn admits(&self, request: &Request) -> Admit {
        let authorization = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let basic = authorization
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok());
        let bearer = authorization.and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
        let query = request.uri().query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("token=")));
        // Every credential is compared, whichever matches, so the time taken tells nothing.
        let mut found = None;
        let mut offer = |scope: Scope, expected_basic: Option<&String>, expected_token: Option<&String>| {
            let by_basic = matches!((&basic, expected_basic), (Some(given), Some(e)) if same(given, e.as_bytes()));
            let by_bearer =
                matches!((bearer, expected_token), (Some(given), Some(e)) if same(given.as_bytes(), e.as_bytes()));
            let by_query =
                matches!((query, expected_token), (Some(given), Some(e)) if same(given.as_bytes(), e.as_bytes()));
            if found.is_none() && (by_basic || by_bearer) {
                found = Some(Admit::Yes(scope));
            } else if found.is_none() && by_query {
                // Only a page starts a session: players polling `/snapshot.jpg?token=`
                // would otherwise push browsers' sessions out of the bounded list.
                found =
                    Some(if is_page(request.uri().path()) { Admit::YesNewSession(scope) } else { Admit::Yes(scope) });
            }
        };
        offer(Scope::All, self.access.basic.as_ref(), self.access.token.as_ref());
        for viewer in self.viewers() {
            let (b, t) = (viewer.basic.clone(), viewer.token.clone());
            offer(Scope::Viewer(viewer), b.as_ref(), t.as_ref());
        }
        if let Some(Admit::Yes(scope)) = &found {
            return Admit::Yes(scope.clone());
        }
        if let Some(scope) = self.session(request) {
            return Admit::Yes(scope);
        }
        found.unwrap_or(Admit::No)
    }

    /// The scope of the request's live session cookie, if it has one; every
    /// live session is compared. A viewer's session ends when a reload
    /// removes or changes that viewer.
    fn session(&self, request: &Request) -> Option<Scope> {
        let given = request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find_map(|(name, value)| (name == self.cookie).then_some(value))?;
        let now = Instant::now();
        let sessions = self.sessions.lock().expect("sessions lock");
        let mut found = None;
        for session in sessions.iter().filter(|s| s.expires > now) {
            if bool::from(given.as_bytes().ct_eq(session.id.as_bytes())) {
                found = Some(session.scope.clone());
            }
        }
        drop(sessions);
        match found? {
            Scope::All => Some(Scope::All),
            Scope::Viewer(viewer) => self.viewers().contains(&viewer).then_some(Scope::Viewer(viewer)),
        }
    }

    /// A new session; its `Set-Cookie` value.
    fn new_session(&self, scope: Scope) -> HeaderValue {
        let id = random_hex(32);
        let now = Instant::now();
        let mut sessions = self.sessions.lock().expect("sessions lock");
        sessions.retain(|s| s.expires > now);
        if sessions.len() >= MAX_SESSIONS {
            sessions.remove(0);
        }
        sessions.push(Session { id: id.clone(), expires: now + SESSION_LIFETIME, scope });
        drop(sessions);
        let secure = if self.secure { "; Secure" } else { "" };
        let cookie = format!(
            "{}={id}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
            self.cookie,
            SESSION_LIFETIME.as_secs()
        );
        HeaderValue::from_str(&cookie).expect("ascii cookie")
    }
}

/// `n` random bytes from the system's generator, as hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the system's random number generator");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Middleware: passes admitted requests on, answers the rest with 401.
pub async fn check(State(viewers): State<ViewerCheck>, request: Request, next: Next) -> Response {
    if viewers.is_open() {
        return next.run(request).await;
    }
    let key = request.extensions().get::<Peer>().map(|p| client_key(p.0.ip()));
    let guess = viewers.has_credentials(&request);
    if let Some(key) = key.filter(|&k| guess && !viewers.may_try(k)) {
        if let Some(tally) = FAILED.tick() {
            warn!("--http: {} failed too often; answering 429 to its attempts for now{tally}", shown(key));
        }
        return too_many();
    }
    let admit = viewers.admits(&request);
    if admit == Admit::No && guess {
        if let Some(key) = key {
            viewers.failed(key);
            if let Some(tally) = FAILED.tick() {
                warn!("--http: wrong credentials from {}{tally}", shown(key));
            }
        }
    }
    match admit {
        Admit::Yes(scope) => match refused(&scope, request.uri().path()) {
            None => next.run(request).await,
            Some(response) => response,
        },
        Admit::YesNewSession(scope) => {
            let cookie = viewers.new_session(scope.clone());
            let mut response = match refused(&scope, request.uri().path()) {
                None => next.run(request).await,
                Some(response) => response,
            };
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        Admit::No => refuse(&viewers),
    }
}

/// A page a token may start a session on: `/`, or a camera's page.
fn is_page(path: &str) -> bool {
    matches!(path, "/" | "/index.html")
        || camera_of(path).is_some_and(|(_, rest)| matches!(rest, "" | "/" | "/index.html"))
}

/// `/cam/NAME/REST`: the camera's name, and the rest of the path.
fn camera_of(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/cam/")?;
    Some(rest.split_at(rest.find('/').unwrap_or(rest.len())))
}

/// Whether `scope` may see `path` (`None`), or the answer instead: a viewer
/// limited to some cameras sees only theirs (`/` sends it to the first one's
/// page), and the page's own script and style.
fn refused(scope: &Scope, path: &str) -> Option<Response> {
    let Scope::Viewer(viewer) = scope else { return None };
    let Some(cameras) = &viewer.cameras else { return None };
    match camera_of(path) {
        Some((camera, _)) if viewer.sees(camera) => return None,
        None if matches!(path, "/page.js" | "/tiles.js" | "/page.css") => return None,
        None if matches!(path, "/" | "/index.html") => {
            let first = format!("/cam/{}/", cameras[0]);
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, first)]).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return Some(response);
        }
        _ => {}
    }
    let list = cameras.iter().map(|c| format!("/cam/{c}/")).collect::<Vec<_>>().join(" ");
    let mut response =
        (StatusCode::FORBIDDEN, format!("403: viewer {} may watch only these cameras: {list}\n", viewer.name))
            .into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Some(response)
}

/// 429: this address failed too often; it may try again in a second.
fn too_many() -> Response {
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        "429: too many wrong passwords or tokens from this address; wait a little and try again\n",
    )
        .into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn refuse(viewers: &ViewerCheck) -> Response {
    let basic = viewers.access.basic.is_some() || viewers.viewers().iter().any(|v| v.basic.is_some());
    let mut response = if basic {
        let mut r =
            (StatusCode::UNAUTHORIZED, "401: this camwire view needs a user name and password\n").into_response();
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"camwire\""));
        r
    } else {
        (
            StatusCode::UNAUTHORIZED,
            "401: open this view as /?token=YOUR-TOKEN (the token cam-recv was given); the browser then keeps a \
             session cookie, so allow cookies for this site\n",
        )
            .into_response()
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef-token";

    fn viewer_check() -> ViewerCheck {
        ViewerCheck::new(HttpAccess { basic: None, token: Some(TOKEN.into()) }, 8080, false)
    }

    fn get(uri: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn query_token_earns_a_session_and_the_cookie_then_suffices() {
        let check = viewer_check();
        assert_eq!(check.admits(&get(&format!("/?token={TOKEN}"), &[])), Admit::YesNewSession(Scope::All));
        let set_cookie = check.new_session(Scope::All);
        let pair = set_cookie.to_str().unwrap().split(';').next().unwrap().to_string();
        assert!(pair.starts_with("camwire_session_8080="));
        assert_eq!(check.admits(&get("/status", &[("cookie", &format!("other=1; {pair}"))])), Admit::Yes(Scope::All));
        let wrong = format!("camwire_session_8080={}", random_hex(32));
        assert_eq!(check.admits(&get("/status", &[("cookie", &wrong)])), Admit::No);
        assert_eq!(check.admits(&get("/status", &[("cookie", "camwire_session_8080=")])), Admit::No);
    }

    #[test]
    fn only_the_page_starts_a_session() {
        let check = viewer_check();
        for path in ["/status", "/snapshot.jpg", "/stream.mjpg"] {
            assert_eq!(check.admits(&get(&format!("{path}?token={TOKEN}"), &[])), Admit::Yes(Scope::All), "{path}");
        }
        assert_eq!(check.admits(&get(&format!("/index.html?token={TOKEN}"), &[])), Admit::YesNewSession(Scope::All));
    }

    #[test]
    fn sessions_are_bounded_and_the_oldest_is_forgotten() {
        let check = viewer_check();
        let first = check.new_session(Scope::All);
        for _ in 0..MAX_SESSIONS {
            check.new_session(Scope::All);
        }
        assert_eq!(check.sessions.lock().unwrap().len(), MAX_SESSIONS);
        let pair = first.to_str().unwrap().split(';').next().unwrap().to_string();
        assert_eq!(check.admits(&get("/status", &[("cookie", &pair)])), Admit::No);
    }

    #[test]
    fn an_address_that_fails_too_often_must_wait_and_others_need_not() {
        let check = viewer_check();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..FREE_FAILURES {
            assert!(check.may_try(a));
            check.failed(a);
        }
        assert!(!check.may_try(a));
        assert!(check.may_try(b));
        let mut failures = check.failures.lock().unwrap();
        let allowance = failures.get_mut(&a).unwrap();
        allowance.at -= FAILURE_REFILL;
        drop(failures);
        assert!(check.may_try(a), "one more attempt after a refill");
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let access = HttpAccess { basic: Some("viewer:hunter22".into()), token: Some(TOKEN.into()) };
        let shown = format!("{access:?}");
        assert!(!shown.contains("hunter22") && !shown.contains(TOKEN), "{shown}");
    }
}
