//! MPEG transport stream (`.ts`, H.264): PAT and PMT in front of every
//! keyframe, one PES per access unit with its PTS, a PCR on every PES start.
//! Plays from any keyframe, so it is also what `--publish` hands to ffmpeg.
//! The packets are the `mpeg2ts` crate's; this file splits PES into them.

use std::io;

use mpeg2ts::{
    es::{StreamId, StreamType},
    pes::PesHeader,
    time::{ClockReference, Timestamp},
    ts::{
        payload::{Bytes, Pat, Pes, Pmt},
        AdaptationField, ContinuityCounter, EsInfo, Pid, ProgramAssociation, TransportScramblingControl, TsHeader,
        TsPacket, TsPacketWriter, TsPayload, VersionNumber, WriteTsPacket,
    },
};

use super::{ContainerWriter, UnitWrite};

const PMT_PID: u16 = 0x1000;
const VIDEO_PID: u16 = 0x100;
/// TS payload bytes in one packet.
const PAYLOAD: usize = TsPacket::SIZE - 4;
/// A PES header with a PTS: start code, stream id, length, two flag bytes, header length, PTS.
const PES_HEADER: usize = 14;
/// An adaptation field with a PCR: length, flags, PCR.
const AF_WITH_PCR: usize = 8;

/// Writes H.264 access units as an MPEG transport stream into any byte sink,
/// the packets of each access unit in one write: a file whose disk fills ends
/// on the last whole access unit.
pub(crate) struct TsWriter<W: UnitWrite> {
    out: W,
    /// The packets of the access unit being written, sent to `out` in one write.
    buf: Vec<u8>,
    counters: [ContinuityCounter; 3],
}

fn io_err(e: mpeg2ts::Error) -> io::Error {
    io::Error::other(e.to_string())
}

impl<W: UnitWrite> TsWriter<W> {
    /// A writer whose first packets come with the first keyframe.
    pub(crate) fn new(out: W) -> Self {
        Self { out, buf: Vec::new(), counters: Default::default() }
    }

    /// The byte sink (to take what was written into a `Vec`).
    pub(crate) fn out_mut(&mut self) -> &mut W {
        &mut self.out
    }

    fn packet(&mut self, pid: u16, af: Option<AdaptationField>, payload: TsPayload) -> io::Result<()> {
        let slot = match pid {
            0 => 0,
            PMT_PID => 1,
            _ => 2,
        };
        let counter = self.counters[slot];
        self.counters[slot].increment();
        let header = TsHeader {
            transport_error_indicator: false,
            transport_priority: false,
            pid: Pid::new(pid).map_err(io_err)?,
            transport_scrambling_control: TransportScramblingControl::NotScrambled,
            continuity_counter: counter,
        };
        let packet = TsPacket { header, adaptation_field: af, payload: Some(payload) };
        TsPacketWriter::new(&mut self.buf).write_ts_packet(&packet).map_err(io_err)
    }

    fn tables(&mut self) -> io::Result<()> {
        let pmt_pid = Pid::new(PMT_PID).map_err(io_err)?;
        let video_pid = Pid::new(VIDEO_PID).map_err(io_err)?;
        let pat = Pat {
            transport_stream_id: 1,
            version_number: VersionNumber::default(),
            table: vec![ProgramAssociation { program_num: 1, program_map_pid: pmt_pid }],
        };
        self.packet(0, None, TsPayload::Pat(pat))?;
        let pmt = Pmt {
            program_num: 1,
            pcr_pid: Some(video_pid),
            version_number: VersionNumber::default(),
            program_info: Vec::new(),
            es_info: vec![EsInfo { stream_type: StreamType::H264, elementary_pid: video_pid, descriptors: Vec::new() }],
        };
        self.packet(PMT_PID, None, TsPayload::Pmt(pmt))
    }

    /// Writes one access unit presented at `pts_us`.
    pub(crate) fn access_unit(&mut self, au: &[u8], keyframe: bool, pts_us: u64) -> io::Result<()> {
        self.buf.clear();
        if keyframe {
            self.tables()?;
        }
        let ticks = (pts_us * 9 / 100) % (Timestamp::MAX + 1);
        let header = PesHeader {
            stream_id: StreamId::new(StreamId::VIDEO_MIN),
            priority: false,
            data_alignment_indicator: true,
            copyright: false,
            original_or_copy: false,
            pts: Some(Timestamp::new(ticks).map_err(io_err)?),
            dts: None,
            escr: None,
        };
        let af = AdaptationField {
            discontinuity_indicator: false,
            random_access_indicator: keyframe,
            es_priority_indicator: false,
            pcr: Some(ClockReference::new(ticks * 300).map_err(io_err)?),
            opcr: None,
            splice_countdown: None,
            transport_private_data: Vec::new(),
            extension: None,
        };
        let first = au.len().min(PAYLOAD - AF_WITH_PCR - PES_HEADER);
        let data = Bytes::new(&au[..first]).map_err(io_err)?;
        self.packet(VIDEO_PID, Some(af), TsPayload::PesStart(Pes { header, pes_packet_len: 0, data }))?;
        for chunk in au[first..].chunks(PAYLOAD) {
            self.packet(VIDEO_PID, None, TsPayload::PesContinuation(Bytes::new(chunk).map_err(io_err)?))?;
        }
        let result = self.out.write_unit(&self.buf);
        self.buf.clear();
        result
    }
}

impl<W: UnitWrite + Send> ContainerWriter for TsWriter<W> {
    fn write(&mut self, data: &[u8], keyframe: bool, pts_us: u64) -> io::Result<()> {
        self.access_unit(data, keyframe, pts_us)
    }

    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use mpeg2ts::{
        pes::{PesPacketReader, ReadPesPacket},
        ts::TsPacketReader,
    };

    use super::*;

    /// Access units of every size around the packet boundaries come back whole, with their times.
    #[test]
    fn access_units_of_any_size_round_trip_through_mpeg2ts() {
        let first = PAYLOAD - AF_WITH_PCR - PES_HEADER;
        let sizes = [1, first - 1, first, first + 1, first + PAYLOAD - 1, first + PAYLOAD, first + PAYLOAD + 1, 5000];
        let mut w = TsWriter::new(Vec::new());
        for (i, &n) in sizes.iter().enumerate() {
            let au: Vec<u8> = (0..n).map(|b| (b * 7 + i) as u8).collect();
            w.access_unit(&au, i % 3 == 0, i as u64 * 100_000).unwrap();
        }
        let out = std::mem::take(w.out_mut());
        assert_eq!(out.len() % TsPacket::SIZE, 0);
        let mut reader = PesPacketReader::new(TsPacketReader::new(&out[..]));
        for (i, &n) in sizes.iter().enumerate() {
            let pes = reader.read_pes_packet().unwrap().expect("a PES per access unit");
            let au: Vec<u8> = (0..n).map(|b| (b * 7 + i) as u8).collect();
            assert_eq!(pes.data, au, "access unit {i} of {n} bytes");
            assert_eq!(pes.header.pts.unwrap().as_u64(), i as u64 * 9_000);
        }
    }
}
