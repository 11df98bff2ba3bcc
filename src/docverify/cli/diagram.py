"""`docverify diagram`: the Dockerfile's stages as an SVG whose every word comes from the claims.

Each stage is a box: its number, its name and its `FROM` as written, then one row per claim about it,
in page order: the claim's title (the vocabulary's label, a nested claim under its group's) and the
values the claim states, which its checks prove. An arrow joins the boxes for each `COPY --from`, as
written. The description, which is also the alt text of every page that shows the picture, counts the
same. Nothing in it is written by hand, so it cannot say what the proven claims do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..errors import ClaimFailed, DocverifyError
from ..model.dockerfile import Stage
from ..run.walk import Walk

WIDTH, ROW, VALUES_AT, LIMIT = 620, 20, 250, 44
STYLE = """
    .page { fill: #ffffff; stroke: #c5cae9; }
    .stage { fill: #eef0fb; stroke: #3f51b5; stroke-width: 1.5; }
    .final { fill: #edf7ee; stroke: #2e7d32; stroke-width: 1.5; }
    .cross { stroke: #e65100; stroke-width: 2.5; }
    .crosshead { fill: #e65100; }
    text { fill: #212121; font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 12px; }
    .title { font-size: 15px; font-weight: bold; }
    .group { fill: #424242; font-style: italic; }
    .label { fill: #424242; }
    .code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; fill: #1a237e; }
    .crossing { fill: #bf360c; font-weight: bold; }
"""


@dataclass(frozen=True)
class Row:
    group: str | None
    title: str
    values: str


def rows(walk: Walk, stage: Stage) -> list[Row]:
    found = []
    for claim in walk.claims():
        if claim.label.scope != "stage":
            continue
        try:
            if walk.sources.stage(claim) is not stage:
                continue
        except ClaimFailed as error:  # a heading no stage answers: the claim's own test says so; so does this
            raise DocverifyError(str(error)) from None
        group = claim.item.label if claim.item.nested else None
        title = claim.title[len(group) + 1 :] if group else claim.title
        found.append(Row(group, title, shorten(claim.item.values)))
    return found


def shorten(values: tuple[str, ...]) -> str:
    shown = ""
    for value in values:
        longer = f"{shown} {value}".strip()
        if len(longer) > LIMIT:
            return f"{shown} …"
        shown = longer
    return shown


def crossings(stage: Stage) -> list[str]:
    return [" ".join(f"COPY {i.value}".split()) for i in stage.all("COPY") if "from" in i.flags()]


def name(stage: Stage) -> str:
    return stage.name or ("final" if stage is stage.dockerfile_stages[-1] else f"stage {stage.index + 1}")


def describe(walk: Walk) -> str:
    stages = walk.sources.dockerfile.stages
    parts = [f"{name(s)} (from {s.written_base}, {len(rows(walk, s))} claims)" for s in stages]
    said = f"The Dockerfile's {len(stages)} stages and the claims the docs prove about each: " + ", ".join(parts)
    copies = [f"{copy} (into {name(s)})" for s in stages for copy in crossings(s)]
    return said + (f"; what crosses between them: {', '.join(copies)}." if copies else ".")


def svg(walk: Walk) -> str:
    body: list[str] = []
    y = 14
    for stage in walk.sources.dockerfile.stages:
        for copy in crossings(stage):
            body += [
                f'<line x1="60" y1="{y - 6}" x2="60" y2="{y + 30}" class="cross"/>',
                f'<path d="M 53 {y + 28} L 60 {y + 38} L 67 {y + 28} Z" class="crosshead"/>',
                f'<text x="76" y="{y + 20}" class="code crossing">{escape(copy)}</text>',
            ]
            y += 44
        top, kind = y, "final" if stage is walk.sources.dockerfile.final else "stage"
        body.append(f'<text x="28" y="{y + 26}" class="title">Stage {stage.index + 1} · {escape(name(stage))}</text>')
        body.append(
            f'<text x="{VALUES_AT}" y="{y + 26}" class="code">FROM {escape(stage.from_instruction.value)}</text>'
        )
        y += 36
        group = None
        for row in rows(walk, stage):
            if row.group and row.group != group:
                y += ROW
                body.append(f'<text x="28" y="{y}" class="group">{escape(row.group)}</text>')
            group = row.group
            y += ROW
            indent = 44 if row.group else 28
            body.append(f'<text x="{indent}" y="{y}" class="label">{escape(row.title)}</text>')
            body.append(f'<text x="{VALUES_AT}" y="{y}" class="code">{escape(row.values)}</text>')
        y += 16
        body.insert(0, f'<rect x="10" y="{top}" width="{WIDTH - 20}" height="{y - top}" rx="8" class="{kind}"/>')
        y += 10
    height = y + 4
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
            f'height="{height}" role="img" aria-labelledby="title desc">',
            '  <title id="title">The stages of the Dockerfile</title>',
            f'  <desc id="desc">{escape(describe(walk))}</desc>',
            "  <!-- Generated by `docverify diagram` from the claims and the Dockerfile; do not edit. -->",
            f"  <style>{STYLE}  </style>",
            f'  <rect x="1" y="1" width="{WIDTH - 2}" height="{height - 2}" rx="10" class="page"/>',
            *(f"  {line}" for line in body),
            "</svg>",
            "",
        ]
    )


def diagram(root: Path, check: Path | None, write: Path | None) -> int:
    from .project import walk

    drawn = svg(walk(root.resolve()))
    target = check or write
    if target is None:
        print(drawn, end="")
        return 0
    if write is not None:
        write.write_text(drawn)
        return 0
    if not target.is_file() or target.read_text() != drawn:
        print(f"{target}: the stage diagram is stale; `docverify diagram --write {target}` draws it again")
        return 1
    return 0


__all__ = ["describe", "diagram", "svg"]
