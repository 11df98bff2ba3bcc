"""Where a server's log lines go, as Unbuffered Output's running check sees them, in a real container: the files
the server holds open for appending are found (`process.PROCESS`), and a line that only such a file got for a
request of the probe's own is named (`logs.missing`); a file that `docker logs` also got the line for is not. A
server that a shell staying PID 1 starts is seen with its own environment and output (`Process.started`)."""

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
def server(sinks: str, echo: bool, shell: str = "") -> Iterator[SimpleNamespace]:
    """The server as PID 1, or started by `sh -c SHELL` (`$0` the server's argv) when `shell` is given."""
    options = ["-e", f"SINKS={sinks}", "-e", "MARK=1", *(["-e", "ECHO=1"] if echo else []), "-p", "127.0.0.1::8000"]
    command = [*(["sh", "-c", shell] if shell else []), "python", "-c", SERVER]
    started = subprocess.run(["docker", "run", "-d", "--rm", *options, "python:3.13-slim", *command],
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


def observed(service: SimpleNamespace) -> process.Process:
    seen = probe.observe_container(service.id, service, {process.PROCESS: None}, "the test's server")
    found: process.Process = seen.get(process.PROCESS)
    return found


def appended(service: SimpleNamespace) -> tuple[str, ...]:
    return observed(service).appended


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


@pytest.mark.docker
def test_a_server_a_shell_starts_is_seen_with_its_own_environment_and_output(docker_engine: None) -> None:
    # In a subshell: dash redirects a command's output in the shell itself (PID 1 too) before it forks.
    shell = '(env -u MARK "$0" "$@" >/tmp/out.log 2>&1); echo "ended $?"'
    with server("/tmp/app.log", echo=True, shell=shell) as service:
        pid1 = observed(service)
    assert pid1.argv[0] == "sh" and pid1.env.get("MARK") == "1" and pid1.streams[0].startswith("pipe:"), pid1
    python = [s for s in pid1.started if s.argv[0] == "python"]
    assert len(python) == 1 and python[0].argv[1] == "-c", pid1.started
    assert python[0].env is not None and "MARK" not in python[0].env and "SINKS" in python[0].env, python
    assert python[0].streams == ("/tmp/out.log", "/tmp/out.log"), python
    # The server the subshell runs is a program of its own (dash execs a subshell's last command): the checks read it.
    assert python[0].python_started and python[0].execd and "python" in python[0].exe, python


@pytest.mark.docker
def test_a_server_the_shell_execs_is_pid_1_and_its_zombie_is_left_out(docker_engine: None) -> None:
    # The `sleep` ends while the server runs, a zombie nobody reaps: it runs nothing, and /proc refuses its environ.
    with server("/tmp/app.log", echo=True, shell='sleep 0.1 & exec "$0" "$@"') as service:
        time.sleep(0.5)
        zombies = subprocess.run(["docker", "exec", service.id, "sh", "-c", "grep -l '^State:.*Z' /proc/[0-9]*/status"],
                                 capture_output=True, text=True)  # fmt: skip
        pid1 = observed(service)
    assert zombies.stdout.strip(), "the test needs a zombie beside the server"
    assert pid1.argv[:2] == ("python", "-c") and pid1.env.get("MARK") == "1" and pid1.started == (), pid1
