"""A model of the Dockerfile as the builder reads it: stages, instructions, effective state.

`ARG`s are resolved in `FROM`, registry names normalised (`docker.io/library/python:3.13-slim`
is `python:3.13-slim`), and each stage's ENV, USER, WORKDIR, HEALTHCHECK, ENTRYPOINT and CMD are
the ones that win after later instructions, inherited from an earlier stage `FROM` names, whose
ONBUILD instructions run first.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from dockerfile_parse import DockerfileParser  # type: ignore[import-untyped]

from ..errors import DockerfileError
from . import reads, shell
from .accounts import User, created
from .instruction import EXEC_FORM, KNOWN, Healthcheck, Instruction, clean_path, docker_word, expand, normalise_image
from .listening import port_keys


@dataclass
class Stage:
    index: int
    base: str  # resolved and normalised
    written_base: str  # as written after FROM
    name: str | None
    from_instruction: Instruction
    parent: Stage | None = None  # when FROM names an earlier stage
    body: list[Instruction] = field(default_factory=list)
    arg_values: dict[str, str] = field(default_factory=dict)  # global ARG defaults, then build arguments
    dockerfile_stages: list[Stage] = field(default_factory=list, repr=False)  # every stage of the file
    build_args: dict[str, str] = field(default_factory=dict)  # given to the build: they win over any default

    @property
    def label(self) -> str:
        return self.name or f"stage {self.index + 1}"

    def chain(self) -> list[Stage]:
        """The stage and the earlier stages it builds on (`FROM builder`)."""
        return [self, *(self.parent.chain() if self.parent else [])]

    def where(self, instruction: Instruction | None = None) -> str:
        return f"{(instruction or self.from_instruction).where} ({self.label})"

    @property
    def instructions(self) -> list[Instruction]:
        """Every instruction of the stage, FROM first (a check reading them all depends on them all)."""
        reads.note(f"dockerfile:{self.index}:*")
        return self.body

    def all(self, keyword: str) -> list[Instruction]:
        """The stage's instructions of a kind: its parent's ONBUILD triggers first, as the builder runs them."""
        reads.note(f"dockerfile:{self.index}:{keyword}")
        return [i for i in (*self.triggers(), *self.body) if i.keyword == keyword]

    def triggers(self) -> list[Instruction]:
        """The ONBUILD instructions of the stage FROM names, which run before this stage's own (a
        grandparent's do not: the builder clears them once they ran)."""
        if self.parent is None:
            return []
        reads.note(f"dockerfile:{self.parent.index}:ONBUILD")
        return [i.trigger(self.index) for i in self.parent.body if i.keyword == "ONBUILD"]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        if found:
            return found[-1]
        return self.parent.last(keyword) if self.parent else None

    def commands(self) -> list[tuple[Instruction, shell.Command]]:
        """Every simple command of every RUN, with its instruction."""
        return [(run, command) for run in self.all("RUN") for command in run.commands()]

    def running(self, program: str, *subcommand: str) -> list[tuple[Instruction, shell.Command]]:
        return [(i, c) for i, c in self.commands() if c.runs(program, *subcommand)]

    # --- effective state -------------------------------------------------

    def args(self, before: Instruction | None = None) -> dict[str, str]:
        """The stage's ARGs declared before `before` (default: all) with their values: build argument, else its
        own default (which Docker prefers to the global one), else the global one. An ARG is in scope only from its
        own line on."""
        reads.note("dockerfile:args")
        found = dict(self.parent.args()) if self.parent else {}
        for instruction in self.all("ARG"):
            if before is not None and instruction.line >= before.line:
                break
            name, has_default, default = (part.strip() for part in instruction.value.partition("="))
            own = default.strip("\"'") if has_default else self.arg_values.get(name, "")
            found[name] = self.build_args.get(name, own)
        return found

    def env(self, before: Instruction | None = None) -> dict[str, tuple[str, Instruction]]:
        """Each variable's value before `before` (default: the final one) and the ENV that set it (`$VAR`
        expanded from the ARGs and ENVs before that ENV)."""
        state: dict[str, tuple[str, Instruction]] = dict(self.parent.env()) if self.parent else {}
        for instruction in self.all("ENV"):
            if before is not None and instruction.line >= before.line:
                break
            known = {**self.args(instruction), **{name: value for name, (value, _) in state.items()}}
            for name, written in instruction.env_written().items():  # `\$HOME` and '$HOME' stay as written
                state[name] = (docker_word(written, known), instruction)
        return state

    def variables(self, at: Instruction) -> dict[str, str]:
        """What `$NAME` expands to in the instruction `at`: the ARGs declared and ENVs set before it."""
        return {**self.args(at), **{name: value for name, (value, _) in self.env(at).items()}}

    def workdir(self) -> tuple[str, Instruction] | None:
        current = self.parent.workdir() if self.parent else None
        for instruction in self.all("WORKDIR"):
            raw = instruction.word(self.variables(instruction))
            base = current[0] if current and not raw.startswith("/") else "/"
            resolved = str(PurePosixPath(base) / raw)
            current = (clean_path(resolved), instruction)
        return current

    def workdir_at(self, instruction: Instruction) -> str:
        """The working directory an instruction of this stage runs in."""
        current = self.inherited_workdir()
        for earlier in self.all("WORKDIR"):
            if earlier.line >= instruction.line:
                break
            raw = earlier.word(self.variables(earlier))
            current = clean_path(raw if raw.startswith("/") else f"{current}/{raw}")
        return current

    def inherited_workdir(self) -> str:
        """The working directory the stage starts in: its parent stage's, else `/`."""
        found = self.parent.workdir() if self.parent else None
        return found[0] if found else "/"

    def user(self) -> tuple[str, Instruction] | None:
        last = self.last("USER")  # one word, as the builder reads it: `"appuser"` is appuser
        return (last.word(self.variables(last)), last) if last else None

    def exec_list(self, keyword: str) -> tuple[list[str], Instruction] | None:
        """ENTRYPOINT or CMD as the argv Docker stores (shell form wrapped in `/bin/sh -c`)."""
        last = self.last(keyword)
        if last is None:
            return None
        if keyword == "CMD" and self._entrypoint_resets_cmd(last):
            return None
        if last.is_exec_form():
            return last.arguments(), last
        return ["/bin/sh", "-c", last.value], last

    def _entrypoint_resets_cmd(self, cmd: Instruction) -> bool:
        entry = self.last("ENTRYPOINT")
        # The builder clears an inherited CMD when a later stage sets ENTRYPOINT.
        return entry is not None and entry.stage_index > cmd.stage_index

    def healthcheck(self) -> Healthcheck | None:
        return last.healthcheck() if (last := self.last("HEALTHCHECK")) else None

    def exposed(self) -> dict[str, Instruction]:
        ports = dict(self.parent.exposed()) if self.parent else {}
        for instruction in self.all("EXPOSE"):
            for word in instruction.arguments():  # `EXPOSE $PORT`: the builder expands it; a range, each port
                ports.update(dict.fromkeys(port_keys(expand(word, self.variables(instruction))), instruction))
        return ports

    @property
    def users(self) -> dict[str, User]:
        """Users the stage's RUNs create with useradd/adduser (and its parents' before them)."""
        for stage in self.chain():
            reads.note(f"dockerfile:{stage.index}:RUN")
        return self._users

    @cached_property
    def _users(self) -> dict[str, User]:
        inherited = dict(self.parent.users) if self.parent else {}
        accounts = sorted(self.running("useradd") + self.running("adduser") + self.running("usermod"),
                          key=lambda found: (found[0].line, found[1].line))  # fmt: skip
        return {**inherited, **created(self.running("groupadd"), accounts)}

    def user_named(self, spec: str) -> User | None:
        """`appuser`, `1000` or `1000:1000` resolved through the stage's own useradd."""
        who = spec.split(":")[0]
        if who in self.users:
            return self.users[who]
        if who.isdigit():
            return next((u for u in self.users.values() if u.uid == int(who)), None)
        return None


@dataclass
class Dockerfile:
    path: Path
    stages: list[Stage]
    global_args: list[Instruction]

    @property
    def instructions(self) -> list[Instruction]:
        reads.note("dockerfile:stages", "dockerfile:args")
        return [*self.global_args, *(i for s in self.stages for i in s.instructions)]

    @property
    def final(self) -> Stage:
        reads.note("dockerfile:stages")
        return self.stages[-1]

    def stage(self, number: int, name: str) -> Stage:
        """The stage a docs heading `Stage <number>: <name>` describes, by number and by name."""
        reads.note("dockerfile:stages")
        if not 1 <= number <= len(self.stages):
            raise DockerfileError(f"{self.path.name}: the docs describe stage {number} ({name}), but the Dockerfile "
                                  f"has {len(self.stages)} stage(s)")  # fmt: skip
        stage = self.stages[number - 1]
        named = self.stage_named(name)
        if stage.name and stage.name.lower() != name.lower():
            raise DockerfileError(
                f"{stage.from_instruction.where}: stage {number} is named {stage.name!r}, but the docs call it {name!r}"
            )
        if named is not None and named is not stage:
            raise DockerfileError(f"{named.from_instruction.where}: the docs call stage {number} {name!r}, but "
                                  f"{name!r} is stage {named.index + 1}")  # fmt: skip
        return stage

    def stage_named(self, name: str) -> Stage | None:
        reads.note("dockerfile:stages")
        return next((s for s in self.stages if s.name and s.name.lower() == name.lower()), None)


# `RUN <<EOF` (or `RUN python3 <<'PY'`): the lines up to the delimiter are the step's, which only BuildKit reads.
HEREDOC = re.compile(r"^\s*(RUN|COPY|ADD)\b.*?(?<!<)<<(?!<)-?\s*['\"]?[A-Za-z_]\w*['\"]?", re.IGNORECASE)


def parse(path: Path, build_args: dict[str, str] | None = None) -> Dockerfile:
    path = Path(path)
    if not path.is_file():
        raise DockerfileError(f"{path}: no such Dockerfile")
    text = path.read_text()
    if text.rstrip().endswith("\\"):
        raise DockerfileError(f"{path.name}:{text.rstrip().count(chr(10)) + 1}: line continuation at end of file")
    for number, line in enumerate(text.splitlines(), 1):
        if HEREDOC.match(line) and not line.rstrip().endswith("\\"):
            raise DockerfileError(
                f"{path.name}:{number}: a heredoc (`<<EOF`) is BuildKit-only syntax, and docverify reads a "
                "Dockerfile as the classic builder does: write the lines as a RUN of their own, or COPY a file"
            )
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode()))
    stages: list[Stage] = []
    global_args: list[Instruction] = []
    arg_values: dict[str, str] = {}
    for item in parser.structure:
        keyword = item["instruction"].upper()
        if keyword == "COMMENT":
            continue
        line = item["startline"] + 1
        where = f"{path.name}:{line}"
        if keyword not in KNOWN:
            raise DockerfileError(f"{where}: unknown instruction {keyword!r} in {item['content'].strip()!r}")
        value = item["value"].strip()
        if not value:
            raise DockerfileError(f"{where}: {keyword} has no arguments")
        if keyword == "FROM":
            instruction = Instruction(keyword, value, line, len(stages), path)
            words = [w for w in value.split() if not w.startswith("--platform")]
            if len(words) not in (1, 3) or (len(words) == 3 and words[1].upper() != "AS"):
                raise DockerfileError(
                    f"{where}: FROM must read `FROM image [AS name]`, not {item['content'].strip()!r}"
                )
            written = words[0]
            resolved = expand(written, {**arg_values, **(build_args or {})})
            if "$" in resolved or not resolved.strip():
                raise DockerfileError(f"{where}: FROM {written} names an ARG with no value")
            parent = next((s for s in stages if s.name and s.name.lower() == resolved.lower()), None)
            base = parent.base if parent else normalise_image(resolved)
            name = words[2] if len(words) == 3 else None
            values = {**arg_values, **(build_args or {})}
            stage = Stage(len(stages), base, written, name, instruction, parent, [instruction], values, stages)
            stages.append(stage)
            stage.build_args = dict(build_args or {})
            continue
        instruction = Instruction(keyword, value, line, len(stages) - 1, path)
        if keyword in EXEC_FORM and value.startswith("["):
            instruction.arguments()  # raises on malformed JSON, naming the line
        if keyword == "ONBUILD":
            instruction.trigger(-1)  # raises on what Docker refuses to defer, naming the line
        if not stages:
            if keyword != "ARG":
                raise DockerfileError(f"{where}: {keyword} before the first FROM")
            name, _, default = value.partition("=")
            arg_values[name.strip()] = default.strip().strip('"').strip("'")
            global_args.append(instruction)
        else:
            stages[-1].body.append(instruction)
    if not stages:
        raise DockerfileError(f"{path.name}: no FROM instruction, so no stage")
    return Dockerfile(path, stages, global_args)


__all__ = ["Dockerfile", "DockerfileError", "Healthcheck", "Instruction", "Stage", "User", "clean_path", "expand"]
__all__ += ["normalise_image", "parse"]
