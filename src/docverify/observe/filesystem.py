"""The whole file system, walked once: special files, and a summary of every top-level path.

Set-uid and set-gid files, world-writable paths (sticky directories marked as such), and per
top-level entry a count, a size and a digest of every path's name, type, owner, mode and content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .observer import Need, Observer, nothing


@dataclass(frozen=True)
class Writable:
    path: str
    sticky: bool  # a directory others may write into but not delete from (like /tmp)


@dataclass(frozen=True)
class FileSystem:
    setuid: tuple[str, ...]
    setgid: tuple[str, ...]
    world_writable: tuple[Writable, ...]
    toplevel: dict[str, tuple[int, int, str]]  # "/usr" -> (paths, bytes, digest)


def load(raw: dict[str, Any]) -> FileSystem:
    return FileSystem(
        tuple(raw["setuid"]),
        tuple(raw["setgid"]),
        tuple(Writable(p, bool(s)) for p, s in raw["world_writable"]),
        {top: (int(n), int(size), str(digest)) for top, (n, size, digest) in raw["toplevel"].items()},
    )


def inside(request: None, context: dict[str, Any]) -> dict[str, Any]:
    import hashlib
    import os
    import stat

    kernel = ("/proc", "/sys", "/dev")
    found: dict[str, Any] = {"setuid": [], "setgid": [], "world_writable": [], "toplevel": {}}
    digests: dict[str, Any] = {}
    for directory, dirs, files in os.walk("/", onerror=lambda error: None):
        dirs[:] = sorted(d for d in dirs if os.path.join(directory, d) not in kernel)
        for name in sorted(dirs + files):
            path = os.path.join(directory, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            mode = info.st_mode
            top = "/" + path.split("/")[1]
            entry = found["toplevel"].setdefault(top, [0, 0, ""])
            digest = digests.setdefault(top, hashlib.sha256())
            entry[0] += 1
            content = ""
            if stat.S_ISREG(mode):
                entry[1] += info.st_size
                # A file edited in place keeps its size: its content is what tells.
                try:
                    with open(path, "rb") as handle:
                        content = hashlib.sha256(handle.read()).hexdigest()
                except OSError:
                    content = "unreadable"
            elif stat.S_ISLNK(mode):
                content = os.readlink(path)
            digest.update(f"{path}\0{mode}\0{info.st_uid}\0{info.st_gid}\0{content}\n".encode())
            if stat.S_ISLNK(mode):
                continue
            if mode & stat.S_ISUID:
                found["setuid"].append(path)
            if mode & stat.S_ISGID and not stat.S_ISDIR(mode):
                found["setgid"].append(path)
            if mode & stat.S_IWOTH:
                found["world_writable"].append([path, bool(stat.S_ISDIR(mode) and mode & stat.S_ISVTX)])
    for top, digest in digests.items():
        found["toplevel"][top][2] = digest.hexdigest()
    return found


FILESYSTEM: Observer[None, FileSystem] = Observer("filesystem", load, nothing, inside=inside, where=("image",))


def need(on: str = "self") -> Need:
    return FILESYSTEM.need(None, on)
