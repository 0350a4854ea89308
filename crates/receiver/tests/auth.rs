//! The sender secret and TLS on the frame port (protocol.md, "Who may send"), between
//! the real binaries on loopback. Each refusal is checked on both sides, and the
//! receiver goes on serving the next good sender.

use std::{os::unix::fs::PermissionsExt, process::Command};

use camwire_testsupport::*;

const SECRET: &str = "Zm9yIHRoZSB0ZXN0cyBvbmx5LCBub3QgYSByZWFsIHNlY3JldA==\n";
const OTHER: &str = "YW5vdGhlciBzZWNyZXQsIGp1c3QgYXMgbG9uZw==\n";
const SMALL: [&str; 6] = ["--width", "320", "--height", "240", "--fps", "60"];

/// A directory with two secret files, `right` and `wrong`.
fn secrets(tag: &str) -> (TempDir, String, String) {
    let dir = TempDir::new(tag);
    std::fs::write(dir.path("right"), SECRET).unwrap();
    std::fs::write(dir.path("wrong"), OTHER).unwrap();
    for name in ["right", "wrong"] {
        std::fs::set_permissions(dir.path(name), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let path = |name| dir.path(name).to_str().unwrap().to_string();
    let (right, wrong) = (path("right"), path("wrong"));
    (dir, right, wrong)
}

/// `cam-send --frames N` with the small picture and `args`.
fn send(port: u16, frames: u32, args: &[&str]) -> Proc {
    let n = frames.to_string();
    sender(port, &[&["--frames", n.as_str()], &SMALL[..], args].concat())
}

/// The fingerprint a `cam-recv --tls` printed at start.
fn fingerprint(recv: &Proc) -> String {
    let line = recv.wait_for("senders need --tls-pin", 5);
    let at = line.rfind("SHA256:").unwrap();
    let fp = &line[at..];
    assert_eq!(fp.len(), 7 + 64, "{line}");
    fp.to_string()
}

#[test]
fn right_secret_is_accepted_and_every_frame_verified() {
    let (_dir, right, _) = secrets("auth-right");
    let (mut recv, port) = receiver(&["--secret-file", &right, "--verify", "--once"]);
    let mut send = send(port, 12, &["--secret-file", &right]);
    let summary = both_succeed(&mut send, &mut recv);
    assert_eq!((field(&summary, "frames"), field(&summary, "invalid")), ("12", "0"));
    assert_eq!(count(&recv.out(), "320x240 jpeg ok"), 12);
}

#[test]
fn secret_is_taken_from_the_environment() {
    let (_dir, right, _) = secrets("auth-env");
    let (mut recv, port) = Proc::spawn_env_receiver(&[("CAMWIRE_SECRET", SECRET.trim_end())], &["--verify", "--once"]);
    let mut send = Proc::spawn(
        Command::new(bin("cam-send"))
            .args(["--to", &format!("127.0.0.1:{port}"), "--frames", "3"])
            .args(SMALL)
            .env("CAMWIRE_SECRET_FILE", &right),
    );
    both_succeed(&mut send, &mut recv);
    assert_eq!(count(&recv.out(), "320x240 jpeg ok"), 3);
}

#[test]
fn wrong_secret_is_refused_on_both_sides_and_the_next_sender_is_served() {
    let (_dir, right, wrong) = secrets("auth-wrong");
    let (recv, port) = receiver(&["--secret-file", &right, "--verify"]);
    let mut bad = send(port, 5, &["--secret-file", &wrong]);
    let status = bad.wait(20);
    assert_eq!(status.code(), Some(1), "{:?}", bad.err());
    let said = bad.wait_for("refused", 1);
    assert!(said.contains("wrong secret"), "{said}");
    assert!(said.contains("--secret-file must hold the same secret"), "{said}");
    let logged = recv.wait_for("wrong secret", 5);
    assert!(logged.contains("refused: wrong secret: the sender's --secret-file differs"), "{logged}");
    assert_eq!(count(&recv.out(), "jpeg ok"), 0, "no frame of the refused sender may arrive");
    // The receiver still serves a sender with the right secret.
    assert!(send(port, 4, &["--secret-file", &right]).wait(20).success());
    let summary = recv.wait_for("summary:", 10);
    assert_eq!((field(&summary, "frames"), field(&summary, "terminator")), ("4", "yes"));
    assert_eq!(count(&recv.out(), "summary:"), 1);
}

#[test]
fn classic_sender_without_secret_is_refused() {
    let (_dir, right, _) = secrets("auth-missing");
    let (recv, port) = receiver(&["--secret-file", &right, "--verify"]);
    // The picamera recipe writes frames without reading anything back.
    let _ = run(Command::new("python3").arg(peer("classic_client.py")).args([&port.to_string(), "5"]));
    let logged = recv.wait_for("did not answer the secret challenge", 10);
    assert!(logged.contains("start cam-send with --secret-file"), "{logged}");
    // The first byte of a length prefix means nothing to a person.
    assert!(logged.contains("it sent frames at once") && !logged.contains("it sent \""), "{logged}");
    assert_eq!(count(&recv.out(), "jpeg ok"), 0, "no frame of the classic sender may arrive");
    // A raw socket sees the challenge, then the refusal line, then the close.
    let mut sock = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    std::io::Write::write_all(&mut sock, &[4, 0, 0, 0, 0xFF, 0xD8, 0xFF, 0xD9]).unwrap();
    let mut reply = String::new();
    std::io::Read::read_to_string(&mut sock, &mut reply).unwrap();
    let lines: Vec<&str> = reply.lines().collect();
    assert_eq!(lines.len(), 2, "{reply:?}");
    assert!(lines[0].starts_with("CAMWIRE CHALLENGE hmac-sha256 ") && lines[0].len() == 30 + 64, "{reply:?}");
    assert_eq!(lines[1], "CAMWIRE REFUSED a secret is required (cam-send --secret-file)");
    // And the receiver still serves the right sender.
    assert!(send(port, 2, &["--secret-file", &right]).wait(20).success());
    assert_eq!(field(&recv.wait_for("summary:", 10), "frames"), "2");
}

#[test]
fn tls_with_the_right_pin_streams() {
    let (dir, right, _) = secrets("auth-tls");
    let tls_dir = dir.path("tls");
    let (mut recv, port) =
        receiver(&["--tls", "--tls-dir", tls_dir.to_str().unwrap(), "--secret-file", &right, "--verify", "--once"]);
    let pin = fingerprint(&recv);
    let mut send = send(port, 10, &["--tls-pin", &pin, "--secret-file", &right]);
    let summary = both_succeed(&mut send, &mut recv);
    assert_eq!((field(&summary, "frames"), field(&summary, "terminator")), ("10", "yes"));
    assert_eq!(count(&recv.out(), "320x240 jpeg ok"), 10);
}

#[test]
fn pinned_fingerprint_mismatch_is_refused_naming_both() {
    let dir = TempDir::new("auth-pin");
    let (recv, port) = receiver(&["--tls", "--tls-dir", dir.path("tls").to_str().unwrap(), "--verify"]);
    let real = fingerprint(&recv);
    let pin = format!("SHA256:{}", "ab".repeat(32));
    let mut bad = send(port, 5, &["--tls-pin", &pin]);
    assert_eq!(bad.wait(20).code(), Some(1), "{:?}", bad.err());
    let said = bad.wait_for("--tls-pin is", 1);
    assert!(said.contains(&format!("presented certificate {real}, but --tls-pin is {pin}")), "{said}");
    let logged = recv.wait_for("does not accept this receiver's certificate", 5);
    assert!(logged.contains(&real), "{logged}");
    assert_eq!(count(&recv.out(), "jpeg ok"), 0);
    // The pin as openssl prints it (colons, upper case) is the same pin.
    let openssl: Vec<String> =
        real.as_bytes()[7..].chunks(2).map(|c| String::from_utf8_lossy(c).to_uppercase()).collect();
    assert!(send(port, 3, &["--tls-pin", &openssl.join(":")]).wait(20).success());
    assert_eq!(field(&recv.wait_for("summary:", 10), "frames"), "3");
}

#[test]
fn plain_sender_on_a_tls_port_is_refused() {
    let dir = TempDir::new("auth-plain");
    let (recv, port) = receiver(&["--tls", "--tls-dir", dir.path("tls").to_str().unwrap(), "--verify"]);
    fingerprint(&recv);
    let _ = run(Command::new("python3").arg(peer("classic_client.py")).args([&port.to_string(), "3"]));
    let logged = recv.wait_for("to a TLS port", 10);
    assert!(logged.contains("start cam-send with --tls-pin"), "{logged}");
    assert_eq!(count(&recv.out(), "jpeg ok"), 0);
}

#[test]
fn certificate_is_kept_across_restarts_in_owner_only_files() {
    let dir = TempDir::new("auth-keep");
    let tls_dir = dir.path("state/camwire");
    let args = ["--tls", "--tls-dir", tls_dir.to_str().unwrap()];
    let (first, _) = receiver(&args);
    let made = fingerprint(&first);
    first.wait_for("made a new TLS certificate", 1);
    drop(first);
    let mode = |name: &str| std::fs::metadata(tls_dir.join(name)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("tls-key.pem"), 0o600);
    assert_eq!(mode("tls-cert.pem"), 0o600);
    assert_eq!(std::fs::metadata(&tls_dir).unwrap().permissions().mode() & 0o777, 0o700);
    let (again, _) = receiver(&args);
    assert_eq!(fingerprint(&again), made);
    assert_eq!(count(&again.err(), "made a new TLS certificate"), 0);
    // It is the certificate on disk: openssl computes the same fingerprint.
    need_tool("openssl", "openssl");
    let out = run(Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(tls_dir.join("tls-cert.pem")));
    let printed = String::from_utf8_lossy(&out.stdout).to_lowercase().replace(':', "");
    assert!(printed.trim_end().ends_with(&made[7..]), "{printed} vs {made}");
}

#[test]
fn tls_sender_killed_mid_stream_ends_like_a_plain_one() {
    let dir = TempDir::new("auth-kill");
    let (recv, port) = receiver(&["--tls", "--tls-dir", dir.path("tls").to_str().unwrap(), "--verify"]);
    let pin = fingerprint(&recv);
    let mut send = sender(port, &[&["--tls-pin", pin.as_str()], &SMALL[..]].concat());
    recv.wait_for("frame 5:", 20);
    send.signal("KILL");
    send.wait(5);
    let summary = recv.wait_for("summary:", 10);
    assert_eq!(field(&summary, "terminator"), "no");
    // Killed between two frames or inside one: either way the plain-TCP wording.
    let ended = recv.wait_for(" kept ", 5);
    assert!(ended.contains("closed without a terminator") || ended.contains("stream cut inside frame"), "{ended}");
    assert_eq!(count(&recv.err(), "close_notify"), 0, "{:?}", recv.err());
}

#[test]
fn python_sender_written_from_protocol_md_is_accepted() {
    let (_dir, right, wrong) = secrets("auth-python");
    let (mut recv, port) = receiver(&["--secret-file", &right, "--verify"]);
    let script = peer("secret_client.py");
    let refused = run(Command::new("python3").arg(&script).args([&port.to_string(), "3", wrong.as_str()]));
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&refused.stdout).trim(), "CAMWIRE REFUSED wrong secret");
    let out = run(Command::new("python3").arg(&script).args([&port.to_string(), "7", right.as_str()]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "CAMWIRE OK");
    let summary = recv.wait_for("summary:", 10);
    assert_eq!(
        (field(&summary, "frames"), field(&summary, "invalid"), field(&summary, "terminator")),
        ("7", "0", "yes")
    );
    recv.signal("TERM");
    assert!(recv.wait(10).success());
}

#[test]
fn restarted_receiver_keeps_its_pin_and_a_retry_sender_comes_back_over_tls() {
    let (dir, right, _) = secrets("auth-restart");
    let tls_dir = dir.path("tls");
    let args = ["--tls", "--tls-dir", tls_dir.to_str().unwrap(), "--secret-file", right.as_str()];
    let (first, port) = receiver(&args);
    let pin = fingerprint(&first);
    let mut send =
        sender(port, &[&["--retry", "--tls-pin", pin.as_str(), "--secret-file", &right], &SMALL[..]].concat());
    first.wait_for("stream 1 from", 10);
    first.signal("KILL");
    drop(first);
    send.wait_for("reconnecting", 10);
    // Same directory, same certificate: the pinned sender is let in again.
    let mut second = receiver_on(port, &[&args[..], &["--verify", "--once"]].concat());
    assert_eq!(fingerprint(&second), pin);
    second.wait_for_count("320x240 jpeg ok", 5, 10);
    send.signal("TERM");
    assert!(send.wait(10).success(), "{:?}", send.err());
    assert!(second.wait(10).success(), "{:?}", second.err());
    assert_eq!(field(&second.wait_for("summary:", 1), "terminator"), "yes");
}

#[test]
fn cam_send_without_the_secret_is_told_why_and_exits_1() {
    let (_dir, right, _) = secrets("auth-nosecret");
    let (recv, port) = receiver(&["--secret-file", &right, "--verify"]);
    // The test pattern's first frame header starts with 0A, a newline byte.
    let mut plain = send(port, 30, &[]);
    assert_eq!(plain.wait(20).code(), Some(1), "{:?}", plain.err());
    let said = plain.wait_for("refused", 1);
    assert!(said.contains("a secret is required"), "{said}");
    let logged = recv.wait_for("did not answer the secret challenge", 5);
    assert!(logged.contains("start cam-send with --secret-file"), "{logged}");
    assert_eq!(count(&recv.out(), "jpeg ok"), 0);
}
