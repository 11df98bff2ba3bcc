"""Unit tests of the engine's parts, the way Sybil tests its parsers: small inputs, exact outputs."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docverify import config, diskcache
from docverify.errors import ConfigError, DockerfileError
from docverify.model import healthtest, shell
from docverify.model.compose import ComposeModel
from docverify.model.context import Context
from docverify.model.dockerfile import normalise_image, parse
from docverify.model.gitignore import GitIgnore
from docverify.observe import docker
from docverify.observe.imageconfig import ImageConfig
from docverify.read import items, lines, rendered


def dockerfile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Dockerfile"
    path.write_text(textwrap.dedent(text).lstrip())
    return path


# --- items ---------------------------------------------------------------------------------


def test_items_carry_labels_headings_groups_and_nesting() -> None:
    text = textwrap.dedent("""
        ## Stage 2: Runtime

        *   **User:** Switches to `appuser`.
        *   **Environment Variables:**
            *   `PATH`: Adds `/venv/bin` first.
        *   **Copy Artifacts:**
            *   Copies `a` to `/b`.
    """)
    found = items.read(Path("p.md"), text)
    assert [(i.label, i.sentence, i.line, i.nested, i.group) for i in found.items] == [
        ("User", "Switches to `appuser`.", 4, False, None),
        ("Environment Variables", "`PATH`: Adds `/venv/bin` first.", 6, True, 5),
        ("Copy Artifacts", "Copies `a` to `/b`.", 8, True, 7),
    ]
    assert found.items[0].stage_heading == (2, "Runtime") and found.problems == []
    assert [item.label for item in found.labelled] == ["User", "Environment Variables", "Copy Artifacts"]


def test_items_inside_code_fences_are_not_items() -> None:
    assert items.read(Path("p.md"), "```md\n*   **User:** `x`\n```\n").items == []


def test_every_problem_of_a_page_is_collected_not_just_the_first() -> None:
    text = "*   **Users:**\n    *   **User:** `x`\n*   **Port**: `80`\n*   **Empty:**\n\nText.\n"
    problems = [str(p) for p in items.read(Path("p.md"), text).problems]
    assert [p.split(" ", 1)[0] for p in problems] == ["p.md:1:", "p.md:2:", "p.md:3:", "p.md:4:"]
    assert "neither values" in problems[0] and "is nested" in problems[1] and "colon inside the bold" in problems[2]
    assert "neither values" in problems[3]


def test_a_claim_in_a_blockquote_is_read_where_the_site_shows_it() -> None:
    found = items.read(Path("p.md"), "> *   **Port:** `80`\n")
    assert [(i.label, i.sentence, i.line) for i in found.items] == [("Port", "`80`", 1)]
    assert found.problems == [] and [c.label for c in found.counted] == ["Port"]


# --- the build context ----------------------------------------------------------------------


def test_the_context_is_what_dockerignore_leaves(tmp_path: Path) -> None:
    for name in ("app/a.py", "app/__pycache__/a.pyc", "app/db.sqlite3", "notes.md", "Dockerfile"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / ".dockerignore").write_text("*\n!app/\n**/__pycache__\napp/db.sqlite3\n")
    context = Context(tmp_path)
    assert context.files("app") == ["app/a.py"] and not context.sent("notes.md") and context.sent("app/a.py")


def test_a_folder_copied_whole_may_leave_out_only_what_git_ignores(tmp_path: Path) -> None:
    names = ("app/a.py", "app/__pycache__/a.cpython-311.pyc", "app/db.sqlite3", "app/logs/x.log", "app/keep.log",
             "app/secret.py", "app/sub/b.py", "app/sub/c.tmp", "app/sub/d.tmp")  # fmt: skip
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / ".gitignore").write_text("/app/db.sqlite3\nlogs/\n*.log\n!keep.log\n")
    (tmp_path / "app/sub/.gitignore").write_text("*.tmp\n!d.tmp\n")  # deeper: its `!` re-includes
    (tmp_path / ".dockerignore").write_text("*\n!app/\n**/__pycache__\napp/*.sqlite3\napp/logs\n**/*.log\n"
                                            "app/secret.py\napp/sub/*.tmp\n")  # fmt: skip
    ignore = GitIgnore(tmp_path)
    found = Context(tmp_path).left_out("app", ignore)
    # keep.log and d.tmp are held (re-included), secret.py was never ignored; the rest git ignores.
    assert found == [("app/keep.log", 6), ("app/secret.py", 7), ("app/sub/d.tmp", 8)], found
    assert ignore.files() == [".gitignore", "app/sub/.gitignore"]
    assert GitIgnore(tmp_path).ignored("app/logs", folder=True) and not GitIgnore(tmp_path).ignored("app/sub/b.py")


@pytest.mark.parametrize(
    ("ignore", "path", "sent"),
    [
        ("a.py\n!a.p[y]\n", "a.py", True),  # `[…]` is a character class
        ("x[^a]y\n", "xay", True),
        ("x[^a]y\n", "xby", False),
        ("*\n!./src/../entrypoint.sh\n", "entrypoint.sh", True),  # cleaned as a path
        ("//x\n", "x", False),
        ("*\n!!entrypoint.sh\n", "entrypoint.sh", False),  # one `!`: the rest names `!entrypoint.sh`
        ("*\n!!entrypoint.sh\n", "!entrypoint.sh", True),
        ("\ufeffsecret\n", "secret", False),  # a byte-order mark is no part of the first pattern
        (" # spaced\n", "# spaced", False),  # a comment only where the line starts with `#`
        ("a\\*b\n", "a*b", False),  # `\\` makes the next character literal
        ("a\\*b\n", "axb", True),
        ("x**.py\n", "x.conf.py", True),  # `**` before more is any folders (or none): `x(.*/)?\.py`
        ("x**.py\n", "x/a/.py", False),
        ("a/**\n", "a/b/c", False),  # at the end, anything
        ("**/x\n", "x", False),
        ("#\rsecret\n", "secret", True),  # a line ends at `\n` only: this is one comment
        ("secret\r\n", "secret", False),  # one `\r` before it goes
        ("secret\x1f\n", "secret", True),  # Go trims no \x1f
    ],
)  # fmt: skip
def test_dockerignore_is_read_as_docker_reads_it(tmp_path: Path, ignore: str, path: str, sent: bool) -> None:
    (tmp_path / ".dockerignore").write_bytes(ignore.encode())
    assert Context(tmp_path).sent(path) is sent


@pytest.mark.parametrize(
    ("ignore", "why"),
    [("a[b\n", "an unclosed `[`"), ("!\n", "`!` alone"), ("a\\\n", "a `\\` that escapes nothing")],
)
def test_a_pattern_docker_refuses_is_an_error_naming_its_line(tmp_path: Path, ignore: str, why: str) -> None:
    (tmp_path / ".dockerignore").write_text("# first\n" + ignore)
    with pytest.raises(DockerfileError, match=rf"^\.dockerignore:2: .*{re.escape(why)}"):
        Context(tmp_path).sent("a")


# --- the Dockerfile model -------------------------------------------------------------------


def test_from_resolves_args_and_registry_names(tmp_path: Path) -> None:
    model = parse(
        dockerfile(
            tmp_path,
            """
        ARG IMAGE=docker.io/library/python:3.13-slim
        FROM ${IMAGE} AS builder
        FROM builder AS final
    """,
        )
    )
    assert [s.base for s in model.stages] == ["python:3.13-slim", "python:3.13-slim"]
    assert model.stages[1].parent is model.stages[0]
    assert parse(dockerfile(tmp_path, "ARG IMAGE=a\nFROM $IMAGE\n"), {"IMAGE": "b:1"}).stages[0].base == "b:1"
    assert (
        normalise_image("docker.io/library/python:3") == "python:3" and normalise_image("ghcr.io/x/y") == "ghcr.io/x/y"
    )


def test_effective_state_is_what_later_instructions_leave(tmp_path: Path) -> None:
    stage = parse(
        dockerfile(
            tmp_path,
            """
        FROM base
        RUN groupadd --gid 1000 app && useradd --uid=1000 -g app app
        WORKDIR /srv/
        WORKDIR app
        ENV A=1 PATH="/venv/bin:$PATH"
        ENV A=2
        USER app
        USER 1000
        CMD ["one"]
        ENTRYPOINT ["/e.sh"]
        EXPOSE 80 53/udp
    """,
        )
    ).stages[0]
    assert stage.workdir() is not None and stage.workdir()[0] == "/srv/app"  # type: ignore[index]
    env = {k: v for k, (v, _) in stage.env().items()}
    assert env == {"A": "2", "PATH": "/venv/bin:$PATH"}
    spec, _ = stage.user()  # type: ignore[misc]
    user = stage.user_named(spec)
    assert spec == "1000" and user is not None and (user.name, user.uid, user.gid) == ("app", 1000, 1000)
    assert stage.exec_list("CMD") is not None and stage.exec_list("CMD")[0] == ["one"]  # type: ignore[index]
    assert set(stage.exposed()) == {"80/tcp", "53/udp"}


def test_an_entrypoint_in_a_later_stage_resets_the_inherited_cmd(tmp_path: Path) -> None:
    model = parse(dockerfile(tmp_path, 'FROM a AS one\nCMD ["x"]\nFROM one\nENTRYPOINT ["/e"]\n'))
    assert model.stages[0].exec_list("CMD") is not None and model.stages[1].exec_list("CMD") is None


def test_a_parents_onbuild_runs_first_in_the_stage_built_from_it_and_only_there(tmp_path: Path) -> None:
    model = parse(
        dockerfile(
            tmp_path,
            """
        FROM a AS base
        ONBUILD HEALTHCHECK --interval=5s CMD ["true"]
        ONBUILD USER app
        ONBUILD ENV MODE=trigger
        FROM base AS child
        ENV MODE=own
        FROM child AS grandchild
    """,
        )
    )
    base, child, grandchild = model.stages
    assert base.healthcheck() is None and base.user() is None, "an ONBUILD does not run in its own stage"
    check = child.healthcheck()
    assert check is not None and check.options == {"interval": "5s"} and check.instruction is not None
    assert check.instruction.where == "Dockerfile:2", "cited at the ONBUILD"
    assert child.user() is not None and child.user()[0] == "app"  # type: ignore[index]
    assert child.env()["MODE"][0] == "own", "the stage's own ENV runs after the trigger"
    # The builder clears the triggers once they ran: a grandchild inherits their effect, not the triggers.
    assert grandchild.triggers() == [] and grandchild.healthcheck() == check


@pytest.mark.parametrize(
    "deferred", ["ONBUILD ONBUILD RUN x", "ONBUILD FROM b", "ONBUILD MAINTAINER me", "ONBUILD NOPE x"]
)
def test_an_onbuild_docker_refuses_is_an_error_naming_its_line(tmp_path: Path, deferred: str) -> None:
    with pytest.raises(DockerfileError, match=r"Dockerfile:2: ONBUILD cannot run"):
        parse(dockerfile(tmp_path, f"FROM a\n{deferred}\n"))


# --- the shell --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "script, options",
    [
        ("set -eu", {"e", "u"}),
        ("set -u  # was: set -eu", {"u"}),
        ("set -o errexit -o nounset", {"e", "u"}),
        ("set -eu\nset +e", {"u"}),
        ("if x; then set -e; fi", set()),
    ],
)
def test_set_options_as_a_shell_sees_them(script: str, options: set[str]) -> None:
    assert shell.set_options(script) == options


@pytest.mark.parametrize(
    "script, propagates",
    [
        ("pg_isready -U x", True),
        ("a && pg_isready", True),
        ("pg_isready && echo ok", True),
        ("pg_isready || true", False),
        ("pg_isready; true", False),
        ("pg_isready | cat", False),
        ("pg_isready || exit 1", True),
        ("pg_isready || exit 0", False),
    ],
)
def test_a_failure_reaches_the_exit_status_only_when_nothing_has_the_last_word(script: str, propagates: bool) -> None:
    assert shell.failure_propagates(script, "pg_isready") is propagates


def test_commands_know_conditions_guards_and_python_m_pip() -> None:
    found = shell.commands('if [ -n "$X" ]; then pip config set a "$X"; fi && python -m pip install a || true')
    runs = {c.invocation(): (c.conditional, c.guarded) for c in found}
    # In an `if` that `&&` follows, sh ignores `set -e` (dash and bash alike): a failure there is handled.
    assert runs[("pip", "config", "set", "a", "$X")] == (True, True)
    # `… && pip install a || true`: when what comes before fails, the install never runs and `true` hides it.
    assert runs[("pip", "install", "a")] == (True, True)
    rescued = {c.argv[0]: c.conditional for c in shell.commands("a && b || exit 1; c && d || false; e && f || g")}
    assert rescued == {"a": False, "b": False, "exit": True, "c": False, "d": False, "false": True, "e": False,
                       "f": True, "g": True}  # fmt: skip


@pytest.mark.parametrize(
    ("script", "runs"),
    [
        ("if true; then a; fi", True),
        ("if ! false; then x; else a; fi", False),
        ("if false; then x; else a; fi", True),
        ("if true; then x; elif y; then a; fi", False),
        ("false || a", True),
        ("true || a", False),
        ("false && a", False),
        (": && true && a", True),
        ("x; false || a", True),
        ("x || false || a", False),
        ('echo "$(a)"', True),
        ("X=$(a)", True),
        ("x || echo $(a)", False),
        ("until a; do :; done", True),
        ("while x; do a; done", False),
        ("while true; do a; break; done", True),
        ("for f in $(a); do :; done", True),
        ('true > "/dev/null$(a)"', True),
        ("if [ -z '' ]; then a; fi", True),
        ('if [ -z "$X" ]; then a; fi', False),
        ("[ x = y ] && a", False),
    ],
)
def test_a_constant_condition_decides_nothing_and_a_substitution_runs_with_its_command(script: str, runs: bool) -> None:
    found = {c.argv[0]: c for c in shell.commands(script) if c.argv}
    assert found["a"].conditional is not runs, script


@pytest.mark.parametrize(
    ("script", "step"),
    [
        ("pip uninstall -y x", True),
        ("python -m pip install x", False),
        ("chmod u+s /e", True),
        ("chmod 4755 /e", True),
        ("chmod -R g+w /app", True),
        ("chmod +x /e", False),
        ("chmod 0755 /e", False),
        ("chmod go-w /e", False),
        ("rm -rf /venv/lib", True),
        ("rm -rf /var/lib/apt/lists/* /tmp/x", False),
        ("ln -s a b", True),
        ("echo a >> /etc/hosts", True),
        ("echo a >&2", False),
        ("install -dm755 /x", False),
        ("install -m 4755 a /b", True),
        ("poetry lock", True),
        ("poetry export -o r", False),
        ("poetry --version", False),
        ("uname -m", False),
        ("{ echo a; } > /etc/motd", True),
        ("echo a >> /dev/../etc/hosts", True),
        ("id > /etc/motd", True),
        ("umask 000", True),
        ("umask 022", False),
        ("install -o root -m 4755 a /b", True),
        ("install -o appuser -m 755 a /b", False),
        ("usermod -s /bin/bash a", True),
        ("usermod -u1000 a", False),
        ("groupadd -o -g 0 g", True),
        ('rm -rf "/tmp/${X:-../venv}"', True),
        ('rm -rf "$HOME/.cache"', False),
        ("apt-get -o Acquire::Retries=3 update", False),
        ("sh -c 'a' --version", True),
        ("pip cache purge", False),
    ],
)
def test_a_program_other_labels_read_is_described_only_in_the_forms_they_read(script: str, step: bool) -> None:
    from docverify.vocabulary.commands import undescribed

    assert undescribed(shell.commands(script)[0]) is step


@pytest.mark.parametrize(
    ("words", "environment", "where"),
    [
        ("gunicorn app:wsgi", None, "/app/gunicorn.conf.py"),
        ("gunicorn -c conf.py app:wsgi", None, "/app/conf.py"),
        ("gunicorn -cconf.py app:wsgi", None, "/app/conf.py"),
        ("gunicorn --conf=/etc/g.py app:wsgi", None, "/etc/g.py"),
        ("gunicorn --config file:conf.py app:wsgi", None, "/app/conf.py"),
        ("gunicorn --chdir /srv app:wsgi", None, "/app/gunicorn.conf.py"),  # read before it changes folder
        ("gunicorn --con x.py app:wsgi", None, "/app/gunicorn.conf.py"),  # ambiguous: argparse refuses it
        ("gunicorn app:wsgi", "--config /etc/env.py", "/etc/env.py"),
        ("gunicorn -c python:core.gunicorn app:wsgi", None, None),
        ("gunicorn app:wsgi -- -c x.py", None, "/app/gunicorn.conf.py"),
    ],
)
def test_gunicorn_finds_its_configuration_file_where_gunicorn_looks(
    words: str, environment: str | None, where: str | None
) -> None:
    from docverify.vocabulary.serverconfig import gunicorn_words, location

    found = gunicorn_words(["sh", "-c", f"exec {words}"])
    assert found == words.split()
    assert location(found, environment, "/app") == where


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("workers = 2\n", None),
        ("daemon = True\n", ("daemon = True", 1)),
        ("daemon: bool = True\n", ("daemon = True", 1)),
        ("daemon = True\ndaemon = False\n", None),
        ("import os\n\ndef on_starting(server):\n    daemon = True\n", None),
        ("print_config = 1\n", ("print_config = 1", 1)),
        ("bind = '0.0.0.0:8000'\ncheck_config = True\n", ("check_config = True", 2)),
        ("daemon = (\n", ("a syntax error ('(' was never closed)", 1)),
        ("daemon = 'false'\n", None),  # gunicorn's own cast: "true"/"false" in any case
        ("daemon = 'True '\n", ("daemon = 'True '", 1)),
        ("daemon = 0\n", ("daemon = 0", 1)),  # no boolean: gunicorn exits
        ("daemon: bool\n", None),
        ("daemon = True\ndel daemon\n", None),
        ("with open('/dev/null'):\n    daemon = True\n", ("daemon = True", 2)),
    ],
)
def test_a_configuration_file_is_read_with_pythons_parser(text: str, left: tuple[str, int] | None) -> None:
    from docverify.vocabulary.serverconfig import leaving

    found = leaving(text)
    assert (found[:2] if found else None) == left


@pytest.mark.parametrize(
    "text",
    [
        "import os\ndaemon = os.environ.get('D') == '1'\n",
        "if True:\n    daemon = True\n",
        "daemon += 1\n",
        "from settings import *\n",
        "from settings import daemon\n",
        "globals()['daemon'] = True\n",
        "exec('daemon = True')\n",
        "daemon, workers = True, 2\n",
        "(daemon := True)\n",
        "for daemon in (True,):\n    pass\n",
        "def daemon():\n    pass\n",
    ],
)
def test_a_setting_only_running_the_file_tells_is_unreadable_not_a_pass(text: str) -> None:
    from docverify.vocabulary.serverconfig import Unreadable, leaving

    with pytest.raises(Unreadable) as raised:
        leaving(text)
    assert raised.value.statement and raised.value.line >= 1


# --- compose ---------------------------------------------------------------------------------


def test_compose_reads_short_and_long_port_syntax_alike(tmp_path: Path) -> None:
    short = tmp_path / "short.yaml"
    short.write_text('services:\n  web:\n    image: x\n    ports: ["127.0.0.1:${P:-8000}:80"]\n')
    long = tmp_path / "long.yaml"
    long.write_text(
        "services:\n  web:\n    image: x\n    ports:\n      - {target: 80, host_ip: 127.0.0.1, published: 8000}\n"
    )
    read = [ComposeModel(path).services["web"].ports for path in (short, long)]
    keys = [[(p["host_ip"], str(p["published"]), p["target"]) for p in ports] for ports in read]
    assert keys[0] == keys[1] == [("127.0.0.1", "8000", 80)]
    assert ComposeModel(short, {"P": "9"}).services["web"].ports[0]["published"] == "9"


def test_compose_answers_come_from_the_cache_only_while_its_inputs_stand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diskcache, "ROOT", tmp_path / "cache")
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: x\n    environment:\n      A: ${A:-one}\n")
    assert ComposeModel(compose).services["web"].environment == {"A": "one"}
    assert ComposeModel(compose, {"A": "two"}).services["web"].environment == {"A": "two"}
    (tmp_path / ".env").write_text("A=three\n")  # compose reads it: so does the key
    assert ComposeModel(compose).services["web"].environment == {"A": "three"}
    compose.write_text(compose.read_text().replace("one", "four"))
    (tmp_path / ".env").unlink()
    assert ComposeModel(compose).services["web"].environment == {"A": "four"}
    assert len(list((tmp_path / "cache" / "compose").iterdir())) == 4
    # Files compose would read beyond these: never cached.
    (tmp_path / "web.env").write_text("B=1\n")
    compose.write_text("services:\n  web:\n    image: x\n    env_file: web.env\n")
    assert ComposeModel(compose).services["web"].environment == {"B": "1"}
    (tmp_path / "web.env").write_text("B=2\n")
    assert ComposeModel(compose).services["web"].environment == {"B": "2"}
    assert len(list((tmp_path / "cache" / "compose").iterdir())) == 4


def test_a_copy_elsewhere_shares_the_answer_with_its_own_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diskcache, "ROOT", tmp_path / "cache")
    text = "services:\n  web:\n    build: .\n    volumes: ['./data:/data']\n"
    first, second, other = tmp_path / "a" / "app", tmp_path / "b" / "app", tmp_path / "c" / "other"
    for folder in (first, second, other):
        folder.mkdir(parents=True)
        (folder / "compose.yaml").write_text(text)
    asked = ComposeModel(second / "compose.yaml")._ask({"PATH": os.environ["PATH"]})
    served = [ComposeModel(folder / "compose.yaml").raw for folder in (first, second, other)]
    assert served[1] == asked and str(second) in str(asked) and str(first) not in str(served[1])
    assert served[0]["services"]["web"]["build"]["context"] == str(first)
    assert served[2]["name"] == "other"  # another folder name is another project: its own answer
    assert len(list((tmp_path / "cache" / "compose").iterdir())) == 2
    # A path that climbs out of the folder keeps the folder's place in the key.
    for folder in (first, second):
        (folder / "compose.yaml").write_text(text.replace("./data", "../data"))
    climbed = [ComposeModel(folder / "compose.yaml").raw for folder in (first, second)]
    assert climbed[0]["services"]["web"]["volumes"][0]["source"] == str(tmp_path / "a" / "data")
    assert climbed[1]["services"]["web"]["volumes"][0]["source"] == str(tmp_path / "b" / "data")


def test_hadolints_findings_are_kept_by_the_text_and_serve_any_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docverify.vocabulary.security import _findings

    monkeypatch.setattr(diskcache, "ROOT", tmp_path / "cache")
    program = str(Path(sys.executable).with_name("hadolint"))
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
        (folder / "Dockerfile").write_text("FROM debian:12\nRUN apt-get install -y curl\n")
    found = [_findings(program, folder / "Dockerfile", folder) for folder in (first, second)]
    assert found[0] == found[1] and {f["code"] for f in found[0]} >= {"DL3008", "DL3015"}, found
    assert all(set(f) <= {"line", "code", "message", "level"} for f in found[0])  # no path in an answer
    assert len(list((tmp_path / "cache" / "lint").iterdir())) == 1
    (second / "Dockerfile").write_text("FROM debian:12\n")  # another text: hadolint asked again
    assert _findings(program, second / "Dockerfile", second) == []
    assert len(list((tmp_path / "cache" / "lint").iterdir())) == 2


# --- configuration ----------------------------------------------------------------------------


def test_configuration_comes_from_tool_docverify(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.docverify]\nimage_prefix = "x"\nbuild_args = ["A={pip-index}"]\n')
    settings = config.from_pyproject(tmp_path)
    assert (
        settings.image_prefix == "x" and settings.build_args == {"A": "{pip-index}"} and settings.project == "x-stack"
    )
    with pytest.raises(ConfigError, match="no docs folder"):
        config.from_pyproject(tmp_path, docs="nowhere")
    assert not settings.runs_stack and settings.compose is not None  # compose.yaml is the default, but absent here
    assert config.from_pyproject(tmp_path, compose="").compose is None


def test_a_kept_kind_holds_at_most_its_number_and_the_least_recently_used_goes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    monkeypatch.setattr(diskcache, "ROOT", tmp_path)
    made: list[str] = []

    def answer(name: str) -> str:
        return str(diskcache.cached("kept", [name], lambda: made.append(name) or name, keep=2))

    def written_at(name: str, when: int) -> None:
        os.utime(tmp_path / "kept" / f"{hashlib.sha256(name.encode()).hexdigest()}.json", (when, when))

    answer("a")
    written_at("a", 100)
    answer("b")
    written_at("b", 200)
    answer("a")  # used again, now: b is the oldest
    answer("c")  # a third: one must go, and it is b
    assert answer("a") == "a" and answer("c") == "c" and made == ["a", "b", "c"]
    assert answer("b") == "b" and made == ["a", "b", "c", "b"]  # b was dropped: computed again
    assert len(list((tmp_path / "kept").iterdir())) == 2


def test_disk_cached_trees_are_bashlexs_and_a_hit_never_imports_it(tmp_path: Path) -> None:
    script = 'set -eu\nif [ -n "$X" ]; then exit 1; fi\npg_isready -q || true\n'
    home = {"HOME": str(tmp_path), "PATH": os.environ["PATH"]}
    program = (
        "import sys; from docverify.model import shell; "
        f"print(sorted(shell.set_options({script!r})), shell.failure_propagates({script!r}, 'pg_isready'), "
        "'bashlex' in sys.modules)"
    )
    answers = [
        subprocess.run([sys.executable, "-c", program], env=home, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert answers == ["['e', 'u'] False True\n", "['e', 'u'] False False\n"]  # parsed, then read back
    for entry in (tmp_path / ".cache" / "docverify" / "shell").iterdir():
        entry.write_text("{damaged")
    again = subprocess.run([sys.executable, "-c", program], env=home, capture_output=True, text=True, check=True)
    assert again.stdout == answers[0]  # a damaged entry is parsed afresh


def test_disk_cached_renderings_follow_the_page_and_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diskcache, "ROOT", tmp_path)
    page = '*   **Base Image:** `python:3.13-slim`\n\n```dockerfile title="x"\nFROM a\n```\n'

    def labels(renderer: rendered.Renderer, text: str) -> list[str]:
        return [statement.label for statement in renderer.reading(text).statements]

    plain = rendered.Renderer(["tables"], {})
    assert labels(plain, page) == ["Base Image"]
    assert labels(plain, page.replace("**Base Image:**", "Base Image:")) == []
    assert labels(plain, page) == ["Base Image"]  # from the cache
    assert len(list((tmp_path / "rendered").iterdir())) == 2
    # Other extensions, another answer: `+` items are lists either way, `__bold__` is bold either way.
    assert labels(rendered.Renderer(["tables", "pymdownx.superfences"], {}), page.replace("*", "+", 1)) == [
        "Base Image"
    ]


def test_a_stored_tagging_stands_while_every_file_its_includes_looked_at_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diskcache, "ROOT", tmp_path / "cache")
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    (first / "Dockerfile").write_text("FROM a\n")
    page = '```dockerfile\n--8<-- "Dockerfile"\n```\n'

    def tagging() -> tuple[str, list[str]]:
        failed: list[lines.SnippetError] = []
        snippets = {"base_path": [str(second), str(first)], "check_paths": True}
        text = rendered.Renderer([rendered.SNIPPETS], {rendered.SNIPPETS: snippets}).tagged(page, failed)
        return lines.strip(text), [f.reason for f in failed]

    assert tagging() == ("```dockerfile\nFROM a\n\n```", [])
    (first / "Dockerfile").write_text("FROM b\n")  # the file read
    assert tagging()[0] == "```dockerfile\nFROM b\n\n```"
    second.mkdir()  # a base looked at first: it now exists, without the name
    assert tagging()[0] == "```dockerfile\nFROM b\n\n```"
    (second / "Dockerfile").write_text("FROM c\n")  # ... and now it has it
    assert tagging()[0] == "```dockerfile\nFROM c\n\n```"
    for folder in (first, second):
        (folder / "Dockerfile").unlink()
    text, failed = tagging()
    assert '--8<-- "Dockerfile"' in text and failed and "Dockerfile" in failed[0]
    assert len(list((tmp_path / "cache" / "tagged").iterdir())) == 1  # one page: one entry, kept current


def test_a_copy_of_the_project_elsewhere_finds_the_tagging_and_its_own_files_still_decide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diskcache, "ROOT", tmp_path / "cache")
    page = '```dockerfile\n--8<-- "Dockerfile"\n```\n'
    made: list[str] = []
    real = rendered.Renderer._expand

    def counted(self: rendered.Renderer, group: list[str]) -> list[str]:
        made.append(group[0])
        return real(self, group)

    monkeypatch.setattr(rendered.Renderer, "_expand", counted)

    def tagging(root: Path) -> str:
        snippets = {"base_path": [str(root.resolve())], "check_paths": True}
        renderer = rendered.Renderer([rendered.SNIPPETS], {rendered.SNIPPETS: snippets}, root=root)
        return lines.strip(renderer.tagged(page))

    for name, text in (("one", "FROM a\n"), ("two", "FROM a\n"), ("three", "FROM b\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Dockerfile").write_text(text)
    assert tagging(tmp_path / "one") == "```dockerfile\nFROM a\n\n```" and len(made) == 1
    assert tagging(tmp_path / "two") == "```dockerfile\nFROM a\n\n```" and len(made) == 1  # the copy: kept
    assert tagging(tmp_path / "three") == "```dockerfile\nFROM b\n\n```" and len(made) == 2  # its own file


def test_options_are_in_effect_from_their_set_onwards() -> None:
    found = [(c.argv[0], sorted(now)) for c, now in shell.options_at("a\nset -eu\nb\nset +e -- x\nc\n")]
    assert found == [("a", []), ("set", []), ("b", ["e", "u"]), ("set", ["e", "u"]), ("c", ["u"])]


# --- forms ---------------------------------------------------------------------------------


def test_a_wording_that_carries_meaning_is_bound_to_a_field() -> None:
    from docverify.read.forms import Form, convert

    form = Form("{names*}; without {how=either|any of them|it}, {module} refuses to start")
    reading = form.read("`A` and `B`; without ANY  of them, `m` refuses to start.")
    assert reading is not None and reading.bindings == {"names": ("A", "B"), "how": "any of them", "module": "m"}
    assert form.read("`A`; without neither, `m` refuses to start") is None
    assert form.shown == "{names*}; without <either|any of them|it>, {module} refuses to start"
    assert form.render({"names": ("A",), "how": "it", "module": "m"}) == "`A`; without it, `m` refuses to start."
    flagged = Form("{name} [{optional=(optional)}]")
    assert flagged.read("`X` (optional)").bindings == {"name": "X", "optional": "(optional)"}  # type: ignore[union-attr]
    assert flagged.read("`X`").bindings == {"name": "X"}  # type: ignore[union-attr]
    assert convert("optional", bool, "(optional)") is True
    assert flagged.render({"name": "X", "optional": False}) == "`X`."


# --- values read whole, as their tools read them ----------------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ('"/app"', "/app"),
        ("'/app'", "/app"),
        ("$APP/x", "/srv/x"),
        ("'$APP'", "$APP"),
        ('"$APP"/y', "/srv/y"),
        ("${NONE:-/d}", "/d"),
        ("my\\ dir", "my dir"),
    ],
)
def test_a_word_is_read_as_the_builders_lexer_reads_it(written: str, read: str) -> None:
    from docverify.model.instruction import docker_word

    assert docker_word(written, {"APP": "/srv", "NONE": ""}) == read


def test_a_parameter_is_read_by_its_whole_name() -> None:
    command = shell.commands('pip config set global.index-url "${INDEX_URL_2:-x}"')[0]
    assert not command.reads("INDEX_URL") and command.reads("INDEX_URL_2")
    assert shell.parameters("--timeout=${T}$U") == {"T", "U"}


@pytest.mark.parametrize(
    ("script", "default", "override"),
    [
        (': "${T:=30}"\n', "30", None),
        ('T="${T:-30}"\n', "30", None),
        ("export T=${T:-30}\n", "30", None),
        (': "${T:=30}"\nT=${T:-300}\n', "30", None),  # already set: the second default changes nothing
        ('echo "${T:-30}"\n', None, None),  # read, never assigned
        (': "${T:=30}"\nT=300\n', "30", "T=300"),
        ('if [ -z "$X" ]; then T=1; fi\n: "${T:=30}"\n', "30", "T=1"),  # on a condition, it still overrides
        (': "${T:="30"}"\n', "30", None),  # the shell removes the quotes
        (': "${T:=30}" "$((T = 1))"\n', "30", "$((T = 1))"),  # arithmetic assigns in the shell itself
        (': "${T:=30}" "$((T++))" "$((TT += 1))"\n', "30", "$((T++))"),
        (': "${T:=30}" "$((T == 1))" "$((TT = 1))"\n', "30", None),  # a comparison, another name
        ('if [ -z "${T:-}" ]; then T=30; fi\n', "30", None),  # what `:=` does, spelled out
        ('[ -z "$T" ] && T=30\n', "30", None),
        ('if [ -n "$T" ]; then T=30; fi\n', None, "T=30"),  # set when it is given: an override
    ],
)
def test_a_default_is_what_the_shell_gives(script: str, default: str | None, override: str | None) -> None:
    from docverify.model.scripts import default_of

    found, overriding = default_of(script, "T")
    assert (found.value if found else None, overriding.text if overriding else None) == (default, override)


def test_a_port_exposed_without_protocol_is_tcp_as_docker_reads_it() -> None:
    # compose's `expose: ["8000"]` reaches the container config as "8000", beside EXPOSE's "8000/tcp".
    config = ImageConfig.load({"ExposedPorts": {"8000": {}, "8000/tcp": {}, "53/udp": {}}})
    assert config.exposed_ports == {"8000/tcp", "53/udp"}


@pytest.mark.docker
def test_an_image_is_probed_once_per_id_and_again_when_it_or_the_question_changes(
    docker_engine: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docverify.observe import files, probe

    monkeypatch.setattr(diskcache, "ROOT", tmp_path / "cache")
    tag = f"docverify-test-probe-cache:{os.getpid()}"
    ran: list[str] = []
    real = probe._run_in_image

    def counted(image: str, *rest: object) -> object:
        ran.append(image)
        return real(image, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(probe, "_run_in_image", counted)

    def build(text: str) -> None:
        (tmp_path / "f.txt").write_text(text)
        (tmp_path / "Dockerfile").write_text("FROM python:3.13-slim\nCOPY f.txt /f.txt\n")
        built = subprocess.run(
            ["docker", "build", "-q", "--network", "host", "-t", tag, str(tmp_path)],
            capture_output=True,
            text=True,
            env={**os.environ, "DOCKER_BUILDKIT": "0"},
        )
        assert built.returncode == 0, built.stderr

    def seen(*paths: str) -> str | None:
        asked = {files.FILES: files.FilesRequest(paths=paths)}
        found: files.Files = probe.observe_image(tag, asked, "the test image").get(files.FILES)
        return found.file("/f.txt").sha256

    try:
        build("one\n")
        first = seen("/f.txt")
        assert first and seen("/f.txt") == first and len(ran) == 1  # the same image, the same question: kept
        assert seen("/f.txt", "/etc") == first and len(ran) == 2  # another question: asked again
        build("two\n")
        assert seen("/f.txt") not in (None, first) and len(ran) == 3  # another image under the same tag
        assert all(image.startswith("sha256:") for image in ran)  # run by ID: what was keyed is what ran
    finally:
        subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True)


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("5s", 5.0), ("1m30s", 90.0), ("500ms", 0.5), ("1.5s", 1.5), ("1h", 3600.0), ("5", 5.0), ("0", 0.0),
     ("2800ms", 2.8), ("700ms", 0.7), ("4.1m", 246.0), ("1.1h", 3960.0), (".5s", 0.5), ("5.s", 5.0),
     ("+5s", 5.0), ("5 min", None), ("s", None), ("5sec", None), ("-5s", None), ("", None), (".s", None)],
)  # fmt: skip
def test_durations_read_as_docker_reads_them(written: str, seconds: float | None) -> None:
    from docverify.vocabulary.healthtiming import seconds as read

    assert read(written) == seconds
    assert read(written, bare=False) == (None if written == "5" else seconds)  # Docker wants a unit


@pytest.mark.parametrize(
    ("value", "flags", "rest"),
    [('--interval="5s" --retries=\'3\' CMD curl -f x', {"interval": "5s", "retries": "3"}, "CMD curl -f x"),
     ('--chown="app user:app" a b', {"chown": "app user:app"}, "a b"),
     ("--from=builder -- --odd dst", {"from": "builder"}, "--odd dst"),
     ('CMD ["curl"]', {}, 'CMD ["curl"]')],
)  # fmt: skip
def test_flags_read_as_the_builder_reads_them(value: str, flags: dict[str, str], rest: str) -> None:
    """Quotes group a flag's value and are dropped; `--` ends the flags (Docker built `--interval="5s"` to the
    image `--interval=5s` gives)."""
    from docverify.model.instruction import Instruction

    instruction = Instruction("HEALTHCHECK", value, 3, 0, Path("Dockerfile"))
    assert (instruction.flags(), instruction.rest()) == (flags, rest)


def test_a_flag_given_twice_is_an_error_naming_its_line() -> None:
    from docverify.errors import DockerfileError
    from docverify.model.instruction import Instruction

    with pytest.raises(DockerfileError, match=r"Dockerfile:7: HEALTHCHECK gives --interval twice"):
        Instruction("HEALTHCHECK", "--interval=10s --interval=5s CMD true", 7, 0, Path("Dockerfile")).flags()


def test_a_compose_value_is_cited_in_its_own_service(tmp_path: Path) -> None:
    """Two services set `timeout:`; the backend's is cited, also when compose respelled the value (2800ms, 2.8s)."""
    from docverify.model.compose import ComposeModel

    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  db:\n    healthcheck:\n      timeout: 3s\n  backend:\n    # the app\n"
                       "    healthcheck:\n      timeout: 2800ms\n")  # fmt: skip
    model = ComposeModel(compose)
    assert model.cite("timeout:", "2800ms", service="backend") == "compose.yaml:8"
    assert model.cite("timeout:", "2.8s", service="backend") == "compose.yaml:8"
    assert model.cite("timeout:", "2.8s") == "compose.yaml:1"  # without a service: the file's own fallback


@pytest.mark.parametrize(
    ("mode", "before", "after"),
    [("+x", "", "ugo"), ("+x-x", "", ""), ("+x,a-x", "ugo", ""), ("u+x,g+x,o+x", "", "ugo"), ("a=rx", "", "ugo"),
     ("755", "", "ugo"), ("0644", "ugo", ""), ("u+x", "", "u"), ("go-w", "ugo", "ugo"), ("=r", "ugo", ""),
     ("a+X", "", ""), ("a+X", "u", "ugo"), ("-x", "ugo", ""), ("+y", "ugo", "")],
)  # fmt: skip
def test_a_mode_is_applied_as_chmod_applies_it(mode: str, before: str, after: str) -> None:
    from docverify.model.chmod import chmod_words, execute_after

    assert execute_after(mode, frozenset(before)) == frozenset(after)
    assert chmod_words(["chmod", "-R", "-v", "-x", "f"]) == ("-x", ["f"]), "`-x` is a mode, `-R` an option"
    assert chmod_words(["chmod", "--reference=/", "f"]) == (None, ["f"])


@pytest.mark.parametrize(
    ("written", "expands"),
    [('"/venv/bin:$PATH"', {"PATH"}), ("'/venv/bin:$PATH'", set()), ("/venv/bin:\\$PATH", set()),
     ('"a\\$PATH"', set()), ("${PATH}:x", {"PATH"}), ("'$A'\"$B\"", {"B"})],
)  # fmt: skip
def test_the_builder_expands_what_quotes_and_escapes_leave(written: str, expands: set[str]) -> None:
    from docverify.model.instruction import expanded, raw_words

    assert expanded(written) == expands
    assert raw_words(f"A={written} B='x y'") == [f"A={written}", "B='x y'"]


def test_a_continued_line_is_one_command_and_later_lines_keep_their_numbers() -> None:
    script = "echo \"migrating\" \\\npython manage.py migrate\n# a comment \\\nnext one\necho 'a\\\nb'\nlast\n"
    found = [(c.argv, c.line) for c in shell.commands(script)]
    assert found == [
        (("echo", "migrating", "python", "manage.py", "migrate"), 1),  # what sh runs: one echo
        (("next", "one"), 4),  # a comment ends at its newline, backslash or not
        (("echo", "a\\\nb"), 5),  # inside single quotes a backslash is a backslash
        (("last",), 7),
    ]
    script = "a || exit 1\nb || true\nc || { echo x; exit 1; }\nd || { echo x; exit 0; }\n"
    guarded = {c.argv[0]: c.guarded for c in shell.commands(script)}
    # `{ echo x; exit 1; }` says why, then fails: c's failure still stops the script; `exit 0` rescues d's.
    assert guarded == {"a": False, "exit": False, "b": True, "true": False, "c": False, "echo": False, "d": True}


# --- the shell as sh runs it -----------------------------------------------------------------


def test_a_subshell_keeps_what_it_sets_and_execs_to_itself() -> None:
    script = '(set -eu)\n(exec "$@")\nset -e | cat\nset -u\n'
    assert shell.set_options(script) == {"u"}
    subshells = {c.line: c.subshell for c in shell.commands(script)}
    assert subshells == {1: True, 2: True, 3: True, 4: False}


def test_a_function_runs_its_body_where_it_is_called() -> None:
    script = "second() {\n  b\n}\nfirst() {\n  a\n}\nfirst\nsecond\n"
    ran = [(c.argv[0], c.conditional, c.call) for c in shell.commands(script)]
    # As written (conditional: a body runs only when called), then in the order the calls run them.
    assert ran == [("b", True, False), ("a", True, False), ("first", False, True), ("a", False, False),
                   ("second", False, True), ("b", False, False)]  # fmt: skip
    for recursive in ("f() { f; }\nf\n", "f() { x=$(f); }\nf\n"):  # a function calling itself: a few calls deep
        assert len(shell.commands(recursive)) < 50


@pytest.mark.parametrize(
    ("test", "argv", "problem"),
    [
        (["CMD", "pg_isready", "-U", "x"], ("pg_isready", "-U", "x"), None),
        (["CMD-SHELL", "exec pg_isready -U x"], ("pg_isready", "-U", "x"), None),
        (["CMD", "timeout", "-s", "KILL", "5", "pg_isready"], ("pg_isready",), None),
        (["CMD", "env", "PGCONNECT_TIMEOUT=2", "pg_isready"], ("pg_isready",), None),
        (["CMD", "/bin/sh", "-ec", "pg_isready -q"], ("pg_isready", "-q"), None),
        (["CMD", "bash", "-o", "pipefail", "-c", "pg_isready || exit 1"], ("pg_isready",), None),
        (["CMD", "sh", "-c", "pg_isready || true"], (), "can never fail"),
        (["CMD-SHELL", "exec true; pg_isready"], (), "can never fail"),
        (["CMD", "sh", "pg_isready"], (), "does not run pg_isready"),  # no -c: sh runs a script file
        (["CMD", "timeout", "5"], (), "does not run pg_isready"),
        (["NONE"], (), "no health check"),
        (["CMD-SHELL", "command -v pg_isready"], (), "does not run pg_isready"),  # only says where it is
        (["CMD-SHELL", "U=x; pg_isready -U $U"], ("pg_isready", "-U", "$U"), None),
        (["CMD-SHELL", "pg_isready", "ignored"], ("pg_isready",), None),  # the rest is the script's $0
    ],
)
def test_a_health_test_is_read_through_its_shell_and_wrappers(
    test: list[str], argv: tuple[str, ...], problem: str | None
) -> None:
    read = healthtest.read(test, "pg_isready", lambda found: found[0] == "pg_isready")
    assert read.argv == argv
    assert (problem is None and read.problem is None) or (problem is not None and problem in str(read.problem))


CASES = [
    'case "$1" in\n  a|b) first ;;\n  *)\n    second\n    ;;\nesac\nafter\n',
    "case $1 in (a) first;; (b) second;& esac\nafter\n",
    'case "$1" in\n  a) case "$2" in x) first ;; esac ;;\n  *) second\nesac\nafter\n',
    'case "$1"\nin\n  a) first;;\n  *) second;;\nesac\nafter\n',
]


@pytest.mark.parametrize("script", CASES)
def test_a_case_runs_each_branch_on_its_pattern_and_keeps_its_lines(script: str) -> None:
    ran = {c.argv[0]: (c.line, c.conditional) for c in shell.commands(script) if c.program != "true"}
    lines = {word: n for n, text in enumerate(script.splitlines(), start=1) for word in re.findall(r"\w+", text)}
    assert ran == {
        "first": (lines["first"], True),
        "second": (lines["second"], True),
        "after": (lines["after"], False),
    }
    assert shell.shelltree.unreadable(script) is None


@pytest.mark.parametrize(
    "script",
    [
        'case "$1" in a) x ;;\n',
        'case "$(echo ")")" in a) x ;; esac\n',
        "cat <<EOF\ncase x in\nEOF\ncase $1 in a) x;; esac\n",
    ],
)
def test_a_case_the_rewrite_cannot_follow_is_left_to_the_word_split(script: str) -> None:
    assert shell.shelltree.readable(script) == script


@pytest.mark.parametrize(
    ("script", "handled"),
    [
        ("if ! migrate; then exit 1; fi\n", False),
        ("if migrate; then :; else exit 3; fi\n", False),
        ("if migrate; then echo ok; fi\n", True),
        ("if ! migrate; then exit 0; fi\n", True),
        ("if ! migrate; then exit; fi\n", True),  # `exit` alone exits with `!`'s status, 0
        ("if prepare; ! migrate; then exit 1; fi\n", True),  # the first one's failure is not what decides
        ("if migrate; then x; elif a; then b; elif c; then d; else exit 1; fi\n", True),  # it fails into `elif a`
    ],
)
def test_an_if_handles_its_condition_unless_failing_exits(script: str, handled: bool) -> None:
    migrate = next(c for c in shell.commands(script) if c.argv == ("migrate",))
    assert not migrate.conditional
    assert (migrate.failure_ignored(frozenset("e")) is not None) is handled


@pytest.mark.parametrize(
    ("copy", "entrypoint", "found"),
    [
        ("COPY e.sh /e.sh", '["/e.sh"]', "e.sh"),
        ("COPY e.sh /e.sh", '["/usr/bin/tini", "--", "/e.sh"]', "e.sh"),  # past an init
        ("COPY e.sh /e.sh", '["dumb-init", "-r", "15:2", "sh", "/e.sh"]', "e.sh"),
        ("COPY e.sh /usr/local/bin/", '["e.sh"]', "e.sh"),  # by name, on the default PATH
        ("COPY e.sh /opt/bin/e.sh\nENV PATH=/opt/bin:$PATH", '["e.sh"]', "e.sh"),  # on the stage's PATH
        ("COPY e.sh /opt/bin/e.sh", '["e.sh"]', None),  # not on any PATH
        ("COPY e.sh /e.sh", '["/usr/bin/tini", "--", "python"]', None),
    ],
)
def test_the_entrypoint_script_is_found_past_an_init_and_on_the_path(
    tmp_path: Path, copy: str, entrypoint: str, found: str | None
) -> None:
    from docverify.model.scripts import entrypoint_script
    from docverify.model.sources import Sources

    (tmp_path / "e.sh").write_text('#!/bin/sh\nexec "$@"\n')
    (tmp_path / "docs").mkdir()
    dockerfile(tmp_path, f"FROM alpine\n{copy}\nENTRYPOINT {entrypoint}\n")
    assert entrypoint_script(Sources(config.make(tmp_path, {}))) == found


def test_the_interpreter_is_entrypoints_shell_or_the_kernels_reading_of_the_shebang(tmp_path: Path) -> None:
    from docverify.model.scripts import interpreter
    from docverify.model.sources import Sources

    def run(first: str, entrypoint: str = '["/e.sh"]') -> tuple[str, str, str | None]:
        (tmp_path / "e.sh").write_text(f"{first}\nset -e\n")
        (tmp_path / "docs").mkdir(exist_ok=True)
        dockerfile(tmp_path, f"FROM alpine\nCOPY e.sh /e.sh\nENTRYPOINT {entrypoint}\n")
        found = interpreter(Sources(config.make(tmp_path, {})), "e.sh")
        return found.program, found.options, found.problem

    assert run("#!/bin/sh") == ("sh", "", None)
    assert run("#! /bin/sh -eu") == ("sh", "-eu", None)
    assert run("#!/usr/bin/env dash") == ("dash", "", None)
    assert run("#!/bin/sh -e -u")[2] == "`-e -u` given to sh as one word, which it refuses"
    assert run("#!/usr/bin/env sh -e")[2] == "env looking for a program named `sh -e`"
    assert run("#!/bin/sh -eu", '["bash", "/e.sh"]') == ("bash", "", None)  # the `#!` line is a comment then
    assert run("set -e")[2] == "no `#!` line, the first line 'set -e'"
    # sh then reads its input (`-s`), or takes the script's path as its commands (`-c`): the lines never run.
    assert run("#!/bin/sh -s")[2] == "`-s`, with which sh never runs the script's lines"
    assert run("#!/bin/sh -ec")[2] == "`-ec`, with which sh never runs the script's lines"
    assert run("#!/bin/sh -eo")[2] == "`-eo`, which takes the script's path as an option's name"
    # GNU env's -S splits its one word: sh then gets each option as a word of its own.
    assert run("#!/usr/bin/env -S sh -eu") == ("sh", "-eu", None)
    assert run("#!/usr/bin/env -S sh -e -o pipefail") == ("sh", "-e -o pipefail", None)
    assert run("#!/usr/bin/env -S sh -s")[2] == "`-s`, with which sh never runs the script's lines"


def test_an_arg_is_in_scope_from_its_own_line_on(tmp_path: Path) -> None:
    stage = parse(dockerfile(tmp_path, """
        FROM alpine
        ENV EARLY=$NAME
        ARG NAME=late
        ENV LATE=$NAME
        EXPOSE $PORT
        ARG PORT=8000
        EXPOSE ${NAME:+9000}
    """)).final  # fmt: skip
    # Before its ARG, `$NAME` is the base image's (unknown here, so kept as written), never the ARG's.
    assert {name: value for name, (value, _) in stage.env().items()} == {"EARLY": "$NAME", "LATE": "late"}
    assert sorted(stage.exposed()) == ["$PORT/tcp", "9000/tcp"]


def test_apt_names_what_satisfy_and_build_dep_install() -> None:
    from docverify.vocabulary.common import apt_names

    def names(script: str) -> list[str]:
        return apt_names(shell.commands(script)[0])

    assert names("apt-get -y satisfy 'gcc (>= 4), make | cmake' libpq5") == ["gcc", "make", "cmake", "libpq5"]
    assert names("apt-get build-dep -y python3") == ["build-essential"]
    assert names("apt-get install -y --no-install-recommends curl") == ["curl"]


def test_each_step_on_a_line_needs_a_claim_of_its_own() -> None:
    from docverify.run.coverage import script_steps

    script = "#!/bin/sh\nf() {\n  migrate\n}\nf\nf\ncollect; rm -rf x\nmigrate || exit 1\nmigrate | cat && true\n"
    assert [n for n, _ in script_steps(script)] == [1, 3, 7, 7, 8, 9]


def test_options_read_as_getopt_reads_them() -> None:
    from docverify.model.instruction import option, option_values

    assert option(["usermod", "-o", "-u0", "appuser"], "--uid", "-u") == "0"
    assert option(["useradd", "--uid=5", "-u", "7", "x"], "--uid", "-u") == "7"  # the last one wins
    assert option(["x", "--", "-u", "9"], "-u") is None  # after `--`, operands
    assert option_values(["pip", "install", "-r", "a.txt", "-rb.txt"], "-r", "--requirement") == ["a.txt", "b.txt"]


def test_docker_hub_is_one_registry_however_it_is_named() -> None:
    for name in ("index.docker.io/python:3.13-slim", "docker.io/library/python:3.13-slim", "python:3.13-slim"):
        assert normalise_image(name) == "python:3.13-slim"
    assert normalise_image("registry-1.docker.io/bitnami/postgresql:17") == "bitnami/postgresql:17"


def test_the_report_keeps_old_claims_only_while_the_pages_hold_them(tmp_path: Path) -> None:
    from docverify.report.schema import SCHEMA
    from docverify.run.recorder import Recorder

    path = tmp_path / "report.json"
    old = [{"id": f"docs/a.md:{n}", "page": "docs/a.md", "line": n, "levels": {"static": {}}} for n in (7, 8)]
    path.write_text(json.dumps({"schema": SCHEMA, "files": {}, "claims": old}))
    recorder = Recorder(path, tmp_path, None, tree=(None, False), live={"docs/a.md:8"})
    recorder.write({})
    assert [c["id"] for c in json.loads(path.read_text())["claims"]] == ["docs/a.md:8"]


def test_a_wsgi_app_reads_alike_in_the_argv_and_on_the_page() -> None:
    from docverify.vocabulary.command import CommandArgs, _words, app_spelled

    assert app_spelled(["gunicorn", "--access-logfile", "-", "core.wsgi"])[-1] == "core.wsgi:application"
    assert app_spelled(["gunicorn", "--worker-class", "gevent", "core.wsgi"])[2:] == ["gevent", "core.wsgi:application"]
    assert _words(CommandArgs("gunicorn", ("core.wsgi",))) == (["gunicorn"], [["core.wsgi:application"]])


def test_options_read_in_a_cluster_and_install_gives_what_it_installs(tmp_path: Path) -> None:
    from docverify.model.instruction import option
    from docverify.vocabulary.permissions import chowned

    assert option(["usermod", "-aG", "root", "app"], "--groups", "-G") == "root"
    assert option(["install", "-do", "app", "/x"], "-o", "--owner") == "app"
    dockerfile = tmp_path / "Dockerfile"
    runs = ["install -o app -t /srv/data seed.json", "install -o app settings.ini /etc/myapp/", "install -do app /d"]
    dockerfile.write_text("FROM python:3.13-slim\nWORKDIR /app\n" + "".join(f"RUN {r}\n" for r in runs))
    stage = parse(dockerfile).final
    given = [chowned(stage, i, c) for i, c in stage.commands()]
    assert given == [("app", ["/srv/data/seed.json"]), ("app", ["/etc/myapp/settings.ini"]), ("app", ["/d"])]


def test_a_health_checks_output_is_shown_by_its_last_whole_lines() -> None:
    from docverify.observe.stack import _last_lines

    traceback = "Traceback (most recent call last):\n" + '  File "x.py", line 1\n' * 30 + "HTTPError: HTTP Error 404\n"
    shown = _last_lines(traceback, 120)
    assert shown.endswith("HTTPError: HTTP Error 404") and shown.startswith('File "x.py"') and len(shown) <= 120


def test_pid_1_runs_the_command_after_an_interpreter_or_behind_a_flags_first_prefix() -> None:
    from docverify.vocabulary.script import _runs_as_pid1

    cmd = ("--port", "7000")
    assert _runs_as_pid1(("/usr/bin/python", "-m", "svc", "--port", "7000"), ("python", "-m", "svc", *cmd))
    assert not _runs_as_pid1(("/usr/bin/python", "-m", "svc", "--port", "7000"), cmd)  # `-m svc` is no interpreter
    assert _runs_as_pid1(("/bin/sh", "-e", "/run.sh", "x"), ("/run.sh", "x"))  # a program by its path
    assert _runs_as_pid1(("/venv/bin/python", "/venv/bin/gunicorn", "a"), ("/venv/bin/gunicorn", "a"))
    assert _runs_as_pid1(("/usr/local/bin/python3", "app.py"), ("app.py",))


@pytest.mark.parametrize(
    ("argv", "found"),
    [
        (["gunicorn", "core.wsgi", "--check-config"], "--check-config"),
        (["/venv/bin/gunicorn", "-D", "core.wsgi"], "-D"),
        (["python", "-m", "gunicorn", "--daemon", "core.wsgi"], "--daemon"),
        (["gunicorn", "--print-config=true", "app"], "--print-config=true"),
        (["gunicorn", "core.wsgi", "--preload", "--bind", "0.0.0.0:8000"], None),
        (["uvicorn", "--daemon"], None),  # not a server docverify knows these options of
        (["sh", "-c", "echo -v"], None),
        # As gunicorn's parser reads them: cut short, clustered, after `--`, in a shell's script.
        (["gunicorn", "--daem", "app"], "--daem"),
        (["gunicorn", "--check", "app"], "--check"),
        (["gunicorn", "-Dw2", "app"], "-Dw2"),
        (["gunicorn", "-Rw2", "app"], None),  # -R, then -w with 2: nothing leaves
        (["gunicorn", "-wD", "app"], None),  # -w's value is `D`
        (["gunicorn", "app", "--", "-v"], None),
        (["gunicorn", "--timeout", "-1", "app"], None),
        (["/bin/sh", "-c", "exec gunicorn core.wsgi -D"], "-D"),
        (["/bin/sh", "-c", "gunicorn core.wsgi --bind 0.0.0.0:8000"], None),
        (["gunicorn", "--v", "app"], "--v"),  # argparse's shortest unique --version
        (["sh", "-ec", "exec gunicorn app --daemon"], "--daemon"),
        (["sh", "-o", "pipefail", "-c", "exec gunicorn app -D"], "-D"),
        (["sh", "-c", "--", "exec gunicorn app -D"], "-D"),
        (["gunicorn", "--log-level", "debug", "-n", "v", "app"], None),
    ],
)
def test_a_server_option_that_exits_or_forks_is_found(argv: list[str], found: str | None) -> None:
    from docverify.vocabulary.servers import leaves

    left = leaves(argv)
    assert (left[0] if left else None) == found
    assert left is None or left[1].startswith("gunicorn ")


@pytest.mark.parametrize(
    ("value", "found"),
    [("--daemon", "GUNICORN_CMD_ARGS=--daemon"), ("--workers 3 -D", "GUNICORN_CMD_ARGS=--workers 3 -D"),
     ("--workers 3", None), ("", None), (None, None), ("'unclosed", None)],
)  # fmt: skip
def test_gunicorn_options_from_its_environment_are_read(value: str | None, found: str | None) -> None:
    from docverify.vocabulary.servers import from_environment

    left = from_environment(value)
    assert (left[0] if left else None) == found


@pytest.mark.parametrize(
    ("argv", "program", "subcommand"),
    [
        (("exec", "nice", "-n", "5", "python", "-m", "pip", "install", "x"), "pip", ("install",)),
        (("timeout", "5", "poetry", "lock"), "poetry", ("lock",)),
        (("env", "A=1", "poetry", "lock"), "poetry", ("lock",)),
    ],
)
def test_a_command_runs_what_a_wrapper_runs(argv: tuple[str, ...], program: str, subcommand: tuple[str, ...]) -> None:
    """Every label reads a command as it runs: behind `exec`, `nice`, `timeout` or `env` it is still that tool."""
    from docverify.model.shellcommand import Command

    assert Command(argv).runs(program, *subcommand)
    assert not Command(("command", "-v", program)).runs(program)  # only says where it is


def test_gunicorn_in_the_image_is_asked_with_its_own_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The observer's program, run here against this venv's gunicorn: the working directory's gunicorn.conf.py,
    `--config`, and `GUNICORN_CMD_ARGS` are read as gunicorn reads them; a usage error is an exit, not a pass."""
    from docverify.observe import gunicorn

    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    monkeypatch.chdir(tmp_path)

    def asked(*words: str) -> gunicorn.Settings:
        return gunicorn.load(gunicorn.inside([["gunicorn", *words]], {"executable": sys.executable})).of(
            ("gunicorn", *words)
        )

    assert asked("app:wsgi") == gunicorn.Settings()
    (tmp_path / "gunicorn.conf.py").write_text("workers = 2\ndaemon = True\n")
    assert asked("app:wsgi") == gunicorn.Settings(daemon=True, config=str(tmp_path / "gunicorn.conf.py"))
    (tmp_path / "other.py").write_text("print_config = True\n")
    read = asked("--config", "other.py", "app:wsgi")
    assert (read.daemon, read.print_config, read.config) == (False, True, str(tmp_path / "other.py"))
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--check-config")
    assert asked("app:wsgi").check_config
    assert asked("--no-such-option", "app:wsgi").exits == "2"


D = "/var/lib/postgresql/data"  # the image's default


@pytest.mark.parametrize(
    ("spec", "wanted"),
    [
        ({}, (D, "image:")),
        ({"environment": {"PGDATA": "/data/pg"}}, ("/data/pg", "PGDATA")),
        ({"entrypoint": ["env", "PGDATA=/tmp/pg", "docker-entrypoint.sh"]}, ("/tmp/pg", "entrypoint:")),
        ({"entrypoint": "env -i docker-entrypoint.sh", "environment": {"PGDATA": "/x"}}, ("", "entrypoint:")),
        ({"entrypoint": ["env", "-iu", "X", "PGDATA=/y", "docker-entrypoint.sh"]}, ("/y", "entrypoint:")),
        ({"entrypoint": ["env", "docker-entrypoint.sh", "PGDATA=/late"]}, (None, "entrypoint:")),  # runs `PGDATA=…`
        ({"entrypoint": ["env", "-u", "PGDATA", "docker-entrypoint.sh"], "environment": {"PGDATA": "/x"}},
         ("", "entrypoint:")),
        ({"entrypoint": ["env", "--unset=PGDATA", "docker-entrypoint.sh"], "environment": {"PGDATA": "/x"}},
         ("", "entrypoint:")),
        ({"entrypoint": ["env", "--uns", "PGDATA", "docker-entrypoint.sh"], "environment": {"PGDATA": "/x"}},
         ("", "entrypoint:")),
        ({"entrypoint": ["env", "-u", "OTHER", "-C", "/", "docker-entrypoint.sh"], "environment": {"PGDATA": "/x"}},
         ("/x", "PGDATA")),
        ({"entrypoint": ["env", "-vu", "OTHER", "PGDATA=/y", "docker-entrypoint.sh"]}, ("/y", "entrypoint:")),
        ({"entrypoint": ["env", "-S", "PGDATA=/y docker-entrypoint.sh"]}, ("/y", "entrypoint:")),
        ({"entrypoint": ["env", "--split-string=PGDATA=/y docker-entrypoint.sh"]}, ("/y", "entrypoint:")),
        ({"command": ["postgres", "-D", "/d"]}, ("/d", "command:")),
        ({"command": ["postgres", "-D/d"]}, ("/d", "command:")),
        ({"command": ["postgres", "-FD/d"]}, ("/d", "command:")),
        ({"command": ["postgres", "-D"]}, ("", "command:")),
        ({"command": "postgres -c data_directory=/c -D /d"}, ("/c", "command:")),
        ({"command": ["-c", "data_directory=/c"]}, ("/c", "command:")),
        ({"command": ["postgres", "-c", "DATA_DIRECTORY=/c"]}, ("/c", "command:")),
        ({"command": ["postgres", "--data-directory=/c"]}, ("/c", "command:")),
        ({"command": ["postgres", "-cdata_directory=/c"]}, ("/c", "command:")),
        ({"command": ["postgres", "-c", "shared_buffers=256MB"]}, (D, "image:")),
        ({"command": ["sh", "-c", "postgres -D /d"]}, (None, "command:")),
        ({"entrypoint": ["sh", "-c", "exec docker-entrypoint.sh postgres -D /x"]}, (None, "entrypoint:")),
        ({"entrypoint": ["docker-entrypoint.sh"], "command": ["bash", "-c", "postgres"]}, (None, "command:")),
        ({"command": ["sleep", "infinity"]}, (None, "command:")),
        ({"entrypoint": ["docker-entrypoint.sh", "postgres", "-D", "/d"]}, ("/d", "entrypoint:")),
        ({"entrypoint": ["env", "PGDATA=/y", "postgres", "-D", "/d"]}, ("/d", "entrypoint:")),
        ({"entrypoint": ["tini", "--"], "command": ["postgres", "-D", "/d"]}, ("/d", "command:")),
        ({"entrypoint": ["tini", "-p", "SIGTERM", "--", "docker-entrypoint.sh"], "command": ["-D", "/d"]},
         ("/d", "command:")),
        ({"entrypoint": ["tini", "--"], "command": ["-D", "/d"]}, (None, "command:")),
        ({"entrypoint": ["dumb-init", "--rewrite", "15:2", "docker-entrypoint.sh"], "command": ["postgres"]},
         (D, "image:")),
        ({"command": ["gosu", "postgres", "postgres", "-D", "/d"]}, ("/d", "command:")),
        ({"entrypoint": ["env", "PGDATA=/y", "su-exec", "postgres", "docker-entrypoint.sh"]}, ("/y", "entrypoint:")),
        ({"command": "postgres -D '/d"}, ("'/d", "command:")),
        ({"command": 5}, (D, "image:")),
        ({"command": None, "entrypoint": None}, (D, "image:")),
        ({"image": "postgres:18-alpine"}, ("/var/lib/postgresql/18/docker", "image:")),
        ({"image": "docker.io/library/postgres:19.2"}, ("/var/lib/postgresql/19/docker", "image:")),
        ({"image": "postgres:18", "environment": {"PGDATA": "/var/lib/postgresql/data"}}, (D, "PGDATA")),
        ({"image": "postgres:17.6"}, (D, "image:")),
        ({"image": "postgres"}, (None, "image:")),
        ({"image": "postgres:latest"}, (None, "image:")),
        ({"image": "postgres:alpine", "environment": {"PGDATA": "/p"}}, ("/p", "PGDATA")),
        ({"image": "postgres:17@sha256:" + "0" * 64}, (D, "image:")),
        ({"image": "mirror.local:5000/library/postgres:16-bookworm"}, (D, "image:")),
        ({"image": "bitnami/postgresql:17"}, (None, "image:")),
        ({"image": "bitnami/postgresql:17", "command": ["postgres", "-D", "/d"]}, ("/d", "command:")),
    ],
)  # fmt: skip
def test_the_database_directory_is_where_compose_env_or_the_server_options_put_it(
    spec: dict[str, object], wanted: tuple[str | None, str]
) -> None:
    """Every spelling PostgreSQL, env and a wrapper accept; what the static level cannot know (a shell's words,
    the default of an image without a major version) is None."""
    from docverify.model.compose import Service
    from docverify.model.pgdata import data_directory

    path, _, key = data_directory(Service("db", {"image": "postgres:17", **spec}))
    assert (path, key) == wanted


@pytest.mark.parametrize(
    ("script", "wanted"),
    [
        ("for X in a b; do :; done\n", [("X=b", False)]),
        ('for X in ""; do :; done\n', [("X=", False)]),
        ("for X; do :; done\n", [('X="$@"', True)]),
        ("for X in; do :; done\n", [("X=", True)]),
        ("if true; then :; else for X in a; do :; done; fi\n", [("X=a", True)]),
    ],
)  # fmt: skip
def test_a_for_loop_assigns_its_variable_the_last_word(script: str, wanted: list[tuple[str, bool]]) -> None:
    """After the loop the variable holds its last word, as after `X=b`; no word (or "$@") may leave it as it was."""
    found = [(c.assignments[0], c.conditional) for c in shell.commands(script) if not c.argv]
    assert found == wanted


@pytest.mark.parametrize(
    ("before", "wanted"),
    [
        ("", None),
        ("ENV I=x\n", "ENV I=x over the ARG"),
        ('RUN I="" && ', "`I=` setting I first"),
        ("RUN export I=other; ", "`export I=other` setting I first"),
        ('RUN for I in ""; do :; done; ', "`I=` setting I first"),
        ("RUN unset I; ", "`unset I` changing I first"),
        ("RUN read I < /dev/null; ", "`read I` changing I first"),
        ('RUN test -n "$X" && I=x; ', "`I=x` setting I first"),  # on a condition: only sometimes the argument
        ("RUN export J=1; ", None),
        ('RUN : "${I:=http://x}" && ', "`${I:=http://x}` giving I a value of its own when it is empty"),
        ('RUN : "${I:+set}" && ', None),  # uses the value, gives none
    ],
)  # fmt: skip
def test_a_build_argument_set_over_before_its_reader(tmp_path: Path, before: str, wanted: str | None) -> None:
    from docverify.model.overrides import set_over

    run = before if before.startswith("RUN") else before + "RUN "
    text = f'FROM scratch\nARG I=""\n{run}pip config set global.index-url "$I"\n'
    (tmp_path / "Dockerfile").write_text(text)
    stage = parse(tmp_path / "Dockerfile").final
    instruction, reader = stage.running("pip", "config")[0]
    over = set_over("I", stage, instruction, reader)
    assert (over[0] if over else None) == wanted


@pytest.mark.parametrize(
    ("test", "wanted"),
    [
        ("curl -f http://x/ || exit 1", ("CMD-SHELL", "curl -f http://x/ || exit 1")),
        (["CMD", "pg_isready", "-U", "$${USER}"], ("CMD", "pg_isready", "-U", "${USER}")),
        (["NONE"], ("NONE",)),
        (None, ()),
    ],
)  # fmt: skip
def test_compose_health_test_read_as_the_image_config_holds_it(test: object, wanted: tuple[str, ...]) -> None:
    assert healthtest.compose_test(test) == wanted
    assert healthtest.disabled(test) is (wanted == ("NONE",))


def test_an_env_anywhere_before_the_run_sets_the_argument_over(tmp_path: Path) -> None:
    """ENV wins over ARG: above the ARG, or in the stage it is built FROM, as much as below it."""
    from docverify.model.overrides import set_over

    for text in ('FROM scratch\nENV I=x\nARG I=""\n', 'FROM scratch AS a\nENV I=x\nFROM a\nARG I=""\n'):
        (tmp_path / "Dockerfile").write_text(text + 'RUN pip config set global.index-url "$I"\n')
        stage = parse(tmp_path / "Dockerfile").final
        over = set_over("I", stage, *stage.running("pip", "config")[0])
        assert over is not None and over[0] == "ENV I=x over the ARG", text
    (tmp_path / "Dockerfile").write_text('FROM scratch\nARG I=""\nRUN pip config set global.index-url "${I:-y}"\n')
    stage = parse(tmp_path / "Dockerfile").final
    assert set_over("I", stage, *stage.running("pip", "config")[0]) is not None  # its own default when empty


@pytest.mark.parametrize(
    ("environment", "wanted"),
    [
        ({}, None),
        ({"POSTGRES_INITDB_ARGS": "--data-checksums"}, None),
        ({"POSTGRES_INITDB_WALDIR": "/w"}, "/w"),
        ({"POSTGRES_INITDB_ARGS": "--waldir=/a"}, "/a"),
        ({"POSTGRES_INITDB_ARGS": "--waldir /b --data-checksums"}, "/b"),
        ({"POSTGRES_INITDB_ARGS": "-X /c"}, "/c"),
        ({"POSTGRES_INITDB_ARGS": "-X/d"}, "/d"),
        ({"POSTGRES_INITDB_ARGS": "-X/d", "POSTGRES_INITDB_WALDIR": "/w"}, "/w"),  # handed to initdb after them
    ],
)  # fmt: skip
def test_the_write_ahead_log_kept_apart_is_read(environment: dict[str, str], wanted: str | None) -> None:
    from docverify.model.compose import Service
    from docverify.model.pgdata import wal_directory

    found = wal_directory(Service("db", {"image": "postgres:17", "environment": environment}))
    assert (found[0] if found else None) == wanted


V4, BOTH = frozenset({"4"}), frozenset({"4", "6"})


@pytest.mark.parametrize(
    ("url", "listens", "wanted"),
    [
        ("http://127.0.0.1:8000/health/", {"8000/tcp": V4}, None),
        ("http://localhost:8000/health/", {"8000/tcp": V4}, None),
        ("http://0.0.0.0:8000/health/", {"8000/tcp": V4}, None),
        ("http://127.1:8000/health/", {"8000/tcp": V4}, None),  # as curl (inet_aton) reads it
        ("http://127.0.0.1/health/", {"80/tcp": BOTH}, None),  # http's own port
        ("http://127.0.0.1:9999/health/", {}, None),  # nothing known: any
        ("http://127.0.0.1:${PORT:-8000}/health/", {"8000/tcp": V4}, None),  # PORT unset: the default
        ("http://backend:8000/health/", {"8000/tcp": V4}, "asks backend, not the container itself"),
        ("http://example.com/health/", {"8000/tcp": V4}, "asks example.com, not the container itself"),
        ("http://10.0.0.1:8000/health/", {"8000/tcp": V4}, "asks 10.0.0.1, not the container itself"),
        ("http://127.0.0.1:9999/health/", {"8000/tcp": V4}, "asks port 9999, where the server does not listen "
         "(8000/tcp)"),
        ("http://[::1]:8000/health/", {"8000/tcp": V4}, "asks ::1 over IPv6, but the server listens on port 8000 "
         "over IPv4"),
        ("http://[::1]:8000/health/", {"8000/tcp": BOTH}, None),
    ],
)  # fmt: skip
def test_a_health_url_asks_the_containers_own_server(
    url: str, listens: dict[str, frozenset[str]], wanted: str | None
) -> None:
    from docverify.model import listening

    assert listening.elsewhere(url, listens) == wanted
    assert listening.elsewhere("http://backend:8000/health/", {"8000/tcp": V4}, names={"backend"}) is None


def test_the_server_listens_where_the_image_exposes_or_its_command_binds() -> None:
    from docverify.model import listening

    found = listening.served({"8080/tcp", "8000/tcp"}, ["gunicorn", "--bind", "0.0.0.0:8000", "core.wsgi:application"])
    assert found == {"8080/tcp": BOTH, "8000/tcp": V4}  # a bind says more than EXPOSE: IPv4 only
    assert listening.served((), ["-b", "[::]:9000", "--timeout", "30", "10.0.0.1.5"]) == {"9000/tcp": BOTH}
    assert listening.served((), ["--bind=[::1]:9001"]) == {"9001/tcp": frozenset({"6"})}


@pytest.mark.parametrize(
    ("script", "wanted"),
    [
        ('for p in gcc make; do apt-get install "$p"; done\n', [("apt-get", "install", "gcc"),
                                                                ("apt-get", "install", "make")]),
        ("for a in x y; do for b in 1; do echo ${a}-$b $ab; done; done\n", [("echo", "x-1", "$ab"),
                                                                            ("echo", "y-1", "$ab")]),
        ('for f in $(ls); do rm "$f"; done\n', [("ls",), ("rm", "$f")]),  # words the static level cannot know
    ],
)  # fmt: skip
def test_a_loop_variable_takes_each_of_its_words(script: str, wanted: list[tuple[str, ...]]) -> None:
    assert [c.argv for c in shell.commands(script) if c.argv] == wanted


@pytest.mark.parametrize(
    ("script", "wanted"),
    [
        ('i() { apt-get install -y "$@"; }\ni gcc make\n', [("apt-get", "install", "-y", "gcc", "make")]),
        ('i() { echo "$2" "${1}" $# "$3"; }\ni a b\n', [("echo", "b", "a", "2")]),  # an unset one is no word
        ('o() { i "$@" x; }\ni() { echo "$@"; }\no a\n', [("echo", "a", "x")]),  # passed on, as sh passes them
        ('i() { echo "$@"; }\nfor p in a b; do i "$p"; done\n', [("echo", "a"), ("echo", "b")]),
        ('i() { echo "$@"; }\ni $X\n', [("echo", "$@")]),  # the call's words the static level cannot read
        ('i() { shift; echo "$@"; }\ni a b\n', [("echo", "$@")]),  # moved: not guessed
        ('i() { set -- c; echo "$1"; }\ni a\n', [("echo", "$1")]),
        ('i() { set -eo pipefail; echo "$1"; }\ni a\n', [("echo", "a")]),  # options only: they stay
    ],
)  # fmt: skip
def test_a_function_call_gives_its_body_the_call_s_words(script: str, wanted: list[tuple[str, ...]]) -> None:
    # The body as written comes first, with no words of a call: it runs only where it is called.
    ran = [c.argv for c in shell.commands(script) if c.argv[:1] in (("apt-get",), ("echo",))]
    assert ran[0][0] in ("apt-get", "echo") and not {"a", "b", "gcc"} & set(ran[0]) and ran[1:] == wanted, ran


@pytest.mark.parametrize(
    ("script", "conditional"),
    [
        ("a && exit 0 && b\n", True),  # b never runs
        ("a && exit 0; b\n", True),  # only when a failed
        ("a && exec true; b\n", True),
        ("a || exit 1; b\n", False),  # the usual guard: b runs whenever the script goes on
        ("exec >log; b\n", False),  # exec that only redirects
        ("for _ in 1 2; do a && break; b; done\n", True),  # a retry: b only when a failed
        ("for _ in 1 2; do b && break; done\n", False),  # literal words: the body runs once at least
        ("for f in $(ls); do b; done\n", True),  # words the static level cannot count: maybe none
        ("while a; do b; done\n", True),
    ],
)
def test_after_an_exit_or_an_exec_a_command_may_not_run(script: str, conditional: bool) -> None:
    assert next(c for c in shell.commands(script) if c.argv[:1] == ("b",)).conditional is conditional


def test_a_port_range_is_each_of_its_ports(tmp_path: Path) -> None:
    stage = parse(dockerfile(tmp_path, "FROM alpine\nEXPOSE 8000-8000 53-54/udp 9000-1\n")).final
    assert set(stage.exposed()) == {"8000/tcp", "53/udp", "54/udp", "9000-1/tcp"}  # a backward range, as written


@pytest.mark.parametrize(
    ("before", "wanted"),
    [
        ("RUN export PIP_DRY_RUN=1 && ", "`export PIP_DRY_RUN=1` setting PIP_DRY_RUN first"),
        ("ENV PIP_TARGET=/x\nRUN ", "ENV PIP_TARGET=/x"),
        ("RUN PIP_PREFIX=/x ", "`PIP_PREFIX=/x`"),  # the install's own environment
        ("RUN export PIP_NO_CACHE_DIR=1 && ", None),  # where it installs stays the venv
    ],
)
def test_pip_s_environment_may_send_an_install_elsewhere(tmp_path: Path, before: str, wanted: str | None) -> None:
    from docverify.packs.pipenv import diverted

    stage = parse(dockerfile(tmp_path, f"FROM python\n{before}pip --python /v/bin/python install -r r.txt\n")).final
    assert diverted(stage, *stage.running("pip", "install")[0]) == wanted


@pytest.mark.parametrize(
    ("key", "value", "held"),
    [
        ("DB_USER", "backend", True),  # the whole value, under a key naming a user
        ("PGUSER", "backend", True),
        ("PGAPPNAME", "backend", False),  # an application's name that happens to be the user's
        ("URL", "postgres://backend:pw@db:5432/x", True),  # the URL's user
        ("URL", "postgres://u:pw@db:5432/backend", True),  # its database
        ("URL", "postgres://u:pw@db:5432/x?user=backend", True),  # libpq reads the query too
        ("URL", "postgres://back%65nd:pw@db:5432/x", True),  # percent-escapes are the same user
        ("DSN", "host=db user=backend", True),  # a libpq keyword
        ("LOG_DIR", "/app/logs/backend", False),  # a path with the word in it
        ("URL", "postgres://u:pw@backend-db:5432/x", False),  # a host's name
    ],
)
def test_a_credential_s_default_is_held_only_where_a_credential_goes(key: str, value: str, held: bool) -> None:
    from docverify.vocabulary.credentials import _holds

    assert _holds(key, value, "POSTGRES_USER", "backend") is held


def test_a_secret_s_default_is_held_under_any_key() -> None:
    from docverify.vocabulary.credentials import _holds

    assert _holds("GREETING", "backend-dev-password", "POSTGRES_PASSWORD", "backend-dev-password")


def test_a_label_s_value_is_what_the_builder_stores_args_expanded(tmp_path: Path) -> None:
    from docverify.vocabulary.metadata import label_values

    text = 'ARG V=1\nFROM alpine\nARG V\nARG APP_VERSION=dev\nLABEL version="${APP_VERSION}" kept=\\$V v=$V\n'
    dockerfile(tmp_path, text)
    found = {name: value for name, (value, _) in label_values(parse(tmp_path / "Dockerfile").final).items()}
    assert found == {"version": "dev", "kept": "$V", "v": "1"}, found


def test_an_arg_only_a_label_reads_is_the_label_s_to_say(tmp_path: Path) -> None:
    """Suggest writes no Build Argument claim for it (no RUN hands it on); the label's claim cites the ARG."""
    from docverify.model.sources import Sources
    from docverify.vocabulary.stage import _arguments

    (tmp_path / "docs").mkdir()
    dockerfile(tmp_path, 'FROM alpine\nARG V=dev\nLABEL version="${V}"\nARG INDEX=""\nRUN echo "$INDEX"\n')
    assert [args.name for _, args in _arguments(Sources(config.make(tmp_path, {})))] == ["INDEX"]


def test_in_a_work_tree_what_git_lists_is_what_the_repository_holds(tmp_path: Path) -> None:
    """A file git tracks though a .gitignore names it is held; .git itself never is; what git ignores is not."""
    for name in ("app/a.py", "app/health/v.py", "app/logs/x.log"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / ".gitignore").write_text("logs/\n")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    (tmp_path / "app/.gitignore").write_text("health/\n")  # after the add: git still tracks health/v.py
    (tmp_path / ".dockerignore").write_text(".git\napp/health/\napp/logs/\n")
    ignore = GitIgnore(tmp_path)
    assert Context(tmp_path).left_out("app", ignore) == [("app/health/v.py", 2)]
    assert Context(tmp_path).left_out(".", GitIgnore(tmp_path)) == [("app/health/v.py", 2)]  # no .git/HEAD


def test_a_gitignore_line_git_cannot_read_matches_nothing(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/a.py").write_text("x")
    (tmp_path / ".gitignore").write_text("!\n*.sw[z-a]\nfoo\\\n*.py\n")
    assert GitIgnore(tmp_path).ignored("app/a.py") and not GitIgnore(tmp_path).ignored("app/b.txt")


def test_a_process_the_host_could_not_start_is_started_again_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docker.time, "sleep", lambda _: None)
    tries: list[int] = []

    def start(failing: int, code: int) -> str:
        tries.append(code)
        if len(tries) <= failing:
            raise OSError(code, os.strerror(code), "/bin/sh")
        return "ran"

    assert docker.spawning(lambda: start(1, errno.EFAULT)) == "ran" and len(tries) == 2
    tries.clear()
    with pytest.raises(OSError, match="Bad address"):  # twice is the host's fault, said as it is
        docker.spawning(lambda: start(2, errno.EFAULT))
    tries.clear()
    with pytest.raises(FileNotFoundError):  # a missing program is no passing refusal: not tried again
        docker.spawning(lambda: start(1, errno.ENOENT))
    assert len(tries) == 1


def test_the_logger_registry_is_iterated_as_a_copy_while_a_thread_may_add_to_it() -> None:
    """pytest iterates the registry unlocked on entering each phase; the plugin's background threads may register a
    logger meanwhile. Under the plugin, adding during that iteration changes nothing being iterated."""
    import logging

    registry = logging.Logger.manager.loggerDict
    assert type(registry) is not dict, "the plugin did not install its registry"
    for number, _ in enumerate(registry.values()):
        if number == 0:
            logging.getLogger("docverify-test-added-while-iterating")
    assert "docverify-test-added-while-iterating" in registry
