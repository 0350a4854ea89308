#!/usr/bin/env python3
"""A slow link between a sender and a receiver on loopback: a TCP proxy that
forwards towards the receiver at a fixed rate, with a small queue (its
receive buffer), and the other way unthrottled. The same model as the
tests' proxy (crates/testsupport/src/proxy.rs), for scripts/bench.

    slow_link.py LISTEN_PORT UPSTREAM_PORT RATE_BYTES_PER_SEC QUEUE_BYTES

Prints "listening" on stderr once bound; serves until killed.
"""
import socket
import sys
import threading
import time

listen_port, upstream, rate, queue = (int(a) for a in sys.argv[1:5])
CHUNK = 4096


def back(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                dst.shutdown(socket.SHUT_WR)
                return
            dst.sendall(data)
    except OSError:
        pass


def forward(client):
    server = socket.create_connection(("127.0.0.1", upstream))
    server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    threading.Thread(target=back, args=(server, client), daemon=True).start()
    due = time.monotonic()
    try:
        while True:
            data = client.recv(CHUNK)
            if not data:
                server.shutdown(socket.SHUT_WR)
                return
            server.sendall(data)
            due = max(due, time.monotonic()) + len(data) / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
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
