//! The web view's places under attack (issue 22): `--max-viewers` held by
//! sockets that never read, passwords guessed at full speed, and viewers
//! that stop reading while the kernel queues megabytes for them. Each test
//! runs the real cam-recv and failed before its fix.

use std::{
    io::{BufRead, BufReader, Write},
    net::TcpStream,
    process::Command,
    thread,
    time::Duration,
};

use base64::Engine;
use camwire_testsupport::*;

/// A request for `path` with `extra` header lines, on a kept-alive connection.
fn request(path: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n")
}

/// Reads one response with a Content-Length body: its status code (0 if the connection ended).
fn read_response(reader: &mut impl BufRead) -> u16 {
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return 0;
    }
    let status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut len = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let l = line.trim_end().to_ascii_lowercase();
        if l.is_empty() {
            break;
        }
        if let Some(v) = l.strip_prefix("content-length:") {
            len = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    status
}

/// Opens `path` from loopback address number `from` (see `connect_from`) and reads nothing more.
fn open_and_never_read(http: u16, from: Option<usize>, path: &str) -> TcpStream {
    let mut s = match from {
        Some(i) => connect_from(i, http).unwrap(),
        None => TcpStream::connect(("127.0.0.1", http)).unwrap(),
    };
    s.write_all(request(path, "").as_bytes()).unwrap();
    s
}

#[test]
fn sockets_that_never_read_cannot_keep_a_viewer_from_another_address_out() {
    let (recv, _port, http) = http_receiver(&[], &["--max-viewers", "4"]);
    // No sender yet: nothing is ever written to them, so no slow-reader guard can act.
    let idle: Vec<TcpStream> = (0..4).map(|_| open_and_never_read(http, None, "/stream.mjpg")).collect();
    wait_until("four viewers counted", 10, || status_json(http)["viewers"] == 4);
    let mut viewer = connect_from(7, http).unwrap();
    viewer.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    viewer.write_all(request("/stream.mjpg", "").as_bytes()).unwrap();
    let mut status = String::new();
    BufReader::new(viewer.try_clone().unwrap()).read_line(&mut status).unwrap();
    assert!(status.contains(" 200 "), "a viewer from another address: {status:?}\n{:?}", recv.err());
    recv.wait_for("ended the oldest stream of 127.0.0.1", 10);
    assert_eq!(status_json(http)["viewers"], 4);
    drop(idle);
}

/// `cam-recv ARGS`, which must refuse to start: its one line of stderr.
fn refused_at_start(args: &[&str]) -> String {
    let mut p = Proc::spawn(
        Command::new(bin("cam-recv")).args(["--listen", "127.0.0.1:0", "--http", "127.0.0.1:0"]).args(args),
    );
    assert_eq!(p.wait(10).code(), Some(2), "{:?}", p.err());
    let err = p.err();
    assert_eq!(err.len(), 1, "{err:?}");
    err[0].clone()
}

#[test]
fn passwords_are_long_and_guesses_are_slowed_down_and_logged() {
    let err = refused_at_start(&["--http-auth", "viewer:abc"]);
    assert!(err.contains("at least 8"), "{err}");

    let (recv, _port, http) = http_receiver(&[], &["--http-auth", "viewer:correct-horse"]);
    let basic = |password: &str| {
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("viewer:{password}"));
        format!("Authorization: Basic {b64}\r\n")
    };
    let sock = TcpStream::connect(("127.0.0.1", http)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut reader = BufReader::new(sock.try_clone().unwrap());
    let mut codes = Vec::new();
    for guess in 0..40 {
        (&sock).write_all(request("/status", &basic(&format!("guess{guess:04}"))).as_bytes()).unwrap();
        codes.push(read_response(&mut reader));
    }
    let (unauthorized, slowed) =
        (codes.iter().filter(|&&c| c == 401).count(), codes.iter().filter(|&&c| c == 429).count());
    eprintln!("40 wrong passwords at full speed: {unauthorized} answered 401, {slowed} answered 429");
    assert!(unauthorized <= 12 && slowed >= 28, "{codes:?}");
    (&sock).write_all(request("/status", &basic("correct-horse")).as_bytes()).unwrap();
    assert_eq!(read_response(&mut reader), 429, "a slowed-down address is not even checked");
    // Another address is not slowed down.
    let mut other = BufReader::new(connect_from(3, http).unwrap());
    other.get_mut().write_all(request("/status", &basic("correct-horse")).as_bytes()).unwrap();
    assert_eq!(read_response(&mut other), 200);
    let lines = count(&recv.err(), "--http: ");
    assert!((1..=12).contains(&lines), "{lines} log lines for 41 failures:\n{}", recv.err().join("\n"));
}

/// The send queue of the web view's connection to `client` (`ss`), in bytes.
fn send_queue(http: u16, client: u16) -> Option<u64> {
    let out = run(Command::new("ss").args(["-Htn", "state", "established", &format!("( sport = :{http} )")]));
    let text = String::from_utf8_lossy(&out.stdout);
    let line =
        text.lines().find(|l| l.split_whitespace().nth(3).is_some_and(|peer| peer.ends_with(&format!(":{client}"))));
    line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
}

#[test]
fn a_viewer_that_never_reads_has_little_queued_in_the_kernel() {
    need_tool("ss", "iproute2");
    let units = idr_access_units(4);
    let (recv, port, http) = http_receiver(&[], &[]);
    let viewer = open_and_never_read(http, None, "/stream.mp4");
    let client = viewer.local_addr().unwrap().port();
    wait_until("the viewer counted", 10, || status_json(http)["viewers"] == 1);
    // 48 access units of 1 MiB each, as raw H.264, as fast as the receiver takes them.
    let writer = thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        for i in 0..48 {
            s.write_all(&with_filler(&units[i % units.len()], 1 << 20)).unwrap();
        }
    });
    let mut most = 0;
    while !writer.is_finished() {
        most = most.max(send_queue(http, client).unwrap_or(0));
        thread::sleep(Duration::from_millis(20));
    }
    writer.join().unwrap();
    recv.wait_for("stream 1 from", 10);
    most = most.max(send_queue(http, client).unwrap_or(0));
    eprintln!("a viewer that never reads: at most {} KiB queued for it in the kernel", most / 1024);
    assert!(most > 0, "nothing was sent to the viewer: the test measured nothing");
    assert!(most < 1 << 20, "{} KiB queued for a viewer that reads nothing", most / 1024);
    drop(viewer);
}
