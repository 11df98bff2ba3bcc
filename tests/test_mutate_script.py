"""scripts/mutate in real processes, without Docker: shards split the catalogue exactly, and --merge
joins shard files with the standard library alone, naming a missing or duplicated shard in one line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_mutations import COPIED

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


def test_merge_counts_skipped_entries_and_writes_the_baseline(tmp_path: Path) -> None:
    """A --changed shard names what it skipped; the merge keeps each run's record, red ones marked."""
    green = {**row("alpha"), "ran": ["static"], "records": {"static": {"region": "r", "claims": {}}}}
    red = {**row("gamma", static="passed", failed=[]), "ran": ["static"], "records": {"static": {"red": True}}}
    first = shard(tmp_path, "m-1.json", "1/1", [green, red])
    data = json.loads(first.read_text())
    data["skipped"] = [["mutant", "beta"], ["mutant", "delta"], ["equivalent", "same"]]
    first.write_text(json.dumps(data))
    baseline = tmp_path / "baseline.json"
    result = mutate("--merge", str(first), "--write", str(tmp_path / "r.md"), "--baseline", str(baseline), bare=True)
    assert result.returncode == 0, result.stdout + result.stderr  # nothing missing: the rest was skipped
    assert "- Skipped by --changed, unchanged since their last green run: 3 entries" in (tmp_path / "r.md").read_text()
    assert json.loads(baseline.read_text()) == {
        "schema": 1,
        "levels": {"static": {"mutant/alpha": {"region": "r", "claims": {}}, "mutant/gamma": {"red": True}}},
    }


def test_the_committed_report_lists_every_catalogue_entry() -> None:
    """benchmarks/mutation-report.md accounts for each mutant and rewrite, each with the anchor the site links to."""
    text = (ROOT / "benchmarks" / "mutation-report.md").read_text()
    anchored = set(re.findall(r'<a id="mutant-([\w.-]+)"></a>', text))
    entries = {line.split()[1] for line in listed()}
    missing = sorted(entries - anchored)
    assert not missing, f"the mutation report lacks {len(missing)} catalogue entries: {', '.join(missing)}"


# --- --changed: only what a change touched since each entry's last green run ----------

# A small catalogue for the copies below: entries on EXPOSE, CMD, a RUN, HEALTHCHECK, the entrypoint,
# compose and the page, and two rewrites.
KEPT = ("port", "extra-expose", "command", "uid", "healthcheck", "set-u-comment", "db-image", "page-port",
        "user-by-uid", "bind-equals")  # fmt: skip
# What scripts/mutate copies for each entry (the pages' snippets included), and the script with its catalogue.
PROJECT_FILES = (*COPIED, "tests", "scripts")
CMD_LINE = ('"--workers", "2"', '"--workers", "3"')


def copy_project(into: Path) -> Path:
    for name in PROJECT_FILES:
        source, target = ROOT / name, into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache"))
        else:
            shutil.copy2(source, target)
    return into


def mutate_in(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The copy's own scripts/mutate: its catalogue, its files, its baseline."""
    command = [sys.executable, str(project / "scripts" / "mutate"), *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300)


def selection(project: Path, *args: str) -> dict[str, str]:
    """`--changed --list`: each entry to run -> why."""
    result = mutate_in(project, "--changed", "--list", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    found = [line.split(" ", 4) for line in result.stdout.splitlines() if line.startswith("  ")]
    return {words[3]: words[4] for words in found}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new))


# The recorded copy costs a static run of its catalogue: one worker makes it, and runs every test on it.
ON_THE_RECORDED_COPY = pytest.mark.xdist_group("mutate-recorded")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy whose catalogue is KEPT, after one green static run of it: its baseline records each entry."""
    project = copy_project(tmp_path_factory.mktemp("recorded"))
    with (project / "tests" / "mutants.py").open("a") as catalogue:
        catalogue.write(f"\n_KEPT = {KEPT!r}\nCATALOGUE = [m for m in CATALOGUE if m.name in _KEPT]\n"
                        "EQUIVALENT = [m for m in EQUIVALENT if m.name in _KEPT]\n")  # fmt: skip
    result = mutate_in(project, "--jobs", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (project / "artifacts" / "mutation-baseline.json").is_file()
    return project


@pytest.fixture
def project(recorded: Path, tmp_path: Path) -> Path:
    """The recorded copy, baseline included, free to change."""
    return Path(shutil.copytree(recorded, tmp_path / "project"))


def test_without_a_baseline_the_whole_catalogue_runs(tmp_path: Path) -> None:
    result = mutate("--changed", "--list", "--baseline", str(tmp_path / "none.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    chosen = [line.split()[:2] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert [" ".join(words) for words in chosen] == listed(), "every entry, in catalogue order"
    assert all("no baseline at this level" in line for line in result.stdout.splitlines() if line.startswith("  "))


def test_a_bad_baseline_or_since_without_changed_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "baseline.json"
    bad.write_text("{")
    result = mutate("--changed", "--list", "--baseline", str(bad))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "not a baseline of scripts/mutate" in result.stderr and "Traceback" not in result.stderr
    result = mutate("--since", "HEAD", "--list")
    assert result.returncode == 2 and result.stderr == "mutate: --since REF goes with --changed\n", result.stderr


@ON_THE_RECORDED_COPY
def test_unchanged_files_run_nothing(project: Path) -> None:
    result = mutate_in(project, "--changed", "--list")
    assert result.returncode == 0, result.stderr
    assert "mutate: nothing to run" in result.stdout, result.stdout
    assert f"mutate: skipped {len(KEPT)}, unchanged since their last green run:" in result.stdout, result.stdout


@ON_THE_RECORDED_COPY
def test_a_comment_selects_nothing(project: Path) -> None:
    edit(project / "Dockerfile", "\nEXPOSE 8000\n", "\n# The port gunicorn binds.\nEXPOSE 8000\n")
    edit(project / "entrypoint.sh", "set -eu\n", "set -eu\n# Fail on errors and unset variables.\n")
    edit(project / "compose.yaml", "services:\n", "# The stack.\nservices:\n")
    assert selection(project) == {}


@ON_THE_RECORDED_COPY
def test_a_one_line_dockerfile_change_selects_only_the_entries_of_its_instructions_claims(project: Path) -> None:
    # A CMD word no claim names: the Command claim reads only its own words of the CMD, Image Config only
    # whether there is one; the linter reads every instruction.
    edit(project / "Dockerfile", *CMD_LINE)
    line = next(n for n, text in enumerate((project / "Dockerfile").read_text().splitlines(), 1) if CMD_LINE[1] in text)
    chosen = selection(project)
    assert set(chosen) == {"command", "bind-equals", "user-by-uid"}, chosen
    assert chosen["command"] == f"[static] the lines it edits changed (Dockerfile:{line})", chosen["command"]
    assert chosen["user-by-uid"] == "[static] what Lint read changed: what the linter reads in Dockerfile (its " \
        "instructions and pragmas)", chosen["user-by-uid"]  # fmt: skip


@ON_THE_RECORDED_COPY
def test_a_cmd_word_a_claim_names_selects_the_entries_that_read_it(project: Path) -> None:
    edit(project / "Dockerfile", '"0.0.0.0:8000"', '"0.0.0.0:8080"')
    line = next(n for n, text in enumerate((project / "Dockerfile").read_text().splitlines(), 1) if "8080" in text)
    chosen = selection(project)
    assert (
        f"what Runtime/Command read changed: the CMD of stage runtime (Dockerfile:{line}), as far as the claim's "
        "words `gunicorn`, `core.wsgi:application`, `0.0.0.0:8000` go" in chosen["command"]
    ), chosen


@ON_THE_RECORDED_COPY
def test_a_changed_claim_text_selects_its_entries(project: Path) -> None:
    page = "docs/backend/django/deploy/docker/Dockerfile.md"
    edit(project / page, "Exposes `8000`", "Exposes `8000`, for HTTP")
    chosen = selection(project)
    for name in ("port", "extra-expose", "page-port"):
        assert f"the text of Runtime/Port changed ({page}:" in chosen.pop(name, ""), name
    # The rewrites of USER and of the bind address leave what Image Config reads (which fields are set) as it
    # was: they bear on no claim that reads the page.
    assert chosen == {}, chosen


@ON_THE_RECORDED_COPY
def test_a_new_entry_is_selected(project: Path) -> None:
    with (project / "tests" / "mutants.py").open("a") as catalogue:
        catalogue.write('CATALOGUE.append(mutant("port-9000", D, ("EXPOSE 8000", "EXPOSE 9000"), "Runtime/Port"))\n')
    assert selection(project) == {"port-9000": "[static] new: no run of it on record"}


@ON_THE_RECORDED_COPY
def test_a_red_run_runs_again_and_a_changed_definition_too(project: Path) -> None:
    harmless = 'mutant("harmless", D, ("# libpq for", "# libpq5 for"), "Runtime/Dependencies")'
    with (project / "tests" / "mutants.py").open("a") as catalogue:
        catalogue.write(f"CATALOGUE.append({harmless})\n")
        catalogue.write('CATALOGUE[:] = [m if m.name != "port" else mutant("port", D, ("EXPOSE 8000", "EXPOSE 81"), '
                        '"Runtime/Port") for m in CATALOGUE]\n')  # fmt: skip
    result = mutate_in(project, "harmless")
    assert result.returncode == 1 and "mutate: mutant harmless survived" in result.stderr, result.stderr
    chosen = selection(project)
    assert set(chosen) == {"harmless", "port"}, chosen
    assert chosen["harmless"].startswith("[static] its last run here was not green ("), chosen
    assert chosen["port"] == "[static] its definition in the catalogue changed", chosen


@ON_THE_RECORDED_COPY
def test_since_compares_a_commit_with_the_files_now(project: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@127.0.0.1", *args], cwd=project, check=True,
                       capture_output=True)  # fmt: skip

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "base")
    edit(project / "Dockerfile", *CMD_LINE)
    git("commit", "-qam", "more workers")
    assert set(selection(project, "--since", "HEAD~1")) == {"command", "bind-equals", "user-by-uid"}
    assert selection(project, "--since", "HEAD") == {}, "nothing changed since HEAD"
    result = mutate_in(project, "--changed", "--list", "--since", "no-such-ref")
    assert result.returncode == 2 and result.stderr.startswith("mutate: --since no-such-ref: no such commit"), (
        result.stderr
    )
    assert len(result.stderr.splitlines()) == 1


def test_the_image_level_reads_what_image_checks_read(tmp_path: Path) -> None:
    """A record of image-level inputs: a CMD change leaves EXPOSE's entries alone, a RUN change moves a build."""
    from mutants import CATALOGUE

    from docverify.config import from_pyproject
    from docverify.run import baseline, vocab

    project = copy_project(tmp_path)
    settings = from_pyproject(project)
    registry = vocab.build(settings.packs, settings.vocabularies)
    port = next(m for m in CATALOGUE if m.name == "port")
    before = baseline.Tree(project, registry)
    kept = baseline.record(port, before, {"Runtime/Port": {"config:1:ExposedPorts", "dockerfile:stages"}}, None, "")
    built = baseline.record(port, before, {"Runtime/Port": {"build:1"}}, None, "")
    edit(project / "Dockerfile", *CMD_LINE)
    assert baseline.reasons(port, kept, baseline.Tree(project, registry)) == []
    edit(project / "Dockerfile", "libpq5 curl", "libpq5 curl procps")
    assert baseline.reasons(port, kept, baseline.Tree(project, registry)) == []
    assert baseline.reasons(port, built, baseline.Tree(project, registry)) == [
        "what Runtime/Port read changed: what stage runtime builds from (its instructions, earlier stages' and the "
        "build context)"
    ]
    edit(project / "Dockerfile", "EXPOSE 8000", "EXPOSE 8000 8001")
    assert "what Runtime/Port read changed: the image config's ExposedPorts of stage runtime" in " ".join(
        baseline.reasons(port, kept, baseline.Tree(project, registry))
    )


def test_a_suite_that_cannot_start_says_why(tmp_path: Path) -> None:
    """pytest's internal error ends in "no tests ran": the entry's error names the exception that stopped it."""
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("mutate_script", str(MUTATE))
    spec = importlib.util.spec_from_loader("mutate_script", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutate_script"] = module  # its dataclasses look their module up
    loader.exec_module(module)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "test_x.py").write_text("def test_a():\n    pass\n")
    (tmp_path / "conftest.py").write_text('def pytest_collection_modifyitems(items):\n    raise ValueError("boom")\n')
    outcome, failed, why = module.suite(tmp_path, ["-p", "no:django", "-p", "no:docverify"])
    assert (outcome, failed) == ("error", []) and why.endswith("(ValueError: boom)"), why
