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

/// A binary of this workspace (`cam-send`, `cam-recv`), where cargo put it:
/// beside the test that is running (`target/debug/deps/NAME-HASH` runs
/// `target/debug/NAME`), which also holds with `CARGO_TARGET_DIR` or `--target`.
///
/// Cargo builds a package's own binary for its tests; the other one needs
/// `cargo build --workspace` first (`scripts/test` does it). A binary older
/// than its sources fails the test rather than testing old code.
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let mut dir = exe.parent().expect("the test's folder");
    if dir.ends_with("deps") {
        dir = dir.parent().expect("the folder above deps");
    }
    let path = dir.join(name);
    let built = std::fs::metadata(&path).and_then(|m| m.modified()).unwrap_or_else(|_| {
        panic!("{} is missing: run `cargo build --workspace` first (scripts/test does)", path.display())
    });
    if let Some((source, changed)) = newest_source(name) {
        assert!(
            changed <= built,
            "{} is older than {}: run `cargo build --workspace` first (scripts/test does)",
            path.display(),
            source.display()
        );
    }
    path
}

/// The most recently changed source file the binary `name` is built from
/// (its own crate's and the shared crates' `src/`), with its time.
fn newest_source(name: &str) -> Option<(PathBuf, std::time::SystemTime)> {
    let own = match name {
        "cam-send" => "sender",
        "cam-recv" => "receiver",
        _ => return None,
    };
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the crates folder");
    let mut newest: Option<(PathBuf, std::time::SystemTime)> = None;
    let mut folders: Vec<PathBuf> = [own, "wire", "app", "codec"].iter().map(|c| crates.join(c).join("src")).collect();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                folders.push(entry.path());
            } else if let Ok(changed) = meta.modified() {
                if newest.as_ref().is_none_or(|(_, t)| changed > *t) {
                    newest = Some((entry.path(), changed));
                }
            }
        }
    }
    newest
}

/// The Python peers carried with these tests (`crates/testsupport/peers`).
pub fn peer(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("peers").join(name)
}

/// A port that was free a moment ago; another process may take it before
/// the test uses it. Only for a port that nothing of ours may listen on yet (a
/// sender that must find nobody there, a receiver started later) or for a
/// foreign server that cannot report the port it chose: our binaries listen
/// on port 0 and say which port they got ([`receiver`], [`spawn_receiver`]).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Whether something listens on TCP `127.0.0.1:port` (or all addresses),
/// by the kernel's table: no connection is made, which a server that takes
/// one connection only (`ffmpeg -i tcp://...?listen`) would consume.
pub fn is_listening(port: u16) -> bool {
    let table = std::fs::read_to_string("/proc/net/tcp").expect("/proc/net/tcp");
    let wanted = [format!("0100007F:{port:04X}"), format!("00000000:{port:04X}")];
    // Columns: sl local_address rem_address st ...; st 0A is LISTEN.
    table.lines().skip(1).any(|l| {
        let cols: Vec<&str> = l.split_whitespace().collect();
        cols.len() > 3 && cols[3] == "0A" && wanted.iter().any(|w| w == cols[1])
    })
}

/// Calls `ok` every 20 ms until it returns true; panics naming `what` after
/// `secs`. Returns how long it took.
pub fn wait_until(what: &str, secs: u64, mut ok: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    poll_until(what, secs, || ok().then_some(()));
    started.elapsed()
}

/// Calls `f` every 20 ms until it returns a value; panics naming `what` after `secs`.
pub fn poll_until<T>(what: &str, secs: u64, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(value) = f() {
            return value;
        }
        assert!(Instant::now() < deadline, "{what}: not within {secs} s");
        thread::sleep(Duration::from_millis(20));
    }
}

/// A figure in KiB from `/proc/PID/status` (`VmRSS`, `VmHWM`, `VmSize`).
pub fn proc_status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.strip_prefix(key).is_some_and(|rest| rest.starts_with(':')));
    let line = line.unwrap_or_else(|| panic!("no {key} in /proc/{pid}/status"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
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
    /// The process itself.
    pub child: Child,
    /// Its stdout lines so far.
    pub stdout: Arc<Mutex<Vec<String>>>,
    /// Its stderr lines so far.
    pub stderr: Arc<Mutex<Vec<String>>>,
    name: String,
    /// One message from each collector thread when its pipe has ended.
    drained: mpsc::Receiver<()>,
}

/// Collects `stream` line by line into `into` on its own thread; says so on `done` at the end.
fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<Vec<String>>>, done: mpsc::Sender<()>) {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            into.lock().unwrap().push(line);
        }
        let _ = done.send(());
    });
}

impl Proc {
    /// Starts `cmd` with its stdout and stderr collected; panics when it cannot start.
    pub fn spawn(cmd: &mut Command) -> Proc {
        let name = format!("{cmd:?}");
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let (stdout, stderr) = (Arc::default(), Arc::default());
        let (done, drained) = mpsc::channel();
        collect(child.stdout.take().unwrap(), Arc::clone(&stdout), done.clone());
        collect(child.stderr.take().unwrap(), Arc::clone(&stderr), done);
        Proc { child, stdout, stderr, name, drained }
    }

    /// The stdout lines so far.
    pub fn out(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    /// The stderr lines so far.
    pub fn err(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// The process id.
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
                self.fail(&format!("{n} line(s) with {needle:?} not seen within {secs} s"));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the process to exit and for its output to be collected; panics after `secs`.
    pub fn wait(&mut self, secs: u64) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.drain();
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                self.fail(&format!("did not exit within {secs} s"));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Fails the test: `what` happened, with everything the process printed.
    fn fail(&self, what: &str) -> ! {
        panic!("{}: {what}\nstdout:\n{}\nstderr:\n{}", self.name, self.out().join("\n"), self.err().join("\n"))
    }

    /// Waits until both collector threads have read their pipe to the end.
    /// A child the process left behind (a `--pipe` player on its way out) may
    /// hold a pipe open a while longer: that is waited for up to 2 s.
    fn drain(&self) {
        let until = Instant::now() + Duration::from_secs(2);
        for _ in 0..2 {
            if self.drained.recv_timeout(until.saturating_duration_since(Instant::now())).is_err() {
                return;
            }
        }
    }

    /// Waits until the process has installed its SIGINT and SIGTERM handlers
    /// (`SigCgt` in /proc), so that a signal is heard rather than fatal;
    /// panics after `secs`.
    pub fn wait_for_signal_handlers(&self, secs: u64) {
        let caught = || {
            let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
            let mask = status.lines().find_map(|l| l.strip_prefix("SigCgt:")).map(str::trim).unwrap_or("0");
            let mask = u64::from_str_radix(mask, 16).unwrap_or(0);
            mask & (1 << (2 - 1)) != 0 && mask & (1 << (15 - 1)) != 0
        };
        wait_until("SIGINT and SIGTERM handlers", secs, caught);
    }

    /// Sends signal `sig` (`TERM`, `INT`, `KILL`...) with `kill`.
    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill").args([&format!("-{sig}"), &self.pid().to_string()]).status().unwrap();
        assert!(ok.success(), "kill -{sig} failed");
    }

    /// Peak resident memory so far, in KiB (VmHWM).
    pub fn peak_rss_kib(&self) -> u64 {
        proc_status_kib(self.pid(), "VmHWM")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `cam-recv --listen 127.0.0.1:0 ARGS...`, once it is listening, and the port it got.
pub fn receiver(args: &[&str]) -> (Proc, u16) {
    Proc::spawn_env_receiver(&[], args)
}

impl Proc {
    /// Like [`receiver`], with extra environment variables.
    pub fn spawn_env_receiver(env: &[(&str, &str)], args: &[&str]) -> (Proc, u16) {
        spawn_receiver(
            Command::new(bin("cam-recv")).args(["--listen", "127.0.0.1:0"]).args(args).envs(env.iter().copied()),
        )
    }
}

/// Starts a cam-recv command line (one with `--listen 127.0.0.1:0`, or another
/// port) and returns it once it is listening, with the port it printed.
pub fn spawn_receiver(cmd: &mut Command) -> (Proc, u16) {
    let p = Proc::spawn(cmd);
    let port = printed_port(&p.wait_for("listening on", 10), "listening on ");
    (p, port)
}

/// The port that follows `after` in `line`, alone or in an address or URL
/// (`listening on 127.0.0.1:PORT`, `web view on http://localhost:PORT/`, `listening on PORT`).
pub fn printed_port(line: &str, after: &str) -> u16 {
    let word = line.split(after).nth(1).and_then(|rest| rest.split_whitespace().next()).unwrap_or_default();
    let addr = word.split("://").last().unwrap_or_default().trim_end_matches('/');
    let port = addr.rsplit(':').next().unwrap_or_default().parse();
    port.unwrap_or_else(|_| panic!("no port after {after:?} in {line:?}"))
}

/// `cam-recv --listen 127.0.0.1:PORT ARGS...`, once it is listening: for a
/// receiver that must come to a port chosen before it (a sender already retrying there).
pub fn receiver_on(port: u16, args: &[&str]) -> Proc {
    let p = Proc::spawn(Command::new(bin("cam-recv")).arg("--listen").arg(format!("127.0.0.1:{port}")).args(args));
    p.wait_for("listening on", 10);
    p
}

/// `cam-send --to 127.0.0.1:PORT ARGS...`, started.
pub fn sender(port: u16, args: &[&str]) -> Proc {
    Proc::spawn(Command::new(bin("cam-send")).arg("--to").arg(format!("127.0.0.1:{port}")).args(args))
}

/// Waits for a session to end well: the sender, then the receiver (`--once`)
/// exit 0, each within 20 s. Returns the receiver's summary line.
pub fn both_succeed(send: &mut Proc, recv: &mut Proc) -> String {
    assert!(send.wait(20).success(), "{:?}", send.err());
    assert!(recv.wait(20).success(), "{:?}", recv.err());
    recv.wait_for("summary:", 1)
}

/// Runs a command to completion, panicking with its output on failure to start.
pub fn run(cmd: &mut Command) -> std::process::Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (scripts/test installs the tools the tests need)"))
}

/// What a finished command wrote on stderr, as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `NAME ARGS` (cam-send or cam-recv), which must fail with exactly one
/// line on stderr, `NAME: ...`: its exit code and that line. One that does
/// not stop (a receiver that took the mistake and listens) fails after 10 s.
pub fn one_line_error(name: &str, args: &[&str]) -> (Option<i32>, String) {
    let mut p = Proc::spawn(Command::new(bin(name)).args(args));
    let status = p.wait(10);
    let err = p.err().join("\n");
    assert!(!status.success(), "{name} {args:?} succeeded");
    assert_eq!(err.trim().lines().count(), 1, "{name} {args:?}: {err}");
    assert!(err.starts_with(&format!("{name}: ")), "{name} {args:?}: {err}");
    (status.code(), err.trim().to_string())
}

/// `NAME --help`, checked to end in examples that are whole commands, each
/// line one that copies and pastes (a comment or a command, never a wrapped
/// half): the whole help text.
pub fn help_with_examples(name: &str) -> String {
    let out = run(Command::new(bin(name)).arg("--help"));
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    let examples = help.split("Examples:\n").nth(1).unwrap_or_else(|| panic!("{name}: no examples"));
    for line in examples.lines().take_while(|l| !l.is_empty()) {
        let starts_a_command = ["  # ", "  cam-send ", "  cam-recv ", "  ffmpeg ", "  rpicam-vid "];
        assert!(starts_a_command.iter().any(|s| line.starts_with(s)), "{name}: a wrapped example line: {line:?}");
    }
    help
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
    /// A new empty directory under the system's temporary one, named after `tag`.
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("camwire-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// The path of `name` inside the directory.
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

/// `cam-recv --listen 127.0.0.1:0 --http 127.0.0.1:0 ARGS...` with `env`,
/// once both are listening: (process, sender port, HTTP port).
pub fn http_receiver(env: &[(&str, &str)], args: &[&str]) -> (Proc, u16, u16) {
    let (p, port) = Proc::spawn_env_receiver(env, &[&["--http", "127.0.0.1:0"], args].concat());
    let http = web_view_port(&p);
    (p, port, http)
}

/// `cam-recv --listen 127.0.0.1:0 --http 127.0.0.1:0 ARGS...` under
/// `prlimit --nofile=N:N`, once both are listening: (process, sender port, HTTP port).
pub fn receiver_with_fd_limit(nofile: u32, args: &[&str]) -> (Proc, u16, u16) {
    let (p, port) = spawn_receiver(
        Command::new("prlimit")
            .arg(format!("--nofile={nofile}:{nofile}"))
            .arg("--")
            .arg(bin("cam-recv"))
            .args(["--listen", "127.0.0.1:0", "--http", "127.0.0.1:0"])
            .args(args),
    );
    let http = web_view_port(&p);
    (p, port, http)
}

/// The port the web view of `p` serves on, from its `web view on URL` line.
pub fn web_view_port(p: &Proc) -> u16 {
    printed_port(&p.wait_for("web view on", 10), "web view on ")
}

/// Whether these tests run as root (as CI does).
pub fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status.lines().find_map(|l| l.strip_prefix("Uid:")).and_then(|ids| ids.split_whitespace().next()) == Some("0")
}

/// A tmpfs mounted on a folder (root only): a small one is a full disk, `ro` a
/// read-only one. Unmounted on drop.
pub struct Mount(PathBuf);

impl Mount {
    /// `mount -t tmpfs -o OPTIONS tmpfs ON` (`size=256k`, `ro`).
    pub fn tmpfs(on: &Path, options: &str) -> Mount {
        assert!(is_root(), "mounting a tmpfs needs root (CI runs the tests as root)");
        let out = run(Command::new("mount").args(["-t", "tmpfs", "-o", options, "tmpfs"]).arg(on));
        assert!(out.status.success(), "mount: {}", String::from_utf8_lossy(&out.stderr));
        Mount(on.to_owned())
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        // Lazily: a process that still holds a file there must not keep the mount.
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}
