//! Recording under attack (issue 22): a disk that fills up and frees again
//! (the raw recording and the save directory skip what cannot be written
//! and go on once there is room), H.264 parameter sets too large for a
//! container's 16-bit length, and symbolic links planted where strftime
//! folders will be made or swapped in for a finished segment's folder. Each failed before its fix. The full disk is a
//! small tmpfs mounted for the test: these tests run as root, here and in CI.

use std::{path::Path, process::Command};

use camwire_testsupport::*;

/// A tmpfs of `size` mounted on a fresh directory; unmounted on drop.
struct SmallDisk(TempDir);

impl SmallDisk {
    fn mount(size: &str) -> SmallDisk {
        let dir = TempDir::new("disk");
        let out = run(Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(&dir.0));
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs and needs root (or CAP_SYS_ADMIN): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        SmallDisk(dir)
    }

    fn resize(&self, size: &str) {
        let out = run(Command::new("mount").args(["-o", &format!("remount,size={size}")]).arg(&self.0 .0));
        assert!(out.status.success(), "remount: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0 .0).status();
    }
}

fn file_count(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| d.count())
}

#[test]
fn raw_recording_and_save_dir_go_on_after_the_disk_was_full() {
    let disk = SmallDisk::mount("512k");
    let record = disk.0.path("x.mjpeg");
    let frames = disk.0.path("frames");
    let (recv, port) = receiver(&["--record", record.to_str().unwrap(), "--save-dir", frames.to_str().unwrap()]);
    // About 30 KB a frame: 40 of them fill 512 KiB twice over.
    assert!(sender(port, &["--frames", "40", "--fps", "60"]).wait(20).success());
    let first = recv.wait_for("summary:", 10);
    assert_eq!(field(&first, "sink_failed"), "yes", "the disk filled: {first}");
    let (recorded, saved) = (std::fs::metadata(&record).unwrap().len(), file_count(&frames));
    disk.resize("16m");
    assert!(sender(port, &["--frames", "10", "--fps", "60"]).wait(20).success());
    let second = recv.wait_for_count("summary:", 2, 10);
    assert!(!second.contains("sink_failed"), "room again: {second}\n{:?}", recv.err());
    let (recorded_after, saved_after) = (std::fs::metadata(&record).unwrap().len(), file_count(&frames));
    assert!(recorded_after > recorded, "the recording stopped for good at {recorded} bytes");
    assert_eq!(saved_after, saved + 10, "the save directory stopped for good at {saved} files");
    let frames_in_file = camwire_wire::MjpegSplitter::split_all(&std::fs::read(&record).unwrap()).unwrap().len();
    assert!(frames_in_file >= 10, "{frames_in_file} whole JPEGs in the recording");
}

/// `au` (which starts with its SPS) with `n` bytes of 0xFF appended to the SPS.
fn with_long_sps(au: &[u8], n: usize) -> Vec<u8> {
    assert_eq!(au[..5], [0, 0, 0, 1, 0x67], "the access unit starts with its SPS");
    let mut end = (5..au.len() - 2).find(|&i| au[i..i + 3] == [0, 0, 1]).unwrap();
    if au[end - 1] == 0 {
        end -= 1;
    }
    [&au[..end], &vec![0xFF; n][..], &au[end..]].concat()
}

#[test]
fn a_parameter_set_too_long_for_a_container_is_refused_with_a_line() {
    let dir = TempDir::new("long-sps");
    let record = dir.path("x.mkv");
    let (recv, port) = receiver(&["--record", record.to_str().unwrap()]);
    let units = idr_access_units(10);
    let mut sock = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    // A 70 KB SPS would be recorded with its length cut to 16 bits: a file nothing decodes.
    std::io::Write::write_all(&mut sock, &with_long_sps(&units[0], 70_000)).unwrap();
    for au in &units[1..] {
        std::io::Write::write_all(&mut sock, au).unwrap();
    }
    drop(sock);
    recv.wait_for("summary:", 10);
    let line = recv.wait_for("more than the 1024 a parameter set may have", 1);
    assert!(line.contains("SPS is 70"), "{line}");
    assert!(!record.exists() || ffprobe_frames(&record, "matroska") > 0, "a recording nothing decodes was left");
}

#[test]
fn a_link_planted_at_a_future_folder_name_is_never_followed() {
    let dir = TempDir::new("planted");
    let outside = dir.path("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(dir.path("rec")).unwrap();
    // Every name %S can give is a link to a folder elsewhere.
    for second in 0..61 {
        std::os::unix::fs::symlink(&outside, dir.path(&format!("rec/{second:02}"))).unwrap();
    }
    let pattern = dir.path("rec/%S/cam.mkv");
    let (recv, port) = receiver(&["--record", pattern.to_str().unwrap()]);
    let _ = sender(port, &["--frames", "5", "--fps", "30"]).wait(20);
    recv.wait_for("summary:", 10);
    let written: Vec<_> = std::fs::read_dir(&outside).unwrap().collect();
    assert!(written.is_empty(), "cam-recv wrote through a planted link: {written:?}");
    let line = recv.wait_for("symbolic link", 1);
    assert!(line.contains("never follow"), "{line}");
}

#[test]
fn pruning_never_deletes_through_a_folder_swapped_for_a_link() {
    let dir = TempDir::new("swapped");
    let outside = dir.path("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("cam.mkv"), b"not the receiver's to delete").unwrap();
    let pattern = dir.path("rec/%H%M%S/cam.mkv");
    let (recv, port) = receiver(&["--record", pattern.to_str().unwrap(), "--segment", "1s", "--keep", "1"]);
    let mut send = sender(port, &["--fps", "10", "--width", "64", "--height", "48"]);
    // The first segment's folder, once its file is written, becomes a link to `outside`.
    let line = recv.wait_for("--record: writing", 10);
    let first = std::path::PathBuf::from(line.split("--record: writing ").nth(1).unwrap().trim());
    let folder = first.parent().unwrap();
    std::fs::rename(folder, folder.with_extension("moved")).unwrap();
    std::os::unix::fs::symlink(&outside, folder).unwrap();
    // The third file prunes the first two (--keep 1).
    recv.wait_for_count("--record: writing", 3, 10);
    send.signal("TERM");
    let _ = send.wait(10);
    assert!(outside.join("cam.mkv").exists(), "pruning deleted a file through the link:\n{}", recv.err().join("\n"));
    recv.wait_for("did not delete", 1);
}
