//! Decoders for payloads that are not JPEG, and the limits every decoder of
//! the receiver keeps to (protocol.md, "What the receiver decodes").

pub mod h264;
pub mod picture;
pub mod to_h264;

/// The default `--max-pixels`: 16 MP (4096 x 4096), above the largest
/// Raspberry Pi camera mode (12.3 MP on the HQ camera).
pub const DEFAULT_MAX_PIXELS: usize = 4096 * 4096;

/// Progressive JPEG scans decoded at most; more is refused. A camera's
/// progressive JPEG has about ten; a crafted one can have thousands, each a
/// pass over the whole picture.
pub const MAX_SCANS: u32 = 64;

/// A buffer kept between frames larger than this many times what the current
/// frame needs is given back, so one large picture does not pin its memory.
pub const SHRINK_FACTOR: usize = 4;

/// The pixel budget of one picture (`--max-pixels`). It is part of a
/// receiver's configuration and handed to each of its decoders, so two
/// receivers in one process keep their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelLimit(pub usize);

impl Default for PixelLimit {
    fn default() -> Self {
        Self(DEFAULT_MAX_PIXELS)
    }
}

impl PixelLimit {
    /// Refuses a `width` x `height` picture over the budget, from its
    /// header, before anything is decoded or allocated.
    pub fn check(self, what: &str, width: usize, height: usize) -> Result<(), String> {
        let max = self.0;
        if width.saturating_mul(height) > max {
            return Err(format!(
                "{what} of {width}x{height} pixels is over the {max}-pixel limit; not decoded \
                 (raise --max-pixels if the camera really sends pictures this large)"
            ));
        }
        Ok(())
    }
}

/// Resizes `buf` to `len`, first giving back a buffer grown far larger by an earlier picture.
pub fn fit(buf: &mut Vec<u8>, len: usize) {
    if buf.capacity() > len.saturating_mul(SHRINK_FACTOR).max(1 << 20) {
        *buf = Vec::new();
    }
    buf.resize(len, 0);
}
