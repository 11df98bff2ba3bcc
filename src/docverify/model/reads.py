"""What a check read, noted as it reads: the inputs a proof stays valid for.

Names are position-free, so a comment or an unrelated instruction changes none of them:

- `dockerfile:stages`: the stages (order, names, bases);
- `dockerfile:N:KEYWORD`: stage N's instructions of one keyword (`*` for all), normalised;
- `dockerfile:N:KEYWORD?`: only whether stage N has an instruction of that keyword;
- `dockerfile:args`: the global ARGs;
- `script:PATH`: a shell script's commands as a parser reads them (comments and spacing left out);
- `compose`: compose's model of the stack;
- `file:PATH`: a whole file;
- `lint:PATH`: what a Dockerfile linter reads: its instructions, its pragma comments and the line above each;
- `build:N`: what builds stage N's file system (its and earlier stages' instructions, the context);
- `config:N:FIELD`: the instructions that set one field of stage N's image config;
- `argv:N:WORDS`: stage N's CMD as a check told only these words apart sees it (`WORDS` a JSON list);
- `differs:N:FIELD:BASE`: whether stage N's config FIELD differs from the base's (`BASE` its fingerprint);
- `mentions:N:NAMES`: stage N's config-only instructions that name one of NAMES or a value the stack gives it.
- `settings`: docverify's own settings (`[tool.docverify]`), which every proof reads.

A check that depends on an input only through part of it reads it inside `narrowed`, which notes
the part instead, so a proof stays valid while that part does.

`run.inputs` turns each name into a digest of the files as they are now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_noted: ContextVar[set[str] | None] = ContextVar("docverify_reads", default=None)


def note(*names: str) -> None:
    """Record that the running check read these inputs (nothing happens outside a check)."""
    found = _noted.get()
    if found is not None:
        found.update(names)


@contextmanager
def tracking() -> Iterator[set[str]]:
    """Collect every input noted inside the block (per thread: each check runs in its own context)."""
    found: set[str] = set()
    token = _noted.set(found)
    try:
        yield found
    finally:
        _noted.reset(token)


@contextmanager
def narrowed(part: Callable[[str], str | None]) -> Iterator[None]:
    """Inside the block each name noted passes through `part` first (None drops it): the check's
    verdict depends on that input only through what `part` names."""
    outer = _noted.get()
    if outer is None:
        yield
        return
    inner: set[str] = set()
    token = _noted.set(inner)
    try:
        yield
    finally:
        _noted.reset(token)
        outer.update(name for name in map(part, inner) if name is not None)
