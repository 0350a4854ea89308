//! What a new user meets with `cam-send`, each with the real binaries: values
//! checked at start in one line (exit 2), warnings that say what to change,
//! signals heard while waiting, counts that tell the truth, and a handshake
//! mismatch named as one.

mod common;

use std::{
    net::TcpListener,
    os::unix::fs::PermissionsExt,
    process::{Command, Stdio},
};

use common::*;

const SMALL: [&str; 4] = ["--width", "160", "--height", "120"];

/// A listener nobody should connect to; `assert_untouched` checks nobody did.
struct Untouched(TcpListener);

impl Untouched {
    fn new() -> Self {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        Untouched(l)
    }

    fn to(&self) -> String {
        self.0.local_addr().unwrap().to_string()
    }

    fn assert_untouched(&self) {
        assert!(self.0.accept().is_err(), "cam-send connected although it should have stopped before that");
    }
}

/// `cam-send ARGS` run to the end with an empty stdin: (exit code, stderr).
fn cam_send(args: &[&str]) -> (Option<i32>, String) {
    let out = run(Command::new(bin("cam-send")).args(args).stdin(Stdio::null()));
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Whether process `pid` has installed handlers for SIGINT and SIGTERM
/// (`SigCgt` in /proc): from then on a signal is heard, not fatal.
fn catches_int_and_term(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let mask = status.lines().find_map(|l| l.strip_prefix("SigCgt:")).map(|m| m.trim().to_string());
    let mask = mask.and_then(|m| u64::from_str_radix(&m, 16).ok()).unwrap_or(0);
    let bit = |sig: u32| mask & (1 << (sig - 1)) != 0;
    bit(2) && bit(15)
}

/// The `sent:` line of a finished cam-send.
fn sent_line(send: &Proc) -> String {
    send.out().into_iter().find(|l| l.starts_with("sent:")).unwrap_or_else(|| panic!("no sent: line: {:?}", send.err()))
}

#[test]
fn h264_settings_openh264_cannot_take_are_refused_before_connecting() {
    let nobody = Untouched::new();
    let to = nobody.to();
    let cases: &[(&[&str], &str)] = &[
        (&["--bitrate", "1"], "--bitrate 1 is too low"),
        (&["--bitrate", "2147483647"], "--bitrate 2147483647 is more than H.264"),
        (&["--fps", "20000"], "--fps 20000 is more than H.264"),
        (&["--width", "2", "--height", "2"], "--width 2 --height 2 is smaller than H.264"),
        (&["--width", "3840", "--height", "4"], "--width 3840 --height 4 is smaller than H.264"),
    ];
    for (args, needle) in cases {
        let args = [&["--to", &to, "--source", "test", "--codec", "h264", "--frames", "1"][..], args].concat();
        let (code, err) = cam_send(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one line, no [OpenH264] lines or backtrace hint: {args:?}: {err}");
        assert!(err.starts_with("cam-send: ") && err.contains(needle), "{args:?}: {err}");
    }
    nobody.assert_untouched();
}

#[test]
fn max_frame_too_small_for_a_picture_is_refused_at_start_and_an_oversized_frame_never_suggests_retry() {
    let nobody = Untouched::new();
    for value in ["0", "1000"] {
        let (code, err) = cam_send(&["--to", &nobody.to(), "--max-frame", value]);
        assert_eq!(code, Some(2), "--max-frame {value}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("use at least 65536"), "--max-frame {value}: {err}");
    }
    nobody.assert_untouched();
    // A frame over the limit at run time: no retry can send it.
    let (_recv, port) = receiver(&[]);
    let args = ["--max-frame", "65536", "--width", "1920", "--height", "1080", "--quality", "100", "--frames", "3"];
    let mut send = sender(port, &args);
    assert_eq!(send.wait(30).code(), Some(1), "{:?}", send.err());
    let err = send.err().join("\n");
    assert!(err.contains("over --max-frame 65536: raise --max-frame"), "{err}");
    assert!(!err.contains("--retry"), "retrying cannot send a frame that is too large: {err}");
}

#[test]
fn picture_size_options_are_refused_for_stdin() {
    let nobody = Untouched::new();
    let (code, err) = cam_send(&["--to", &nobody.to(), "--source", "stdin", "--width", "1280", "--height", "720"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("files: and stdin are sent as they are"), "{err}");
    nobody.assert_untouched();
}

#[test]
fn pictures_larger_than_cam_recvs_default_max_pixels_are_warned_about_at_start() {
    let (code, err) = cam_send(&["--to", &format!("127.0.0.1:{}", free_port()), "--width", "6000", "--height", "4000"]);
    assert_eq!(code, Some(1), "nothing listens there: {err}");
    let warning = err.lines().find(|l| l.contains("WARN")).unwrap_or_else(|| panic!("no warning: {err}"));
    assert!(warning.contains("6000x4000 is 24.0 megapixels, over cam-recv's default --max-pixels 16777216"), "{err}");
    assert!(warning.contains("start cam-recv with --max-pixels 24000000"), "{err}");
    let (_, err) = cam_send(&["--to", &format!("127.0.0.1:{}", free_port()), "--width", "4096", "--height", "4096"]);
    assert!(!err.contains("--max-pixels"), "16 MP is within cam-recv's default: {err}");
}

#[test]
fn annotate_text_outside_latin_1_is_warned_about() {
    let to = format!("127.0.0.1:{}", free_port());
    let (_, err) = cam_send(&["--to", &to, "--annotate", "héllo ☃ 日本 ☃"]);
    let warning = err.lines().find(|l| l.contains("WARN")).unwrap_or_else(|| panic!("no warning: {err}"));
    assert!(warning.contains("'☃', '日' and '本' are not in the font's character set (ISO 8859-1"), "{warning}");
    let (_, err) = cam_send(&["--to", &to, "--annotate", "héllo °C ±1"]);
    assert!(!err.contains("WARN"), "Latin-1 is drawn: {err}");
}

#[test]
fn counts_of_zero_and_camera_controls_are_plain_words() {
    let nobody = Untouched::new();
    for (option, value) in [("--frames", "0"), ("--keyframe-interval", "0"), ("--bitrate", "0")] {
        let (code, err) = cam_send(&["--to", &nobody.to(), "--codec", "h264", option, value]);
        assert_eq!(code, Some(2), "{option} {value}: {err}");
        assert!(err.contains("use a whole number of 1 or more"), "{option} {value}: {err}");
        assert!(!err.contains("is not in 1.."), "{option} {value}: {err}");
    }
    let (code, err) = cam_send(&["--to", &nobody.to(), "--source", "test", "--shutter", "10ms"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--shutter sets the camera: it applies to --source libcamera only")
            || err.contains("--shutter sets a camera, but this cam-send was built without camera support"),
        "{err}"
    );
    nobody.assert_untouched();
}

#[test]
fn sigterm_and_sigint_end_a_cam_send_waiting_on_an_empty_stdin() {
    let nobody = Untouched::new();
    for sig in ["TERM", "INT"] {
        // A pipe that stays open and holds nothing: `sleep 20 | cam-send`.
        let mut cmd = Command::new(bin("cam-send"));
        cmd.args(["--to", &nobody.to(), "--source", "stdin"]).stdin(Stdio::piped());
        let mut send = Proc::spawn(&mut cmd);
        let _writer = send.child.stdin.take();
        wait_until("cam-send listens for signals", 10, || catches_int_and_term(send.pid()));
        send.signal(sig);
        assert_eq!(send.wait(10).code(), Some(1), "SIG{sig}: {:?}", send.err());
        send.wait_for("interrupted while waiting for standard input: nothing was sent", 1);
    }
    nobody.assert_untouched();
}

#[test]
fn ctrl_c_during_the_secret_handshake_is_heard_at_once() {
    // A receiver that accepts and says nothing, as a plain cam-recv does.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = TempDir::new("send-int");
    let secret = dir.path("secret");
    std::fs::write(&secret, "a secret of more than sixteen bytes").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let to = silent.local_addr().unwrap().to_string();
    let mut send =
        Proc::spawn(Command::new(bin("cam-send")).args(["--to", &to, "--secret-file", secret.to_str().unwrap()]));
    let _conn = silent.accept().unwrap();
    wait_until("cam-send listens for signals", 10, || catches_int_and_term(send.pid()));
    send.signal("INT");
    assert_eq!(send.wait(10).code(), Some(1), "{:?}", send.err());
    let err = send.err().join("\n");
    assert!(err.contains("stopped before a receiver was reached"), "the interrupt is named: {err}");
    assert!(!err.contains("challenge"), "it did not wait for the challenge: {err}");
}

#[test]
fn secret_or_tls_towards_a_plain_receiver_is_named_before_it_hangs_up() {
    let (recv, port) = receiver(&[]);
    let dir = TempDir::new("send-plain");
    let secret = dir.path("secret");
    std::fs::write(&secret, "a secret of more than sixteen bytes").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let pin = format!("SHA256:{}", "ab".repeat(32));
    let mut with_secret = sender(port, &["--secret-file", secret.to_str().unwrap()]);
    let mut with_pin = sender(port, &["--tls-pin", &pin]);
    assert_eq!(with_secret.wait(20).code(), Some(1), "{:?}", with_secret.err());
    assert_eq!(with_pin.wait(20).code(), Some(1), "{:?}", with_pin.err());
    let err = with_secret.err().join("\n");
    assert!(err.contains("sent no secret challenge within 3 s: it does not ask for one"), "{err}");
    let err = with_pin.err().join("\n");
    assert!(err.contains("no TLS answer within 3 s: is cam-recv started with --tls?"), "{err}");
    drop(recv);
}

#[test]
fn a_refused_retrying_sender_counts_no_frame_and_no_reconnect_and_exits_1() {
    let dir = TempDir::new("send-refused");
    let secret = dir.path("secret");
    std::fs::write(&secret, "a secret of more than sixteen bytes").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (recv, port) = receiver(&["--secret-file", secret.to_str().unwrap()]);
    let mut send = sender(port, &[&["--retry"][..], &SMALL].concat());
    send.wait_for_count("refused the stream (a secret is required", 2, 20);
    send.signal("INT");
    assert_eq!(send.wait(10).code(), Some(1), "{:?}", send.err());
    let sent = sent_line(&send);
    assert_eq!((field(&sent, "frames"), field(&sent, "reconnects")), ("0", "0"), "{sent}");
    assert_eq!(count(&send.err(), "reconnected"), 0, "{:?}", send.err());
    assert_eq!(count(&send.err(), "ended cleanly"), 0, "no stream to end: {:?}", send.err());
    send.wait_for("nothing was sent", 1);
    drop(recv);
    // Nothing listening at all, then Ctrl-C: nothing was sent either.
    let mut send = sender(free_port(), &["--retry"]);
    send.wait_for("not reachable", 10);
    send.signal("INT");
    assert_eq!(send.wait(10).code(), Some(1), "{:?}", send.err());
    send.wait_for("nothing was sent", 1);
}

#[test]
fn fps_times_secs_is_the_number_of_frames() {
    for (fps, secs, frames) in [("10", "2", "20"), ("50", "1", "50"), ("25", "0.6", "15")] {
        let (mut recv, port) = receiver(&["--once"]);
        let mut send = sender(port, &[&["--fps", fps, "--secs", secs][..], &SMALL].concat());
        let summary = both_succeed(&mut send, &mut recv);
        assert_eq!(field(&summary, "frames"), frames, "--fps {fps} --secs {secs}: {summary}");
        assert_eq!(field(&sent_line(&send), "frames"), frames, "--fps {fps} --secs {secs}");
    }
}
