//! The one way the sinks create a file: new (nothing of that name may exist,
//! so nothing is ever overwritten by accident), never through a symbolic
//! link, readable by the owner's group (mode 0640 before the umask), and not
//! handed to child processes.

use std::{
    fs::{File, OpenOptions},
    io,
    os::unix::fs::OpenOptionsExt,
    path::Path,
};

use rustix::fs::OFlags;

/// Creates `path` for writing; `AlreadyExists` if anything (a file, a link,
/// a folder) has that name.
pub(super) fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o640)
        .custom_flags((OFlags::NOFOLLOW | OFlags::CLOEXEC).bits() as i32)
        .open(path)
}
