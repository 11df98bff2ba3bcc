"""A model of the Dockerfile: stages, their instructions and their lines."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from dockerfile_parse import DockerfileParser

KNOWN = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
    "LABEL", "ONBUILD", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    "RUN", "MAINTAINER",
}
EXEC_FORM = {"CMD", "ENTRYPOINT", "RUN", "SHELL"}
SHELL_OPERATORS = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")


class DockerfileError(ValueError):
    """The Dockerfile cannot be read; the message names file:line."""


@dataclass(frozen=True)
class Instruction:
    keyword: str
    value: str
    line: int  # 1-based, where the instruction starts
    end_line: int
    stage_index: int
    path: Path = field(compare=False)

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"

    def flags(self) -> dict[str, str]:
        """`--name=value` options before the arguments (COPY, HEALTHCHECK, ...)."""
        found = {}
        for word in self.value.split():
            if not word.startswith("--"):
                break
            name, _, value = word[2:].partition("=")
            found[name] = value
        return found

    def arguments(self) -> list[str]:
        """Arguments after the flags, JSON (exec) form or shell words."""
        rest = self.value
        while rest.startswith("--"):
            rest = rest.split(None, 1)[1] if " " in rest else ""
        rest = rest.strip()
        if rest.startswith("["):
            try:
                return json.loads(rest)
            except json.JSONDecodeError as error:
                raise DockerfileError(f"{self.where}: {self.keyword} has malformed JSON: {error}") from None
        return shlex.split(rest, posix=True)

    def healthcheck_command(self) -> list[str]:
        """HEALTHCHECK's test command as words (`CMD` dropped); [] for NONE."""
        words = self.value.split(None, 1)
        while words and words[0].startswith("--"):
            words = words[1].split(None, 1) if len(words) > 1 else []
        if not words or words[0].upper() == "NONE":
            return []
        if words[0].upper() != "CMD" or len(words) < 2:
            raise DockerfileError(f"{self.where}: HEALTHCHECK must read `HEALTHCHECK [options] CMD command`")
        rest = words[1].strip()
        if rest.startswith("["):
            try:
                return json.loads(rest)
            except json.JSONDecodeError as error:
                raise DockerfileError(f"{self.where}: HEALTHCHECK has malformed JSON: {error}") from None
        return shlex.split(rest)

    def shell_commands(self) -> list[list[str]]:
        """A RUN's simple commands, split on && || ; and |, as words."""
        commands = []
        for part in SHELL_OPERATORS.split(self.value):
            try:
                words = shlex.split(part, posix=True)
            except ValueError:
                words = part.split()
            if words:
                commands.append(words)
        return commands

    def env(self) -> dict[str, str]:
        words = self.arguments()
        if len(words) == 2 and "=" not in words[0]:  # legacy `ENV NAME value`
            return {words[0]: words[1]}
        return dict(word.split("=", 1) for word in words)


@dataclass
class Stage:
    index: int
    base: str
    name: str | None
    from_instruction: Instruction
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name or f"stage {self.index + 1}"

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None

    def runs(self) -> list[tuple[Instruction, list[str]]]:
        """Every simple command of every RUN, with its instruction."""
        return [(run, words) for run in self.all("RUN") for words in run.shell_commands()]


@dataclass
class Dockerfile:
    path: Path
    stages: list[Stage]
    global_args: list[Instruction]

    @property
    def instructions(self) -> list[Instruction]:
        return [*self.global_args, *(i for s in self.stages for i in s.instructions)]

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def stage(self, number: int, name: str) -> Stage:
        """The stage a docs heading `Stage <number>: <name>` describes."""
        if not 1 <= number <= len(self.stages):
            raise DockerfileError(
                f"{self.path.name}: the docs describe stage {number} ({name}), "
                f"but the Dockerfile has {len(self.stages)} stage(s)"
            )
        stage = self.stages[number - 1]
        if stage.name and stage.name.lower() != name.lower():
            raise DockerfileError(
                f"{stage.from_instruction.where}: stage {number} is named {stage.name!r}, "
                f"but the docs call it {name!r}"
            )
        return stage

    def stage_named(self, name: str) -> Stage | None:
        return next((s for s in self.stages if s.name == name), None)


def parse(path: Path) -> Dockerfile:
    path = Path(path)
    if not path.is_file():
        raise DockerfileError(f"{path}: no such Dockerfile")
    text = path.read_text()
    if text.rstrip().endswith("\\"):
        raise DockerfileError(f"{path.name}:{text.rstrip().count(chr(10)) + 1}: line continuation at end of file")
    parser = DockerfileParser(fileobj=_Reader(text))
    stages: list[Stage] = []
    global_args: list[Instruction] = []
    for item in parser.structure:
        keyword = item["instruction"].upper()
        if keyword == "COMMENT":
            continue
        line = item["startline"] + 1
        where = f"{path.name}:{line}"
        if keyword not in KNOWN:
            raise DockerfileError(f"{where}: unknown instruction {keyword!r} in {item['content'].strip()!r}")
        if not item["value"].strip():
            raise DockerfileError(f"{where}: {keyword} has no arguments")
        instruction = Instruction(keyword, item["value"].strip(), line, item["endline"] + 1, len(stages) - 1, path)
        if keyword in EXEC_FORM and instruction.value.startswith("["):
            instruction.arguments()  # raises on malformed JSON, naming the line
        if keyword == "FROM":
            words = item["value"].split()
            if len(words) not in (1, 3) or (len(words) == 3 and words[1].upper() != "AS"):
                raise DockerfileError(f"{where}: FROM must read `FROM image [AS name]`, not {item['content'].strip()!r}")
            instruction = Instruction(keyword, item["value"].strip(), line, item["endline"] + 1, len(stages), path)
            stages.append(Stage(len(stages), words[0], words[2] if len(words) == 3 else None, instruction, [instruction]))
        elif not stages:
            if keyword != "ARG":
                raise DockerfileError(f"{where}: {keyword} before the first FROM")
            global_args.append(instruction)
        else:
            stages[-1].instructions.append(instruction)
    if not stages:
        raise DockerfileError(f"{path.name}: no FROM instruction, so no stage")
    return Dockerfile(path, stages, global_args)


class _Reader:
    """dockerfile-parse reads from a file object; give it the text we already hold."""

    def __init__(self, text: str) -> None:
        self._text = text.encode()

    def read(self) -> bytes:
        return self._text

    def seek(self, *_):
        return 0

    def readlines(self):
        return self._text.decode().splitlines(keepends=True)
