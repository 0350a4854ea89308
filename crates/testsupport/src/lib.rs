//! Shared helpers for the loopback tests: run the real binaries, collect
//! their output line by line, wait for lines with a deadline, and kill
//! whatever is still running when a test ends.
//!
//! Split by job: [`process`] (binaries, peers, waiting), [`screen`] (Xvfb
//! and pictures), [`http`] (the HTTP client), [`media`] (what players,
//! probes and cam-send report). Everything is re-exported here, so tests
//! name it `common::NAME`.
// Each test binary uses part of this: unused helpers and re-exports are expected.
#![allow(dead_code, missing_docs, unused_imports)]

mod http;
mod media;
mod process;
pub mod proxy;
mod screen;

pub use http::*;
pub use media::*;
pub use process::*;
pub use screen::*;
