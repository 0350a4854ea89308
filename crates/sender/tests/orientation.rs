//! `--hflip`, `--vflip` and `--rotation 180` on the test pattern, through the
//! real `cam-send` binary: the decoded picture of a flipped run is the mirror
//! image of the unflipped run's, within JPEG's tolerance. Frame 1 of the
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
    let (code, err) = run(&["--to", "127.0.0.1:9", "--source", "test", "--awb", "daylight"]);
    assert_eq!(
        (code, err.as_str()),
        (Some(2), "cam-send: --awb set the camera: they apply to --source libcamera only\n")
    );
    let (code, err) = run(&["--to", "127.0.0.1:9", "--awb", "sunny", "--source", "libcamera"]);
    assert_eq!(code, Some(2), "a usage error");
    assert!(err.contains("use one of auto, incandescent"), "{err}");
    if !cfg!(feature = "libcamera") {
        let (code, err) =
            run(&["--to", "127.0.0.1:9", "--source", "libcamera", "--shutter", "10ms", "--set", "AeEnable=false"]);
        assert_eq!(code, Some(2), "a usage error");
        assert_eq!(
            err,
            "cam-send: --shutter, --set: camera controls need the libcamera build (cargo build --release --features libcamera)\n"
        );
    }
}
