//! The scripts in `scripts/` run the binaries from where cargo put them:
//! `target/`, or `CARGO_TARGET_DIR` (a common setting), as `cargo metadata`
//! reports it through `scripts/target-dir`.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// `scripts/target-dir` with `CARGO_TARGET_DIR` set to `dir` (or unset).
fn target_dir(dir: Option<&str>) -> String {
    let mut cmd = Command::new(workspace().join("scripts/target-dir"));
    cmd.current_dir(std::env::temp_dir()).env_remove("CARGO_TARGET_DIR");
    if let Some(dir) = dir {
        cmd.env("CARGO_TARGET_DIR", dir);
    }
    let out = cmd.output().expect("run scripts/target-dir");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn target_dir_is_where_cargo_builds() {
    let elsewhere = std::env::temp_dir().join("camwire-elsewhere");
    assert_eq!(target_dir(Some(elsewhere.to_str().unwrap())), elsewhere.to_str().unwrap());
    assert_eq!(target_dir(Some("rel")), workspace().join("rel").to_str().unwrap(), "relative to the workspace");
    let default = target_dir(None);
    assert!(default.ends_with("target"), "{default}");
}

/// Every script: its path and text.
fn scripts() -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut dirs = vec![workspace().join("scripts")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_none_or(|e| e == "sh" || e == "py") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    found.push((path, text));
                }
            }
        }
    }
    assert!(found.len() > 5, "the scripts: {found:?}");
    found
}

#[test]
fn no_script_assumes_the_binaries_are_in_target() {
    for (path, text) in scripts() {
        for (n, line) in text.lines().enumerate() {
            let code = line.split(" #").next().unwrap_or_default();
            let assumes = ["target/release", "target/debug", "\"target\", "].iter().any(|s| code.contains(s))
                && !code.trim_start().starts_with('#');
            assert!(
                !assumes,
                "{}:{}: {line:?} assumes target/; use \"$(scripts/target-dir)\" (CARGO_TARGET_DIR moves it)",
                path.display(),
                n + 1
            );
        }
    }
}

#[test]
fn demo_shows_its_build_as_it_goes() {
    let demo = std::fs::read_to_string(workspace().join("scripts/demo")).unwrap();
    let build = demo.lines().find(|l| l.starts_with("cargo build")).expect("demo builds");
    assert!(!build.contains("--quiet") && !build.contains(" -q"), "minutes of silence on a first build: {build}");
    assert!(demo.contains("the first build takes a few minutes"), "the wait is announced");
}
