//! `--hflip`, `--vflip`, `--rotation 180` and `--annotate` on the test
//! pattern, through the real `cam-send` binary: the decoded picture of a
//! flipped run is the mirror image of the unflipped run's, within JPEG's
//! tolerance; an annotated run differs from the plain one only in its box. Frame 1 of the
//! pattern is the same on every run, and `--no-stamp --raw --frames 1` makes
//! the stream exactly one bare JPEG.

use std::{io::Read, net::TcpListener, process::Command};

/// Block-aligned (16x16 MCUs at 4:2:0), so a mirrored picture is cut into the same blocks.
const W: usize = 256;
const H: usize = 192;

/// The luma of the first frame `cam-send --source test` sends with `flags`.
fn first_frame(flags: &[&str]) -> Vec<u8> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let to = listener.local_addr().unwrap().to_string();
    let (w, h) = (W.to_string(), H.to_string());
    let mut child = Command::new(env!("CARGO_BIN_EXE_cam-send"))
        .args(["--source", "test", "--frames", "1", "--raw", "--no-stamp", "--quality", "95", "--quiet"])
        .args(["--width", &w, "--height", &h, "--to", &to])
        .args(flags)
        .spawn()
        .unwrap();
    let (mut conn, _) = listener.accept().unwrap();
    let mut jpeg = Vec::new();
    conn.read_to_end(&mut jpeg).unwrap();
    assert!(child.wait().unwrap().success(), "cam-send {flags:?} failed");
    let img = turbojpeg::decompress(&jpeg, turbojpeg::PixelFormat::GRAY).unwrap();
    assert_eq!((img.width, img.height), (W, H));
    img.pixels.chunks(img.pitch).flat_map(|row| row[..W].to_vec()).collect()
}

fn mirrored(luma: &[u8], hflip: bool, vflip: bool) -> Vec<u8> {
    let mut out = vec![0; W * H];
    for y in 0..H {
        for x in 0..W {
            let (sx, sy) = (if hflip { W - 1 - x } else { x }, if vflip { H - 1 - y } else { y });
            out[y * W + x] = luma[sy * W + sx];
        }
    }
    out
}

/// Mean absolute difference in luma levels.
fn mean_diff(a: &[u8], b: &[u8]) -> f64 {
    a.iter().zip(b).map(|(&a, &b)| f64::from(a.abs_diff(b))).sum::<f64>() / a.len() as f64
}

fn assert_mirror_of_plain(flags: &[&str], hflip: bool, vflip: bool) {
    let plain = first_frame(&[]);
    let flipped = first_frame(flags);
    let expected = mirrored(&plain, hflip, vflip);
    // The pattern is not symmetric, so the check means something...
    let unchanged = mean_diff(&plain, &expected);
    assert!(unchanged > 4.0, "the pattern looks the same mirrored ({unchanged:.1}): the test proves nothing");
    // ...and the flipped run matches the mirror image up to JPEG's rounding.
    let d = mean_diff(&flipped, &expected);
    eprintln!("{flags:?}: {d:.3} from the mirror image, {unchanged:.1} from the unflipped");
    assert!(
        d < 1.0,
        "cam-send {flags:?}: mean difference {d:.2} from the mirrored picture (vs {unchanged:.1} unflipped)"
    );
}

#[test]
fn hflip_mirrors_the_picture_left_to_right() {
    assert_mirror_of_plain(&["--hflip"], true, false);
}

#[test]
fn vflip_mirrors_the_picture_top_to_bottom() {
    assert_mirror_of_plain(&["--vflip"], false, true);
}

#[test]
fn rotation_180_turns_the_picture_upside_down() {
    assert_mirror_of_plain(&["--rotation", "180"], true, true);
}

#[test]
fn rotation_180_with_hflip_is_a_vflip() {
    assert_mirror_of_plain(&["--rotation", "180", "--hflip"], false, true);
}

#[test]
fn flips_are_refused_where_frames_are_not_encoded_and_quarter_turns_are_refused() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_cam-send")).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, err) = run(&["--to", "127.0.0.1:9", "--source", "stdin", "--hflip"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("files: and stdin are sent as they are"), "{err}");
    let (code, err) = run(&["--to", "127.0.0.1:9", "--rotation", "90"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("use 0 or 180"), "{err}");
}

/// The default build has no camera: a camera control with a camera source is
/// one line saying which build applies it; with another source, one line
/// saying controls are for cameras.
#[test]
fn camera_controls_say_where_they_apply() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_cam-send")).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, err) = run(&["--to", "127.0.0.1:9", "--awb", "sunny", "--source", "libcamera"]);
    assert_eq!(code, Some(2), "a usage error");
    assert!(err.contains("use one of auto, incandescent"), "{err}");
    let (code, err) = run(&["--to", "127.0.0.1:9", "--source", "test", "--awb", "daylight"]);
    let (code2, err2) =
        run(&["--to", "127.0.0.1:9", "--source", "libcamera", "--shutter", "10ms", "--set", "AeEnable=false"]);
    assert_eq!((code, code2), (Some(2), Some(2)), "usage errors");
    if cfg!(feature = "libcamera") {
        assert_eq!(err, "cam-send: --awb sets the camera: it applies to --source libcamera only, not --source test\n");
    } else {
        let rebuild = "rebuild with `cargo build --release -p camwire-sender --features libcamera` (needs \
                       libcamera-dev and libclang-dev)";
        assert_eq!(
            err,
            format!("cam-send: --awb sets a camera, but this cam-send was built without camera support: {rebuild}, or drop --awb\n")
        );
        assert_eq!(
            err2,
            format!(
                "cam-send: --shutter and --set set a camera, but this cam-send was built without camera support: \
                 {rebuild}, or drop --shutter and --set\n"
            )
        );
    }
}

/// The smallest rectangle `(x0, y0, x1, y1)` (ends exclusive) holding every
/// pixel where `a` and `b` differ by more than JPEG's noise.
fn changed_box(a: &[u8], b: &[u8]) -> Option<(usize, usize, usize, usize)> {
    let changed = |i: usize| a[i].abs_diff(b[i]) > 40;
    let (mut x0, mut y0, mut x1, mut y1) = (W, H, 0, 0);
    for i in (0..W * H).filter(|&i| changed(i)) {
        let (x, y) = (i % W, i / W);
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
    }
    (x1 > 0).then_some((x0, y0, x1, y1))
}

/// Mean luma difference inside and outside `area` widened to JPEG's 16x16
/// blocks (a block holding part of the box is re-encoded as a whole).
fn diff_inside_and_outside(a: &[u8], b: &[u8], area: (usize, usize, usize, usize)) -> (f64, f64) {
    let (x0, y0, x1, y1) = area;
    let block = |x: usize, y: usize| {
        (x0 / 16 * 16..x1.next_multiple_of(16)).contains(&x) && (y0 / 16 * 16..y1.next_multiple_of(16)).contains(&y)
    };
    let (mut inside, mut outside) = ((0.0, 0), (0.0, 0));
    for i in 0..W * H {
        let (x, y) = (i % W, i / W);
        let d = f64::from(a[i].abs_diff(b[i]));
        if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
            inside = (inside.0 + d, inside.1 + 1);
        } else if !block(x, y) {
            outside = (outside.0 + d, outside.1 + 1);
        }
    }
    (inside.0 / f64::from(inside.1), outside.0 / f64::from(outside.1))
}

#[test]
fn annotate_changes_only_its_box_in_the_corner_asked_for() {
    let plain = first_frame(&[]);
    for corner in ["top-left", "top-right", "bottom-left", "bottom-right"] {
        let annotated = first_frame(&["--annotate", "garden #%frame", "--annotate-position", corner]);
        let area = changed_box(&plain, &annotated).unwrap_or_else(|| panic!("--annotate changed nothing ({corner})"));
        let (inside, outside) = diff_inside_and_outside(&plain, &annotated, area);
        eprintln!("{corner}: box {area:?}, mean difference {inside:.1} inside, {outside:.3} outside its blocks");
        let (x0, y0, x1, y1) = area;
        let (left, top) = (corner.ends_with("left"), corner.starts_with("top"));
        assert!(if left { x0 < 8 && x1 < W / 2 } else { x1 > W - 8 && x0 > W / 2 }, "{corner}: box {area:?}");
        assert!(if top { y0 < 8 && y1 < H / 4 } else { y1 > H - 8 && y0 > H * 3 / 4 }, "{corner}: box {area:?}");
        assert!(inside > 30.0, "{corner}: the box differs by only {inside:.1} on average");
        assert!(outside < 0.5, "{corner}: outside the box the picture changed by {outside:.2} on average");
    }
}

/// `%Y-%m-%d %H:%M:%S` is 19 characters once filled in (the pattern itself
/// is 17): at 256x192 the font is 6 pixels a character, plus 2 of padding a side.
#[test]
fn annotate_fills_in_strftime_fields() {
    let plain = first_frame(&[]);
    let width = |text: &str| {
        let (x0, _, x1, _) = changed_box(&plain, &first_frame(&["--annotate", text])).unwrap();
        x1 - x0
    };
    let (date, literal) = (width("%Y-%m-%d %H:%M:%S"), width("%%Y-%%m-%%d"));
    assert!(date.abs_diff(19 * 6 + 4) <= 2, "the date box is {date} pixels wide, not about 118");
    assert!(literal.abs_diff(8 * 6 + 4) <= 2, "'%Y-%m-%d' written out is {literal} pixels wide, not about 52");
}

#[test]
fn annotate_refuses_bad_patterns_corners_and_sources_in_one_line() {
    let run = |args: &[&str]| {
        let out =
            Command::new(env!("CARGO_BIN_EXE_cam-send")).args(["--to", "127.0.0.1:9"]).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, err) = run(&["--annotate", "%Y %"]);
    assert_eq!(code, Some(2));
    assert!(err.starts_with("cam-send: --annotate \"%Y %\" is not a valid strftime pattern (e.g. "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, err) = run(&["--annotate", "x", "--annotate-position", "middle"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("(use one of: top-left, top-right, bottom-left, bottom-right)"), "{err}");
    let (code, err) = run(&["--annotate", "x", "--source", "stdin"]);
    assert_eq!(
        (code, err.as_str()),
        (Some(2), "cam-send: --annotate draws on pictures cam-send encodes (--source test or libcamera); files: and stdin are sent as they are\n")
    );
}
