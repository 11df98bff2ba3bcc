"""Where a server's log lines go, as Unbuffered Output's running check sees them, in a real container: the files
the server holds open for appending are found (`process.PROCESS`), and a line that only such a file got for a
request of the probe's own is named (`logs.missing`); a file that `docker logs` also got the line for is not."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from docverify.observe import logs, probe, process
from docverify.observe.http import get

# PID 1: a server that appends a line for each request to every file in SINKS, and prints it when ECHO is set.
SERVER = r"""
import http.server, os
sinks = [open(path, "a") for path in os.environ["SINKS"].split(",")]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        for sink in sinks:
            sink.write("%s asked %s\n" % (sink.name, self.path))
            sink.flush()
        if os.environ.get("ECHO"):
            print("stdout asked %s" % self.path, flush=True)
        self.send_response(404)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
"""


@contextmanager
def server(sinks: str, echo: bool) -> Iterator[SimpleNamespace]:
    options = ["-e", f"SINKS={sinks}", *(["-e", "ECHO=1"] if echo else []), "-p", "127.0.0.1::8000"]
    started = subprocess.run(["docker", "run", "-d", "--rm", *options, "python:3.13-slim", "python", "-c", SERVER],
                             capture_output=True, text=True, check=True)  # fmt: skip
    container = started.stdout.strip()
    try:
        port = subprocess.run(["docker", "port", container, "8000/tcp"], capture_output=True, text=True, check=True)
        service = SimpleNamespace(id=container, base_url=f"http://{port.stdout.split()[0]}")
        deadline = time.monotonic() + 30
        while get(f"{service.base_url}/ready")["status"] != 404:
            assert time.monotonic() < deadline, subprocess.run(["docker", "logs", container], capture_output=True)
            time.sleep(0.2)
        yield service
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True)


def appended(service: SimpleNamespace) -> tuple[str, ...]:
    seen = probe.observe_container(service.id, service, {process.PROCESS: None}, "the test's server")
    found: tuple[str, ...] = seen.get(process.PROCESS).appended
    return found


@pytest.mark.docker
def test_a_line_only_a_file_got_is_named_and_dev_null_is_found(docker_engine: None) -> None:
    with server("/tmp/app.log,/dev/null", echo=False) as service:
        assert appended(service) == ("/dev/null", "/tmp/app.log")
        lacking = logs.missing(service, ("/tmp/app.log",))
    assert len(lacking) == 1 and lacking[0].startswith("/tmp/app.log: /tmp/app.log asked /docverify-log-probe-")


@pytest.mark.docker
def test_a_log_file_besides_the_pipes_is_the_servers_to_keep(docker_engine: None) -> None:
    with server("/tmp/app.log", echo=True) as service:
        assert appended(service) == ("/tmp/app.log",)
        assert logs.missing(service, ("/tmp/app.log",)) == []
