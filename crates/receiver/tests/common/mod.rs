//! Shared helpers for the loopback tests: run the real binaries, collect
//! their output line by line, wait for lines with a deadline, and kill
//! whatever is still running when a test ends.
#![allow(dead_code, missing_docs)]

pub mod proxy;

use std::{
    io::{BufRead, BufReader, Read},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{Arc, Mutex},
    thread,
    time::{Duration, Instant},
};

/// A binary of this workspace: cam-recv is built for these tests, cam-send
/// sits next to it once the workspace is built (`scripts/test` does that).
pub fn bin(name: &str) -> PathBuf {
    let recv = PathBuf::from(env!("CARGO_BIN_EXE_cam-recv"));
    let path = recv.with_file_name(name);
    assert!(path.exists(), "{} is missing: run `cargo build --workspace` first (scripts/test does)", path.display());
    path
}

/// The Python peers carried with these tests.
pub fn peer(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers").join(name)
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A connection to `127.0.0.1:port` from loopback address number `i`
/// (127.10.x.y, a different one for each `i` below 62,500), so that a flood
/// of them meets the receiver's overall limits rather than its per-address ones.
pub fn connect_from(i: usize, port: u16) -> std::io::Result<std::net::TcpStream> {
    use socket2::{Domain, Socket, Type};
    let from = std::net::SocketAddr::from(([127, 10, (i / 250) as u8, (i % 250 + 1) as u8], 0));
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    sock.bind(&from.into())?;
    sock.connect(&std::net::SocketAddr::from(([127, 0, 0, 1], port)).into())?;
    Ok(sock.into())
}

/// A running process whose stdout and stderr are collected as lines; killed on drop.
pub struct Proc {
    pub child: Child,
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<Vec<String>>>,
    name: String,
}

fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<Vec<String>>>) {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            into.lock().unwrap().push(line);
        }
    });
}

impl Proc {
    pub fn spawn(cmd: &mut Command) -> Proc {
        let name = format!("{cmd:?}");
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let (stdout, stderr) = (Arc::default(), Arc::default());
        collect(child.stdout.take().unwrap(), Arc::clone(&stdout));
        collect(child.stderr.take().unwrap(), Arc::clone(&stderr));
        Proc { child, stdout, stderr, name }
    }

    pub fn out(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    pub fn err(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until some stdout or stderr line contains `needle`; panics with
    /// everything seen after `secs`.
    pub fn wait_for(&self, needle: &str, secs: u64) -> String {
        self.wait_for_count(needle, 1, secs)
    }

    /// Waits until `n` lines contain `needle`; returns the last of them.
    pub fn wait_for_count(&self, needle: &str, n: usize, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let lines: Vec<String> = self.out().into_iter().chain(self.err()).filter(|l| l.contains(needle)).collect();
            if lines.len() >= n {
                return lines.last().unwrap().clone();
            }
            if Instant::now() > deadline {
                panic!(
                    "{}: {n} line(s) with {needle:?} not seen within {secs} s\nstdout:\n{}\nstderr:\n{}",
                    self.name,
                    self.out().join("\n"),
                    self.err().join("\n")
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the process to exit; panics after `secs`.
    pub fn wait(&mut self, secs: u64) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the collector threads drain the pipes.
                thread::sleep(Duration::from_millis(50));
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "{} did not exit within {secs} s\nstdout:\n{}\nstderr:\n{}",
                    self.name,
                    self.out().join("\n"),
                    self.err().join("\n")
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill").args([&format!("-{sig}"), &self.pid().to_string()]).status().unwrap();
        assert!(ok.success(), "kill -{sig} failed");
    }

    /// Peak resident memory so far, in KiB (VmHWM).
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `cam-recv --listen 127.0.0.1:<free port> ARGS...`, once it is listening.
pub fn receiver(args: &[&str]) -> (Proc, u16) {
    let port = free_port();
    let p = receiver_on(port, args);
    (p, port)
}

impl Proc {
    /// Like [`receiver`], with extra environment variables.
    pub fn spawn_env_receiver(env: &[(&str, &str)], args: &[&str]) -> (Proc, u16) {
        let port = free_port();
        let mut cmd = Command::new(bin("cam-recv"));
        cmd.arg("--listen").arg(format!("127.0.0.1:{port}")).args(args).envs(env.iter().copied());
        let p = Proc::spawn(&mut cmd);
        p.wait_for("listening on", 10);
        (p, port)
    }
}

/// `cam-recv --listen 127.0.0.1:PORT ARGS...`, once it is listening.
pub fn receiver_on(port: u16, args: &[&str]) -> Proc {
    let p = Proc::spawn(Command::new(bin("cam-recv")).arg("--listen").arg(format!("127.0.0.1:{port}")).args(args));
    p.wait_for("listening on", 10);
    p
}

/// `cam-send --to 127.0.0.1:PORT ARGS...`, started.
pub fn sender(port: u16, args: &[&str]) -> Proc {
    Proc::spawn(Command::new(bin("cam-send")).arg("--to").arg(format!("127.0.0.1:{port}")).args(args))
}

/// Runs a command to completion, panicking with its output on failure to start.
pub fn run(cmd: &mut Command) -> std::process::Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (scripts/test installs the tools the tests need)"))
}

/// Values of `key=value` fields of a `summary:` line.
pub fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {key}= in {line:?}"))
}

/// Lines of `lines` that contain `needle`.
pub fn count(lines: &[String], needle: &str) -> usize {
    lines.iter().filter(|l| l.contains(needle)).count()
}

/// A fresh temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("camwire-{tag}-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---- Viewing (--display, --http): tools, an X server, HTTP, pictures ----

/// Fails the test, naming the package to install, when `tool` is not on PATH.
pub fn need_tool(tool: &str, package: &str) {
    let found =
        Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().is_ok_and(|o| o.status.success());
    assert!(found, "`{tool}` is needed by this test: install {package} (scripts/test installs it)");
}

/// `cam-recv --listen 127.0.0.1:<free> --http 127.0.0.1:<free> ARGS...` with `env`,
/// once both are listening: (process, sender port, HTTP port).
pub fn http_receiver(env: &[(&str, &str)], args: &[&str]) -> (Proc, u16, u16) {
    let (port, http) = (free_port(), free_port());
    let mut cmd = Command::new(bin("cam-recv"));
    cmd.arg("--listen").arg(format!("127.0.0.1:{port}")).arg("--http").arg(format!("127.0.0.1:{http}"));
    let p = Proc::spawn(cmd.args(args).envs(env.iter().copied()));
    p.wait_for("web view on", 10);
    p.wait_for("listening on", 10);
    (p, port, http)
}

/// A virtual X server (`xvfb-run -a`) for as long as this lives. One at a
/// time per test binary: `xvfb-run -a` races when two pick a display at once.
pub struct Xvfb {
    child: Child,
    pub display: String,
    pub xauthority: String,
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

static XVFB_LOCK: Mutex<()> = Mutex::new(());

impl Xvfb {
    /// Starts a `width`x`height` 24-bit screen with a black background.
    pub fn start(width: u32, height: u32) -> Xvfb {
        need_tool("xvfb-run", "xvfb and xauth");
        need_tool("xauth", "xauth");
        let guard = XVFB_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mut child = Command::new("xvfb-run")
            .args(["-a", "-s", &format!("-screen 0 {width}x{height}x24 -br -nolisten tcp")])
            .args(["sh", "-c", "echo \"XVFB $DISPLAY $XAUTHORITY\"; exec cat"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start xvfb-run");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let mut words = line.split_whitespace().skip(1);
        let (display, xauthority) = (words.next(), words.next());
        let (Some(display), Some(xauthority)) = (display, xauthority) else {
            panic!("xvfb-run did not start an X server (printed {line:?})");
        };
        Xvfb { child, display: display.into(), xauthority: xauthority.into(), _one_at_a_time: guard }
    }

    /// The environment a program needs to use this server.
    pub fn env(&self) -> [(&str, &str); 2] {
        [("DISPLAY", self.display.as_str()), ("XAUTHORITY", self.xauthority.as_str())]
    }

    /// The whole screen, as `import -window root` sees it.
    pub fn screenshot(&self) -> Rgb {
        need_tool("import", "imagemagick");
        let out = run(Command::new("import").args(["-window", "root", "-depth", "8", "ppm:-"]).envs(self.env()));
        assert!(out.status.success(), "import -window root failed: {}", String::from_utf8_lossy(&out.stderr));
        Rgb::from_ppm(&out.stdout)
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // Closing stdin ends `cat`; xvfb-run then stops the server.
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An RGB picture: 3 bytes a pixel, rows top to bottom.
#[derive(Clone)]
pub struct Rgb {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl Rgb {
    /// Fills a picture pixel by pixel.
    pub fn from_fn(width: usize, height: usize, mut f: impl FnMut(usize, usize) -> [u8; 3]) -> Rgb {
        let mut data = Vec::with_capacity(width * height * 3);
        for y in 0..height {
            for x in 0..width {
                data.extend_from_slice(&f(x, y));
            }
        }
        Rgb { width, height, data }
    }

    /// Decodes a JPEG (libjpeg-turbo, as the receiver does).
    pub fn from_jpeg(jpeg: &[u8]) -> Rgb {
        let image = turbojpeg::decompress(jpeg, turbojpeg::PixelFormat::RGB).expect("a valid JPEG");
        Rgb { width: image.width, height: image.height, data: image.pixels }
    }

    /// Reads a binary PPM (P6, maxval 255).
    pub fn from_ppm(ppm: &[u8]) -> Rgb {
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while ppm[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !ppm[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&ppm[start..at]).into_owned());
        }
        assert_eq!((fields[0].as_str(), fields[3].as_str()), ("P6", "255"), "not an 8-bit binary PPM");
        let (width, height): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let data = ppm[at + 1..at + 1 + width * height * 3].to_vec();
        Rgb { width, height, data }
    }

    /// Reads any picture file ImageMagick's `convert` understands.
    pub fn from_file(path: &Path) -> Rgb {
        need_tool("convert", "imagemagick");
        let out = run(Command::new("convert").arg(path).arg("-depth").arg("8").arg("ppm:-"));
        assert!(out.status.success(), "convert {} failed: {}", path.display(), String::from_utf8_lossy(&out.stderr));
        Rgb::from_ppm(&out.stdout)
    }

    /// Encodes as a JPEG (4:4:4, so flat colours stay flat).
    pub fn to_jpeg(&self, quality: i32) -> Vec<u8> {
        let image = turbojpeg::Image {
            pixels: &self.data[..],
            width: self.width,
            pitch: self.width * 3,
            height: self.height,
            format: turbojpeg::PixelFormat::RGB,
        };
        turbojpeg::compress(image, quality, turbojpeg::Subsamp::None).expect("encode").to_vec()
    }

    pub fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.width + x) * 3;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }

    /// Mean colour of the rectangle [x0, x1) x [y0, y1).
    pub fn mean(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> [f64; 3] {
        let mut sum = [0f64; 3];
        for y in y0..y1 {
            for x in x0..x1 {
                let p = self.pixel(x, y);
                for c in 0..3 {
                    sum[c] += f64::from(p[c]);
                }
            }
        }
        let n = ((x1 - x0) * (y1 - y0)) as f64;
        sum.map(|s| s / n)
    }

    /// The smallest rectangle holding every pixel brighter than dark grey: (x0, y0, x1, y1).
    pub fn bright_box(&self) -> Option<(usize, usize, usize, usize)> {
        let mut b: Option<(usize, usize, usize, usize)> = None;
        for y in 0..self.height {
            for x in 0..self.width {
                let p = self.pixel(x, y);
                if u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) > 150 {
                    b = Some(b.map_or((x, y, x + 1, y + 1), |(x0, y0, x1, y1)| {
                        (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1))
                    }));
                }
            }
        }
        b
    }

    /// Pixels within `tolerance` levels of `colour` in every channel.
    pub fn count_near(&self, colour: [u8; 3], tolerance: u8) -> usize {
        self.data.chunks_exact(3).filter(|p| (0..3).all(|c| p[c].abs_diff(colour[c]) <= tolerance)).count()
    }
}

/// Four flat quadrants: red, green / blue, yellow.
pub fn quadrants(width: usize, height: usize) -> Rgb {
    const COLOURS: [[u8; 3]; 4] = [[200, 40, 40], [40, 200, 40], [40, 40, 200], [220, 220, 60]];
    Rgb::from_fn(width, height, |x, y| COLOURS[usize::from(x >= width / 2) + 2 * usize::from(y >= height / 2)])
}

/// The largest per-channel difference between two mean colours.
pub fn colour_distance(a: [f64; 3], b: [f64; 3]) -> f64 {
    (0..3).map(|c| (a[c] - b[c]).abs()).fold(0.0, f64::max)
}

/// An HTTP response read to its end.
pub struct HttpResponse {
    pub status: u16,
    /// Header lines as sent, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Sends `GET path` and reads the status line and headers; the stream is left at the body.
pub fn http_open(port: u16, path: &str) -> (u16, Vec<(String, String)>, BufReader<std::net::TcpStream>) {
    use std::io::Write;
    let mut sock = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to the web view");
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(sock, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
    let mut reader = BufReader::new(sock);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (name, value) = l.split_once(':').unwrap_or_else(|| panic!("bad header line {l:?}"));
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
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
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl<R: Read> Multipart<R> {
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
pub fn mjpeg_stream(port: u16) -> Multipart<Dechunk<BufReader<std::net::TcpStream>>> {
    let (status, headers, reader) = http_open(port, "/stream.mjpg");
    assert_eq!(status, 200);
    let find = |n: &str| headers.iter().find(|(h, _)| h == n).map(|(_, v)| v.clone()).unwrap_or_default();
    let content_type = find("content-type");
    assert!(content_type.starts_with("multipart/x-mixed-replace; boundary="), "content-type {content_type:?}");
    assert_eq!(find("transfer-encoding"), "chunked", "expected a chunked body: {headers:?}");
    Multipart::new(Dechunk::new(reader), &content_type)
}
