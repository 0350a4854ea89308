//! The sender port's waiting room under attack (issue 22): connections that
//! wait for a busy slot with frames in hand, floods past the open-file limit,
//! neighbours that crowd out a sender mid-handshake, and failed attempts that
//! would fill the log. Each test runs the real cam-recv and failed before its fix.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    time::Duration,
};

use camwire_testsupport::*;
use camwire_wire::handshake::{Line, Secret};

/// A JPEG that is only its start and a frame header saying 16x16: a picture
/// by its headers (it takes the sender slot), 15 bytes.
fn header_only_jpeg() -> Vec<u8> {
    vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x10, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00]
}

fn open_fds(p: &Proc) -> usize {
    std::fs::read_dir(format!("/proc/{}/fd", p.pid())).unwrap().count()
}

/// Reads until the receiver closes `sock` (or 10 s pass): what it sent.
fn read_to_close(sock: &mut TcpStream) -> Vec<u8> {
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut got = Vec::new();
    let _ = sock.read_to_end(&mut got);
    got
}

#[test]
fn frames_held_while_waiting_for_a_busy_slot_stay_within_the_budget_and_memory_is_given_back() {
    // Every address is one camera, so each attacker waits for the sender's slot.
    let (mut recv, port) = receiver(&["--handshake-timeout", "20", "--camera", "one=127.0.0.0/8"]);
    let mut send = sender(port, &["--fps", "5", "--width", "64", "--height", "48"]);
    recv.wait_for("stream 1 from", 10);
    let before_kib = proc_status_kib(recv.pid(), "VmRSS");
    // 12 addresses, each three 8 MiB frames that sniff as JPEG but are no
    // picture (held), then a picture: 288 MiB waiting for the busy slot.
    let scrap = framed(&[&[0xFF, 0xD8, 0xFF][..], &vec![0u8; (8 << 20) - 3]].concat());
    let picture = framed(&header_only_jpeg());
    let attackers: Vec<TcpStream> = (0..12)
        .map(|i| {
            let mut s = connect_from(i, port).unwrap();
            // Past the budget the receiver closes it mid-write: that is the fix working.
            let _ = (0..3).try_for_each(|_| s.write_all(&scrap)).and_then(|()| s.write_all(&picture));
            s
        })
        .collect();
    let peak_mib = recv.peak_rss_kib().saturating_sub(before_kib) / 1024;
    eprintln!("12 x 24 MiB waiting for a busy slot: peak RSS {peak_mib} MiB over the {} MiB before", before_kib / 1024);
    assert!(peak_mib < 150, "RSS peaked {peak_mib} MiB above its start: the 64 MiB budget was bypassed");
    // Past the camera's share (a quarter), or past the whole budget.
    recv.wait_for("the handshake budget)", 10);
    drop(attackers);
    let took = wait_until("RSS back within 48 MiB of its start", 20, || {
        proc_status_kib(recv.pid(), "VmRSS") < before_kib + 48 * 1024
    });
    eprintln!("memory given back {took:?} after the attackers closed");
    send.signal("TERM");
    assert!(send.wait(10).success(), "{:?}", send.err());
    let summary = recv.wait_for("summary:", 10);
    assert_eq!(field(&summary, "terminator"), "yes", "{summary}");
    assert!(recv.child.try_wait().unwrap().is_none(), "the receiver died: {:?}", recv.err());
}

#[test]
fn pictures_waiting_for_a_busy_slot_are_counted_under_a_low_open_file_limit() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    // Every address is one camera, so each attacker waits for the sender's slot.
    let (recv, port, http) = receiver_with_fd_limit(256, &["--handshake-timeout", "20", "--camera", "one=127.0.0.0/8"]);
    let mut send = sender(port, &["--fps", "5", "--width", "64", "--height", "48"]);
    recv.wait_for("stream 1 from", 10);
    // 300 addresses, each one header-only picture: each waits for the busy
    // slot. In batches the receiver reads before the next, so that each picture
    // is read (a connection dropped before that proves nothing).
    let picture = framed(&header_only_jpeg());
    let mut attackers = Vec::new();
    for batch in 0..10 {
        for i in batch * 30..(batch + 1) * 30 {
            let mut s = connect_from(i, port).unwrap();
            let _ = s.write_all(&picture);
            attackers.push(s);
        }
        wait_until_all_read(port);
    }
    assert_eq!(get_status(http), 200, "/status answers during the flood");
    for s in &mut attackers {
        read_to_close(s);
    }
    assert!(open_fds(&recv) < 256);
    let exhausted: Vec<String> = recv.err().into_iter().filter(|l| l.contains("Too many open files")).collect();
    assert!(exhausted.is_empty(), "descriptors ran out: {exhausted:?}");
    send.signal("TERM");
    assert!(send.wait(10).success(), "{:?}", send.err());
    assert!(sender(port, &["--frames", "5", "--fps", "60"]).wait(20).success(), "a real sender is served after");
    recv.wait_for_count("terminator=yes", 2, 10);
}

#[test]
fn peers_refused_by_allow_are_counted_under_a_low_open_file_limit() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let (recv, port, http) = receiver_with_fd_limit(256, &["--allow", "10.0.0.0/8"]);
    // 300 connections outside --allow that never close: each refusal would wait 2 s for them.
    let mut refused: Vec<TcpStream> = (0..300).map(|i| connect_from(i, port).unwrap()).collect();
    assert_eq!(get_status(http), 200, "/status answers during the flood");
    for s in &mut refused {
        read_to_close(s);
    }
    let exhausted: Vec<String> = recv.err().into_iter().filter(|l| l.contains("Too many open files")).collect();
    assert!(exhausted.is_empty(), "descriptors ran out: {exhausted:?}");
    let lines = count(&recv.err(), "refused: not in --allow");
    assert!(lines < 20, "{lines} log lines for 300 refusals");
}

/// Waits until every connection to `port` has had every byte read
/// (`/proc/net/tcp`: the receive queues of the receiver's side are empty).
fn wait_until_all_read(port: u16) {
    let local = format!(":{port:04X}");
    wait_until(&format!("every byte sent to :{port} read"), 10, || {
        let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap();
        tcp.lines().skip(1).all(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            !(f[1].ends_with(&local) && f[3] == "01") || f[4].ends_with(":00000000")
        })
    });
}

/// `GET /status` on a new connection: its status code (0 if none came within 10 s).
fn get_status(http: u16) -> u16 {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", http)) else { return 0 };
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let mut line = String::new();
    let _ = BufReader::new(s).read_line(&mut line);
    line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

/// The secret the tests share with the receiver, and its file.
fn secret_file(dir: &TempDir) -> (Secret, String) {
    let text = b"correct horse battery staple\n";
    let path = dir.path("secret");
    std::fs::write(&path, text).unwrap();
    (Secret::new(text, "test").unwrap(), path.to_str().unwrap().to_string())
}

/// Reads one `CAMWIRE ...` line.
fn read_line(reader: &mut impl BufRead) -> Option<Line> {
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).ok()?;
    Line::parse(&line).ok()
}

#[test]
fn connections_from_the_senders_own_address_never_close_its_secret_handshake() {
    let dir = TempDir::new("crowd");
    let (secret, file) = secret_file(&dir);
    let (recv, port) = receiver(&["--secret-file", &file, "--handshake-timeout", "20", "--verify"]);
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut reader = BufReader::new(sock.try_clone().unwrap());
    let Some(Line::Challenge(nonce)) = read_line(&mut reader) else { panic!("no challenge: {:?}", recv.err()) };
    // While our answer is "in flight": 20 connections from the same address,
    // each admitted (it got its own challenge) before we answer.
    let crowd: Vec<TcpStream> = (0..20)
        .map(|_| {
            let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut r = BufReader::new(s.try_clone().unwrap());
            let _ = read_line(&mut r);
            s
        })
        .collect();
    let mut sock = sock;
    let _ = sock.write_all(&Line::Response(secret.answer(&nonce)).encode());
    assert_eq!(read_line(&mut reader), Some(Line::Ok), "the sender's handshake was cut: {:?}", recv.err());
    let jpeg = small_jpeg();
    for _ in 0..3 {
        sock.write_all(&framed(&jpeg)).unwrap();
    }
    sock.write_all(&0u32.to_le_bytes()).unwrap();
    let summary = recv.wait_for("summary:", 10);
    assert_eq!((field(&summary, "frames"), field(&summary, "terminator")), ("3", "yes"), "{summary}");
    drop(crowd);
}

#[test]
fn a_flood_of_wrong_secrets_costs_a_few_log_lines() {
    let dir = TempDir::new("guess");
    let (_, file) = secret_file(&dir);
    let (recv, port) = receiver(&["--secret-file", &file]);
    let wrong = Secret::new(b"not the secret at all, a guess\n", "guess").unwrap();
    let bytes = |p: &Proc| p.err().iter().map(|l| l.len() + 1).sum::<usize>();
    let before = bytes(&recv);
    let attempts = 200;
    for _ in 0..attempts {
        let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut reader = BufReader::new(sock.try_clone().unwrap());
        let Some(Line::Challenge(nonce)) = read_line(&mut reader) else { panic!("no challenge") };
        let _ = (&sock).write_all(&Line::Response(wrong.answer(&nonce)).encode());
        let mut rest = Vec::new();
        let _ = reader.read_to_end(&mut rest);
    }
    // The last attempt's line, if any, may still be on its way: wait for the count of refusals to settle.
    recv.wait_for("wrong secret", 10);
    let per_attempt = (bytes(&recv) - before) as f64 / f64::from(attempts);
    eprintln!("{attempts} wrong secrets: {per_attempt:.1} log bytes per attempt");
    assert!(per_attempt < 16.0, "{per_attempt:.1} log bytes per failed attempt:\n{}", recv.err().join("\n"));
}
