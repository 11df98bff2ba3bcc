"""The system as its users run it, the parts that need no engine: compose's files as a plain `docker compose up`
picks them (`.env` and its COMPOSE_FILE included), a step whose failure the shell never sees, PGDATA resolved
as the kernel resolves it, and Docker's clock read."""

from __future__ import annotations

from pathlib import Path

import pytest

from docverify.model import shell
from docverify.model.compose import ComposeModel, compose_files, file_options
from docverify.observe import failing, oneoff
from docverify.packs import postgres


def stack(folder: Path, name: str = "compose.yaml") -> Path:
    compose = folder / name
    compose.write_text("services:\n  web:\n    image: x\n    read_only: true\n")
    (folder / "local.yaml").write_text("services:\n  web:\n    read_only: false\n")
    return compose


def test_compose_file_in_dotenv_is_read_as_a_plain_docker_compose_up_reads_it(tmp_path: Path) -> None:
    compose = stack(tmp_path)
    (tmp_path / ".env").write_text("# the files, merged in order\nCOMPOSE_FILE=compose.yaml:local.yaml\n")
    assert compose_files(compose) == [compose, tmp_path / "local.yaml"]
    assert file_options(compose) == []  # no -f: compose itself reads .env
    model = ComposeModel(compose)
    assert not model.services["web"].spec.get("read_only")  # compose leaves a false value out
    assert model.cite("read_only:") == "local.yaml:3"  # the line whose value wins


def test_a_file_named_by_path_is_read_alone_as_with_f(tmp_path: Path) -> None:
    compose = stack(tmp_path, "deploy.yaml")
    (tmp_path / ".env").write_text("COMPOSE_FILE=deploy.yaml:local.yaml\n")
    assert compose_files(compose) == [compose]
    assert file_options(compose) == ["-f", str(compose)]
    assert ComposeModel(compose).services["web"].spec.get("read_only") is True


def test_without_compose_file_the_override_is_merged(tmp_path: Path) -> None:
    compose = stack(tmp_path)
    (tmp_path / "compose.override.yaml").write_text("services:\n  web:\n    read_only: false\n")
    assert compose_files(compose) == [compose, tmp_path / "compose.override.yaml"]


@pytest.mark.parametrize(
    ("script", "why"),
    [
        ("set -e\n! python manage.py migrate\n", "negated by `!`"),
        ("set -e\npython manage.py migrate | cat\n", "piped without `pipefail`"),
        ("set -e\npython manage.py migrate || true\n", "handled by && or ||"),
        ("set -e\npython manage.py migrate &\n", "in the background"),
        ("set -eo pipefail\npython manage.py migrate | cat\n", None),
        ("set -e\npython manage.py migrate\n", None),
    ],
)
def test_a_step_whose_failure_the_shell_never_sees(script: str, why: str | None) -> None:
    found = {c.argv[0]: (c, now) for c, now in shell.options_at(script)}
    command, options = found["python"]
    assert command.failure_ignored(options) == why


def test_a_step_is_matched_by_its_words_up_to_the_first_the_shell_expands() -> None:
    assert failing.literal(["manage.py", "wait_for_db", "--timeout", "$DB_WAIT_TIMEOUT"]) == (
        "manage.py",
        "wait_for_db",
        "--timeout",
    )
    assert failing.literal(["manage.py", "migrate", "--noinput"]) == ("manage.py", "migrate", "--noinput")


def test_stand_ins_fail_only_their_step_and_hand_over_the_rest(tmp_path: Path) -> None:
    folder = failing._stand_ins(["python"], "token")
    try:
        text = (folder / "python").read_text()
        assert text.startswith("#!/bin/sh\n") and '= "python" ]' in text and "exit 97" in text
        assert 'exec python "$@"' in text and "@" not in text.replace('"$@"', "")
        assert "token" in (folder / failing.WENT_ON).read_text()
    finally:
        import shutil

        shutil.rmtree(folder)


@pytest.mark.parametrize(
    ("pgdata", "home"),
    [
        ("/var/lib/postgresql/data", ("volume", "db-data", "/var/lib/postgresql/data")),
        ("/var/lib/postgresql/data/pgdata", ("volume", "db-data", "/var/lib/postgresql/data")),
        ("/var/lib/postgresql/data/../pgdata", None),
        ("/var/lib/postgresql/data/tmp/pg", ("tmpfs", "", "/var/lib/postgresql/data/tmp")),
    ],
)
def test_the_data_directory_lives_on_the_deepest_mount_that_holds_it(pgdata: str, home: object) -> None:
    mounts = [("volume", "db-data", "/var/lib/postgresql/data"), ("tmpfs", "", "/var/lib/postgresql/data/tmp")]
    assert postgres._home(mounts, pgdata) == home


def test_docker_times_are_read_to_the_microsecond() -> None:
    start, end = oneoff.moment("2026-12-04T19:00:00.123456789Z"), oneoff.moment("2026-12-04T19:00:03.5Z")
    assert round(end - start, 6) == 3.376544
