"""Serve the ledger: `python -m ledger [--host HOST] [--port PORT]`.

GET /health answers `ok`; GET /entries lists the entries as a plain-text table;
POST /entries with a JSON body `{"account": "...", "amount": 12.5}` adds one.
Entries live in memory only: the container's root file system is read-only.
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tabulate import tabulate  # type: ignore[import-untyped]  # no stubs; pure Python

ENTRIES: list[tuple[str, float]] = []
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def _answer(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/health":
            self._answer(200, "ok\n")
        elif self.path == "/entries":
            with LOCK:
                rows = list(ENTRIES)
            total = sum(amount for _, amount in rows)
            table = tabulate([*rows, ("total", total)], headers=["account", "amount"], floatfmt=".2f")
            self._answer(200, table + "\n")
        else:
            self._answer(404, "not found\n")

    def do_POST(self) -> None:
        if self.path != "/entries":
            self._answer(404, "not found\n")
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
            entry = json.loads(self.rfile.read(length))
            row = (str(entry["account"]), float(entry["amount"]))
        except (ValueError, KeyError, TypeError):
            self._answer(400, 'expected {"account": "...", "amount": number}\n')
            return
        with LOCK:
            ENTRIES.append(row)
        self._answer(201, "added\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ledger", description=__doc__)
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
