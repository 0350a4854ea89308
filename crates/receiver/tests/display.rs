//! `cam-recv --display`: the window, on a virtual X server (`xvfb-run`),
//! looked at with a screenshot of the whole screen.

use std::{collections::BTreeSet, convert::Infallible, process::Command, time::Instant};

use camwire_testsupport::*;
use embedded_graphics::{
    mono_font::{ascii::FONT_10X20, MonoTextStyle},
    pixelcolor::BinaryColor,
    prelude::{DrawTarget, OriginDimensions, Pixel, Point, Size},
    text::{Baseline, Text},
    Drawable,
};

/// Sends `jpeg` in a loop at 5 fps.
fn send_loop(port: u16, dir: &TempDir, name: &str, jpeg: &[u8]) -> Proc {
    send_loop_as(port, dir, name, jpeg, &[])
}

/// Sends `jpeg` in a loop at 5 fps, with `args` too.
fn send_loop_as(port: u16, dir: &TempDir, name: &str, jpeg: &[u8], args: &[&str]) -> Proc {
    let path = dir.path(name);
    std::fs::write(&path, jpeg).unwrap();
    let source = format!("files:{}", path.display());
    sender(port, &[&["--source", source.as_str(), "--fps", "5", "--loop", "--quiet"], args].concat())
}

/// Waits until the screen shows something other than the black background.
fn wait_for_picture(x: &Xvfb, secs: u64) -> (Rgb, (usize, usize, usize, usize)) {
    poll_until("something other than black on the screen", secs, || {
        let shot = x.screenshot();
        shot.bright_box().map(|b| (shot, b))
    })
}

/// Whether the picture on screen at `(x0, y0, x1, y1)` has `original`'s shape, as a finished
/// frame's does (a screenshot can catch the window between two frames).
fn has_shape_of((x0, y0, x1, y1): (usize, usize, usize, usize), original: &Rgb) -> bool {
    let aspect = ((x1 - x0) as f64 / (y1 - y0) as f64) / (original.width as f64 / original.height as f64);
    (aspect - 1.0).abs() < 0.02
}

/// Compares each quadrant's mean colour on screen with the decoded original.
fn assert_shows_quadrants(shot: &Rgb, (x0, y0, x1, y1): (usize, usize, usize, usize), original: &Rgb) {
    let (w, h) = (x1 - x0, y1 - y0);
    // Scaled to fit with the aspect ratio kept: 4:3 in, 4:3 out.
    assert!(has_shape_of((x0, y0, x1, y1), original), "picture on screen is {w}x{h}, not 4:3");
    let mut worst: f64 = 0.0;
    for (qx, qy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
        // The middle 60% of each quadrant, in screen and in picture coordinates.
        let inner = |size: usize, q: usize| (size * (5 * q + 1) / 10, size * (5 * q + 4) / 10);
        let ((sx0, sx1), (sy0, sy1)) = (inner(w, qx), inner(h, qy));
        let ((px0, px1), (py0, py1)) = (inner(original.width, qx), inner(original.height, qy));
        let on_screen = shot.mean(x0 + sx0, y0 + sy0, x0 + sx1, y0 + sy1);
        let expected = original.mean(px0, py0, px1, py1);
        let d = colour_distance(on_screen, expected);
        eprintln!("quadrant ({qx},{qy}): screen {on_screen:.1?} vs decoded JPEG {expected:.1?}: {d:.2} levels");
        worst = worst.max(d);
    }
    eprintln!("largest difference: {worst:.2} levels");
    assert!(worst <= 6.0, "the window does not show the sent picture (off by {worst:.1} levels)");
}

#[test]
fn display_window_shows_the_sent_picture_under_xvfb() {
    let x = Xvfb::start(1024, 768);
    let dir = TempDir::new("display");
    let original = quadrants(320, 240);
    let jpeg = original.to_jpeg(90);
    let decoded = Rgb::from_jpeg(&jpeg);
    let (recv, port) = Proc::spawn_env_receiver(&x.env(), &["--display"]);
    assert_eq!(x.screenshot().bright_box(), None, "the screen should be black before the first frame");
    let started = Instant::now();
    let _send = send_loop(port, &dir, "quad.jpg", &jpeg);
    let line = recv.wait_for("first picture", 10);
    eprintln!("first picture line {:.0} ms after cam-send started: {line}", started.elapsed().as_secs_f64() * 1e3);
    let (shot, bright) = wait_for_picture(&x, 10);
    eprintln!(
        "picture on screen at {bright:?}, {:.0} ms after cam-send started",
        started.elapsed().as_secs_f64() * 1e3
    );
    assert_shows_quadrants(&shot, bright, &decoded);
}

#[test]
fn display_without_an_x_display_is_a_one_line_error_at_start() {
    let out = run(Command::new(bin("cam-recv"))
        .args(["--listen", "127.0.0.1:0", "--display"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
    assert!(stderr.contains("--display needs an X display: DISPLAY is not set"), "{stderr}");
    assert!(!stderr.contains("listening on"), "{stderr}");
}

#[test]
fn esc_in_the_only_window_ends_the_receiver_with_status_0() {
    need_tool("xdotool", "xdotool");
    let x = Xvfb::start(800, 600);
    let dir = TempDir::new("display-esc");
    let (mut recv, port) = Proc::spawn_env_receiver(&x.env(), &["--display"]);
    let _send = send_loop(port, &dir, "quad.jpg", &quadrants(160, 120).to_jpeg(90));
    recv.wait_for("first picture", 10);
    press_escape(&x);
    let status = recv.wait(10);
    assert!(status.success(), "cam-recv exited with {status}");
    assert!(recv.err().iter().any(|l| l.contains("window closed; it was the only sink")), "{:?}", recv.err());
}

#[test]
fn esc_with_other_sinks_closes_only_the_window() {
    need_tool("xdotool", "xdotool");
    let x = Xvfb::start(800, 600);
    let dir = TempDir::new("display-esc-http");
    let (recv, port, http) = http_receiver(&x.env(), &["--display"]);
    let _send = send_loop(port, &dir, "quad.jpg", &quadrants(160, 120).to_jpeg(90));
    recv.wait_for("first picture", 10);
    press_escape(&x);
    recv.wait_for("window closed; --display stopped, receiving goes on", 10);
    // Receiving goes on: more frames arrive after the window closed.
    let frames = |s: serde_json::Value| s["frames"].as_u64().unwrap();
    let at_close = frames(status_json(http));
    wait_until("frames after the window closed", 10, || frames(status_json(http)) > at_close + 2);
    assert_eq!(http_get(http, "/snapshot.jpg").status, 200, "the web view should still serve");
}

#[test]
fn esc_with_publish_closes_only_the_window_and_publishing_goes_on() {
    need_tool("xdotool", "xdotool");
    need_tool("ffmpeg", "ffmpeg");
    let x = Xvfb::start(800, 600);
    let dir = TempDir::new("display-esc-publish");
    // The publication: MPEG-TS over UDP to a port of this test.
    let server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let url = format!("udp://127.0.0.1:{}", server.local_addr().unwrap().port());
    let (recv, port) = Proc::spawn_env_receiver(&x.env(), &["--display", "--publish", &url]);
    let _send = send_loop(port, &dir, "quad.jpg", &quadrants(160, 120).to_jpeg(90));
    recv.wait_for("first picture", 10);
    recv.wait_for("--publish: publishing to", 20);
    press_escape(&x);
    recv.wait_for("window closed; --display stopped, receiving goes on", 10);
    // Publishing goes on: after what was sent before the close, more datagrams arrive.
    server.set_nonblocking(true).unwrap();
    let mut datagram = [0u8; 2048];
    while server.recv(&mut datagram).is_ok() {}
    server.set_nonblocking(false).unwrap();
    server.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let len = server.recv(&mut datagram).expect("the publication goes on after the window closed");
    assert_eq!(datagram[0], 0x47, "MPEG-TS packets: {:?}", &datagram[..len.min(8)]);
    assert!(is_listening(port), "cam-recv should still take senders: {:?}", recv.err());
}

#[test]
fn display_http_and_record_run_together() {
    let x = Xvfb::start(1024, 768);
    let dir = TempDir::new("display-all");
    let record = dir.path("out.mjpeg");
    let original = quadrants(320, 240);
    let jpeg = original.to_jpeg(90);
    let (mut recv, port, http) = http_receiver(&x.env(), &["--display", "--record", record.to_str().unwrap()]);
    let mut send = sender(
        port,
        &[
            "--source",
            &format!("files:{}", write(&dir, "q.jpg", &jpeg)),
            "--no-stamp",
            "--fps",
            "10",
            "--loop",
            "--frames",
            "20",
        ],
    );
    let mut parts = mjpeg_stream(http);
    let part = parts.next_part().expect("a part from the web view");
    assert_eq!(part.body, jpeg, "the web view sends the JPEG exactly as received");
    let (shot, bright) = wait_for_picture(&x, 10);
    assert_shows_quadrants(&shot, bright, &Rgb::from_jpeg(&jpeg));
    assert!(send.wait(20).success());
    recv.wait_for("summary:", 10);
    let recorded = std::fs::read(&record).unwrap();
    assert_eq!(recorded.len(), jpeg.len() * 20, "--record got every frame");
    recv.signal("TERM");
    assert!(recv.wait(10).success(), "cam-recv should exit 0 on SIGTERM with a viewer and a window open");
}

/// Focuses the cam-recv window and presses Esc as a person would (held for 100 ms).
fn press_escape(x: &Xvfb) {
    let out = run(Command::new("xdotool").args(["search", "--onlyvisible", "--name", "cam-recv"]).envs(x.env()));
    let window = String::from_utf8_lossy(&out.stdout).lines().next().expect("the cam-recv window").to_string();
    let out = run(Command::new("xdotool")
        .args(["windowfocus", "--sync", &window, "keydown", "Escape", "sleep", "0.1", "keyup", "Escape"])
        .envs(x.env()));
    assert!(out.status.success(), "xdotool: {}", String::from_utf8_lossy(&out.stderr));
}

fn write(dir: &TempDir, name: &str, data: &[u8]) -> String {
    let path = dir.path(name);
    std::fs::write(&path, data).unwrap();
    path.display().to_string()
}

/// Sends `picture` as raw H.264 from ffmpeg's libx264 (B-frames, one IDR for the whole run) at 10 fps.
fn libx264_loop(port: u16, dir: &TempDir, picture: &Rgb) -> Proc {
    need_tool("ffmpeg", "ffmpeg");
    let ppm = dir.path("picture.ppm");
    let mut data = format!("P6\n{} {}\n255\n", picture.width, picture.height).into_bytes();
    data.extend_from_slice(&picture.data);
    std::fs::write(&ppm, data).unwrap();
    Proc::spawn(
        Command::new("ffmpeg")
            .args(["-hide_banner", "-v", "error", "-re", "-loop", "1", "-framerate", "10", "-i"])
            .arg(&ppm)
            .args(["-pix_fmt", "yuv420p", "-c:v", "libx264", "-g", "600", "-f", "h264"])
            .arg(format!("tcp://127.0.0.1:{port}")),
    )
}

/// The title of the cam-recv window, once it matches `pattern` (an xdotool regular expression).
fn wait_for_title(x: &Xvfb, pattern: &str, secs: u64) -> String {
    need_tool("xdotool", "xdotool");
    poll_until(&format!("a window title matching {pattern:?}"), secs, || {
        let out = run(Command::new("xdotool").args(["search", "--name", pattern]).envs(x.env()));
        let window = String::from_utf8_lossy(&out.stdout).lines().next()?.to_string();
        let name = run(Command::new("xdotool").args(["getwindowname", &window]).envs(x.env()));
        Some(String::from_utf8_lossy(&name.stdout).trim().to_string())
    })
}

#[test]
fn h264_stream_is_decoded_and_shown_in_the_window() {
    let x = Xvfb::start(1024, 768);
    let dir = TempDir::new("display-h264");
    let original = quadrants(320, 240);
    // libx264's lookahead keeps ffmpeg silent for about 4 s at 10 fps: longer than the default handshake.
    let (recv, port) = Proc::spawn_env_receiver(&x.env(), &["--display", "--handshake-timeout", "30"]);
    let _send = libx264_loop(port, &dir, &original);
    recv.wait_for("first picture", 20);
    let (shot, bright) = wait_for_picture(&x, 10);
    assert_shows_quadrants(&shot, bright, &original);
    let title = wait_for_title(&x, "^cam-recv: 320x240 h264  [0-9.]+ fps", 10);
    eprintln!("window title: {title}");
    assert!(!title.contains("latency"), "libx264's frames carry no capture time: {title}");
}

#[test]
fn h264_window_title_gives_size_kind_fps_and_latency() {
    let x = Xvfb::start(800, 600);
    let (_recv, port) = Proc::spawn_env_receiver(&x.env(), &["--display"]);
    let _send = sender(port, &["--source", "test", "--codec", "h264", "--fps", "10", "--quiet"]);
    let title = wait_for_title(
        &x,
        "^cam-recv: 640x480 h264  [0-9.]+ fps  latency [0-9.]+ ms  [0-9]+ skipped  camera [a-z0-9_-]+ from ",
        10,
    );
    eprintln!("window title: {title}");
    let ms: f64 = title.split("latency ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!((0.0..1000.0).contains(&ms), "capture-to-arrival latency on one host: {ms} ms");
    let (shot, (x0, y0, x1, y1)) = wait_for_picture(&x, 10);
    // The test pattern fills the frame with bars: the picture on screen is 4:3 and colourful.
    let aspect = (x1 - x0) as f64 / (y1 - y0) as f64;
    assert!((aspect - 4.0 / 3.0).abs() < 0.03, "picture on screen is {}x{}", x1 - x0, y1 - y0);
    let mean = shot.mean(x0, y0, x1, y1);
    assert!(mean.iter().all(|c| *c > 40.0), "the bars are on screen: mean colour {mean:.1?}");
}

/// A picture pixel: bright, and not the white of a camera's name.
fn is_picture(p: [u8; 3]) -> bool {
    is_bright(p) && p != [255; 3]
}

fn is_white(p: [u8; 3]) -> bool {
    p == [255; 3]
}

type Box = (usize, usize, usize, usize);

/// Two pictures with a gap between them, side by side or one above the
/// other, and each one's label (its white text) above it, in reading order:
/// ((first picture, its label), (second picture, its label)).
fn two_cells(shot: &Rgb) -> Option<((Box, Box), (Box, Box))> {
    let all = shot.find_box((0, 0, shot.width, shot.height), is_picture)?;
    let (mid_x, mid_y) = ((all.0 + all.2) / 2, (all.1 + all.3) / 2);
    let split = |first: Box, second: Box| {
        let a = shot.find_box(first, is_picture)?;
        let b = shot.find_box(second, is_picture)?;
        // Not one picture across the middle: a gap between the two.
        (a.2 < b.0 || a.3 < b.1).then_some((a, b))
    };
    let (a, b) = split((all.0, all.1, mid_x, all.3), (mid_x, all.1, all.2, all.3))
        .or_else(|| split((all.0, all.1, all.2, mid_y), (all.0, mid_y, all.2, all.3)))?;
    // Each label: white on the rows above its picture, within its columns.
    let label = |p: Box, top: usize| shot.find_box((p.0, top, p.2, p.1), is_white);
    let top_of_b = if b.1 > a.3 { a.3 } else { 0 };
    Some(((a, label(a, 0)?), (b, label(b, top_of_b)?)))
}

/// The pixels of `text` in the font cam-recv writes camera names in, from the top left of their box.
fn rendered(text: &str) -> BTreeSet<(usize, usize)> {
    struct Collect(BTreeSet<(i32, i32)>);
    impl OriginDimensions for Collect {
        fn size(&self) -> Size {
            Size::new(1000, 100)
        }
    }
    impl DrawTarget for Collect {
        type Color = BinaryColor;
        type Error = Infallible;
        fn draw_iter<I: IntoIterator<Item = Pixel<BinaryColor>>>(&mut self, pixels: I) -> Result<(), Infallible> {
            self.0.extend(pixels.into_iter().filter(|Pixel(_, c)| c.is_on()).map(|Pixel(p, _)| (p.x, p.y)));
            Ok(())
        }
    }
    let mut out = Collect(BTreeSet::new());
    let style = MonoTextStyle::new(&FONT_10X20, BinaryColor::On);
    let Ok(_) = Text::with_baseline(text, Point::zero(), style, Baseline::Top).draw(&mut out);
    let (x0, y0) = (out.0.iter().map(|p| p.0).min().unwrap(), out.0.iter().map(|p| p.1).min().unwrap());
    out.0.iter().map(|&(x, y)| ((x - x0) as usize, (y - y0) as usize)).collect()
}

/// The white pixels of `label` on screen, from its top left.
fn on_screen(shot: &Rgb, (x0, y0, x1, y1): Box) -> BTreeSet<(usize, usize)> {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| is_white(shot.pixel(x, y)))
        .map(|(x, y)| (x - x0, y - y0))
        .collect()
}

/// Checks a cell: its picture shows `original`, and above it is `name`, written as cam-recv writes names.
fn assert_cell(shot: &Rgb, (picture, label): (Box, Box), original: &Rgb, name: &str) {
    eprintln!("camera {name}: picture at {picture:?}, label at {label:?}");
    assert_shows_quadrants(shot, picture, original);
    assert!(label.3 <= picture.1, "the name {name} is above its picture, never over it");
    assert!(on_screen(shot, label) == rendered(name), "the label of the cell at {picture:?} does not read {name}");
}

/// Four flat quadrants of other colours than [`quadrants`]': cyan, magenta / orange, lilac.
fn other_quadrants(width: usize, height: usize) -> Rgb {
    const COLOURS: [[u8; 3]; 4] = [[40, 200, 200], [200, 40, 200], [230, 140, 40], [120, 120, 220]];
    Rgb::from_fn(width, height, |x, y| COLOURS[usize::from(x >= width / 2) + 2 * usize::from(y >= height / 2)])
}

#[test]
fn two_cameras_share_the_window_in_labelled_cells_that_come_and_go_with_them() {
    let x = Xvfb::start(1024, 768);
    let dir = TempDir::new("display-grid");
    // door 4:3, garden 16:9: each keeps its own shape in its cell.
    let (door, garden) = (quadrants(320, 240), other_quadrants(320, 180));
    let (door_jpeg, garden_jpeg) = (door.to_jpeg(90), garden.to_jpeg(90));
    let (door, garden) = (Rgb::from_jpeg(&door_jpeg), Rgb::from_jpeg(&garden_jpeg));
    let (recv, port) = Proc::spawn_env_receiver(&x.env(), &["--display"]);
    let _door = send_loop_as(port, &dir, "door.jpg", &door_jpeg, &["--name", "door"]);
    recv.wait_for("first picture of camera door", 10);
    let mut garden_send = send_loop_as(port, &dir, "garden.jpg", &garden_jpeg, &["--name", "garden"]);
    recv.wait_for("first picture of camera garden", 10);
    // Cells in name order: door first (left or above), garden second.
    let (shot, (left, right)) =
        poll_until("two labelled cells on the screen, each picture its camera's shape", 10, || {
            let shot = x.screenshot();
            let cells = two_cells(&shot).filter(|(l, r)| has_shape_of(l.0, &door) && has_shape_of(r.0, &garden));
            cells.map(|cells| (shot, cells))
        });
    assert_cell(&shot, left, &door, "door");
    assert_cell(&shot, right, &garden, "garden");
    let title = wait_for_title(&x, "^cam-recv: 2 cameras  door [0-9.]+ fps  garden [0-9.]+ fps$", 10);
    eprintln!("window title: {title}");

    // garden stops: door alone fills the window again, with no label.
    garden_send.signal("TERM");
    assert!(garden_send.wait(20).success());
    let (shot, alone) = poll_until("one picture, unlabelled, on the screen", 10, || {
        let shot = x.screenshot();
        let white = shot.find_box((0, 0, shot.width, shot.height), is_white);
        let picture = shot.find_box((0, 0, shot.width, shot.height), is_picture)?;
        (white.is_none() && two_cells(&shot).is_none()).then_some((shot, picture))
    });
    assert_shows_quadrants(&shot, alone, &door);
    let grid = (left.0 .0.min(right.0 .0), right.0 .2.max(left.0 .2));
    assert!(alone.2 - alone.0 + 10 > grid.1 - grid.0, "door fills the window's width ({grid:?}): {alone:?}");
    wait_for_title(&x, "^cam-recv: 320x240 jpeg .* camera door from ", 10);

    // garden comes back: its cell with it.
    let _garden = send_loop_as(port, &dir, "garden.jpg", &garden_jpeg, &["--name", "garden"]);
    let (shot, (left, right)) = poll_until("two labelled cells again, each picture its camera's shape", 10, || {
        let shot = x.screenshot();
        let cells = two_cells(&shot).filter(|(l, r)| has_shape_of(l.0, &door) && has_shape_of(r.0, &garden));
        cells.map(|cells| (shot, cells))
    });
    assert_cell(&shot, left, &door, "door");
    assert_cell(&shot, right, &garden, "garden");
}
