"""Where a compose service's PostgreSQL keeps its files, read as `env` and PostgreSQL read their arguments.

The official image's default (`/var/lib/postgresql/data` up to 17, `/var/lib/postgresql/<major>/docker` from
18 on) unless compose's PGDATA says another; an entrypoint `env` may set, unset or drop it; the server's own
`-D` or `-c data_directory=` win over both.
The server's words are the entrypoint's, then the command's, past `env`, a wrapper (`tini --`, `gosu USER`)
and the image's `docker-entrypoint.sh`. What the static level cannot know is None, with the reason: another
program's words (a shell's `sh -c "…"`), or the default of an image whose reference names no major version.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from typing import Any

from .compose import Service
from .reference import normalise_image
from .shellcommand import past_init

DEFAULT_PGDATA = "/var/lib/postgresql/data"  # the official image's PGDATA up to PostgreSQL 17
# The official image, however its registry is named: its tag (and a digest, which the image level compares).
OFFICIAL = re.compile(r"(?:.*/)?postgres(?::(?P<tag>[^@/]+))?(?:@\S+)?")
# The directory ("" none: the server cannot start; None: not the static level's to know), what says so, its key.
Found = tuple[str | None, str, str]

ENV_LONG = ("ignore-environment", "null", "unset", "chdir", "split-string", "argv0", "debug", "block-signal",
            "default-signal", "ignore-signal", "list-signal-handling")  # fmt: skip
ENV_SHORT = {"u": "unset", "C": "chdir", "S": "split-string", "a": "argv0", "i": "ignore-environment", "0": "null",
             "v": "debug"}  # fmt: skip
ENV_TAKES = ("unset", "chdir", "split-string", "argv0")
# postgres's getopt: the letters that take an operand (`-D dir`, `-Ddir`), `--name=value` being `-` with one.
POSTGRES_OPERAND = set("BcCDdfhkNprtW-")


def _words(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError:  # an unbalanced quote: compose splits no string command this way anyway
            return value.split()
    return [str(word) for word in value] if isinstance(value, list) else []


def data_directory(service: Service) -> Found:
    """Where PostgreSQL keeps its files, what says so and the compose key that does."""
    given = service.environment.get("PGDATA")
    if given:
        found: Found = (str(given), "PGDATA", "PGDATA")
    else:
        found = (*image_default(service.image), "image:")
    entrypoint, command = _words(service.spec.get("entrypoint")), _words(service.spec.get("command"))
    words = [*entrypoint, *command]
    key = "entrypoint:" if entrypoint else "command:"
    imaged = not entrypoint  # the image's docker-entrypoint.sh runs the command
    words = past_init(words)
    if words and posixpath.basename(words[0]) == "env":
        found, words = _through_env(words[1:], found, key)
        words = past_init(words)
    if words and posixpath.basename(words[0]) == "docker-entrypoint.sh":
        words, imaged = past_init(words[1:]), True
    if words and posixpath.basename(words[0]) == "postgres":
        words = words[1:]
    elif words and not (imaged and words[0].startswith("-")):  # the entrypoint runs anything else as it is
        key = "command:" if len(words) <= len(command) else key  # the program is the command's
        shown = shlex.join(words[:3]) + (" …" if len(words) > 3 else "")
        return None, f"the {key[:-1]} runs `{shown}`, whose words are not read as the server's", key
    return _server_options(words, found, "command:" if command else key)


def wal_directory(service: Service) -> tuple[str, str] | None:
    """Where initdb puts the write-ahead log when told to keep it apart (a symlink from the data directory), with
    what says so: `--waldir`/`-X` in POSTGRES_INITDB_ARGS, then the image's POSTGRES_INITDB_WALDIR, which its
    entrypoint hands initdb after them (the last one wins, as initdb's getopt reads them)."""
    found = None
    queue = _words(str(service.environment.get("POSTGRES_INITDB_ARGS") or ""))
    while queue:
        word = queue.pop(0)
        name, has, value = word.partition("=")
        if name == "--waldir" or (word.startswith("-X") and not word.startswith("--")):
            given = value if has else word[2:] if word.startswith("-X") else ""
            value = given or (queue.pop(0) if queue else "")
            found = (value, f"POSTGRES_INITDB_ARGS's `{word if given else f'{word} {value}'}`")
    if waldir := service.environment.get("POSTGRES_INITDB_WALDIR"):
        found = (str(waldir), "POSTGRES_INITDB_WALDIR")
    return found


def image_default(image: str | None) -> tuple[str | None, str]:
    """The official image's own PGDATA, by its tag's major version: `/var/lib/postgresql/data` up to 17,
    `/var/lib/postgresql/<major>/docker` from 18 on (docker-library/postgres#1259). None when the reference names
    no major version (`latest`, `alpine`) or another image: the default is then not the static level's to know."""
    named = normalise_image(image or "")
    official = OFFICIAL.fullmatch(named)
    if not official:
        shown = image or "(none)"
        return None, f"the image {shown} is not the official postgres image, the one whose default this level knows"
    major = re.match(r"\d+", official["tag"] or "")
    if not major:
        return None, f"the image {image} names no major version, and the default PGDATA changed with PostgreSQL 18"
    default = f"/var/lib/postgresql/{major[0]}/docker" if int(major[0]) >= 18 else DEFAULT_PGDATA
    return default, "the image's own PGDATA"


def _long(typed: str) -> str:
    """An `env` long option by its name or a unique prefix of it, as getopt takes it."""
    matches = [name for name in ENV_LONG if name.startswith(typed)]
    return typed if typed in ENV_LONG or len(matches) != 1 else matches[0]


def _through_env(words: list[str], found: Found, key: str) -> tuple[Found, list[str]]:
    """PGDATA as `env` hands it to the program (set, unset, or the whole environment dropped), and the program's
    words: GNU's and busybox's spellings, clustered short options and unique prefixes of long ones."""
    queue = list(words)
    while queue:
        word = queue.pop(0)
        if word == "--":  # the end of the options: assignments and the program follow
            continue
        options: list[tuple[str, str]] = []  # (long name, operand)
        if word == "-":
            options.append(("ignore-environment", ""))
        elif word.startswith("--"):
            typed, has, value = word[2:].partition("=")
            name = _long(typed)
            operand = value if has or name not in ENV_TAKES else (queue.pop(0) if queue else "")
            options.append((name, operand))
        elif word.startswith("-"):
            letters = word[1:]
            for index, letter in enumerate(letters):
                name = ENV_SHORT.get(letter, letter)
                if name in ENV_TAKES:
                    options.append((name, letters[index + 1 :] or (queue.pop(0) if queue else "")))
                    break
                options.append((name, ""))
        elif "=" in word:
            name, _, value = word.partition("=")
            if name == "PGDATA":
                found = (value, f"the entrypoint's `env {word}`", key)
            continue
        else:
            return found, [word, *queue]  # the program
        for name, operand in options:
            shown = f"the entrypoint's `env --{name}{' ' + operand if operand else ''}`"
            if name == "ignore-environment" or (name == "unset" and operand == "PGDATA"):
                found = ("", f"PGDATA dropped by {shown}", key)
            elif name == "split-string":
                queue = [*_words(operand), *queue]
    return found, []


def _server_options(words: list[str], found: Found, key: str) -> Found:
    """`-D dir` (or `-Ddir`, in a cluster too), and the data_directory setting (`-c`, `--data-directory=`), which
    wins over `-D`; names are case-insensitive, and `-` and `_` one."""
    flag = setting = configured = None
    queue = list(words)
    while queue:
        word = queue.pop(0)
        if not word.startswith("-") or word == "-":
            continue
        letters = word[1:]
        for index, letter in enumerate(letters):
            if letter not in POSTGRES_OPERAND:
                continue
            operand = letters[index + 1 :] or (queue.pop(0) if queue else "")
            shown = f"the command's `-{letter}{'' if letters[index + 1 :] else ' '}{operand}`"
            if letter == "D":
                flag = (operand, shown, key)
            elif letter in "c-":
                name, _, value = operand.partition("=")
                if name.lower().replace("-", "_") == "data_directory":
                    setting = (value, shown, key)
                elif name.lower().replace("-", "_") == "config_file":  # its data_directory wins over -D
                    configured = (None, f"{shown}, a file whose settings this level does not read", key)
            break
    return setting or configured or flag or found
