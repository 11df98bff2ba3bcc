"""Where a compose service's PostgreSQL keeps its files, read as `env` and PostgreSQL read it.

The official image's default (`/var/lib/postgresql/data`) unless compose's PGDATA says another; an
entrypoint `env` may set, unset or drop it; the server's own `-D` or `-c data_directory=` win over both.
A shell's words (`sh -c "…"`) are no option of either: left to the running level, which asks PostgreSQL.
"""

from __future__ import annotations

import posixpath
import shlex
from typing import Any

from .compose import Service

DEFAULT_PGDATA = "/var/lib/postgresql/data"


def _words(value: Any) -> list[str]:
    return shlex.split(value) if isinstance(value, str) else [str(word) for word in value or []]


def data_directory(service: Service) -> tuple[str, str, str]:
    """Where PostgreSQL keeps its files, what says so and its compose key: compose's PGDATA (else the image's
    default), as an entrypoint `env` changes it, then the server's own `-D` or `-c data_directory=` in the command."""
    found = (str(service.environment.get("PGDATA") or DEFAULT_PGDATA), "PGDATA", "PGDATA")
    entrypoint, command = _words(service.spec.get("entrypoint")), _words(service.spec.get("command"))
    if entrypoint and posixpath.basename(entrypoint[0]) == "env":
        found = _through_env(entrypoint[1:], found)
    if command and posixpath.basename(command[0]) == "postgres":
        options = command[1:]
    else:  # options alone: the image's entrypoint puts `postgres` before them
        options = command if command[:1] and command[0].startswith("-") else []
    flag = setting = None
    for index, word in enumerate(options):
        following = options[index + 1] if index + 1 < len(options) else ""
        if word.startswith("-D"):
            flag = (word[2:] or following, f"the command's `-D {word[2:] or following}`", "command")
        elif word.startswith(("-c", "--")):
            name, _, value = (word[2:] or following).partition("=")
            if name.replace("-", "_") == "data_directory":
                setting = (value, f"the command's `{word}{'' if word[2:] else ' ' + following}`", "command")
    return setting or flag or found


def _through_env(words: list[str], found: tuple[str, str, str]) -> tuple[str, str, str]:
    """PGDATA as `env` hands it to the program: set (`PGDATA=…`), unset (`-u PGDATA`), or the whole environment
    dropped (`-i`)."""
    index = 0
    while index < len(words):
        word, operand = words[index], words[index + 1] if index + 1 < len(words) else ""
        index += 2 if word in ("-u", "--unset", "-C", "--chdir") else 1  # options whose operand follows
        unset = operand if word in ("-u", "--unset") else word.removeprefix("--unset=").removeprefix("-u")
        if word in ("-i", "--ignore-environment", "-") or (word.startswith("-") and unset == "PGDATA"):
            said = f"{word} {operand}" if word in ("-u", "--unset") else word
            found = (DEFAULT_PGDATA, f"the entrypoint's `env {said}`", "entrypoint")  # compose's no longer reaches it
        elif word.startswith("PGDATA="):
            found = (word.removeprefix("PGDATA="), f"the entrypoint's `env {word}`", "entrypoint")
        elif not word.startswith("-") and "=" not in word:  # the program: what follows is its own
            break
    return found
