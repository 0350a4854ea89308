//! Shell completions and man pages generated from the clap definitions into
//! `share/` at the top of the workspace, where packages install them from:
//!
//! ```text
//! share/completions/NAME.bash  ->  /usr/share/bash-completion/completions/NAME
//! share/completions/_NAME      ->  /usr/share/zsh/vendor-completions/_NAME
//! share/completions/NAME.fish  ->  /usr/share/fish/vendor_completions.d/NAME.fish
//! share/man/NAME.1             ->  /usr/share/man/man1/NAME.1
//! ```
//!
//! They are files in the repository, so building a package (also a cross
//! build, whose binaries cannot run on the build machine) needs no generator.
//! The tests that call [`check`] fail when a file is stale; regenerate with
//! `CAMWIRE_REGENERATE=1 cargo test -p camwire-sender -p camwire-receiver --test generated`.

use std::path::{Path, PathBuf};

use clap_complete::Shell;

/// Compares (or with `CAMWIRE_REGENERATE` set, writes) the completions and the man page of `cmd`.
pub fn check(cmd: clap::Command, name: &str) {
    // Values set in the environment of this run must not end up in the files.
    let cmd = cmd.mut_args(|a| a.hide_env_values(true));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../share");
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (shell, file) in [
        (Shell::Bash, format!("completions/{name}.bash")),
        (Shell::Zsh, format!("completions/_{name}")),
        (Shell::Fish, format!("completions/{name}.fish")),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut cmd.clone(), name, &mut out);
        files.push((root.join(file), out));
    }
    let mut man = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut man).expect("render the man page");
    files.push((root.join(format!("man/{name}.1")), man));

    let regenerate = std::env::var_os("CAMWIRE_REGENERATE").is_some();
    for (path, want) in files {
        if regenerate {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &want).unwrap();
            continue;
        }
        let have = std::fs::read(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is stale: regenerate with CAMWIRE_REGENERATE=1 cargo test -p camwire-sender -p camwire-receiver --test generated",
            path.display()
        );
    }
}
