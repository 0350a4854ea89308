#!/usr/bin/env python3
"""The picture a Firefox page's <video> shows now, at its own size, through
Marionette (Firefox's built-in remote protocol, `firefox --marionette`; no
geckodriver), with the standard library alone.

    python3 marionette_frame.py PORT PICTURE.png

Marionette's wire format: each message is its JSON's length in decimal, a
colon, then the JSON. The server speaks first (`{"marionetteProtocol": 3,
...}`); a command is `[0, id, name, params]`, its reply `[1, id, error,
result]`. This opens a WebDriver session on the window Firefox shows, runs a
script in the page that draws the video's current frame on a canvas, and
writes the canvas's PNG to PICTURE.png. It exits 1 with one line saying why
when Marionette refuses or the page has no playing video.
"""
import base64
import json
import socket
import sys

port, picture = int(sys.argv[1]), sys.argv[2]

FRAME = """
const video = document.querySelector("video");
if (!video || !video.videoWidth) return null;
const canvas = document.createElement("canvas");
canvas.width = video.videoWidth;
canvas.height = video.videoHeight;
canvas.getContext("2d").drawImage(video, 0, 0);
return canvas.toDataURL("image/png");
"""


def read_message(conn, buf):
    while b":" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            raise SystemExit("Marionette closed the connection")
        buf += chunk
    length, _, buf = buf.partition(b":")
    length = int(length)
    while len(buf) < length:
        chunk = conn.recv(max(65536, length - len(buf)))
        if not chunk:
            raise SystemExit("Marionette closed the connection")
        buf += chunk
    return json.loads(buf[:length]), buf[length:]


def main():
    conn = socket.create_connection(("127.0.0.1", port), timeout=60)
    buf = b""
    hello, buf = read_message(conn, buf)
    if hello.get("marionetteProtocol") != 3:
        print("not Marionette protocol 3:", hello, flush=True)
        return 1
    next_id = 0

    def call(name, params):
        nonlocal buf, next_id
        next_id += 1
        data = json.dumps([0, next_id, name, params]).encode()
        conn.sendall(b"%d:" % len(data) + data)
        while True:
            reply, buf = read_message(conn, buf)
            if reply[0] == 1 and reply[1] == next_id:
                if reply[2]:
                    raise SystemExit(f"Marionette refused {name}: {reply[2]}")
                return reply[3]

    call("WebDriver:NewSession", {"capabilities": {}})
    shot = call("WebDriver:ExecuteScript", {"script": FRAME, "args": []})["value"]
    if not shot:
        print("the page has no playing video", flush=True)
        return 1
    with open(picture, "wb") as f:
        f.write(base64.b64decode(shot.split(",", 1)[1]))
    print("frame written", flush=True)
    call("WebDriver:DeleteSession", {})
    return 0


sys.exit(main())
