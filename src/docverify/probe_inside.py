"""Runs INSIDE an image or container (stdlib only) and prints one JSON fact sheet.

argv[1] is a JSON object: {"paths": [...], "trees": [...], "executables": [...],
"process": bool, "extra": {name: python source}}.
Everything a claim needs from inside is gathered here, in one run.
"""

import grp
import hashlib
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def file_fact(path: str) -> dict[str, Any]:
    try:
        info = os.lstat(path)
    except OSError:
        return {"type": "missing"}
    kind = "dir" if stat.S_ISDIR(info.st_mode) else "link" if stat.S_ISLNK(info.st_mode) else "file"
    fact = {"type": kind, "uid": info.st_uid, "gid": info.st_gid, "mode": stat.S_IMODE(info.st_mode)}
    if kind == "file" and info.st_size < 4_000_000:
        with open(path, "rb") as handle:
            fact["sha256"] = hashlib.sha256(handle.read()).hexdigest()
    return fact


def tree(root: str) -> dict[str, dict[str, Any]]:
    facts = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(directory, name)
            facts[os.path.relpath(path, root)] = file_fact(path)
    return facts


def dpkg_packages() -> dict[str, str]:
    packages: dict[str, str] = {}
    current: dict[str, str] = {}
    try:
        with open("/var/lib/dpkg/status") as handle:
            for line in handle.read().split("\n") + [""]:
                if not line:
                    if current.get("Status", "").endswith(" installed"):
                        packages[current["Package"]] = current.get("Version", "")
                    current = {}
                elif ": " in line and not line.startswith(" "):
                    key, value = line.split(": ", 1)
                    current[key] = value
    except OSError:
        pass
    return packages


def distributions(python: str) -> dict[str, Any]:
    code = (
        "import json, importlib.metadata as m; "
        "print(json.dumps({d.metadata['Name'].lower(): d.version for d in m.distributions()}))"
    )
    try:
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60)
        return json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr[-500:]}
    except (OSError, ValueError) as error:
        return {"error": str(error)}


def applicable_pins(text: str) -> dict[str, str]:
    """name -> version for each `name==version` whose marker holds here."""
    from pip._vendor.packaging.requirements import Requirement

    pins = {}
    for line in text.replace("\\\n", " ").splitlines():
        line = line.split(" --hash")[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            pins[requirement.name.lower()] = str(requirement.specifier).lstrip("=")
    return pins


def run(
    command: list[str], env: dict[str, str] | None = None, cwd: str | None = None, timeout: float = 60
) -> dict[str, Any]:
    try:
        out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
        return {"code": out.returncode, "stdout": out.stdout[-4000:], "stderr": out.stderr[-4000:]}
    except (OSError, subprocess.TimeoutExpired) as error:
        return {"code": None, "stdout": "", "stderr": str(error)}


def extra_fact(source: str, workdir: str) -> Any:
    """One project probe: a Python program run by this Python, printing JSON as its last line."""
    try:
        out = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, cwd=workdir, timeout=180)
        result: dict[str, Any] = {"code": out.returncode, "stdout": out.stdout, "stderr": out.stderr[-4000:]}
    except (OSError, subprocess.TimeoutExpired) as error:
        result = {"code": None, "stdout": "", "stderr": str(error)}
    lines = str(result["stdout"]).strip().splitlines()
    try:
        return json.loads(lines[-1]) if result["code"] == 0 and lines else {"error": result}
    except ValueError:
        return {"error": result}


def main() -> None:
    request = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    workdir = os.getcwd()
    paths = request.get("paths", [])
    # Files first: the child programs below may write (logs, caches), and the facts are the image's.
    facts: dict[str, Any] = {
        "env": dict(os.environ),
        "workdir": workdir,
        "users": {
            u.pw_name: {"uid": u.pw_uid, "gid": u.pw_gid, "home": u.pw_dir, "shell": u.pw_shell} for u in pwd.getpwall()
        },
        "groups": {g.gr_name: g.gr_gid for g in grp.getgrall()},
        "packages": dpkg_packages(),
        # The whole-filesystem walk costs seconds: only where closed-world claims look (final stage, its base).
        "special": special_files() if request.get("walk") else {},
        "paths": {path: file_fact(path) for path in paths},
        "trees": {root: tree(root) for root in request.get("trees", [])},
        "executables": {name: shutil.which(name) for name in request.get("executables", [])},
    }
    facts["manual_packages"] = manual_packages(facts["packages"])
    requirements = os.path.join(workdir, "requirements.txt")
    if os.path.exists(requirements):
        with open(requirements) as handle:
            text = handle.read()
        facts["requirements"] = text
        facts["requirements_pins"] = applicable_pins(text)
    if request.get("process"):
        facts["pid1"] = pid1()
        facts["listening"] = listening()
    # Then the child programs (pip metadata, poetry, project probes), side by side.
    with ThreadPoolExecutor(max_workers=4) as pool:
        system = pool.submit(distributions, sys.executable)
        venvs = {
            path: pool.submit(distributions, os.path.join(path, "bin", "python"))
            for path in paths
            if os.path.exists(os.path.join(path, "pyvenv.cfg"))
        }
        poetry = None
        if shutil.which("poetry") and os.path.exists("pyproject.toml"):
            poetry = pool.submit(run, ["poetry", "check", "--lock"], None, workdir)
        extra = {name: pool.submit(extra_fact, source, workdir) for name, source in request.get("extra", {}).items()}
        facts["system_distributions"] = system.result()
        facts["venvs"] = {path: future.result() for path, future in venvs.items()}
        if poetry is not None:
            facts["poetry_check_lock"] = poetry.result()
        facts["extra"] = {name: future.result() for name, future in extra.items()}
    print(json.dumps(facts))


def manual_packages(installed: dict[str, str]) -> list[str]:
    """What `apt-mark showmanual` prints: installed packages not marked automatically installed."""
    auto, current = set(), ""
    try:
        with open("/var/lib/apt/extended_states") as handle:
            for line in handle:
                if line.startswith("Package: "):
                    current = line.split(":", 1)[1].strip().split(":")[0]
                elif line.strip() == "Auto-Installed: 1":
                    auto.add(current)
    except OSError:
        pass
    return sorted(name for name in installed if name not in auto)


def hash_of(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def special_files() -> dict[str, Any]:
    """Set-uid, set-gid and world-writable paths on the image's own filesystem."""
    found: dict[str, Any] = {"setuid": [], "setgid": [], "world_writable": [], "toplevel": {}}
    skip = ("/proc", "/sys", "/dev")
    for directory, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if os.path.join(directory, d) not in skip]
        for name in dirs + files:
            path = os.path.join(directory, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            # Per top-level entry: how many paths, how many bytes, and a digest of their names and sizes.
            top = "/" + path.split("/")[1]
            entry = found["toplevel"].setdefault(top, [0, 0, 0])
            entry[0] += 1
            entry[1] += info.st_size if not stat.S_ISDIR(info.st_mode) else 0
            entry[2] = (entry[2] + hash_of(f"{path}:{info.st_size}:{info.st_mode}:{info.st_uid}")) % (1 << 61)
            if stat.S_ISLNK(info.st_mode):
                continue
            if info.st_mode & stat.S_ISUID:
                found["setuid"].append(path)
            if info.st_mode & stat.S_ISGID and not stat.S_ISDIR(info.st_mode):
                found["setgid"].append(path)
            sticky_dir = stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
            if info.st_mode & stat.S_IWOTH and not sticky_dir:
                found["world_writable"].append(path)
    return found


def listening() -> list[str]:
    """Addresses with a listening TCP socket, from /proc/net/tcp and tcp6 ("0.0.0.0:8000")."""
    found = set()
    for table, size in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            with open(table) as handle:
                rows = handle.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 4 or fields[3] != "0A":
                continue
            address, port = fields[1].split(":")
            if size == 8:
                ip = ".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0))
            else:
                ip = "::" if set(address) == {"0"} else address
            found.add(f"{ip}:{int(port, 16)}")
    return sorted(found)


def pid1() -> dict[str, Any]:
    fact: dict[str, Any] = {}
    with open("/proc/1/cmdline", "rb") as handle:
        fact["cmdline"] = [part.decode() for part in handle.read().split(b"\0") if part]
    with open("/proc/1/status") as handle:
        status = dict(line.split(":", 1) for line in handle if ":" in line)
    fact["uid"] = int(status["Uid"].split()[0])
    fact["gid"] = int(status["Gid"].split()[0])
    fact["cap_eff"] = status.get("CapEff", "0").strip()
    fact["cap_bnd"] = status.get("CapBnd", "0").strip()
    fact["no_new_privs"] = int(status.get("NoNewPrivs", "0").strip() or 0)
    fact["cwd"] = os.readlink("/proc/1/cwd")
    with open("/proc/1/environ", "rb") as handle:
        fact["env"] = dict(part.decode().split("=", 1) for part in handle.read().split(b"\0") if b"=" in part)
    return fact


if __name__ == "__main__":
    main()
