//! The working pair on loopback, seen from `cam-recv`: the real `cam-send`
//! and `cam-recv` binaries, Python peers written the classic recipe's way and
//! ffmpeg; what the receiver verifies, keeps, drops and pipes. What `cam-send`
//! itself does is tested in crates/sender/tests.

use std::{io::Write, net::TcpStream, process::Command};

use camwire_testsupport::{proxy::Proxy, *};

#[test]
fn test_pattern_end_to_end_verifies_every_frame() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let mut send = sender(port, &["--source", "test", "--frames", "45", "--fps", "60"]);
    both_succeed(&mut send, &mut recv);
    let out = recv.out();
    assert_eq!(count(&out, ": 640x480 jpeg ok"), 45, "{out:?}");
    for n in 1..=45 {
        let line = &out[n - 1];
        assert!(
            line.starts_with(&format!("frame {n}: 640x480 jpeg ok camera=127-0-0-1 latency=")),
            "frame {n}: {line}"
        );
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
    let good = jpeg_sized(320, 240);
    let half = &good[..good.len() / 2];
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    for payload in [&good[..], half, &good[..]] {
        s.write_all(&framed(payload)).unwrap();
    }
    s.write_all(&[0; 4]).unwrap();
    drop(s);
    assert_eq!(recv.wait(20).code(), Some(1));
    let out = recv.out();
    assert!(out[0].ends_with("jpeg ok camera=127-0-0-1"), "{out:?}");
    assert!(out[1].starts_with("frame 2: invalid ("), "a half JPEG must fail a real decode: {out:?}");
    assert!(out[2].ends_with("jpeg ok camera=127-0-0-1"), "{out:?}");
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
    let jpeg = jpeg_sized(320, 240);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(&framed(&jpeg)).unwrap();
    s.write_all(&[1, 2]).unwrap();
    recv.wait_for("nothing received for 1 s", 10);
    let summary = recv.wait_for("summary:", 5);
    assert_eq!(field(&summary, "frames"), "1");
    assert!(sender(port, &["--frames", "2", "--fps", "60"]).wait(20).success());
    recv.wait_for("terminator=yes", 10);
    drop(s);
}

#[test]
fn link_that_dies_mid_frame_is_dropped_by_the_receivers_idle_timeout_keeping_whole_frames() {
    let dir = TempDir::new("vanish");
    let jpeg = quadrants(320, 240).to_jpeg(80);
    let path = dir.path("q.jpg");
    std::fs::write(&path, &jpeg).unwrap();
    let (mut recv, port) = receiver(&["--verify", "--once", "--idle-timeout", "2"]);
    let proxy = Proxy::start(port, 0, 16 * 1024);
    // Three whole frames, then the header and half the payload of the fourth.
    let frame = 4 + jpeg.len() as u64;
    proxy.freeze_after(3 * frame + 4 + jpeg.len() as u64 / 2);
    let source = format!("files:{}", path.display());
    let mut send =
        sender(proxy.port, &["--source", &source, "--loop", "--fps", "10", "--no-stamp", "--stall-timeout", "3"]);
    let line = recv.wait_for("(--idle-timeout)", 15);
    assert!(line.contains("nothing received for 2 s"), "{line}");
    assert_eq!(recv.wait(10).code(), Some(1), "no terminator");
    let summary = recv.wait_for("summary:", 1);
    assert_eq!((field(&summary, "frames"), field(&summary, "invalid")), ("3", "0"), "{summary}");
    assert_eq!(count(&recv.out(), "320x240 jpeg ok"), 3);
    // The sender sees the same dead link from its side.
    assert_eq!(send.wait(20).code(), Some(1));
    assert!(send.err().iter().any(|l| l.contains("--stall-timeout")), "{:?}", send.err());
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
    let cases: &[(&[&str], &str)] = &[(&["--listen", "nonsense"], "ADDR:PORT"), (&["--record", "out.avi"], ".mjpeg")];
    for (args, needle) in cases {
        let (_, err) = one_line_error("cam-recv", args);
        assert!(err.contains(needle), "cam-recv {args:?}: {err}");
    }
}
