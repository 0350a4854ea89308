//! Packetized elementary stream.
//!
//! # References
//!
//! - [Packetized elementary stream](https://en.wikipedia.org/wiki/Packetized_elementary_stream)
pub use self::packet::{PesHeader, PesPacket};
pub use self::reader::{PesPacketReader, ReadPesPacket};

mod packet;
mod reader;
