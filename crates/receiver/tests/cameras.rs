//! Named cameras (protocol.md, section 11) between the real binaries on
//! loopback: the hello from cam-send and from a Python sender written from
//! protocol.md alone, with and without the secret and TLS, and what the
//! receiver says about a hello it will not take.

use std::{
    io::{Read, Write},
    os::unix::fs::PermissionsExt,
    process::Command,
};

use camwire_testsupport::*;

const SECRET: &str = "Zm9yIHRoZSB0ZXN0cyBvbmx5LCBub3QgYSByZWFsIHNlY3JldA==\n";
const SMALL: [&str; 6] = ["--width", "320", "--height", "240", "--fps", "60"];

/// A directory with a secret file; the path of the file.
fn secret(tag: &str) -> (TempDir, String) {
    let dir = TempDir::new(tag);
    std::fs::write(dir.path("secret"), SECRET).unwrap();
    std::fs::set_permissions(dir.path("secret"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let path = dir.path("secret").to_str().unwrap().to_string();
    (dir, path)
}

/// `cam-send --frames N` with the small picture and `args`.
fn send(port: u16, frames: u32, args: &[&str]) -> Proc {
    let n = frames.to_string();
    sender(port, &[&["--frames", n.as_str()], &SMALL[..], args].concat())
}

/// What a raw socket hears back after writing `bytes` and closing its side.
fn reply_to(port: u16, bytes: &[u8]) -> String {
    let mut sock = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.write_all(bytes).unwrap();
    sock.shutdown(std::net::Shutdown::Write).unwrap();
    let mut reply = String::new();
    sock.read_to_string(&mut reply).unwrap();
    reply
}

#[test]
fn cam_send_says_its_name_and_the_receiver_files_the_stream_under_it() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let mut send = send(port, 6, &["--name", "garden"]);
    let summary = both_succeed(&mut send, &mut recv);
    assert_eq!((field(&summary, "frames"), field(&summary, "camera")), ("6", "garden"));
    assert_eq!(count(&recv.out(), "320x240 jpeg ok"), 6, "the hello is not a frame");
    assert!(recv.wait_for("stream 1 from", 1).contains("camera garden"));
    let sent = send.out().into_iter().find(|l| l.starts_with("sent:")).unwrap();
    assert_eq!(field(&sent, "camera"), "garden");
    assert!(send.wait_for("as camera garden", 1).contains("sending test pattern"));
}

#[test]
fn python_sender_written_from_the_protocol_is_named() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let out = run(Command::new("python3").arg(peer("named_client.py")).args([&port.to_string(), "7", "door-2"]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "(nothing)", "an accepted hello gets no answer");
    assert!(recv.wait(20).success(), "{:?}", recv.err());
    let summary = recv.wait_for("summary:", 1);
    assert_eq!((field(&summary, "frames"), field(&summary, "camera")), ("7", "door-2"));
    assert_eq!(count(&recv.out(), "320x240 jpeg ok"), 7);
}

#[test]
fn python_sender_says_its_name_after_the_secret_handshake() {
    let (_dir, secret) = secret("cameras-py-secret");
    let (mut recv, port) = receiver(&["--secret-file", &secret, "--verify", "--once"]);
    let out =
        run(Command::new("python3").arg(peer("named_client.py")).args([&port.to_string(), "4", "porch", &secret]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(recv.wait(20).success(), "{:?}", recv.err());
    assert_eq!(field(&recv.wait_for("summary:", 1), "camera"), "porch");
    assert_eq!(count(&recv.out(), "320x240 jpeg ok"), 4);
}

#[test]
fn with_tls_and_the_secret_the_host_name_goes_on_the_wire_by_default() {
    let (dir, secret) = secret("cameras-tls");
    let tls_dir = dir.path("tls");
    let (mut recv, port) =
        receiver(&["--tls", "--tls-dir", tls_dir.to_str().unwrap(), "--secret-file", &secret, "--verify", "--once"]);
    let line = recv.wait_for("senders need --tls-pin", 5);
    let pin = &line[line.rfind("SHA256:").unwrap()..];
    let mut send = send(port, 5, &["--tls-pin", pin, "--secret-file", &secret]);
    let summary = both_succeed(&mut send, &mut recv);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let host = camwire_wire::CameraName::made_safe(host.trim().split('.').next().unwrap()).unwrap();
    assert_eq!((field(&summary, "frames"), field(&summary, "camera")), ("5", host.as_str()));
}

#[test]
fn without_a_name_cam_send_stays_classic_and_is_named_by_its_address() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let mut cam = send(port, 3, &[]);
    let summary = both_succeed(&mut cam, &mut recv);
    assert_eq!(field(&summary, "camera"), "127-0-0-1");
    // The classic Python receiver reads it, so no hello went out.
    let mut py = Proc::spawn(Command::new("python3").arg(peer("classic_server.py")).arg("0"));
    let port = printed_port(&py.wait_for("listening on", 10), "listening on ");
    assert!(send(port, 3, &[]).wait(20).success());
    assert!(py.wait(20).success(), "{:?} {:?}", py.out(), py.err());
    assert_eq!(count(&py.out(), "JPEG ok"), 3);
}

/// The name in cam-send's `sent:` line, if it gives one.
fn sent_camera(send: &Proc) -> Option<String> {
    sent_summary(send).split_whitespace().find_map(|kv| kv.strip_prefix("camera=")).map(String::from)
}

#[test]
fn cam_send_claims_only_the_name_cam_recv_files_the_stream_under() {
    let (_dir, secret) = secret("cameras-claimed");
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let host = camwire_wire::CameraName::made_safe(host.trim().split('.').next().unwrap()).unwrap();
    let secret = ["--secret-file", secret.as_str()];
    // (receiver's options, sender's options, the name cam-send sends if any)
    let cases: [(&[&str], &[&str], Option<&str>); 3] =
        [(&[], &[], None), (&[], &["--name", "garden"], Some("garden")), (&secret, &secret, Some(host.as_str()))];
    for (recv_args, send_args, named) in cases {
        let (mut recv, port) = receiver(&[&["--verify", "--once"], recv_args].concat());
        let mut cam = send(port, 3, send_args);
        let filed_as = field(&both_succeed(&mut cam, &mut recv), "camera").to_string();
        let start = cam.wait_for("sending test pattern", 1);
        assert_eq!(sent_camera(&cam).as_deref(), named, "{send_args:?}: {:?}", cam.out());
        match named {
            Some(name) => {
                assert_eq!(filed_as, name, "{send_args:?}");
                assert!(start.ends_with(&format!(" as camera {name}")), "{start}");
            }
            // A classic stream: the receiver names it by its address, and cam-send claims no name.
            None => {
                assert_eq!(filed_as, "127-0-0-1");
                assert!(!start.contains("as camera"), "{start}");
                assert!(start.contains("without a camera name (the receiver names the stream"), "{start}");
            }
        }
    }
}

#[test]
fn a_bad_name_is_refused_in_words_and_the_next_sender_is_served() {
    let (recv, port) = receiver(&["--verify"]);
    let reply = reply_to(port, b"CAMWIRE HELLO name=Garden\n\x04\x00\x00\x00\xFF\xD8\xFF\xD9");
    assert!(reply.starts_with("CAMWIRE REFUSED camera name \"Garden\": 'G' is not allowed"), "{reply:?}");
    let logged = recv.wait_for("refused the connection", 5);
    assert!(logged.contains("camera name \"Garden\""), "{logged}");
    let reply = reply_to(port, b"CAMWIRE HELLO name=ok name=twice\n");
    assert!(reply.starts_with("CAMWIRE REFUSED hello field \"name\" is given twice"), "{reply:?}");
    let reply = reply_to(port, &[&b"CAMWIRE HELLO a="[..], &[b'x'; 300]].concat());
    assert!(reply.starts_with("CAMWIRE REFUSED no end of line within the 256 bytes"), "{reply:?}");
    assert_eq!(count(&recv.out(), "jpeg ok"), 0);
    assert!(send(port, 2, &["--name", "next"]).wait(20).success());
    assert_eq!(field(&recv.wait_for("summary:", 10), "camera"), "next");
}

#[test]
fn a_hello_after_the_first_frame_ends_the_stream_and_keeps_its_frames() {
    let (recv, port) = receiver(&["--verify"]);
    let jpeg = small_jpeg();
    let mut stream = b"CAMWIRE HELLO name=a\n".to_vec();
    stream.extend_from_slice(&(jpeg.len() as u32).to_le_bytes());
    stream.extend_from_slice(&jpeg);
    stream.extend_from_slice(b"CAMWIRE HELLO name=b\n");
    reply_to(port, &stream);
    let logged = recv.wait_for("a CAMWIRE line where a frame header belongs", 10);
    assert!(logged.contains("once, before the first frame"), "{logged}");
    let summary = recv.wait_for("summary:", 10);
    assert_eq!((field(&summary, "frames"), field(&summary, "camera")), ("1", "a"));
}

#[test]
fn a_named_sender_without_the_secret_is_told_a_secret_is_required() {
    let (_dir, secret) = secret("cameras-no-secret");
    let (recv, port) = receiver(&["--secret-file", &secret, "--verify"]);
    let mut send = send(port, 3, &["--name", "garden"]);
    assert_eq!(send.wait(20).code(), Some(1));
    let said = send.wait_for("refused", 1);
    assert!(said.contains("a secret is required"), "{said}");
    let logged = recv.wait_for("did not answer the secret challenge", 5);
    assert!(logged.contains("CAMWIRE HELLO"), "{logged}");
}

#[test]
fn bad_names_and_raw_are_refused_by_cam_send_before_connecting() {
    for (args, says) in [
        (&["--name", "Garden"][..], "'G' is not allowed in a camera name"),
        (&["--name=_x"][..], "starts with a letter or a digit"),
        (&["--name", "garden", "--raw"][..], "--raw sends a bare stream for players, which take no camera name"),
    ] {
        let out = run(Command::new(bin("cam-send")).args(["--to", "127.0.0.1:9"]).args(args));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

/// The summary line of `camera`, once it has been printed.
fn summary_of(recv: &Proc, camera: &str) -> String {
    poll_until(&format!("the summary of camera {camera}"), 20, || {
        recv.out().into_iter().find(|l| l.starts_with("summary:") && field(l, "camera") == camera)
    })
}

#[test]
fn two_cameras_stream_at_once_each_recorded_to_its_own_file() {
    let dir = TempDir::new("cameras-two");
    let template = dir.path("rec").join("{camera}.mkv");
    let (recv, port) = receiver(&["--record", template.to_str().unwrap(), "--verify"]);
    // garden streams until stopped; door's whole stream runs meanwhile.
    let mut garden = sender(port, &[&SMALL[..], &["--name", "garden"]].concat());
    recv.wait_for("camera garden", 10);
    assert!(send(port, 30, &["--name", "door"]).wait(20).success());
    assert_eq!(field(&summary_of(&recv, "door"), "frames"), "30");
    let garden_ended = recv.out().iter().any(|l| l.starts_with("summary:") && field(l, "camera") == "garden");
    assert!(!garden_ended, "garden is still streaming");
    garden.signal("TERM");
    assert!(garden.wait(20).success(), "{:?}", garden.err());
    let sent = field(&sent_summary(&garden), "frames").parse::<u64>().unwrap();
    for (camera, frames) in [("garden", sent), ("door", 30)] {
        let summary = summary_of(&recv, camera);
        assert_eq!((field(&summary, "frames"), field(&summary, "terminator")), (frames.to_string().as_str(), "yes"));
        let file = dir.path("rec").join(format!("{camera}.mkv"));
        assert_eq!(field(&summary, "files"), file.to_str().unwrap());
        assert_eq!(ffprobe_frames(&file, "matroska"), frames, "{camera}");
        let verified = recv.out().iter().filter(|l| l.starts_with("frame ") && field(l, "camera") == camera).count();
        assert_eq!(verified as u64, frames, "{camera}: every verify line names its camera");
    }
}

#[test]
fn pipe_runs_one_player_per_camera_titled_with_its_name() {
    need_tool("mplayer", "mplayer");
    let env = [("CAMWIRE_PIPE_EXTRA_ARGS", "-vo null -ao null")];
    let (recv, port) = Proc::spawn_env_receiver(&env, &["--pipe", "mplayer"]);
    let mut garden = sender(port, &[&SMALL[..], &["--name", "garden"]].concat());
    recv.wait_for("-title camwire garden", 10);
    assert!(send(port, 20, &["--name", "door"]).wait(20).success());
    recv.wait_for("-title camwire door", 10);
    assert_eq!(count(&recv.err(), "--pipe: starting mplayer"), 2, "{:?}", recv.err());
    garden.signal("TERM");
    assert!(garden.wait(20).success());
    assert_eq!(field(&summary_of(&recv, "door"), "frames"), "20");
    assert!(!summary_of(&recv, "garden").contains("sink_failed"));
}

#[test]
fn a_second_sender_for_a_streaming_camera_is_refused_as_busy_naming_it() {
    let (recv, port) = receiver(&["--verify"]);
    let _first = sender(port, &["--name", "garden", "--fps", "30"]);
    recv.wait_for("camera garden", 10);
    let mut second = send(port, 5, &["--name", "garden"]);
    assert_eq!(second.wait(20).code(), Some(1));
    let said = second.wait_for("refused by the receiver", 1);
    assert!(said.contains("busy: camera garden is streaming (another sender is streaming this camera"), "{said}");
    recv.wait_for("refused: another sender is streaming camera garden", 5);
    // Another camera is welcome meanwhile.
    assert!(send(port, 3, &["--name", "door"]).wait(20).success());
    assert_eq!(field(&summary_of(&recv, "door"), "frames"), "3");
}

#[test]
fn past_max_cameras_a_new_camera_is_refused_saying_so() {
    let (recv, port) = receiver(&["--verify", "--max-cameras", "1"]);
    let _first = sender(port, &["--name", "garden", "--fps", "30"]);
    recv.wait_for("camera garden", 10);
    let mut second = send(port, 5, &["--name", "door"]);
    assert_eq!(second.wait(20).code(), Some(1));
    let said = second.wait_for("refused by the receiver", 1);
    assert!(said.contains("full: this receiver takes 1 cameras at once (cam-recv --max-cameras)"), "{said}");
    recv.wait_for("1 cameras are streaming, the most at once (--max-cameras); camera door must wait", 5);
}

#[test]
fn classic_senders_are_named_by_their_port_or_their_address() {
    let dir = TempDir::new("cameras-classic");
    let template = dir.path("{camera}");
    let (recv, _) = receiver(&[
        "--listen",
        "porch=127.0.0.1:0",
        "--camera",
        "local=127.0.0.0/8",
        "--save-dir",
        template.to_str().unwrap(),
    ]);
    let porch = printed_port(&recv.wait_for("(camera porch)", 5), "listening on ");
    let listening = recv.err().into_iter().find(|l| l.contains("listening on") && !l.contains("(camera")).unwrap();
    let port = printed_port(&listening, "listening on ");
    for (to, frames, camera) in [(porch, 4, "porch"), (port, 3, "local")] {
        let out =
            run(Command::new("python3").arg(peer("classic_client.py")).args([&to.to_string(), &frames.to_string()]));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(field(&summary_of(&recv, camera), "frames"), frames.to_string());
        let saved = std::fs::read_dir(dir.path(camera)).unwrap().count();
        assert_eq!(saved, frames, "{camera}: one file per frame in its own folder");
    }
}

#[test]
fn a_file_option_without_the_field_takes_one_camera_at_a_time() {
    let dir = TempDir::new("cameras-shared");
    let file = dir.path("out.mkv");
    let (recv, port) = receiver(&["--record", file.to_str().unwrap()]);
    let _first = sender(port, &["--name", "garden", "--fps", "30"]);
    recv.wait_for("camera garden", 10);
    let mut second = send(port, 5, &["--name", "door"]);
    assert_eq!(second.wait(20).code(), Some(1));
    assert!(second.wait_for("refused by the receiver", 1).contains("busy: camera garden is streaming"));
    let logged = recv.wait_for("refused camera door", 5);
    assert!(logged.contains("without {camera} takes one camera at a time"), "{logged}");
    // Asking for several cameras with such an option is an error at start.
    let other = dir.path("other.mkv");
    let out = run(Command::new(bin("cam-recv")).args(["--record", other.to_str().unwrap(), "--max-cameras", "4"]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("has no {camera} field, so with --max-cameras 4 two cameras would write the same file"),
        "{err}"
    );
}

/// The picture size of a JPEG.
fn jpeg_size(jpeg: &[u8]) -> (u16, u16) {
    camwire_wire::jpeg_dimensions(jpeg).expect("a JPEG with a size")
}

#[test]
fn each_camera_has_its_own_urls_and_status_lists_them() {
    let (recv, port, http) = http_receiver(&[], &[]);
    let garden_args = ["--name", "garden", "--width", "320", "--height", "240", "--fps", "30"];
    let _garden = sender(port, &garden_args);
    recv.wait_for("camera garden", 10);
    let _door = sender(port, &["--name", "door", "--codec", "h264", "--width", "160", "--height", "96", "--fps", "30"]);
    recv.wait_for("camera door", 10);
    for (camera, size) in [("garden", (320, 240)), ("door", (160, 96))] {
        // The first request for a camera already has its picture (for H.264, decoded and encoded for it).
        let first = http_get(http, &format!("/cam/{camera}/snapshot.jpg"));
        assert_eq!(first.status, 200, "{camera}: {}", String::from_utf8_lossy(&first.body));
        let shot = poll_until(&format!("a snapshot of {camera}"), 10, || {
            let r = http_get(http, &format!("/cam/{camera}/snapshot.jpg"));
            (r.status == 200).then_some(r)
        });
        assert_eq!(shot.header("content-type"), Some("image/jpeg"));
        assert_eq!(jpeg_size(&shot.body), size, "{camera}: its own picture");
        let page = http_get(http, &format!("/cam/{camera}/"));
        assert_eq!(page.status, 200);
        assert!(String::from_utf8_lossy(&page.body).contains("src=\"stream.mjpg\""), "the page reads its own camera");
        let status: serde_json::Value =
            serde_json::from_slice(&http_get(http, &format!("/cam/{camera}/status")).body).unwrap();
        assert!(status["frames"].as_u64().unwrap() > 0, "{camera}: {status}");
        assert_eq!(status["kind"].as_str(), Some(if camera == "door" { "h264" } else { "jpeg" }), "{status}");
        let (code, headers, reader) = http_open(http, &format!("/cam/{camera}/stream.mjpg"));
        assert_eq!(code, 200);
        let content_type = headers.iter().find(|(n, _)| n == "content-type").map(|(_, v)| v.clone()).unwrap();
        let part = Multipart::new(Dechunk::new(reader), &content_type).next_part().unwrap();
        assert_eq!(jpeg_size(&part.body), size, "{camera}: its own stream");
    }
    // Today's URLs show the first camera.
    assert_eq!(jpeg_size(&http_get(http, "/snapshot.jpg").body), (320, 240));
    let status = status_json(http);
    let cameras: Vec<(&str, bool)> = status["cameras"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["streaming"].as_bool().unwrap()))
        .collect();
    assert_eq!(cameras, [("door", true), ("garden", true)]);
    let missing = http_get(http, "/cam/porch/snapshot.jpg");
    assert_eq!(missing.status, 404);
    assert!(String::from_utf8_lossy(&missing.body).contains("the cameras are: door, garden"));
    let bare = http_get(http, "/cam/door");
    assert_eq!((bare.status, bare.header("location")), (308, Some("/cam/door/")));
}
