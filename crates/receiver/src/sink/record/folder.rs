//! The folder a recording's files go under, opened once at start: every
//! file and every folder the strftime fields name below it is created
//! relative to that handle, one component at a time, never through a
//! symbolic link (`openat`/`mkdirat` with `O_NOFOLLOW`). A link planted at a
//! future folder name is refused instead of followed, and a finished file is
//! deleted only if the name still leads to the very file this run created
//! (same device and inode), reached the same way.

use std::{
    fs::File,
    io,
    os::fd::{AsFd, OwnedFd},
    path::{Component, Path, PathBuf},
};

use rustix::fs::{self as fs, AtFlags, Mode, OFlags};

/// A recording's base folder, open.
pub(crate) struct Folder {
    fd: OwnedFd,
    path: PathBuf,
}

/// A file this run created: its name below the folder and who it is.
#[derive(Debug, Clone)]
pub(crate) struct Created {
    /// The path below the folder.
    pub rel: PathBuf,
    dev: u64,
    ino: u64,
}

fn no_follow(e: rustix::io::Errno, what: &Path) -> io::Error {
    if e == rustix::io::Errno::LOOP || e == rustix::io::Errno::NOTDIR {
        return io::Error::other(format!(
            "{} is a symbolic link or not a folder; recordings never follow links",
            what.display()
        ));
    }
    io::Error::from(e)
}

impl Folder {
    /// Opens `path` (created if missing), the folder everything else is made under.
    pub(crate) fn open(path: &Path) -> io::Result<Self> {
        let shown = if path.as_os_str().is_empty() { Path::new(".") } else { path };
        std::fs::create_dir_all(shown)?;
        let fd = fs::open(shown, OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::RDONLY, Mode::empty())?;
        Ok(Self { fd, path: shown.to_owned() })
    }

    /// The folder `rel`'s parent names, walked without following links; with
    /// `create`, missing folders are made (mode 0750 before the umask).
    fn parent_of(&self, rel: &Path, create: bool) -> io::Result<Option<OwnedFd>> {
        let mut dir: Option<OwnedFd> = None;
        let mut walked = self.path.clone();
        let parent = rel.parent().unwrap_or(Path::new(""));
        for part in parent.components() {
            let Component::Normal(name) = part else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} leaves the folder", rel.display()),
                ));
            };
            walked.push(name);
            let at = dir.as_ref().map_or(self.fd.as_fd(), |d| d.as_fd());
            if create {
                match fs::mkdirat(at, name, Mode::from_raw_mode(0o750)) {
                    Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            let flags = OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::RDONLY;
            dir = Some(fs::openat(at, name, flags, Mode::empty()).map_err(|e| no_follow(e, &walked))?);
        }
        Ok(dir)
    }

    /// Creates `rel` below the folder, only if nothing is there (mode 0640 before the umask).
    pub(crate) fn create_new(&self, rel: &Path) -> io::Result<(File, Created)> {
        let name = rel.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
        let dir = self.parent_of(rel, true)?;
        let at = dir.as_ref().map_or(self.fd.as_fd(), |d| d.as_fd());
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = fs::openat(at, name, flags, Mode::from_raw_mode(0o640))?;
        let stat = fs::fstat(&fd)?;
        let created = Created { rel: rel.to_owned(), dev: stat.st_dev, ino: stat.st_ino };
        Ok((File::from(fd), created))
    }

    /// The size of `file` if its name still leads to it.
    pub(crate) fn size(&self, file: &Created) -> Option<u64> {
        let dir = self.parent_of(&file.rel, false).ok()?;
        let at = dir.as_ref().map_or(self.fd.as_fd(), |d| d.as_fd());
        let stat = fs::statat(at, file.rel.file_name()?, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        (stat.st_dev == file.dev && stat.st_ino == file.ino).then_some(stat.st_size as u64)
    }

    /// Deletes `file`, only if its name still leads to the file created.
    pub(crate) fn remove(&self, file: &Created) -> io::Result<()> {
        let name = file.rel.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
        let dir = self.parent_of(&file.rel, false)?;
        let at = dir.as_ref().map_or(self.fd.as_fd(), |d| d.as_fd());
        let stat = fs::statat(at, name, AtFlags::SYMLINK_NOFOLLOW)?;
        if stat.st_dev != file.dev || stat.st_ino != file.ino {
            return Err(io::Error::other("it is no longer the file this recording wrote; left it"));
        }
        Ok(fs::unlinkat(at, name, AtFlags::empty())?)
    }

    /// The path of `rel`, for the log.
    pub(crate) fn shown(&self, rel: &Path) -> PathBuf {
        if self.path == Path::new(".") {
            rel.to_owned()
        } else {
            self.path.join(rel)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "camwire-folder-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_planted_link_is_never_followed_and_a_swapped_folder_is_never_pruned_through() {
        let base = temp();
        let outside = base.join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        let folder = Folder::open(&base.join("rec")).unwrap();
        std::os::unix::fs::symlink(&outside, base.join("rec/planted")).unwrap();
        let err = folder.create_new(Path::new("planted/cam.mkv")).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(std::fs::read_dir(&outside).unwrap().next().is_none(), "nothing written through the link");

        let (_, created) = folder.create_new(Path::new("a/b/cam.mkv")).unwrap();
        assert_eq!(folder.size(&created), Some(0));
        std::fs::rename(base.join("rec/a"), base.join("rec/a-moved")).unwrap();
        std::fs::create_dir_all(outside.join("b")).unwrap();
        std::fs::write(outside.join("b/cam.mkv"), b"keep me").unwrap();
        std::os::unix::fs::symlink(&outside, base.join("rec/a")).unwrap();
        assert!(folder.remove(&created).is_err());
        assert!(outside.join("b/cam.mkv").exists(), "pruning never reaches through the link");
        assert!(folder.create_new(Path::new("../x")).is_err(), "no way out of the folder");
        std::fs::remove_dir_all(&base).unwrap();
    }
}
