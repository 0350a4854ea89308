//! The picture the sources make and the encoders take, and what is done to
//! it in between (`--hflip`, `--vflip`, `--rotation`). Both `source/` and
//! `encoder/` stand on this floor, so neither needs the other.

mod orientation;

pub use camwire_codec::YuvFrame;
pub use orientation::Orientation;
