//! `cam-send` against the real `cam-recv` and a Python receiver written the
//! classic recipe's way, on loopback: its sources (the test pattern, the noisy
//! test picture, stdin, files), connecting and retrying, and ending a stream on a signal.

use std::{
    net::TcpListener,
    process::{Command, Stdio},
};

use camwire_testsupport::*;

#[test]
fn test_pattern_pictures_move() {
    let dir = TempDir::new("move");
    let dir_arg = dir.0.to_str().unwrap();
    let (mut recv, port) = receiver(&["--once", "--save-dir", dir_arg]);
    // Unstamped, so that equal pictures would be equal files.
    let args = ["--frames", "5", "--width", "320", "--height", "240", "--no-stamp"];
    assert!(sender(port, &args).wait(20).success());
    assert!(recv.wait(20).success());
    let files: Vec<Vec<u8>> = (1..=5).map(|n| std::fs::read(dir.path(&format!("frame-{n:06}.jpg"))).unwrap()).collect();
    for pair in files.windows(2) {
        assert_ne!(pair[0], pair[1], "consecutive test-pattern frames are identical");
        // Below the frame number (top left, 42 rows at this size): the bars and the box must move.
        let (a, b) = (Rgb::from_jpeg(&pair[0]), Rgb::from_jpeg(&pair[1]));
        let moved = moved_pixels(&a, &b, 60);
        let area = 320 * (240 - 60);
        assert!(moved * 50 > area, "only {moved} of {area} pixels below the counter changed between frames");
    }
}

#[test]
fn noise_source_streams_valid_h264_that_costs_far_more_than_the_test_pattern() {
    // A bit rate the test pattern cannot use up, so what each source costs shows.
    let bytes_per_frame = |source: &str| {
        let (mut recv, port) = receiver(&["--verify", "--once"]);
        let args = ["--source", source, "--codec", "h264", "--bitrate", "1000000", "--width", "320", "--height", "240"];
        let mut send = sender(port, &[&args[..], &["--frames", "30", "--max-latency", "0"]].concat());
        let summary = both_succeed(&mut send, &mut recv);
        assert_eq!(count(&recv.out(), "320x240 h264 ok"), 30, "{source}: {:?}", recv.out());
        assert_eq!(field(&summary, "invalid"), "0", "{source}: {summary}");
        field(&summary, "bytes").parse::<f64>().unwrap() / 30.0
    };
    let (noise, pattern) = (bytes_per_frame("test:noise"), bytes_per_frame("test"));
    assert!(
        noise > 3.0 * pattern,
        "test:noise {noise:.0} bytes a frame, test {pattern:.0}: noise should cost far more"
    );
}

/// Pixels at row `from_row` and below that differ by more than 40 levels in some channel.
fn moved_pixels(a: &Rgb, b: &Rgb, from_row: usize) -> usize {
    assert_eq!((a.width, a.height), (b.width, b.height));
    let start = from_row * a.width * 3;
    let near = |p: &[u8], q: &[u8]| (0..3).all(|c| p[c].abs_diff(q[c]) <= 40);
    a.data[start..].chunks_exact(3).zip(b.data[start..].chunks_exact(3)).filter(|(p, q)| !near(p, q)).count()
}

#[test]
fn retry_sender_started_before_the_receiver_streams_once_it_appears() {
    let port = free_port();
    let mut send = sender(port, &["--retry", "--frames", "30"]);
    // Started late: after the sender's third attempt.
    send.wait_for_count("not reachable", 3, 10);
    let mut recv = receiver_on(port, &["--verify", "--once"]);
    assert!(recv.wait(30).success(), "{:?}", recv.err());
    assert!(send.wait(30).success(), "{:?}", send.err());
    assert_eq!(count(&recv.out(), "jpeg ok"), 30);
}

#[test]
fn refused_connection_without_retry_is_one_line_and_exit_1() {
    let port = free_port();
    let mut send = sender(port, &["--frames", "3"]);
    assert_eq!(send.wait(10).code(), Some(1));
    // The start line says what would have been sent; the failure is one more line.
    let err: Vec<String> = send.err().into_iter().filter(|l| !l.contains("INFO sending test pattern")).collect();
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(err[0].contains("cannot connect") && err[0].contains("--retry"), "{err:?}");
}

#[test]
fn sigterm_and_ctrl_c_end_the_stream_with_the_terminator() {
    for sig in ["TERM", "INT"] {
        let (mut recv, port) = receiver(&["--verify", "--once"]);
        let mut send = sender(port, &[]);
        recv.wait_for("jpeg ok", 10);
        send.signal(sig);
        assert!(send.wait(10).success(), "SIG{sig}: {:?}", send.err());
        assert!(recv.wait(10).success(), "SIG{sig}: {:?}", recv.out());
        assert_eq!(field(&recv.wait_for("summary:", 1), "terminator"), "yes");
    }
}

#[test]
fn cam_send_is_understood_by_the_classic_python_receiver() {
    let mut py = Proc::spawn(Command::new("python3").arg(peer("classic_server.py")).arg("0"));
    let port = printed_port(&py.wait_for("listening on", 10), "listening on ");
    assert!(sender(port, &["--frames", "30", "--fps", "60"]).wait(20).success());
    assert!(py.wait(20).success(), "{:?} {:?}", py.out(), py.err());
    assert_eq!(count(&py.out(), "640x480 JPEG ok"), 30);
    assert!(py.out().last().unwrap().contains("terminator=yes"));
}

#[test]
fn stdin_mjpeg_source_sends_every_frame() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let mut ffmpeg = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25",
            "-frames:v",
            "40",
            "-f",
            "mjpeg",
            "-",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("ffmpeg (scripts/test installs it)");
    let mut send = Proc::spawn(
        Command::new(bin("cam-send"))
            .args(["--to", &format!("127.0.0.1:{port}"), "--source", "stdin"])
            .stdin(ffmpeg.stdout.take().unwrap()),
    );
    assert!(send.wait(20).success(), "{:?}", send.err());
    assert!(ffmpeg.wait().unwrap().success());
    assert!(recv.wait(20).success());
    assert_eq!(count(&recv.out(), "320x240 jpeg ok"), 40);
}

#[test]
fn files_source_loops_at_full_speed() {
    let dir = TempDir::new("files");
    for (i, jpeg) in [jpeg_sized(320, 240), jpeg_sized(64, 48)].iter().enumerate() {
        std::fs::write(dir.path(&format!("shot{i}.jpg")), jpeg).unwrap();
    }
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let glob = format!("files:{}/*.jpg", dir.0.display());
    assert!(sender(port, &["--source", &glob, "--loop", "--fps", "0", "--frames", "100"]).wait(20).success());
    assert!(recv.wait(20).success());
    assert_eq!(count(&recv.out(), "jpeg ok"), 100);
    assert_eq!(count(&recv.out(), "64x48 jpeg ok"), 50);
}

#[test]
fn bad_arguments_are_one_line_errors_with_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["--to", "nowhere"], "HOST:PORT"),
        (&["--to", "h:1", "--source", "camera9"], "not a source"),
        (&["--to", "h:1", "--source", "test:nois"], "test, test:noise, files:GLOB"),
        (&["--to", "h:1", "--width", "641"], "even"),
        (&["--to", "h:1", "--source", "files:/nonexistent/*.jpg"], "no files match"),
    ];
    for (args, needle) in cases {
        let (_, err) = one_line_error("cam-send", args);
        assert!(err.contains(needle), "cam-send {args:?}: {err}");
    }
}

#[test]
fn sigterm_and_sigint_end_a_cam_send_waiting_on_an_empty_stdin() {
    let nobody = TcpListener::bind("127.0.0.1:0").unwrap();
    for sig in ["TERM", "INT"] {
        // A pipe that stays open and holds nothing: `sleep 20 | cam-send`.
        let mut cmd = Command::new(bin("cam-send"));
        cmd.args(["--to", &nobody.local_addr().unwrap().to_string(), "--source", "stdin"]).stdin(Stdio::piped());
        let mut send = Proc::spawn(&mut cmd);
        let _writer = send.child.stdin.take();
        send.wait_for_signal_handlers(10);
        send.signal(sig);
        assert_eq!(send.wait(10).code(), Some(1), "SIG{sig}: {:?}", send.err());
        send.wait_for("interrupted while waiting for standard input: nothing was sent", 1);
    }
    nobody.set_nonblocking(true).unwrap();
    assert!(nobody.accept().is_err(), "nothing was sent, so nothing connected");
}

#[test]
fn fps_times_secs_is_the_number_of_frames() {
    for (fps, secs, frames) in [("10", "2", "20"), ("50", "1", "50"), ("25", "0.6", "15")] {
        let (mut recv, port) = receiver(&["--once"]);
        // Every frame, even when a loaded machine is slow to take one (live mode would drop it).
        let args = ["--fps", fps, "--secs", secs, "--max-latency", "0", "--width", "160", "--height", "120"];
        let mut send = sender(port, &args);
        let summary = both_succeed(&mut send, &mut recv);
        assert_eq!(field(&summary, "frames"), frames, "--fps {fps} --secs {secs}: {summary}");
        assert_eq!(field(&sent_summary(&send), "frames"), frames, "--fps {fps} --secs {secs}");
    }
}
