//! A disk that fills up and frees again (issue 22): the raw recording and
//! the save directory skip what cannot be written and go on once there is
//! room. The disk is a small tmpfs mounted for the test (the tests run as
//! root, here and in CI); it failed before the fix.

mod common;

use std::{path::Path, process::Command};

use common::*;

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
