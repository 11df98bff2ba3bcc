"""gunicorn's configuration file, read statically: where gunicorn looks for it, and the settings in it with which it
does not stay serving (`daemon = True`). gunicorn runs the file as Python; this reads it with Python's own parser,
and a setting only running it can tell (`daemon = os.environ[...]`, one set in an `if`) is unreadable, never a pass.
The image level asks gunicorn itself (observe/gunicorn.py)."""

from __future__ import annotations

import ast
import shlex
from collections.abc import Iterator, Sequence

from ..model.copies import context_file
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
    else `gunicorn.conf.py` in the folder it starts in (`--chdir` applies after it reads the file). None: a
    module (`python:settings`), which only the image level reads."""
    try:
        more = ["gunicorn", *shlex.split(environment or "")]
    except ValueError:
        more = ["gunicorn"]
    # gunicorn reads the file before it changes folder for `--chdir`: relative to where it starts.
    folder = workdir
    named = option(words, "--config", "-c", 6) or option(more, "--config", "-c", 6)
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
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(node, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield from _statements(inner, conditional or not isinstance(node, ast.With))
        for handler in getattr(node, "handlers", []) or []:
            yield from _statements(handler.body, True)
        for case in getattr(node, "cases", []) or []:
            yield from _statements(case.body, True)


# Calls and names through which a module binds names no assignment shows.
INDIRECT = {"exec", "eval", "globals", "locals", "vars", "setattr", "__import__", "__dict__", "modules"}


def _cast(value: object) -> bool | None:
    """gunicorn's `validate_bool`: True, False, None (unset), "true"/"false" in any case; anything else it refuses."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower().strip() in ("true", "false"):
        return value.lower().strip() == "true"
    raise TypeError(value)


ARITHMETIC = (ast.Expression, ast.Constant, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop)


def _raises(value: ast.expr | None) -> str | None:
    """The error an expression of constants alone raises when the file is loaded (`1 // 0`), else None; one with
    a name, a call or a string is for the image level, and `**` or `<<` is not worked out (its result may be huge)."""
    if value is None or isinstance(value, ast.Constant):
        return None
    tree = ast.Expression(value)
    for node in ast.walk(tree):
        if not isinstance(node, ARITHMETIC) or isinstance(node, (ast.Pow, ast.LShift)):
            return None
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            return None  # `"a" * n` makes a string of any size
    try:
        eval(compile(tree, "<gunicorn.conf.py>", "eval"), {"__builtins__": {}})  # constants only: nothing to reach
    except Exception as error:  # what gunicorn would meet
        return type(error).__name__
    return None


def _binds(node: ast.stmt) -> list[str]:
    """The setting names a statement binds other than by `name = constant`: an import (`*` too), a def, a loop's or
    a `with`'s target."""
    names: list[str] = []
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [(a.asname or a.name).split(".")[0] for a in node.names]
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names = [node.name]
    else:
        bound = [node.target] if isinstance(node, (ast.For, ast.AsyncFor)) else []
        bound += [i.optional_vars for i in getattr(node, "items", []) if i.optional_vars is not None]
        names = [n.id for target in bound for n in ast.walk(target) if isinstance(n, ast.Name)]
    return [name for name in names if name in SETTINGS or name == "*"]


def leaving(text: str) -> tuple[str, int, str] | None:
    """(what the file says, its line, what gunicorn then does) when the file makes gunicorn leave; `Unreadable`
    when a setting is bound in a way only running it tells (an expression, an `if`, `exec`, `import *`)."""
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        return f"a syntax error ({error.msg})", error.lineno or 1, "gunicorn exits on its configuration file"
    for node in ast.walk(tree):
        named = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        walrus = isinstance(node, ast.NamedExpr) and node.target.id in SETTINGS
        if named in INDIRECT or walrus:
            raise Unreadable(ast.unparse(node).strip(), getattr(node, "lineno", 1))
    found: dict[str, tuple[object, int]] = {}
    for node, conditional in _statements(tree.body, False):
        if _binds(node):
            raise Unreadable(ast.unparse(node).strip().splitlines()[0], node.lineno)
        if isinstance(node, ast.AnnAssign) and node.value is None:
            continue  # an annotation alone binds nothing
        if isinstance(node, ast.Delete):
            gone = {t.id for t in node.targets if isinstance(t, ast.Name)} & set(SETTINGS)
            if gone and conditional:
                raise Unreadable(ast.unparse(node).strip(), node.lineno)
            found = {name: value for name, value in found.items() if name not in gone}
            continue
        if not conditional and (raised := _raises(getattr(node, "value", None))):
            return ast.unparse(node).strip(), node.lineno, f"gunicorn exits: loading the file raises {raised}"
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names = [n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)]
        if not set(names) & set(SETTINGS):
            continue
        value = getattr(node, "value", None)
        plain = isinstance(node, (ast.Assign, ast.AnnAssign)) and all(isinstance(t, ast.Name) for t in targets)
        if conditional or not plain or not isinstance(value, ast.Constant):
            raise Unreadable(ast.unparse(node).strip(), node.lineno)
        found.update((name, (value.value, node.lineno)) for name in names if name in SETTINGS)  # the last one wins
    for name, (setting, line) in found.items():
        try:
            on = _cast(setting)
        except TypeError:
            return f"{name} = {setting!r}", line, "gunicorn exits: it takes only a boolean there"
        if on:
            return f"{name} = {setting!r}", line, SETTINGS[name]
    return None


def _config_file(
    sources: Sources, stage: Stage, argv: Sequence[str], environment: str | None
) -> tuple[str, str] | None:
    """The configuration file gunicorn in `argv` reads: (its path in the image, the build context's file copied
    there); None when there is none the Dockerfile copies from the context (a RUN makes it, or a module)."""
    words = gunicorn_words(argv)
    workdir = stage.workdir()
    found = location(words, environment, workdir[0] if workdir else "/") if words else None
    relative = context_file(sources, stage, found) if found else None
    return (found, relative) if found is not None and relative is not None else None


def from_file(
    sources: Sources, stage: Stage, argv: Sequence[str], environment: str | None
) -> tuple[str, str, str] | None:
    """(what the file says, what gunicorn does, where) when the configuration file gunicorn in `argv` reads makes it
    leave. A file the stage makes with a RUN, or a module, is for the image level."""
    config = _config_file(sources, stage, argv, environment)
    if config is None:
        return None
    found, relative = config
    text = sources.text(relative)
    try:
        left = leaving(text)
    except Unreadable as error:
        why = f"gunicorn may fork or exit, which only running {found} tells"
        return error.statement, why, f"{relative}:{error.line}"
    return (left[0], f"{left[2]} ({found})", f"{relative}:{left[1]}") if left else None


def file_env(
    sources: Sources, stage: Stage, argv: Sequence[str], environment: str | None
) -> tuple[dict[str, str], str]:
    """What `raw_env` in the configuration file gunicorn in `argv` reads puts in the server's environment, and
    where; `raw_env` bound in a way only running the file tells is `Unreadable`."""
    config = _config_file(sources, stage, argv, environment)
    if config is None:
        return {}, ""
    relative = config[1]
    try:
        tree = ast.parse(sources.text(relative))
    except SyntaxError:
        return {}, relative  # Command says gunicorn exits on it
    given: dict[str, str] = {}
    for node, conditional in _statements(tree.body, False):
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if not any(isinstance(n, ast.Name) and n.id == "raw_env" for t in targets if t for n in ast.walk(t)):
            continue
        value = getattr(node, "value", None)
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else None
        if conditional or items is None or not all(isinstance(i, ast.Constant) and isinstance(i.value, str)
                                                   for i in items):  # fmt: skip
            raise Unreadable(f"{ast.unparse(node).strip()}` ({relative}:{node.lineno})", node.lineno)
        given = dict(str(i.value).partition("=")[::2] for i in items if isinstance(i, ast.Constant))
    return given, relative
