"""Progress lines on stdout, `[bench +SECONDS] ...`, and a heartbeat so a long step never goes quiet."""

from __future__ import annotations

import threading
import time
from types import TracebackType

STARTED = time.monotonic()
_print_lock = threading.Lock()
_last_print = [time.monotonic()]


def say(message: str) -> None:
    with _print_lock:
        print(f"[bench +{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)
        _last_print[0] = time.monotonic()


def engine_says(line: str) -> None:
    """The engine's own progress lines, indented under ours."""
    say(f"  {line}")


class Heartbeat:
    """Says `still <what>` whenever nothing was printed for `every` seconds."""

    def __init__(self, what: str, every: float = 3.0) -> None:
        self.what, self.every = what, every
        self.last_line = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self) -> None:
        began = time.monotonic()
        while not self._stop.wait(0.5):
            if time.monotonic() - _last_print[0] >= self.every:
                detail = f": {self.last_line[:110]}" if self.last_line else ""
                say(f"  still {self.what} ({time.monotonic() - began:.0f}s){detail}")

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
