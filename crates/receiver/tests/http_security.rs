//! The web view's security, each attack against the real cam-recv on
//! loopback: who may watch (password, token, session cookie, HTTPS), how many
//! may, sockets that hold connections without finishing a request, viewers
//! that never read, oversized requests, a sender that forges multipart
//! boundaries, and pages elsewhere that rebind their name.

use std::{
    io::{BufReader, Read, Write},
    net::TcpStream,
    process::Command,
    thread,
    time::{Duration, Instant},
};

use camwire_testsupport::*;

/// A token long enough for `--http-token`.
const TOKEN: &str = "0123456789abcdef-camwire";

fn get_request(path: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n")
}

/// Whether the server has closed `sock` (a read gives end of file or an error, not a timeout).
fn closed_by_server(sock: &mut TcpStream) -> bool {
    sock.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match sock.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return false
            }
            Err(_) => return true,
        }
    }
}

/// A viewer asks for the stream until it gets one part; how long that took.
fn viewer_gets_a_picture(http: u16, extra: &str, secs: u64) -> Duration {
    wait_until("a real viewer gets the stream", secs, || {
        let Some((status, head, reader)) = try_request(http, &get_request("/stream.mjpg", extra)) else {
            return false;
        };
        if status != 200 {
            return false;
        }
        let content_type = head_value(&head, "content-type").unwrap();
        Multipart::new(Dechunk::new(reader), &content_type).next_part().is_ok()
    })
}

#[test]
fn slow_header_clients_under_a_low_fd_limit_never_lock_out_a_viewer() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    // 128 descriptors: the web view keeps at most 64 connections.
    let (recv, port, http) = receiver_with_fd_limit(128, &[]);
    let _send = sender(port, &["--fps", "10", "--width", "320", "--height", "240"]);
    let started = Instant::now();
    let mut slow: Vec<TcpStream> = (0..65)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", http)).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
            s
        })
        .collect();
    // Well inside the 10 s header timeout: room must be made, not waited for.
    let took = viewer_gets_a_picture(http, "", 8);
    eprintln!("65 slow-header clients: a viewer got a picture after {took:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "the viewer got in only after the header timeout");
    let took = wait_until("every slow-header client closed", 25, || slow.iter_mut().all(closed_by_server));
    eprintln!("every slow-header client was closed within {:?} of the viewer", took);
    assert!(!recv.err().iter().any(|l| l.contains("panicked")), "{:?}", recv.err());
}

#[test]
fn clients_idle_after_a_401_never_lock_out_a_viewer_and_are_closed() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let (recv, port, http) = receiver_with_fd_limit(128, &["--http-token", TOKEN]);
    let _send = sender(port, &["--fps", "10", "--width", "320", "--height", "240"]);
    let mut idle: Vec<TcpStream> = (0..65)
        .filter_map(|_| {
            let (status, head, reader) = try_request(http, &get_request("/", ""))?;
            assert_eq!(status, 401, "{head}");
            let len: usize = head_value(&head, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
            let mut reader = reader;
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            // Keep-alive: the connection stays open, idle.
            Some(reader.into_inner())
        })
        .collect();
    assert!(idle.len() >= 60, "only {} of 65 clients got their 401", idle.len());
    let took = viewer_gets_a_picture(http, &format!("Authorization: Bearer {TOKEN}\r\n"), 8);
    eprintln!("{} idle clients after a 401: a viewer got a picture after {took:?}", idle.len());
    let took = wait_until("every idle client closed", 25, || idle.iter_mut().all(closed_by_server));
    eprintln!("every idle client was closed within {took:?} of the viewer");
    assert!(!recv.err().iter().any(|l| l.contains("panicked")), "{:?}", recv.err());
}

#[test]
fn viewers_that_never_read_give_their_places_back() {
    let (recv, port, http) = http_receiver(&[], &["--max-viewers", "2"]);
    let _send = sender(port, &["--fps", "30", "--width", "640", "--height", "480", "--quiet"]);
    let stalled: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", http)).unwrap();
            s.write_all(get_request("/stream.mjpg", "").as_bytes()).unwrap();
            s
        })
        .collect();
    wait_until("both stalled viewers counted", 10, || status_json(http)["viewers"] == 2);
    let (code, _, _) = try_request(http, &get_request("/stream.mjpg", "")).expect("an answer");
    assert_eq!(code, 503, "both places are taken");
    let took = viewer_gets_a_picture(http, "", 40);
    eprintln!("2 viewers that never read: a place was free again after {took:?}");
    assert!(!recv.err().iter().any(|l| l.contains("panicked")), "{:?}", recv.err());
    drop(stalled);
}

/// `jpeg` with a comment segment holding `text`, right after its SOI marker.
fn with_comment(jpeg: &[u8], text: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], b"\xFF\xD8");
    let len = u16::try_from(text.len() + 2).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(b"\xFF\xFE");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(text);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Opens `/stream.mjpg` and returns its boundary and the (de-chunked) body.
fn open_stream(http: u16) -> (String, Dechunk<BufReader<TcpStream>>) {
    let (status, headers, reader) = http_open(http, "/stream.mjpg");
    assert_eq!(status, 200);
    let content_type = headers.iter().find(|(h, _)| h == "content-type").unwrap().1.clone();
    let boundary = content_type.split("boundary=").nth(1).unwrap().trim_matches('"').to_string();
    (boundary, Dechunk::new(reader))
}

/// Reads `n` parts the way a browser finds them: by searching for the
/// delimiter, not by trusting Content-Length. Returns each part's headers and body.
fn parts_by_delimiter(body: &mut impl Read, boundary: &str, n: usize) -> Vec<(String, Vec<u8>)> {
    let delimiter = format!("\r\n--{boundary}\r\n").into_bytes();
    let mut raw = Vec::new();
    let mut chunk = [0u8; 65536];
    let opening = format!("--{boundary}\r\n");
    loop {
        let count = raw.windows(delimiter.len()).filter(|w| *w == &delimiter[..]).count();
        if count > n {
            break;
        }
        let got = body.read(&mut chunk).expect("the stream keeps coming");
        assert!(got > 0, "the stream ended");
        raw.extend_from_slice(&chunk[..got]);
    }
    assert!(raw.starts_with(opening.as_bytes()), "the body opens with the boundary");
    let mut parts = Vec::new();
    let mut rest = &raw[opening.len()..];
    while parts.len() < n {
        let at = rest.windows(delimiter.len()).position(|w| w == &delimiter[..]).unwrap();
        let part = &rest[..at];
        let split = part.windows(4).position(|w| w == b"\r\n\r\n").expect("a part has headers");
        parts.push((String::from_utf8_lossy(&part[..split]).into_owned(), part[split + 4..].to_vec()));
        rest = &rest[at + delimiter.len()..];
    }
    parts
}

#[test]
fn a_boundary_inside_a_jpeg_comment_never_splits_the_stream() {
    let dir = TempDir::new("http-boundary");
    let red = Rgb::from_fn(320, 240, |_, _| [200, 30, 30]).to_jpeg(90);
    // The boundary cam-recv used to send, forged inside the picture.
    let forged = with_comment(
        &red,
        b"\r\n--camwireframe\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>\r\n--camwireframe\r\n",
    );
    std::fs::write(dir.path("forged.jpg"), &forged).unwrap();
    let (_recv, port, http) = http_receiver(&[], &[]);
    let source = format!("files:{}", dir.path("forged.jpg").display());
    let _send = sender(port, &["--source", &source, "--fps", "20", "--loop", "--no-stamp"]);
    let (boundary, mut body) = open_stream(http);
    for (headers, picture) in parts_by_delimiter(&mut body, &boundary, 5) {
        assert!(headers.starts_with("Content-Type: image/jpeg\r\n"), "a part that is not the picture: {headers:?}");
        assert_eq!(picture, forged, "the picture arrives whole, as sent");
    }
}

#[test]
fn a_frame_holding_a_viewers_boundary_is_never_sent_to_that_viewer() {
    let dir = TempDir::new("http-own-boundary");
    let (_recv, port, http) = http_receiver(&[], &[]);
    let (boundary, mut targeted) = open_stream(http);
    let plain = Rgb::from_fn(320, 240, |_, _| [30, 200, 30]).to_jpeg(90);
    let forged = with_comment(&plain, format!("\r\n--{boundary}\r\nContent-Type: text/html\r\n\r\nhi").as_bytes());
    std::fs::write(dir.path("pic-0.jpg"), &plain).unwrap();
    std::fs::write(dir.path("pic-1.jpg"), &forged).unwrap();
    let source = format!("files:{}", dir.path("pic-*.jpg").display());
    let _send = sender(port, &["--source", &source, "--fps", "20", "--loop", "--no-stamp"]);
    let (other_boundary, mut other) = open_stream(http);
    assert_ne!(boundary, other_boundary, "every response has its own boundary");
    let other_parts = parts_by_delimiter(&mut other, &other_boundary, 20);
    assert!(other_parts.iter().any(|(_, p)| *p == forged), "another viewer is sent the frame");
    for (headers, picture) in parts_by_delimiter(&mut targeted, &boundary, 10) {
        assert!(headers.starts_with("Content-Type: image/jpeg\r\n"), "{headers:?}");
        assert_eq!(picture, plain, "only frames without this viewer's boundary reach it");
    }
}

#[test]
fn a_request_for_another_host_name_gets_421() {
    let (_recv, _port, http) = http_receiver(&[], &[]);
    let (status, text) = raw_get(http, "/", &format!("rebound.example:{http}"), "");
    assert_eq!(status, 421, "{text}");
    assert!(text.contains("--http-host rebound.example"), "the answer says what to do: {text}");
    for path in ["/status", "/stream.mjpg", "/snapshot.jpg"] {
        assert_eq!(raw_get(http, path, "rebound.example", "").0, 421, "{path}");
    }
    for host in [format!("127.0.0.1:{http}"), format!("localhost:{http}"), "[::1]".into(), "LocalHost".into()] {
        assert_eq!(raw_get(http, "/status", &host, "").0, 200, "Host: {host}");
    }
}

#[test]
fn names_given_with_http_host_are_served() {
    let (_recv, _port, http) = http_receiver(&[], &["--http-host", "cam.example,other.example"]);
    assert_eq!(raw_get(http, "/status", "CAM.example", "").0, 200);
    assert_eq!(raw_get(http, "/status", &format!("other.example:{http}"), "").0, 200);
    assert_eq!(raw_get(http, "/status", "third.example", "").0, 421);
    let line = refused_at_start(&[], &["--http-host", "http://cam.example/"]);
    assert!(line.contains("--http-host") && line.contains("without port or scheme"), "{line}");
}

#[test]
fn every_response_carries_the_security_headers() {
    let (_recv, _port, http) = http_receiver(&[], &["--http-token", TOKEN]);
    let auth = format!("Authorization: Bearer {TOKEN}\r\n");
    let cases = [
        ("/", auth.as_str(), "127.0.0.1", 200),
        ("/index.html", &auth, "127.0.0.1", 200),
        ("/page.js", &auth, "127.0.0.1", 200),
        ("/page.css", &auth, "127.0.0.1", 200),
        ("/status", &auth, "127.0.0.1", 200),
        ("/snapshot.jpg", &auth, "127.0.0.1", 503),
        ("/stream.mjpg", &auth, "127.0.0.1", 200),
        ("/no-such-page", &auth, "127.0.0.1", 404),
        ("/", "", "127.0.0.1", 401),
        ("/", &auth, "rebound.example", 421),
    ];
    for (path, extra, host, want) in cases {
        let (status, text) = raw_get(http, path, host, extra);
        assert_eq!(status, want, "{path} {text}");
        let header =
            |name: &str| head_value(&text, name).unwrap_or_else(|| panic!("{path} ({status}) has no {name}: {text}"));
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("referrer-policy"), "no-referrer");
        let csp = header("content-security-policy");
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    }
    // Nothing inline for the policy to forbid: the page's script and style are files.
    let (_, page) = raw_get(http, "/", "127.0.0.1", &auth);
    let html = &page[page.find("<!doctype").unwrap()..];
    assert!(html.contains("<script src=\"/page.js\"") && !html.contains("<style"), "{html}");
    assert!(!html.contains(" style=") && !html.contains(" onload=") && !html.contains(" onerror="), "{html}");
}

#[test]
fn token_and_password_come_from_a_file_or_the_environment() {
    let dir = TempDir::new("http-secrets");
    let token_file = dir.path("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let (_recv, _port, http) = http_receiver(&[], &["--http-token-file", token_file.to_str().unwrap()]);
    assert_eq!(raw_get(http, "/status", "127.0.0.1", "").0, 401);
    assert_eq!(raw_get(http, &format!("/status?token={TOKEN}"), "127.0.0.1", "").0, 200);

    let (_recv, _port, http) = http_receiver(&[("CAMWIRE_HTTP_TOKEN", TOKEN)], &[]);
    assert_eq!(raw_get(http, "/status", "127.0.0.1", "").0, 401);
    assert_eq!(raw_get(http, "/status", "127.0.0.1", &format!("Authorization: Bearer {TOKEN}\r\n")).0, 200);

    let auth_file = dir.path("auth");
    std::fs::write(&auth_file, "viewer:s3cret-pw\n").unwrap();
    // viewer:s3cret-pw
    let good = "Authorization: Basic dmlld2VyOnMzY3JldC1wdw==\r\n";
    let (_recv, _port, http) = http_receiver(&[], &["--http-auth-file", auth_file.to_str().unwrap()]);
    assert_eq!(raw_get(http, "/status", "127.0.0.1", "").0, 401);
    assert_eq!(raw_get(http, "/status", "127.0.0.1", good).0, 200);
    let (_recv, _port, http) = http_receiver(&[("CAMWIRE_HTTP_AUTH", "viewer:s3cret-pw")], &[]);
    assert_eq!(raw_get(http, "/status", "127.0.0.1", "").0, 401);
    assert_eq!(raw_get(http, "/status", "127.0.0.1", good).0, 200);
}

/// `cam-recv ARGS` that must refuse to start: its one error line.
fn refused_at_start(env: &[(&str, &str)], args: &[&str]) -> String {
    let mut recv = Proc::spawn(
        Command::new(bin("cam-recv"))
            .args(["--listen", "127.0.0.1:0", "--http", "127.0.0.1:0"])
            .args(args)
            .envs(env.iter().copied()),
    );
    let status = recv.wait(10);
    let stderr = recv.err();
    assert_eq!(status.code(), Some(2), "{args:?}: {stderr:?}");
    let errors: Vec<&String> = stderr.iter().filter(|l| l.starts_with("cam-recv:")).collect();
    assert_eq!(errors.len(), 1, "{stderr:?}");
    errors[0].clone()
}

#[test]
fn a_short_or_missing_token_is_refused_at_start() {
    let line = refused_at_start(&[], &["--http-token", "abc-123"]);
    assert!(line.contains("--http-token") && line.contains("at least 16"), "{line}");
    let line = refused_at_start(&[("CAMWIRE_HTTP_TOKEN", "short")], &[]);
    assert!(line.contains("CAMWIRE_HTTP_TOKEN") && line.contains("at least 16"), "{line}");
    let dir = TempDir::new("http-short-token");
    std::fs::write(dir.path("token"), "\n").unwrap();
    let line = refused_at_start(&[], &["--http-token-file", dir.path("token").to_str().unwrap()]);
    assert!(line.contains("--http-token-file") && line.contains("empty"), "{line}");
    let line = refused_at_start(&[], &["--http-token-file", dir.path("missing").to_str().unwrap()]);
    assert!(line.contains("cannot read"), "{line}");
}

#[test]
fn the_first_token_request_trades_the_token_for_a_session_cookie() {
    let (_recv, port, http) = http_receiver(&[], &["--http-token", TOKEN]);
    let (status, text) = raw_get(http, &format!("/?token={TOKEN}"), "127.0.0.1", "");
    assert_eq!(status, 200, "{text}");
    let set_cookie = text
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .unwrap_or_else(|| panic!("no Set-Cookie: {text}"));
    let attributes: Vec<&str> = set_cookie.split(';').map(str::trim).collect();
    for wanted in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(attributes.contains(&wanted), "{set_cookie}");
    }
    assert!(attributes.iter().any(|a| a.starts_with("Max-Age=")), "{set_cookie}");
    let cookie = attributes[0];
    let (name, value) = cookie.split_once('=').unwrap();
    assert_eq!(name, format!("camwire_session_{http}"), "one cookie per port");
    assert!(value.len() >= 32 && !value.contains(TOKEN), "a random session id, not the token: {value}");

    let with_cookie = format!("Cookie: {cookie}\r\n");
    assert_eq!(raw_get(http, "/status", "127.0.0.1", &with_cookie).0, 200);
    assert_eq!(raw_get(http, "/stream.mjpg", "127.0.0.1", &with_cookie).0, 200);
    assert!(sender(port, &["--frames", "3", "--fps", "30"]).wait(20).success());
    wait_until("a snapshot by cookie", 10, || raw_get(http, "/snapshot.jpg", "127.0.0.1", &with_cookie).0 == 200);
    let wrong = format!("Cookie: {name}={}\r\n", "0".repeat(value.len()));
    assert_eq!(raw_get(http, "/status", "127.0.0.1", &wrong).0, 401);
    assert_eq!(raw_get(http, "/status", "127.0.0.1", &format!("Cookie: {name}={TOKEN}\r\n")).0, 401);
    // A player polling with ?token= is let in without piling up sessions.
    let (status, text) = raw_get(http, &format!("/status?token={TOKEN}"), "127.0.0.1", "");
    assert_eq!(status, 200);
    assert!(!text.to_ascii_lowercase().contains("set-cookie"), "{text}");
    // The page's own requests carry no token.
    let (_, script) = raw_get(http, "/page.js", "127.0.0.1", &with_cookie);
    assert!(!script.contains("token="), "{script}");
}

/// `curl` over HTTPS to the view, trusting only the receiver's own
/// certificate (made for the name `camwire`): status, headers and body.
fn curl_https(http: u16, cert: &std::path::Path, path: &str, extra: &[&str]) -> std::process::Output {
    run(Command::new("curl")
        .args(["-sS", "--max-time", "10", "-D", "-", "--cacert"])
        .arg(cert)
        .args(["--resolve", &format!("camwire:{http}:127.0.0.1")])
        .args(extra)
        .arg(format!("https://camwire:{http}{path}")))
}

#[test]
fn https_serves_the_view_with_the_receivers_own_certificate() {
    need_tool("curl", "curl");
    let dir = TempDir::new("https");
    let tls_dir = dir.path("tls");
    let token = "an-https-token-0123456789";
    let (recv, port, http) = http_receiver(
        &[("CAMWIRE_HTTP_TOKEN", token)],
        &["--https", "--tls-dir", tls_dir.to_str().unwrap(), "--http-host", "camwire"],
    );
    let started = recv.wait_for("web view on", 10);
    assert!(started.contains(&format!("https://127.0.0.1:{http}/")), "the start line names https: {started}");
    recv.wait_for("web view TLS certificate SHA256:", 10);
    let cert = tls_dir.join("tls-cert.pem");
    let mut send = sender(port, &["--fps", "10", "--width", "320", "--height", "240"]);
    recv.wait_for("stream 1 from", 10);

    // The page with the token: verified against the receiver's certificate, cookie marked Secure.
    let out = curl_https(http, &cert, &format!("/?token={token}"), &[]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "curl: {}", String::from_utf8_lossy(&out.stderr));
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let cookie = text.lines().find(|l| l.to_ascii_lowercase().starts_with("set-cookie:")).expect("a session cookie");
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly"), "{cookie}");

    // A picture over HTTPS, and nothing without the token.
    let snapshot = dir.path("snap.jpg");
    let out = curl_https(
        http,
        &cert,
        "/snapshot.jpg",
        &["-H", &format!("Authorization: Bearer {token}"), "-o", snapshot.to_str().unwrap()],
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("HTTP/1.1 200"), "{:?}", out);
    let jpeg = std::fs::read(&snapshot).unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG over HTTPS");
    let out = curl_https(http, &cert, "/status", &[]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("HTTP/1.1 401"), "{:?}", out);

    // Plain HTTP on the HTTPS port gets no page, and the view keeps serving.
    let plain = run(Command::new("curl").args(["-sS", "--max-time", "5", &format!("http://127.0.0.1:{http}/")]));
    assert!(!plain.status.success(), "plain HTTP was answered: {}", String::from_utf8_lossy(&plain.stdout));
    let out = curl_https(http, &cert, "/status", &["-H", &format!("Authorization: Bearer {token}")]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("HTTP/1.1 200"), "{:?}", out);

    // A client that trusts another certificate refuses this one.
    let other = dir.path("other");
    let (other_recv, _, other_http) =
        http_receiver(&[], &["--https", "--tls-dir", other.to_str().unwrap(), "--http-host", "camwire"]);
    other_recv.wait_for("web view TLS certificate SHA256:", 10);
    let out = curl_https(other_http, &cert, "/", &[]);
    assert!(!out.status.success(), "a certificate other than the trusted one was accepted");
    send.signal("TERM");
    assert!(send.wait(10).success());
}

#[test]
fn tls_dir_alone_is_a_one_line_error() {
    let (code, err) = one_line_error("cam-recv", &["--tls-dir", "/tmp/x"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("add one of them"), "{err}");
}

#[test]
fn http_auth_guards_every_route() {
    let (recv, port, http) = http_receiver(&[], &["--http-auth", "viewer:s3cret-pw"]);
    for path in ["/", "/stream.mjpg", "/snapshot.jpg", "/status"] {
        let (status, text) = raw_get(http, path, "127.0.0.1", "");
        assert_eq!(status, 401, "{path} without credentials: {text}");
        assert!(text.to_ascii_lowercase().contains("www-authenticate: basic"), "{text}");
        let (status, _) = raw_get(http, path, "127.0.0.1", "Authorization: Basic dmlld2VyOndyb25n\r\n");
        assert_eq!(status, 401, "{path} with a wrong password");
    }
    // viewer:s3cret-pw
    let good = "Authorization: Basic dmlld2VyOnMzY3JldC1wdw==\r\n";
    assert_eq!(raw_get(http, "/", "127.0.0.1", good).0, 200);
    assert_eq!(raw_get(http, "/status", "127.0.0.1", good).0, 200);
    assert_eq!(raw_get(http, "/snapshot.jpg", "127.0.0.1", good).0, 503, "no frame yet, but past the guard");
    assert!(sender(port, &["--frames", "5", "--fps", "30"]).wait(20).success());
    recv.wait_for("summary:", 10);
    assert_eq!(raw_get(http, "/snapshot.jpg", "127.0.0.1", good).0, 200);
}

#[test]
fn http_token_works_as_query_or_bearer_and_nothing_else() {
    let (_recv, _port, http) = http_receiver(&[], &["--http-token", "abc-123-def-456-ghi"]);
    assert_eq!(raw_get(http, "/status", "127.0.0.1", "").0, 401);
    assert_eq!(raw_get(http, "/status?token=wrong", "127.0.0.1", "").0, 401);
    assert_eq!(raw_get(http, "/status?token=abc-123-def-456-gh", "127.0.0.1", "").0, 401, "a prefix of the token");
    assert_eq!(raw_get(http, "/status?token=abc-123-def-456-ghi", "127.0.0.1", "").0, 200);
    assert_eq!(raw_get(http, "/status", "127.0.0.1", "Authorization: Bearer abc-123-def-456-ghi\r\n").0, 200);
    let (status, page) = raw_get(http, "/?token=abc-123-def-456-ghi", "127.0.0.1", "");
    assert_eq!(status, 200);
    assert!(page.to_ascii_lowercase().contains("set-cookie: camwire_session_"), "the page hands out a session: {page}");
}

#[test]
fn viewers_past_max_viewers_get_a_clear_503() {
    let (_recv, port, http) = http_receiver(&[], &["--max-viewers", "2"]);
    let mut send = sender(port, &["--fps", "30", "--width", "320", "--height", "240"]);
    let mut first = mjpeg_stream(http);
    let mut second = mjpeg_stream(http);
    first.next_part().unwrap();
    second.next_part().unwrap();
    let (status, text) = raw_get(http, "/stream.mjpg", "127.0.0.1", "");
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("--max-viewers"), "{text}");
    drop(first);
    wait_until("/status counts one viewer", 10, || status_json(http)["viewers"] == 1);
    assert_eq!(raw_get(http, "/stream.mjpg", "127.0.0.1", "").0, 200, "a place frees up when a viewer leaves");
    send.signal("TERM");
    assert!(send.wait(10).success(), "{:?}", send.err());
}

#[test]
fn oversized_request_head_is_refused_and_the_view_keeps_serving() {
    let (_recv, _port, http) = http_receiver(&[], &[]);
    let huge = "x".repeat(1 << 20);
    let request = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {huge}\r\n\r\n");
    // The view answers after 64 KiB and closes: the rest of the write may fail, the answer is still read.
    let mut sock = TcpStream::connect(("127.0.0.1", http)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    sock.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut writer = sock.try_clone().unwrap();
    let writing = thread::spawn(move || {
        let _ = writer.write_all(request.as_bytes());
    });
    let mut head = [0u8; 64];
    let n = std::io::Read::read(&mut sock, &mut head).unwrap_or(0);
    let answer = String::from_utf8_lossy(&head[..n]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 431 "), "a 1 MiB header got {answer:?}");
    drop(sock);
    writing.join().unwrap();
    assert_eq!(raw_get(http, "/status", "127.0.0.1", "").0, 200);
}
