#!/usr/bin/env python3
"""N concurrent viewers of a multipart MJPEG stream (`GET /stream.mjpg`), in
one process and one thread (non-blocking sockets and a selector), so the
viewers cost as little CPU as Python allows on a machine they share with
the server they measure.

    viewers.py HOST PORT N [--max-secs S]

Prints "connected N" on stderr once every request is sent, and at the end (all
connections closed by the server, or S seconds, default 120) one JSON object:
per viewer the number of whole parts received, the arrival time of the first
and last, and each part's latency in ms: arrival minus the capture time
carried by the part, from an `X-Timestamp: <unix seconds>` part header when
the server sends one, else from the camwire stamp inside the JPEG
(`camwire capture_us=<us>`, a COM segment).
"""
import json
import re
import selectors
import socket
import sys
import time

STAMP = re.compile(rb"camwire capture_us=(\d+)")


class Viewer:
    """One connection and its multipart parser."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port))
        self.sock.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        self.sock.setblocking(False)
        self.head = bytearray()  # header bytes of the part being read
        self.body_left = 0  # body bytes still to come
        self.body_start = bytearray()  # the first bytes of the body (the stamp is there)
        self.header_stamp = None
        self.parts = 0
        self.first = self.last = None
        self.latencies = []

    def feed(self, view, now):
        """Consumes received bytes."""
        i, n = 0, len(view)
        while i < n:
            if self.body_left:
                take = min(self.body_left, n - i)
                if len(self.body_start) < 256:
                    self.body_start += view[i : i + min(take, 256 - len(self.body_start))]
                self.body_left -= take
                i += take
                if not self.body_left:
                    self.part_done(now)
                continue
            # Header: scan up to the blank line
            chunk = view[i : min(n, i + 4096)]
            self.head += chunk
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                i += len(chunk)
                if len(self.head) > 65536:
                    raise ValueError("no part header in 64 KiB")
                continue
            used = end + 4 - (len(self.head) - len(chunk))
            i += used
            header = bytes(self.head[:end])
            self.head.clear()
            length = re.search(rb"(?im)^content-length:\s*(\d+)", header)
            if header.lstrip().startswith(b"HTTP/") or not length:
                continue
            ts = re.search(rb"(?im)^x-timestamp:\s*([\d.]+)", header)
            self.header_stamp = float(ts.group(1)) if ts else None
            self.body_left = int(length.group(1))
            self.body_start.clear()

    def part_done(self, now):
        self.parts += 1
        self.first = self.first or now
        self.last = now
        captured = self.header_stamp
        if captured is None:
            m = STAMP.search(self.body_start)
            captured = int(m.group(1)) / 1e6 if m else None
        if captured is not None:
            self.latencies.append(round((now - captured) * 1000, 3))


def main():
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    max_secs = float(sys.argv[sys.argv.index("--max-secs") + 1]) if "--max-secs" in sys.argv else 120
    viewers = [Viewer(host, port) for _ in range(n)]
    print(f"connected {n}", file=sys.stderr, flush=True)
    sel = selectors.DefaultSelector()
    for v in viewers:
        sel.register(v.sock, selectors.EVENT_READ, v)
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    open_count, deadline = n, time.monotonic() + max_secs
    while open_count and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1):
            v = key.data
            try:
                got = v.sock.recv_into(buf)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                got = 0
            if not got:
                sel.unregister(v.sock)
                v.sock.close()
                open_count -= 1
                continue
            v.feed(view[:got], time.time())
    out = [{"parts": v.parts, "first": v.first, "last": v.last, "latency_ms": v.latencies} for v in viewers]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
