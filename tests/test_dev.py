"""scripts/dev answers bad input in one clear line and a fitting exit code, without setting anything up."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "scripts" / "dev"


def dev(*args: str) -> subprocess.CompletedProcess[str]:
    """scripts/dev in a real process (stdlib only, so any Python 3.11 will do), stdout and stderr as one stream."""
    return subprocess.run(
        [sys.executable, str(DEV), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
    )


def test_unknown_task_is_named_first_and_exits_2() -> None:
    result = dev("bogus")
    assert result.returncode == 2, result.stdout
    assert result.stdout.splitlines()[0] == "unknown task: bogus", result.stdout
    assert "scripts/dev serve" in result.stdout, "the usage follows the error"


def test_help_exits_0() -> None:
    result = dev("help")
    assert result.returncode == 0, result.stdout
    assert "--port" in result.stdout


def test_busy_port_is_one_line_naming_it() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = dev("serve", "--port", str(port))
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stdout, result.stdout
    lines = result.stdout.splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{result.stdout}"
    assert str(port) in lines[0] and "--port N" in lines[0], lines[0]


def test_bad_port_value_is_one_clear_error() -> None:
    result = dev("serve", "--port", "eighty")
    assert result.returncode == 2, result.stdout
    assert result.stdout.splitlines()[0] == "--port needs a number from 1 to 65535, not 'eighty'", result.stdout
    assert "Traceback" not in result.stdout


def test_the_docs_alone_run_in_one_process_and_the_rest_with_workers() -> None:
    """The docs are one xdist group: workers would only start up and wait (scripts/dev test docs)."""
    import importlib.util
    import os
    from importlib.machinery import SourceFileLoader

    spec = importlib.util.spec_from_loader("dev", SourceFileLoader("dev", str(DEV)))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.workers(["docs"]) == []
    assert module.workers(["docs/backend/django/health.md::static:L14:Endpoint", "-k", "static"]) == []
    with_workers = ["-n"] if (os.cpu_count() or 1) >= 2 else []
    for args in ([], ["tests"], ["docs", "tests/test_stack.py"], ["-k", "docs"]):
        assert module.workers(args)[:1] == with_workers, args
