"""Credentials compose takes from the environment: each with a development default, none written out by hand.

Read through compose's own model twice: once with every variable set to a marker (which services take
it, and where), once with none set (the defaults it then falls back to).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, unquote, urlsplit

from ..model import shell
from ..model.compose import ComposeModel
from ..model.healthtest import compose_test
from ..model.shellcommand import SHELLS
from ..model.sources import Sources
from .label import Cites, Claim, Label, fail


@dataclass(frozen=True)
class CredentialsArgs:
    variables: tuple[str, ...]


CREDENTIALS = Label(
    "Credentials",
    CredentialsArgs,
    ["{variables*} come from the environment, with development defaults"],
    example=CredentialsArgs(("POSTGRES_USER", "POSTGRES_PASSWORD")),
    summary="Variables compose takes from the environment, each with a default, and no service holds by hand.",
    scope="stack",
)


def _default_in(given: str, unset: str, marker: str) -> str | None:
    """What `unset` holds where `given` holds the marker (once): the variable's default in that value."""
    if given.count(marker) != 1:
        return None
    before, after = given.split(marker)
    fits = unset.startswith(before) and unset.endswith(after) and len(unset) >= len(before) + len(after)
    return unset[len(before) : len(unset) - len(after)] if fits else None


@CREDENTIALS.static(
    "compose config with each variable set passes it through; unset, a non-empty default; no "
    "service of any profile sets the variable, or holds a default where a credential goes in its environment, "
    "command, entrypoint or health test (the whole value under a key naming what the variable holds, the database's, "
    "a secret's under any; a PostgreSQL program's user or database option; a URL's user, password, database or query "
    "keyword, percent-escapes decoded; a connection string's keyword), written out by hand"
)
def credentials_static(claim: Claim[CredentialsArgs], sources: Sources) -> Cites:
    # Every profile's services: one is a `--profile` away from being up.
    model, every = sources.compose, sources.every_profile
    marker = {name: f"docverify-{name.lower()}" for name in claim.args.variables}
    given = ComposeModel(model.path, {**marker, "COMPOSE_PROFILES": "*"})
    cited = []
    for name in claim.args.variables:
        holders = [(s, k) for s in given.services.values() for k, v in s.environment.items() if marker[name] in str(v)]
        if not holders:
            fail(claim, f"{name} from the environment", f"no service taking {name} when it is set", model.path.name)
        for service, key in holders:
            default = every.services[service.name].environment.get(key)
            if not default:
                fail(
                    claim,
                    f"{name} with a development default",
                    f"{key}: {default!r} with {name} unset",
                    f"service {service.name}",
                )
        cited.append(model.cite(f"{name}"))
        # A service that sets the variable itself takes it from the environment too (`POSTGRES_PASSWORD: x` is not).
        fixed = [
            s for s in given.services.values() if name in s.environment and marker[name] not in str(s.environment[name])
        ]
        if fixed:
            fail(claim, f"{name} from the environment", f"{name}: {fixed[0].environment[name]!r}, set by hand",
                 model.cite(f"{name}:", service=fixed[0].name))  # fmt: skip
    # No service may carry a credential's default written out by hand; a default is what stands where the
    # variable's value goes (`postgres://u:${PASSWORD:-dev}@db` defaults it to `dev` too).
    defaults = {
        name: found
        for name in claim.args.variables
        for s in given.services.values()
        for k, v in s.environment.items()
        if (found := _default_in(str(v), str(every.services[s.name].environment.get(k) or ""), marker[name]))
    }
    for service in given.services.values():
        # Its environment, and the words of its command and entrypoint (`redis-server --requirepass devpass`).
        said = [(k, str(v or "")) for k, v in service.environment.items()]
        for key in ("command", "entrypoint", "healthcheck"):
            value = service.spec.get(key)
            if key == "healthcheck":  # as Docker runs it: `CMD-SHELL` through `sh -c`
                test = list(compose_test(service.healthcheck.get("test")))
                value = ["sh", "-c", *test[1:2]] if test[:1] == ["CMD-SHELL"] else test[1:]
            argv = shlex.split(value) if isinstance(value, str) else [str(w) for w in value or []]
            said += _option_words(argv, str(service.image or key), key)
        for key, text in said:
            leaked = [n for n, d in defaults.items() if d and _holds(key, text, n, d) and marker[n] not in text]
            if leaked:
                fail(
                    claim,
                    f"{leaked[0]} everywhere from the environment",
                    f"{key} holding its default by hand",
                    f"service {service.name}",
                )
    return sorted(set(cited))


# What a variable's last word says it holds, and the words a key naming the same thing may use.
KINDS = {
    "USER": ("USER", "LOGIN"),
    "USERNAME": ("USER", "LOGIN"),
    "DB": ("DB", "DATABASE"),
    "DATABASE": ("DB", "DATABASE"),
}
SECRET = ("PASSWORD", "PASS", "PWD", "SECRET", "TOKEN", "KEY")
# Words by which a key says it is the database's (`PGUSER`, `DB_USER`); `DJANGO_SUPERUSER_USERNAME` is another's.
DATABASE_WORDS = ("DB", "DATABASE", "PG", "POSTGRES", "SQL", "DSN")
# The short options of PostgreSQL's programs (psql, pg_dump, pg_isready) for the user and the database.
SHORT = {"-U": "--username", "-d": "--dbname"}
POSTGRES = re.compile(r"(psql|pg_\w+|postgres(ql)?)([:@].*)?$")  # a program, or an image by its name and tag


def _option_words(argv: list[str], image: str, key: str) -> list[tuple[str, str]]:
    """Each word of a command line under its key. An option's name, after its program's, is the key of its value:
    `postgres --username=backend` (a database's user), `gunicorn --user backend` (a Unix user). Words that start
    with an option go to the image's own entrypoint, which the image names. A shell's `-c` script is read as its
    commands (`sh -c "pg_dump -U backend"`), and PostgreSQL's programs' `-U` and `-d` as `--username`, `--dbname`."""
    program = PurePosixPath(argv[0] if argv and argv[0][:1] != "-" else image).name
    if program in SHELLS and "-c" in argv[:-1]:
        script = argv[argv.index("-c") + 1]
        try:
            return [pair for c in shell.commands(script) for pair in _option_words(list(c.argv), image, key)]
        except shell.ShellError:
            return [(key, script)]
    # PostgreSQL's programs name the database: `psql -U backend` (also `-Ubackend`); others' options stand alone
    # (`dbmate -d` is a folder, `gunicorn --user` a Unix user).
    postgres = bool(POSTGRES.match(program))
    short, named = (SHORT, f"{program} ") if postgres else ({}, "")
    said = []
    for before, word in zip(["", *argv], argv, strict=False):
        option, equals, value = word.partition("=")
        glued = next((o for o in short if word.startswith(o) and len(word) > len(o)), None)
        if word.startswith("--") and equals:
            said.append((named + option, value))
        elif glued:
            said.append((named + short[glued], word[len(glued) :]))
        else:
            said.append((named + short.get(before, before) if before.startswith("-") else key, word))
    return said


def _holds(key: str, value: str, name: str, default: str) -> bool:
    """Whether a value carries the default where a credential goes: the whole value of a key naming what the
    variable holds, as the database's (`DB_USER`, `PGDATABASE`; a secret's under any key), a URL's user, password or
    database (also as `?password=`), or a keyword of a connection string (`user=backend`); not a path that has the
    word in it, nor an application's name that happens to be the user's."""
    kind, key = name.upper().rsplit("_", 1)[-1], key.upper()
    named = any(word in key for word in KINDS.get(kind, (kind,)))
    own = any(word in key for word in (*DATABASE_WORDS, name.upper().rpartition("_")[0]) if word)
    if value == default and (kind in SECRET or (named and own)):
        return True
    url = urlsplit(value)
    if url.scheme and url.netloc:
        held = [unquote(url.username or ""), unquote(url.password or ""), unquote(url.path.lstrip("/"))]
        held += [v for k, v in parse_qsl(url.query) if k in ("user", "password", "dbname")]
        return default in held
    return re.search(rf"\b(?:user|password|dbname)\s*=\s*['\"]?{re.escape(default)}(?![\w-])", value) is not None
