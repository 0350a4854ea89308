//! Processes: the workspace's binaries and the Python peers, run with their
//! output collected line by line, waited on with a deadline, and killed
//! when a test ends; temporary directories; the tools a test needs.

use std::{
    io::{BufRead, BufReader, Read},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc, Mutex,
    },
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
