"""Bad input gets a clear error that names the place, never a silent pass."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_mutations import COPIED

from docverify.errors import BuildFailed, ClaimUnreadable
from docverify.model.dockerfile import DockerfileError, parse
from docverify.observe import docker
from docverify.read import items
from docverify.run import mutations
from docverify.vocabulary.registry import Registry

PAGE = "docs/backend/django/deploy/docker/Dockerfile.md"


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip())
    return path


@pytest.mark.parametrize(
    "dockerfile, message",
    [
        ("FROM python:3.13-slim\nWORKDIR /app\nFORM python\n", "Dockerfile:3: unknown instruction 'FORM'"),
        ("WORKDIR /app\nFROM python:3.13-slim\n", "Dockerfile:1: WORKDIR before the first FROM"),
        ("FROM python:3.13-slim AS\n", "Dockerfile:1: FROM must read `FROM image [AS name]`"),
        ("FROM python:3.13-slim\nRUN echo \\\n", "Dockerfile:2: line continuation at end of file"),
        ("# only a comment\n", "Dockerfile: no FROM instruction"),
        ('FROM python:3.13-slim\nENTRYPOINT ["/entrypoint.sh"\n', "Dockerfile:2: ENTRYPOINT has malformed JSON"),
        ("ARG IMAGE\nFROM ${IMAGE}\n", "Dockerfile:2: FROM ${IMAGE} names an ARG with no value"),
        ("FROM python:3.13-slim\nRUN <<EOF\necho hi\nEOF\n", "Dockerfile:2: a heredoc (`<<EOF`) is BuildKit-only"),
        ("FROM python:3.13-slim\nCOPY --chmod=755 a /a\n", "Dockerfile:2: `COPY --chmod=755` is BuildKit-only"),
        ("FROM python:3.13-slim\nRUN --mount=type=cache,target=/c pip -V\n", "Dockerfile:2: `RUN --mount=type=cache"),
    ],
)
def test_malformed_dockerfile_names_the_line(tmp_path: Path, dockerfile: str, message: str) -> None:
    path = write(tmp_path / "Dockerfile", dockerfile)
    with pytest.raises(DockerfileError) as error:
        parse(path)
    assert message in str(error.value)


def run_doc_suite(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real doc suite (pytest + the docverify plugin) on a copy of the repository."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(root),
            "-c",
            str(root / "pyproject.toml"),
            "-o",
            f"docverify_report={root / 'report.json'}",
            *args,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The repository with its test suite, to break and run."""
    root = mutations.copy_repository(Path(__file__).resolve().parents[1], tmp_path, COPIED)
    shutil.copytree(Path(__file__).parent, root / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.fixture(scope="session")
def registry(docverify: object) -> Registry:
    return docverify.registry  # type: ignore[attr-defined, no-any-return]


def test_a_missing_stage_fails_the_claims_that_describe_it(repo_copy: Path, registry: Registry) -> None:
    dockerfile = repo_copy / "Dockerfile"
    text = dockerfile.read_text()
    dockerfile.write_text(text[: text.index("# --8<-- [start:runtime]")])
    failures = mutations.static_failures(repo_copy, registry)
    message = failures["Runtime/Base Image"][0]
    assert "Dockerfile.md:" in message and "describe stage 2 (Runtime), but the Dockerfile has 1 stage(s)" in message


def test_a_stage_heading_must_match_by_name_too(repo_copy: Path, registry: Registry) -> None:
    page = repo_copy / PAGE
    page.write_text(page.read_text().replace("## Stage 2: Runtime", "## Stage 2: Builder"))
    failures = mutations.static_failures(repo_copy, registry)
    assert any(
        "stage 2 is named 'runtime', but the docs call it 'Builder'" in m for ms in failures.values() for m in ms
    )


def test_a_malformed_dockerfile_fails_the_doc_checks_with_its_line(repo_copy: Path) -> None:
    dockerfile = repo_copy / "Dockerfile"
    text = dockerfile.read_text()
    line = text[: text.index("WORKDIR /app\n")].count("\n") + 1
    dockerfile.write_text(text.replace("WORKDIR /app\n", "WROKDIR /app\n", 1))
    result = run_doc_suite(repo_copy, "docs", "-m", "not docker", "-k", "static:")
    assert result.returncode != 0
    first = items.read(Path(PAGE), (repo_copy / PAGE).read_text()).items[0]
    assert (
        f"Dockerfile.md:{first.line} {first.label}: cannot read the file it describes: "
        f"Dockerfile:{line}: unknown instruction 'WROKDIR'"
    ) in result.stdout, result.stdout[-3000:]
    assert "Traceback" not in result.stdout


def test_every_unreadable_claim_of_every_page_fails_on_its_own_and_the_rest_still_run(repo_copy: Path) -> None:
    page = repo_copy / PAGE
    lines = page.read_text().splitlines(keepends=True)
    lines.insert(9, "*   **Colour:** `blue`\n")
    page.write_text("".join(lines).replace("Switches to `appuser`.", "Changes to `appuser`."))
    security = repo_copy / "docs/backend/django/deploy/docker/security.md"
    security.write_text(security.read_text().replace("never as `root`", "not as `root`"))
    result = run_doc_suite(repo_copy, "docs", "-m", "not docker")
    assert result.returncode != 0
    out = result.stdout
    assert f"{PAGE}:10: no label **Colour:** in the vocabulary" in out, out[-3000:]
    assert "**User** cannot read 'Changes to `appuser`.'; the closest form it reads is `Switches to" in out
    assert "security.md:11: **Non-root** cannot read" in out
    assert "3 failed" in out.splitlines()[-1] and "Traceback" not in out
    base = next(i.line for i in items.read(Path(PAGE), page.read_text()).items if i.label == "Base Image")
    alone = run_doc_suite(repo_copy, f"{PAGE}::static:L{base}:Base-Image").stdout
    assert "1 passed" in alone.splitlines()[-1], alone[-2000:]


def test_a_rendered_claim_the_reader_misses_is_an_error(repo_copy: Path) -> None:
    """A quoted list right under a claim renders inside that claim's item: its label must not pass unread."""
    page = repo_copy / PAGE
    text = page.read_text()
    line = text[: text.index("*   **Port:** Exposes")].count("\n") + 1
    page.write_text(text.replace("*   **Port:** Exposes `8000`.", "> *   **Port:** Exposes `8000`."))
    result = run_doc_suite(repo_copy, "docs", "-m", "not docker")
    assert result.returncode != 0
    assert f"{PAGE}:{line}: **Port:** is nested; claims with a label are top-level items" in result.stdout


def test_other_list_markers_and_bold_spellings_are_read() -> None:
    text = "## Stage 1: Builder\n\n+   **Base Image:** `a`\n-   __Working Directory:__ `/app`\n"
    found = items.read(Path("page.md"), text).items
    assert [(i.label, i.values) for i in found] == [("Base Image", ("a",)), ("Working Directory", ("/app",))]


def test_a_claim_without_a_value_is_an_error(registry: Registry) -> None:
    text = "## Stage 1: Builder\n\n*   **Base Image:** the slim one\n*   **Dependencies:**\n"
    found = items.read(Path("page.md"), text)
    assert [str(p) for p in found.problems] == ["page.md:4: **Dependencies:** has neither values nor nested claims"]
    with pytest.raises(ClaimUnreadable, match=r"page.md:3: \*\*Base Image\*\* cannot read 'the slim one'"):
        registry.read(found.items[0])


def test_a_mislabelled_claim_is_an_error() -> None:
    problems = items.read(Path("page.md"), "*   **Base Image**: `python:3.13-slim`\n").problems
    assert [str(p) for p in problems] == ["page.md:1: write a claim label as **Label:** (colon inside the bold)"]


def test_a_value_no_check_reads_is_an_error(repo_copy: Path, registry: Registry) -> None:
    page = repo_copy / PAGE
    page.write_text(page.read_text().replace("UID `1000` for security", "UID `1000` and a shell `5` for security"))
    failures = mutations.static_failures(repo_copy, registry)
    message = failures["Runtime/User Setup"][0]  # an unreadable item counts against the claim it would be
    assert f"{PAGE}:" in message and "**User Setup** cannot read" in message and "a shell `5`" in message, failures


def test_docker_down_skips_with_one_reason_and_fails_under_ci(repo_copy: Path) -> None:
    unreachable = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    line = next(i.line for i in items.read(Path(PAGE), (repo_copy / PAGE).read_text()).items if i.label == "Base Image")
    static, image = f"{PAGE}::static:L{line}:Base-Image", f"{PAGE}::image:L{line}:Base-Image"
    skipped = run_doc_suite(repo_copy, static, image, "-rs", env={**unreachable, "CI": "false"})
    assert skipped.returncode == 0, skipped.stdout[-2000:]
    assert "1 passed, 1 skipped" in skipped.stdout
    assert "Docker-backed check skipped: the Docker engine is unreachable" in skipped.stdout
    failed = run_doc_suite(repo_copy, image, env={**unreachable, "CI": "true"})
    assert failed.returncode != 0
    assert "CI=true and the Docker engine is unreachable" in failed.stdout, failed.stdout[-2000:]


@pytest.mark.docker
def test_a_failed_build_shows_the_step_and_the_log_tail(docker_engine: None, tmp_path: Path) -> None:
    marker = f"about to fail {tmp_path.name}"
    write(
        tmp_path / "Dockerfile",
        f"""
        FROM python:3.13-slim
        RUN echo "{marker}" && false
    """,
    )
    lines: list[str] = []
    with pytest.raises(BuildFailed) as error:
        docker.build("backend-django-docs:broken", tmp_path, lines.append, dockerfile=tmp_path / "Dockerfile")
    message = str(error.value)
    assert f'Step 2/2 : RUN echo "{marker}" && false' in message
    assert marker in message.split("last")[1]
    assert "exit 1" in message or "returned a non-zero code" in message
    assert any("Step 2/2" in line for line in lines), "progress lines reach the reporter"
    left = subprocess.run(
        ["docker", "ps", "--all", "--no-trunc", "--format", "{{.Command}}"], capture_output=True, text=True, check=True
    )
    assert marker not in left.stdout, "the failed step's container is removed"


@pytest.mark.docker
def test_a_buildkit_only_step_says_the_image_level_builds_without_buildkit(docker_engine: None, tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", "FROM python:3.13-slim\nCOPY --chmod=755 run.sh /run.sh\n")
    write(tmp_path / "run.sh", "#!/bin/sh\n")
    with pytest.raises(BuildFailed) as error:
        docker.build("backend-django-docs:buildkit", tmp_path, lambda line: None, dockerfile=tmp_path / "Dockerfile")
    message = str(error.value)
    assert "Step 2/2 : COPY --chmod=755 run.sh /run.sh" in message, message
    assert "the step needs BuildKit, and docverify builds with the classic builder (`DOCKER_BUILDKIT=0`" in message


def small_project(root: Path, dockerfile: str, page: str, files: dict[str, str] | None = None) -> Path:
    """A project of one Dockerfile and one page, configured for docverify alone."""
    (root / "docs").mkdir(parents=True)
    write(root / "Dockerfile", dockerfile)
    write(root / "docs" / "image.md", page)
    for name, text in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        write(root / name, text)
    prefix = f"docverify-bad-{root.name.lower()[-12:].strip('-_')}"
    (root / "pyproject.toml").write_text(f'[tool.docverify]\ndocs = "docs"\ncompose = ""\nimage_prefix = "{prefix}"\n')
    return root


def run_small(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:django", "-q", "--rootdir", str(root),
         "-c", str(root / "pyproject.toml"), "docs"],
        cwd=root, capture_output=True, text=True, timeout=600, env={**os.environ, "CI": "true"},
    )  # fmt: skip


@pytest.mark.docker
def test_a_stage_working_in_the_root_folder_is_observed_without_a_crash(docker_engine: None, tmp_path: Path) -> None:
    root = small_project(
        tmp_path / "rootdir",
        """
        FROM python:3.13-slim
        WORKDIR /
        COPY note.txt /note.txt
        """,
        """
        # Image

        *   **Working Directory:** `/`
        *   **Files:**
            *   Copies `note.txt` to `/note.txt`.
        """,
        {"note.txt": "hello\n"},
    )
    result = run_small(root)
    assert result.returncode == 0 and "Traceback" not in result.stdout, result.stdout[-3000:]
    assert "image:L" not in result.stdout and "passed" in result.stdout.splitlines()[-1]


@pytest.mark.docker
def test_an_image_without_python_or_a_shell_is_a_clear_failure(docker_engine: None, tmp_path: Path) -> None:
    root = small_project(
        tmp_path / "noshell",
        """
        FROM python:3.13-slim AS source
        FROM scratch
        COPY --from=source /etc/passwd /etc/passwd
        USER nobody
        """,
        """
        # Image

        ## Stage 2: Final

        *   **User:** Switches to `nobody`.
        *   **Base Image:** `scratch`.
        *   **Image Config:** Differs from the base image only in `User`.
        """,
    )
    result = run_small(root)
    out = result.stdout
    assert result.returncode != 0 and "Traceback" not in out, out[-3000:]
    assert "docs/image.md:5 User: " in out and "has no Python interpreter" in out, out[-3000:]
    # scratch is an image of no layers and an empty config: the claims comparing with it are proven.
    assert "1 failed, 5 passed" in out.splitlines()[-1], out[-3000:]


def test_a_false_copy_claim_fails_alone_and_the_image_level_is_still_planned(repo_copy: Path) -> None:
    """A claim whose needs cannot be worked out (its COPY is not there) fails on its own line; it does not
    stop the plan every other image-level claim waits on."""
    from docverify.config import from_pyproject
    from docverify.run import vocab
    from docverify.run.walk import Walk

    page = repo_copy / PAGE
    said = "Copies the `entrypoint.sh` script to `/entrypoint.sh`."
    page.write_text(page.read_text().replace(said, said.replace("`/entrypoint.sh`", "`/usr/local/bin/entrypoint.sh`")))
    settings = from_pyproject(repo_copy)
    walk = Walk(settings, vocab.build(settings.packs, settings.vocabularies))
    plan = walk.plan("image")
    observers = {o.name for wanted in plan.wanted.values() for o in wanted}
    assert {"files", "packages"} <= observers, observers
    failures = mutations.static_failures(repo_copy, walk.registry)
    assert any("/usr/local/bin/entrypoint.sh" in m for m in failures["Runtime/Copy Artifacts Copies"]), failures


def mini_project(root: Path, table: str) -> Path:
    """A project of one page and one claim, with `table` as its [tool.docverify]."""
    (root / "docs").mkdir(parents=True)
    write(root / "docs" / "index.md", "# Image\n\n## Stage 1\n\n*   **User:** Runs as `root`.\n")
    write(root / "Dockerfile", "FROM python:3.13-slim\n")
    write(root / "pyproject.toml", "[tool.docverify]\n" + table)
    return root


def test_a_missing_dockerfile_fails_each_claim_in_one_line(tmp_path: Path) -> None:
    root = mini_project(tmp_path / "p", 'docs = "docs"\ndockerfile = "Dockerfile.prod"\ncompose = ""\n')
    result = run_doc_suite(root, "docs", "-m", "not docker", "-p", "no:django")
    assert result.returncode == 1, result.stdout[-2000:]
    assert (
        "docs/index.md:5 User: cannot read the file it describes: Dockerfile.prod: no such file (the `dockerfile` "
        "that [tool.docverify] names)"
    ) in result.stdout, result.stdout[-3000:]
    assert "Traceback" not in result.stdout and "FileNotFoundError" not in result.stdout


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            "--interval=0s",
            "--interval=0s, which Docker 20.10's builder refuses and later builders read as the default (30 s)",
        ),
        ("--retries=0", "--retries=0, which Docker 20.10's builder refuses and later builders read as the default (3)"),
        ("--timeout=500us", "--timeout=500us, which Docker's builder refuses (less than 1ms)"),
    ],
)
def test_a_health_timing_builders_read_apart_is_a_clear_failure(tmp_path: Path, option: str, message: str) -> None:
    """A zero means "the default" to later builders and fails Docker 20.10's build: the page cannot state it."""
    root = mini_project(tmp_path / "p", 'docs = "docs"\ncompose = ""\n')
    claim = "Checks every `30s`, gives each check `30s`, and turns unhealthy after `3` failures in a row."
    write(root / "docs" / "index.md", f"# Image\n\n## Stage 1\n\n*   **Health Timing:** {claim}\n")
    write(root / "Dockerfile", f"FROM python:3.13-slim\nHEALTHCHECK {option} CMD true\n")
    result = run_doc_suite(root, "docs", "-m", "not docker", "-p", "no:django")
    assert result.returncode == 1, result.stdout[-2000:]
    assert (
        "docs/index.md:5 Health Timing: docs say interval 30 s, timeout 30 s, retries 3; Dockerfile:2 " in result.stdout
    )
    assert message in result.stdout and "Traceback" not in result.stdout, result.stdout[-3000:]


STAGED = (
    "FROM python:3.13-slim AS runtime\nHEALTHCHECK --interval=5s CMD true\nFROM runtime AS test\nHEALTHCHECK NONE\n"
)


@pytest.mark.parametrize(
    ("compose", "message"),
    [
        ("", None),  # the stage compose builds, not the last: its own health check
        ("      healthcheck:\n        interval: 9s\n", "docs say interval 5 s; compose.yaml:7 has interval: 9s"),
        ("", "docs say interval 5 s; compose.yaml:5 has target: nope, a stage the Dockerfile does not have"),
    ],
)
def test_health_timing_reads_the_stage_compose_builds(tmp_path: Path, compose: str, message: str | None) -> None:
    root = mini_project(tmp_path / "p", 'docs = "docs"\n')
    write(root / "docs" / "index.md", "# Image\n\n## Stage 1: runtime\n\n*   **Health Timing:** Checks every `5s`.\n")
    write(root / "Dockerfile", STAGED)
    target = "nope" if message and "nope" in message else "runtime"
    text = f"services:\n  app:\n    build:\n      context: .\n      target: {target}\n{compose}"
    (root / "compose.yaml").write_text(
        text.replace("      healthcheck", "    healthcheck").replace("        interval", "      interval")
    )
    result = run_doc_suite(root, "docs", "-m", "not docker", "-p", "no:django")
    if message is None:
        assert result.returncode == 0, result.stdout[-3000:]
    else:
        assert result.returncode == 1 and f"docs/index.md:5 Health Timing: {message}" in result.stdout, result.stdout[
            -3000:
        ]


def test_a_misspelt_setting_is_a_usage_error_naming_the_key_it_resembles(tmp_path: Path) -> None:
    root = mini_project(tmp_path / "p", 'docs = "docs"\nimage_prefx = "mine"\n')
    result = run_doc_suite(root, "docs", "-m", "not docker", "-p", "no:django")
    assert result.returncode == 4, result.stdout + result.stderr
    assert "unknown key(s) image_prefx (did you mean image_prefix?)" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("extension", "message"),
    [
        ("  - markdown_nonexistent_ext\n", "markdown_extensions markdown_nonexistent_ext cannot be loaded here"),
        ("  - pymdownx.emoji:\n      emoji_index: !!python/name:material.nope.twemoji\n",
         "`!!python/name:material.nope.twemoji` cannot be imported here (No module named 'material.nope')"),
        ("  - admonition\n  - [\n", "mkdocs.yml cannot be read as YAML"),
    ],
)  # fmt: skip
def test_a_site_config_the_reader_cannot_load_is_one_usage_error(tmp_path: Path, extension: str, message: str) -> None:
    root = mini_project(tmp_path / "p", 'docs = "docs"\ncompose = ""\n')
    write(root / "mkdocs.yml", "site_name: t\nmarkdown_extensions:\n" + extension)
    result = run_doc_suite(root, "docs", "-m", "not docker", "-p", "no:django")
    assert result.returncode == 4, result.stdout[-2000:] + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr + result.stdout, result.stderr


def test_material_s_emoji_functions_are_imported_as_mkdocs_imports_them(tmp_path: Path) -> None:
    root = mini_project(tmp_path / "p", 'docs = "docs"\ncompose = ""\n')
    write(root / "mkdocs.yml", "site_name: t\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
          "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
          "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n")  # fmt: skip
    result = run_doc_suite(root, "docs", "-m", "static", "-p", "no:django")
    # The page is read (its one claim is checked, and fails: the mini project has no USER); nothing crashed.
    assert "docs/index.md:5 User: docs say USER root" in result.stdout, result.stdout[-2000:] + result.stderr
    assert "Traceback" not in result.stdout + result.stderr and "1 failed" in result.stdout, result.stdout[-2000:]


def test_a_service_compose_does_not_have_is_named_in_every_claim_that_reads_it(repo_copy: Path) -> None:
    pyproject = repo_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('service = "backend"', 'service = "web"'))
    result = run_doc_suite(repo_copy, "docs", "-m", "not docker", "-p", "no:django")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out[-3000:]
    said = "compose.yaml has no service 'web' (the `service` that [tool.docverify] names); its services: backend, db"
    assert out.count(said) >= 10 and "KeyError" not in out and "Traceback" not in out, out[-3000:]


def test_a_missing_embedded_file_is_named_at_its_line_without_check_paths(tmp_path: Path) -> None:
    """The site's snippets settings leave `check_paths` off (a missing file renders as an empty block);
    the reader still names the file at the include's line."""
    root = mini_project(tmp_path / "p", 'docs = "docs"\ncompose = ""\n')
    write(root / "mkdocs.yml", "site_name: p\nmarkdown_extensions:\n  - pymdownx.snippets\n")
    with (root / "docs" / "index.md").open("a") as page:
        page.write('\n```sh\n--8<-- "no-such-script.sh"\n```\n')
    result = run_doc_suite(root, "docs", "-m", "not docker", "-p", "no:django")
    assert result.returncode == 1, result.stdout[-2000:]
    assert (
        "docs/index.md:8: the snippet cannot be included: Snippet at path 'no-such-script.sh' could not be found"
    ) in result.stdout, result.stdout[-3000:]
    assert "outside any claim" not in result.stdout, "one error for one missing file"


def test_a_run_line_no_shell_can_read_is_an_error_naming_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "Dockerfile", "FROM python:3.13-slim\nRUN if chmod +x /entrypoint.sh; fi\n")
    stage = parse(path).final
    with pytest.raises(DockerfileError) as error:
        stage.commands()
    assert "Dockerfile:2: RUN is no valid shell: line 1: syntax error near unexpected token `fi'" in str(error.value)
    # What bashlex cannot read but a shell can still reads, by its words (`case`); an arithmetic expansion is
    # read as the number it is.
    write(path, 'FROM python:3.13-slim\nRUN case "$X" in *) true ;; esac && chmod +x /entrypoint.sh\n')
    assert [c.argv[0] for _, c in parse(path).final.commands()][-1] == "chmod"
    write(path, "FROM python:3.13-slim\nRUN n=$((1 + 2)) && chmod +x /entrypoint.sh\n")
    assert [(c.argv, c.assignments) for _, c in parse(path).final.commands()] == [
        ((), ("n=0000000000",)),
        (("chmod", "+x", "/entrypoint.sh"), ()),
    ]


def test_option_and_port_failures_read_as_the_files_write_them(repo_copy: Path, registry: Registry) -> None:
    script = repo_copy / "entrypoint.sh"
    script.write_text(script.read_text().replace("set -eu\n", "set -e\n", 1))
    compose = repo_copy / "compose.yaml"
    compose.write_text(compose.read_text().replace('"127.0.0.1:${BACKEND_PORT:-8000}:8000"', '"8000:8000"'))
    failures = mutations.static_failures(repo_copy, registry)
    shell = next(m for ms in failures.values() for m in ms if " Shell: " in m)
    line = script.read_text().splitlines().index("set -e") + 1
    assert f"docs say `set -eu` in effect; entrypoint.sh:{line} has `set -e`" in shell, shell
    port = next(m for ms in failures.values() for m in ms if " Published Port: " in m)
    assert "has 8000 -> 8000" in port and "(compose.yaml:" in port, port


def test_an_entrypoint_path_spelt_another_way_is_the_same_script(repo_copy: Path, registry: Registry) -> None:
    dockerfile = repo_copy / "Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace('ENTRYPOINT ["/entrypoint.sh"]', 'ENTRYPOINT ["/./entrypoint.sh"]')
    )
    assert "/./entrypoint.sh" in dockerfile.read_text()
    assert mutations.static_failures(repo_copy, registry) == {}


@pytest.mark.parametrize(
    "page, old, new",
    [
        (PAGE, "Switches to `appuser`.", "Switches to the `appuser` user."),
        ("docs/backend/django/deploy/compose.md", "`127.0.0.1:8000` → container", "`127.0.0.1:8000` -> container"),
        ("docs/backend/django/deploy/docker/entrypoint.md", "(default `30` seconds)", "(`30` seconds by default)"),
    ],
)
def test_a_sentence_reworded_the_way_a_writer_would_still_reads(
    repo_copy: Path, registry: Registry, page: str, old: str, new: str
) -> None:
    path = repo_copy / page
    assert path.read_text().count(old) == 1, old
    path.write_text(path.read_text().replace(old, new))
    assert mutations.static_failures(repo_copy, registry) == {}


def test_an_entrypoint_no_shell_can_read_fails_its_claims_naming_the_line(repo_copy: Path, registry: Registry) -> None:
    script = repo_copy / "entrypoint.sh"
    script.write_text(script.read_text().replace('exec "$@"', 'exec "$@', 1))
    failures = [m for ms in mutations.static_failures(repo_copy, registry).values() for m in ms]
    broken = [m for m in failures if "cannot read the file it describes: entrypoint.sh:" in m]
    assert broken and "unexpected EOF while looking for matching" in broken[0], failures
    assert not [m for m in failures if "Shell: docs say" in m], "each claim names the unreadable script, not a fault"


@pytest.mark.parametrize(
    "old, new, said",
    [
        ("pip config --global set", "pip config --site set", "pip config --site is read by the interpreter that set"),
        ('global.index-url "$PACKAGE_INDEX_URL"', "global.index-url '$PACKAGE_INDEX_URL'", "no index-url configured"),
        (
            'if [ -n "$PACKAGE_INDEX_URL" ]; then \\\n        pip config',
            'if [ -n "$PACKAGE_INDEX_URLS" ]; then \\\n        pip config',
            "which tests no $PACKAGE_INDEX_URL",
        ),
        (
            'if [ -n "$PACKAGE_INDEX_URL" ]; then \\\n        poetry source',
            'if [ -n "$PACKAGE_INDEX" ]; then \\\n        poetry source',
            "which tests no $PACKAGE_INDEX_URL",
        ),
    ],
)
def test_an_index_pip_or_poetry_would_never_use_fails_the_build_argument(
    repo_copy: Path, registry: Registry, old: str, new: str, said: str
) -> None:
    """The base image here already points pip at the index the suite builds with, so only the files can tell."""
    dockerfile = repo_copy / "Dockerfile"
    assert dockerfile.read_text().count(old) == 1, old
    dockerfile.write_text(dockerfile.read_text().replace(old, new))
    failures = mutations.static_failures(repo_copy, registry)
    assert said in " ".join(failures.get("Builder/Build Argument", [])), failures


def test_an_index_given_to_pip_for_its_user_is_still_given(repo_copy: Path, registry: Registry) -> None:
    dockerfile = repo_copy / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("pip config --global set", "pip config --user set"))
    assert mutations.static_failures(repo_copy, registry) == {}


@pytest.mark.parametrize(
    "new, said",
    [
        ('--timeout "$DB_WAIT_TIMEOUT" --interval 2', None),
        ('--timeout="$DB_WAIT_TIMEOUT"', None),
        ('--timeout "$DB_WAIT_TIMEOUT" --timeout 999', "--timeout DB_WAIT_TIMEOUT overridden by a later --timeout 999"),
        ("--timeout 30", "not bounded by DB_WAIT_TIMEOUT alone"),
        ('--timeout "$DB_WAIT_TIMEOUT" extra', "not bounded by DB_WAIT_TIMEOUT alone"),
    ],
)
def test_the_wait_is_bounded_by_its_variable_whatever_else_it_is_given(
    repo_copy: Path, registry: Registry, new: str, said: str | None
) -> None:
    script = repo_copy / "entrypoint.sh"
    script.write_text(script.read_text().replace('--timeout "$DB_WAIT_TIMEOUT"', new, 1))
    failures = mutations.static_failures(repo_copy, registry)
    if said is None:
        assert failures == {}, failures
    else:
        assert said in " ".join(failures.get("Database Wait", [])), failures


def test_an_init_before_the_server_fails_the_pid_1_claim(repo_copy: Path, registry: Registry) -> None:
    compose = repo_copy / "compose.yaml"
    compose.write_text(compose.read_text().replace("    cap_drop:\n", "    init: true\n    cap_drop:\n", 1))
    failures = mutations.static_failures(repo_copy, registry)
    assert "init: true, where PID 1 is Docker's init" in " ".join(failures.get("Server", [])), failures


def test_ownership_given_where_the_page_does_not_say_fails_until_a_claim_says_it(
    repo_copy: Path, registry: Registry
) -> None:
    dockerfile = repo_copy / "Dockerfile"
    text = dockerfile.read_text()
    dockerfile.write_text(
        text.replace("COPY --from=builder /venv /venv", "COPY --from=builder --chown=appuser /venv /venv")
    )
    failures = mutations.static_failures(repo_copy, registry)
    said = " ".join(failures.get("Runtime/Permissions & Directories Changes ownership", []))
    assert "ownership given to appuser in /app only" in said and "/venv" in said, failures
    # /venv given whole (copied owned, the folder chowned): wrong until the page says so too, in a claim of its own.
    given = text.replace("COPY --from=builder /venv /venv", "COPY --from=builder --chown=appuser /venv /venv")
    dockerfile.write_text(given.replace("chown appuser:appuser /app ", "chown appuser:appuser /venv /app "))
    failures = mutations.static_failures(repo_copy, registry)
    said = " ".join(failures.get("Runtime/Permissions & Directories Changes ownership", []))
    assert "ownership given to appuser in /app only" in said and "/venv" in said, failures
    page = repo_copy / PAGE
    mine = "    *   Changes ownership of `/app` to `appuser`.\n"
    page.write_text(page.read_text().replace(mine, mine + "    *   Changes ownership of `/venv` to `appuser`.\n"))
    assert mutations.static_failures(repo_copy, registry) == {}


@pytest.mark.parametrize("handover", ['exec env "$@"', 'exec /usr/bin/env "$@"', 'exec "${@}"'])
def test_a_handover_spelt_another_way_still_hands_over(repo_copy: Path, registry: Registry, handover: str) -> None:
    script = repo_copy / "entrypoint.sh"
    script.write_text(script.read_text().replace('exec "$@"', handover, 1))
    assert mutations.static_failures(repo_copy, registry) == {}


def test_install_with_an_owner_gives_the_folders_it_makes_to_that_user(repo_copy: Path, registry: Registry) -> None:
    dockerfile = repo_copy / "Dockerfile"
    made = "RUN mkdir -p /app/staticfiles /app/mediafiles /app/logs/backend \\\n"
    dockerfile.write_text(dockerfile.read_text().replace(made, made + "    && install -d -o appuser /srv/data \\\n"))
    page = repo_copy / PAGE
    listed = "`/app/logs/backend`)."
    page.write_text(page.read_text().replace(listed, "`/app/logs/backend`, `/srv/data`)."))
    failures = mutations.static_failures(repo_copy, registry)
    said = " ".join(failures.get("Runtime/Permissions & Directories Changes ownership", []))
    assert "ownership given to appuser in /app only" in said and "install -d … /srv/data" in said, failures
    mine = "    *   Changes ownership of `/app` to `appuser`.\n"
    page.write_text(page.read_text().replace(mine, mine + "    *   Changes ownership of `/srv/data` to `appuser`.\n"))
    assert mutations.static_failures(repo_copy, registry) == {}


def test_an_entrypoint_in_a_subfolder_is_covered_where_its_claims_cite_it(tmp_path: Path) -> None:
    dockerfile = """
        FROM python:3.13-slim
        COPY docker/entrypoint.sh /entrypoint.sh
        ENTRYPOINT ["/entrypoint.sh"]
        CMD ["python", "-m", "http.server"]
    """
    page = """
        # Image

        *   **Base Image:** `python:3.13-slim`.
        *   **Copy Artifacts:**
            *   Copies `docker/entrypoint.sh` to `/entrypoint.sh`.
        *   **Entrypoint:** `/entrypoint.sh`.
        *   **Command:** Passes `python`, `-m` and `http.server` to the entrypoint.
        *   **Shell:** `bash` with `set -euo pipefail`, so a failed step stops the start-up.
        *   **Server:** Replaces the shell with the container command (`exec "$@"`), so the server is PID `1`
            and receives `SIGTERM` directly.
    """
    script = '#!/usr/bin/env bash\nset -euo pipefail\nif [[ "${1:-}" == -* ]]; then\n    exit 2\nfi\nexec "$@"\n'
    root = small_project(tmp_path / "sub", dockerfile, page, {"docker/entrypoint.sh": script})
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text() + "coverage = true\n")
    result = run_doc_suite(root, "docs", "-m", "not docker", "-p", "no:django")
    out = result.stdout + result.stderr
    # The `[[ … ]]` test is read, and only its branch's `exit 2` is a step no claim cites, named by its own path.
    assert "docker/entrypoint.sh:4 exit 2" in out and "docker/entrypoint.sh:1" not in out, out[-3000:]
    assert "entrypoint.sh:2 set" not in out and "Shell" not in out.split("short test summary")[-1], out[-3000:]


def test_a_stage_built_on_an_earlier_stage_names_that_stage(tmp_path: Path) -> None:
    """`FROM base AS app` starts from the stage `base`: the claim names it as FROM does, not the image under it."""
    from docverify.config import from_pyproject
    from docverify.run import vocab

    dockerfile = "FROM python:3.13-slim AS base\nFROM base AS app\n"
    page = "# Image\n\n## Stage 1: base\n\n*   **Base Image:** `python:3.13-slim`\n\n"
    page += "## Stage 2: app\n\n*   **Base Image:** `{}`\n"
    found = {}
    for named in ("base", "python:3.13-slim"):
        root = small_project(tmp_path / named.replace(":", "-"), dockerfile, page.format(named))
        settings = from_pyproject(root)
        found[named] = mutations.static_failures(root, vocab.build(settings.packs, settings.vocabularies))
    assert found["base"] == {}, found["base"]
    assert list(found["python:3.13-slim"]) == ["app/Base Image"], found
    message = found["python:3.13-slim"]["app/Base Image"][0]
    assert "docs say python:3.13-slim; Dockerfile:2 (app) has FROM base: the stage base of this Dockerfile" in message


def test_a_script_without_a_suffix_is_known_by_its_first_line(tmp_path: Path) -> None:
    """Makes executable asks a script to be readable too: `#!` in the context file a COPY lands says it is one."""
    from docverify.config import from_pyproject
    from docverify.run import vocab

    page = "# Image\n\n## Stage 1\n\n*   **Permissions:**\n    *   Makes `/usr/local/bin/run` executable.\n"
    found = {}
    for name, first in (("script", "#!/bin/sh\necho hi\n"), ("binary", "\x7fELF")):
        dockerfile = "FROM python:3.13-slim\nCOPY run /usr/local/bin/run\nRUN chmod 0111 /usr/local/bin/run\n"
        root = small_project(tmp_path / name, dockerfile, page, {"run": first})
        settings = from_pyproject(root)
        failures = mutations.static_failures(root, vocab.build(settings.packs, settings.vocabularies))
        found[name] = [m for key, ms in failures.items() if "Makes executable" in key for m in ms]
    assert found["binary"] == [], found
    [said] = found["script"]
    assert "readable by no one after the mode change at Dockerfile:3" in said, said
