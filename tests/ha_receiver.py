#!/usr/bin/env python3
"""A real HTTP server on 127.0.0.1 standing in for Home Assistant's REST
API and the Supervisor's, for tests/cli/t910-ha-rest.sh.

Usage: ha_receiver.py PORT_FILE LOG_FILE

Binds an ephemeral port and writes it to PORT_FILE. Every request is
appended to LOG_FILE as one JSON line {"method", "path", "headers",
"body"} before it is answered:
  GET .../services/mqtt   200 with the JSON of LOG_FILE.mqtt when that file
                          exists (the Supervisor's MQTT service), else 400
                          {"result": "error", "message": "No mqtt service"}
  anything else           the status in LOG_FILE.status (default 200) with
                          a JSON body, as Home Assistant answers
"""
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log_file = sys.argv[1], sys.argv[2]
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, doc):
        out = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def handle_any(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8", "replace")
        with lock:
            with open(log_file, "a") as f:
                f.write(json.dumps({"method": self.command, "path": self.path,
                                    "headers": {k.lower(): v for k, v in self.headers.items()},
                                    "body": body}) + "\n")
        if self.path.endswith("/services/mqtt"):
            if os.path.exists(log_file + ".mqtt"):
                with open(log_file + ".mqtt") as f:
                    self.answer(200, {"result": "ok", "data": json.load(f)})
            else:
                self.answer(400, {"result": "error", "message": "No mqtt service"})
            return
        status = 200
        if os.path.exists(log_file + ".status"):
            with open(log_file + ".status") as f:
                status = int(f.read().strip() or "200")
        self.answer(status, [] if status < 300 else {"message": "refused"})

    do_GET = handle_any
    do_POST = handle_any

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
