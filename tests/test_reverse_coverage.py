"""Nothing in the Dockerfile or entrypoint.sh goes undocumented."""

from docverify.coverage import undocumented
from docverify.docker import ROOT


def test_every_instruction_and_entrypoint_step_is_claimed():
    missing = undocumented(ROOT)
    assert not missing, "not documented by any claim in docs/:\n" + "\n".join(missing)
