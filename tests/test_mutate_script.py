"""scripts/mutate in real processes, without Docker: shards split the catalogue exactly, and --merge
joins shard files with the standard library alone, naming a missing or duplicated shard in one line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MUTATE = ROOT / "scripts" / "mutate"


def mutate(*args: str, bare: bool = False) -> subprocess.CompletedProcess[str]:
    # bare: `python -S`, no site-packages, so neither docverify nor yaml can be imported.
    python = [sys.executable, "-S"] if bare else [sys.executable]
    return subprocess.run([*python, str(MUTATE), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def listed(*args: str) -> list[str]:
    result = mutate("--list", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def test_shards_run_every_entry_exactly_once() -> None:
    everything = listed()
    assert len(everything) == len(set(everything)) > 10, everything
    assert {line.split()[0] for line in everything} == {"mutant", "equivalent"}
    first, second = listed("--shard", "1/2"), listed("--shard", "2/2")
    assert first and second, "both shards have work"
    assert set(first).isdisjoint(second), f"run by both shards: {set(first) & set(second)}"
    assert sorted(first + second) == sorted(everything)
    assert abs(len(first) - len(second)) <= 1, "the slices are even"
    assert listed("--shard", "1/2") == first, "the slicing is deterministic"


def test_a_bad_shard_is_one_line() -> None:
    result = mutate("--shard", "3/2", "--list")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "--shard 3/2: expected K/N" in result.stderr, result.stderr


ENTRIES = [["mutant", "alpha"], ["mutant", "beta"], ["mutant", "gamma"], ["mutant", "delta"], ["equivalent", "same"]]


def row(name: str, kind: str = "mutant", static: str = "failed", failed: list[str] | None = None,
        level: str = "static") -> dict[str, Any]:  # fmt: skip
    ids = failed if failed is not None else [f"docs/a/Page.md::static:L3:{name}"]
    own = kind == "mutant" and static == "failed"
    return {"name": name, "kind": kind, "static": static, "image": None, "failed": ids, "own": own if kind == "mutant"
            else None, "level": level, "seconds": 2.0, "note": ""}  # fmt: skip


def shard(tmp_path: Path, name: str, of: str, rows: list[dict[str, Any]]) -> Path:
    path = tmp_path / name
    data = {"shard": of, "levels": ["static"], "jobs": 1, "wall": 10.0, "catalogue": 4, "equivalent": 1,
            "entries": ENTRIES, "rows": rows}  # fmt: skip
    path.write_text(json.dumps(data))
    return path


def test_merge_writes_one_report_from_the_shards(tmp_path: Path) -> None:
    many = [f"docs/a/Dockerfile.md::image:L{n}:Claim" for n in range(9, 20)] + ["docs/a/Dockerfile.md::static:L9:X"]
    first = shard(tmp_path, "m-1.json", "1/2", [row("alpha"), row("same", "equivalent", "passed", [])])
    unseen = row("delta", static="passed", failed=[], level="image")  # only the image level could kill it
    second = shard(
        tmp_path, "m-2.json", "2/2", [row("beta", failed=many), row("gamma", static="passed", failed=[]), unseen]
    )
    report = tmp_path / "report.md"
    result = mutate("--merge", str(second), str(first), "--write", str(report), bare=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = report.read_text()
    assert "- Mutants: 4 of 4; run at a level that can see them: 3; killed: 2; kill rate: 67%" in text, text
    assert "- Only the image or running level sees these, and it was not run: delta" in text, text
    assert '| <a id="mutant-delta"></a>delta | survived | not run |' in text, text
    assert "acceptance rate: 100%" in text and "- Survivors: gamma" in text, text
    table = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    assert [re.sub(r"<a id=[^>]*></a>", "", line.split(" | ")[0]) for line in table] == [
        "| Mutant",
        "| alpha",
        "| beta",
        "| gamma",
        "| delta",
        "| Rewrite",
        "| same",
    ]
    beta = next(line for line in table if "</a>beta " in line)
    assert "<details><summary>12 tests (image 11, static 1)</summary>" in beta, beta
    assert "`Dockerfile.md` image: [L9](../a/Dockerfile.md#claim-L9), [L10](" in beta, "grouped by page and level"
    alpha = next(line for line in table if "</a>alpha " in line)
    assert "[`Page.md::static:L3:alpha`](../a/Page.md#claim-L3)" in alpha, "each failing test links to its claim"


def test_merge_names_a_missing_shard_and_still_writes_what_it_has(tmp_path: Path) -> None:
    first = shard(tmp_path, "m-1.json", "1/3", [row("alpha"), row("same", "equivalent", "passed", [])])
    third = shard(tmp_path, "m-3.json", "3/3", [row("gamma")])
    report = tmp_path / "report.md"
    result = mutate("--merge", str(first), str(third), "--write", str(report), bare=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.splitlines() == ["mutate: incomplete merge: shard 2/3 missing; not run: beta, delta"], (
        result.stderr
    )
    text = report.read_text()
    assert text.startswith("- Incomplete: shard 2/3 missing; not run: beta, delta\n")
    assert "- Not in this run: beta, delta of the catalogues" in text, "every catalogue entry is accounted for"


def test_merge_refuses_a_duplicated_shard_in_one_line(tmp_path: Path) -> None:
    first = shard(tmp_path, "m-1.json", "1/2", [row("alpha")])
    again = shard(tmp_path, "copy.json", "1/2", [row("alpha")])
    report = tmp_path / "report.md"
    result = mutate("--merge", str(first), str(again), "--write", str(report), bare=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [f"mutate: shard 1/2 given twice: {first} and {again}"], result.stderr
    assert not report.exists(), "no report from a doubled shard"


def test_merge_refuses_a_file_that_is_no_shard(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"shard": "1/1"}')
    result = mutate("--merge", str(path), "--write", str(tmp_path / "report.md"), bare=True)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "not a shard file" in result.stderr, result.stderr


def test_the_committed_report_lists_every_catalogue_entry() -> None:
    """benchmarks/mutation-report.md accounts for each mutant and rewrite, each with the anchor the site links to."""
    text = (ROOT / "benchmarks" / "mutation-report.md").read_text()
    anchored = set(re.findall(r'<a id="mutant-([\w.-]+)"></a>', text))
    entries = {line.split()[1] for line in listed()}
    missing = sorted(entries - anchored)
    assert not missing, f"the mutation report lacks {len(missing)} catalogue entries: {', '.join(missing)}"
