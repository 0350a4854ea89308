//! What every response carries and which names the view answers to.
//!
//! - Every response (errors included) says `nosniff`, `no-referrer`, a
//!   Content-Security-Policy that allows only this view's own files (no
//!   inline script or style, no framing), and `X-Frame-Options: DENY` for
//!   browsers older than `frame-ancestors`.
//! - DNS rebinding: a page on another site can point its own host name at
//!   this machine and read the view as if it were that site. Such a request
//!   carries the other site's name in `Host`, so a `Host` that is not an IP
//!   address, `localhost`, this machine's host name (also as `NAME.local`),
//!   or a name given with `--http-host` is answered 421 and nothing else runs.
//!   An IP address is always accepted: no name lookup is involved, so no
//!   rebinding is possible.

use std::{
    net::{IpAddr, Ipv6Addr},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tracing::warn;

/// The policy: this view's own page, script, style, pictures and `/status`; nothing else.
/// `media-src blob:` is the `<video>` fed by the page's own MediaSource.
/// `connect-src 'self'` is the page's own `fetch()` of `/status`, `/stream.mp4` and
/// `/stream.mjpg` (read there to draw each JPEG on a `<canvas>`, which needs nothing more).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; media-src blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// Middleware: the security headers on every response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    add_security_headers(response.headers_mut());
    response
}

fn add_security_headers(headers: &mut HeaderMap) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// The host names the view answers to, besides IP addresses.
#[derive(Clone)]
pub struct AllowedHosts {
    names: Arc<Vec<String>>,
    last_report: Arc<Mutex<Option<Instant>>>,
}

impl AllowedHosts {
    /// `localhost`, this machine's name (and `NAME.local`), and `extra`.
    pub fn new(extra: &[String]) -> Self {
        let mut names = vec!["localhost".to_string()];
        if let Some(host) = machine_name() {
            names.push(format!("{host}.local"));
            names.push(host);
        }
        names.extend(extra.iter().map(|n| normalise(n)));
        Self { names: Arc::new(names), last_report: Arc::default() }
    }

    /// Whether a `Host` header value names this view.
    pub fn admits(&self, host: &str) -> bool {
        let name = strip_port(host.trim());
        if name.parse::<IpAddr>().is_ok() {
            return true;
        }
        if let Some(v6) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
            return v6.parse::<Ipv6Addr>().is_ok();
        }
        let name = normalise(name);
        self.names.contains(&name)
    }
}

/// Lower case, without the root's trailing dot.
fn normalise(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// `name:port` -> `name`; `[v6]:port` -> `[v6]`.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// This machine's host name, as the kernel knows it.
fn machine_name() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .map(|name| normalise(&name))
        .filter(|name| !name.is_empty())
}

/// Middleware: 421 for a `Host` this view does not serve. A request without
/// `Host` (HTTP/1.0 tools) is let through: browsers always send one.
pub async fn check_host(State(hosts): State<AllowedHosts>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).map(|h| h.to_str().unwrap_or("(not text)"));
    match host {
        Some(host) if !hosts.admits(host) => {
            let host = host.chars().take(100).collect::<String>();
            let mut last = hosts.last_report.lock().expect("host report lock");
            if last.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                warn!(
                    "--http: refused a request for host {host:?} (a page elsewhere pointing its name at this \
                     machine?); if that name is yours, add --http-host {}",
                    strip_port(&host)
                );
                *last = Some(Instant::now());
            }
            drop(last);
            let body = format!(
                "421: this camwire view does not answer to the name {:?}; open it by its address, or start \
                 cam-recv with --http-host {}\n",
                strip_port(&host),
                strip_port(&host)
            );
            let mut response = (StatusCode::MISDIRECTED_REQUEST, body).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        _ => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> AllowedHosts {
        AllowedHosts { names: Arc::new(vec!["localhost".into(), "cam.example".into()]), last_report: Arc::default() }
    }

    #[test]
    fn addresses_and_known_names_pass_with_or_without_a_port() {
        for host in ["127.0.0.1", "127.0.0.1:8080", "192.168.1.20:80", "[::1]", "[::1]:8080", "localhost:8080"] {
            assert!(hosts().admits(host), "{host}");
        }
        for host in ["CAM.example", "cam.example.:8080", "LocalHost"] {
            assert!(hosts().admits(host), "{host}");
        }
    }

    #[test]
    fn other_names_are_refused() {
        for host in ["evil.example", "evil.example:8080", "localhost.evil.example", "cam.example.evil", "", "[nope]"] {
            assert!(!hosts().admits(host), "{host}");
        }
    }

    #[test]
    fn the_machine_name_and_its_local_form_are_served() {
        let name = machine_name().expect("Linux knows its host name");
        let hosts = AllowedHosts::new(&[]);
        assert!(hosts.admits(&name) && hosts.admits(&format!("{name}.local:8080")));
    }
}
