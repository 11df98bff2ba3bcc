"""A project as the command line sees it: its settings, its vocabulary, one claim walk."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from .. import config
from ..run import vocab
from ..run.walk import Walk


def on_path(root: Path) -> None:
    """The project's own label modules import as pytest imports them: through its `pythonpath`."""
    pyproject = root / "pyproject.toml"
    table = tomllib.loads(pyproject.read_text()) if pyproject.is_file() else {}
    extra = table.get("tool", {}).get("pytest", {}).get("ini_options", {}).get("pythonpath", [])
    for entry in [extra] if isinstance(extra, str) else extra:
        folder = str((root / entry).resolve())
        if folder not in sys.path:
            sys.path.insert(0, folder)


def walk(root: Path) -> Walk:
    on_path(root)
    settings = config.from_pyproject(root)
    return Walk(settings, vocab.build(settings.packs, settings.vocabularies))
