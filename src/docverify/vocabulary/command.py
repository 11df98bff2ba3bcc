"""What a container of the image runs: ENTRYPOINT and CMD as they compose into the process.

Docker starts `ENTRYPOINT + CMD` when the entrypoint is in exec form; a shell-form entrypoint
ignores CMD. An entrypoint script that ends in `exec "$@"` hands over to CMD. The running level
reads the process (PID 1) and its listening sockets.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..model import reads
from ..model.dockerfile import Stage
from ..model.scripts import entrypoint_script
from ..model.sources import Sources
from ..observe import sockets
from ..observe.observer import Need
from ..observe.subjects import Images, Stack
from . import script
from .common import attached, matches, running_view, running_view_needs
from .compose import overridden
from .label import Cites, Claim, Label, fail, words
from .runtime import split_words as _split
from .serverconfig import from_file
from .servers import asked, asked_needs, bind_spelled, configured, exec_of, found, leaves

DOCKER_DNS = "127.0.0.11"
# What may stand before the program in a process's argv: an interpreter, a shell, or a launcher.
LAUNCHER = re.compile(r"python[0-9.]*|sh|bash|dash|ash|env|tini|dumb-init|exec")
PYTHON = re.compile(r"python[0-9.]*")
# WSGI servers that take their app as `module[:callable]`, the callable they default to, and their options that take
# no value (so the word after one may be the app).
APP_DEFAULTS = {"gunicorn": "application"}
GUNICORN_FLAGS = {
    "--reload", "-R", "--spew", "--check-config", "--print-config", "--preload", "--no-sendfile", "--reuse-port",
    "--daemon", "-D", "--initgroups", "--capture-output", "--enable-stdio-inheritance", "--proxy-protocol",
    "--suppress-ragged-eofs", "--do-handshake-on-connect", "--strip-header-spaces",
}  # fmt: skip
MODULE = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*")


def app_spelled(argv: Sequence[str]) -> list[str]:
    """The argv with a WSGI server's app written whole (gunicorn's `core.wsgi` is `core.wsgi:application`), and its
    `--bind` address as it reads it (`:8000` is `0.0.0.0:8000`)."""
    words = list(argv)
    server = next((n for n, w in enumerate(words) if PurePosixPath(w).name in APP_DEFAULTS), None)
    if server is None:
        return words
    default = APP_DEFAULTS[PurePosixPath(words[server]).name]
    for at in range(server + 1, len(words)):
        before = words[at - 1]
        takes_value = before[:1] == "-" and before != "-" and "=" not in before and before not in GUNICORN_FLAGS
        if MODULE.fullmatch(words[at]) and not takes_value:
            words[at] = f"{words[at]}:{default}"
        words[at] = bind_spelled(words, at)
    return words


@dataclass(frozen=True)
class CommandArgs:
    program: str | None = None  # the program, or a whole command line
    # Each may be several words (`--port 8080`); implied: a whole command line already holds them.
    arguments: tuple[str, ...] = field(default=(), metadata={"implied": True})
    address: str | None = None  # host:port it serves on
    handover: str | None = None  # `exec`: the entrypoint script replaces itself with it
    command: str | None = None  # the whole process, exactly


def _process(stage: Stage, sources: Sources) -> tuple[list[str] | None, str | None]:
    """What a container of the stage runs by default, as Docker composes ENTRYPOINT and CMD (and an
    entrypoint script that hands over to its arguments): (argv, why none)."""
    entry, cmd = stage.exec_list("ENTRYPOINT"), stage.exec_list("CMD")
    if entry is not None and not entry[1].is_exec_form():
        return None, f"shell-form ENTRYPOINT {entry[1].value}, which ignores CMD"
    if entry is not None and stage is sources.dockerfile.final and entrypoint_script(sources) is not None:
        return (list(cmd[0]) if cmd else None), None if cmd else "no CMD for the entrypoint script to run"
    argv = [*(entry[0] if entry else []), *(cmd[0] if cmd else [])]
    return (argv or None), None if argv else "no CMD and no ENTRYPOINT"


def _suggested(sources: Sources) -> Iterable[tuple[int | None, CommandArgs]]:
    stage = sources.dockerfile.final
    argv, _ = _process(stage, sources)
    cmd = stage.exec_list("CMD")
    entry = stage.exec_list("ENTRYPOINT")
    if argv is None or cmd is None:
        return
    if entry is not None and entrypoint_script(sources) is None:
        yield stage.index, CommandArgs(arguments=tuple(cmd[0]), command=shlex.join(argv))
    else:
        yield stage.index, CommandArgs(shlex.join(argv))


COMMAND = Label(
    "Command",
    CommandArgs,
    [
        "Runs {command} by default",
        "Defaults to {program} [<with|running> {arguments*}]",
        "Defaults to {program} serving {arguments*} on {address}[; the entrypoint {handover}s it]",
        "Passes {arguments*} to the entrypoint [by default]",
    ],
    example=CommandArgs("gunicorn", ("core.wsgi:application",), "0.0.0.0:8000"),
    examples=[CommandArgs(arguments=("--port", "8080"), command="python -m ledger --port 8080")],
    summary="What a container runs by default: ENTRYPOINT and CMD as Docker composes them into the process (an "
    "entrypoint script hands over to the CMD).",
    suggest=_suggested,
)


def _words(args: CommandArgs) -> tuple[list[str], list[list[str]]]:
    """(the program's words, each argument's words): `--port 8080` is two words, in that order; a WSGI app as the
    argv is read (`app_spelled`)."""
    program = _split(args.program) if args.program else []
    runs = [*(_split(a) for a in args.arguments), *([[args.address]] if args.address else [])]
    spelled = app_spelled([*program, *(w for run in runs for w in run)])
    program, at = spelled[: len(program)], len(program)
    for run in runs:
        run[:], at = spelled[at : at + len(run)], at + len(run)
    return program, runs


def _has_run(argv: list[str] | tuple[str, ...], run: list[str]) -> bool:
    """`run` appears in `argv` word for word; a lone word may also be an option's `=value`."""
    if len(run) == 1:
        return matches(run[0], argv)
    return any(list(argv[i : i + len(run)]) == run for i in range(len(argv) - len(run) + 1))


def holds(claim: Claim[CommandArgs], argv: list[str] | tuple[str, ...]) -> bool:
    args, form = claim.args, claim.reading.form.text
    argv = app_spelled(argv)
    if args.command is not None:
        wanted = app_spelled(_split(args.command))
        return len(argv) == len(wanted) and same(argv[0], wanted[0]) and list(argv[1:]) == wanted[1:]
    program, runs = _words(args)
    if form.startswith("Passes"):  # the CMD, word for word, after the entrypoint's own words
        flat = [w for run in runs for w in run]
        return list(argv[len(argv) - len(flat) :]) == flat
    argv = app_spelled(exec_of(argv))  # `sh -c 'exec gunicorn …'` runs gunicorn as the process
    for start in range(len(argv)):  # an interpreter or a launcher may stand before the program
        rest = argv[start:]
        if program and same(rest[0], program[0]) and list(rest[1 : len(program)]) == program[1:]:
            return all(_has_run(rest[len(program) :], run) for run in runs)
        if not LAUNCHER.fullmatch(PurePosixPath(rest[0]).name) and not _module_flag(argv, start):
            break
    return False


def _module_flag(argv: Sequence[str], at: int) -> bool:
    """`python -m gunicorn`: the `-m` after an interpreter runs the module named next."""
    return argv[at] == "-m" and at > 0 and bool(PYTHON.fullmatch(PurePosixPath(argv[at - 1]).name))


def seen(argv: Sequence[str], words: Sequence[str]) -> list[str]:
    """The argv as `holds` tells it apart for a claim of these words (not the `Runs` and `Passes` forms,
    which compare every word): each of the words where it stands, also as `--opt=value`, `-ovalue` or the program by
    path, and an interpreter's `-m`; any other word only as a launcher or not. Two argvs seen alike hold alike."""
    argv = exec_of(argv)
    left = leaves(argv)  # an option that makes the server exit or fork is told apart too (`_serves`)
    return [
        w if any(w == x or w.endswith(f"={x}") or attached(w, x) or same(w, x) for x in words) or _module_flag(argv, at)
        or (left is not None and w == left[0])
        else "\0launcher" if LAUNCHER.fullmatch(PurePosixPath(w).name) else "\0"
        for at, w in enumerate(app_spelled(argv))
    ]  # fmt: skip


def claim_words(claim: Claim[CommandArgs]) -> list[str] | None:
    """The words a claim tells apart in the CMD, or None where it compares every word."""
    if claim.args.command is not None or claim.reading.form.text.startswith("Passes"):
        return None
    program, runs = _words(claim.args)
    return [*program, *(w for run in runs for w in run)]


@contextmanager
def cmd_as_seen(claim: Claim[CommandArgs], key: str) -> Iterator[None]:
    """Reading the CMD inside the block notes only what the claim tells apart of it (`argv:KEY:WORDS`),
    so a proof stays valid when a word it does not name changes (`--workers 2` to `3`)."""
    words = claim_words(claim)
    if words is None:
        yield
        return
    name = f"argv:{key}:{json.dumps(words)}"
    cmd = re.compile(r"dockerfile:\d+:CMD|config:\d+:Cmd")
    with reads.narrowed(lambda noted: name if cmd.fullmatch(noted) else noted):
        yield


def same(found: str, wanted: str) -> bool:
    """A program by name or by path: `/venv/bin/gunicorn` runs `gunicorn`."""
    return found == wanted or ("/" not in wanted and PurePosixPath(found).name == wanted)


def said(claim: Claim[CommandArgs]) -> str:
    return claim.args.command or " ".join([*_words(claim.args)[0], *(w for run in _words(claim.args)[1] for w in run)])


@COMMAND.static("ENTRYPOINT and CMD composed into the default process (an entrypoint script hands over to CMD); "
                "`exec`: the script replaces itself with it; one said to serve has no option (command line, "
                "`GUNICORN_CMD_ARGS`, the configuration file the build context gives it) that makes the server "
                "exit or fork")  # fmt: skip
def command_static(claim: Claim[CommandArgs], sources: Sources) -> Cites:
    stage = sources.stage(claim)
    with cmd_as_seen(claim, str(stage.index)):
        argv, problem = _process(stage, sources)
        cmd, entry = stage.last("CMD"), stage.last("ENTRYPOINT")
        cites = [i.cite for i in (cmd, entry) if i is not None]
        if claim.reading.form.text.startswith("Passes") and entry is None:
            fail(claim, "arguments passed to an entrypoint", "no ENTRYPOINT", stage.where(cmd))
        if argv is None:
            fail(claim, said(claim), problem, stage.where(entry or cmd))
        if claim.reading.form.text.startswith("Passes"):
            argv = stage.exec_list("CMD")[0] if stage.exec_list("CMD") else []  # type: ignore[index]
        if not holds(claim, argv):
            fail(claim, f"the default process running {said(claim)}", f"`{shlex.join(argv)}`",
                 stage.where(cmd or entry))  # fmt: skip
        if _says_serving(claim):
            options = configured(sources, stage)
            where = stage.where(cmd or entry)
            _serves(claim, found(argv, options, where) or from_file(sources, stage, argv, options[0]))
    if stage is sources.dockerfile.final and sources.settings.runs_stack and (instead := overridden(sources, stage)):
        fail(claim, said(claim), *instead)
    if claim.args.handover is not None:
        cites += script.handover(claim, sources, claim.args.handover)
    return cites


def _gunicorn_needs(claim: Claim[CommandArgs], sources: Sources) -> list[Need]:
    """gunicorn's own reading of its settings, for a claim that says the process serves with it."""
    return asked_needs(_process(sources.stage(claim), sources)[0] or []) if _says_serving(claim) else []


@COMMAND.image("the image config's entrypoint and cmd, composed (one said to serve: no option making it exit or fork, "
               "as gunicorn reads its command line, environment and configuration file in the image)",
               needs=_gunicorn_needs)  # fmt: skip
def command_image(claim: Claim[CommandArgs], images: Images) -> Cites:
    image = images.image(claim)
    config = image.config
    passes = claim.reading.form.text.startswith("Passes")
    scripted = image.stage is images.sources.dockerfile.final and entrypoint_script(images.sources) is not None
    with cmd_as_seen(claim, image.stage_key):
        argv = config.cmd if passes or scripted else config.argv
    if not holds(claim, argv):
        fail(claim, said(claim), f"`{shlex.join(argv)}`", image.where)
    if _says_serving(claim):
        left = found(argv, (config.env.get("GUNICORN_CMD_ARGS"), f"{image.where}, its Env"), image.where)
        # gunicorn is asked with the words the claim's needs named: the Dockerfile's, which the image runs.
        words = _process(images.sources.stage(claim), images.sources)[0] or []
        _serves(claim, left or asked(image, words, image.where))
    return []


def _says_serving(claim: Claim[CommandArgs]) -> bool:
    return " serving " in claim.reading.form.text


def _serves(claim: Claim[CommandArgs], left: tuple[str, str, str] | None) -> None:
    """A claim that says the process serves: no option that makes the server exit or fork instead, on its command
    line, in the options gunicorn reads from its environment, or in its configuration file."""
    if left is not None:
        fail(claim, f"the default process serving {said(claim)}", f"`{left[0]}`, with which {left[1]}", left[2])


@COMMAND.running("PID 1's argv, and its TCP sockets listening on the address and nowhere else",
                 needs=lambda c, s: [*running_view_needs(), sockets.need()])  # fmt: skip
def command_running(claim: Claim[CommandArgs], stack: Stack) -> Cites:
    view = running_view(stack.service)
    if not holds(claim, view.argv):
        fail(claim, f"PID 1 running {said(claim)}", f"PID 1 `{' '.join(view.argv)}`", view.where)
    if claim.args.address:
        host, _, port = claim.args.address.rpartition(":")
        listening = stack.service.observed(sockets.SOCKETS)
        found = [s for s in listening.on_port(int(port)) if s.address == (host or "0.0.0.0")]
        if not found:
            fail(claim, f"the server listening on {claim.args.address}",
                 f"sockets listening on {words(map(str, listening.listening)) or 'nothing'}", view.where)  # fmt: skip
        # It serves there, and only there: a second `--bind` is a second place it serves. (127.0.0.11 is Docker's
        # own DNS resolver, in every container on a user-defined network.)
        others = [s for s in listening.listening if s.protocol == "tcp" and s not in found and s.address != DOCKER_DNS]
        if others:
            fail(claim, f"the server listening on {claim.args.address} only",
                 f"sockets also listening on {words(map(str, others))}", view.where)  # fmt: skip
    return []
