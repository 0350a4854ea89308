//! The mistakes a new user makes with `cam-recv`, each with the real
//! binaries: a wrong option, a file that is already there, a stream the
//! recording cannot hold. Every one must get one clear line and an exit
//! status that tells the truth; nothing here may pass silently. `cam-send`'s
//! own are in crates/sender/tests/mistakes.rs.

use std::{
    io::{Read, Write},
    os::unix::fs::PermissionsExt,
    process::Command,
};

use camwire_testsupport::*;
use camwire_wire::{MjpegSplitter, PayloadKind};

#[test]
fn verify_once_fails_on_a_stream_of_zero_frames() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.write_all(&[0, 0, 0, 0]).unwrap();
    drop(conn);
    let status = recv.wait(10);
    assert_eq!(status.code(), Some(1), "{:?}", recv.err());
    recv.wait_for("the stream held no frames: nothing to verify", 5);
    assert!(recv.wait_for("summary:", 1).contains("frames=0"));
}

#[test]
fn record_refuses_an_existing_file_unless_overwrite() {
    let dir = TempDir::new("rec-exists");
    let file = dir.path("garden.mjpeg");
    std::fs::write(&file, b"an older recording").unwrap();
    let (code, err) = one_line_error("cam-recv", &["--listen", "127.0.0.1:0", "--record", file.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("the file exists; choose a new name, or add --overwrite to replace it"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"an older recording", "the old recording was touched");

    let (mut recv, port) = receiver(&["--once", "--overwrite", "--record", file.to_str().unwrap()]);
    assert!(sender(port, &["--frames", "3", "--width", "160", "--height", "120"]).wait(20).success());
    assert!(recv.wait(10).success(), "{:?}", recv.err());
    let data = std::fs::read(&file).unwrap();
    assert_eq!(MjpegSplitter::split_all(&data).unwrap().len(), 3, "replaced by exactly the new stream");
}

#[test]
fn record_never_follows_a_symbolic_link() {
    let dir = TempDir::new("rec-link");
    let target = dir.path("precious.txt");
    std::fs::write(&target, b"keep me").unwrap();
    let link = dir.path("out.mjpeg");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for (args, needle) in [(&[][..], "the file exists"), (&["--overwrite"][..], "is a symbolic link")] {
        let (_, err) = one_line_error(
            "cam-recv",
            &[&["--listen", "127.0.0.1:0", "--record", link.to_str().unwrap()], args].concat(),
        );
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
}

#[test]
fn record_appends_every_stream_of_a_run_into_one_private_file() {
    let dir = TempDir::new("rec-append");
    let jpeg_file = dir.path("two.mjpeg");
    let h264_file = dir.path("two.h264");
    let (recv, port) = receiver(&["--record", jpeg_file.to_str().unwrap()]);
    for n in 1..=2 {
        assert!(sender(port, &["--frames", "4", "--width", "160", "--height", "120"]).wait(20).success());
        recv.wait_for_count("summary:", n, 10);
    }
    let (h264_recv, h264_port) = receiver(&["--record", h264_file.to_str().unwrap()]);
    for n in 1..=2 {
        let args = ["--codec", "h264", "--frames", "5", "--width", "160", "--height", "120"];
        assert!(sender(h264_port, &args).wait(20).success());
        h264_recv.wait_for_count("summary:", n, 10);
    }
    drop((recv, h264_recv));
    let jpegs = MjpegSplitter::split_all(&std::fs::read(&jpeg_file).unwrap()).unwrap();
    assert_eq!(jpegs.len(), 8, "both streams, one after the other");
    assert!(jpegs.iter().all(|j| PayloadKind::sniff(j) == PayloadKind::Jpeg));
    assert_eq!(ffprobe_frames(&h264_file, "h264"), 10);
    for file in [&jpeg_file, &h264_file] {
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o007, 0, "{}: others may read the recording ({mode:o})", file.display());
        assert_eq!(mode & 0o600, 0o600, "{mode:o}");
    }
}

#[test]
fn h264_stream_into_an_mjpeg_recording_is_an_error_line_not_a_silent_empty_file() {
    let dir = TempDir::new("rec-kind");
    let file = dir.path("x.mjpeg");
    let (mut recv, port) = receiver(&["--once", "--record", file.to_str().unwrap()]);
    let _ = sender(port, &["--codec", "h264", "--frames", "3", "--width", "160", "--height", "120"]).wait(20);
    let line = recv.wait_for("recording stopped", 10);
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("this stream is h264 but the file name says jpeg (name it .h264 for this stream)"), "{line}");
    // The failed sink fails the run (the sink machinery of issue 17).
    assert_eq!(recv.wait(10).code(), Some(1), "{:?}", recv.err());
}

#[test]
fn option_mistakes_are_one_line_that_says_what_is_allowed() {
    let cases: &[(&[&str], &str)] = &[
        (&["--idle-timeout", "-1"], "use a positive number of seconds"),
        (&["--overwrite"], "--record <FILE>"),
        (&["--listen", "localhost"], "HOST:PORT"),
    ];
    for (args, needle) in cases {
        let (code, err) = one_line_error("cam-recv", args);
        assert_eq!(code, Some(2), "cam-recv {args:?}: {err}");
        assert!(err.contains(needle), "cam-recv {args:?}: {err}");
    }
}

#[test]
fn listen_and_http_take_host_names() {
    let (recv, port) =
        spawn_receiver(Command::new(bin("cam-recv")).args(["--listen", "localhost:0", "--http", "localhost:0"]));
    let http = web_view_port(&recv);
    recv.wait_for(&format!("listening on 127.0.0.1:{port}"), 10);
    recv.wait_for(&format!("web view on http://127.0.0.1:{http}/"), 10);
    let mut send = sender(port, &["--frames", "2", "--width", "160", "--height", "120"]);
    assert!(send.wait(20).success(), "{:?}", send.err());
    recv.wait_for("summary: frames=2", 10);
}

#[test]
fn web_view_on_all_interfaces_prints_a_url_that_opens() {
    let (recv, _port) = receiver(&["--http", ":0"]);
    let line = recv.wait_for("web view on", 10);
    let http = web_view_port(&recv);
    assert!(line.ends_with(&format!("web view on http://localhost:{http}/ (all interfaces)")), "{line}");
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", http)).unwrap();
    conn.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[test]
fn verbose_and_rust_log_show_connections_and_sinks() {
    for env in [&[][..], &[("RUST_LOG", "debug")][..]] {
        let args: &[&str] = if env.is_empty() { &["--verify", "--once", "-v"] } else { &["--verify", "--once"] };
        let (mut recv, port) = Proc::spawn_env_receiver(env, args);
        assert!(sender(port, &["--frames", "1", "--width", "160", "--height", "120"]).wait(20).success());
        assert!(recv.wait(10).success());
        for needle in ["verify sink started", ": connected", "verify sink stopped"] {
            recv.wait_for(needle, 1);
        }
    }
    let (mut quiet, port) = receiver(&["--verify", "--once"]);
    assert!(sender(port, &["--frames", "1", "--width", "160", "--height", "120"]).wait(20).success());
    assert!(quiet.wait(10).success());
    assert_eq!(count(&quiet.err(), "DEBUG"), 0, "{:?}", quiet.err());
}

#[test]
fn a_service_sets_options_through_the_environment() {
    let help = run(Command::new(bin("cam-recv")).arg("--help").env("CAMWIRE_HTTP_TOKEN", "sekrit"));
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("[env: CAMWIRE_RECORD=]") && help.contains("[env: CAMWIRE_HTTP_TOKEN]"), "{help}");
    assert!(!help.contains("sekrit"), "--help shows a secret from the environment");

    let dir = TempDir::new("env");
    let file = dir.path("service.mjpeg");
    let (mut recv, port) = Proc::spawn_env_receiver(&[("CAMWIRE_RECORD", file.to_str().unwrap())], &["--once"]);
    let mut send = sender(port, &["--frames", "2", "--width", "160", "--height", "120", "--retry"]);
    assert!(send.wait(20).success(), "{:?}", send.err());
    send.wait_for("test pattern, 160x120", 1);
    assert!(recv.wait(10).success());
    assert_eq!(MjpegSplitter::split_all(&std::fs::read(&file).unwrap()).unwrap().len(), 2);
}

#[test]
fn help_examples_are_whole_commands_that_copy_and_paste() {
    let recv = help_with_examples("cam-recv");
    for stale_or_missing in ["latency=<ms>", "h264 ok idr", ".h264", "--overwrite", "followed by the payload"] {
        assert!(recv.contains(stale_or_missing), "cam-recv --help lacks {stale_or_missing:?}");
    }
    assert!(!recv.contains("followed by a JPEG;"), "cam-recv --help still says every frame is a JPEG");
}

/// `cam-recv ARGS` that must stop at start: its status and its one stderr line.
fn recv_refuses(args: &[&str]) -> (Option<i32>, String) {
    one_line_error("cam-recv", args)
}

#[test]
fn ports_out_of_range_and_addresses_elsewhere_name_the_cause() {
    for flag in ["--listen", "--http"] {
        let with = |value: &'static str| {
            if flag == "--listen" {
                vec![flag, value]
            } else {
                vec!["--listen", "127.0.0.1:0", flag, value]
            }
        };
        let (code, err) = recv_refuses(&with("99999"));
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("port 99999 is out of range (0-65535)"), "{err}");
        // 192.0.2.1 (TEST-NET-1) is nobody's address here: binding it sends nothing.
        let (code, err) = recv_refuses(&with("192.0.2.1:8000"));
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(&format!("{flag} 192.0.2.1:8000: 192.0.2.1 is not an address of this machine")), "{err}");
        assert!(!err.contains("another cam-recv"), "{err}");
    }
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (code, err) = recv_refuses(&["--listen", &format!("127.0.0.1:{port}")]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(&format!("port {port} is in use")), "{err}");
}

#[test]
fn a_publish_url_without_host_or_port_is_refused_at_start() {
    let cases = [
        ("rtmp://", "no host"),
        ("rtmp://127.0.0.1", "no stream name"),
        ("udp://127.0.0.1", "no port"),
        ("srt://127.0.0.1", "no port"),
        ("udp://127.0.0.1:99999", "\"99999\" is not a port number"),
        ("rtsp://:8554/cam", "no host"),
    ];
    for (url, needle) in cases {
        let (code, err) = recv_refuses(&["--listen", "127.0.0.1:0", "--publish", url]);
        assert_eq!(code, Some(2), "{url}: {err}");
        assert!(err.contains(needle), "{url}: {err}");
    }
    // Every form --help names starts.
    for url in ["rtmp://127.0.0.1/live/cam", "srt://:9000?mode=listener", "udp://[::1]:1234", "rtsp://u:p@h:8554/x"] {
        drop(receiver(&["--publish", url]));
    }
}

#[test]
fn a_save_dir_under_a_missing_folder_is_refused_and_nothing_is_created() {
    let dir = TempDir::new("savedir-missing");
    let missing = dir.path("no-such-folder");
    let shots = missing.join("shots");
    let (code, err) = recv_refuses(&["--listen", "127.0.0.1:0", "--save-dir", shots.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&format!("the folder {} does not exist", missing.display())), "{err}");
    assert!(!missing.exists(), "a folder was made for a mistyped path");

    // The last folder alone is made, as documented.
    let (mut recv, port) = receiver(&["--once", "--save-dir", dir.path("shots").to_str().unwrap()]);
    assert!(sender(port, &["--frames", "2", "--width", "160", "--height", "120"]).wait(20).success());
    assert!(recv.wait(10).success(), "{:?}", recv.err());
    assert_eq!(std::fs::read_dir(dir.path("shots")).unwrap().count(), 2);
}

#[test]
fn a_save_dir_that_cannot_be_written_is_refused_at_start() {
    let dir = TempDir::new("savedir-ro");
    let folder = dir.path("ro");
    std::fs::create_dir(&folder).unwrap();
    // Root writes through permission bits: a read-only file system stops it, as a user's 0555 folder stops them.
    let _mounted = if is_root() {
        Some(Mount::tmpfs(&folder, "ro,size=64k"))
    } else {
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        None
    };
    let why = if is_root() { "the file system is read-only" } else { "permission denied" };
    for save_dir in [folder.clone(), folder.join("shots")] {
        let (code, err) = recv_refuses(&["--listen", "127.0.0.1:0", "--save-dir", save_dir.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(why), "{}: {err}", save_dir.display());
    }
}

#[test]
fn value_mistakes_of_cam_recv_say_what_to_write() {
    let (code, err) = recv_refuses(&["--pipe"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(!err.contains("(use one of: )"), "an empty list of choices: {err}");
    let (code, err) = recv_refuses(&["--record", "x.mp4", "--segment", "2"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("2 has no unit: write 2s, 2m or 2h"), "{err}");
    assert!(!err.contains("2ms"), "suggests a value that is refused: {err}");
    let (code, err) = recv_refuses(&["--record", "x.mp4", "--max-bytes", "ten"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("e.g. 500M, 10G or 10GiB"), "{err}");
    let (code, err) = recv_refuses(&["--http", "127.0.0.1:0", "--webrtc-stun", "stun.example.net:port"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("the port is not a number"), "{err}");
    let (code, err) =
        recv_refuses(&["--http", "127.0.0.1:0", "--webrtc-port", "off", "--webrtc-stun", "127.0.0.1:3478"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--webrtc-port off turns off: drop one"), "{err}");
    let (code, err) = recv_refuses(&["--http", "127.0.0.1:0", "--webrtc-playout-delay", "0.5s"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("milliseconds from 10 to 40950, or `browser`"), "{err}");
}

#[test]
fn http_on_the_frame_port_is_named_as_http() {
    let (recv, port) = receiver(&[]);
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let line = recv.wait_for("dropped the connection", 10);
    assert!(line.contains("sent an HTTP request (GET ...)"), "{line}");
    assert!(line.contains("the web view is at the --http address"), "{line}");
    assert!(!line.contains("--max-frame"), "{line}");
}

#[test]
fn cam_send_to_the_web_port_is_told_it_is_the_web_view() {
    let (_recv, _port, http) = http_receiver(&[], &[]);
    for retry in [&[][..], &["--retry"]] {
        let args = [&["--frames", "50", "--width", "160", "--height", "120"][..], retry].concat();
        let mut send = sender(http, &args);
        let status = send.wait(20);
        let err = send.err().join("\n");
        assert_eq!(status.code(), Some(1), "{retry:?}: {err}");
        assert!(err.contains("a web server answered"), "{retry:?}: {err}");
        assert!(err.contains("--http port"), "{retry:?}: {err}");
        assert!(!err.contains("add --retry"), "retrying cannot help: {err}");
    }
}
