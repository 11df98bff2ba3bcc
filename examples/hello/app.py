"""Answers `pong` on /ping, on $HELLO_PORT."""

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        ok = self.path == "/ping"
        self.send_response(200 if ok else 404)
        self.end_headers()
        self.wfile.write(b"pong\n" if ok else b"not found\n")


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(os.environ["HELLO_PORT"])), Handler).serve_forever()
