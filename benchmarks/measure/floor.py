"""The "honest floor": the smallest image that holds what the runtime needs, measured outside the
image, and what the runtime image carries beyond it, item by item."""

from __future__ import annotations

import json
import re
from typing import Any

from docverify.observe import docker as engine
from docverify.read import items as docverify_items

from .common import APP_SOURCE, BASE, BENCH, ROOT, Bench, Failed, docker, mb2, timed
from .docker_build import build
from .progress import say


def runtime_packages(bench: Bench) -> tuple[list[str], str]:
    """The runtime stage's apt packages as the docs list them, checked against its `apt-get install`."""
    final, number = bench.dockerfile.final, len(bench.dockerfile.stages)
    documented: list[tuple[str, list[str]]] = []
    for page in sorted(bench.settings.docs.rglob("*.md")):
        for item in docverify_items.read(page.relative_to(ROOT), page.read_text()).items:
            stage = item.stage_heading
            if item.label == "Dependencies" and stage is not None and stage[0] == number:
                documented.append((item.where(), list(item.values)))
    if len(documented) != 1:
        raise Failed(f"expected one **Dependencies:** claim for stage {number} in the docs, found {documented}")
    where, packages = documented[0]
    installed = [
        word
        for _, command in final.running("apt-get", "install")
        for word in command.argv[1:]
        if word != "install" and not word.startswith("-")
    ]
    if sorted(installed) != sorted(packages):
        raise Failed(
            f"{where} documents the runtime packages {packages}, but {final.where()} installs {installed}; "
            "the floor would measure the wrong packages"
        )
    return packages, where


# Runs inside a throwaway container of the base image: installs the packages the way the
# runtime stage does and reports what they add (Installed-Size, in KiB) and what else changed.
APT_PROBE = r"""
import collections, json, os, stat, subprocess, sys, time
SKIP = {"/proc", "/sys", "/dev", "/tmp", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf"}
def installed():
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Installed-Size}\n"],
                         capture_output=True, text=True, check=True).stdout
    return {n: int(s or 0) * 1024 for n, s in (line.split("\t") for line in out.splitlines())}
def walk():
    for root, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in SKIP]
        yield root, files
before, dirs_before = installed(), {root for root, _ in walk()}
marker = time.time_ns()
time.sleep(0.05)
env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
quiet = {"stdout": subprocess.DEVNULL, "env": env, "check": True}
subprocess.run(["apt-get", "update", "-qq"], **quiet)
subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *sys.argv[1:]], **quiet)
subprocess.run("rm -rf /var/lib/apt/lists/*", shell=True, check=True)
new = {n: s for n, s in installed().items() if n not in before}
owned, file_bytes = set(), {}
for name in new:
    listed = subprocess.run(["dpkg-query", "-L", name], capture_output=True, text=True).stdout.splitlines()
    paths = {p for p in listed if p.startswith("/") and os.path.lexists(p) and p not in owned}
    owned.update(paths)
    # As du -sb counts: files and links, and the directories the package brought.
    file_bytes[name] = sum(os.lstat(p).st_size for p in paths if not os.path.isdir(p) or p not in dirs_before)
changed = collections.Counter()
for root, files in walk():
    for f in files:
        path = os.path.join(root, f)
        info = os.lstat(path)
        if path not in SKIP and path not in owned and stat.S_ISREG(info.st_mode) and info.st_mtime_ns > marker:
            changed["/".join(path.split("/")[:4])] += info.st_size
print(json.dumps({"new": new, "file_bytes": file_bytes, "changed_outside_packages": dict(changed)}))
"""

# Runs in a throwaway container of the builder stage (it has the compilers psycopg-c needs):
# the exported requirements into a fresh venv that never had an installer in it.
VENV_PROBE = r"""set -e
rm -rf /venv
python -m venv --without-pip /venv
pip --python /venv/bin/python install --no-cache-dir --quiet --disable-pip-version-check -r requirements.txt
du -sb /venv
find /venv -name __pycache__ -prune -exec du -sbc {} + | tail -n 1
"""

# Runs in the runtime image: what /venv and /app hold, and the installer inside /venv.
RUNTIME_PROBE = r"""set -e
du -sb /venv /app
du -sbc /venv/lib/python3*/site-packages/pip /venv/lib/python3*/site-packages/pip-*.dist-info /venv/bin/pip* \
    2>/dev/null | tail -n 1
find /venv -name __pycache__ -prune -exec du -sbc {} + | tail -n 1
find /venv/lib/python3*/site-packages/pip -name __pycache__ -prune -exec du -sbc {} + 2>/dev/null | tail -n 1
"""


def first_number(line: str) -> int:
    return int(line.split()[0])


def measure_floor(bench: Bench, base_bytes: int) -> dict[str, Any]:
    packages, where = runtime_packages(bench)
    say(f"floor: the runtime packages {packages} ({where}) installed in a throwaway {BASE} container")
    _, apt_run = timed(
        ["docker", "run", "--rm", "--network", "host", "--user", "0", "--entrypoint", "python3", BASE, "-c",
         APT_PROBE, *packages],
        "apt-get install in a throwaway base container",
    )  # fmt: skip
    apt = json.loads(apt_run.stdout)
    new: dict[str, int] = apt["new"]
    package_bytes: dict[str, int] = apt["file_bytes"]
    say(
        f"floor: {len(new)} packages new to the base, {mb2(sum(package_bytes.values()))} MB of files "
        f"(Installed-Size says {mb2(sum(new.values()))} MB): {sorted(new)}"
    )

    say(f"floor: the exported requirements into a fresh venv without pip, in a throwaway {BENCH}:builder container")
    _, venv_run = timed(
        ["docker", "run", "--rm", "--network", "host", "--user", "0", "--entrypoint", "sh", f"{BENCH}:builder",
         "-c", VENV_PROBE],
        "pip --python /venv/bin/python install -r requirements.txt",
    )  # fmt: skip
    venv_lines = venv_run.stdout.strip().splitlines()
    venv_bytes, venv_pycache = first_number(venv_lines[-2]), first_number(venv_lines[-1])

    say(f"floor: {APP_SOURCE} as the runtime stage copies it (.dockerignore applied), into a throwaway image")
    app_tag = f"{BENCH}:app-copy"
    build(
        ["docker", "build", "--network", "none", "-t", app_tag, "-f", "-", str(ROOT)],
        "app copy",
        stdin=f"FROM {BASE}\nCOPY {APP_SOURCE} /app\n",
    )
    try:
        app_bytes = first_number(
            docker("run", "--rm", "--network", "none", "--entrypoint", "du", app_tag, "-sb", "/app")
        )
    finally:
        engine.run("rmi", app_tag)
    # The packages' bytes as du counts them: Installed-Size rounds every file up to a KiB, so it overstates.
    parts = {
        "base": base_bytes,
        "runtime_packages": sum(package_bytes.values()),
        "python_packages": venv_bytes,
        "app": app_bytes,
    }
    return {
        "parts_bytes": parts,
        "parts_mb": {name: mb2(n) for name, n in parts.items()},
        "runtime_packages": {"documented_at": where, "named": packages, "installed_size_bytes": new,
                             "installed_size_total_bytes": sum(new.values()), "file_bytes": package_bytes},
        "apt_changes_outside_packages_bytes": apt["changed_outside_packages"],
        "python_packages_pycache_bytes": venv_pycache,
    }  # fmt: skip


def runtime_layers(tag: str) -> list[tuple[int, str]]:
    """The layers a tag adds on top of the base image, bottom first: (bytes, instruction)."""

    def history(name: str) -> list[tuple[int, str]]:
        out = docker("history", "--no-trunc", "--human=false", "--format", "{{.Size}}\t{{.CreatedBy}}", name)
        return [(int(size), created) for size, created in (line.split("\t", 1) for line in out.splitlines())]

    own = history(tag)
    return list(reversed(own[: len(own) - len(history(BASE))]))


SHELL_PREFIX = re.compile(r"^/bin/sh -c (#\(nop\) )?")


def beyond_floor(floor: dict[str, Any], runtime_bytes: int) -> dict[str, Any]:
    """What the runtime image carries that the floor does not, item by item."""
    tag = f"{BENCH}:runtime"
    out = docker("run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "sh", tag, "-c", RUNTIME_PROBE)
    lines = out.strip().splitlines()
    venv_bytes, app_bytes = first_number(lines[0]), first_number(lines[1])
    # A /venv without pip (as the Dockerfile now builds it) prints no line for pip's own __pycache__.
    pip_bytes, pycache_bytes = first_number(lines[2]), first_number(lines[3])
    pip_pycache = first_number(lines[4]) if len(lines) > 4 else 0
    parts = floor["parts_bytes"]
    layers = runtime_layers(tag)

    def layer_bytes(*marks: str) -> int:
        found = [size for size, created in layers if any(mark in created for mark in marks)]
        if not found:
            raise Failed(f"no layer of {tag} matches {marks}")
        return sum(found)

    apt_layer, venv_layer = layer_bytes("apt-get install"), layer_bytes(" in /venv")
    app_layers = layer_bytes(" in /app", "mkdir -p /app")
    # Each layer against its floor part, so the items add up to runtime minus floor.
    items = {
        "pip inside /venv (pip, its dist-info, bin/pip*)": pip_bytes,
        "/venv beyond the floor's venv, pip excluded": venv_layer - parts["python_packages"] - pip_bytes,
        "the apt layer beyond the packages' files (dpkg records, logs, directories)": apt_layer
        - parts["runtime_packages"],
        "/app beyond the copied app (the writable directories)": app_layers - parts["app"],
    }
    accounted = ("apt-get install", " in /venv", " in /app", "mkdir -p /app")
    for size, created in layers:
        if size and not any(mark in created for mark in accounted):
            items[f"layer: {SHELL_PREFIX.sub('', created).strip()[:70]}"] = size
    items["base image layers beyond the base image"] = runtime_bytes - sum(size for size, _ in layers) - parts["base"]
    apt_changes = sorted(floor["apt_changes_outside_packages_bytes"].items(), key=lambda kv: -kv[1])[:6]
    return {
        "runtime_minus_floor_bytes": runtime_bytes - sum(parts.values()),
        "items_bytes": items,
        "items_mb": {name: mb2(n) for name, n in items.items()},
        "items_sum_bytes": sum(items.values()),
        "venv_du_bytes": venv_bytes,
        "app_du_bytes": app_bytes,
        "pycache_in_venv_bytes": pycache_bytes,
        "pycache_in_pip_bytes": pip_pycache,
        "apt_changes_outside_packages_top": dict(apt_changes),
        "layers": [{"bytes": size, "instruction": created[:120]} for size, created in layers],
    }
