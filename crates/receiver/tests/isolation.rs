//! Many cameras, one receiver: one camera's trouble costs the others
//! nothing. Real binaries on loopback, a real full disk (a small tmpfs: these
//! tests run as root, here and in CI), a real player that never reads, a real
//! slow link (the test proxy), and who may take a camera's place.

use std::path::Path;

use camwire_testsupport::{proxy::Proxy, *};

/// Whole JPEGs in a raw `.mjpeg` recording.
fn jpegs_in(file: &Path) -> usize {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    camwire_wire::MjpegSplitter::split_all(&bytes).unwrap().len()
}

/// The summary line of `camera`'s `n`-th stream.
fn summary_of(recv: &Proc, camera: &str, n: usize) -> String {
    let needle = format!("camera={camera}");
    poll_until(&format!("summary {n} of camera {camera}"), 60, || {
        let lines: Vec<String> = recv
            .out()
            .into_iter()
            .chain(recv.err())
            .filter(|l| l.contains("summary:") && l.contains(&needle))
            .collect();
        lines.get(n - 1).cloned()
    })
}

#[test]
fn a_stuck_player_a_full_disk_and_a_slow_link_cost_the_other_camera_nothing() {
    let dir = TempDir::new("isolation");
    // Camera `stuck` records onto a full disk.
    std::fs::create_dir_all(dir.path("rec/stuck")).unwrap();
    let _full = Mount::tmpfs(&dir.path("rec/stuck"), "size=8k");
    let record = format!("{}/rec/{{camera}}/all.mjpeg", dir.0.display());
    // Camera `stuck`'s player never reads; every other camera's player keeps what it gets.
    let played = dir.path("played");
    std::fs::create_dir_all(&played).unwrap();
    let player = format!(
        "if [ \"$CAMWIRE_CAMERA\" = stuck ]; then exec sleep 600; else exec cat > {}/\"$CAMWIRE_CAMERA\"; fi",
        played.display()
    );
    // Three cameras from one address: --allow vouches for them.
    let (mut recv, port) = receiver(&["--verify", "--record", &record, "--pipe", &player, "--allow", "127.0.0.0/8"]);
    // Camera `stuck`: 640x480 JPEGs at 30 fps, far more than its player's pipe and its disk hold.
    let stuck = sender(port, &["--name", "stuck", "--fps", "30", "--secs", "120"]);
    // Camera `slow`: through a link of 3 kB/s, so each of its frames trickles in over a second or more.
    let link = Proxy::start(port, 3_000, 4096);
    let slow =
        sender(link.port, &["--name", "slow", "--width", "160", "--height", "120", "--fps", "10", "--secs", "120"]);
    recv.wait_for("camera slow", 30);
    recv.wait_for("No space left on device", 30);

    // Camera `good` keeps every frame while the others are in trouble.
    let mut good = sender(port, &["--name", "good", "--fps", "30", "--frames", "150"]);
    assert!(good.wait(60).success(), "{:?}", good.err());
    let line = summary_of(&recv, "good", 1);
    assert_eq!(field(&line, "frames"), "150", "{line}");
    assert!(!line.contains("sink_failed"), "{line}");
    let verified = recv.out().iter().filter(|l| l.contains(" jpeg ok camera=good")).count();
    assert_eq!(verified, 150, "camera good's frames verified");
    assert_eq!(jpegs_in(&dir.path("rec/good/all.mjpeg")), 150, "camera good's recording");
    assert!(std::fs::metadata(played.join("good")).unwrap().len() > 0, "camera good's player got nothing");
    // The trouble was real: stuck's player stalled and was stopped, and both other cameras still stream.
    recv.wait_for("took nothing for 10 s", 30);
    assert!(!recv.out().iter().chain(&recv.err()).any(|l| l.contains("summary:") && !l.contains("camera=good")));

    // The receiver keeps serving: camera `good` again, all of it, while the others still stream.
    let mut again = sender(port, &["--name", "good", "--fps", "30", "--frames", "60"]);
    assert!(again.wait(60).success(), "{:?}", again.err());
    assert_eq!(field(&summary_of(&recv, "good", 2), "frames"), "60");
    assert_eq!(jpegs_in(&dir.path("rec/good/all.mjpeg")), 210);

    // The full disk fails camera stuck's stream, and only its stream.
    drop((stuck, slow));
    let failed = summary_of(&recv, "stuck", 1);
    assert_eq!(field(&failed, "sink_failed"), "yes", "{failed}");
    recv.signal("INT");
    assert!(recv.wait(30).success(), "{:?}", recv.err());
}

/// A classic sender from loopback address number `i` (see [`connect_from`]):
/// `frames` small JPEGs and the terminator; what the receiver answered.
fn classic_from(i: usize, port: u16, frames: usize) -> String {
    use std::io::{Read, Write};
    let mut sock = connect_from(i, port).unwrap();
    let mut bytes: Vec<u8> = (0..frames).flat_map(|_| framed(&small_jpeg())).collect();
    bytes.extend([0; 4]);
    // A refused sender may be closed before it has written everything.
    let _ = sock.write_all(&bytes);
    let _ = sock.shutdown(std::net::Shutdown::Write);
    let mut reply = String::new();
    let _ = sock.read_to_string(&mut reply);
    reply
}

#[test]
fn strangers_take_a_few_cameras_and_never_a_named_cameras_place() {
    // Two addresses are named (127.10.0.1 and .2, see connect_from); every other sender is a
    // stranger: no secret, no --allow. Of 4 places, the strangers may have the 2 left.
    let (recv, port) =
        receiver(&["--verify", "--max-cameras", "4", "--camera", "door=127.10.0.1", "--camera", "garden=127.10.0.2"]);
    let small = ["--fps", "10", "--width", "160", "--height", "120"];
    // Strangers from 127.0.0.1 with hellos of their own: two at most from one address.
    let _a = sender(port, &[&small[..], &["--name", "a"]].concat());
    let _b = sender(port, &[&small[..], &["--name", "b"]].concat());
    recv.wait_for("camera a", 20);
    recv.wait_for("camera b", 20);
    let mut c = sender(port, &[&small[..], &["--name", "c", "--frames", "5"]].concat());
    assert!(!c.wait(20).success());
    assert!(c.err().join("\n").contains("from one address"), "{:?}", c.err());
    recv.wait_for("refused camera c: 127.0.0.1 streams 2 cameras", 5);
    // A stranger from another address: the strangers' places are taken.
    let reply = classic_from(2, port, 5);
    assert!(reply.contains("full: this receiver takes 2 cameras at once that"), "{reply}");
    recv.wait_for("refused camera 127-10-0-3: 2 cameras", 5);
    // The named cameras still have their places.
    for (i, name) in [(0, "door"), (1, "garden")] {
        assert_eq!(classic_from(i, port, 5), "", "{name} was refused");
        let line = summary_of(&recv, name, 1);
        assert_eq!(field(&line, "frames"), "5", "{line}");
    }
}

#[test]
fn the_first_cameras_h264_is_decoded_and_muxed_once_for_its_page_and_todays_urls() {
    let (recv, port, http) = http_receiver(&[], &["-v"]);
    let args = ["--name", "garden", "--codec", "h264", "--width", "320", "--height", "240", "--fps", "30"];
    let _garden = sender(port, &[&args[..], &["--secs", "60"]].concat());
    recv.wait_for("camera garden", 20);
    // Today's URL and the camera's own page read the same feeds.
    for path in ["/snapshot.jpg", "/cam/garden/snapshot.jpg"] {
        let got = poll_until(path, 20, || Some(http_get(http, path)).filter(|r| r.status == 200));
        assert_eq!(got.header("content-type"), Some("image/jpeg"), "{path}");
    }
    assert_eq!(count(&recv.err(), "live-mp4 sink started"), 1, "one fMP4 muxer: {:?}", recv.err());
    assert_eq!(count(&recv.err(), "h264-pictures sink started"), 1, "one decoder: {:?}", recv.err());
}
