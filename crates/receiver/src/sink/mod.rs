//! Sinks: where received frames go. Each is told the stream as events
//! (start, frames in order, end) and runs on its own task, so one that is
//! slow or stuck never holds up the others.
//!
//! The folder, by job:
//! - `runner`: the contract and its one runner: `Sink`, the async form
//!   every sink is run as, and `BlockingSink` for those that block on files
//!   and decoders (verify, record, save-dir, the H.264 picture decoder),
//!   which the runner calls on a blocking thread; `spawn_sink` is the only
//!   event loop (the pipe, publish and live fMP4 sinks implement `Sink`);
//! - `fanout`: [`Sinks`], which hands each event to every sink by its
//!   [`Delivery`], drops a stuck sink and merges the reports;
//! - `open`: which sinks a [`Config`](crate::config::Config) asks for;
//! - `feeds`: what the viewers (window, web view) read: the newest frame,
//!   the decoded H.264 picture, the live fMP4 fragments;
//! - `child`, `new_file`: the one way a sink feeds a child process, and
//!   creates a file;
//! - one file per sink.

mod child;
mod fanout;
mod feeds;
mod h264_pictures;
pub(crate) mod live_mp4;
mod new_file;
mod open;
mod pipe;
mod publish;
mod queue;
mod record;
mod runner;
mod save_dir;
mod verify;

pub use fanout::{Delivery, Sinks, STUCK};
pub use feeds::{Decoded, DecodedFrame, Latest, PictureDemand, PictureWanted};
pub use pipe::{check_command as check_pipe_command, player_command};
pub use publish::publish_format;
pub use queue::EventReceiver;
pub use runner::{SinkEvent, SinkReport};
