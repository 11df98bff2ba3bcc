"""GitHub's own format for a failed claim: an error annotation at the page line, and at each file line it names.

Under `GITHUB_ACTIONS=true` each failing claim prints `::error file=docs/x.md,line=9,title=…::message`
on stdout, which the runner shows on the pull request's diff, and one more for every `FILE:LINE`
of the repository its message names (the Dockerfile line that says otherwise).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

WHERE = re.compile(r"(?<![\w/.-])(?P<file>[\w./-]+):(?P<line>[1-9][0-9]*)\b")


def enabled() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def escape(text: str, property_value: bool = False) -> str:
    """Workflow-command escaping: data escapes %, CR and LF; property values also : and ,."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def command(file: str, line: int, title: str, message: str) -> str:
    return f"::error file={escape(file, True)},line={line},title={escape(title, True)}::{escape(message)}"


def lines(page: str, line: int, title: str, message: str, root: Path) -> list[str]:
    """The annotation at the claim, then one at each repository file line its message names."""
    found = [command(page, line, f"docverify: {title}", message)]
    seen = {(page, line)}
    for match in WHERE.finditer(message):
        file, number = match["file"], int(match["line"])
        if (file, number) not in seen and (root / file).is_file() and not file.endswith(".md"):
            seen.add((file, number))
            found.append(command(file, number, f"docverify: {title} ({page}:{line})", message))
    return found
