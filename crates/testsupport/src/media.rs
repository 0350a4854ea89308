//! What the players, probes and cam-send report: frames ffprobe counts, a
//! framecrc file's frames, a player's own complaints, cam-send's summary.

use std::{path::Path, process::Command};

use crate::{field, need_tool, receiver, run, sender, Proc, TempDir};

/// Frames ffprobe decodes from `file`, read as `format` (`mjpeg`, `h264`).
pub fn ffprobe_frames(file: &Path, format: &str) -> u64 {
    let out = run(Command::new("ffprobe")
        .args(["-v", "error", "-f", format, "-count_frames", "-select_streams", "v:0"])
        .args(["-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
        .arg(file));
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or_else(|_| panic!("ffprobe: {out:?}"))
}

/// Frames in a file that `ffmpeg -f framecrc` wrote (one line each, after `#` comments).
pub fn framecrc_frames(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.starts_with('#')).count()
}

/// Lines on cam-recv's stderr that are not its own log: what a `--pipe` player printed.
pub fn player_lines(recv: &Proc) -> Vec<String> {
    recv.err().into_iter().filter(|l| !l.starts_with(" INFO") && !l.starts_with(" WARN")).collect()
}

/// cam-send's `sent: ...` summary line.
pub fn sent_summary(send: &Proc) -> String {
    send.out().into_iter().find(|l| l.starts_with("sent:")).expect("sender summary")
}

/// The `frames=` of cam-send's summary.
pub fn sent_frames(send: &Proc) -> String {
    field(&sent_summary(send), "frames").to_string()
}

/// `cam-recv --once --pipe "ffmpeg ... -f FORMAT -i - -f framecrc FILE"` fed
/// by `cam-send ARGS`; both must exit 0. Returns the frames ffmpeg decoded,
/// the receiver and the sender.
pub fn pipe_into_ffmpeg(format: &str, args: &[&str]) -> (usize, Proc, Proc) {
    let dir = TempDir::new("pipe-ffmpeg");
    let crc = dir.path("frames.crc");
    let cmd = format!("ffmpeg -v error -f {format} -i - -f framecrc {}", crc.display());
    let (mut recv, port) = receiver(&["--once", "--pipe", &cmd]);
    let mut send = sender(port, args);
    assert!(send.wait(20).success(), "{:?}", send.err());
    assert!(recv.wait(30).success(), "{:?}", recv.err());
    (framecrc_frames(&crc), recv, send)
}

/// `cam-recv --once --pipe mplayer`, with mplayer writing one MD5 line per
/// decoded frame, fed by `cam-send ARGS`; both must exit 0. Returns the frames
/// mplayer decoded and the receiver.
pub fn pipe_into_mplayer(args: &[&str]) -> (usize, Proc) {
    let dir = TempDir::new("pipe-mplayer");
    let md5 = dir.path("frames.md5");
    let extra = format!("-vo md5sum:outfile={} -ao null", md5.display());
    let (mut recv, port) =
        Proc::spawn_env_receiver(&[("CAMWIRE_PIPE_EXTRA_ARGS", &extra)], &["--once", "--pipe", "mplayer"]);
    assert!(sender(port, args).wait(20).success());
    assert!(recv.wait(30).success(), "{:?}", recv.err());
    let decoded = std::fs::read_to_string(&md5).unwrap_or_else(|e| panic!("{}: {e}", md5.display())).lines().count();
    (decoded, recv)
}

/// `frames` access units of a small H.264 stream (64x48, by ffmpeg's libx264),
/// each an IDR with its parameter sets in front.
pub fn idr_access_units(frames: usize) -> Vec<Vec<u8>> {
    need_tool("ffmpeg", "ffmpeg");
    let out = run(Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=30", "-frames:v"])
        .arg(frames.to_string())
        .args(["-c:v", "libx264", "-x264-params", "keyint=1:repeat-headers=1", "-f", "h264", "-"]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let units = camwire_wire::AnnexBSplitter::split_all(&out.stdout).unwrap();
    units.into_iter().map(|u| u.to_vec()).collect()
}

/// `au` with a filler-data NAL unit of `n` bytes after it: a large frame any decoder accepts.
pub fn with_filler(au: &[u8], n: usize) -> Vec<u8> {
    let mut out = au.to_vec();
    out.extend_from_slice(&[0, 0, 0, 1, 0x0C]);
    out.extend(std::iter::repeat_n(0xFF, n));
    out.push(0x80);
    out
}
