//! Test support shared by the tests of `cam-send` (crates/sender/tests) and
//! `cam-recv` (crates/receiver/tests): run the real binaries, collect their
//! output line by line, wait for lines with a deadline, and kill whatever is
//! still running when a test ends.
//!
//! Split by job: [`process`] (binaries, peers, waiting), [`screen`] (Xvfb
//! and pictures), [`browser`] (headless Chromium, asked and photographed),
//! [`http`] (the HTTP client), [`media`] (what players, probes and cam-send
//! report), [`proxy`] (a link that can slow down, stop reading or freeze),
//! [`stream`] (frames written by hand), [`generated`]
//! (the shell completions and man pages). All but the last two are
//! re-exported here, so a test names them
//! `camwire_testsupport::NAME`. A dev-dependency only: never published.

pub mod browser;
pub mod generated;
pub mod http;
pub mod media;
pub mod process;
pub mod proxy;
pub mod screen;
pub mod stream;

pub use browser::*;
pub use http::*;
pub use media::*;
pub use process::*;
pub use screen::*;
pub use stream::*;
