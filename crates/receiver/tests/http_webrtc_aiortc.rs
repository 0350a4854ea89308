//! `cam-recv --http` over WebRTC (WHEP) to a second, independent WebRTC
//! implementation: aiortc (Python; aioice, OpenSSL's DTLS, libsrtp, FFmpeg's
//! H.264 decoder through PyAV), as a WHEP tool would use it. Chromium's
//! libwebrtc is tested in http_webrtc.rs; Firefox ESR could not be used here
//! (docs/viewing.md, "Tested viewers", says why).

use std::process::Command;

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
    let n = shot.width * shot.height;
    for bar in BARS {
        let near = shot.count_near(bar, 40);
        assert!(near * 20 > n, "bar {bar:?} covers {near} of {n} pixels: not the test pattern");
    }
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
