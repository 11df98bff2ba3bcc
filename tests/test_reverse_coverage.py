"""Nothing in the Dockerfile or the entrypoint script goes undocumented."""

from __future__ import annotations

from docverify.coverage import undocumented


def test_every_instruction_and_entrypoint_step_is_claimed(docverify: object) -> None:
    missing = undocumented(docverify.walk)  # type: ignore[attr-defined]
    assert not missing, "not documented by any claim in docs/:\n" + "\n".join(missing)
