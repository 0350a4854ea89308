//! `--hflip`, `--vflip` and `--rotation 180` on I420 pictures, in software:
//! for the test pattern, and for cameras that cannot flip in hardware (or only
//! partly). A plane flip is a row reversal or a row swap, cheap next to encoding.

use super::YuvFrame;

/// A mirror image left to right and/or top to bottom; both at once is a
/// rotation by 180 degrees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Orientation {
    /// Mirror left to right.
    pub hflip: bool,
    /// Mirror top to bottom.
    pub vflip: bool,
}

impl Orientation {
    /// What `--hflip`, `--vflip` and `--rotation` (0 or 180) ask for together:
    /// rpicam-vid's rule, where a rotation of 180 toggles both flips.
    pub fn from_options(hflip: bool, vflip: bool, rotation: u32) -> Self {
        let rotate = rotation == 180;
        Self { hflip: hflip ^ rotate, vflip: vflip ^ rotate }
    }

    /// Whether the picture stays as it is.
    pub fn is_identity(self) -> bool {
        !self.hflip && !self.vflip
    }

    /// What is left to do after `done` was done (by the camera): flips commute
    /// and undo themselves.
    pub fn after(self, done: Orientation) -> Self {
        Self { hflip: self.hflip ^ done.hflip, vflip: self.vflip ^ done.vflip }
    }

    /// Flips `frame` in place.
    pub fn apply(self, frame: &mut YuvFrame) {
        let (w, h) = (frame.width as usize, frame.height as usize);
        flip_plane(&mut frame.y, w, h, self);
        flip_plane(&mut frame.u, w / 2, h / 2, self);
        flip_plane(&mut frame.v, w / 2, h / 2, self);
    }
}

impl std::fmt::Display for Orientation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match (self.hflip, self.vflip) {
            (false, false) => "no flip",
            (true, false) => "--hflip",
            (false, true) => "--vflip",
            (true, true) => "--rotation 180",
        })
    }
}

/// Flips one packed plane of `rows` rows of `row_len` bytes.
fn flip_plane(plane: &mut [u8], row_len: usize, rows: usize, o: Orientation) {
    let plane = &mut plane[..row_len * rows];
    match (o.hflip, o.vflip) {
        (false, false) => {}
        // Both: every byte at its mirror position, which is the whole plane reversed.
        (true, true) => plane.reverse(),
        (true, false) => plane.chunks_exact_mut(row_len).for_each(<[u8]>::reverse),
        (false, true) => {
            let (top, bottom) = plane.split_at_mut(row_len * (rows / 2));
            let bottom = &mut bottom[row_len * (rows % 2)..];
            for (a, b) in top.chunks_exact_mut(row_len).zip(bottom.chunks_exact_mut(row_len).rev()) {
                a.swap_with_slice(b);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 4x4 picture whose every byte is distinct.
    fn picture() -> YuvFrame {
        YuvFrame { width: 4, height: 4, y: (0..16).collect(), u: vec![100, 101, 102, 103], v: vec![200, 201, 202, 203] }
    }

    #[test]
    fn hflip_mirrors_rows_vflip_mirrors_columns_rotation_does_both() {
        let mut f = picture();
        Orientation::from_options(true, false, 0).apply(&mut f);
        assert_eq!(f.y[..4], [3, 2, 1, 0]);
        assert_eq!(f.u, [101, 100, 103, 102]);
        let mut f = picture();
        Orientation::from_options(false, true, 0).apply(&mut f);
        assert_eq!(f.y[..8], [12, 13, 14, 15, 8, 9, 10, 11]);
        assert_eq!(f.v, [202, 203, 200, 201]);
        let mut f = picture();
        Orientation::from_options(false, false, 180).apply(&mut f);
        assert_eq!(f.y, (0..16).rev().collect::<Vec<u8>>());
        assert_eq!(f.u, [103, 102, 101, 100]);
    }

    #[test]
    fn rotation_180_with_both_flips_is_the_identity_and_odd_rows_keep_the_middle() {
        assert!(Orientation::from_options(true, true, 180).is_identity());
        let mut f = YuvFrame { width: 2, height: 6, y: (0..12).collect(), u: vec![1, 2, 3], v: vec![4, 5, 6] };
        Orientation::from_options(false, true, 0).apply(&mut f);
        assert_eq!(f.u, [3, 2, 1], "3 chroma rows: the middle one stays");
        assert_eq!(f.y, [10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1]);
    }

    #[test]
    fn what_the_camera_did_is_not_done_twice() {
        let want = Orientation { hflip: true, vflip: true };
        assert_eq!(want.after(Orientation { hflip: true, vflip: false }), Orientation { hflip: false, vflip: true });
        assert!(want.after(want).is_identity());
    }
}
