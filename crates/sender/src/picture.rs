//! The picture the sources make and the encoders take, and what is done to
//! it in between (`--hflip`, `--vflip`, `--rotation`, `--annotate`, `--adapt`'s smaller size). Both `source/` and
//! `encoder/` stand on this floor, so neither needs the other.

mod annotate;
mod orientation;
pub mod scale;

pub use annotate::{Annotation, Corner};
pub use camwire_codec::YuvFrame;
pub use orientation::Orientation;
