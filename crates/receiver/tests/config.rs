//! `cam-recv --config FILE` between the real binaries on loopback: cameras
//! with their own secrets and sinks, viewers that see some cameras and not
//! others, SIGHUP reloading the file (the changed camera reopens its sinks,
//! the other streams on untouched), and a broken file at start and on reload.

use std::{os::unix::fs::PermissionsExt, path::Path, process::Command};

use camwire_testsupport::*;

const SECRET_A: &str = "c2VjcmV0IG9mIGNhbWVyYSBhLCBmb3IgdGhlIHRlc3Rz\n";
const SECRET_B: &str = "c2VjcmV0IG9mIGNhbWVyYSBiLCBmb3IgdGhlIHRlc3Rz\n";
const TOKEN: &str = "viewer-of-a-only-0123456789";
const SMALL: [&str; 4] = ["--width", "160", "--height", "120"];

/// A directory with the two secrets (`a.secret`, `b.secret`).
fn secrets(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    for (name, secret) in [("a.secret", SECRET_A), ("b.secret", SECRET_B)] {
        std::fs::write(dir.path(name), secret).unwrap();
        std::fs::set_permissions(dir.path(name), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    dir
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `cam-send --name NAME --secret-file FILE --frames N` with the small picture and `args`.
fn send(port: u16, name: &str, secret: &Path, frames: u32, args: &[&str]) -> Proc {
    let n = frames.to_string();
    let own = ["--name", name, "--secret-file", s(secret), "--frames", n.as_str()];
    sender(port, &[&own[..], &SMALL[..], args].concat())
}

/// Files in `dir` (none if it does not exist).
fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| d.count())
}

/// The receiver's `summary:` lines for `camera`.
fn summaries(recv: &Proc, camera: &str) -> Vec<String> {
    recv.out().into_iter().filter(|l| l.starts_with("summary:") && field(l, "camera") == camera).collect()
}

/// The two cameras' tables: a saves its frames into `a/`, b into `b_dir`;
/// each has its own secret.
fn two_cameras(dir: &TempDir, b_dir: &str) -> String {
    format!(
        "# two cameras, each its own secret and sinks\n\
         [camera.a]\nsecret-file = \"{}\"\nsave-dir = \"{}\"\n\n\
         [camera.b]\nsecret-file = \"{}\"\nsave-dir = \"{}\"\n",
        s(&dir.path("a.secret")),
        s(&dir.path("a")),
        s(&dir.path("b.secret")),
        s(&dir.path(b_dir)),
    )
}

#[test]
fn two_cameras_with_their_own_secrets_and_sinks() {
    let dir = secrets("config-two");
    let file = dir.path("cam.toml");
    let record = format!("[camera.a]\nsecret-file = \"{}\"\nverify = true\n\n", s(&dir.path("a.secret")));
    let text = format!(
        "{record}[camera.b]\nsecret-file = \"{}\"\nrecord = \"{}\"\n",
        s(&dir.path("b.secret")),
        s(&dir.path("rec/{camera}.mkv"))
    );
    std::fs::create_dir(dir.path("rec")).unwrap();
    std::fs::write(&file, text).unwrap();
    let (recv, port) = receiver(&["--config", s(&file)]);

    assert!(send(port, "a", &dir.path("a.secret"), 5, &[]).wait(20).success());
    recv.wait_for_count("summary:", 1, 20);
    assert_eq!(field(&summaries(&recv, "a")[0], "frames"), "5");
    assert_eq!(count(&recv.out(), "160x120 jpeg ok camera=a"), 5, "camera a verifies");

    assert!(send(port, "b", &dir.path("b.secret"), 7, &[]).wait(20).success());
    recv.wait_for_count("summary:", 2, 20);
    assert_eq!(field(&summaries(&recv, "b")[0], "frames"), "7");
    assert_eq!(count(&recv.out(), "ok camera=b"), 0, "camera b does not verify");
    wait_until("camera b's recording", 20, || dir.path("rec/b.mkv").exists());

    // Camera b with camera a's secret: refused, in words, and nothing recorded.
    let mut wrong = send(port, "b", &dir.path("a.secret"), 3, &[]);
    assert!(!wrong.wait(20).success());
    let said = wrong.err().join("\n");
    assert!(said.contains("camera b needs its own secret"), "{said}");
    assert!(recv.wait_for("refused camera b", 10).contains("wrong secret"));
    assert_eq!(summaries(&recv, "b").len(), 1);
}

#[test]
fn a_viewer_token_sees_its_camera_and_not_the_other() {
    let dir = secrets("config-viewer");
    let file = dir.path("cam.toml");
    let viewer = format!("\n[viewer.kid]\ntoken = \"{TOKEN}\"\ncameras = [\"a\"]\n");
    std::fs::write(&file, two_cameras(&dir, "b") + &viewer).unwrap();
    let (recv, port) = receiver(&["--config", s(&file), "--http", "127.0.0.1:0", "--http-token", &"all".repeat(8)]);
    let web = printed_port(&recv.wait_for("web view on", 10), "web view on ");
    assert!(send(port, "a", &dir.path("a.secret"), 3, &[]).wait(20).success());
    assert!(send(port, "b", &dir.path("b.secret"), 3, &[]).wait(20).success());
    recv.wait_for_count("summary:", 2, 20);

    let status = |path: &str| raw_get(web, path, "localhost", "").0;
    assert_eq!(status(&format!("/cam/a/snapshot.jpg?token={TOKEN}")), 200);
    assert_eq!(status(&format!("/cam/b/snapshot.jpg?token={TOKEN}")), 403);
    assert_eq!(status(&format!("/status?token={TOKEN}")), 403, "the list of every camera");
    assert_eq!(status(&format!("/metrics?token={TOKEN}")), 403);
    for asset in ["/page.js", "/tiles.js", "/page.css", "/cam/a/", "/cam/a/status"] {
        assert_eq!(status(&format!("{asset}?token={TOKEN}")), 200, "{asset}: what camera a's page loads");
    }
    assert_eq!(status("/cam/a/snapshot.jpg"), 401, "no token");
    assert_eq!(status("/cam/a/snapshot.jpg?token=not-the-token-0123456789"), 401);
    let (code, head) = raw_get(web, &format!("/?token={TOKEN}"), "localhost", "");
    assert_eq!(code, 303);
    assert_eq!(head_value(&head, "location").as_deref(), Some("/cam/a/"), "{head}");
    let all = format!("Authorization: Bearer {}\r\n", "all".repeat(8));
    assert_eq!(raw_get(web, "/cam/b/snapshot.jpg", "localhost", &all).0, 200, "--http-token sees every camera");

    // WebRTC offers pass the same rules: an offer that is let in is read (and this one is not SDP).
    let whep = |path: &str| http_send(web, "POST", path, "application/sdp", b"not an offer").status;
    assert_eq!(whep(&format!("/cam/b/whep?token={TOKEN}")), 403, "another camera's WHEP");
    assert_eq!(whep("/cam/a/whep"), 401, "WHEP without a token");
    assert_eq!(whep(&format!("/cam/a/whep?token={TOKEN}")), 400, "its own camera's WHEP reads the offer");
}

#[test]
fn sighup_reopens_the_changed_camera_and_the_other_loses_no_frame() {
    let dir = secrets("config-reload");
    let file = dir.path("cam.toml");
    std::fs::write(&file, two_cameras(&dir, "b-before")).unwrap();
    let (recv, port) = receiver(&["--config", s(&file)]);
    let frames = 240;
    let mut a = send(port, "a", &dir.path("a.secret"), frames, &["--fps", "30"]);
    let mut b = send(port, "b", &dir.path("b.secret"), frames, &["--fps", "30"]);
    wait_until("both cameras saving", 20, || files_in(&dir.path("a")) > 10 && files_in(&dir.path("b-before")) > 10);

    std::fs::write(&file, two_cameras(&dir, "b-after")).unwrap();
    recv.signal("HUP");
    let line = recv.wait_for("reloaded --config", 10);
    assert!(line.contains("camera b changed its sinks") && !line.contains("camera a"), "{line}");
    recv.wait_for("camera b: its sinks changed in the --config file; reopened them", 10);

    assert!(a.wait(30).success(), "{:?}", a.err());
    assert!(b.wait(30).success(), "{:?}", b.err());
    recv.wait_for_count("summary:", 2, 20);
    let (sa, sb) = (summaries(&recv, "a"), summaries(&recv, "b"));
    assert_eq!((sa.len(), sb.len()), (1, 1), "each camera streamed once, unbroken: {:?}", recv.out());
    assert_eq!(field(&sa[0], "frames"), frames.to_string());
    assert_eq!(field(&sb[0], "frames"), frames.to_string(), "b's sender stayed connected");
    assert_eq!(files_in(&dir.path("a")), frames as usize, "camera a saved every frame");
    let (before, after) = (files_in(&dir.path("b-before")), files_in(&dir.path("b-after")));
    assert!(before > 0 && after > 0, "{before} then {after}");
    assert_eq!(before + after, frames as usize, "camera b saved every frame, before and after the reload");
}

#[test]
fn a_broken_file_on_sighup_is_one_line_and_the_old_config_stays() {
    let dir = secrets("config-broken");
    let file = dir.path("cam.toml");
    std::fs::write(&file, two_cameras(&dir, "b")).unwrap();
    let (recv, port) = receiver(&["--config", s(&file)]);
    std::fs::write(&file, "[camera.a]\nverify = true\nrecrod = \"x.mp4\"\n").unwrap();
    recv.signal("HUP");
    let line = recv.wait_for("kept the running configuration", 10);
    assert!(line.contains("line 3: unknown field `recrod`"), "{line}");
    assert_eq!(count(&recv.err(), "recrod"), 1, "one line: {:?}", recv.err());
    // Still serving, by the old file: camera a's secret and its folder.
    assert!(send(port, "a", &dir.path("a.secret"), 4, &[]).wait(20).success());
    recv.wait_for("summary:", 20);
    assert_eq!(files_in(&dir.path("a")), 4);
}

#[test]
fn a_broken_file_at_start_is_exit_status_2_and_one_line() {
    let dir = TempDir::new("config-start");
    let file = dir.path("cam.toml");
    std::fs::write(&file, "[camera.garden]\nfrom = [\"192.168.1.30\"]\nrecrod = \"x.mp4\"\n").unwrap();
    let (code, line) = one_line_error("cam-recv", &["--listen", "127.0.0.1:0", "--config", s(&file)]);
    assert_eq!(code, Some(2));
    assert!(line.contains(&format!("--config {} line 3: unknown field `recrod`", s(&file))), "{line}");
    std::fs::write(&file, "[camera.garden]\nfrom = [\"192.168.1.300\"]\n").unwrap();
    let (code, line) = one_line_error("cam-recv", &["--listen", "127.0.0.1:0", "--config", s(&file)]);
    assert_eq!(code, Some(2));
    assert!(
        line.ends_with(
            "line 2: camera garden, from: \"192.168.1.300\" is not an address or a network, e.g. 192.168.1.30"
        ),
        "{line}"
    );
    let status = run(Command::new(bin("cam-recv")).args(["--config", "/nonexistent/cam.toml"])).status;
    assert_eq!(status.code(), Some(2));
}

#[test]
fn sighup_disconnects_a_camera_whose_secret_changed_and_keeps_the_other() {
    let dir = secrets("config-readmit");
    let file = dir.path("cam.toml");
    std::fs::write(&file, two_cameras(&dir, "b")).unwrap();
    let (recv, port) = receiver(&["--config", s(&file)]);
    let frames = 240;
    let _a = send(port, "a", &dir.path("a.secret"), frames, &["--fps", "30"]);
    let mut b = send(port, "b", &dir.path("b.secret"), frames, &["--fps", "30"]);
    wait_until("both cameras saving", 20, || files_in(&dir.path("a")) > 10 && files_in(&dir.path("b")) > 10);

    // Camera a now needs camera b's secret: its sender holds a's, so it must go.
    let text = two_cameras(&dir, "b").replacen(s(&dir.path("a.secret")), s(&dir.path("b.secret")), 1);
    std::fs::write(&file, text).unwrap();
    recv.signal("HUP");
    assert!(recv.wait_for("reloaded --config", 10).contains("camera a changed who may send"));
    recv.wait_for("changed who may send as this camera; dropped the connection", 10);
    let sa = poll_until("camera a's summary", 10, || summaries(&recv, "a").into_iter().next());
    let kept: usize = field(&sa, "frames").parse().unwrap();
    assert!(kept < frames as usize, "{sa}");
    assert_eq!(files_in(&dir.path("a")), kept, "every frame it received was saved");

    assert!(b.wait(30).success(), "{:?}", b.err());
    let sb = poll_until("camera b's summary", 20, || summaries(&recv, "b").into_iter().next());
    assert_eq!(field(&sb, "frames"), frames.to_string(), "camera b streamed on untouched");
    assert_eq!(files_in(&dir.path("b")), frames as usize);
}

/// docs/many-cameras.md's `save-dir = "shots/{camera}"` under a state folder
/// that has no `shots/` yet: a `{camera}` folder is the receiver's to make
/// (as `--record`'s is), in the file and on the command line alike.
#[test]
fn a_camera_save_dir_makes_its_own_folders_as_record_does() {
    let dir = secrets("config-shots");
    let file = dir.path("cam.toml");
    let shots = dir.path("state/shots/{camera}");
    let text = format!("[camera.a]\nsecret-file = \"{}\"\nsave-dir = \"{}\"\n", s(&dir.path("a.secret")), s(&shots));
    std::fs::write(&file, text).unwrap();
    let (recv, port) = receiver(&["--config", s(&file)]);
    assert!(send(port, "a", &dir.path("a.secret"), 3, &[]).wait(20).success());
    recv.wait_for_count("summary:", 1, 20);
    assert_eq!(files_in(&dir.path("state/shots/a")), 3, "{:?}", recv.err());

    // Without {camera} a typo's folders are still not made.
    let plain = Command::new(env!("CARGO_BIN_EXE_cam-recv"))
        .args(["--save-dir", s(&dir.path("nowhere/shots")), "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(2), "{plain:?}");
    assert!(String::from_utf8_lossy(&plain.stderr).contains("creates only the last folder"), "{plain:?}");
}
