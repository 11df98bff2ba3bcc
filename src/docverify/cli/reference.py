"""The Vocabulary reference, generated from the registry: every label, its forms, levels and proofs.

Written into the package README between `--8<-- [start:reference]` and `[end:reference]` markers
(the same markers let a MkDocs page embed it with pymdownx.snippets), and kept fresh by a test.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Any

from ..run import vocab
from ..vocabulary.label import LEVELS, Label
from ..vocabulary.registry import Registry

START, END = "<!-- --8<-- [start:reference] -->", "<!-- --8<-- [end:reference] -->"
SCOPES = {
    "stage": "one per Dockerfile stage: under a `## Stage N: Name` heading, else it is about the final stage",
    "image": "the final image and what runs from it",
    "stack": "the compose stack (its running level needs `compose`)",
    "project": "the repository",
}
PACKS = {
    "python": "virtual environments by any installer, and packages of the system Python",
    "poetry": "Poetry's set-up, `poetry export`, and a lock checked fresh in the image",
    "debian": "system packages installed with apt",
    "django": "settings as Django loads them, and the start-up steps",
    "postgres": "the database service of a compose stack",
}


def code(text: str) -> str:
    """Inline code that may itself hold backticks."""
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def example(label: Label[Any], sentence: str) -> str:
    if label.nested:
        return code(f"**{label.group or 'Group'}:** → *   {sentence}")
    return code(f"*   **{label.name}:** {sentence}")


def entry(label: Label[Any]) -> list[str]:
    where = (
        "nested under a group label (any name, e.g. " + code(f"**{label.group}:**") + ")"
        if label.nested
        else SCOPES[label.scope]
    )
    lines = [f"#### {label.name}", "", label.summary, "", f"*About:* {where}.", "", "Sentences it reads:", ""]
    for form in label.forms:
        lines.append(f"- {code(form.shown)}, e.g. {example(label, label.render(form, label.example_for(form)))}")
    lines += ["", "What proves it:", ""]
    for level in LEVELS:
        for check in label.checks_at(level):
            extra = (
                f" ({check.owner.rsplit('.', 1)[-1]})"
                if check.owner and not check.owner.startswith(label.module)
                else ""
            )
            lines.append(f"- **{level}** — {check.meaning}{extra}")
    return [*lines, ""]


def render(registry: Registry, project: bool = False) -> str:
    owners: dict[str, list[Label[Any]]] = {}
    for label in registry.labels():
        owners.setdefault(label.owner, []).append(label)
    out = [
        "Every label, the sentences each reads (`{name}` is a backticked value, `{name*}` a list of them, "
        "`[...]` optional words, `<a|b>` one of several, `...` free words shown as narrative), and what proves "
        'it at each level. A list is complete unless its sentence says "among others". A word that changes what '
        'a sentence says ("into", "either", "non-root", "on loopback only", "with pip", …) is read by a check; '
        "the other choices are ways of saying the same.",
        "",
        "### Core labels",
        "",
    ]
    for label in sorted(owners.pop("core", []), key=lambda lab: lab.name):
        out += entry(label)
    for pack in vocab.PACKS:
        if pack in owners:
            out += [f"### Pack `{pack}`: {PACKS[pack]}", "", f'Opt in with `packs = ["{pack}"]`.', ""]
            out += [line for label in sorted(owners.pop(pack), key=lambda lab: lab.name) for line in entry(label)]
    for owner, labels in owners.items() if project else ():
        out += [f"### This project's labels (`{owner}`)", ""]
        out += [line for label in sorted(labels, key=lambda lab: lab.name) for line in entry(label)]
    return "\n".join(out).rstrip() + "\n"


def section(text: str) -> tuple[int, int]:
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"no {START} … {END} section to hold the reference")
    return start + len(START), end


def reference(root: Path | None, check: Path | None, write: Path | None) -> int:
    if root is not None:
        from .project import walk

        registry = walk(root.resolve()).registry
    else:
        registry = vocab.build(vocab.PACKS)
    generated = "\n" + render(registry, project=root is not None) + "\n"
    target = check or write
    if target is None:
        sys.stdout.write(generated.lstrip())
        return 0
    text = target.read_text()
    start, end = section(text)
    if write is not None:
        target.write_text(text[:start] + generated + text[end:])
        return 0
    if text[start:end] != generated:
        diff = difflib.unified_diff(
            text[start:end].splitlines(), generated.splitlines(), "in the file", "generated", lineterm=""
        )
        print(f"{target}: the Vocabulary reference is stale; `docverify reference --write {target}` rewrites it")
        print("\n".join(list(diff)[:60]))
        return 1
    return 0


__all__ = ["render", "reference"]
