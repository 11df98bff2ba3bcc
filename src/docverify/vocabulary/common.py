"""What the vocabulary's modules share: the process view, command lookups, install lists."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..model.dockerfile import Instruction, Stage
from ..model.instruction import option_values
from ..model.shell import Command
from ..model.sources import Sources
from ..observe import process, users
from ..observe.observer import Need
from ..observe.subjects import Container, Image
from ..read import items as item_reader
from .label import Claim


@dataclass(frozen=True)
class View:
    """What the main process has (running) or would have (image) when the container starts.

    Each fact is read when a check asks for it, so a check's inputs are what it used: the working
    directory's check does not depend on the command.
    """

    where: str
    _uid: Callable[[], int | None]
    _user: Callable[[], str | None]
    _cwd: Callable[[], str]
    _env: Callable[[], dict[str, str]]
    _argv: Callable[[], tuple[str, ...]]

    @property
    def uid(self) -> int | None:
        return self._uid()

    @property
    def user(self) -> str | None:
        return self._user()

    @property
    def cwd(self) -> str:
        return self._cwd()

    @property
    def env(self) -> dict[str, str]:
        return self._env()

    @property
    def argv(self) -> tuple[str, ...]:
        return self._argv()


def image_view(image: Image) -> View:
    def account() -> users.UserInfo | None:
        return image.observed(users.USERS).user(image.config.user or "root")

    return View(
        image.where,
        lambda: found.uid if (found := account()) else None,
        lambda: found.name if (found := account()) else None,
        lambda: image.config.workdir,
        lambda: image.config.env,
        lambda: image.config.argv,
    )


def running_view(container: Container) -> View:
    def pid1() -> process.Process:
        return container.observed(process.PROCESS)

    return View(
        container.where,
        lambda: pid1().uid,
        lambda: container.observed(users.USERS).name_of(pid1().uid),
        lambda: pid1().cwd,
        lambda: pid1().env,
        lambda: pid1().argv,
    )


def image_view_needs() -> list[Need]:
    return [users.need()]


def running_view_needs() -> list[Need]:
    return [users.need(), process.need()]


def plain(words: Iterable[str]) -> list[str]:
    """Operands without options and version pins: `poetry==2.5.1` -> `poetry`."""
    return [re.split(r"[=<>~!\[;@ ]", w)[0] for w in words if not w.startswith(("-", "$"))]


def cites(found: Iterable[tuple[Instruction, object]]) -> list[str]:
    return sorted({instruction.cite for instruction, _ in found}, key=lambda c: int(c.rsplit(":", 1)[1]))


def may_run(found: list[tuple[Instruction, Command]]) -> list[tuple[Instruction, Command]]:
    """Commands that always start and may do their work: not inside an `if`, nor after `||` (nor before one, after
    `&&`), and not asked only for `--help` or `--version` (one left in the background may finish all the same)."""
    return [(i, c) for i, c in found if not c.conditional and not c.inert]


def unconditional(found: list[tuple[Instruction, Command]]) -> list[tuple[Instruction, Command]]:
    """Commands that always run and do their work: those that `may_run`, less any left in the background (which
    the RUN does not wait for)."""
    return [(i, c) for i, c in may_run(found) if not c.background]


def install_operands(command: Command) -> list[str]:
    """What `apt-get install` / `pip install` installs: the operands, less options and their values."""
    return plain(_install_words(command))


def unread(command: Command) -> list[str]:
    """The operands of an install this level cannot read (`$TOOLS`, `"$@"` outside a call, `$(cat list)`)."""
    satisfy = command.program == "apk" or "satisfy" in command.argv
    words = command.operands(2 if command.program == "apk" else 1) if satisfy else _install_words(command)
    return [word for word in words if set(word) & set("$`")]


def _install_words(command: Command) -> list[str]:
    argv = list(command.invocation())
    operands = argv[argv.index("install") + 1 :] if "install" in argv else []
    names, skip = [], False
    for word in operands:
        if skip:
            skip = False
        elif word in (
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-t",
            "--target",
            "-o",
            "--option",
            "--index-url",
            "-i",
            "--extra-index-url",
            "--python",
        ):
            skip = True
        else:
            names.append(word)
    return names


def matches(value: str, words: Iterable[str]) -> bool:
    """A value is in an argv as a word, as `--opt=value`, or given to a short option in its word (`-bvalue`)."""
    return any(w == value or w.endswith(f"={value}") or attached(w, value) for w in words)


def attached(word: str, value: str) -> bool:
    """`-bVALUE`: getopt and argparse read the rest of a short option's word as its value."""
    return len(word) == len(value) + 2 and word[:1] == "-" and word[1:2].isalpha() and word[2:] == value


def stage_where(stage: Stage, instruction: Instruction | None = None) -> str:
    return stage.where(instruction)


def page_items(claim: Claim[Any], sources: Sources) -> list[item_reader.Item]:
    """Every item of the claim's page as the site renders it: a check reading its siblings (a group, a list
    of claims of one label) reads the page, and notes it."""
    return item_reader.of_site(sources.settings.mkdocs, sources.root, claim.page, sources.text(claim.page)).items


# apt's ways of installing packages: by name, by dependency string, and a source package's build dependencies.
APT_INSTALLS = tuple((tool, verb) for tool in ("apt-get", "apt") for verb in ("install", "satisfy", "build-dep"))
DEPENDENCY = re.compile(r"\s*([a-z0-9][a-z0-9+.-]*)")


# Options with which apt installs nothing: it only shows what it would do, or only downloads.
APT_NO_OP = {"--simulate", "--just-print", "--dry-run", "--recon", "--no-act", "--download-only", "--print-uris"}
# The same, as configuration items (`-o APT::Get::Simulate=true`).
APT_NO_OP_ITEMS = {"apt::get::simulate", "apt::get::download-only", "apt::get::print-uris"}
APT_VALUE_OPTIONS = {"-o", "-c", "-t", "-a", "--option", "--config-file", "--target-release", "--host-architecture"}


def apt_commands(stage: Stage, maybe: bool = False) -> list[tuple[Instruction, Command]]:
    """The stage's unconditional apt commands that install packages, in order (not `-s` or `--download-only`);
    `maybe`: those that may run too (in an `if`, after `||`, in `${SET+$(…)}`), for what must not be there."""
    found = [(i, c) for i, c in stage.commands() if any(c.runs(*way) for way in APT_INSTALLS) and not _apt_no_op(c)]
    return attempted(found) if maybe else unconditional(found)


def attempted(found: list[tuple[Instruction, Command]]) -> list[tuple[Instruction, Command]]:
    """Commands that may do their work, on a condition too: all but those asked only for `--help` or `--version`."""
    return [(i, c) for i, c in found if not c.inert]


def _apt_no_op(command: Command) -> bool:
    words = list(command.invocation()[1:])
    for item in option_values(words, "-o", "--option"):
        name, _, value = item.partition("=")
        if name.strip().lower() in APT_NO_OP_ITEMS and value.strip().lower() in ("true", "yes", "1", "on", "with"):
            return True
    while words and words[0] != "--":
        word = words.pop(0)
        if word in APT_VALUE_OPTIONS:
            words = words[1:]
        elif word.split("=")[0] in APT_NO_OP or (word[:1] == "-" and word[1:2] != "-" and set(word[1:]) & {"s", "d"}):
            return True
    return False


def apt_names(command: Command) -> list[str]:
    """The packages an apt command installs by name: `install`'s operands, the names in `satisfy`'s dependency
    strings (`"gcc (>= 4), make | cmake"`), and `build-essential` for `build-dep`, which apt always adds."""
    if command.runs("apt-get", "build-dep") or command.runs("apt", "build-dep"):
        return ["build-essential"]
    if command.runs("apt-get", "satisfy") or command.runs("apt", "satisfy"):
        words = command.operands(1)
        strings = words[words.index("satisfy") + 1 :]
        return [m[1] for text in strings for part in re.split(r"[,|]", text) if (m := DEPENDENCY.match(part))]
    return install_operands(command)
