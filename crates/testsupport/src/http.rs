//! A small HTTP/1.1 client for the web view: whole responses, chunked
//! bodies, and `multipart/x-mixed-replace` parts checked as they are read.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    time::Duration,
};

/// An HTTP response read to its end.
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header lines as sent, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The value of header `name` (lower case), if it was sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Sends `request` as written on a new connection to `port` and reads the
/// status line and headers (returned as sent, with their CRLFs); the reader is
/// left at the body. `None` when the connection is refused or closed first.
/// Reads wait up to 3 s.
pub fn try_request(port: u16, request: &str) -> Option<(u16, String, BufReader<TcpStream>)> {
    send_request(port, request, Duration::from_secs(3))
}

fn send_request(port: u16, request: &str, timeout: Duration) -> Option<(u16, String, BufReader<TcpStream>)> {
    let mut sock = TcpStream::connect(("127.0.0.1", port)).ok()?;
    sock.set_read_timeout(Some(timeout)).unwrap();
    sock.write_all(request.as_bytes()).ok()?;
    let mut reader = BufReader::new(sock);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, head, reader))
}

/// The value of header `name` (any case) in a response head (or a response
/// as text: only lines before the first blank one count), trimmed.
pub fn head_value(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).take_while(|l| !l.is_empty()).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

/// `GET path` with `Host: host` and the `extra` header lines (each ending in
/// CRLF), closed after the answer: the status and the response as text, its
/// head and its body (not the body of a chunked stream, which never ends).
pub fn raw_get(port: u16, path: &str, host: &str, extra: &str) -> (u16, String) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n");
    let (status, head, mut reader) = try_request(port, &request).expect("an answer");
    let mut body = String::new();
    if !head_value(&head, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let _ = reader.read_to_string(&mut body);
    }
    (status, head + &body)
}

/// Sends `GET path` and reads the status line and headers (names lower-cased);
/// the stream is left at the body. Reads wait up to 10 s.
pub fn http_open(port: u16, path: &str) -> (u16, Vec<(String, String)>, BufReader<TcpStream>) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    let (status, head, reader) = send_request(port, &request, Duration::from_secs(10))
        .unwrap_or_else(|| panic!("GET {path}: no answer from the web view on port {port}"));
    let headers = head
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, value) = l.split_once(':').unwrap_or_else(|| panic!("bad header line {l:?}"));
            (name.trim().to_ascii_lowercase(), value.trim().to_string())
        })
        .collect();
    (status, headers, reader)
}

/// `GET path`, whole response (a body with Content-Length, or to the end of the connection).
pub fn http_get(port: u16, path: &str) -> HttpResponse {
    let (status, headers, mut reader) = http_open(port, path);
    let mut body = Vec::new();
    let len = headers.iter().find(|(n, _)| n == "content-length").map(|(_, v)| v.parse::<usize>().unwrap());
    match len {
        Some(n) => {
            body.resize(n, 0);
            reader.read_exact(&mut body).unwrap();
        }
        None => {
            reader.read_to_end(&mut body).unwrap();
        }
    }
    HttpResponse { status, headers, body }
}

/// A `Transfer-Encoding: chunked` body as a plain byte stream.
pub struct Dechunk<R> {
    inner: R,
    left: usize,
    done: bool,
}

impl<R: BufRead> Dechunk<R> {
    /// Reads the chunked body that `inner` is positioned at.
    pub fn new(inner: R) -> Self {
        Dechunk { inner, left: 0, done: false }
    }
}

impl<R: BufRead> Read for Dechunk<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done {
            return Ok(0);
        }
        if self.left == 0 {
            let mut line = String::new();
            if self.inner.read_line(&mut line)? == 0 {
                self.done = true;
                return Ok(0);
            }
            if line.trim().is_empty() {
                // The CRLF that ends the previous chunk.
                line.clear();
                if self.inner.read_line(&mut line)? == 0 {
                    self.done = true;
                    return Ok(0);
                }
            }
            let size = line.trim().split(';').next().unwrap();
            self.left = usize::from_str_radix(size, 16).map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, format!("bad chunk size {line:?}"))
            })?;
            if self.left == 0 {
                self.done = true;
                return Ok(0);
            }
        }
        let want = buf.len().min(self.left);
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.left -= n;
        Ok(n)
    }
}

/// Reads `multipart/x-mixed-replace` parts, checking their framing.
pub struct Multipart<R> {
    inner: BufReader<R>,
    boundary: String,
    started: bool,
}

/// One part: its headers (names lower-cased) and body.
pub struct Part {
    /// The part's header lines (name, value) as sent.
    pub headers: Vec<(String, String)>,
    /// The part's bytes: a JPEG.
    pub body: Vec<u8>,
}

impl<R: Read> Multipart<R> {
    /// Reads the parts of `inner`, whose boundary `content_type` names.
    pub fn new(inner: R, content_type: &str) -> Self {
        let boundary = content_type
            .split(';')
            .find_map(|p| p.trim().strip_prefix("boundary="))
            .unwrap_or_else(|| panic!("no boundary in {content_type:?}"))
            .trim_matches('"')
            .to_string();
        Multipart { inner: BufReader::new(inner), boundary, started: false }
    }

    /// The next part; `Err` describes what is malformed (or the end of the stream).
    pub fn next_part(&mut self) -> Result<Part, String> {
        let mut line = String::new();
        if !self.started {
            self.started = true;
            self.inner.read_line(&mut line).map_err(|e| e.to_string())?;
            if line != format!("--{}\r\n", self.boundary) {
                return Err(format!("the stream does not open with the boundary line: {line:?}"));
            }
        }
        let mut headers = Vec::new();
        loop {
            line.clear();
            if self.inner.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                return Err("end of stream".into());
            }
            let l = line.trim_end_matches("\r\n");
            if l.is_empty() {
                break;
            }
            let (name, value) = l.split_once(':').ok_or_else(|| format!("bad part header {l:?}"))?;
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
        let find = |n: &str| headers.iter().find(|(h, _)| h == n).map(|(_, v)| v.clone());
        if find("content-type").as_deref() != Some("image/jpeg") {
            return Err(format!("part without Content-Type: image/jpeg: {headers:?}"));
        }
        let len: usize = find("content-length")
            .ok_or_else(|| format!("part without Content-Length: {headers:?}"))?
            .parse()
            .map_err(|e| format!("bad Content-Length: {e}"))?;
        let mut body = vec![0; len];
        self.inner.read_exact(&mut body).map_err(|e| format!("part body cut short: {e}"))?;
        let mut end = vec![0; self.boundary.len() + 6];
        self.inner.read_exact(&mut end).map_err(|e| format!("no boundary after a part: {e}"))?;
        if end != format!("\r\n--{}\r\n", self.boundary).as_bytes() {
            return Err(format!("part not followed by the boundary: {:?}", String::from_utf8_lossy(&end)));
        }
        Ok(Part { headers, body })
    }
}

/// Opens `/stream.mjpg`, checks the response, and returns its parts reader.
pub fn mjpeg_stream(port: u16) -> Multipart<Dechunk<BufReader<TcpStream>>> {
    let (status, headers, reader) = http_open(port, "/stream.mjpg");
    assert_eq!(status, 200);
    let find = |n: &str| headers.iter().find(|(h, _)| h == n).map(|(_, v)| v.clone()).unwrap_or_default();
    let content_type = find("content-type");
    assert!(content_type.starts_with("multipart/x-mixed-replace; boundary="), "content-type {content_type:?}");
    assert_eq!(find("transfer-encoding"), "chunked", "expected a chunked body: {headers:?}");
    Multipart::new(Dechunk::new(reader), &content_type)
}

/// `GET /status`, checked to be a JSON 200, parsed.
pub fn status_json(port: u16) -> serde_json::Value {
    let r = http_get(port, "/status");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    serde_json::from_slice(&r.body)
        .unwrap_or_else(|e| panic!("/status is not JSON ({e}): {}", String::from_utf8_lossy(&r.body)))
}

/// `METHOD path` with `body` sent as `content_type` (no body when empty), read whole
/// (Content-Length, else to the end of the connection).
pub fn http_send(port: u16, method: &str, path: &str, content_type: &str, body: &[u8]) -> HttpResponse {
    let sock = TcpStream::connect(("127.0.0.1", port)).expect("connect to the web view");
    send_on(sock, port, method, path, content_type, body)
}

/// [`http_send`] from loopback address number `from` (see [`connect_from`](crate::connect_from)),
/// so that many of them count as many clients.
pub fn http_send_from(
    from: usize,
    port: u16,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> HttpResponse {
    let sock = crate::connect_from(from, port).expect("connect to the web view from another loopback address");
    send_on(sock, port, method, path, content_type, body)
}

fn send_on(mut sock: TcpStream, port: u16, method: &str, path: &str, content_type: &str, body: &[u8]) -> HttpResponse {
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if !body.is_empty() || !content_type.is_empty() {
        request += &format!("Content-Type: {content_type}\r\nContent-Length: {}\r\n", body.len());
    }
    let mut request = (request + "\r\n").into_bytes();
    request.extend_from_slice(body);
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    sock.write_all(&request).unwrap();
    let mut all = Vec::new();
    let _ = sock.read_to_end(&mut all);
    let split = memchr_crlf2(&all).unwrap_or_else(|| panic!("{method} {path}: no whole answer: {all:?}"));
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':').map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string())))
        .collect();
    HttpResponse { status, headers, body: all[split + 4..].to_vec() }
}

fn memchr_crlf2(bytes: &[u8]) -> Option<usize> {
    bytes.windows(4).position(|w| w == b"\r\n\r\n")
}

/// Reads the chunked body of `reader` on a thread until it ends; the bytes
/// so far are in the returned buffer (a viewer that keeps watching).
pub fn collect_chunked(reader: BufReader<TcpStream>) -> std::sync::Arc<std::sync::Mutex<Vec<u8>>> {
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let into = got.clone();
    std::thread::spawn(move || {
        let mut body = Dechunk::new(reader);
        let mut buf = [0u8; 65536];
        while let Ok(n) = body.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    got
}
