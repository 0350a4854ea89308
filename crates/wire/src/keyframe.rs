//! The rule every H.264 output shares: start on a keyframe.
//!
//! A decoder can begin only at an IDR access unit (with its SPS and PPS in
//! front); anything before it refers to pictures the decoder never had. So
//! an output that starts, restarts after a reconnect, or lost a frame waits
//! for the next keyframe before it passes frames on (rpicam-apps
//! `output/output.cpp` and picamera2's `FileOutput` do the same). For JPEG
//! every frame is a keyframe, so the gate never holds one back.

/// Holds frames back until a keyframe, then lets everything through until
/// it is closed again.
///
/// ```
/// use camwire_wire::KeyframeGate;
///
/// let mut gate = KeyframeGate::new();
/// assert!(!gate.pass(false), "a P-frame before any IDR is held back");
/// assert!(gate.pass(true), "the IDR opens the gate");
/// assert!(gate.pass(false), "and what follows it passes");
/// gate.close(); // a lost frame: wait for the next IDR
/// assert!(!gate.pass(false));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyframeGate {
    closed: bool,
}

impl KeyframeGate {
    /// A closed gate: it waits for the first keyframe.
    pub const fn new() -> Self {
        Self { closed: true }
    }

    /// An open gate: frames pass until it is closed.
    pub const fn open() -> Self {
        Self { closed: false }
    }

    /// Waits again for the next keyframe (a new stream, a lost frame).
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// True while the gate waits for a keyframe.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Whether a frame would pass, without opening the gate.
    pub fn admits(&self, keyframe: bool) -> bool {
        !self.closed || keyframe
    }

    /// Lets a frame through if the gate is open or the frame is a keyframe
    /// (which opens it); false if the frame must be held back.
    pub fn pass(&mut self, keyframe: bool) -> bool {
        self.closed &= !keyframe;
        !self.closed
    }
}

impl Default for KeyframeGate {
    /// Closed: a new output waits for its first keyframe.
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::KeyframeGate;

    #[test]
    fn holds_everything_before_the_first_keyframe() {
        let mut gate = KeyframeGate::new();
        assert!((0..10).all(|_| !gate.pass(false)));
        assert!(gate.is_closed());
        assert!(gate.pass(true));
        assert!(!gate.is_closed());
    }

    #[test]
    fn once_open_passes_every_frame_until_closed() {
        let mut gate = KeyframeGate::open();
        assert!(gate.pass(false) && gate.pass(true) && gate.pass(false));
        gate.close();
        assert!(!gate.pass(false), "closed again: waits for the next keyframe");
        assert!(gate.pass(true) && gate.pass(false));
    }

    #[test]
    fn admits_asks_without_opening() {
        let gate = KeyframeGate::new();
        assert!(gate.admits(true));
        assert!(!gate.admits(false));
        assert!(gate.is_closed(), "asking did not open it");
        assert!(KeyframeGate::open().admits(false));
    }
}
