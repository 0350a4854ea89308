//! Decoders for payloads that are not JPEG.

pub mod h264;
