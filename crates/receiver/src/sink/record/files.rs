//! The files of one container recording: named from the `--record` pattern
//! (strftime fields filled in with the local time), created without ever
//! replacing an existing file, and pruned to `--keep` / `--max-bytes`.
//! Everything below the pattern's fixed folder is created and deleted
//! relative to that folder, opened at start, never through a symbolic link
//! ([`Folder`]).

use std::{
    collections::VecDeque,
    fs::File,
    io,
    path::{Component, Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use tracing::{info, warn};

use super::folder::{Created, Folder};
use crate::config::Segments;

/// Names, creates and prunes the files of one recording.
pub(crate) struct RecordFiles {
    /// The folder of the pattern's fixed part, and the rest of the pattern below it.
    folder: Folder,
    pattern: PathBuf,
    /// The pattern holds strftime fields (`%`).
    timed: bool,
    keep: Option<usize>,
    max_bytes: Option<u64>,
    /// `--overwrite`: the first file replaces this one, a fixed name (made with the first frame, not at start).
    replace_first: Option<PathBuf>,
    /// The number the next file of a fixed name starts looking from (1: the name itself).
    next_number: u32,
    /// The files this run wrote that still exist, oldest first.
    written: VecDeque<Created>,
}

/// `pattern` split into its leading folders without strftime fields and the rest.
fn split_fixed(pattern: &Path) -> (PathBuf, PathBuf) {
    let parts: Vec<Component> = pattern.components().collect();
    let fixed = parts[..parts.len().saturating_sub(1)]
        .iter()
        .take_while(|c| !c.as_os_str().to_string_lossy().contains('%'))
        .count();
    (parts[..fixed].iter().collect(), parts[fixed..].iter().collect())
}

/// `pattern` with its strftime fields filled in with the local time now.
fn expand(pattern: &Path) -> Result<PathBuf> {
    let text = pattern.to_str().context("the file name is not UTF-8")?;
    let now = jiff::ZonedDateTime::now();
    let name = jiff::fmt::strtime::format(text, &now)
        .with_context(|| format!("{text:?} is not a valid strftime pattern (e.g. cam-%Y%m%d-%H%M%S.mp4)"))?;
    Ok(PathBuf::from(name))
}

/// `cam.mp4` -> `cam-2.mp4`.
fn numbered(path: &Path, n: u32) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

impl RecordFiles {
    /// Checks the pattern now; a fixed name must not exist, unless `overwrite`
    /// (`--overwrite`) says to replace it. No file is made until the first
    /// frame: a run that receives nothing leaves the old file (or none).
    /// Later files (the next stream, the next segment) never replace anything.
    pub(crate) fn new(pattern: &Path, segments: &Segments, overwrite: bool) -> Result<Self> {
        let timed = pattern.to_string_lossy().contains('%');
        let shown = pattern.display();
        let (base, rest) = split_fixed(pattern);
        let folder = Folder::open(&base)
            .with_context(|| format!("--record {shown}: cannot create or open the folder {}", base.display()))?;
        let files = Self {
            folder,
            pattern: rest,
            timed,
            keep: segments.keep,
            max_bytes: segments.max_bytes,
            replace_first: (overwrite && !timed).then(|| pattern.to_owned()),
            next_number: 1,
            written: VecDeque::new(),
        };
        if timed {
            expand(pattern).with_context(|| format!("--record {shown}"))?;
        } else {
            if segments.every.is_some() {
                info!(
                    "--record {shown}: segments are numbered {}, ... (put %Y%m%d-%H%M%S in the name for times)",
                    numbered(pattern, 2).display()
                );
            }
            match std::fs::symlink_metadata(pattern) {
                Ok(m) if m.is_dir() => bail!("--record {shown}: is a folder; give a file name"),
                Ok(_) if !overwrite => {
                    bail!("--record {shown}: the file exists; choose a new name, or add --overwrite to replace it")
                }
                _ => {}
            }
        }
        Ok(files)
    }

    /// Creates the next file: the name the pattern gives now, or with `-2`,
    /// `-3`, ... before the extension when that one exists. With
    /// `--overwrite` the first replaces the file of that name.
    pub(crate) fn next(&mut self) -> io::Result<(PathBuf, File)> {
        if let Some(old) = self.replace_first.take().filter(|p| std::fs::symlink_metadata(p).is_ok()) {
            // The name itself goes (a symbolic link is removed, never followed); then a new file.
            std::fs::remove_file(&old)
                .map_err(|e| io::Error::new(e.kind(), format!("cannot replace {} ({e})", old.display())))?;
        }
        let (created, file) = self.create_unused()?;
        let path = self.folder.shown(&created.rel);
        self.written.push_back(created);
        self.prune();
        Ok((path, file))
    }

    fn create_unused(&mut self) -> io::Result<(Created, File)> {
        let base = if self.timed { expand(&self.pattern).map_err(io::Error::other)? } else { self.pattern.clone() };
        // A fixed name counts on from the last file: a name --keep freed is not used again.
        let from = if self.timed { 1 } else { self.next_number };
        for n in from..from + 10_000 {
            let rel = if n == 1 { base.clone() } else { numbered(&base, n) };
            match self.folder.create_new(&rel) {
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                r => {
                    self.next_number = n + 1;
                    return r.map(|(file, created)| (created, file));
                }
            }
        }
        let shown = self.folder.shown(&base);
        Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{} and 9999 numbered names exist", shown.display())))
    }

    /// Deletes the file [`next`](Self::next) just created, unwritten.
    pub(crate) fn discard_newest(&mut self) {
        if let Some(created) = self.written.pop_back() {
            let _ = self.folder.remove(&created);
        }
    }

    /// Whether `path`, a file of this run, is still there (not deleted for `--keep` or `--max-bytes`).
    pub(crate) fn kept(&self, path: &Path) -> bool {
        self.written.iter().any(|c| self.folder.shown(&c.rel) == path)
    }

    /// After a file is closed: its size now counts for `--max-bytes`.
    pub(crate) fn closed(&mut self) {
        self.prune();
    }

    /// Deletes this run's oldest files beyond `--keep` or `--max-bytes`; the newest always stays.
    fn prune(&mut self) {
        loop {
            let over_count = self.keep.is_some_and(|k| self.written.len() > k);
            let over_bytes = self
                .max_bytes
                .is_some_and(|max| self.written.iter().map(|c| self.folder.size(c).unwrap_or(0)).sum::<u64>() > max);
            if self.written.len() <= 1 || !(over_count || over_bytes) {
                return;
            }
            let oldest = self.written.pop_front().expect("more than one");
            let shown = self.folder.shown(&oldest.rel);
            match self.folder.remove(&oldest) {
                Ok(()) => info!("--record: deleted {} (--keep/--max-bytes)", shown.display()),
                Err(e) => warn!("--record: did not delete {}: {e}", shown.display()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names_go_before_the_extension() {
        assert_eq!(numbered(Path::new("/r/cam.mp4"), 2), Path::new("/r/cam-2.mp4"));
        assert_eq!(numbered(Path::new("cam"), 3), Path::new("cam-3"));
    }

    #[test]
    fn the_fixed_folders_are_split_from_the_timed_rest() {
        let split = |p: &str| split_fixed(Path::new(p));
        assert_eq!(split("rec/%M%S/cam.mkv"), ("rec".into(), "%M%S/cam.mkv".into()));
        assert_eq!(split("/r/a/cam-%H.mp4"), ("/r/a".into(), "cam-%H.mp4".into()));
        assert_eq!(split("cam.mp4"), ("".into(), "cam.mp4".into()));
    }

    #[test]
    fn bad_strftime_patterns_are_refused() {
        assert!(expand(Path::new("cam-%Y%m%d.mp4")).is_ok());
        assert!(expand(Path::new("cam-%")).is_err(), "a lone %");
        assert!(expand(Path::new("cam-%!.mp4")).is_err(), "no such field");
    }
}
