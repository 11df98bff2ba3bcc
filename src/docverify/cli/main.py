"""The command line: `docverify suggest`, `docverify fix`, `docverify reference`."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("docverify: no command yet", file=sys.stderr)
    return 2
