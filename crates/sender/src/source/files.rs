//! Existing JPEG files, in name order, optionally looped.

use std::{path::PathBuf, time::SystemTime};

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use camwire_wire::PayloadKind;

use super::{Captured, Source};
use crate::pace::Pacer;

/// Sends the JPEG files matching a glob, sorted by name.
#[derive(Debug)]
pub struct FilesSource {
    paths: Vec<PathBuf>,
    next: usize,
    looped: bool,
    pacer: Pacer,
    /// Files read once are kept, so a loop costs no disk reads.
    cache: Vec<Option<Bytes>>,
}

impl FilesSource {
    /// Matches `pattern` now; no match is an error.
    pub fn new(pattern: &str, fps: f64, looped: bool) -> Result<Self> {
        let mut paths: Vec<PathBuf> = glob::glob(pattern)
            .with_context(|| format!("--source files:{pattern}: not a valid glob pattern"))?
            .filter_map(|p| p.ok())
            .filter(|p| p.is_file())
            .collect();
        if paths.is_empty() {
            bail!("--source files:{pattern}: no files match (quote the pattern so the shell does not expand it)");
        }
        paths.sort();
        let cache = vec![None; if looped { paths.len() } else { 0 }];
        Ok(Self { paths, next: 0, looped, pacer: Pacer::new(fps), cache })
    }

    fn read(&mut self, i: usize) -> Result<Bytes> {
        if let Some(Some(data)) = self.cache.get(i) {
            return Ok(data.clone());
        }
        let path = &self.paths[i];
        let data = Bytes::from(std::fs::read(path).with_context(|| format!("reading {}", path.display()))?);
        if PayloadKind::sniff(&data) != PayloadKind::Jpeg {
            bail!("{} is not a JPEG file (it does not start with FF D8 FF)", path.display());
        }
        if let Some(slot) = self.cache.get_mut(i) {
            *slot = Some(data.clone());
        }
        Ok(data)
    }
}

impl Source for FilesSource {
    fn next_frame(&mut self) -> Result<Option<(Captured, SystemTime)>> {
        if self.next == self.paths.len() {
            if !self.looped {
                return Ok(None);
            }
            self.next = 0;
        }
        let data = self.read(self.next)?;
        self.next += 1;
        self.pacer.wait();
        Ok(Some((Captured::Encoded(data), SystemTime::now())))
    }
}
