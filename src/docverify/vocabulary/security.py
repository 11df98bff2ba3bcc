"""Security: non-root, no build tools, no secrets, lint, a read-only root file system, capabilities."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import cast

from ..diskcache import cached
from ..model.sources import Sources
from ..observe import files, packages
from ..observe.subjects import Images
from .common import (
    apt_commands,
    apt_names,
    attempted,
    unread,
)
from .label import Cites, Claim, Label, fail, words


@dataclass(frozen=True)
class BuildToolsArgs:
    tools: tuple[str, ...]
    suffix: str | None = None  # `-dev`: no package whose name ends so


NO_BUILD_TOOLS = Label(
    "No Build Tools",
    BuildToolsArgs,
    ["The <runtime|final> image holds none of {tools*}[, and no {suffix} package][: ...]"],
    example=BuildToolsArgs(("gcc", "make"), "-dev"),
    summary="Compilers and headers stay out of the final image: not installed, not on PATH.",
    scope="image",
)


@NO_BUILD_TOOLS.static(
    "neither the final stage nor an earlier stage it is built FROM installs (even on a condition, in an `if` or after "
    "`||`) or copies in any of them, nor installs a word this level cannot read (`$TOOLS`)"
)
def no_build_tools_static(claim: Claim[BuildToolsArgs], sources: Sources) -> Cites:
    cites: set[str] = set()
    # `FROM builder AS runtime`: what the builder installed is in the final image too.
    for stage in sources.dockerfile.final.chain():
        # An install that may run (in an `if`, after `||`) may put a tool in the image: absence is not proven.
        apt, apk = apt_commands(stage, maybe=True), attempted(stage.running("apk", "add"))
        installed = [(i, c, w) for i, c in apt for w in apt_names(c)]
        installed += [(i, c, w) for i, c in apk for w in c.operands(2)]
        bad = [(i, c, w) for i, c, w in installed
               if w in claim.args.tools or (claim.args.suffix and w.endswith(claim.args.suffix))]  # fmt: skip
        # `apt-get install $TOOLS`: what it installs is not known here, so neither is the tools' absence.
        bad += [(i, c, f"`{w}`, which this level cannot read") for i, c in [*apt, *apk] for w in unread(c)]
        if bad:
            maybe = " that may run" if bad[0][1].conditional else ""
            fail(
                claim,
                f"no {words(claim.args.tools)} in the final image",
                f"an install{maybe} of {words(dict.fromkeys(w for _, _, w in bad))}",
                stage.where(bad[0][0]),
            )
        # A tool copied in, from another stage or the context, is in the image as much as one installed.
        for copy in [*stage.all("COPY"), *stage.all("ADD")]:
            *sources_, destination = copy.arguments()
            names = {PurePosixPath(p).name for p in sources_} | {PurePosixPath(destination).name}
            if names & set(claim.args.tools):
                fail(claim, f"no {words(claim.args.tools)} in the final image",
                     f"a copy of {words(sorted(names & set(claim.args.tools)))}", stage.where(copy))  # fmt: skip
        cites |= {i.cite for i, _ in apt + apk}
    return sorted(cites, key=lambda c: int(c.rsplit(":", 1)[1]))


@NO_BUILD_TOOLS.image(
    "none is on PATH; no package with the suffix is installed",
    needs=lambda c, s: [files.need(which=c.args.tools), packages.need()],
)
def no_build_tools_image(claim: Claim[BuildToolsArgs], images: Images) -> Cites:
    image = images.final
    seen = image.observed(files.FILES)
    found = [f"{name} at {path}" for name, path in seen.which.items() if path and name in claim.args.tools]
    suffix = claim.args.suffix
    found += [f"package {p}" for p in image.observed(packages.PACKAGES).installed if suffix and p.endswith(suffix)]
    if found:
        fail(claim, f"none of {words(claim.args.tools)}", words(found), image.where)
    return []


@dataclass(frozen=True)
class LintArgs:
    linter: str
    file: str


LINT = Label(
    "Lint",
    LintArgs,
    [
        "{linter} reports nothing on the {file}[; each rule it is told to ignore is justified in a comment next to the "
        "instruction]"
    ],
    example=LintArgs("hadolint", "Dockerfile"),
    summary="hadolint finds nothing in the Dockerfile, with no config file to hide rules in.",
    scope="project",
)


# An inline pragma as hadolint reads it: `# hadolint ignore=DL3008,SC2086` (`global` makes it the whole file's).
SHELL_PRAGMA = re.compile(r"^\s*#\s*hadolint\s+shell\s*=", re.IGNORECASE)
PRAGMA = re.compile(r"^\s*#\s*hadolint\s+(?P<scope>global\s+)?ignore\s*=\s*(?P<codes>[\w, ]+)", re.IGNORECASE)


def _findings(program: str, target: Path, root: Path, *options: str) -> list[dict[str, object]]:
    """hadolint's findings as JSON, with an empty config file (no rules hidden there). hadolint reads the
    file alone, so its answer is kept on disk by the program, its options, its environment and the text."""
    info = Path(program).stat()
    settings = {k: v for k, v in os.environ.items() if k.startswith("HADOLINT_") or k == "NO_COLOR"}
    parts = [f"hadolint 1 {program}:{info.st_mtime_ns}:{info.st_size}", json.dumps([options, settings], sort_keys=True)]
    found = cached("lint", [*parts, target.read_text()], lambda: _run(program, target, root, *options))
    return cast(list[dict[str, object]], found)


def _run(program: str, target: Path, root: Path, *options: str) -> list[dict[str, object]]:
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as config:
        config.write("{}\n")
        config.flush()
        command = [program, "--no-color", "--config", config.name, "--format", "json", *options, str(target)]
        result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    try:
        found: list[dict[str, object]] = json.loads(result.stdout or "[]")
    except ValueError:
        found = [{"line": 0, "code": "hadolint", "message": (result.stdout + result.stderr).strip()[:300]}]
    # Where the file lies is no part of a finding (the cache serves any copy of the same text).
    return [{k: v for k, v in f.items() if k in ("line", "code", "message", "level")} for f in found]


def _reason(lines: list[str], number: int) -> bool:
    """A comment says why: after the pragma on its line, or in the comment lines right above it (a reason may wrap),
    in words of its own (three or more), not another pragma, a snippet marker, a divider or a TODO."""
    after = lines[number - 1].split("#", 2)[2] if lines[number - 1].count("#") > 1 else ""
    block: list[str] = []
    for line in reversed(lines[: number - 1]):
        if not line.strip().startswith("#") or "hadolint" in line or "--8<--" in line:
            break
        block.insert(0, line.strip().lstrip("#"))
    # A note to fix it later (`TODO: fix this warning`) says the finding stands, not why it may.
    later = re.compile(r"^\s*(TODO|FIXME|XXX|HACK)\b", re.IGNORECASE)
    return any(
        len(re.findall(r"[A-Za-z]{2,}", text)) >= 3 and not later.match(text) for text in (after, " ".join(block))
    )


def _hidden(program: str, target: Path, lines: list[str], root: Path) -> list[dict[str, object]]:
    """The findings with no pragma read: `--disable-ignore-pragma` leaves `# hadolint shell=…` in force, which
    turns ShellCheck off, so that one is blanked out (its line kept, so the line numbers stand)."""
    if not any(SHELL_PRAGMA.match(line) for line in lines):
        return _findings(program, target, root, "--disable-ignore-pragma")
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / target.name
        plain.write_text("".join(("#" if SHELL_PRAGMA.match(line) else line) + "\n" for line in lines))
        return _findings(program, plain, root, "--disable-ignore-pragma")


@LINT.static(
    "the linter with an empty config reports nothing; every finding its pragmas (a `shell=` one included) hide is "
    "hidden by an inline ignore directly above its instruction, with a reason of three words or more beside it (no "
    "global ignore)"
)
def lint_static(claim: Claim[LintArgs], sources: Sources) -> Cites:
    if claim.args.linter != "hadolint":
        fail(claim, f"{claim.args.linter} clean", "a linter docverify does not know (it runs hadolint)", claim.where())
    beside = Path(sys.executable).with_name("hadolint")
    program = str(beside) if beside.exists() else shutil.which("hadolint")
    if program is None:
        fail(claim, "hadolint clean", "no hadolint installed", "this machine")
    target = sources.settings.dockerfile
    if Path(claim.args.file).name != target.name:
        fail(claim, f"{claim.args.file} linted", f"the Dockerfile being {target.name}", claim.where())
    lines = sources.text(target, noted="lint").splitlines()  # what a linter reads: instructions and pragmas
    found = _findings(program, target, sources.root)
    if found:
        first = found[0]
        shown = "; ".join(f"line {f.get('line')} {f.get('code')}: {f.get('message')}" for f in found[:3])
        fail(claim, "no findings", shown, f"{target.name}:{first.get('line')}")
    # What the pragmas hide: each hidden finding needs an inline ignore of its rule right above its line.
    hidden = _hidden(program, target, lines, sources.root)
    pragmas = {n: m for n, line in enumerate(lines, start=1) if (m := PRAGMA.match(line))}
    cited = [f"{target.name}:{n}" for n in pragmas]
    for number, match in pragmas.items():
        if match["scope"] or not _reason(lines, number):
            why = "a global ignore, next to no instruction" if match["scope"] else "no reason in a comment above it"
            fail(claim, "each ignore justified in a comment next to its instruction", f"`{lines[number - 1].strip()}` "
                 f"({why})", f"{target.name}:{number}")  # fmt: skip
    for finding in hidden:
        line, code = int(str(finding.get("line") or 0)), str(finding.get("code"))
        local = pragmas.get(line - 1)
        if local is None or code not in {c.strip() for c in local["codes"].split(",")}:
            fail(claim, f"{code} ignored next to its instruction", f"{code} on line {line} hidden by no pragma "
                 "above it", f"{target.name}:{line}")  # fmt: skip
    return cited
