//! Standard input as a source: what comes in is checked before either stdin
//! source ([`MjpegStdinSource`](super::MjpegStdinSource) or
//! [`H264StdinSource`](super::H264StdinSource)) reads it, so a stream of the
//! wrong kind is refused in one line that says which option to use.

use std::io::{Cursor, Read};

use anyhow::{bail, Context, Result};
use camwire_wire::PayloadKind;

/// Reads the first bytes of `input` and refuses, in one line that says what
/// to do, an input that is empty or is not what `--codec` says; the bytes
/// read are put back in front.
pub fn check_format<R: Read>(mut input: R, h264: bool) -> Result<std::io::Chain<Cursor<Vec<u8>>, R>> {
    let mut head = vec![0; 8];
    let mut n = 0;
    while n < 4 {
        match input.read(&mut head[n..]).context("reading standard input")? {
            0 => break,
            got => n += got,
        }
    }
    head.truncate(n);
    let (codec, other) = if h264 { ("H.264", "MJPEG") } else { ("MJPEG", "H.264") };
    match (PayloadKind::sniff(&head), h264) {
        _ if head.is_empty() => bail!(
            "standard input is empty: nothing to send (pipe an {codec} stream in, e.g. from ffmpeg or rpicam-vid)"
        ),
        (PayloadKind::Jpeg, false) | (PayloadKind::H264, true) => {}
        (PayloadKind::H264, false) => {
            bail!("standard input looks like H.264 (an Annex-B start code), not MJPEG: add --codec h264")
        }
        (PayloadKind::Jpeg, true) => {
            bail!("standard input looks like MJPEG (a JPEG start), not H.264: drop --codec h264")
        }
        _ => bail!(
            "standard input is neither {codec} nor {other} (it starts with {}): send a JPEG stream \
             (ffmpeg -f mjpeg -) or Annex-B H.264 with --codec h264 (ffmpeg -f h264 -, rpicam-vid --inline -o -)",
            head.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
        ),
    }
    Ok(Cursor::new(head).chain(input))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &[u8], h264: bool) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        check_format(input, h264)?.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn the_first_bytes_are_put_back() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        assert_eq!(check(&jpeg, false).unwrap(), jpeg);
        let h264 = [0, 0, 0, 1, 0x67, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        assert_eq!(check(&h264, true).unwrap(), h264);
    }

    #[test]
    fn a_mismatch_says_which_option_to_use() {
        let e = check(&[0, 0, 0, 1, 0x67, 0x42], false).unwrap_err().to_string();
        assert!(e.contains("add --codec h264"), "{e}");
        let e = check(&[0xFF, 0xD8, 0xFF, 0xE0], true).unwrap_err().to_string();
        assert!(e.contains("drop --codec h264"), "{e}");
        let e = check(b"", false).unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
        let e = check(b"hello world", false).unwrap_err().to_string();
        assert!(e.contains("neither") && e.contains("68 65 6C 6C"), "{e}");
    }
}
