"""Which mutants show that a claim's check bites: the project's catalogue and its last mutation report.

The catalogue (a Python file defining CATALOGUE, see `docverify.run.mutations`) says which claims
each mutant makes false, by target ("Stage/Title" or "Title"); the report (`scripts/mutate
--write`) says at which level each mutant made which page's tests fail. A chip lists the mutants
that target its claim and failed a test of its page at its level.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path

ROW = re.compile(r"^\|\s*(?:<a id=\"mutant-[^\"]*\"></a>\s*)?(?P<name>[\w.-]+)\s*\|(?P<rest>.*)\|\s*$")
FULL_ID = re.compile(r"(?P<page>[\w.-]+\.md)::(?P<level>static|image|running):L\d+")
GROUPED = re.compile(r"`(?P<page>[\w.-]+\.md)` (?P<level>static|image|running):")


@dataclass
class Bites:
    targets: dict[str, list[str]] = field(default_factory=dict)  # target -> mutants, catalogue order
    static_only: set[str] = field(default_factory=set)  # mutants whose lie the static level sees
    failed: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # mutant -> {(page name, level)}

    def of(self, target: str, page: str, level: str) -> list[str]:
        """The mutants of `target` that failed a test of `page` at `level`.

        Without a report row for a mutant, the catalogue alone speaks for the static level.
        """
        name = page.rpartition("/")[2]
        found = []
        for mutant in self.targets.get(target, []):
            seen = self.failed.get(mutant)
            if (seen is not None and (name, level) in seen) or (
                seen is None and level == "static" and mutant in self.static_only
            ):
                found.append(mutant)
        return found


def load(root: Path, catalogue: str | None, report: str | None) -> Bites:
    bites = Bites()
    if catalogue:
        _catalogue(bites, root / catalogue)
    if report:
        _report(bites, root / report)
    return bites


def _catalogue(bites: Bites, path: Path) -> None:
    spec = importlib.util.spec_from_file_location("docverify_site_catalogue", path)
    if spec is None or spec.loader is None or not path.is_file():
        return
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception:  # a broken catalogue costs the chips their mutants, not the build
        return
    for mutation in getattr(module, "CATALOGUE", []):
        for target in getattr(mutation, "targets", ()):
            bites.targets.setdefault(target, []).append(mutation.name)
        if getattr(mutation, "level", "static") == "static":
            bites.static_only.add(mutation.name)


def _report(bites: Bites, path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    for line in text.splitlines():
        row = ROW.match(line)
        if not row or row["name"] in ("Mutant", "Rewrite", "---"):
            continue
        seen = bites.failed.setdefault(row["name"], set())
        for match in (*FULL_ID.finditer(row["rest"]), *GROUPED.finditer(row["rest"])):
            seen.add((match["page"], match["level"]))
