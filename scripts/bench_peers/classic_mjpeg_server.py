#!/usr/bin/env python3
"""The classic Python MJPEG web server: the picamera "web streaming" recipe
(http.server with socketserver.ThreadingMixIn, a StreamingOutput guarded by a
Condition, `multipart/x-mixed-replace; boundary=FRAME`), fed not by a camera
but by frames arriving over the camwire frame protocol, read the way the
classic receiver recipe reads them. Exits when the stream ends.

    classic_mjpeg_server.py FRAME_PORT HTTP_PORT

Prints "listening" on stderr once both sockets are bound.
"""
import io
import logging
import socket
import socketserver
import struct
import sys
import threading
from http import server


class StreamingOutput(object):
    def __init__(self):
        self.frame = None
        self.buffer = io.BytesIO()
        self.condition = threading.Condition()

    def write(self, buf):
        # Each write is one whole JPEG: publish it to every waiting client
        with self.condition:
            self.frame = buf
            self.condition.notify_all()


class StreamingHandler(server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/stream.mjpg":
            self.send_error(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Age", 0)
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Pragma", "no-cache")
        self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=FRAME")
        self.end_headers()
        try:
            while True:
                with output.condition:
                    output.condition.wait()
                    frame = output.frame
                self.wfile.write(b"--FRAME\r\n")
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", len(frame))
                self.end_headers()
                self.wfile.write(frame)
                self.wfile.write(b"\r\n")
        except Exception as e:
            logging.warning("Removed streaming client %s: %s", self.client_address, str(e))

    def log_message(self, format, *args):
        pass


class StreamingServer(socketserver.ThreadingMixIn, server.HTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 128


def feed(frame_socket, web):
    # The classic receiver recipe, handing each image to the web server
    connection = frame_socket.accept()[0].makefile("rb")
    while True:
        header = connection.read(struct.calcsize("<L"))
        if len(header) < 4:
            break
        image_len = struct.unpack("<L", header)[0]
        if not image_len:
            break
        output.write(connection.read(image_len))
    connection.close()
    web.shutdown()


output = StreamingOutput()
frame_socket = socket.socket()
frame_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
frame_socket.bind(("127.0.0.1", int(sys.argv[1])))
frame_socket.listen(0)
web = StreamingServer(("127.0.0.1", int(sys.argv[2])), StreamingHandler)
threading.Thread(target=feed, args=(frame_socket, web), daemon=True).start()
print("listening", file=sys.stderr, flush=True)
web.serve_forever()
