//! The working pair on loopback: the real `cam-send` and `cam-recv`
//! binaries, and Python peers written the classic recipe's way.

mod common;

use std::{
    io::Write,
    net::TcpStream,
    process::{Command, Stdio},
};

use common::*;

#[test]
fn test_pattern_end_to_end_verifies_every_frame() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let mut send = sender(port, &["--source", "test", "--frames", "45", "--fps", "60"]);
    both_succeed(&mut send, &mut recv);
    let out = recv.out();
    assert_eq!(count(&out, ": 640x480 jpeg ok"), 45, "{out:?}");
    for n in 1..=45 {
        let line = &out[n - 1];
        assert!(line.starts_with(&format!("frame {n}: 640x480 jpeg ok latency=")), "frame {n}: {line}");
        let ms: f64 = line.rsplit('=').next().unwrap().parse().unwrap();
        assert!((0.0..1000.0).contains(&ms), "capture-to-arrival latency on loopback: {line}");
    }
    let summary = out.iter().find(|l| l.starts_with("summary:")).expect("summary line");
    let (p50, p99): (f64, f64) =
        (field(summary, "latency_p50_ms").parse().unwrap(), field(summary, "latency_p99_ms").parse().unwrap());
    assert!(0.0 <= p50 && p50 <= p99, "{summary}");
    assert_eq!(field(summary, "frames"), "45");
    assert_eq!(field(summary, "invalid"), "0");
    assert_eq!(field(summary, "terminator"), "yes");
    let sent = sent_summary(&send);
    assert_eq!(field(&sent, "frames"), "45");
    assert_eq!(field(&sent, "bytes"), field(summary, "bytes"), "every byte sent arrived");
}

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

/// Pixels at row `from_row` and below that differ by more than 40 levels in some channel.
fn moved_pixels(a: &Rgb, b: &Rgb, from_row: usize) -> usize {
    assert_eq!((a.width, a.height), (b.width, b.height));
    let start = from_row * a.width * 3;
    let near = |p: &[u8], q: &[u8]| (0..3).all(|c| p[c].abs_diff(q[c]) <= 40);
    a.data[start..].chunks_exact(3).zip(b.data[start..].chunks_exact(3)).filter(|(p, q)| !near(p, q)).count()
}

#[test]
fn once_exits_1_when_the_stream_has_no_terminator() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let out =
        run(Command::new("python3").arg(peer("classic_client.py")).args([&port.to_string(), "5", "--no-terminator"]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(recv.wait(20).code(), Some(1));
    let summary = recv.wait_for("summary:", 1);
    assert_eq!(field(&summary, "frames"), "5");
    assert_eq!(field(&summary, "terminator"), "no");
}

#[test]
fn once_exits_1_when_a_frame_does_not_decode() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    // A JPEG cut in half, framed correctly, then the terminator.
    let good = test_jpeg();
    let half = &good[..good.len() / 2];
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    for payload in [&good[..], half, &good[..]] {
        s.write_all(&(payload.len() as u32).to_le_bytes()).unwrap();
        s.write_all(payload).unwrap();
    }
    s.write_all(&[0; 4]).unwrap();
    drop(s);
    assert_eq!(recv.wait(20).code(), Some(1));
    let out = recv.out();
    assert!(out[0].ends_with("jpeg ok"), "{out:?}");
    assert!(out[1].starts_with("frame 2: invalid ("), "a half JPEG must fail a real decode: {out:?}");
    assert!(out[2].ends_with("jpeg ok"), "{out:?}");
    let summary = recv.wait_for("summary:", 1);
    assert_eq!((field(&summary, "frames"), field(&summary, "invalid")), ("3", "1"));
}

#[test]
fn twenty_start_stop_cycles_against_one_receiver() {
    let (recv, port) = receiver(&["--verify"]);
    for i in 1..=20 {
        let mut send = sender(port, &["--frames", "3", "--fps", "100", "--width", "160", "--height", "120"]);
        assert!(send.wait(20).success(), "cycle {i}: {:?}", send.err());
        recv.wait_for_count("summary:", i, 10);
    }
    let out = recv.out();
    let summaries: Vec<&String> = out.iter().filter(|l| l.starts_with("summary:")).collect();
    assert_eq!(summaries.len(), 20);
    for s in summaries {
        assert_eq!((field(s, "frames"), field(s, "invalid"), field(s, "terminator")), ("3", "0", "yes"), "{s}");
    }
    assert_eq!(count(&out, "160x120 jpeg ok"), 60);
}

#[test]
fn hostile_length_prefix_is_refused_without_allocating_then_a_good_session_is_served() {
    let (recv, port) = receiver(&["--verify"]);
    let rss_before = recv.peak_rss_kib();
    for header in [[0xFF, 0xFF, 0xFF, 0xFF], [0x00, 0x00, 0x00, 0xF0]] {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(&header).unwrap();
        s.write_all(&[0xAB; 1000]).unwrap();
    }
    recv.wait_for_count("exceeds the limit", 2, 10);
    let line = recv.wait_for("4294967295", 5);
    assert!(line.contains("16777216"), "the error names both numbers: {line}");
    assert!(sender(port, &["--frames", "5", "--fps", "60"]).wait(20).success());
    let summary = recv.wait_for("summary:", 10);
    assert_eq!((field(&summary, "frames"), field(&summary, "terminator")), ("5", "yes"));
    let growth = recv.peak_rss_kib().saturating_sub(rss_before);
    assert!(growth < 64 * 1024, "peak RSS grew by {growth} KiB after a 4 GiB length prefix");
}

#[test]
fn garbage_payload_is_reported_and_the_next_sender_is_served() {
    let (recv, port) = receiver(&[]);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(&100u32.to_le_bytes()).unwrap();
    s.write_all(&[0x47; 100]).unwrap();
    drop(s);
    recv.wait_for("neither JPEG nor H.264", 10);
    assert!(sender(port, &["--frames", "3", "--fps", "60"]).wait(20).success());
    recv.wait_for("terminator=yes", 10);
}

#[test]
fn sender_killed_mid_frame_leaves_a_playable_recording() {
    let dir = TempDir::new("record");
    let file = dir.path("out.mjpeg");
    let (recv, port) = receiver(&["--record", file.to_str().unwrap()]);
    let out = run(Command::new("python3").arg(peer("classic_client.py")).args([&port.to_string(), "11", "--cut-last"]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let warn = recv.wait_for("stream cut inside frame 11", 10);
    assert!(warn.contains("kept the 10 whole frames"), "{warn}");
    let summary = recv.wait_for("summary:", 5);
    assert_eq!((field(&summary, "frames"), field(&summary, "terminator")), ("10", "no"));
    // The receiver is still serving, and the file plays without a single decode error.
    assert!(sender(port, &["--frames", "2", "--fps", "60", "--width", "320", "--height", "240"]).wait(20).success());
    recv.wait_for("terminator=yes", 10);
    let probe =
        run(Command::new("ffmpeg").args(["-v", "error", "-f", "mjpeg", "-i"]).arg(&file).args(["-f", "null", "-"]));
    assert!(probe.status.success(), "ffmpeg failed: {}", String::from_utf8_lossy(&probe.stderr));
    assert!(probe.stderr.is_empty(), "ffmpeg reported errors: {}", String::from_utf8_lossy(&probe.stderr));
    assert_eq!(ffprobe_frames(&file, "mjpeg"), 12);
}

#[test]
fn cam_send_killed_with_sigkill_mid_stream_keeps_the_recording_playable() {
    let dir = TempDir::new("kill9");
    let file = dir.path("out.mjpeg");
    let (recv, port) = receiver(&["--record", file.to_str().unwrap()]);
    let send = sender(port, &["--width", "1280", "--height", "720", "--fps", "60"]);
    recv.wait_for("stream 1 from", 10);
    // Killed mid-stream, once more than 5 whole frames are in the recording.
    wait_until("6 frames in the recording", 10, || {
        let data = std::fs::read(&file).unwrap_or_default();
        camwire_wire::MjpegSplitter::split_all(&data).map_or(0, |frames| frames.len()) >= 6
    });
    send.signal("KILL");
    let summary = recv.wait_for("summary:", 10);
    assert_eq!(field(&summary, "terminator"), "no");
    let frames: u64 = field(&summary, "frames").parse().unwrap();
    assert!(frames > 5, "{summary}");
    let probe =
        run(Command::new("ffmpeg").args(["-v", "error", "-f", "mjpeg", "-i"]).arg(&file).args(["-f", "null", "-"]));
    assert!(probe.status.success() && probe.stderr.is_empty(), "{}", String::from_utf8_lossy(&probe.stderr));
    assert_eq!(ffprobe_frames(&file, "mjpeg"), frames);
}

#[test]
fn silent_sender_is_dropped_after_the_idle_timeout() {
    let (recv, port) = receiver(&["--idle-timeout", "1"]);
    // One whole frame, then half a header, then silence.
    let jpeg = test_jpeg();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(&(jpeg.len() as u32).to_le_bytes()).unwrap();
    s.write_all(&jpeg).unwrap();
    s.write_all(&[1, 2]).unwrap();
    recv.wait_for("nothing received for 1 s", 10);
    let summary = recv.wait_for("summary:", 5);
    assert_eq!(field(&summary, "frames"), "1");
    assert!(sender(port, &["--frames", "2", "--fps", "60"]).wait(20).success());
    recv.wait_for("terminator=yes", 10);
    drop(s);
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
fn classic_python_sender_is_understood_by_cam_recv() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let out = run(Command::new("python3").arg(peer("classic_client.py")).args([&port.to_string(), "25"]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(recv.wait(20).success(), "{:?}", recv.err());
    assert_eq!(count(&recv.out(), "320x240 jpeg ok"), 25);
}

#[test]
fn raw_mjpeg_from_ffmpeg_is_recognised_and_split() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let out = run(Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-frames:v", "20", "-f", "mjpeg"])
        .arg(format!("tcp://127.0.0.1:{port}")));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(recv.wait(20).success(), "{:?} {:?}", recv.out(), recv.err());
    assert_eq!(count(&recv.out(), "320x240 jpeg ok"), 20);
    let summary = recv.wait_for("summary:", 1);
    assert!(summary.ends_with("terminator=no raw=yes"), "{summary}");
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
    for (i, jpeg) in [test_jpeg(), test_jpeg_sized(64, 48)].iter().enumerate() {
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
fn pipe_feeds_ffmpeg_every_frame() {
    let (decoded, recv, _send) = pipe_into_ffmpeg("mjpeg", &["--frames", "30", "--fps", "60"]);
    assert_eq!(decoded, 30, "ffmpeg decoded every frame");
    let foreign = player_lines(&recv);
    assert!(foreign.is_empty(), "ffmpeg complained: {foreign:?}");
}

#[test]
fn pipe_mplayer_decodes_every_frame_headless() {
    let (decoded, recv) = pipe_into_mplayer(&["--frames", "30", "--fps", "30"]);
    let started = recv.wait_for("--pipe: starting mplayer", 1);
    assert!(started.contains("format=mjpeg"), "{started}");
    assert_eq!(decoded, 30, "mplayer decoded every frame");
}

#[test]
fn player_that_exits_ends_only_its_sink() {
    let (recv, port) = receiver(&["--verify", "--pipe", "head -c 1000 > /dev/null"]);
    assert!(sender(port, &["--frames", "30", "--fps", "60"]).wait(20).success());
    recv.wait_for("stopped reading", 10);
    let summary = recv.wait_for("summary:", 10);
    assert_eq!(field(&summary, "frames"), "30");
    assert!(sender(port, &["--frames", "3", "--fps", "60"]).wait(20).success());
    recv.wait_for_count("terminator=yes", 2, 10);
}

#[test]
fn bad_arguments_are_one_line_errors_with_exit_2() {
    let cases: &[(&str, &[&str], &str)] = &[
        ("cam-send", &["--to", "nowhere"], "HOST:PORT"),
        ("cam-send", &["--to", "h:1", "--source", "camera9"], "not a source"),
        ("cam-send", &["--to", "h:1", "--width", "641"], "even"),
        ("cam-send", &["--to", "h:1", "--source", "files:/nonexistent/*.jpg"], "no files match"),
        ("cam-recv", &["--listen", "nonsense"], "ADDR:PORT"),
        ("cam-recv", &["--record", "out.avi"], ".mjpeg"),
    ];
    for (name, args, needle) in cases {
        let out = run(Command::new(bin(name)).args(*args));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} {args:?} succeeded");
        assert_eq!(err.trim().lines().count(), 1, "{name} {args:?}: {err}");
        assert!(err.contains(needle), "{name} {args:?}: {err}");
    }
}

/// A small valid JPEG made by cam-send's own test pattern (via the receiver's save-dir).
fn test_jpeg() -> Vec<u8> {
    test_jpeg_sized(320, 240)
}

fn test_jpeg_sized(w: u32, h: u32) -> Vec<u8> {
    let out = run(Command::new("python3").arg("-c").arg(format!(
        "import io,sys; from PIL import Image, ImageDraw; im=Image.new('RGB',({w},{h}),(30,60,90)); \
         ImageDraw.Draw(im).rectangle([4,4,{w}//2,{h}//2],fill=(200,40,40)); b=io.BytesIO(); \
         im.save(b,'JPEG',quality=85); sys.stdout.buffer.write(b.getvalue())"
    )));
    assert!(out.status.success(), "Pillow is needed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}
