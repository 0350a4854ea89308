//! What cam-recv's sinks do when they fail or are attacked, each against the
//! real cam-recv: `--pipe` players that stop reading, exit or do not exist,
//! files planted in `--save-dir`, and a failed sink's effect on the run.
//! Each test failed before its fix.

use std::{os::unix::fs::PermissionsExt, process::Command};

use camwire_testsupport::*;

/// The process group of each live process (zombies are dead, only not yet
/// reaped), from `/proc/*/stat`.
fn process_groups() -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // After the command name in parentheses: state, ppid, pgrp.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if let (Some(&state), Some(pgrp)) = (fields.first(), fields.get(2).and_then(|g| g.parse().ok())) {
            if state != "Z" {
                out.push((pid, pgrp));
            }
        }
    }
    out
}

fn group_alive(group: u32) -> bool {
    process_groups().iter().any(|&(_, g)| g == group)
}

/// The process groups of the players the receiver said it started.
fn player_groups(recv: &Proc) -> Vec<u32> {
    recv.err().iter().filter_map(|l| l.split("(process group ").nth(1)?.split(')').next()?.parse().ok()).collect()
}

#[test]
fn player_that_never_reads_holds_up_nothing_and_its_whole_process_group_ends() {
    let (mut recv, port) = receiver(&["--pipe", "sleep 40"]);
    assert!(sender(port, &["--frames", "120", "--fps", "60"]).wait(30).success());
    let summary = recv.wait_for("summary:", 10);
    assert_eq!(field(&summary, "frames"), "120", "{summary}");
    let groups = player_groups(&recv);
    assert!(!groups.is_empty(), "the player was started: {:?}", recv.err());
    assert!(groups.iter().all(|&g| g != recv.pid()), "the player runs in a process group of its own");
    assert!(group_alive(groups[0]), "the player is still running (it never reads)");
    // The next sender is served, not refused as busy.
    assert!(sender(port, &["--frames", "10", "--fps", "60"]).wait(30).success());
    let second = recv.wait_for_count("summary:", 2, 10);
    assert_eq!(field(&second, "frames"), "10", "{second}");
    assert!(!recv.err().iter().any(|l| l.contains("another sender is streaming")), "{:?}", recv.err());
    // SIGTERM ends the receiver, and every process of every player with it.
    recv.signal("TERM");
    recv.wait(15);
    for group in player_groups(&recv) {
        let left: Vec<String> = process_groups()
            .iter()
            .filter(|&&(_, g)| g == group)
            .map(|(pid, _)| std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default())
            .collect();
        assert!(left.is_empty(), "process group {group} of a player outlived the receiver: {left:?}\n{:?}", recv.err());
    }
}

#[test]
fn pipe_command_whose_program_does_not_exist_is_refused_at_start() {
    for cmd in ["no-such-player-17a -", "FOO=1 no-such-player-17a --fast"] {
        let mut recv = Proc::spawn(Command::new(bin("cam-recv")).args(["--listen", "127.0.0.1:0", "--pipe", cmd]));
        let status = recv.wait(10);
        let err = recv.err().join("\n");
        assert_eq!(status.code(), Some(2), "{err}");
        assert_eq!(recv.err().len(), 1, "{err}");
        assert!(err.contains("no program \"no-such-player-17a\""), "{err}");
    }
    // A program that exists, and shell syntax left to the shell, start as before.
    let (recv, _) = receiver(&["--pipe", "cat >/dev/null"]);
    drop(recv);
    let (recv, _) = receiver(&["--pipe", "$SHELL -c 'cat >/dev/null'"]);
    drop(recv);
}

#[test]
fn windowed_player_without_a_display_is_a_warning() {
    need_tool("mplayer", "mplayer");
    let mut cmd = Command::new(bin("cam-recv"));
    cmd.args(["--listen", "127.0.0.1:0", "--pipe", "mplayer", "-q"]);
    cmd.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY").env_remove("CAMWIRE_PIPE_EXTRA_ARGS");
    let recv = Proc::spawn(&mut cmd);
    let line = recv.wait_for("cannot open a window", 10);
    assert!(line.contains("WARN") && line.contains("DISPLAY"), "{line}");
}

#[test]
fn player_that_exits_is_started_again_for_the_next_stream() {
    let (recv, port) = receiver(&["--pipe", "echo player-started >&2; head -c 1 >/dev/null"]);
    assert!(sender(port, &["--frames", "30", "--fps", "60"]).wait(20).success());
    let summary = recv.wait_for("summary:", 10);
    assert!(summary.contains("sink_failed=yes"), "{summary}");
    let warning = recv.wait_for("--pipe: sh stopped reading (exited with", 5);
    assert!(warning.contains("WARN") && warning.contains("starts again with the next stream"), "{warning}");
    assert!(sender(port, &["--frames", "30", "--fps", "60"]).wait(20).success());
    recv.wait_for_count("summary:", 2, 10);
    recv.wait_for_count("player-started", 2, 10);
}

#[test]
fn a_failed_sink_makes_once_exit_1() {
    // The player exits: the pipe sink fails. With -q, which hides "listening on"
    // (so the port is chosen here, and the kernel's table says when it listens).
    let port = free_port();
    let mut recv = Proc::spawn(
        Command::new(bin("cam-recv"))
            .args(["--listen", &format!("127.0.0.1:{port}"), "--once", "-q"])
            .args(["--pipe", "head -c 1 >/dev/null"]),
    );
    wait_until("cam-recv -q listening", 10, || is_listening(port));
    assert!(sender(port, &["--frames", "30", "--fps", "60"]).wait(20).success());
    assert_eq!(recv.wait(15).code(), Some(1), "{:?}", recv.err());
    assert!(
        recv.err().iter().any(|l| l.contains("WARN") && l.contains("--pipe")),
        "-q keeps the warning: {:?}",
        recv.err()
    );

    // An H.264 stream into a .mjpeg recording: the record sink stops.
    let dir = TempDir::new("failed-sink");
    let file = dir.path("x.mjpeg");
    let (mut recv, port) = receiver(&["--once", "--record", file.to_str().unwrap()]);
    assert!(sender(port, &["--frames", "10", "--fps", "60", "--codec", "h264"]).wait(20).success());
    assert_eq!(recv.wait(15).code(), Some(1), "{:?}", recv.err());
    // The stream itself ended well (cam-send sent the terminator); only the sink failed.
    let summary = recv.wait_for("summary:", 1);
    assert_eq!((field(&summary, "terminator"), field(&summary, "sink_failed")), ("yes", "yes"), "{summary}");
}

#[test]
fn save_dir_never_follows_a_planted_link_and_files_are_not_world_readable() {
    let dir = TempDir::new("planted");
    let frames = dir.path("frames");
    std::fs::create_dir_all(&frames).unwrap();
    let target = dir.path("precious.txt");
    std::fs::write(&target, "precious").unwrap();
    let (recv, port) = receiver(&["--save-dir", frames.to_str().unwrap()]);
    // Planted after the receiver looked at the directory, at a number it will reach.
    std::os::unix::fs::symlink(&target, frames.join("frame-000003.jpg")).unwrap();
    assert!(sender(port, &["--frames", "5", "--fps", "60"]).wait(20).success());
    recv.wait_for("summary:", 10);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious", "the link's target was written through");
    assert!(std::fs::symlink_metadata(frames.join("frame-000003.jpg")).unwrap().file_type().is_symlink());
    recv.wait_for("frame-000003.jpg already exists (not written by this run)", 5);
    for n in [1, 2, 4, 5, 6] {
        let path = frames.join(format!("frame-{n:06}.jpg"));
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(camwire_wire::jpeg_dimensions(&data), Some((640, 480)));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o137, 0, "{} has mode {mode:o}: at most 0640", path.display());
    }
}

#[test]
fn save_dir_numbering_reads_the_whole_number_past_999999() {
    let dir = TempDir::new("numbers");
    std::fs::write(dir.path("frame-999999.jpg"), "old 999999").unwrap();
    std::fs::write(dir.path("frame-1000000.jpg"), "old 1000000").unwrap();
    let (recv, port) = receiver(&["--save-dir", dir.0.to_str().unwrap()]);
    assert!(sender(port, &["--frames", "2", "--fps", "60"]).wait(20).success());
    recv.wait_for("summary:", 10);
    assert_eq!(std::fs::read_to_string(dir.path("frame-1000000.jpg")).unwrap(), "old 1000000");
    for n in [1_000_001, 1_000_002] {
        assert!(dir.path(&format!("frame-{n}.jpg")).exists(), "frame-{n}.jpg was not written");
    }
    assert!(!recv.err().iter().any(|l| l.contains("already exists")), "{:?}", recv.err());
}
