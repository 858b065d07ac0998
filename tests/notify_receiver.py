#!/usr/bin/env python3
"""A real HTTP receiver for the notification tests, on 127.0.0.1.

Usage: notify_receiver.py PORT_FILE LOG_FILE [SCRIPT_FILE]

Binds an ephemeral port and writes it to PORT_FILE. Every POST is appended
to LOG_FILE as one JSON line {"path", "headers", "body"} before it is
answered. SCRIPT_FILE (read at each request, so a test may rewrite it)
holds one answer per line: each request takes (and removes) the first;
when it is empty every request gets 200 "ok". An answer is:
  200, 400, 500, ...      that status, body "ok" or "error"
  429 retry-after=N       429 with a Retry-After: N header
  429 json=N              429 with Discord's body {"retry_after": N}
  hang                    never answer (the connection stays open 60 s)
With RECEIVER_CERT naming a PEM file of a certificate and its key, it
speaks HTTPS.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log_file = sys.argv[1], sys.argv[2]
script_file = sys.argv[3] if len(sys.argv) > 3 else None
lock = threading.Lock()


def next_answer():
    """Take the first line of the script (rewriting it), or "200"."""
    with lock:
        lines = []
        if script_file:
            try:
                with open(script_file) as f:
                    lines = [l.strip() for l in f if l.strip()]
            except FileNotFoundError:
                lines = []
        if not lines:
            return "200"
        with open(script_file, "w") as f:
            f.write("".join(l + "\n" for l in lines[1:]))
        return lines[0]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8", "replace")
        with lock:
            with open(log_file, "a") as f:
                f.write(json.dumps({"path": self.path,
                                    "headers": {k.lower(): v for k, v in self.headers.items()},
                                    "body": body}) + "\n")
        answer = next_answer().split()
        if answer[0] == "hang":
            time.sleep(60)
            return
        status = int(answer[0])
        out = b"ok" if status < 300 else b"error"
        extra = {}
        for a in answer[1:]:
            k, v = a.split("=", 1)
            if k == "retry-after":
                extra["Retry-After"] = v
            elif k == "json":
                out = json.dumps({"message": "rate limited", "retry_after": float(v),
                                  "global": False}).encode()
        self.send_response(status)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if os.environ.get("RECEIVER_CERT"):
    # HTTPS with the certificate and key in this PEM file.
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.environ["RECEIVER_CERT"])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
