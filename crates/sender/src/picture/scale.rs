//! The picture at half its width and height, for `--adapt`'s size step: on
//! a link too slow for the full picture at a watchable frame rate, a
//! quarter of the pixels at the full frame rate looks better than a
//! slideshow.

use camwire_codec::YuvFrame;

/// Whether `p` can be halved: both sides a multiple of 4 (so the half
/// picture's chroma planes are whole) and at least 32 (H.264's 16 after).
pub fn can_halve(width: u32, height: u32) -> bool {
    width % 4 == 0 && height % 4 == 0 && width >= 32 && height >= 32
}

/// `p` at half its width and height, each pixel the mean of the four it
/// replaces. `p` must pass [`can_halve`].
pub fn halved(p: &YuvFrame) -> YuvFrame {
    let (w, h) = (p.width as usize, p.height as usize);
    let mut out = YuvFrame::black(p.width / 2, p.height / 2);
    halve_plane(&p.y, w, h, &mut out.y);
    halve_plane(&p.u, w / 2, h / 2, &mut out.u);
    halve_plane(&p.v, w / 2, h / 2, &mut out.v);
    out
}

fn halve_plane(src: &[u8], w: usize, h: usize, dst: &mut [u8]) {
    let half = w / 2;
    for (y, row) in dst.chunks_exact_mut(half).take(h / 2).enumerate() {
        let (top, bottom) = (&src[2 * y * w..][..w], &src[(2 * y + 1) * w..][..w]);
        for (x, out) in row.iter_mut().enumerate() {
            let sum = u16::from(top[2 * x])
                + u16::from(top[2 * x + 1])
                + u16::from(bottom[2 * x])
                + u16::from(bottom[2 * x + 1]);
            *out = ((sum + 2) / 4) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_halved_picture_is_the_mean_of_each_four_pixels() {
        let mut p = YuvFrame::black(64, 32);
        for (i, y) in p.y.iter_mut().enumerate() {
            *y = if (i / 64) % 2 == 0 { 100 } else { 200 };
        }
        p.u.fill(90);
        let half = halved(&p);
        assert_eq!((half.width, half.height), (32, 16));
        assert_eq!((half.y.len(), half.u.len(), half.v.len()), (32 * 16, 16 * 8, 16 * 8));
        assert!(half.y.iter().all(|&y| y == 150), "{:?}", &half.y[..8]);
        assert!(half.u.iter().all(|&u| u == 90));
        assert!(can_halve(1280, 720) && can_halve(640, 480));
        assert!(!can_halve(1282, 720) && !can_halve(16, 16));
    }
}
