#!/usr/bin/env python3
"""A WHEP viewer (RFC 9725) built on aiortc, a WebRTC stack written apart from
Chromium's (ICE by aioice, DTLS by OpenSSL through cryptography, SRTP by
libsrtp, H.264 decoded by FFmpeg through PyAV): it posts its offer, sets the
answer, and decodes the video track cam-recv sends.

    python3 whep_client.py URL FRAMES PICTURE

It prints one line per step (`answer 201 LOCATION`, `connection connected`)
and per decoded frame (`frame N WIDTHxHEIGHT pts=PTS mean=R,G,B`), writes the
last frame to PICTURE as a binary PPM, ends the session with DELETE
(`deleted STATUS`) and exits 0 after FRAMES frames; a refused offer, a
connection that fails or a track that ends first exits 1 with one line
saying why.

aioice leaves 127.0.0.1 out of its host candidates; a viewer on the
receiver's machine needs it (the answer's candidate is the address the offer
came to), so this viewer offers loopback only.
"""
import asyncio
import sys
import urllib.error
import urllib.parse
import urllib.request

import aioice.ice
from aiortc import RTCPeerConnection, RTCSessionDescription

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"] if use_ipv4 else []

url, frames_wanted, picture = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def request(method, target, body=None):
    req = urllib.request.Request(target, data=body, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/sdp")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def rgb_rows(frame):
    """The frame as RGB bytes, rows top to bottom without padding."""
    rgb = frame.reformat(format="rgb24")
    plane = rgb.planes[0]
    data = bytes(plane)
    row = rgb.width * 3
    return rgb.width, rgb.height, b"".join(data[y * plane.line_size:y * plane.line_size + row] for y in range(rgb.height))


async def main():
    pc = RTCPeerConnection()
    pc.addTransceiver("video", direction="recvonly")
    track_ready = asyncio.get_running_loop().create_future()
    failed = asyncio.get_running_loop().create_future()

    @pc.on("track")
    def on_track(track):
        if track.kind == "video" and not track_ready.done():
            track_ready.set_result(track)

    @pc.on("connectionstatechange")
    def on_state():
        print("connection", pc.connectionState, flush=True)
        if pc.connectionState == "failed" and not failed.done():
            failed.set_result(None)

    await pc.setLocalDescription(await pc.createOffer())
    status, headers, answer = request("POST", url, pc.localDescription.sdp.encode())
    location = headers.get("Location") or headers.get("location")
    print("answer", status, location, flush=True)
    if status != 201:
        print("refused:", answer.strip(), flush=True)
        return 1
    session = urllib.parse.urljoin(url, location)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

    done, _ = await asyncio.wait([track_ready, failed], return_when=asyncio.FIRST_COMPLETED)
    if failed in done:
        print("failed: the connection failed before a track came", flush=True)
        return 1
    track = track_ready.result()
    last = None
    for n in range(1, frames_wanted + 1):
        try:
            frame = await track.recv()
        except Exception as e:  # the track ended: aiortc raises MediaStreamError
            print("failed: the track ended after", n - 1, "frames:", repr(e), flush=True)
            return 1
        width, height, rows = rgb_rows(frame)
        pixels = width * height
        mean = [sum(rows[c::3]) / pixels for c in range(3)]
        print(f"frame {n} {width}x{height} pts={frame.pts} mean={mean[0]:.1f},{mean[1]:.1f},{mean[2]:.1f}", flush=True)
        last = (width, height, rows)
    width, height, rows = last
    with open(picture, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (width, height) + rows)
    status, _, _ = request("DELETE", session)
    print("deleted", status, flush=True)
    await pc.close()
    return 0


sys.exit(asyncio.run(main()))
