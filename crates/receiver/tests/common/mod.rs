//! Shared helpers for the loopback tests: run the real binaries, collect
//! their output line by line, wait for lines with a deadline, and kill
//! whatever is still running when a test ends.
//!
//! Split by job: [`process`] (binaries, peers, waiting), [`screen`] (Xvfb
//! and pictures), [`http`] (the HTTP client). Everything is re-exported
//! here, so tests name it `common::NAME`.
#![allow(dead_code, missing_docs)]

mod http;
mod process;
pub mod proxy;
mod screen;

pub use http::*;
pub use process::*;
pub use screen::*;
