//! Elementary stream.
pub use self::stream_id::StreamId;
pub use self::stream_type::StreamType;

mod stream_id;
mod stream_type;
