"""What each claim label means, as one small check per level.

An entry names the label (and, for nested claims, the verb or `variable`),
how many backticked values it reads, and its checks. A check receives the
claim and the level's subject; it returns quietly or raises `ClaimFailed`
through `fail()`. Adding a documented property means adding an entry and
a function per level where it can be seen.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .claims import Claim
from .subjects import ClaimFailed, ClaimUnreadable, Images, Sources, Stack

LEVELS = ("static", "image", "running")


@dataclass
class Entry:
    keys: tuple[tuple[str, str | None], ...]
    least: int = 1
    most: int | None = None
    staged: bool = False
    checks: dict[str, Callable] = field(default_factory=dict)

    def read(self, claim: Claim) -> None:
        """Collection-time reading: an unreadable claim is an error, never a pass."""
        count = len(claim.values)
        if count < self.least or (self.most is not None and count > self.most):
            wanted = f"{self.least}" if self.most == self.least else f"{self.least} to {self.most or 'any'}"
            raise ClaimUnreadable(
                f"{claim.where()}: **{claim.title}** needs {wanted} `value`(s), found {count}: {claim.text!r}"
            )
        if self.staged and claim.stage() is None:
            raise ClaimUnreadable(f"{claim.where()}: **{claim.title}** needs a `Stage N: Name` heading above it")

    def static(self, check):
        self.checks["static"] = check
        return check

    def image(self, check):
        self.checks["image"] = check
        return check

    def running(self, check):
        self.checks["running"] = check
        return check


VOCABULARY: dict[tuple[str, str | None], Entry] = {}


def entry(*keys: str | tuple[str, str], **options) -> Entry:
    normalised = tuple(key if isinstance(key, tuple) else (key, None) for key in keys)
    made = Entry(normalised, **options)
    for key in normalised:
        VOCABULARY[key] = made
    return made


def lookup(claim: Claim) -> Entry:
    found = VOCABULARY.get(claim.key)
    if found is None:
        known = sorted({label for label, _ in VOCABULARY})
        what = f"**{claim.label}:** {claim.verb} ..." if claim.verb else f"**{claim.label}:**"
        raise ClaimUnreadable(f"{claim.where()}: no check reads {what}; known labels: {', '.join(known)}")
    found.read(claim)
    return found


def fail(claim: Claim, says, has, where: str) -> None:
    raise ClaimFailed(f"{claim.where()} {claim.title}: docs say {says}; {where} has {has}")


def words(values) -> str:
    return ", ".join(values)


# --- helpers over the Dockerfile -------------------------------------------

def commands_named(stage, program: str, subcommand: str | None = None):
    """(instruction, words) for each simple command running `program [subcommand]`."""
    found = []
    for instruction, argv in stage.runs():
        argv = [w for w in argv if not re.match(r"^[A-Z_][A-Z0-9_]*=", w)]  # env prefixes
        if not argv or Path(argv[0]).name != program:
            continue
        if subcommand and subcommand not in argv[1:3]:
            continue
        found.append((instruction, argv))
    return found


def plain(words_: list[str]) -> list[str]:
    """Arguments without options and version pins: `poetry==2.5.1` -> `poetry`."""
    return [re.split(r"[=<>~!\[]", w)[0] for w in words_ if not w.startswith("-") and not w.startswith("$")]


def cite_all(sources: Sources, found) -> None:
    sources.cite(*{instruction for instruction, _ in found})


def require(claim: Claim, sources: Sources, stage, found, says: str) -> None:
    """The stage runs the command the claim describes (`found` is non-empty); cite it."""
    if not found:
        fail(claim, says, "no such command", f"stage {stage.label}")
    cite_all(sources, found)


# --- Dockerfile: stage properties ------------------------------------------

base_image = entry("Base Image", least=1, most=1, staged=True)


@base_image.static
def base_image_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    sources.cite(stage.from_instruction)
    if stage.base != claim.values[0]:
        fail(claim, claim.values[0], stage.base, f"{stage.from_instruction.where} ({stage.label})")


@base_image.image
def base_image_layers(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    base = images.base_layers.get(claim.values[0])
    if base is None:
        fail(claim, claim.values[0], "no such base image to compare layers with", "the Docker engine")
    if image.layers[: len(base)] != base:
        fail(claim, f"layers of {claim.values[0]} ({len(base)} layers)", "a different layer stack at its bottom", image.where)


working_directory = entry("Working Directory", least=1, most=1, staged=True)


@working_directory.static
def working_directory_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    workdirs = stage.all("WORKDIR")
    sources.cite(*workdirs)
    if not workdirs:
        fail(claim, claim.values[0], "no WORKDIR", f"{stage.from_instruction.where} ({stage.label})")
    # A stage documented as working in one directory must not wander off.
    for workdir in workdirs:
        if workdir.value != claim.values[0]:
            fail(claim, claim.values[0], f"WORKDIR {workdir.value}", f"{workdir.where} ({stage.label})")


def image_config_is(claim: Claim, images: Images, key: str, expected, absent: str) -> None:
    """The image's `docker inspect` Config[key] is what the docs say."""
    image = images.image(claim)
    actual = image.inspect["Config"].get(key)
    if actual != expected:
        fail(claim, expected, actual or absent, image.where)


@working_directory.image
def working_directory_image(claim: Claim, images: Images) -> None:
    image_config_is(claim, images, "WorkingDir", claim.values[0], "no working directory")


@working_directory.running
def working_directory_running(claim: Claim, stack: Stack) -> None:
    cwd = stack.backend_facts["pid1"]["cwd"]
    if cwd != claim.values[0]:
        fail(claim, claim.values[0], f"PID 1 working in {cwd}", stack.service_where("backend"))


build_argument = entry("Build Argument", least=1, staged=True)


@build_argument.static
def build_argument_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    name = claim.values[0]
    args = [i for i in stage.all("ARG") if i.value.split("=")[0] == name]
    if not args:
        fail(claim, f"ARG {name}", f"ARGs {[i.value for i in stage.all('ARG')]}", f"{stage.from_instruction.where} ({stage.label})")
    sources.cite(*args)
    users = [i for i in stage.all("RUN") if f"${name}" in i.value or f"${{{name}" in i.value]
    if not users:
        fail(claim, f"{name} handed to pip and Poetry", "no RUN that reads it", f"stage {stage.label}")


dependencies = entry("Dependencies", staged=True)


def installs_each(claim: Claim, sources: Sources, stage, found, tool: str) -> None:
    """Every claim value is installed by one of the `found` install commands."""
    cite_all(sources, found)
    installed = {w for _, argv in found for w in plain(argv[2:])}
    if any(v not in installed for v in claim.values):
        where = found[0][0].where if found else stage.from_instruction.where
        fail(claim, f"{tool} installs {words(claim.values)}", f"{tool} install of {words(sorted(installed)) or 'nothing'}", f"{where} ({stage.label})")


def holds_each(claim: Claim, images: Images, fact: str, what: str) -> None:
    """Every claim value is among the image's facts[fact] (dpkg packages, distributions)."""
    image = images.image(claim)
    missing = [v for v in claim.values if v not in image.facts[fact]]
    if missing:
        fail(claim, f"{words(claim.values)} installed", f"no {words(missing)} in {what}", image.where)


@dependencies.static
def dependencies_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    installs_each(claim, sources, stage, commands_named(stage, "apt-get", "install"), "apt-get")


@dependencies.image
def dependencies_image(claim: Claim, images: Images) -> None:
    holds_each(claim, images, "packages", "the dpkg database")


poetry_setup = entry("Poetry Setup", staged=True)


@poetry_setup.static
def poetry_setup_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    # A bare `pip` is the base image's; a path like /venv/bin/pip is a venv's.
    found = [(i, argv) for i, argv in commands_named(stage, "pip", "install") if "/" not in argv[0]]
    installs_each(claim, sources, stage, found, "pip")


@poetry_setup.image
def poetry_setup_image(claim: Claim, images: Images) -> None:
    holds_each(claim, images, "system_distributions", "the system Python")


copies = entry(("Copy Artifacts", "Copies"), ("Dependency Export", "Copies"), least=1, staged=True)


def copy_expectation(claim: Claim, sources: Sources, stage):
    """(from stage or None, sources, destination) a `Copies` claim reads."""
    values = list(claim.values)
    from_stage = values.pop(0) if sources.dockerfile.stage_named(values[0]) else None
    if from_stage and len(values) == 1:
        return from_stage, values, values[0]  # "from `builder` to `/venv`": the same path there
    destination = values.pop() if len(values) > 1 and values[-1].startswith("/") else None
    return from_stage, values, destination


@copies.static
def copies_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    from_stage, wanted, destination = copy_expectation(claim, sources, stage)
    for copy in stage.all("COPY"):
        *copied, target = copy.arguments()
        if copy.flags().get("from") != from_stage:
            continue
        if all(w.rstrip("/") in [c.rstrip("/") for c in copied] for w in wanted) and (
            destination is None or target.rstrip("/") == destination.rstrip("/")
        ):
            sources.cite(copy)
            return
    has = "; ".join(f"{c.where} COPY {c.value}" for c in stage.all("COPY")) or "no COPY"
    says = f"COPY {'--from=' + from_stage + ' ' if from_stage else ''}{' '.join(wanted)} {destination or '(workdir)'}"
    fail(claim, says, has, f"stage {stage.label}")


@copies.image
def copies_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    stage = image.stage
    from_stage, wanted, destination = copy_expectation(claim, images.sources, stage)
    if from_stage:
        source = images.by_stage[images.sources.dockerfile.stage_named(from_stage).index]
        if image.fact(destination).get("type") != "dir":
            fail(claim, destination, "no such directory", image.where)
        here, there = image.facts["venvs"].get(destination), source.facts["venvs"].get(destination)
        if here != there:
            fail(claim, f"{destination} as in {from_stage} ({len(there or {})} distributions)",
                 f"{len(here or {})} distributions, differing in {sorted(set((here or {}).items()) ^ set((there or {}).items()))[:5]}", image.where)
        return
    workdir = image.inspect["Config"].get("WorkingDir") or "/"
    for source in wanted:
        local = images.sources.root / source
        target = destination or f"{workdir.rstrip('/')}/{Path(source).name}"
        if local.is_dir():
            tree = image.facts["trees"].get(target)
            if tree is None:
                fail(claim, f"{source} in {target}", "no tree probed there", image.where)
            for path in sorted(local.rglob("*")):
                relative = path.relative_to(local).as_posix()
                if path.is_file() and "__pycache__" not in path.parts and relative in tree and tree[relative].get("sha256") != _sha256(path):
                    fail(claim, f"{source}/{relative} copied", f"a different {target}/{relative}", image.where)
                if path.is_file() and "__pycache__" not in path.parts and relative not in tree and not _ignored(relative):
                    fail(claim, f"{source}/{relative} copied", f"no {target}/{relative}", image.where)
        else:
            fact = image.fact(target)
            if fact.get("type") != "file":
                fail(claim, f"{source} at {target}", fact.get("type"), image.where)
            if destination and fact.get("sha256") != _sha256(local):
                fail(claim, f"{source} at {target}", "different content", image.where)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ignored(relative: str) -> bool:
    # What .dockerignore keeps out of the app tree (local runs leave these behind).
    return relative.split("/")[0] in {"db.sqlite3", "logs", "staticfiles", "mediafiles"}


runs = entry(("Dependency Export", "Runs"), least=1, staged=True)


@runs.static
def runs_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    for command in claim.values:
        program, *rest = command.split()
        found = [(i, argv) for i, argv in commands_named(stage, program) if argv[1 : 1 + len(rest)] == rest]
        require(claim, sources, stage, found, f"RUN {command}")


@runs.image
def runs_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    if "poetry lock" in claim.values:
        check = image.facts.get("poetry_check_lock") or {"code": None, "stderr": "no poetry or pyproject.toml"}
        if check["code"] != 0:
            fail(claim, "a lock file fresh for pyproject.toml", f"`poetry check --lock` saying {check['stdout']}{check['stderr']}".strip(), image.where)


exports = entry(("Dependency Export", "Exports"), least=2, staged=True)


def export_groups(claim: Claim, sources: Sources) -> tuple[set[str], str]:
    groups = set(sources.pyproject["tool"]["poetry"].get("group", {}))
    named = {v for v in claim.values if v in groups}
    files = [v for v in claim.values if v not in groups]
    if not named or len(files) != 1:
        raise ClaimUnreadable(f"{claim.where()}: **{claim.title}** names groups {sorted(named)} and files {files}; "
                              f"it needs Poetry groups (of {sorted(groups)}) and one output file")
    return named, files[0]


@exports.static
def exports_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    named, output = export_groups(claim, sources)
    for instruction, argv in commands_named(stage, "poetry", "export"):
        options = " ".join(argv)
        groups = set()
        for match in re.finditer(r"--(?:only|with)[= ](\S+)", options):
            groups |= set(match.group(1).split(","))
        out = re.search(r"(?:--output|-o)[= ](\S+)", options)
        sources.cite(instruction)
        if groups != named or not out or out.group(1) != output:
            fail(claim, f"poetry export of groups {words(sorted(named))} to {output}",
                 f"`{' '.join(argv)}`", f"{instruction.where} ({stage.label})")
        return
    fail(claim, "poetry export", "no `poetry export`", f"stage {stage.label}")


@exports.image
def exports_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    named, output = export_groups(claim, images.sources)
    text = image.facts.get("requirements")
    if text is None:
        fail(claim, f"{output} in {image.facts['workdir']}", "no such file", image.where)
    exported = {re.split(r"[=<>;\s]", line)[0].lower() for line in text.splitlines() if line and not line.startswith((" ", "-", "#"))}
    wanted = {name.lower() for name in images.sources.group_packages(named)}
    if exported != wanted:
        extra, missing = sorted(exported - wanted), sorted(wanted - exported)
        fail(claim, f"exactly the packages of groups {words(sorted(named))} ({len(wanted)})",
             f"{output} with extra {extra} and missing {missing}", image.where)


virtual_environment = entry("Virtual Environment", least=2, staged=True)


@virtual_environment.static
def virtual_environment_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    venv, requirements = claim.values[0], claim.values[-1]
    made = [(i, a) for i, a in commands_named(stage, "python") + commands_named(stage, "python3") if a[1:4] == ["-m", "venv", venv]]
    installs = [(i, a) for i, a in commands_named(stage, "pip", "install")
                if a[0] == f"{venv}/bin/pip" and "-r" in a and a[a.index("-r") + 1] == requirements]
    require(claim, sources, stage, made, f"python -m venv {venv}")
    require(claim, sources, stage, installs, f"{venv}/bin/pip install -r {requirements}")


@virtual_environment.image
def virtual_environment_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    installed = image.facts["venvs"].get(claim.values[0])
    if not installed or "error" in installed:
        fail(claim, f"a virtual environment at {claim.values[0]}", f"none usable ({installed})", image.where)
    pins = image.facts.get("requirements_pins", {})
    wrong = {n: (v, installed.get(n)) for n, v in pins.items() if installed.get(n) != v}
    if not pins or wrong:
        fail(claim, f"{claim.values[0]} holding {claim.values[-1]}", f"mismatches {wrong}" if pins else "no pins read", image.where)


# --- Dockerfile: the user ---------------------------------------------------

user_setup = entry("User Setup", least=1, staged=True)


def user_expectation(claim: Claim) -> tuple[str, int | None]:
    uid = re.search(r"UID\s+`?(\d+)`?", claim.text)
    names = [v for v in claim.values if not v.isdigit()]
    if not names:
        raise ClaimUnreadable(f"{claim.where()}: **{claim.title}** names no user in backticks")
    return names[0], int(uid.group(1)) if uid else None


@user_setup.static
def user_setup_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    name, uid = user_expectation(claim)
    for instruction, argv in commands_named(stage, "useradd") + commands_named(stage, "adduser"):
        if argv[-1] == name:
            sources.cite(instruction)
            given = argv[argv.index("--uid") + 1] if "--uid" in argv else argv[argv.index("-u") + 1] if "-u" in argv else None
            if uid is not None and given != str(uid):
                fail(claim, f"{name} with UID {uid}", f"{name} with UID {given or '(any)'}", f"{instruction.where} ({stage.label})")
            return
    fail(claim, f"a user {name}", "no useradd of it", f"stage {stage.label}")


@user_setup.image
def user_setup_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    name, uid = user_expectation(claim)
    user = image.facts["users"].get(name)
    if user is None or (uid is not None and user["uid"] != uid) or user["uid"] == 0:
        fail(claim, f"non-root {name} with UID {uid}", user and f"UID {user['uid']}" or "no such user", image.where)


@user_setup.running
def user_setup_running(claim: Claim, stack: Stack) -> None:
    name, uid = user_expectation(claim)
    if stack.backend_facts["pid1"]["uid"] != uid:
        fail(claim, f"the server as {name} (UID {uid})", f"PID 1 with UID {stack.backend_facts['pid1']['uid']}", stack.service_where("backend"))


user = entry("User", least=1, most=1, staged=True)


@user.static
def user_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    last = stage.last("USER")
    if last is None or last.value != claim.values[0]:
        fail(claim, f"USER {claim.values[0]}", f"USER {last.value}" if last else "no USER (root)", f"{(last or stage.from_instruction).where} ({stage.label})")
    sources.cite(*stage.all("USER"))


@user.image
def user_image(claim: Claim, images: Images) -> None:
    image_config_is(claim, images, "User", claim.values[0], "root")


@user.running
def user_running(claim: Claim, stack: Stack) -> None:
    uid = stack.backend_facts["users"].get(claim.values[0], {}).get("uid")
    if stack.backend_facts["pid1"]["uid"] != uid:
        fail(claim, f"the server running as {claim.values[0]} (UID {uid})", f"PID 1 with UID {stack.backend_facts['pid1']['uid']}", stack.service_where("backend"))


# --- Dockerfile: files and permissions --------------------------------------

creates = entry(("Permissions & Directories", "Creates"), staged=True)


@creates.static
def creates_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    found = commands_named(stage, "mkdir")
    made = {w for _, argv in found for w in argv[1:] if not w.startswith("-")}
    missing = [v for v in claim.values if v not in made]
    if missing:
        fail(claim, f"mkdir {words(claim.values)}", f"mkdir of {words(sorted(made)) or 'nothing'}", f"stage {stage.label}")
    cite_all(sources, found)


@creates.image
def creates_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    for path in claim.values:
        kind = image.facts["paths"].get(path, {}).get("type", "not probed")
        if kind != "dir":
            fail(claim, f"directory {path}", kind, image.where)


changes = entry(("Permissions & Directories", "Changes"), least=2, staged=True)


@changes.static
def changes_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    path, owner = claim.values[0], claim.values[-1]
    chowns = [(i, a) for i, a in commands_named(stage, "chown") if a[-1] != a[1] and path in a[2:] and a[1].split(":")[0] in (owner,)]
    require(claim, sources, stage, chowns, f"chown {owner} {path}")
    # Code copied into the path must arrive owned too (COPY --chown, not chown -R).
    for copy in stage.all("COPY"):
        target = copy.arguments()[-1]
        if (target == path or target.startswith(path.rstrip("/") + "/")):
            sources.cite(copy)
            if copy.flags().get("chown", "").split(":")[0] != owner:
                fail(claim, f"everything in {path} owned by {owner}", f"COPY into {target} without --chown={owner}", f"{copy.where} ({stage.label})")


@changes.image
def changes_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    path, owner = claim.values[0], claim.values[-1]
    uid = image.facts["users"].get(owner, {}).get("uid")
    top = image.facts["paths"].get(path, {})
    if top.get("uid") != uid:
        fail(claim, f"{path} owned by {owner} (UID {uid})", f"owner UID {top.get('uid')}", image.where)
    wrong = sorted(rel for rel, fact in image.facts["trees"].get(path, {}).items() if fact.get("uid") != uid)
    if wrong:
        fail(claim, f"everything in {path} owned by {owner}", f"{len(wrong)} paths owned by others, e.g. {path}/{wrong[0]}", image.where)


makes = entry(("Permissions & Directories", "Makes"), least=1, staged=True)


@makes.static
def makes_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    found = [(i, a) for i, a in commands_named(stage, "chmod") if "+x" in a[1] and any(Path(p).name == claim.values[0] for p in a[2:])]
    require(claim, sources, stage, found, f"chmod +x {claim.values[0]}")


@makes.image
def makes_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    matches = {p: f for p, f in image.facts["paths"].items() if Path(p).name == claim.values[0]}
    if not matches or any(f.get("mode", 0) & 0o111 != 0o111 for f in matches.values()):
        fail(claim, f"{claim.values[0]} executable by everyone", {p: oct(f.get("mode", 0)) for p, f in matches.items()} or "no such file", image.where)


# --- Dockerfile: environment, health, start ---------------------------------

variable = entry(("Environment Variables", "variable"), least=1, staged=True)


def variable_holds(claim: Claim, value: str | None) -> bool:
    if value is None:
        return False
    if claim.text.split(":", 1)[1].strip().lower().startswith(("adds", "prepends")):
        return value.split(":")[0] == claim.values[0]
    return value == claim.values[0]


@variable.static
def variable_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    setting = [i for i in stage.all("ENV") if claim.variable in i.env()]
    if not setting:
        fail(claim, f"ENV {claim.variable}", "no ENV of it", f"stage {stage.label}")
    sources.cite(*setting)
    value = setting[-1].env()[claim.variable]
    if not variable_holds(claim, value):
        fail(claim, f"{claim.variable} with {claim.values[0]}", f"{claim.variable}={value}", f"{setting[-1].where} ({stage.label})")


@variable.image
def variable_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    value = image.env.get(claim.variable)
    if not variable_holds(claim, value):
        fail(claim, f"{claim.variable} with {claim.values[0]}", f"{claim.variable}={value}", image.where)


@variable.running
def variable_running(claim: Claim, stack: Stack) -> None:
    value = stack.backend_facts["pid1"]["env"].get(claim.variable)
    if not variable_holds(claim, value):
        fail(claim, f"{claim.variable} with {claim.values[0]}", f"{claim.variable}={value} in PID 1", stack.service_where("backend"))


healthcheck = entry("Healthcheck", least=1, staged=True)


def healthcheck_holds(claim: Claim, test: list[str]) -> bool:
    program = Path(test[0]).name if test else None
    return program == claim.values[0] and all(any(v in word for word in test) for v in claim.values[1:])


@healthcheck.static
def healthcheck_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    last = stage.last("HEALTHCHECK")
    if last is None:
        fail(claim, f"a HEALTHCHECK using {words(claim.values)}", "no HEALTHCHECK", f"stage {stage.label}")
    sources.cite(last)
    test = last.healthcheck_command()
    if not healthcheck_holds(claim, test):
        fail(claim, f"a health check using {words(claim.values)}", f"`{' '.join(test)}`", f"{last.where} ({stage.label})")


@healthcheck.image
def healthcheck_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    test = (image.inspect["Config"].get("Healthcheck") or {}).get("Test") or []
    if not healthcheck_holds(claim, test[1:]):
        fail(claim, f"a health check using {words(claim.values)}", test or "no health check", image.where)


@healthcheck.running
def healthcheck_running(claim: Claim, stack: Stack) -> None:
    health = stack.containers["backend"]["State"].get("Health") or {}
    if health.get("Status") != "healthy":
        log = (health.get("Log") or [{}])[-1].get("Output", "")
        fail(claim, "a passing health check", f"status {health.get('Status')} ({log.strip()[:200]})", stack.service_where("backend"))


entrypoint = entry("Entrypoint", least=1, most=1, staged=True)


@entrypoint.static
def entrypoint_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    last = stage.last("ENTRYPOINT")
    if last is None or last.arguments() != [claim.values[0]]:
        fail(claim, f'ENTRYPOINT ["{claim.values[0]}"]', last and f"ENTRYPOINT {last.value}" or "no ENTRYPOINT", f"{(last or stage.from_instruction).where} ({stage.label})")
    sources.cite(last)


@entrypoint.image
def entrypoint_image(claim: Claim, images: Images) -> None:
    image_config_is(claim, images, "Entrypoint", [claim.values[0]], "no entrypoint")


command = entry("Command", least=1, staged=True)


def command_holds(claim: Claim, argv: list[str]) -> bool:
    return bool(argv) and Path(argv[0]).name == claim.values[0] and all(v in argv for v in claim.values[1:] if v != "exec")


@command.static
def command_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    last = stage.last("CMD")
    if last is None or not command_holds(claim, last.arguments()):
        fail(claim, words(claim.values), last and f"CMD {last.value}" or "no CMD", f"{(last or stage.from_instruction).where} ({stage.label})")
    sources.cite(last)


@command.image
def command_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    if not command_holds(claim, image.inspect["Config"].get("Cmd") or []):
        fail(claim, words(claim.values), image.inspect["Config"].get("Cmd"), image.where)


@command.running
def command_running(claim: Claim, stack: Stack) -> None:
    argv = stack.backend_facts["pid1"]["cmdline"]
    # gunicorn's master runs under the venv's Python: look past the interpreter.
    argv = argv[1:] if argv and Path(argv[0]).name.startswith("python") else argv
    if not command_holds(claim, argv):
        fail(claim, f"PID 1 running {words(claim.values)}", f"PID 1 `{' '.join(stack.backend_facts['pid1']['cmdline'])}`", stack.service_where("backend"))


port = entry("Port", least=1, staged=True)


@port.static
def port_static(claim: Claim, sources: Sources) -> None:
    stage = sources.stage(claim)
    exposed = {p.split("/")[0]: i for i in stage.all("EXPOSE") for p in i.arguments()}
    missing = [v for v in claim.values if v not in exposed]
    if missing:
        fail(claim, f"EXPOSE {words(claim.values)}", f"EXPOSE {words(sorted(exposed)) or 'nothing'}", f"stage {stage.label}")
    sources.cite(*exposed.values())


@port.image
def port_image(claim: Claim, images: Images) -> None:
    image = images.image(claim)
    exposed = {p.split("/")[0] for p in image.inspect["Config"].get("ExposedPorts") or {}}
    if not set(claim.values) <= exposed:
        fail(claim, words(claim.values), words(sorted(exposed)) or "no exposed port", image.where)


from . import vocabulary_pages  # noqa: E402,F401  (the other pages' labels register themselves)


@port.running
def port_running(claim: Claim, stack: Stack) -> None:
    listening = stack.containers["backend"]["NetworkSettings"]["Ports"] or {}
    missing = [v for v in claim.values if not listening.get(f"{v}/tcp")]
    if missing:
        fail(claim, f"port {words(claim.values)} served", f"nothing published from {words(missing)}", stack.service_where("backend"))
