//! `cam-recv --http` over WebRTC (WHEP) to WebRTC implementations other than
//! Chromium's libwebrtc (http_webrtc.rs): Firefox ESR (its own ICE, nICEr;
//! NSS's DTLS; H.264 decoded by the system's FFmpeg) playing the page, and
//! aiortc (Python; aioice, OpenSSL's DTLS, libsrtp, FFmpeg through PyAV) as a
//! WHEP tool would use it.

use std::{ffi::OsStr, process::Command};

use camwire_testsupport::*;

fn status(http: u16) -> serde_json::Value {
    status_json(http)
}

/// WebRTC viewers in `/status`'s list.
fn webrtc_viewers(http: u16) -> usize {
    let s = status(http);
    s["viewer_list"].as_array().map_or(0, |l| l.iter().filter(|v| v["mode"] == "webrtc").count())
}

/// aiortc's WHEP viewer (testsupport's peers/whep_client.py) decoding `frames` frames from `url`,
/// the last one written to `picture`.
fn aiortc_viewer(url: &str, frames: usize, picture: &std::path::Path) -> Proc {
    need_tool("python3", "python3");
    let found = Command::new("python3").args(["-c", "import aiortc"]).output().is_ok_and(|o| o.status.success());
    assert!(found, "Python's aiortc is needed by this test: `scripts/setup test` installs it (pip install aiortc)");
    Proc::spawn(Command::new("python3").arg(peer("whep_client.py")).arg(url).arg(frames.to_string()).arg(picture))
}

/// A decoded frame's line: `frame N WIDTHxHEIGHT pts=PTS mean=R,G,B`.
struct Frame {
    size: (u32, u32),
    pts: i64,
    mean: [f64; 3],
}

fn frames(lines: &[String]) -> Vec<Frame> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix("frame "))
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            let (w, h) = f[1].split_once('x').unwrap();
            let mean: Vec<f64> = f[3].strip_prefix("mean=").unwrap().split(',').map(|c| c.parse().unwrap()).collect();
            Frame {
                size: (w.parse().unwrap(), h.parse().unwrap()),
                pts: f[2].strip_prefix("pts=").unwrap().parse().unwrap(),
                mean: [mean[0], mean[1], mean[2]],
            }
        })
        .collect()
}

/// The test pattern's 75% bars in RGB (black left out: the digits' background is black too).
const BARS: [[u8; 3]; 7] =
    [[191, 191, 191], [191, 191, 0], [0, 191, 191], [0, 191, 0], [191, 0, 191], [191, 0, 0], [0, 0, 191]];

/// Fails unless `shot` is the test pattern: every bar on the whole picture, and on its bottom
/// quarter (below the counter, where a frame cut short would be grey or garbage), 1/8 of the
/// width each less what the box hides; and the bars straight, top to bottom (a decoder hiding a
/// slice it lost paints an older picture's bars there, shifted).
fn assert_test_pattern(shot: &Rgb) {
    let (high, low) = (shot.height * 3 / 8, shot.height - 4);
    let straight = (0..shot.width)
        .filter(|&x| {
            let (a, b) = (shot.pixel(x, high), shot.pixel(x, low));
            (0..3).all(|c| a[c].abs_diff(b[c]) <= 40)
        })
        .count();
    // The box (1/8 of the width) may be on one of the two rows.
    assert!(
        straight * 4 >= shot.width * 3,
        "the bars are not straight: {straight} of {} columns agree between rows {high} and {low}",
        shot.width
    );
    let bottom = Rgb::from_fn(shot.width, shot.height / 4, |x, y| shot.pixel(x, shot.height * 3 / 4 + y));
    for (part, share) in [(shot, 20), (&bottom, 40)] {
        let n = part.width * part.height;
        for bar in BARS {
            let near = part.count_near(bar, 40);
            assert!(near * share > n, "bar {bar:?} covers {near} of {n} pixels: not the test pattern");
        }
    }
}

#[test]
fn aiortc_plays_h264_over_whep_at_the_sent_size_with_the_test_pattern() {
    let dir = TempDir::new("aiortc-whep");
    let picture = dir.path("last.ppm");
    let (_recv, port, http) = http_receiver(&[], &["--webrtc-port", "0"]);
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "640", "--height", "480"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");

    let mut viewer = aiortc_viewer(&format!("http://127.0.0.1:{http}/whep"), 60, &picture);
    viewer.wait_for("answer 201 /whep/", 30);
    viewer.wait_for("frame 1 ", 60);
    assert_eq!(webrtc_viewers(http), 1, "the session is a WebRTC viewer: {}", status(http));
    let s = status(http);
    assert_eq!(s["jpeg_encoded"], 0, "WebRTC sends the H.264 as it came: no JPEG made ({s})");
    assert_eq!(s["h264_decoded"], 0, "nothing is decoded here for a WebRTC viewer ({s})");
    viewer.wait_for("deleted 200", 60);
    let exit = viewer.wait(30);
    let out = viewer.out();
    assert!(exit.success(), "{out:?} {:?}", viewer.err());

    // The sent size, frame after frame, and frames that advance: each a later capture than the one
    // before (RTP time, 90 kHz) and a picture that moves (the bars scroll, the counter counts).
    let got = frames(&out);
    assert_eq!(got.len(), 60, "{out:?}");
    assert!(got.iter().all(|f| f.size == (640, 480)), "{out:?}");
    assert!(got.windows(2).all(|w| w[1].pts > w[0].pts), "frames in capture order: {out:?}");
    let span_ms = (got[59].pts - got[0].pts) as f64 / 90.0;
    assert!(span_ms >= 59.0 * 1000.0 / 30.0 * 0.9, "60 frames of a 30 fps camera span {span_ms} ms: {out:?}");
    assert!(got.windows(2).any(|w| colour_distance(w[0].mean, w[1].mean) > 0.0), "a picture that moves: {out:?}");

    // The picture is the test pattern: every bar on it, and its mean colour is the receiver's own
    // decode of the stream (the bars scroll, so only roughly).
    let shot = Rgb::from_ppm(&std::fs::read(&picture).expect("the viewer's last frame"));
    assert_eq!((shot.width, shot.height), (640, 480));
    assert_test_pattern(&shot);
    let snapshot = http_get(http, "/snapshot.jpg");
    assert_eq!(snapshot.status, 200);
    let snapshot = Rgb::from_jpeg(&snapshot.body);
    let (theirs, ours) =
        (shot.mean(0, 0, shot.width, shot.height), snapshot.mean(0, 0, snapshot.width, snapshot.height));
    eprintln!("mean colour: aiortc {theirs:.1?}, receiver {ours:.1?}");
    assert!(colour_distance(theirs, ours) < 30.0, "aiortc shows {theirs:.1?}, the stream is {ours:.1?}");

    // Its DELETE ended the session.
    wait_until("the session freed", 10, || webrtc_viewers(http) == 0 && status(http)["viewers"] == 0);
}

/// The address the Firefox test's network namespace puts on its loopback device beside 127.0.0.1.
const NS_ADDR: &str = "10.77.0.1";

/// A network namespace of the test's own (inside a user namespace, so root is not needed) whose
/// only device is its loopback, with [`NS_ADDR`] on it beside 127.0.0.1. Firefox gathers no ICE
/// candidate on 127.0.0.1 (nICEr drops loopback addresses, and `media.peerconnection.ice.loopback`
/// no longer brings them back), so it could not reach a receiver on 127.0.0.1; it does gather one
/// on NS_ADDR, and nothing in the namespace can reach past it.
struct Netns {
    /// `sleep`, holding the namespace open; killed on drop.
    holder: Proc,
}

impl Netns {
    fn new() -> Netns {
        need_tool("unshare", "util-linux");
        need_tool("nsenter", "util-linux");
        need_tool("ip", "iproute2");
        let holder = Proc::spawn(Command::new("unshare").args(["--user", "--map-root-user", "--net", "sh", "-c"]).arg(
            format!("ip link set lo up && ip addr add {NS_ADDR}/32 dev lo && echo namespace ready && exec sleep 3600"),
        ));
        // A machine that forbids user namespaces (sysctl kernel.unprivileged_userns_clone=0, a
        // container's seccomp profile) fails here, with unshare's own line in the panic.
        holder.wait_for("namespace ready", 20);
        Netns { holder }
    }

    /// `program`, to be run inside the namespace.
    fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new("nsenter");
        cmd.arg(format!("--target={}", self.holder.pid())).args(["--user", "--net", "--preserve-credentials"]);
        cmd.arg(program);
        cmd
    }

    /// The body of a GET of `path` from the web view on port `http` in the namespace.
    fn get(&self, http: u16, path: &str) -> Vec<u8> {
        let url = format!("http://{NS_ADDR}:{http}{path}");
        let mut curl = self.command("curl");
        let out = curl.args(["--silent", "--show-error", "--fail", "--max-time", "20"]).arg(&url).output();
        let out = out.expect("curl in the namespace");
        assert!(out.status.success(), "GET {url}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }

    fn status(&self, http: u16) -> serde_json::Value {
        serde_json::from_slice(&self.get(http, "/status")).expect("/status is JSON")
    }
}

/// A fresh Firefox profile's prefs. Firefox's WebRTC offers H.264 only with Cisco's OpenH264
/// plugin, which it downloads at run time (not possible here, nor in many a Linux package), or
/// where its graphics blocklist lets the "hardware" H.264 path run: that path decodes with the
/// platform decoder, the system's FFmpeg (libavcodec). The blocklist's cached verdict for it is a
/// pref, 1 meaning "fine".
const FIREFOX_PREFS: &str = r#"
user_pref("media.webrtc.hw.h264.enabled", true);
user_pref("gfx.blacklist.webrtc.hw.acceleration.h264", 1);
user_pref("media.navigator.mediadatadecoder_h264_enabled", true);
user_pref("media.gmp-gmpopenh264.enabled", false);
user_pref("media.gmp-manager.updateEnabled", false);
user_pref("media.autoplay.default", 0);
user_pref("marionette.port", 2828);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
"#;

/// Headless Firefox ESR in `ns`, a fresh profile in `profile`, showing `url`.
fn firefox(ns: &Netns, profile: &TempDir, url: &str) -> Proc {
    need_tool("firefox-esr", "firefox-esr");
    std::fs::write(profile.path("user.js"), FIREFOX_PREFS).expect("the profile's user.js");
    Proc::spawn(
        ns.command("firefox-esr")
            .args(["--headless", "--no-remote", "--marionette", "--profile"])
            .arg(&profile.0)
            .arg(url)
            .env("MOZ_CRASHREPORTER_DISABLE", "1"),
    )
}

/// The first WebRTC viewer in `/status`'s list, once its page reports a screen.
fn ns_screen(ns: &Netns, http: u16) -> Option<serde_json::Value> {
    let s = ns.status(http);
    s["viewer_list"].as_array()?.iter().find(|v| v["mode"] == "webrtc" && v["presented"].is_u64()).cloned()
}

#[test]
fn firefox_plays_h264_over_whep_at_the_sent_size_with_the_test_pattern() {
    let ns = Netns::new();
    let profile = TempDir::new("firefox-webrtc-profile");
    let (recv, port) = spawn_receiver(
        ns.command(bin("cam-recv"))
            .args(["--listen", "127.0.0.1:0", "--webrtc-port", "0"])
            .arg("--http")
            .arg(format!("{NS_ADDR}:0")),
    );
    let http = web_view_port(&recv);
    let _send = Proc::spawn(
        ns.command(bin("cam-send"))
            .arg("--to")
            .arg(format!("127.0.0.1:{port}"))
            .args(["--codec", "h264", "--fps", "30", "--width", "640", "--height", "480"]),
    );
    wait_until("the H.264 stream", 20, || ns.status(http)["kind"] == "h264");
    let _firefox = firefox(&ns, &profile, &format!("http://{NS_ADDR}:{http}/?via=webrtc&probe"));
    wait_until("Firefox presenting frames over WebRTC at 640x480", 90, || {
        ns_screen(&ns, http)
            .is_some_and(|v| v["presented"].as_u64() > Some(30) && v["width"] == 640 && v["height"] == 480)
    });
    let s = ns.status(http);
    assert_eq!((s["viewers_h264"].as_u64(), s["viewers_mjpeg"].as_u64()), (Some(0), Some(0)), "{s}");
    assert_eq!(s["jpeg_encoded"], 0, "WebRTC sends the H.264 as it came: no JPEG made ({s})");

    // Frames keep coming.
    let before = ns_screen(&ns, http).unwrap();
    let (frames_before, decoded_before) =
        (ns.status(http)["frames"].as_u64().unwrap(), ns.status(http)["h264_decoded"].clone());
    wait_until("60 more frames sent", 20, || ns.status(http)["frames"].as_u64().unwrap() >= frames_before + 60);
    wait_until("the page's next report", 5, || ns_screen(&ns, http).unwrap()["presented"] != before["presented"]);
    let after = ns_screen(&ns, http).unwrap();
    assert_eq!(ns.status(http)["h264_decoded"], decoded_before, "nothing is decoded here for a WebRTC viewer");
    let frames = ns.status(http)["frames"].as_u64().unwrap() - frames_before;
    let presented = after["presented"].as_u64().unwrap() - before["presented"].as_u64().unwrap();
    eprintln!("{presented} frames presented while {frames} were sent; screen {after}");
    // Playing, not frozen (how many it had time to show is the machine's pace, not asked here).
    assert!(presented * 10 >= frames, "{presented} frames presented while {frames} were sent");

    // The picture is the test pattern: its mean colour as Firefox decoded it is the receiver's own
    // decode of the stream (the bars scroll, so only roughly).
    let probe: Vec<f64> =
        after["probe"].as_array().expect("the page's probe").iter().map(|c| c.as_f64().unwrap()).collect();
    let snapshot = Rgb::from_jpeg(&ns.get(http, "/snapshot.jpg"));
    let mean = snapshot.mean(0, 0, snapshot.width, snapshot.height);
    let distance = colour_distance([probe[0], probe[1], probe[2]], mean);
    eprintln!("mean colour: Firefox {probe:?}, receiver {mean:.1?}");
    assert!(probe.iter().all(|c| *c > 40.0), "the bars are on screen: mean colour {probe:?}");
    assert!(distance < 30.0, "Firefox shows {probe:?}, the stream is {mean:.1?}");

    // The frame Firefox shows, pixel by pixel, taken through Marionette (on port 2828 of the
    // namespace, which no one else shares): the test pattern at the sent size.
    let frame = profile.path("frame.png");
    let taken = ns.command("python3").arg(peer("marionette_frame.py")).arg("2828").arg(&frame).output().unwrap();
    assert!(
        taken.status.success(),
        "Marionette: {}{}",
        String::from_utf8_lossy(&taken.stdout),
        String::from_utf8_lossy(&taken.stderr)
    );
    let shot = Rgb::from_file(&frame);
    assert_eq!((shot.width, shot.height), (640, 480));
    assert_test_pattern(&shot);
}
