"""gunicorn's configuration file, read statically: where gunicorn looks for it, and the settings in it with which it
does not stay serving (`daemon = True`). gunicorn runs the file as Python; this reads it with Python's own parser,
and a setting only running it can tell (`daemon = os.environ[...]`, one set in an `if`) is unreadable, never a pass.
The image level asks gunicorn itself (observe/gunicorn.py)."""

from __future__ import annotations

import ast
import shlex
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath

from ..model.context import Context
from ..model.copies import copies_of
from ..model.dockerfile import Stage, clean_path
from ..model.sources import Sources
from .servers import SETTINGS, gunicorn_words

DEFAULT = "gunicorn.conf.py"


class Unreadable(ValueError):
    """A leaving setting set in a way only running the file tells: the statement and its line."""

    def __init__(self, statement: str, line: int) -> None:
        super().__init__(statement)
        self.statement, self.line = statement, line


def option(words: Sequence[str], long: str, short: str | None, shortest: int) -> str | None:
    """An option's value as argparse reads it: `--config x`, `--config=x`, `--conf x` (cut short to at least
    `shortest` characters), `-c x`, `-cx`; the last one given wins."""
    value = None
    for at, word in enumerate(words[1:], 1):
        if word == "--":
            break
        name, equals, given = word.partition("=")
        following = words[at + 1] if at + 1 < len(words) else None
        if name.startswith("--") and len(name) >= shortest and long.startswith(name):
            value = given if equals else following
        elif short is not None and word.startswith(short) and not word.startswith("--"):
            value = word[len(short) :] or following
    return value


def location(words: Sequence[str], environment: str | None, workdir: str) -> str | None:
    """The file gunicorn reads its settings from: `--config` on its command line, else in `GUNICORN_CMD_ARGS`,
    else `gunicorn.conf.py` in the folder it runs in (`--chdir`'s). None: a module (`python:settings`), which
    only the image level reads."""
    try:
        more = ["gunicorn", *shlex.split(environment or "")]
    except ValueError:
        more = ["gunicorn"]
    chdir = option(words, "--chdir", None, 5) or option(more, "--chdir", None, 5)
    folder = clean_path(chdir if chdir and chdir.startswith("/") else f"{workdir}/{chdir}" if chdir else workdir)
    named = option(words, "--config", "-c", 5) or option(more, "--config", "-c", 5)
    if named is None:
        return f"{folder}/{DEFAULT}"
    if named.startswith("python:"):
        return None
    named = named.removeprefix("file:")
    return clean_path(named if named.startswith("/") else f"{folder}/{named}")


def _statements(body: list[ast.stmt], conditional: bool) -> Iterator[tuple[ast.stmt, bool]]:
    """Module-level statements, each with whether it may not run (in an `if`, a loop, a `try`); function and
    class bodies are not the module's."""
    for node in body:
        yield node, conditional
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(node, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield from _statements(inner, conditional or not isinstance(node, ast.With))
        for handler in getattr(node, "handlers", []) or []:
            yield from _statements(handler.body, True)
        for case in getattr(node, "cases", []) or []:
            yield from _statements(case.body, True)


def leaving(text: str) -> tuple[str, int, str] | None:
    """(what the file says, its line, what gunicorn then does) when the file makes gunicorn leave; `Unreadable`
    when a leaving setting is set in a way only running it tells."""
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        return f"a syntax error ({error.msg})", error.lineno or 1, "gunicorn exits on its configuration file"
    found: dict[str, tuple[object, int]] = {}
    for node, conditional in _statements(tree.body, False):
        value: ast.expr | None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if not (isinstance(target, ast.Name) and target.id in SETTINGS):
                continue
            if conditional or isinstance(node, ast.AugAssign) or not isinstance(value, ast.Constant):
                raise Unreadable(ast.unparse(node).strip(), node.lineno)
            found[target.id] = (value.value, node.lineno)  # the last one set wins
    for name, (setting, line) in found.items():
        if setting:
            return f"{name} = {setting!r}", line, SETTINGS[name]
    return None


def in_context(sources: Sources, stage: Stage, path: str) -> str | None:
    """The build context's file that lands at `path` in the stage (after .dockerignore), relative to the root."""
    context = Context(sources.settings.context)
    for row in reversed(copies_of(stage)):
        if row.from_stage is not None or not (path == row.destination or path.startswith(row.destination + "/")):
            continue
        relative = str(PurePosixPath(row.source, path[len(row.destination) :].lstrip("/")))
        local = sources.settings.context / relative
        if local.is_file() and context.sent(relative) and local.is_relative_to(sources.root):
            return str(local.relative_to(sources.root))
    return None


def from_file(
    sources: Sources, stage: Stage, argv: Sequence[str], environment: str | None
) -> tuple[str, str, str] | None:
    """(what the file says, what gunicorn does, where) when the configuration file gunicorn in `argv` reads makes it
    leave. A file the stage makes with a RUN, or a module, is for the image level."""
    words = gunicorn_words(argv)
    workdir = stage.workdir()
    found = location(words, environment, workdir[0] if workdir else "/") if words else None
    relative = in_context(sources, stage, found) if found else None
    if found is None or relative is None:
        return None
    text = sources.text(relative)
    try:
        left = leaving(text)
    except Unreadable as error:
        why = f"gunicorn may fork or exit, which only running {found} tells"
        return error.statement, why, f"{relative}:{error.line}"
    return (left[0], f"{left[2]} ({found})", f"{relative}:{left[1]}") if left else None
