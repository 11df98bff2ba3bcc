"""The running level's claims, checked side by side once the stack is up.

The running checks mostly wait on Docker (a health check turning, a container recreated), so one
after another they leave the machine idle. Each check says what it does to the stack (`uses=`):

- `reads` (the default): it reads the stack as it is;
- `own`: it works in containers of its own, and reads of the stack's services only what Docker keeps
  of a stopped container too (its config, its mounts);
- `breaks`: it changes the stack while it runs (a service stopped, then started again).

Readers and own checks start together, in threads. A check that breaks the stack starts once every
reader is done, one at a time, in a thread of its own; own checks go on beside it. Each claim's item
waits for its own outcome only. Anything else that may touch the stack (a test, a `>>>` example, the
stack going down) waits for the whole pass first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Generic, TypeVar

from ..vocabulary.label import Uses

T = TypeVar("T")

WORKERS = 6  # own checks hold a thread for seconds each; readers are quick


def uses_of(kinds: Sequence[Uses]) -> Uses:
    """What a claim does to the stack, from what each of its checks does."""
    if "breaks" in kinds:
        return "breaks"
    return "own" if kinds and all(kind == "own" for kind in kinds) else "reads"


class Pass(Generic[T]):
    """Each claim's outcome, by id, from `run`, which checks one claim (what it raises, its item raises)."""

    def __init__(self, claims: Sequence[tuple[str, Uses]], run: Callable[[str], T]) -> None:
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="docverify-running")
        self._alone = ThreadPoolExecutor(max_workers=1, thread_name_prefix="docverify-breaking")  # one at a time
        ordered = sorted(claims, key=lambda c: c[1] != "own")  # the long ones first
        self._futures: dict[str, Future[T]] = {
            claim: self._pool.submit(run, claim) for claim, uses in ordered if uses != "breaks"
        }
        readers = [self._futures[claim] for claim, uses in claims if uses == "reads"]

        def after_readers(claim: str) -> T:
            wait(readers)
            return run(claim)

        for claim, uses in claims:
            if uses == "breaks":
                self._futures[claim] = self._alone.submit(after_readers, claim)

    def __contains__(self, claim: str) -> bool:
        return claim in self._futures

    def outcome(self, claim: str) -> T:
        return self._futures[claim].result()

    def finish(self) -> None:
        """Wait for every check of the pass."""
        wait(list(self._futures.values()))
        self._pool.shutdown(wait=True)
        self._alone.shutdown(wait=True)
