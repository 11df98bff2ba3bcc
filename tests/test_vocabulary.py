"""The vocabulary's contract: forms name values, labels are typed declarations, every form reads its example."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docverify.errors import ClaimUnreadable, ConfigError
from docverify.read.forms import Form
from docverify.read.items import Item
from docverify.run import vocab
from docverify.vocabulary.label import Label

ALL_PACKS = vocab.PACKS
ROOT = Path(__file__).resolve().parents[1]


def item(label: str, sentence: str, nested: bool = False) -> Item:
    return Item(Path("p.md"), 3, label, sentence, ("Stage 1: Build",), 0, 1, nested, 2 if nested else None)


# --- forms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, bindings",
    [
        ("Runs as `svc`.", {"user": "svc"}),
        ("Runs as the unprivileged `svc` account (UID `2001`)", {"user": "svc", "uid": "2001"}),
        ("switches as `a` user", {"user": "a"}),
        ("Runs as `a` `b`", None),
        ("Runs as `a` now", None),
    ],
)
def test_a_form_reads_named_values_optional_parts_and_choices(sentence: str, bindings: dict[str, str] | None) -> None:
    form = Form("<Runs|Switches> as [the] [unprivileged] {user} [user|account] [(UID {uid})]")
    reading = form.read(sentence)
    assert (reading.bindings if reading else None) == bindings


def test_a_list_takes_commas_and_or_articles_and_notes_which_are_narrative() -> None:
    form = Form("Installs {packages*} [for ...]")
    reading = form.read("Installs `libpq5` (PostgreSQL client library), a `curl` and `gcc` for health checks.")
    assert reading is not None and reading.bindings == {"packages": ("libpq5", "curl", "gcc")}
    assert reading.narrative == ("PostgreSQL client library", "health checks")


def test_a_comma_before_so_is_optional_and_rendering_reads_back() -> None:
    form = Form("{name}: Sets {value}, so log lines reach {sink} at once")
    for sentence in (
        "`X`: Sets `1`, so log lines reach `docker logs` at once.",
        "`X`: Sets `1` so log lines reach `docker logs` at once",
    ):
        assert form.read(sentence) is not None
    written = form.render({"name": "X", "value": "1", "sink": "docker logs"})
    assert written == "`X`: Sets `1`, so log lines reach `docker logs` at once." and form.read(written) is not None


@pytest.mark.parametrize("text", ["Runs [a", "Runs a]", "Runs a | b", "<Runs a"])
def test_a_malformed_form_is_refused_when_declared(text: str) -> None:
    @dataclasses.dataclass(frozen=True)
    class Args:
        a: str = ""

    with pytest.raises(ConfigError):
        Label("Bad", Args, [text], example=Args(), summary="")


# --- labels ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ColourArgs:
    colour: str
    shade: int | None = None


def test_a_label_types_its_values_and_refuses_forms_that_do_not_fit_its_args() -> None:
    colour = Label("Colour", ColourArgs, ["Painted {colour} [(shade {shade})]"], example=ColourArgs("red"), summary="")
    claim = colour.attempt(item("Colour", "Painted `blue` (shade `3`)."))
    assert claim is not None
    assert claim.args == ColourArgs("blue", 3) and claim.title == "Colour"
    with pytest.raises(ClaimUnreadable, match="shade must be a whole number"):
        colour.attempt(item("Colour", "Painted `blue` (shade `dark`)."))
    with pytest.raises(ConfigError, match="names \\['hue'\\]"):
        Label("Colour", ColourArgs, ["{colour} {hue}"], example=ColourArgs("red"), summary="")
    with pytest.raises(ConfigError, match="does not always give \\['colour'\\]"):
        Label("Colour", ColourArgs, ["[Painted {colour}]"], example=ColourArgs("red"), summary="")


def test_an_unreadable_sentence_names_page_line_and_the_closest_form_with_an_example() -> None:
    registry = vocab.build()
    with pytest.raises(ClaimUnreadable) as caught:
        registry.read(item("User", "Changes to `appuser`."))
    message = str(caught.value)
    assert message.startswith("p.md:3: **User** cannot read") and "closest form it reads is `Switches to" in message
    with pytest.raises(ClaimUnreadable, match="did you mean \\*\\*User:\\*\\*"):
        registry.read(item("Usr", "Switches to `appuser`."))
    with pytest.raises(ClaimUnreadable, match="no nested claim reads .* closest form is `Copies"):
        registry.read(item("Files", "Copy `a` into `/b`.", nested=True))


@pytest.mark.parametrize(
    ("label", "sentence", "said"),
    [
        ("User", "Switches to `appuser`, because root is risky.", None),  # a purpose: read, shown as narrative
        ("User", "Switches to `appuser`, which is safer.", "neither a purpose"),
        ("User", "Switches to `appuser`, because `root` is risky.", "a value no form reads"),
        # Words a form reads are no remark: the closest form shows how to write them.
        ("Log Directory", "`/app/logs`, besides standard output.", "closest form it reads is `{directory}[, besides"),
    ],
)
def test_a_closing_remark_is_read_as_narrative_or_named_as_the_reason(
    label: str, sentence: str, said: str | None
) -> None:
    registry = vocab.build(["django"])
    if said is None:
        assert registry.read(item(label, sentence)).label.name == label
        return
    with pytest.raises(ClaimUnreadable) as caught:
        registry.read(item(label, sentence))
    assert said in str(caught.value)


def test_the_registry_refuses_doubles_and_scopes_extensions_to_itself() -> None:
    registry = vocab.build(["python", "poetry"])
    with pytest.raises(ConfigError, match="declared twice"):
        registry.add(registry.find("User"))
    with pytest.raises(ConfigError, match="no pack 'rust'"):
        vocab.build(["rust"])
    with pytest.raises(ConfigError, match="cannot import 'no_such_module'"):
        vocab.build([], ["no_such_module"])
    # The poetry pack's image check of **Runs** exists in its registry only.
    runs = registry.find("Runs")
    assert [c.meaning for c in runs.checks_at("image")] == ["`poetry check --lock` passes in the image"]
    assert vocab.build().find("Runs").checks_at("image") == []


def test_every_label_of_every_pack_reads_its_own_examples_back_in_every_form() -> None:
    registry = vocab.build(ALL_PACKS, ["backend_labels"])
    for label in registry.labels():
        assert label.summary and label.checks, f"{label.name} says nothing of itself or checks nothing"
        for form in label.forms:
            example = label.example_for(form)
            sentence = label.render(form, example)
            claim = registry.read(item(label.name, sentence, label.nested))
            assert claim.label.name == label.name, f"{sentence!r} reads as {claim.label.name}, not {label.name}"
            wanted = {k: v for k, v in dataclasses.asdict(example).items() if k in form.names}
            got = {k: v for k, v in dataclasses.asdict(claim.args).items() if k in form.names}
            assert got == wanted, f"{label.name}: {form.text!r} wrote {sentence!r} and read {got}"
            assert claim.label.levels(claim), f"{label.name}: no level reads {form.text!r}"


def test_every_check_says_what_it_observes() -> None:
    for label in vocab.build(ALL_PACKS, ["backend_labels"]).labels():
        for check in label.checks:
            assert len(check.meaning) > 10, f"{label.name} {check.level}: {check.meaning!r}"


def test_mypy_rejects_a_check_registered_at_the_wrong_level(tmp_path: Path) -> None:
    module = tmp_path / "wrong_level.py"
    module.write_text(
        textwrap.dedent("""
        from dataclasses import dataclass
        from docverify.model.sources import Sources
        from docverify.vocabulary import Cites, Claim, Label

        @dataclass(frozen=True)
        class Args:
            x: str

        THING = Label("Thing", Args, ["{x}"], example=Args("a"), summary="A thing.")

        @THING.image("what the image has")
        def wrong(claim: Claim[Args], sources: Sources) -> Cites:
            return [claim.args.x]
    """)
    )
    mypy = Path(sys.executable).with_name("mypy")
    result = subprocess.run(
        [str(mypy), "--strict", "--no-incremental", str(module)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"MYPYPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1 and 'Argument 1 has incompatible type "Callable[[Claim[Args], Sources]' in (
        result.stdout
    ), result.stdout
