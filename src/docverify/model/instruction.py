"""Dockerfile instructions and the builder's own rules for names, paths and variables."""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DockerfileError
from . import shell, shelltree
from .reference import normalise_image as normalise_image
from .reference import same_image as same_image

KNOWN = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
    "LABEL", "ONBUILD", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "RUN", "MAINTAINER",
}  # fmt: skip
EXEC_FORM = {"CMD", "ENTRYPOINT", "RUN", "SHELL"}
VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?P<default>[^}]*)|:?\+(?P<alternative>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


def _value(match: re.Match[str], variables: dict[str, str]) -> str:
    name = match["braced"] or match["plain"]
    if match["alternative"] is not None and name in variables:  # `${NAME:+word}`: the word when NAME is set
        return expand(match["alternative"], variables) if variables[name] != "" else ""
    if name in variables and variables[name] != "":
        return variables[name]
    if match["default"] is not None:
        return match["default"]
    return variables.get(name, match.group(0))


def expand(text: str, variables: dict[str, str]) -> str:
    """`$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+word}` as the builder substitutes them."""
    return VARIABLE.sub(lambda match: _value(match, variables), text)


def docker_word(text: str, variables: dict[str, str]) -> str:
    """One word as the builder's lexer reads it (WORKDIR, USER, …): `\\` escapes, single quotes keep
    everything, double quotes keep all but `$` expansions and `\\"`, unquoted `$NAME` expands."""
    out, index, quote = [], 0, ""
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and (not quote or (quote == '"' and text[index + 1] in '"$\\')):
            out.append(text[index + 1])
            index += 2
        elif char in "'\"" and (not quote or quote == char):
            quote = "" if quote else char
            index += 1
        elif char == "$" and quote != "'" and (match := VARIABLE.match(text, index)):
            out.append(_value(match, variables))
            index = match.end()
        else:
            out.append(char)
            index += 1
    return "".join(out)


def expanded(text: str) -> set[str]:
    """The variables the builder expands in a word: not those in single quotes, nor an escaped `\\$`."""
    found, index, quote = set(), 0, ""
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'":
            index += 2
        elif char in "'\"" and (not quote or quote == char):
            quote = "" if quote else char
            index += 1
        elif char == "$" and quote != "'" and (match := VARIABLE.match(text, index)):
            found.add(match["braced"] or match["plain"])
            index = match.end()
        else:
            index += 1
    return found


def raw_words(text: str) -> list[str]:
    """Words split where the builder splits them (unquoted blanks), quotes and escapes kept."""
    words: list[str] = []
    word, quote, index = "", "", 0
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'" and index + 1 < len(text):
            word, index = word + text[index : index + 2], index + 2
            continue
        if char in "'\"" and (not quote or quote == char):
            quote = "" if quote else char
        if char.isspace() and not quote:
            words, word = (words + [word]) if word else words, ""
        else:
            word += char
        index += 1
    return words + [word] if word else words


def _flag_words(value: str) -> tuple[list[str], str]:
    """The leading `--` words of an instruction (quotes dropped) and the text after them."""
    words: list[str] = []
    index = 0
    while True:
        while index < len(value) and value[index].isspace():
            index += 1
        if not value.startswith("--", index):
            return words, value[index:].strip()
        word, quote = [], ""
        while index < len(value) and (quote or not value[index].isspace()):
            char = value[index]
            if quote and char == "\\" and index + 1 < len(value):
                word.append(value[index + 1])
                index += 2
                continue
            if char in "'\"" and (not quote or quote == char):
                quote = "" if quote else char
            else:
                word.append(char)
            index += 1
        if "".join(word) == "--":
            return words, value[index:].strip()
        words.append("".join(word))


BUILDKIT_FLAGS = {"COPY": ("chmod", "link", "parents", "exclude"), "ADD": ("chmod", "link", "checksum",
                  "keep-git-dir", "exclude"), "RUN": ("mount", "network", "security")}  # fmt: skip


@dataclass(frozen=True)
class Instruction:
    keyword: str
    value: str
    line: int  # 1-based, where the instruction starts
    stage_index: int  # -1 for global ARGs
    path: Path = field(compare=False)

    def __post_init__(self) -> None:  # the classic builder, which docverify reads as, refuses these flags
        refused = BUILDKIT_FLAGS.get(self.keyword, ())
        only = [f for f in _flag_words(self.value)[0] if f[2:].partition("=")[0] in refused]
        if only:
            raise DockerfileError(f"{self.where}: `{self.keyword} {only[0]}` is BuildKit-only syntax, and docverify "
                                  "reads a Dockerfile as the classic builder does: spell it without (a RUN chmod "
                                  "after a COPY, a plain RUN)")  # fmt: skip

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"

    @property
    def cite(self) -> str:
        return self.where

    def flags(self) -> dict[str, str]:
        """`--name=value` options before the arguments (COPY, HEALTHCHECK, ...), as the builder reads them:
        quotes group and are dropped, `--` ends them, and a flag given twice is an error."""
        found: dict[str, str] = {}
        for word in _flag_words(self.value)[0]:
            name, _, value = word[2:].partition("=")
            if name in found:
                raise DockerfileError(f"{self.where}: {self.keyword} gives --{name} twice (Docker: Duplicate flag)")
            found[name] = value
        return found

    def rest(self) -> str:
        return _flag_words(self.value)[1]

    def word(self, variables: dict[str, str]) -> str:
        """The value as the builder reads WORKDIR, USER and the like: one word, quotes and `$` processed."""
        return docker_word(self.value, variables)

    def is_exec_form(self) -> bool:
        return self.rest().startswith("[")

    def arguments(self) -> list[str]:
        """Arguments after the flags: JSON (exec) form or shell words."""
        rest = self.rest()
        if rest.startswith("["):
            return self._json_words(rest)
        try:
            return shlex.split(rest, posix=True)
        except ValueError as error:
            raise DockerfileError(f"{self.where}: {self.keyword} cannot be split into words: {error}") from None

    def commands(self) -> list[shell.Command]:
        """A RUN's simple commands, read by a shell parser (exec form: one command)."""
        if self.is_exec_form():
            return [shell.Command(tuple(self.arguments()))]
        problem = shelltree.unreadable(self.value)
        if problem:
            raise DockerfileError(f"{self.where}: {self.keyword} is no valid shell: {problem}")
        return shell.commands(self.value)

    def healthcheck(self) -> Healthcheck:
        """A HEALTHCHECK's test and options, as Docker stores them (shell form as CMD-SHELL)."""
        keyword, _, command = self.rest().partition(" ")
        if keyword.upper() == "NONE":
            return Healthcheck(("NONE",), self.flags(), self)
        if keyword.upper() != "CMD" or not command.strip():
            raise DockerfileError(f"{self.where}: HEALTHCHECK must read `HEALTHCHECK [options] CMD command`")
        command = command.strip()
        if command.startswith("["):
            return Healthcheck(("CMD", *self._json_words(command)), self.flags(), self)
        return Healthcheck(("CMD-SHELL", command), self.flags(), self)

    def _json_words(self, text: str) -> list[str]:
        """The exec form's JSON list of strings; anything else is an error naming the line."""
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as error:
            raise DockerfileError(f"{self.where}: {self.keyword} has malformed JSON: {error}") from None
        if not isinstance(loaded, list) or not all(isinstance(w, str) for w in loaded):
            raise DockerfileError(f"{self.where}: {self.keyword} JSON must be a list of strings")
        return loaded

    def trigger(self, stage_index: int) -> Instruction:
        """An ONBUILD's instruction, as it runs first in a stage built FROM this one (cited at the ONBUILD)."""
        keyword, _, value = self.value.partition(" ")
        keyword = keyword.upper()
        if keyword in {"ONBUILD", "FROM", "MAINTAINER"} or keyword not in KNOWN or not value.strip():
            raise DockerfileError(f"{self.where}: ONBUILD cannot run {keyword or 'nothing'} (Docker refuses it)")
        return Instruction(keyword, value.strip(), self.line, stage_index, self.path)

    def env_written(self) -> dict[str, str]:
        """Each variable's value as written, quotes and escapes kept (what `expanded` reads)."""
        words = raw_words(self.rest())
        if len(words) >= 2 and "=" not in words[0]:
            return {words[0]: self.rest()[len(words[0]) :].strip()}
        return dict(word.split("=", 1) for word in words if "=" in word)

    def env(self) -> dict[str, str]:
        words = self.arguments()
        if len(words) >= 2 and "=" not in words[0]:  # legacy `ENV NAME value with spaces`
            return {words[0]: " ".join(words[1:])}
        pairs = {}
        for word in words:
            if "=" not in word:
                raise DockerfileError(f"{self.where}: {self.keyword} word {word!r} is not NAME=value")
            name, value = word.split("=", 1)
            pairs[name] = value
        return pairs


def clean_path(path: str) -> str:
    """A path as Linux resolves its spelling: `.` and `..` taken away (Go's filepath.Clean, as the builder
    cleans WORKDIR), and a leading `//` read as `/` (normpath keeps it, as POSIX leaves it to the system)."""
    cleaned = posixpath.normpath("/" + path.lstrip("/") if path.startswith("/") else path)
    return cleaned if cleaned == "/" else cleaned.rstrip("/")


def option(argv: list[str], *names: str, clusters: bool = True) -> str | None:
    """An option's value as getopt reads it: `-u 0`, `-u0`, `--uid 0` or `--uid=0`; given twice, the last one."""
    found = option_values(argv, *names, clusters=clusters)
    return found[-1] if found else None


def option_values(argv: list[str], *names: str, clusters: bool = True) -> list[str]:
    """Every value given to an option (`-r a.txt -r b.txt`), in order, however it is spelt; `clusters=False` for a
    tool whose short options all take a value (pip: `-rreq.txt` is `-r req.txt`, no `-t` in it)."""
    found = []
    for index, word in enumerate(argv):
        if word == "--":
            break
        for name in names:
            if word == name and index + 1 < len(argv):
                found.append(argv[index + 1])
            elif name.startswith("--") and word.startswith(name + "="):
                found.append(word.split("=", 1)[1])
            elif len(name) == 2 and not word.startswith("--") and word.startswith(name) and len(word) > 2:
                found.append(word[2:])  # getopt: the rest of the word is the value (`-t/tmp/d`)
            elif clusters and len(name) == 2 and word[:1] == "-" and word[1:2].isalpha() and name[1] in word[2:]:
                # A cluster of flags before it (`-aG root`, `-do app`): the rest of the word, or the next one.
                at = word.index(name[1], 2)
                if word[1:at].isalpha():
                    found.append(word[at + 1 :] or (argv[index + 1] if index + 1 < len(argv) else ""))
    return found


def as_int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


@dataclass(frozen=True)
class Healthcheck:
    test: tuple[str, ...]  # ("CMD", argv...), ("CMD-SHELL", script) or ("NONE",)
    options: dict[str, str]
    instruction: Instruction | None = None

    @property
    def disabled(self) -> bool:
        return not self.test or self.test[0] == "NONE"
