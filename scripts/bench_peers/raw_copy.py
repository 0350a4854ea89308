#!/usr/bin/env python3
"""A raw loopback copy of the same bytes a framed stream carries, with no
protocol at all: the sender holds the stream in memory and sendall()s it in
1 MiB pieces; the receiver recv_into()s a 1 MiB buffer and throws the bytes
away. One of the two physical references of the wire-throughput row (the other
is socat).

    raw_copy.py recv PORT            prints "received BYTES" at EOF
    raw_copy.py send PORT FILES... --frames N
"""
import socket
import struct
import sys

# Bytes per send() and recv(): the fastest of 256 KiB, 1 MiB and 8 MiB here.
CHUNK = 1024 * 1024


def recv(port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1)
    print("listening", file=sys.stderr, flush=True)
    conn, _ = srv.accept()
    buf = bytearray(CHUNK)
    total = 0
    while True:
        n = conn.recv_into(buf)
        if not n:
            break
        total += n
    print(f"received {total}", flush=True)


def send(port, files, frames):
    # One pass over the files as the framed stream would carry it, built once.
    datas = [open(f, "rb").read() for f in files]
    block = b"".join(struct.pack("<L", len(d)) + d for d in datas)
    whole, rest = divmod(frames, len(datas))
    tail = b"".join(struct.pack("<L", len(d)) + d for d in datas[:rest]) + struct.pack("<L", 0)
    sock = socket.create_connection(("127.0.0.1", port))
    view = memoryview(block)
    chunks = [view[i : i + CHUNK] for i in range(0, len(block), CHUNK)]
    for _ in range(whole):
        for c in chunks:
            sock.sendall(c)
    sock.sendall(tail)
    sock.close()


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(int(sys.argv[2]))
    else:
        args = sys.argv[3:]
        i = args.index("--frames")
        send(int(sys.argv[2]), args[:i], int(args[i + 1]))
