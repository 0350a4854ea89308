#!/usr/bin/env python3
"""A slow link between a sender and a receiver on loopback: a TCP proxy that
forwards towards the receiver at a fixed rate, with a small queue (its
receive buffer), and the other way unthrottled. The same model as the
tests' proxy (crates/testsupport/src/proxy.rs), for scripts/bench.

    slow_link.py LISTEN_PORT UPSTREAM_PORT RATE_BYTES_PER_SEC QUEUE_BYTES [RATE_FILE [DELAY_MS]]

RATE 0 is an open link. With RATE_FILE, the rate is read from that file
(one number, bytes a second) whenever it changes, so a bench can swing the
link while a stream runs. DELAY_MS holds every byte that long in each
direction (a round trip of twice that), after the rate limit. Prints
"listening" on stderr once bound; serves until killed.
"""
import collections
import os
import socket
import sys
import threading
import time

listen_port, upstream, rate, queue = (int(a) for a in sys.argv[1:5])
rate_file = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] != "-" else None
delay = int(sys.argv[6]) / 1000 if len(sys.argv) > 6 else 0.0
CHUNK = 4096
state = {"rate": rate, "mtime": None}


def current_rate():
    if rate_file:
        try:
            mtime = os.stat(rate_file).st_mtime_ns
            if mtime != state["mtime"]:
                state["mtime"] = mtime
                state["rate"] = int(open(rate_file).read().strip() or 0)
        except (OSError, ValueError):
            pass
    return state["rate"]


class Delayed:
    """Writes to `sock` what it is given, `delay` seconds later, in order."""

    def __init__(self, sock):
        self.sock, self.q, self.cv = sock, collections.deque(), threading.Condition()
        threading.Thread(target=self.run, daemon=True).start()

    def send(self, data):
        if not delay:
            self.sock.sendall(data) if data else self.sock.shutdown(socket.SHUT_WR)
            return
        with self.cv:
            self.q.append((time.monotonic() + delay, data))
            self.cv.notify()

    def run(self):
        if not delay:
            return
        try:
            while True:
                with self.cv:
                    while not self.q:
                        self.cv.wait()
                    due, data = self.q.popleft()
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                if not data:
                    self.sock.shutdown(socket.SHUT_WR)
                    return
                self.sock.sendall(data)
        except OSError:
            pass


def back(src, dst):
    out = Delayed(dst)
    try:
        while True:
            data = src.recv(65536)
            out.send(data)
            if not data:
                return
    except OSError:
        pass


def forward(client):
    server = socket.create_connection(("127.0.0.1", upstream))
    server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    threading.Thread(target=back, args=(server, client), daemon=True).start()
    out = Delayed(server)
    due = time.monotonic()
    try:
        while True:
            r = current_rate()
            # About 10 ms of the link at a time, so a new rate applies at once.
            chunk = CHUNK if r == 0 else max(16, min(CHUNK, r // 100))
            data = client.recv(chunk)
            out.send(data)
            if not data:
                return
            if r > 0:
                due = max(due, time.monotonic()) + len(data) / r
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
    except OSError:
        pass


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
# Accepted connections inherit it: the link's queue.
srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, queue)
srv.bind(("127.0.0.1", listen_port))
srv.listen(16)
print("listening", file=sys.stderr, flush=True)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=forward, args=(conn,), daemon=True).start()
