//! H.264 end to end with real tools: cam-send's encoder, ffmpeg and mplayer
//! as players and decoders, libx264 as a foreign raw sender, ffprobe as judge.

use std::{
    io::Write,
    net::TcpStream,
    process::{Command, Stdio},
};

use camwire_testsupport::*;

#[test]
fn verify_decodes_every_access_unit_and_marks_idrs() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let mut send = sender(port, &["--codec", "h264", "--frames", "75", "--fps", "60", "--keyframe-interval", "30"]);
    both_succeed(&mut send, &mut recv);
    let out = recv.out();
    assert_eq!(count(&out, "640x480 h264 ok"), 75, "{out:?}");
    assert!(out[0].starts_with("frame 1: 640x480 h264 ok idr camera=127-0-0-1 latency="), "{}", out[0]);
    assert!(out[30].starts_with("frame 31: 640x480 h264 ok idr camera=127-0-0-1 latency="), "{}", out[30]);
    assert_eq!(count(&out, " idr"), 3);
}

#[test]
fn pipe_into_ffmpeg_decodes_as_many_frames_as_were_sent() {
    let (decoded, recv, send) = pipe_into_ffmpeg("h264", &["--codec", "h264", "--frames", "60", "--fps", "60"]);
    assert_eq!(decoded.to_string(), sent_frames(&send));
    let foreign = player_lines(&recv);
    assert!(foreign.is_empty(), "ffmpeg reported decode errors: {foreign:?}");
}

#[test]
fn bare_mplayer_gets_the_lavf_h264_demuxer_and_decodes_every_frame() {
    let (decoded, recv) = pipe_into_mplayer(&["--codec", "h264", "--frames", "45", "--fps", "30"]);
    let started = recv.wait_for("--pipe: starting mplayer", 1);
    assert!(started.contains("-demuxer lavf -lavfdopts format=h264"), "{started}");
    assert_eq!(decoded, 45, "mplayer decoded every frame");
    let foreign = player_lines(&recv);
    assert!(foreign.is_empty(), "mplayer complained: {foreign:?}");
}

#[test]
fn record_h264_file_has_every_frame_by_ffprobe() {
    let dir = TempDir::new("h264rec");
    let file = dir.path("out.h264");
    let (mut recv, port) = receiver(&["--once", "--record", file.to_str().unwrap()]);
    let mut send =
        sender(port, &["--codec", "h264", "--frames", "90", "--fps", "90", "--width", "320", "--height", "240"]);
    assert!(send.wait(20).success());
    assert!(recv.wait(20).success());
    assert_eq!(ffprobe_frames(&file, "h264").to_string(), sent_frames(&send));
    let decode = run(Command::new("ffmpeg").args(["-v", "error", "-i"]).arg(&file).args(["-f", "null", "-"]));
    assert!(decode.status.success() && decode.stderr.is_empty(), "{}", String::from_utf8_lossy(&decode.stderr));
}

#[test]
fn h264_stream_into_an_mjpeg_recording_is_a_clear_error() {
    let dir = TempDir::new("h264mismatch");
    let file = dir.path("out.mjpeg");
    let (recv, port) = receiver(&["--record", file.to_str().unwrap()]);
    assert!(sender(port, &["--codec", "h264", "--frames", "5"]).wait(20).success());
    let line = recv.wait_for("recording stopped", 10);
    assert!(line.contains("h264") && line.contains(".h264"), "{line}");
    assert_eq!(std::fs::metadata(&file).unwrap().len(), 0, "nothing of the wrong kind was written");
}

#[test]
fn libx264_raw_stream_with_b_frames_is_decoded_frame_by_frame() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let out = run(Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-frames:v", "60"])
        .args(["-pix_fmt", "yuv420p", "-c:v", "libx264", "-f", "h264"])
        .arg(format!("tcp://127.0.0.1:{port}")));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(recv.wait(20).success(), "{:?}\n{:?}", recv.out(), recv.err());
    assert_eq!(count(&recv.out(), "640x360 h264 ok"), 60);
    let summary = recv.wait_for("summary:", 1);
    assert!(summary.contains("invalid=0") && summary.ends_with("terminator=no raw=yes"), "{summary}");
}

#[test]
fn libx264_444_stream_gets_a_clear_reason() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let out = run(Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-frames:v", "5"])
        .args(["-pix_fmt", "yuv444p", "-c:v", "libx264", "-f", "h264"])
        .arg(format!("tcp://127.0.0.1:{port}")));
    assert!(out.status.success());
    assert_eq!(recv.wait(20).code(), Some(1));
    assert!(recv.out()[0].contains("4:4:4 chroma") && recv.out()[0].contains("yuv420p"), "{:?}", recv.out());
}

#[test]
fn stream_that_does_not_start_with_an_idr_is_reported() {
    // A libx264 stream with an IDR every 10 frames, sent raw from its second access unit on.
    let dir = TempDir::new("noidr");
    let file = dir.path("g10.h264");
    let made = run(Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-frames:v", "30"])
        .args(["-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-f", "h264"])
        .arg(&file));
    assert!(made.status.success());
    let data = std::fs::read(&file).unwrap();
    let units = camwire_wire::AnnexBSplitter::split_all(&data).unwrap();
    assert_eq!(units.len(), 30);
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    for unit in &units[1..] {
        s.write_all(&framed(unit)).unwrap();
    }
    s.write_all(&[0; 4]).unwrap();
    drop(s);
    assert_eq!(recv.wait(20).code(), Some(1), "frames before the first IDR are invalid");
    recv.wait_for("does not start with SPS/PPS and an IDR", 1);
    let out = recv.out();
    assert!(out[0].starts_with("frame 1: invalid (h264"), "{out:?}");
    assert_eq!(out[9], "frame 10: 320x240 h264 ok idr camera=127-0-0-1", "{out:?}");
    assert_eq!(count(&out, "h264 ok"), 20);
}

#[test]
fn late_receiver_decodes_a_retrying_sender_from_its_first_frame() {
    let port = free_port();
    let mut send = sender(port, &["--codec", "h264", "--retry", "--frames", "60", "--keyframe-interval", "300"]);
    // Late: the sender has been retrying long enough to reach its longest delay.
    send.wait_for("retrying in 1.0 s", 10);
    let mut recv = receiver_on(port, &["--verify", "--once"]);
    assert!(recv.wait(30).success(), "{:?}", recv.out());
    assert!(send.wait(30).success());
    let out = recv.out();
    assert!(out[0].starts_with("frame 1: 640x480 h264 ok idr"), "{}", out[0]);
    assert_eq!(count(&out, "h264 ok"), 60);
}

#[test]
fn raw_h264_from_cam_send_plays_in_ffmpeg_listening_on_tcp() {
    let port = free_port();
    let dir = TempDir::new("rawlisten");
    let crc = dir.path("frames.crc");
    let mut ffmpeg = Proc::spawn(
        Command::new("ffmpeg")
            .args(["-v", "error", "-f", "h264", "-i", &format!("tcp://127.0.0.1:{port}?listen"), "-f", "framecrc"])
            .arg(&crc)
            .stdin(Stdio::null()),
    );
    wait_until("ffmpeg listening", 10, || is_listening(port));
    let mut send = sender(port, &["--codec", "h264", "--raw", "--frames", "50", "--retry"]);
    assert!(send.wait(20).success(), "{:?}", send.err());
    assert!(ffmpeg.wait(20).success(), "{:?}", ffmpeg.err());
    assert!(ffmpeg.err().is_empty(), "ffmpeg reported errors: {:?}", ffmpeg.err());
    assert_eq!(framecrc_frames(&crc), 50);
}
