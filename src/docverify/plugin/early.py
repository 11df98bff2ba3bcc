"""The image and running levels' subjects, each made once a session in a thread of its own.

Whichever level is asked for first starts both (when the session has claims of both), so compose's
build and its `up --wait` (mostly waiting for health checks) go on while the images are built and
probed. Each fixture then waits only for its own subject; the stack goes down at the session's end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from typing import Generic, TypeVar

from ..errors import BuildFailed, DocverifyError, ProbeFailed
from ..observe.docker import Reporter
from ..observe.subjects import Broken, Images, Stack
from ..run.walk import Walk

T = TypeVar("T")


class Job(Generic[T]):
    """One subject made in a thread; a failure becomes a Broken that every claim of its level names."""

    def __init__(self, make: Callable[[], T], what: str, said: str = "") -> None:
        self._result: T | Broken = Broken(f"{what} was never made")
        self._thread = threading.Thread(target=self._run, args=(make, what, said), name=what, daemon=True)
        self._thread.start()

    def _run(self, make: Callable[[], T], what: str, said: str) -> None:
        try:
            self._result = make()
        except (BuildFailed, ProbeFailed, DocverifyError) as error:
            self._result = Broken(f"{said}{error}")  # each claim of its level fails with it, naming its own line
        except Exception as error:  # anything else still reaches every claim, not a dead thread
            self._result = Broken(f"{what} could not be made: {type(error).__name__}: {error}")

    def result(self) -> T | Broken:
        self._thread.join()
        return self._result


class Subjects:
    """The session's images and stack, started together on first use, each at most once."""

    def __init__(self, walk: Walk, report: Reporter) -> None:
        self._walk, self._report = walk, report
        self._held = ExitStack()
        self._images: Job[Images] | None = None
        self._stack: Job[Stack] | None = None

    def start(self, levels: set[str]) -> None:
        """Start making what `levels` need and is not under way (plans and sources read in this thread)."""
        sources = self._walk.sources
        if "image" in levels and self._images is None:
            from ..observe.images import build_images  # the image and running levels only

            plan = self._walk.plan("image")
            self._images = Job(
                lambda: build_images(sources, plan, self._report), "the images", "the images could not be made: "
            )
        if "running" in levels and self._stack is None:
            from ..observe.stack import running_stack

            plan = self._walk.plan("running")
            self._stack = Job(lambda: self._held.enter_context(running_stack(sources, plan, self._report)), "the stack")

    def images(self) -> Images | Broken:
        self.start({"image"})
        assert self._images is not None
        return self._images.result()

    def stack(self) -> Stack | Broken:
        self.start({"running"})
        assert self._stack is not None
        return self._stack.result()

    def close(self) -> None:
        for job in (self._images, self._stack):
            if job is not None:
                job.result()
        self._walk.finish_running()  # no check still at work on the stack as it goes down
        self._held.close()
