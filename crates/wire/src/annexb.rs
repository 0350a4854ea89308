//! Cuts an unframed H.264 Annex-B byte stream (`rpicam-vid --codec h264 -o -`,
//! `ffmpeg -f h264 -`, picamera's `start_recording(..., format='h264')`) into
//! access units, one coded picture each, and reads the few NAL unit fields
//! both sides need without decoding.
//!
//! ```text
//! 00 00 00 01 | 67 ..SPS..  00 00 00 01 | 68 ..PPS..  00 00 01 | 65 ..IDR slice..   one access unit
//! 00 00 00 01 | 41 ..P slice..                                                       the next one
//! ```
//!
//! NAL units are delimited by start codes (`00 00 01`, or `00 00 00 01`); an
//! access unit ends where the next one begins (H.264 7.4.1.2.3): at an access
//! unit delimiter (type 9); at SPS, PPS, SEI or types 14-18 after a slice of
//! the current picture; or at a slice that starts a new picture, told by
//! `first_mb_in_slice == 0` (and by a change of `IdrPicFlag` or of a zero
//! `nal_ref_idc`). A second slice of the same picture (`first_mb_in_slice`
//! not 0) stays in the access unit.
//!
//! [`AnnexBSplitter`] keeps its scan position between reads, so a start code
//! split across two reads is found and no byte is scanned twice. Without
//! delimiters an access unit is only known to be complete when the first NAL
//! unit of the next one starts; [`Decoder::decode_eof`] flushes the last one.

use bytes::{Buf, Bytes, BytesMut};
use tokio_util::codec::Decoder;

use crate::{WireError, DEFAULT_MAX_FRAME};

/// The `nal_unit_type` of a NAL unit (H.264 Table 7-1), for the types this
/// crate tells apart; the rest are [`NalType::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NalType {
    /// 1: a slice of a non-IDR picture.
    Slice,
    /// 2: slice data partition A.
    PartitionA,
    /// 3: slice data partition B.
    PartitionB,
    /// 4: slice data partition C.
    PartitionC,
    /// 5: a slice of an IDR picture: a decoder can start here.
    IdrSlice,
    /// 6: supplemental enhancement information.
    Sei,
    /// 7: sequence parameter set.
    Sps,
    /// 8: picture parameter set.
    Pps,
    /// 9: access unit delimiter.
    Aud,
    /// 10: end of sequence.
    EndOfSequence,
    /// 11: end of stream.
    EndOfStream,
    /// 12: filler data.
    Filler,
    /// Any other value (0, 13-31).
    Other(u8),
}

impl NalType {
    /// The type in the low 5 bits of a NAL header byte.
    pub fn from_header(header: u8) -> Self {
        match header & 0x1F {
            1 => Self::Slice,
            2 => Self::PartitionA,
            3 => Self::PartitionB,
            4 => Self::PartitionC,
            5 => Self::IdrSlice,
            6 => Self::Sei,
            7 => Self::Sps,
            8 => Self::Pps,
            9 => Self::Aud,
            10 => Self::EndOfSequence,
            11 => Self::EndOfStream,
            12 => Self::Filler,
            n => Self::Other(n),
        }
    }

    /// The type of `nal` (a NAL unit without its start code); `None` when empty.
    pub fn of(nal: &[u8]) -> Option<Self> {
        nal.first().map(|&h| Self::from_header(h))
    }

    /// The numeric `nal_unit_type`.
    pub fn value(self) -> u8 {
        match self {
            Self::Slice => 1,
            Self::PartitionA => 2,
            Self::PartitionB => 3,
            Self::PartitionC => 4,
            Self::IdrSlice => 5,
            Self::Sei => 6,
            Self::Sps => 7,
            Self::Pps => 8,
            Self::Aud => 9,
            Self::EndOfSequence => 10,
            Self::EndOfStream => 11,
            Self::Filler => 12,
            Self::Other(n) => n,
        }
    }

    /// A slice (or slice data partition) of a primary coded picture: types 1-5.
    pub fn is_vcl(self) -> bool {
        matches!(self, Self::Slice | Self::PartitionA | Self::PartitionB | Self::PartitionC | Self::IdrSlice)
    }

    /// Types whose payload starts with `first_mb_in_slice`: 1, 2 and 5.
    fn starts_with_first_mb(self) -> bool {
        matches!(self, Self::Slice | Self::PartitionA | Self::IdrSlice)
    }
}

/// Index of the `01` of the first start code `00 00 01` whose `01` is at or
/// after `from` (`from >= 2`; the zeros before it may lie before `from`).
fn find_start_code(data: &[u8], from: usize) -> Option<usize> {
    let mut i = from.max(2);
    while i < data.len() {
        i += data[i..].iter().position(|&b| b == 1)?;
        if data[i - 1] == 0 && data[i - 2] == 0 {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The NAL units of an Annex-B buffer (typically one access unit), each
/// without its start code and without trailing zero bytes, header byte first.
/// Bytes before the first start code are ignored.
pub fn nal_units(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut next = find_start_code(data, 2);
    std::iter::from_fn(move || {
        let start = next? + 1;
        // The header byte is not zero, so the next start code's zeros start after it.
        next = find_start_code(data, start + 3);
        let mut end = next.map_or(data.len(), |i| i - 2);
        while end > start + 1 && data[end - 1] == 0 {
            end -= 1;
        }
        Some(&data[start..end.max(start)])
    })
}

/// Whether the access unit holds a slice of an IDR picture.
pub fn is_idr_access_unit(access_unit: &[u8]) -> bool {
    nal_units(access_unit).any(|nal| NalType::of(nal) == Some(NalType::IdrSlice))
}

/// Whether the access unit carries both a sequence and a picture parameter set.
pub fn has_parameter_sets(access_unit: &[u8]) -> bool {
    let (mut sps, mut pps) = (false, false);
    for nal in nal_units(access_unit) {
        match NalType::of(nal) {
            Some(NalType::Sps) => sps = true,
            Some(NalType::Pps) => pps = true,
            _ => {}
        }
    }
    sps && pps
}

/// Reads RBSP bits from a NAL unit payload, dropping emulation-prevention
/// bytes (`00 00 03` -> `00 00`).
#[derive(Debug)]
pub struct RbspBits<'a> {
    data: &'a [u8],
    byte: usize,
    bit: u8,
    zeros: u8,
}

impl<'a> RbspBits<'a> {
    /// Reads `payload`: the bytes after the NAL header byte.
    pub fn new(payload: &'a [u8]) -> Self {
        Self { data: payload, byte: 0, bit: 0, zeros: 0 }
    }

    /// The next bit; `None` at the end of the data.
    pub fn bit(&mut self) -> Option<u32> {
        if self.bit == 0 {
            // Entering a new byte: skip it if it is an emulation-prevention byte.
            let b = *self.data.get(self.byte)?;
            if self.zeros >= 2 && b == 3 {
                self.zeros = 0;
                self.byte += 1;
                return self.bit();
            }
            self.zeros = if b == 0 { self.zeros + 1 } else { 0 };
        }
        let b = self.data[self.byte];
        let v = (b >> (7 - self.bit)) & 1;
        self.bit += 1;
        if self.bit == 8 {
            self.bit = 0;
            self.byte += 1;
        }
        Some(v.into())
    }

    /// `n` bits (at most 32), most significant first.
    pub fn bits(&mut self, n: u32) -> Option<u32> {
        (0..n).try_fold(0u32, |acc, _| Some(acc << 1 | self.bit()?))
    }

    /// The next 8 bits.
    pub fn byte(&mut self) -> Option<u8> {
        self.bits(8).map(|b| b as u8)
    }

    /// An unsigned Exp-Golomb value, `ue(v)`.
    pub fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        let rest = self.bits(zeros)?;
        Some(((1u64 << zeros) - 1 + u64::from(rest)) as u32)
    }
}

/// `first_mb_in_slice` of a slice NAL unit (types 1, 2 and 5, header byte
/// first); `None` for other types or when the data ends too early.
pub(crate) fn first_mb_in_slice(nal: &[u8]) -> Option<u32> {
    if !NalType::of(nal)?.starts_with_first_mb() {
        return None;
    }
    RbspBits::new(&nal[1..]).ue()
}

/// What the splitter knows about the access unit it is collecting.
#[derive(Debug, Default, Clone, Copy)]
struct AuState {
    /// The last slice seen: (`IdrPicFlag`, `nal_ref_idc == 0`).
    last_vcl: Option<(bool, bool)>,
    /// An end-of-sequence or end-of-stream NAL unit closed it.
    closed: bool,
}

impl AuState {
    /// Whether `nal` (header byte first, maybe followed by more bytes than
    /// the unit has) begins a new access unit; `None` if more bytes are
    /// needed to tell.
    fn starts_new(&self, nal: &[u8], eof: bool) -> Option<bool> {
        let Some(ty) = NalType::of(nal) else {
            return if eof { Some(false) } else { None };
        };
        if self.closed {
            return Some(true);
        }
        Some(match ty.value() {
            9 => true,
            6..=8 | 14..=18 => self.last_vcl.is_some(),
            _ if ty.starts_with_first_mb() => {
                let Some((idr, nonref)) = self.last_vcl else { return Some(false) };
                if idr != (ty == NalType::IdrSlice) || nonref != (nal[0] & 0x60 == 0) {
                    true
                } else {
                    match first_mb_in_slice(nal) {
                        Some(mb) => mb == 0,
                        None if eof => false,
                        None => return None,
                    }
                }
            }
            _ => false,
        })
    }

    /// Takes `nal` into the access unit.
    fn add(&mut self, nal: &[u8]) {
        match NalType::of(nal) {
            Some(t) if t.is_vcl() => self.last_vcl = Some((t == NalType::IdrSlice, nal[0] & 0x60 == 0)),
            Some(NalType::EndOfSequence | NalType::EndOfStream) => self.closed = true,
            _ => {}
        }
    }
}

/// A [`Decoder`] that yields one H.264 access unit per item, in Annex B with
/// its start codes, as it appeared in the stream.
///
/// Bytes before the first start code are skipped. The first item may be a
/// partial access unit if the stream was joined in the middle of one; a
/// caller that needs a decodable start waits for [`is_idr_access_unit`] and
/// [`has_parameter_sets`].
#[derive(Debug)]
pub struct AnnexBSplitter {
    max: usize,
    /// True once a start code was seen: the buffer starts with the access unit being collected.
    in_au: bool,
    /// The next index that may hold the `01` of a start code; every earlier one was looked at.
    pos: usize,
    /// A start code whose NAL unit is not yet classified: (where the access
    /// unit would be cut, index of the NAL header byte).
    pending: Option<(usize, usize)>,
    /// Index of the header byte of the last classified NAL unit.
    header: usize,
    au: AuState,
    skipped: u64,
}

impl Default for AnnexBSplitter {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_FRAME)
    }
}

impl AnnexBSplitter {
    /// A splitter that gives up on an access unit longer than `max` bytes.
    pub fn new(max: usize) -> Self {
        Self { max, in_au: false, pos: 2, pending: None, header: 0, au: AuState::default(), skipped: 0 }
    }

    /// Bytes before the first start code, or dropped with an over-long access unit.
    pub fn skipped_bytes(&self) -> u64 {
        self.skipped
    }

    /// Splits a complete buffer, the last access unit included.
    pub fn split_all(data: &[u8]) -> Result<Vec<Bytes>, WireError> {
        let mut splitter = Self::new(data.len().max(1));
        let mut buf = BytesMut::from(data);
        let mut units = Vec::new();
        while let Some(au) = splitter.decode_eof(&mut buf)? {
            units.push(au);
        }
        Ok(units)
    }

    /// Drops the first `n` bytes and starts over, looking for a start code.
    fn discard(&mut self, src: &mut BytesMut, n: usize) {
        src.advance(n);
        self.skipped += n as u64;
        self.in_au = false;
        self.pos = 2;
        self.pending = None;
        self.header = 0;
        self.au = AuState::default();
    }

    /// Removes the finished access unit `src[..cut]`.
    fn take(&mut self, src: &mut BytesMut, cut: usize) -> Result<Bytes, WireError> {
        if cut > self.max {
            self.discard(src, cut);
            return Err(WireError::UnframedTooLarge { max: self.max });
        }
        let au = src.split_to(cut).freeze();
        self.au = AuState::default();
        Ok(au)
    }

    fn step(&mut self, src: &mut BytesMut, eof: bool) -> Result<Option<Bytes>, WireError> {
        loop {
            if let Some((cut, mut header)) = self.pending {
                let Some(new_au) = self.au.starts_new(&src[header..], eof) else {
                    return Ok(None);
                };
                self.pending = None;
                let au = if new_au && cut > 0 {
                    let au = self.take(src, cut)?;
                    header -= cut;
                    Some(au)
                } else {
                    None
                };
                self.au.add(&src[header..]);
                self.header = header;
                // The header byte is not zero: the next start code's `01` is at least 3 bytes on.
                self.pos = header + 3;
                if au.is_some() {
                    return Ok(au);
                }
                continue;
            }
            let Some(one) = find_start_code(src, self.pos) else {
                if !self.in_au {
                    // Keep up to three trailing zeros: the start of a start code.
                    let zeros = src.iter().rev().take(3).take_while(|&&b| b == 0).count();
                    let n = src.len() - zeros;
                    self.discard(src, n);
                    self.pos = zeros.max(2);
                    return Ok(None);
                }
                self.pos = src.len().max(self.pos);
                if src.len() > self.max {
                    let n = src.len();
                    self.discard(src, n);
                    return Err(WireError::UnframedTooLarge { max: self.max });
                }
                return Ok(None);
            };
            let mut cut = one - 2;
            // A fourth zero belongs to the start code (`00 00 00 01`), not to the NAL unit before it.
            if cut > 0 && src[cut - 1] == 0 && (!self.in_au || cut - 1 > self.header) {
                cut -= 1;
            }
            let mut header = one + 1;
            if !self.in_au {
                self.discard(src, cut);
                header -= cut;
                cut = 0;
                self.in_au = true;
            }
            self.pending = Some((cut, header));
            self.pos = header;
        }
    }
}

impl Decoder for AnnexBSplitter {
    type Item = Bytes;
    type Error = WireError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, WireError> {
        self.step(src, false)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, WireError> {
        if let Some(au) = self.step(src, true)? {
            return Ok(Some(au));
        }
        if !self.in_au || src.is_empty() {
            let n = src.len();
            self.discard(src, n);
            return Ok(None);
        }
        let n = src.len();
        let au = self.take(src, n)?;
        self.discard(src, 0);
        Ok(Some(au))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_mb_in_slice_is_read_from_slices_only() {
        // ue(v) 0 = `1`, 1 = `010`, 7 = `0001000`; 0x41 is a P slice, 0x67 an SPS.
        assert_eq!(first_mb_in_slice(&[0x41, 0x80]), Some(0));
        assert_eq!(first_mb_in_slice(&[0x41, 0x40]), Some(1));
        assert_eq!(first_mb_in_slice(&[0x41, 0x10]), Some(7));
        assert_eq!(first_mb_in_slice(&[0x67, 0x80]), None, "not a slice");
    }
}
