"""The reader reads what the site renders (issue 18, class 1), and each of its checks bites.

Every shape the site renders a labelled statement in is read as a claim; what the renderer hides
is no part of a claim, and hiding or disguising text in one is an error; a value or a command
outside claims and narrative is an error; the count of labels a page shows is held against what
was collected. Each error names page:line.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from docverify.read import items, lines, rendered, statements
from docverify.run import counts, mutations

ROOT = Path(__file__).resolve().parent.parent
SITE = rendered.for_site(ROOT / "mkdocs.yml", ROOT)
SITE.learn(page.read_text() for page in (ROOT / "docs").rglob("*.md"))  # code lexed as plain text, as the walk does
PAGE = Path("p.md")


def read(text: str) -> items.PageItems:
    return items.read(PAGE, textwrap.dedent(text).lstrip("\n"), SITE)


def problems(text: str) -> list[str]:
    return [str(problem) for problem in read(text).problems]


def claims(text: str) -> list[tuple[int, str, str, str]]:
    return [(i.line, i.label, i.sentence, i.shape) for i in read(text).items]


# --- every shape the site renders is read ------------------------------------------------------


def test_table_rows_admonitions_paragraphs_and_html_labels_are_claims_at_their_lines() -> None:
    page = """
        ## Stage 2: Runtime

        | Fact | Statement |
        | --- | --- |
        | **Port:** | Exposes `8000`. |

        !!! note "Who runs it"

            *   **User:** Switches to `appuser`.

        ??? tip "Collapsed, but shown on a click"
            *   **Working Directory:** `/app`

        **Entrypoint:** Sets `/entrypoint.sh` as the entrypoint.

        *   <b>Command:</b> Runs `gunicorn`.

        <p><strong>Healthcheck:</strong> Runs <code>curl</code>.</p>

        > *   **Stop Signal:** `SIGTERM`.
    """
    assert claims(page) == [
        (5, "Port", "Exposes `8000`.", "row"),
        (9, "User", "Switches to `appuser`.", "item"),
        (12, "Working Directory", "`/app`", "item"),
        (14, "Entrypoint", "Sets `/entrypoint.sh` as the entrypoint.", "paragraph"),
        (16, "Command", "Runs `gunicorn`.", "item"),
        (18, "Healthcheck", "Runs `curl`.", "paragraph"),
        (20, "Stop Signal", "`SIGTERM`.", "item"),
    ]
    found = read(page)
    assert found.problems == [] and all(item.stage_heading == (2, "Runtime") for item in found.items)
    assert [(c.line, c.label) for c in found.counted] == [(i[0], i[1]) for i in claims(page)]


def test_a_table_whose_first_column_is_headed_label_holds_a_claim_in_each_row() -> None:
    page = "| Label | Statement |\n| --- | --- |\n| Port | Exposes `8080`. |\n| **User:** | `root` |\n"
    assert claims(page) == [(3, "Port", "Exposes `8080`.", "row"), (4, "User", "`root`", "row")]
    other = "| Fact | Statement |\n| --- | --- |\n| Port | Exposes `8080`. |\n"
    assert claims(other) == [] and problems(other)[0].startswith("p.md:3: `8080` (a number or port)")


def test_a_claim_reads_as_shown_over_its_lines_with_entities_and_escapes_resolved() -> None:
    page = "*   **Permissions &amp; Directories:** Makes `entrypoint.sh`\n    executable \\*here\\*.\n"
    assert claims(page) == [(1, "Permissions & Directories", "Makes `entrypoint.sh` executable *here*.", "item")]


def test_a_snippet_is_included_as_the_site_includes_it_and_its_labels_are_errors_at_the_include(
    tmp_path: Path,
) -> None:
    (tmp_path / "part.md").write_text("Text with `a-value`.\n\n*   **Port:** Exposes `8080`.\n")
    renderer = rendered.Renderer(["pymdownx.snippets", "admonition"], {"pymdownx.snippets": {
        "base_path": [str(tmp_path)], "check_paths": True}})  # fmt: skip
    text = '# Page\n\n--8<-- "part.md"\n\n--8<-- "missing.md"\n\n*   **User:** `appuser`\n'
    found = items.read(PAGE, text, renderer)
    said = [str(problem) for problem in found.problems]
    assert [(i.line, i.label) for i in found.items] == [(7, "User")]  # the rest of the page is still read
    assert any(p.startswith("p.md:3: **Port:** a snippet brings it in") for p in said), said
    assert any(p.startswith("p.md:3: `a-value`") and "outside any claim" in p for p in said), said
    assert any(p.startswith("p.md:5: the snippet cannot be included") for p in said), said


# --- what the renderer hides is no part of a claim ----------------------------------------------


@pytest.mark.parametrize(
    "written, why",
    [
        ('Exposes `8000`{: style="display:none" } `80`.', "a style that hides it"),
        ("Exposes `80`<!-- `8000` -->.", "an HTML comment"),
        ("Exposes <span hidden>`8000`</span> `80`.", "a `hidden` attribute"),
        ('Exposes <span aria-hidden="true">`8000`</span> `80`.', "`aria-hidden`"),
        ('Exposes <span class="visually-hidden">`8000`</span> `80`.', "a class that hides it"),
        ("Exposes <del>`8000`</del> `80`.", "struck-out text"),
        ('Exposes <span style="color: white">`8000`</span> `80`.', "an attribute a claim has no use for (`style`)"),
    ],
)
def test_hidden_or_disguised_text_in_a_claim_is_an_error_naming_its_line(written: str, why: str) -> None:
    said = problems(f"Text.\n\n*   **Port:** {written}\n")
    assert len(said) == 1 and said[0].startswith("p.md:3: **Port:** hidden or disguised text") and why in said[0]


def test_a_claim_hidden_whole_is_an_error_not_a_claim_lost() -> None:
    said = problems("*   **User:** `appuser`\n*   **Port:** Exposes `8000`.\n    {: hidden }\n")
    assert said == ["p.md:2: **Port:** is hidden (a `hidden` attribute); the site shows no such claim"]


# --- invisible and look-alike characters -------------------------------------------------------


@pytest.mark.parametrize(
    "written, why",
    [
        ("**Po\u200brt:** Exposes `8000`.", "an invisible character in its label: zero width space (U+200B)"),
        ("**Image\u00a0Config:** Differs in `Env`.", "an invisible character in its label: no-break space (U+00A0)"),
        ("**P\u043ert:** Exposes `8000`.", "a letter from another script in its label: cyrillic small letter o"),
        ("**User:** Switches to `\u0430ppuser`.", "a letter from another script in its words: cyrillic small letter a"),
        ("**User:** Switches to `app\u200duser`.", "an invisible character in its words: zero width joiner"),
        ("**User Setup:** UID `\u202e0001\u202c`.", "an invisible character in its words: right-to-left override"),
        ("**User:** Switches to `\uff41ppuser`.", "a look-alike letter in its words: fullwidth latin small letter a"),
        ("**User:** Switches to `appu\u0301ser`.", "a combining mark in its words"),
    ],
)
def test_an_invisible_or_confusable_character_in_a_claim_is_an_error(written: str, why: str) -> None:
    said = problems(f"*   {written}\n")
    assert len(said) == 1 and said[0].startswith("p.md:1: **") and why in said[0], said


def test_a_page_may_not_bring_the_tokens_lines_are_told_by() -> None:
    said = problems("*   **Port:** Exposes `8000`. \ue01099\ue011\n")
    assert said == ["p.md:1: a private-use character (U+E010)", "p.md:1: a private-use character (U+E011)"]
    assert claims("*   **Port:** Exposes `8000`.\ue01099\ue011\n")[0][0] == 1  # its line is still its own


# --- values and commands outside claims ---------------------------------------------------------


def test_a_value_or_a_command_outside_claims_and_narrative_is_an_error_naming_what_it_names() -> None:
    page = """
        The server listens on `8080`, as `appuser`, reading `DATABASE_URL` and `/app/settings.py`.

        ```sh
        docker run -p 8080:8000 backend
        ```

        | Setting | Value |
        | --- | --- |
        | `DEBUG` | off |
    """
    said = problems(page)
    assert said[0].startswith("p.md:1: `8080` (a number or port), `appuser` (a name") and "outside any claim" in said[0]
    assert "`DATABASE_URL` (a variable), `/app/settings.py` (a path)" in said[0]
    assert said[1].startswith("p.md:4: a code block: docker run -p 8080:8000 backend…")  # its first line
    assert said[2].startswith("p.md:9: `DEBUG` (a variable)") and "mark it narrative" in said[2]


def test_narrative_excuses_prose_and_commands_but_never_a_label() -> None:
    page = """
        !!! narrative "Try it"

            Run `docker run -p 8080:8000 backend`:

            ```sh
            curl http://127.0.0.1:8080/health/
            ```

        ## How it works { .narrative }

        It reads `DATABASE_URL`.

        ### Deeper

        Still narrative: `SELECT 1`.

        *   **Port:** Exposes `8080`.

        ## Proven

        Here `8080` is a statement again.
    """
    found = read(page)
    assert [(i.line, i.label) for i in found.items] == [(17, "Port")]  # a label in narrative is still a claim
    assert [str(p) for p in found.problems] == [
        "p.md:21: `8080` (a number or port) outside any claim; "
        "make it a claim, or mark it narrative (`!!! narrative`, or `{ .narrative }` on its section's heading)"
    ]
    assert found.narrative == 2
    assert problems("!!! note\n\n    Run `docker run`.\n")[0].startswith("p.md:3: `docker run`")  # only narrative


def test_embedded_files_and_doctests_are_no_statements() -> None:
    assert problems("```python\n>>> 1 + 1\n2\n```\n") == []
    assert problems('```dockerfile\n--8<-- "Dockerfile:builder"\n```\n') == []
    assert problems('```dockerfile\nFROM scratch\n--8<-- "Dockerfile:builder"\n```\n')[0].startswith("p.md:2: a code")


def test_a_whole_page_is_narrative_under_a_narrative_title() -> None:
    assert problems("# Notes { .narrative }\n\nAnything: `8080`, `root`.\n\n## More\n\n`x`\n") == []


# --- the count cross-check ------------------------------------------------------------------------


def test_a_bold_label_no_claim_reads_is_counted_and_missed_at_its_line() -> None:
    found = read("Text before **Port:** 8080, in the middle of a sentence.\n")
    assert found.items == [] and found.problems == [] and [(c.line, c.label) for c in found.counted] == [(1, "Port")]
    missed = [str(error) for error in counts.missed(PAGE, found, [], found.problems)]
    assert missed == [
        "p.md:1: the site shows **Port:** here, but no claim was collected for it; "
        "a bold label opens a list item, a paragraph or a table row, and that makes it a claim"
    ]


def test_the_count_bites_when_the_reader_misses_a_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader that lost table rows would yield one claim fewer; the independent count notices."""
    page = "| A | B |\n| --- | --- |\n| **Port:** | Exposes 8000. |\n\n*   **User:** `appuser`\n"

    def collected(found: items.PageItems) -> list[str]:
        claims: list[Any] = [SimpleNamespace(line=i.line, item=i) for i in found.items]  # as the walk collects them
        return [str(error) for error in counts.missed(PAGE, found, claims, found.problems)]

    assert collected(items.read(PAGE, page, rendered.Renderer(["tables"], {}))) == []
    monkeypatch.setattr(statements.Reader, "opened", lambda self, node, ctx: False)
    monkeypatch.setattr(rendered, "cached", lambda kind, parts, compute, object_hook=None: compute())
    found = items.read(PAGE, page, rendered.Renderer(["tables"], {}))
    assert [i.label for i in found.items] == ["User"] and found.problems == []
    assert [m.split(" ", 4)[:4] for m in collected(found)] == [["p.md:3:", "the", "site", "shows"]]


def test_the_walk_counts_each_page_for_the_report(tmp_path: Path) -> None:
    from docverify.config import from_pyproject
    from docverify.run import vocab
    from docverify.run.walk import Walk

    settings = from_pyproject(ROOT)
    walk = Walk(settings, vocab.build(settings.packs, settings.vocabularies))
    page = walk.page(ROOT / "docs/backend/django/deploy/docker/Dockerfile.md")
    assert page.counts is not None and page.counts["rendered"] == page.counts["claims"] + page.counts["groups"]
    assert page.counts["nested"] > 0 and page.counts["unreadable"] == 0 and page.counts["narrative"] >= 1


# --- line tokens keep the page's syntax -----------------------------------------------------------


def _untokened(html: str) -> str:
    html = lines.TOKEN.sub("", html)
    return re.sub(r' id="[^"]*"| href="#[^"]*"', "", html)  # heading ids are slugs of their (tokened) text


@pytest.mark.parametrize("page", sorted((ROOT / "docs").rglob("*.md")), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_line_tokens_change_nothing_but_themselves(page: Path) -> None:
    """Each page renders the same, tokens aside, as the site renders it without them."""
    text = page.read_text()
    expand = SITE._expand if SITE._snippets is not None else None
    plain = "\n".join(
        inner
        for line in text.splitlines()
        for inner in (expand([line]) if expand and lines.SNIPPET.match(line) else [line])
    )
    assert _untokened(SITE._render(SITE.tagged(text))) == _untokened(SITE._render(plain))


# --- attributing a failure to the claim it would be -------------------------------------------------


def test_an_unreadable_item_counts_against_the_claim_it_would_be() -> None:
    names = ["Port", "Image Config", "User"]
    page = "docs/backend/django/deploy/docker/Dockerfile.md"
    target = mutations.problem_target
    assert target(ROOT, f"{page}:62: **Po\u200brt:** an invisible character", names) == "Runtime/Port"
    assert target(ROOT, f"{page}:62: **P\u043ert:** a letter", names) == "Runtime/Port"
    assert target(ROOT, f"{page}:64: **Image\u00a0Config:** an invisible character", names) == "Runtime/Image Config"
    assert target(ROOT, f"{page}:12: **Working Directory:** hidden", names) == "Builder/Working Directory"
    assert target(ROOT, f"{page}:66: `8080` (a number or port) outside any claim", names) == "(unreadable page)"
