"""PostgreSQL in the compose stack: its image, its health check, and the volume that holds its data.

"The database" is the service that runs a `postgres` image (else the one service compose pulls
rather than builds). Its data lives where PGDATA says: the official image's default
(`/var/lib/postgresql/data`, or `/var/lib/postgresql/<major>/docker` from 18 on) unless compose sets
another, or its entrypoint's `env` or the server's own options (`-D`, `-c data_directory=`) move it.
"""

from __future__ import annotations

import posixpath
import re
import sys
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ..model import healthtest
from ..model.compose import Service
from ..model.dockerfile import clean_path, normalise_image
from ..model.pgdata import data_directory, wal_directory
from ..model.reference import same_image
from ..model.sources import Sources
from ..observe import persistence
from ..observe.subjects import Container, Stack
from ..vocabulary.health import never_checks
from ..vocabulary.label import Cites, Claim, Label, fail
from ..vocabulary.registry import Registry

POSTGRES = re.compile(r"(^|/)postgres(:|@|$)")


def database(claim: Claim[Any], sources: Sources) -> Service:
    services = sources.compose.services.values()
    found = [s for s in services if POSTGRES.search(normalise_image(s.image or ""))] or sources.compose.pulled()
    if len(found) != 1:
        fail(
            claim,
            "one PostgreSQL service",
            f"{len(found)} candidates ({', '.join(s.name for s in found)})",
            sources.compose.path.name,
        )
    return found[0]


def running_database(claim: Claim[Any], stack: Stack) -> Container:
    return stack.container(database(claim, stack.sources).name)


@dataclass(frozen=True)
class ImageArgs:
    image: str


def _candidates(sources: Sources) -> list[Service]:
    if not sources.has_compose:
        return []
    found = [s for s in sources.compose.services.values() if POSTGRES.search(normalise_image(s.image or ""))]
    return found if len(found) == 1 else []


def _images(sources: Sources) -> Iterable[tuple[int | None, ImageArgs]]:
    yield from ((None, ImageArgs(s.image or "")) for s in _candidates(sources))


DATABASE_IMAGE = Label(
    "Database Image",
    ImageArgs,
    ["{image}"],
    example=ImageArgs("postgres:17"),
    summary="The image the database service runs.",
    scope="stack",
    suggest=_images,
)


@DATABASE_IMAGE.static("the database service's image")
def database_image_static(claim: Claim[ImageArgs], sources: Sources) -> Cites:
    service = database(claim, sources)
    if not same_image(service.image or "", claim.args.image):
        fail(claim, claim.args.image, service.image, f"{sources.compose.path.name} service {service.name}")
    if service.builds:  # compose builds it and gives the build that name: the image is the project's own
        fail(claim, claim.args.image, f"an image built from {service.spec['build'].get('context')}, tagged "
             f"{service.image}", sources.compose.cite("build", service=service.name))  # fmt: skip
    return [sources.compose.cite("image:", service.image or "")]


@DATABASE_IMAGE.running("the running container's image")
def database_image_running(claim: Claim[ImageArgs], stack: Stack) -> Cites:
    db = running_database(claim, stack)
    image = db.inspect["Config"]["Image"]
    if not same_image(image, claim.args.image):
        fail(claim, claim.args.image, image, db.where)
    return []


@dataclass(frozen=True)
class HealthArgs:
    program: str


def _health(sources: Sources) -> Iterable[tuple[int | None, HealthArgs]]:
    for service in _candidates(sources):
        test = list(healthtest.compose_test(service.healthcheck.get("test")))
        if test and health_problem("pg_isready", test) is None:
            yield None, HealthArgs("pg_isready")


DATABASE_HEALTH_CHECK = Label(
    "Database Health Check",
    HealthArgs,
    ["{program}", "Runs {program}"],
    example=HealthArgs("pg_isready"),
    summary="The database service's health check runs this program, and fails when it fails.",
    scope="stack",
    suggest=_health,
)


def health_problem(program: str, test: list[str], disabled: bool = False) -> str | None:
    if disabled:
        return "no health check"
    reading = healthtest.read(test, program, lambda argv: PurePosixPath(argv[0]).name == program)
    idle = never_checks(reading.argv) if reading.argv else None
    return reading.problem or (f"`{reading.shown}`, which only prints and exits 0 ({idle})" if idle else None)


@DATABASE_HEALTH_CHECK.static(
    "the test runs the program (also through `sh -c`, `exec`, `timeout` or `env`), its failure is the test's, and it "
    "does not only print"
)
def database_health_static(claim: Claim[HealthArgs], sources: Sources) -> Cites:
    service = database(claim, sources)
    check = service.healthcheck
    # As the engine gets it: compose's `$$` is one `$` (`exit $$?` keeps the status).
    test = list(healthtest.compose_test(check.get("test")))
    found = health_problem(claim.args.program, test, bool(check.get("disable")))
    if found:
        fail(claim, f"a health check that fails when {claim.args.program} fails", found, f"service {service.name}")
    return [sources.compose.cite("test:")]


@DATABASE_HEALTH_CHECK.running("Docker reports the database healthy")
def database_health_running(claim: Claim[HealthArgs], stack: Stack) -> Cites:
    db = running_database(claim, stack)
    if db.health.get("Status") != "healthy":
        fail(claim, f"a passing {claim.args.program}", db.health.get("Status") or "no health check", db.where)
    return []


@dataclass(frozen=True)
class VolumeArgs:
    volume: str
    path: str


def _volumes(sources: Sources) -> Iterable[tuple[int | None, VolumeArgs]]:
    for service in _candidates(sources):
        pgdata = data_directory(service)[0]
        for volume in service.volumes:
            target = clean_path(str(volume.get("target", "")))
            if volume.get("type") == "volume" and pgdata is not None and _holds(target, pgdata):
                yield None, VolumeArgs(str(volume.get("source")), target)


DATABASE_VOLUME = Label(
    "Database Volume",
    VolumeArgs,
    ["{volume} mounted at {path}"],
    example=VolumeArgs("db-data", "/var/lib/postgresql/data"),
    summary="A named volume holds the database's files: mounted at the path, which is (or holds) PGDATA.",
    scope="stack",
    suggest=_volumes,
)


def _holds(path: str, pgdata: str) -> bool:
    """Whether the data directory is the path or inside it, `..` resolved as the kernel resolves it."""
    path, pgdata = posixpath.normpath(clean_path(path)), posixpath.normpath(clean_path(pgdata))
    return pgdata == path or pgdata.startswith(path.rstrip("/") + "/")


def _home(mounts: list[tuple[str, str, str]], pgdata: str) -> tuple[str, str, str] | None:
    """The mount (type, source, target) the data directory lives on: the deepest one holding it."""
    holding = [m for m in mounts if _holds(m[2], pgdata)]
    return max(holding, key=lambda m: len(posixpath.normpath(m[2]))) if holding else None


@DATABASE_VOLUME.static(
    "a named volume mounted at the path, and the data directory on it (compose's PGDATA, else the default of the "
    "image's major version, as an entrypoint `env` or the server's `-D` or `-c data_directory=` changes it, past "
    "a wrapper such as `tini --` or `gosu`), and initdb's write-ahead log where it is kept apart (--waldir): no "
    "other mount (a tmpfs, another volume) deeper in the path holds them; "
    "a data directory this level cannot tell (a shell's script, a tag without a major version) fails"
)
def database_volume_static(claim: Claim[VolumeArgs], sources: Sources) -> Cites:
    service = database(claim, sources)
    name, target = claim.args.volume, clean_path(claim.args.path)
    mounts = [(str(v.get("type")), str(v.get("source")), clean_path(str(v.get("target", "")))) for v in service.volumes]
    mounts += [("tmpfs", "", clean_path(path.split(":")[0])) for path in service.tmpfs]
    if ("volume", name, target) not in mounts or name not in sources.compose.volumes:
        fail(claim, f"named volume {name} at {target}", mounts, f"service {service.name}")
    options = (sources.compose.volumes[name] or {}).get("driver_opts") or {}
    kind = str(options.get("type", "")).lower()
    if kind in ("tmpfs", "ramfs"):  # in memory while mounted: a recreated container finds it empty
        fail(claim, f"the database's files kept on {name}", f"{name} in memory (driver_opts type: {kind})",
             sources.compose.cite("driver_opts"))  # fmt: skip
    pgdata, said, key = data_directory(service)
    where = sources.compose.cite(key, service=service.name)  # the line that decides: PGDATA, image, entrypoint…
    if pgdata is None:  # not this level's to know: a reader's promise is not kept on a guess
        has = f"a data directory this level cannot tell ({said}); the running level asks PostgreSQL itself"
        fail(claim, f"the database's files on {name}", has, where)
    if _home(mounts, pgdata) != ("volume", name, target):
        home = _home(mounts, pgdata)
        place = f"on the {home[0]} at {home[2]}" if home else f"outside {target}"
        has = f"data directory {pgdata} ({said}), {place}" if pgdata else f"no data directory ({said}): the " \
            "server cannot start"  # fmt: skip
        fail(claim, f"the database's files on {name}", has, where)
    wal = wal_directory(service)  # the log the data directory needs to start: on the volume too
    if wal is not None and _home(mounts, wal[0]) != ("volume", name, target):
        key = "POSTGRES_INITDB_WALDIR" if wal[1] == "POSTGRES_INITDB_WALDIR" else "POSTGRES_INITDB_ARGS"
        home = _home(mounts, wal[0])
        kept = (
            f"on the {home[0]} {home[1] or 'at ' + home[2]}"
            if home
            else "outside it: a recreated container cannot start"
        )
        has = f"its write-ahead log at {wal[0]} ({wal[1]}), not on {name} but {kept}"
        fail(claim, f"the database's files on {name}", has, sources.compose.cite(key, service=service.name))
    return [sources.compose.cite(name, target)]


# Written in one container, read in the recreated one: the row outlives the container only on a volume.
SQL = 'PGPASSWORD="$POSTGRES_PASSWORD" psql -h 127.0.0.1 -U "${POSTGRES_USER:-postgres}" '
SQL += '-d "${POSTGRES_DB:-${POSTGRES_USER:-postgres}}" -v ON_ERROR_STOP=1 -Atc "$1"'
WRITE = "CREATE TABLE docverify_probe (token text); INSERT INTO docverify_probe VALUES ('{token}'); SHOW data_directory"
READ = "SELECT token FROM docverify_probe"


@DATABASE_VOLUME.running(
    "the container's mounts; then, in a project of its own, PostgreSQL's own data_directory on that volume, and a "
    "row written, the container recreated, the row read back",
    uses="own",  # the mounts Docker keeps of the container; the experiment in a project of its own
)
def database_volume_running(claim: Claim[VolumeArgs], stack: Stack) -> Cites:
    db = running_database(claim, stack)
    wanted = clean_path(claim.args.path)
    mounted = [m for m in db.mounts if m["Type"] == "volume" and m["Destination"].rstrip("/") == wanted]
    # Compose names a project's volume `<project>_<volume>` (an external or named one keeps its own name).
    if not mounted or mounted[0]["Name"] not in (f"{stack.project}_{claim.args.volume}", claim.args.volume):
        fail(
            claim,
            f"volume {claim.args.volume} at {wanted}",
            [(m.get("Name"), m["Destination"]) for m in db.mounts],
            db.where,
        )
    token = uuid.uuid4().hex
    write = ["sh", "-c", SQL, "sh", WRITE.format(token=token)]
    outcome = persistence.recreate(stack.compose, db.service, write, ["sh", "-c", SQL, "sh", READ])
    where = f"service {db.service} in a compose project of its own"
    if outcome.error or outcome.same_container:
        fail(claim, "the database written, recreated and read", outcome.error or "a container not recreated", where)
    mounts = [(str(m["Type"]), str(m.get("Name") or ""), str(m["Destination"])) for m in db.mounts]
    mounts += [("tmpfs", "", str(path)) for path in db.host_config.get("Tmpfs") or {}]
    directory = (outcome.wrote.splitlines() or [""])[-1]  # psql prints each statement's tag, then SHOW's answer
    home = _home(mounts, directory)
    if not directory.startswith("/") or home is None or home[0] != "volume" or home[2] != mounted[0]["Destination"]:
        shown = directory if directory.startswith("/") else outcome.wrote.strip()[-200:]
        has = f"data_directory {shown}" + (f", on the {home[0]} at {home[2]}" if home else "")
        fail(claim, f"the database's files on {claim.args.volume}", has, where)
    if outcome.read != token:
        fail(claim, "a row that outlives its container", f"after recreating it: {outcome.read[-200:]!r}", where)
    return []


def register(registry: Registry) -> None:
    registry.add_module(sys.modules[__name__], "postgres")
