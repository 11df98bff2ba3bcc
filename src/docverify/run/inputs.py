"""The digests of a proof's inputs, as the files are now: a proof holds while none of them changed.

Each name `model/reads.py` defines is digested position-free: instructions normalised (keyword
and words, not lines), scripts as their commands, compose as its model. So a comment, or an
instruction no check read, leaves every other proof valid; a changed instruction stales exactly
the proofs that read it, each naming it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from ..errors import ComposeError, DockerfileError
from ..model import shell
from ..model.context import Context
from ..model.dockerfile import Dockerfile, Instruction, Stage
from ..model.scripts import entrypoint_script
from ..model.sources import Sources
from ..model.stored import CONFIG_ONLY, fingerprint, mentioning, stored
from ..vocabulary.command import seen
from ..vocabulary.label import words
from ..vocabulary.leaks import secret_values
from ..vocabulary.serverconfig import option
from ..vocabulary.servers import gunicorn_words, server_env

FIELD_KEYWORDS = {
    "Env": ("ENV",), "WorkingDir": ("WORKDIR",), "User": ("USER",), "Entrypoint": ("ENTRYPOINT",),
    "Cmd": ("CMD", "ENTRYPOINT"),  # an ENTRYPOINT in a later stage resets an inherited CMD
    "Healthcheck": ("HEALTHCHECK",), "ExposedPorts": ("EXPOSE",), "Volumes": ("VOLUME",), "Labels": ("LABEL",),
    "StopSignal": ("STOPSIGNAL",), "Shell": ("SHELL",), "OnBuild": ("ONBUILD",),
}  # fmt: skip
ABSENT = "absent"


def digest(parts: Iterable[object]) -> str:
    return hashlib.sha256(json.dumps(list(parts), default=str).encode()).hexdigest()[:16]


def normal(instruction: Instruction) -> str:
    return f"{instruction.keyword} {' '.join(instruction.value.split())}"


class Inputs:
    """Digests of named inputs for one state of the files (one per walk; each computed once)."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self._seen: dict[str, str] = {}

    def of(self, names: Iterable[str]) -> dict[str, str]:
        return {name: self.digest(name) for name in sorted(names)}

    def digest(self, name: str) -> str:
        if name not in self._seen:
            try:
                self._seen[name] = self._compute(name)
            except (OSError, DockerfileError, ComposeError, ValueError):
                self._seen[name] = ABSENT
        return self._seen[name]

    @cached_property
    def dockerfile(self) -> Dockerfile:
        return self.sources.dockerfile

    def stage(self, key: str) -> Stage | None:
        stages = self.dockerfile.stages
        index = len(stages) - 1 if key == "final" else int(key)
        return stages[index] if 0 <= index < len(stages) else None

    def _compute(self, name: str) -> str:
        kind, _, rest = name.partition(":")
        if kind == "file":
            return hashlib.sha256((self.sources.root / rest).read_bytes()).hexdigest()[:16]
        if kind == "script":
            return self._script(rest)
        if kind == "lint":
            return self._lint(rest)
        if kind == "compose":
            return self._compose()
        if kind == "settings":
            return self._settings()
        if kind == "dockerfile":
            return self._dockerfile(rest)
        if kind == "config":
            key, _, field = rest.partition(":")
            return self._config(key, field)
        if kind == "build":
            return self._build(rest)
        if kind == "argv":
            key, _, words = rest.partition(":")
            return self._argv(key, json.loads(words))
        if kind == "differs":
            key, field, base = rest.split(":")
            return self._differs(key, field, base)
        if kind == "mentions":
            key, _, names = rest.partition(":")
            return self._mentions(key, json.loads(names))
        if kind == "serverenv":
            key, _, variable = rest.partition(":")
            stage = self.stage(key)
            stored = [stage.exec_list(k) for k in ("ENTRYPOINT", "CMD")] if stage else []
            # What `--env` gives it, and which configuration file (its `raw_env`) gunicorn reads.
            config = [
                option(gunicorn_words(found[0]) or [], "--config", "-c", 6) if found else None for found in stored
            ]
            return digest([[server_env(found[0]).get(variable) if found else None for found in stored], config])
        return ABSENT

    def _settings(self) -> str:
        """What [tool.docverify] tells the checks, position-free: a copy elsewhere holds the same proof. The image
        prefix and the report's place only name things."""
        settings = self.sources.settings
        where = settings.relative
        return digest([
            where(settings.docs), where(settings.dockerfile), settings.compose and where(settings.compose),
            where(settings.mkdocs), where(settings.context), settings.service, sorted(settings.build_args.items()),
            sorted(settings.compose_env.items()), settings.packs, settings.vocabularies, settings.coverage,
            settings.running,
        ])  # fmt: skip

    def _script(self, path: str) -> str:
        if path == "entrypoint":
            found = entrypoint_script(self.sources)
            return digest([None]) if found is None else digest([found, self._script(found)])
        text = (self.sources.root / path).read_text()
        first = text.splitlines()[0] if text.startswith("#!") else ""
        commands = [
            (c.argv, c.assignments, c.conditional, c.guarded, c.background, c.chained) for c in shell.commands(text)
        ]
        return digest([first, commands])

    def _lint(self, path: str) -> str:
        lines = (self.sources.root / path).read_text().splitlines()
        pragmas = [(lines[n - 1] if n else "", line) for n, line in enumerate(lines) if "hadolint" in line]
        return digest([[normal(i) for i in self.dockerfile.instructions], pragmas])

    def _compose(self) -> str:
        settings = self.sources.settings
        if settings.compose is None or not settings.compose.is_file():
            return ABSENT
        try:
            model = json.dumps(self.sources.compose.raw, sort_keys=True)
            # Position-free: the checkout's own path (build contexts, bind mounts) is not part of the stack.
            return digest([model.replace(json.dumps(str(self.sources.root.resolve()))[1:-1], "<root>")])
        except ComposeError:  # no compose here (a docs-only machine): the files themselves, comments and all
            return digest([settings.compose.read_text()])

    def _dockerfile(self, rest: str) -> str:
        if rest == "stages":
            return digest((s.index, s.name, s.base, s.written_base) for s in self.dockerfile.stages)
        if rest == "args":
            return digest([[normal(i) for i in self.dockerfile.global_args], self.sources.settings.build_args])
        key, _, keyword = rest.partition(":")
        stage = self.stage(key)
        if stage is None:
            return ABSENT
        if keyword.endswith("?"):  # only whether there is one
            return digest([any(i.keyword == keyword[:-1] for i in stage.body)])
        return digest(normal(i) for i in stage.body if keyword == "*" or i.keyword == keyword)

    def _argv(self, key: str, words: list[str]) -> str:
        """The stage's CMD as Docker stores it, seen as a claim of these words sees it; none inherits the base's
        (unless an ENTRYPOINT resets it). A SHELL changes how a shell-form CMD is stored: it counts whole."""
        stage = self.stage(key)
        if stage is None:
            return ABSENT
        chain = stage.chain()
        shells = [normal(i) for s in chain for i in s.body if i.keyword == "SHELL"]
        found = stage.exec_list("CMD")
        if found is None:
            reset = any(i.keyword == "ENTRYPOINT" for s in chain for i in s.body)
            return digest(["none", chain[-1].base, reset, shells])
        argv, instruction = found
        return digest([seen(argv, words), instruction.is_exec_form(), shells])

    def _differs(self, key: str, field: str, base: str) -> str:
        """Whether the field differs from the base's (`base` its fingerprint), where the Dockerfile alone says what
        the builder stores; elsewhere the instructions that set it, whole."""
        stage = self.stage(key)
        value = stored(stage, field) if stage is not None else None
        if value is None:
            return self._config(key, field)
        return digest(["differs", fingerprint(value) != base])

    def _mentions(self, key: str, names: list[str]) -> str:
        """The config-only instructions whose history lines name one of `names` or a value the stack gives them."""
        stage = self.stage(key)
        if stage is None:
            return ABSENT
        values = [value for _, value in secret_values(names, self.sources)]
        return digest(["mentions", mentioning(stage, names, values)])

    def _config(self, key: str, field: str) -> str:
        stage = self.stage(key)
        if stage is None:
            return ABSENT
        keywords = (
            {k for f in FIELD_KEYWORDS.values() for k in f} if field == "*" else set(FIELD_KEYWORDS.get(field, ()))
        )
        chain = stage.chain()
        return digest([chain[-1].base, *(normal(i) for s in reversed(chain) for i in s.body if i.keyword in keywords)])

    def _build(self, key: str) -> str:
        stage = self.stage(key)
        if stage is None:
            return ABSENT
        earlier = self.dockerfile.stages[: stage.index + 1]  # COPY --from may take any of them
        instructions = [normal(i) for s in earlier for i in s.body if i.keyword not in CONFIG_ONLY]
        return digest([instructions, self.context, self.sources.settings.build_args])

    @cached_property
    def context(self) -> str:
        """Every file the builder gets, by content (after .dockerignore)."""
        context = Context(self.sources.settings.context)
        found: list[Any] = []
        for relative in context.files("."):
            found.append((relative, hashlib.sha256((context.root / relative).read_bytes()).hexdigest()))
        return digest(found)

    def describe(self, name: str) -> str:
        """The input as a reader finds it in the files now: `the CMD of stage runtime (Dockerfile:34)`."""
        kind, _, rest = name.partition(":")
        try:
            return self._describe(kind, rest) or name
        except (OSError, DockerfileError, ComposeError, ValueError):
            return name

    def _describe(self, kind: str, rest: str) -> str | None:
        dockerfile = self.sources.settings.relative(self.sources.settings.dockerfile)
        if kind == "file":
            return rest
        if kind == "script":
            return "the entrypoint script" if rest == "entrypoint" else f"the commands of {rest}"
        if kind == "lint":
            return f"what the linter reads in {rest} (its instructions and pragmas)"
        if kind == "compose":
            return "the compose model of the stack"
        if kind == "settings":
            return "docverify's settings ([tool.docverify] in pyproject.toml)"
        if rest in ("stages", "args"):
            return f"the {'stages' if rest == 'stages' else 'global ARGs and build arguments'} of {dockerfile}"
        key, _, field = rest.partition(":")
        stage = self.stage(key)
        if stage is None:
            return None
        named = f"stage {stage.label}"
        if kind == "differs":
            return f"whether the image config's {field.split(':')[0]} of {named} differs from its base's"
        if kind == "mentions":
            named_words = words(f"`{w}`" for w in json.loads(field))
            return f"the CMD, LABEL and other config lines of {named} that name {named_words} or their values"
        if kind == "serverenv":
            return f"what gunicorn's `--env` in the ENTRYPOINT and CMD of {named} sets {field} to"
        if kind == "argv":
            lines = [f"{dockerfile}:{i.line}" for s in stage.chain() for i in s.body if i.keyword == "CMD"]
            where = f" ({', '.join(lines)})" if lines else ""
            named_words = words(f"`{w}`" for w in json.loads(field))
            return f"the CMD of {named}{where}, as far as the claim's words {named_words} go"
        if field.endswith("?"):
            return f"whether {named} has a {field[:-1]} instruction"
        if kind == "build":
            return f"what {named} builds from (its instructions, earlier stages' and the build context)"
        keywords = FIELD_KEYWORDS.get(field, ()) if kind == "config" else () if field == "*" else (field,)
        lines = [f"{dockerfile}:{i.line}" for i in stage.body if i.keyword in keywords] if keywords else []
        where = f" ({', '.join(lines)})" if lines else f" ({dockerfile}, where it has none now)" if keywords else ""
        if kind == "config":
            return f"the image config's {field} of {named}{where}" if field != "*" else f"the image config of {named}"
        return f"the {field} instructions of {named}{where}" if field != "*" else f"the instructions of {named}"


def changed(recorded: dict[str, str], now: Inputs) -> list[str]:
    """The recorded inputs whose digest differs now."""
    return [name for name, value in sorted(recorded.items()) if now.digest(name) != value]
