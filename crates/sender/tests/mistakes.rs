//! The mistakes a new user makes with `cam-send`, each with the real binary:
//! a wrong option, the wrong stream on stdin, a name that does not resolve,
//! a terminal where a stream was expected. Every one must get one clear line
//! and an exit status that tells the truth; nothing here may pass silently.

use std::{
    io::{Read, Write},
    net::TcpListener,
    process::{Command, Stdio},
};

use camwire_testsupport::*;
use camwire_wire::MjpegSplitter;

/// The bytes `cam-send --raw ARGS` writes: a bare MJPEG or Annex-B stream.
fn raw_stream(args: &[&str]) -> Vec<u8> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut send = sender(port, &[&["--raw", "--width", "160", "--height", "120", "--fps", "1000"][..], args].concat());
    let (mut conn, _) = listener.accept().unwrap();
    let mut bytes = Vec::new();
    conn.read_to_end(&mut bytes).unwrap();
    assert!(send.wait(20).success(), "{:?}", send.err());
    bytes
}

/// Runs `cam-send ARGS` with `input` on its stdin to completion.
fn send_stdin(args: &[&str], input: &[u8], env: &[(&str, &str)]) -> std::process::Output {
    let mut child = Command::new(bin("cam-send"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // cam-send may refuse after the first bytes and close its end: that is the point.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

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

#[test]
fn stdin_in_the_wrong_format_is_refused_before_connecting() {
    let h264 = raw_stream(&["--codec", "h264", "--frames", "3"]);
    let mjpeg = raw_stream(&["--frames", "3"]);
    let nobody = Untouched::new();
    let to = nobody.to();
    let cases: &[(&[&str], &[u8], &str)] = &[
        (&[], &h264, "looks like H.264 (an Annex-B start code), not MJPEG: add --codec h264"),
        (&["--codec", "h264"], &mjpeg, "looks like MJPEG (a JPEG start), not H.264: drop --codec h264"),
        (&[], b"", "standard input is empty: nothing to send"),
        (&[], b"hello, this is text", "neither MJPEG nor H.264 (it starts with 68 65 6C 6C"),
    ];
    for (extra, input, needle) in cases {
        let args = [&["--to", &to, "--source", "stdin"][..], extra].concat();
        let out = send_stdin(&args, input, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("sent:"), "{args:?}: a sent: line for nothing");
    }
    nobody.assert_untouched();
}

#[test]
fn stdin_that_holds_no_whole_frame_exits_non_zero() {
    let (recv, port) = receiver(&["--once"]);
    let half_a_jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0; 100]].concat();
    let out = send_stdin(&["--to", &format!("127.0.0.1:{port}"), "--source", "stdin"], &half_a_jpeg, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("nothing was sent: standard input ended without a whole frame"), "{err}");
    drop(recv);
}

#[test]
fn stdin_is_paced_to_fps_when_it_is_given() {
    let mjpeg = raw_stream(&["--frames", "10"]);
    let (mut recv, port) = receiver(&["--once"]);
    let out = send_stdin(&["--to", &format!("127.0.0.1:{port}"), "--source", "stdin", "--fps", "20"], &mjpeg, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sent = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(field(&sent, "frames"), "10");
    // Ten frames at 20 fps are nine periods apart: at least 0.45 s, however fast the machine.
    let seconds: f64 = field(&sent, "seconds").parse().unwrap();
    assert!(seconds >= 0.44, "not paced: {sent}");
    assert!(stderr(&out).contains("MJPEG from standard input, passed through at 20 fps"), "{}", stderr(&out));
    assert!(recv.wait(10).success());
}

#[test]
fn framerate_is_rpicam_vids_name_for_fps_and_the_start_line_says_what_is_sent() {
    let (mut recv, port) = receiver(&["--once"]);
    let mut send = sender(port, &["--framerate", "12", "--frames", "2", "--width", "320", "--height", "240"]);
    assert!(send.wait(20).success(), "{:?}", send.err());
    send.wait_for("sending test pattern, 320x240 JPEG (quality 80) at 12 fps to 127.0.0.1:", 1);
    assert!(recv.wait(10).success());
}

#[test]
fn sizes_beyond_the_encoders_or_memory_are_refused_before_connecting() {
    let nobody = Untouched::new();
    let to = nobody.to();
    let cases: &[(&[&str], &str)] = &[
        (&["--width", "70000"], "a JPEG side is at most 65500 pixels"),
        (&["--width", "100000", "--height", "100000"], "a JPEG side is at most 65500 pixels"),
        (&["--width", "60000", "--height", "60000"], "3600 megapixels, over cam-send's limit of 67"),
        (&["--codec", "h264", "--width", "4096", "--height", "2160"], "at most 3840x2160 (or 2160x3840)"),
        (&["--width", "641"], "must be even"),
    ];
    for (args, needle) in cases {
        let (code, err) =
            one_line_error("cam-send", &[&["--to", &to, "--source", "test", "--frames", "1"], *args].concat());
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    nobody.assert_untouched();
}

#[test]
fn a_name_that_does_not_resolve_says_so() {
    // An empty label fails inside the resolver library: no query leaves the machine.
    let out = run(Command::new(bin("cam-send")).args(["--to", "no..such.invalid:8000", "--frames", "1"]));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the name \"no..such.invalid\" does not resolve"), "{err}");
    assert!(!err.contains("is cam-recv listening there?"), "{err}");
}

#[test]
fn no_color_turns_colour_off_on_a_terminal() {
    need_tool("script", "util-linux");
    // Nothing listens there: cam-send logs its start line, then fails to connect.
    let to = format!("127.0.0.1:{}", free_port());
    let send = bin("cam-send");
    // `script` gives cam-send a terminal, where it colours its log lines.
    let on_terminal = |env: &str| {
        let cmd = format!("{env} {} --to {to} --frames 1", send.display());
        let out = run(Command::new("script").args(["-qec", &cmd, "/dev/null"]));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = on_terminal("");
    assert!(coloured.contains("INFO") && coloured.contains("\x1b["), "{coloured:?}");
    let plain = on_terminal("NO_COLOR=1");
    assert!(plain.contains("INFO") && !plain.contains("\x1b["), "{plain:?}");
}

#[test]
fn stdin_source_on_a_terminal_says_to_pipe_a_stream_in() {
    need_tool("script", "util-linux");
    let cmd = format!("{} --to 127.0.0.1:{} --source stdin", bin("cam-send").display(), free_port());
    // `script` runs cam-send with a terminal for its stdin; it must not sit there reading it.
    let out = run(Command::new("script").args(["-qec", &cmd, "/dev/null"]).stdin(Stdio::null()));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("standard input is this terminal"), "{text:?}");
    assert!(!out.status.success(), "{text:?}");
}

#[test]
fn openh264_says_nothing_of_its_own() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let mut send = sender(port, &["--codec", "h264", "--frames", "3", "--width", "160", "--height", "120"]);
    assert!(send.wait(20).success());
    assert!(recv.wait(10).success());
    let all = [send.err(), send.out()].concat();
    assert_eq!(count(&all, "OpenH264"), 0, "{all:?}");
}

#[test]
fn version_says_whether_camera_support_is_built_in() {
    let out = run(Command::new(bin("cam-send")).arg("--version"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    // This workspace's test build has no libcamera feature.
    assert!(text.contains("(no camera support: built without the libcamera feature"), "{text}");
}

#[test]
fn option_mistakes_are_one_line_that_says_what_is_allowed() {
    let cases: &[(&[&str], &str)] = &[
        (&["--to", "h:1", "--secs", "abc"], "use a positive number of seconds"),
        (&["--to", "h:1", "--secs", "-1"], "use a positive number of seconds"),
        (&["--to", "h:1", "--quality", "200"], "200 is not in 1..=100"),
        (&["--to", "h:1", "--codec", "h265"], "(use one of: jpeg, h264)"),
        (&["--to", "h:1", "--fps", "-5"], "use a number of frames per second"),
        (&["--to", "h:1", "--width", "wide"], "use a whole, even number of pixels"),
        (&["--to", "h:1", "--framrate", "30"], "did you mean --framerate?"),
    ];
    for (args, needle) in cases {
        let (code, err) = one_line_error("cam-send", args);
        assert_eq!(code, Some(2), "cam-send {args:?}: {err}");
        assert!(err.contains(needle), "cam-send {args:?}: {err}");
    }
}

#[test]
fn a_service_sets_options_through_the_environment() {
    let help = run(Command::new(bin("cam-send")).arg("--help"));
    let help = String::from_utf8_lossy(&help.stdout);
    for var in ["[env: CAMWIRE_TO=]", "[env: CAMWIRE_SOURCE=]", "[env: CAMWIRE_RETRY=]", "[env: CAMWIRE_FPS=]"] {
        assert!(help.contains(var), "{var} missing from cam-send --help");
    }

    let dir = TempDir::new("env");
    let file = dir.path("service.mjpeg");
    let (mut recv, port) = receiver(&["--once", "--record", file.to_str().unwrap()]);
    let to = format!("127.0.0.1:{port}");
    let env = [("CAMWIRE_TO", &to[..]), ("CAMWIRE_WIDTH", "160"), ("CAMWIRE_HEIGHT", "120"), ("CAMWIRE_RETRY", "1")];
    let mut send = Proc::spawn(Command::new(bin("cam-send")).args(["--frames", "2"]).envs(env));
    assert!(send.wait(20).success(), "{:?}", send.err());
    send.wait_for("test pattern, 160x120", 1);
    assert!(recv.wait(10).success());
    assert_eq!(MjpegSplitter::split_all(&std::fs::read(&file).unwrap()).unwrap().len(), 2);
}

#[test]
fn help_examples_are_whole_commands_that_copy_and_paste() {
    help_with_examples("cam-send");
}

/// `cam-send ARGS` run to the end with an empty stdin: (exit code, stderr).
fn cam_send(args: &[&str]) -> (Option<i32>, String) {
    let out = run(Command::new(bin("cam-send")).args(args).stdin(Stdio::null()));
    (out.status.code(), stderr(&out))
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
    for (option, value, says) in [
        ("--frames", "0", "use a whole number of 1 or more"),
        ("--keyframe-interval", "0", "use a whole number of 1 or more"),
        ("--bitrate", "0", "--bitrate 0 is too low: use at least 10000"),
        ("--bitrate", "5e9", "use a number of bits per second from 10000 to 288000000"),
    ] {
        let (code, err) = cam_send(&["--to", &nobody.to(), "--codec", "h264", option, value]);
        assert_eq!(code, Some(2), "{option} {value}: {err}");
        assert!(err.contains(says), "{option} {value}: {err}");
        assert!(!err.contains("is not in 1.."), "{option} {value}: {err}");
    }
    let (code, err) = cam_send(&["--to", &nobody.to(), "--source", "test", "--shutter", "10ms"]);
    assert_eq!(code, Some(2), "{err}");
    if cfg!(feature = "libcamera") {
        assert!(err.contains("--shutter sets the camera: it applies to --source libcamera only"), "{err}");
    } else {
        assert!(err.contains("--shutter sets a camera, but this cam-send was built without camera support"), "{err}");
    }
    nobody.assert_untouched();
}
