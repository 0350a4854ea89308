//! `cam-recv --http` with several cameras: the page at `/` shows a tile for
//! every live camera, each playing its own camera's stream, and follows the
//! cameras as they come and go; checked in headless Chromium, on the pixels
//! of its screenshots.

use camwire_testsupport::*;
use serde_json::Value;

/// The JPEG camera's picture: one flat colour, far from every colour bar of the test pattern.
const SKY: [u8; 3] = [40, 120, 220];
/// Two of the test pattern's 75% bars, in RGB.
const YELLOW: [u8; 3] = [191, 191, 0];
const CYAN: [u8; 3] = [0, 191, 191];

/// Each tile in the page's order: its camera, link, caption and the picture's rectangle (CSS pixels).
const TILES: &str = "[...document.querySelectorAll('#tile-list .tile')].map((t) => {
    const m = t.querySelector('video, canvas, img');
    const r = m ? m.getBoundingClientRect() : null;
    return { camera: t.dataset.camera, href: t.querySelector('a').getAttribute('href'), caption: t.textContent,
             media: m ? m.tagName.toLowerCase() : null, rect: r && [r.left, r.top, r.right, r.bottom] };
})";

/// The tiles the page shows now, once the page answers.
fn tiles(page: &mut Browser) -> Vec<Value> {
    page.eval(TILES).as_array().cloned().unwrap_or_default()
}

/// The cameras of the tiles shown now.
fn cameras(tiles: &[Value]) -> Vec<String> {
    tiles.iter().map(|t| t["camera"].as_str().unwrap().to_string()).collect()
}

/// The part of `shot` inside `tile`'s picture, a tenth in from each edge.
fn picture_of(shot: &Rgb, tile: &Value, css_width: f64) -> Rgb {
    let scale = shot.width as f64 / css_width;
    let r: Vec<f64> = tile["rect"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() * scale).collect();
    let (dx, dy) = ((r[2] - r[0]) / 10.0, (r[3] - r[1]) / 10.0);
    let (x0, y0) = ((r[0] + dx) as usize, (r[1] + dy) as usize);
    let (x1, y1) = (((r[2] - dx) as usize).min(shot.width), ((r[3] - dy) as usize).min(shot.height));
    assert!(x1 > x0 + 10 && y1 > y0 + 10, "tile {tile} is not on the screen ({}x{})", shot.width, shot.height);
    Rgb::from_fn(x1 - x0, y1 - y0, |x, y| shot.pixel(x0 + x, y0 + y))
}

/// Whether `picture` is the test pattern: yellow and cyan bars, none of the JPEG camera's colour.
fn is_test_pattern(picture: &Rgb) -> bool {
    let n = picture.width * picture.height;
    picture.count_near(YELLOW, 40) * 20 > n
        && picture.count_near(CYAN, 40) * 20 > n
        && picture.count_near(SKY, 30) * 100 < n
}

/// Whether `picture` is the JPEG camera's flat colour.
fn is_sky(picture: &Rgb) -> bool {
    let n = picture.width * picture.height;
    picture.count_near(SKY, 24) * 10 > n * 9
}

/// Waits until the page shows a tile for each of `want` (in order), each showing its own camera's picture.
fn wait_for_pictures(page: &mut Browser, want: &[&str], secs: u64) -> Vec<Value> {
    let waited = std::time::Instant::now();
    loop {
        let now = tiles(page);
        let last = if cameras(&now) == want && now.iter().all(|t| t["rect"].is_array()) {
            let css_width = page.eval("window.innerWidth").as_f64().unwrap();
            let shot = page.screenshot();
            let shown: Vec<bool> = now
                .iter()
                .map(|t| {
                    let picture = picture_of(&shot, t, css_width);
                    if t["camera"] == "a" {
                        is_test_pattern(&picture)
                    } else {
                        is_sky(&picture)
                    }
                })
                .collect();
            if shown.iter().all(|&s| s) {
                return now;
            }
            format!("{now:?}: showing their pictures {shown:?}")
        } else {
            format!("{now:?}")
        };
        assert!(
            waited.elapsed().as_secs() < secs,
            "tiles of {want:?} with their pictures: not within {secs} s; last {last}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn the_page_shows_a_tile_for_each_live_camera_and_follows_them_without_a_reload() {
    let dir = TempDir::new("http-tiles");
    let sky = dir.path("sky.jpg");
    std::fs::write(&sky, Rgb::from_fn(320, 240, |_, _| SKY).to_jpeg(90)).unwrap();
    let b_args = ["--name", "b", "--source", &format!("files:{}", sky.display()), "--fps", "10", "--loop", "--quiet"];
    let (recv, port, http) = http_receiver(&[], &[]);
    let _a = sender(port, &["--name", "a", "--codec", "h264", "--width", "320", "--height", "240", "--fps", "15"]);
    recv.wait_for("camera a", 10);

    // One camera: / is its page, as it always was.
    let profile = TempDir::new("chromium-tiles-profile");
    let mut page = Browser::open(&format!("http://127.0.0.1:{http}/"), &profile, (800, 600));
    poll_until("the one camera's page", 20, || {
        let at = page
            .try_eval("document.getElementById('sender').textContent + ' ' + document.getElementById('tiles').hidden");
        at.ok().filter(|at| at.as_str().is_some_and(|at| at.starts_with("sender ") && at.ends_with(" true")))
    });
    // The bar splits the latency by stage: camera a's cam-send stamps when it encoded and sent each frame.
    let stages = poll_until("the latency by stage in the bar", 20, || {
        let text = page.try_eval("document.getElementById('stages').textContent").ok()?;
        text.as_str().filter(|t| ["encode ", "send ", "network "].iter().all(|s| t.contains(s))).map(String::from)
    });
    eprintln!("{stages}");
    // Marks that a reload would lose.
    page.eval("window.notReloaded = true");

    // A second camera: the page turns into tiles, each showing its own camera's picture.
    let mut b = sender(port, &b_args);
    recv.wait_for("camera b", 10);
    let shown = wait_for_pictures(&mut page, &["a", "b"], 30);
    // H.264 plays in the browser's decoder, JPEG is drawn on a canvas; each tile opens its camera's page.
    let media: Vec<&str> = shown.iter().map(|t| t["media"].as_str().unwrap()).collect();
    assert_eq!(media, ["video", "canvas"], "{shown:?}");
    let links: Vec<&str> = shown.iter().map(|t| t["href"].as_str().unwrap()).collect();
    assert_eq!(links, ["/cam/a/", "/cam/b/"]);
    assert_eq!(page.eval("document.querySelector('main:not(#tiles)').hidden"), true, "one camera's view is hidden");
    // Each caption: the camera's name, size, rate and latency (both streams carry capture times).
    let captions = poll_until("captions with size, rate and latency", 10, || {
        let now = tiles(&mut page);
        let captions: Vec<String> = now.iter().map(|t| t["caption"].as_str().unwrap().to_string()).collect();
        let done = captions.iter().all(|c| c.contains(" fps") && c.contains("latency"));
        done.then_some(captions)
    });
    eprintln!("captions: {captions:?}");
    assert!(captions[0].starts_with("a 320x240 h264") && captions[0].contains("kbit/s"), "{captions:?}");
    assert!(captions[1].starts_with("b 320x240 jpeg"), "{captions:?}");
    // Stages each sender stamps: a's own encoder all three; b's files come encoded, so no encode stage.
    let captions = poll_until("captions with stages", 10, || {
        let now = tiles(&mut page);
        let captions: Vec<String> = now.iter().map(|t| t["caption"].as_str().unwrap().to_string()).collect();
        captions.iter().all(|c| c.contains("network ")).then_some(captions)
    });
    assert!(["encode ", "send "].iter().all(|s| captions[0].contains(s)), "{captions:?}");
    assert!(!captions[1].contains("encode ") && !captions[1].contains("send "), "{captions:?}");

    // A mark that a rebuilt tile would lose.
    page.eval("document.querySelector('[data-camera=a] video').dataset.kept = '1'");
    b.signal("TERM");
    b.wait(10);
    let gone = poll_until("camera b's tile gone", 10, || {
        let now = tiles(&mut page);
        (cameras(&now) == ["a"]).then_some(now)
    });
    eprintln!("after b stopped: {gone:?}");
    let _b = sender(port, &b_args);
    wait_for_pictures(&mut page, &["a", "b"], 20);
    assert_eq!(page.eval("window.notReloaded === true"), true, "the page was not reloaded");
    assert_eq!(page.eval("document.querySelector('[data-camera=a] video').dataset.kept"), "1", "a's tile played on");

    // A tile opens its camera's own page.
    page.eval("document.querySelector('[data-camera=b] a').click()");
    let opened = poll_until("camera b's own page", 10, || {
        let at = page.try_eval("location.pathname + ' ' + document.getElementById('tiles').hidden").ok()?;
        (at == "/cam/b/ true").then_some(at)
    });
    eprintln!("opened {opened}");
}
