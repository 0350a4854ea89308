//! The Annex-B access-unit splitter and NAL helpers, on chunked, synthetic
//! and real (ffmpeg/libx264) streams.

mod common;

use bytes::BytesMut;
use camwire_wire::{has_parameter_sets, is_idr_access_unit, nal_units, AnnexBSplitter, NalType, RbspBits, WireError};
use futures_util::StreamExt;
use tokio_util::codec::{Decoder, FramedRead};

const SC4: &[u8] = &[0, 0, 0, 1];
const SC3: &[u8] = &[0, 0, 1];

/// A NAL unit behind a start code.
fn nal(sc: &[u8], header: u8, payload: &[u8]) -> Vec<u8> {
    [sc, &[header], payload].concat()
}

const SPS: u8 = 0x67;
const PPS: u8 = 0x68;
const IDR: u8 = 0x65;
const P: u8 = 0x41;
const AUD: u8 = 0x09;
const SEI: u8 = 0x06;
/// Slice payloads: `first_mb_in_slice` 0 (first bit 1) or 1 (`010`), then some bytes.
const MB0: &[u8] = &[0x88, 0x84, 0x21, 0xA0];
const MB1: &[u8] = &[0x40, 0x11, 0x22, 0x33];

/// Access units of a stream without delimiters: 4-byte start codes on each
/// unit's first NAL, 3-byte on the others, a two-slice IDR picture and a
/// two-slice P picture.
fn units_without_auds() -> Vec<Vec<u8>> {
    vec![
        [
            nal(SC4, SPS, &[0x42, 0xC0, 0x1E]),
            nal(SC3, PPS, &[0xCE, 0x3C, 0x80]),
            nal(SC3, IDR, MB0),
            nal(SC3, IDR, MB1),
        ]
        .concat(),
        nal(SC4, P, MB0),
        [nal(SC4, P, MB0), nal(SC3, P, MB1)].concat(),
        [nal(SC4, SEI, &[0x05, 0x01, 0x80]), nal(SC3, P, MB0)].concat(),
        [nal(SC4, SPS, &[0x42, 0xC0, 0x1E]), nal(SC4, PPS, &[0xCE, 0x3C, 0x80]), nal(SC4, IDR, MB0)].concat(),
        nal(SC3, P, MB0),
    ]
}

/// The same pictures, each access unit opened by a delimiter.
fn units_with_auds() -> Vec<Vec<u8>> {
    units_without_auds().into_iter().map(|u| [nal(SC4, AUD, &[0xF0]), u].concat()).collect()
}

fn split_chunks(chunks: &[&[u8]]) -> Result<Vec<Vec<u8>>, WireError> {
    let (units, _) = common::decode_reads(AnnexBSplitter::default(), chunks, true)?;
    Ok(units.iter().map(|u| u.to_vec()).collect())
}

#[test]
fn splits_a_stream_without_delimiters_in_one_read() {
    let units = units_without_auds();
    assert_eq!(split_chunks(&[&units.concat()]).unwrap(), units);
}

#[test]
fn splits_a_stream_with_delimiters_in_one_read() {
    let units = units_with_auds();
    assert_eq!(split_chunks(&[&units.concat()]).unwrap(), units);
}

#[test]
fn start_code_split_across_every_read_boundary() {
    for units in [units_without_auds(), units_with_auds()] {
        let bytes = units.concat();
        for cut in 0..=bytes.len() {
            let (a, b) = bytes.split_at(cut);
            assert_eq!(split_chunks(&[a, b]).unwrap(), units, "cut at {cut}");
        }
    }
}

#[test]
fn split_across_every_pair_of_read_boundaries() {
    let units = units_without_auds();
    let bytes = units.concat();
    for i in 0..=bytes.len() {
        for j in i..=bytes.len() {
            let got = split_chunks(&[&bytes[..i], &bytes[i..j], &bytes[j..]]).unwrap();
            assert_eq!(got, units, "cuts at {i} and {j}");
        }
    }
}

#[test]
fn fed_one_byte_at_a_time() {
    for units in [units_without_auds(), units_with_auds()] {
        let bytes = units.concat();
        let chunks: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(split_chunks(&chunks).unwrap(), units);
    }
}

#[test]
fn an_access_unit_is_yielded_as_soon_as_the_next_one_starts() {
    let units = units_with_auds();
    let mut s = AnnexBSplitter::default();
    // The first unit and just the delimiter's start code and header of the second.
    let mut buf = BytesMut::from(&[&units[0][..], &units[1][..5]].concat()[..]);
    assert_eq!(s.decode(&mut buf).unwrap().unwrap(), units[0]);
    assert_eq!(&buf[..], &units[1][..5]);
}

#[test]
fn second_slice_of_a_picture_stays_in_its_access_unit() {
    let picture = [nal(SC4, P, MB0), nal(SC3, P, MB1), nal(SC3, P, &[0x20, 0x99])].concat();
    let next = nal(SC4, P, MB0);
    let got = split_chunks(&[&picture, &next]).unwrap();
    assert_eq!(got, vec![picture, next]);
}

#[test]
fn idr_after_non_idr_slice_starts_a_new_access_unit_even_without_first_mb_zero() {
    // A change of IdrPicFlag alone marks a new picture.
    let a = nal(SC4, P, MB0);
    let b = nal(SC4, IDR, MB1);
    assert_eq!(split_chunks(&[&[&a[..], &b[..]].concat()]).unwrap(), vec![a, b]);
}

#[test]
fn three_and_four_byte_start_codes_are_kept_with_their_unit() {
    let a = nal(SC3, P, MB0);
    let b = nal(SC4, P, MB0);
    let c = nal(SC3, P, MB0);
    let got = split_chunks(&[&[&a[..], &b[..], &c[..]].concat()]).unwrap();
    assert_eq!(got, vec![a, b, c]);
    assert!(got[1].starts_with(SC4) && got[2].starts_with(SC3));
}

#[test]
fn garbage_before_the_first_start_code_is_skipped() {
    let units = units_without_auds();
    let mut bytes = vec![0x12, 0x00, 0x34, 0x00, 0x00];
    bytes.extend_from_slice(&units.concat());
    for cut in 0..=bytes.len() {
        let mut s = AnnexBSplitter::default();
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for c in [&bytes[..cut], &bytes[cut..]] {
            buf.extend_from_slice(c);
            while let Some(au) = s.decode(&mut buf).unwrap() {
                got.push(au.to_vec());
            }
        }
        while let Some(au) = s.decode_eof(&mut buf).unwrap() {
            got.push(au.to_vec());
        }
        assert_eq!(got, units, "cut at {cut}");
        // `12 00 34 00 00`; the zeros right before `00 00 00 01` are not part of any unit.
        assert_eq!(s.skipped_bytes(), 5, "cut at {cut}");
    }
}

#[test]
fn eof_flushes_the_last_access_unit_and_nothing_after_it() {
    let units = units_without_auds();
    let mut s = AnnexBSplitter::default();
    let mut buf = BytesMut::from(&units.concat()[..]);
    let mut got = Vec::new();
    while let Some(au) = s.decode(&mut buf).unwrap() {
        got.push(au);
    }
    assert_eq!(got.len(), units.len() - 1, "the last unit is only known complete at the end");
    assert_eq!(s.decode_eof(&mut buf).unwrap().unwrap(), units[units.len() - 1]);
    assert!(s.decode_eof(&mut buf).unwrap().is_none());
    assert!(buf.is_empty());
}

#[test]
fn input_without_any_start_code_yields_nothing() {
    assert!(split_chunks(&[&[0x12; 100], &[0x00, 0x00]]).unwrap().is_empty());
}

#[test]
fn end_of_sequence_closes_the_access_unit() {
    let a = [nal(SC4, P, MB0), nal(SC3, 0x0A, &[])].concat();
    let b = nal(SC4, P, MB1); // not first_mb 0, but after end of sequence
    assert_eq!(split_chunks(&[&[&a[..], &b[..]].concat()]).unwrap(), vec![a, b]);
}

#[test]
fn gives_up_on_an_access_unit_past_the_limit() {
    let mut s = AnnexBSplitter::new(64);
    let mut buf = BytesMut::from(&nal(SC4, IDR, &[0x88; 100])[..]);
    assert!(matches!(s.decode(&mut buf), Err(WireError::UnframedTooLarge { max: 64 })));
    // It recovers at the next start code.
    let next = nal(SC4, P, MB0);
    buf.extend_from_slice(&next);
    buf.extend_from_slice(&nal(SC4, P, MB0));
    assert_eq!(s.decode(&mut buf).unwrap().unwrap(), next);
}

#[test]
fn a_finished_access_unit_past_the_limit_is_an_error() {
    let mut s = AnnexBSplitter::new(16);
    let big = nal(SC4, P, &[0x88; 14]);
    let mut buf = BytesMut::from(&[&big[..], &nal(SC4, P, MB0)[..]].concat()[..]);
    assert!(matches!(s.decode(&mut buf), Err(WireError::UnframedTooLarge { max: 16 })));
}

#[test]
fn nal_units_strip_start_codes_and_trailing_zeros() {
    let au = [&[0xAA][..], &nal(SC4, SPS, &[1, 2]), &[0, 0], &nal(SC3, PPS, &[3]), &nal(SC4, IDR, MB0)].concat();
    let nals: Vec<&[u8]> = nal_units(&au).collect();
    assert_eq!(nals, vec![&[SPS, 1, 2][..], &[PPS, 3][..], &[&[IDR][..], MB0].concat()[..]]);
    let types: Vec<NalType> = nals.iter().filter_map(|n| NalType::of(n)).collect();
    assert_eq!(types, vec![NalType::Sps, NalType::Pps, NalType::IdrSlice]);
    assert!(is_idr_access_unit(&au) && has_parameter_sets(&au));
    assert!(!is_idr_access_unit(&nal(SC4, P, MB0)));
    assert!(!has_parameter_sets(&nal(SC4, SPS, &[1])));
    assert_eq!(nal_units(&[0x11, 0x22]).count(), 0);
}

#[test]
fn exp_golomb_values_across_emulation_prevention_bytes() {
    // ue(v) 0 = `1`, 1 = `010`, 7 = `0001000` (first_mb_in_slice: annexb.rs's unit tests).
    assert_eq!(RbspBits::new(&[0x80]).ue(), Some(0));
    assert_eq!(RbspBits::new(&[0x40]).ue(), Some(1));
    assert_eq!(RbspBits::new(&[0x10]).ue(), Some(7));
    // `00 00 03`: the 03 is an emulation-prevention byte, not data.
    let mut r = RbspBits::new(&[0x00, 0x00, 0x03, 0x80, 0x00, 0x00, 0x03, 0x01]);
    assert_eq!(r.bits(16), Some(0));
    assert_eq!(r.bits(8), Some(0x80));
    assert_eq!(r.bits(16), Some(0));
    assert_eq!(r.bits(8), Some(0x01));
    assert_eq!(r.bit(), None);
    // 16 leading zeros, the marker bit, then 16 bits `0..01`: 2^16 - 1 + 1.
    assert_eq!(RbspBits::new(&[0x00, 0x00, 0x03, 0x80, 0x00, 0x80]).ue(), Some(1 << 16));
    // A truncated code needs more data.
    assert_eq!(RbspBits::new(&[0x00, 0x01]).ue(), None);
}

/// A real stream: ffmpeg testsrc 160x120, libx264, `h264_metadata=aud=insert`,
/// GOP 5; `ffprobe -count_frames` reads 10 frames.
const FFMPEG_AUD: &[u8] = include_bytes!("data/testsrc_aud.h264");
/// ffmpeg testsrc 160x120, libx264 with three slices per picture, no delimiters,
/// GOP 6; `ffprobe -count_frames` reads 12 frames.
const FFMPEG_SLICES: &[u8] = include_bytes!("data/testsrc_slices.h264");

fn check_real_stream(data: &[u8], frames: usize, idrs: usize) {
    let units = AnnexBSplitter::split_all(data).unwrap();
    assert_eq!(units.len(), frames);
    assert_eq!(units.concat(), data, "nothing lost or reordered");
    assert!(is_idr_access_unit(&units[0]) && has_parameter_sets(&units[0]));
    assert_eq!(units.iter().filter(|u| is_idr_access_unit(u)).count(), idrs);
    for u in &units {
        let slices: Vec<&[u8]> = nal_units(u).filter(|n| NalType::of(n).is_some_and(NalType::is_vcl)).collect();
        assert!(!slices.is_empty());
        // Every slice type here (1 and 5) starts with first_mb_in_slice.
        let first_mb_in_slice = |nal: &[u8]| RbspBits::new(&nal[1..]).ue();
        assert_eq!(first_mb_in_slice(slices[0]), Some(0), "each unit starts a picture");
        assert!(slices[1..].iter().all(|s| first_mb_in_slice(s) != Some(0)));
    }
    for size in [1, 2, 3, 5, 7, 64, 1000] {
        let chunks: Vec<&[u8]> = data.chunks(size).collect();
        let got = split_chunks(&chunks).unwrap();
        assert_eq!(got, units, "chunks of {size}");
    }
}

#[test]
fn ffmpeg_stream_with_delimiters_splits_into_ffprobes_frame_count() {
    check_real_stream(FFMPEG_AUD, 10, 2);
    for u in AnnexBSplitter::split_all(FFMPEG_AUD).unwrap() {
        assert_eq!(nal_units(&u).next().and_then(NalType::of), Some(NalType::Aud));
    }
}

#[test]
fn ffmpeg_multi_slice_stream_without_delimiters_splits_into_ffprobes_frame_count() {
    check_real_stream(FFMPEG_SLICES, 12, 2);
    let first = &AnnexBSplitter::split_all(FFMPEG_SLICES).unwrap()[0];
    assert_eq!(nal_units(first).filter(|n| NalType::of(n) == Some(NalType::IdrSlice)).count(), 3);
}

#[tokio::test]
async fn works_as_a_framed_read_codec() {
    let mut reader = FramedRead::new(FFMPEG_SLICES, AnnexBSplitter::default());
    let mut n = 0;
    while let Some(au) = reader.next().await {
        au.unwrap();
        n += 1;
    }
    assert_eq!(n, 12);
}
