"""Files: type, owner, mode and content hash of paths and trees, and programs on PATH."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .observer import Need, Observer, union


@dataclass(frozen=True)
class FileInfo:
    path: str
    type: str  # file | dir | link | missing | unreadable | not observed
    uid: int | None = None
    gid: int | None = None
    mode: int | None = None  # permission bits, set-uid/set-gid/sticky included
    sha256: str | None = None
    target: str | None = None  # a link's target
    script: bool = False  # starts with `#!`: its interpreter must read it to run it

    @property
    def exists(self) -> bool:
        return self.type not in ("missing", "not observed")

    @property
    def executable(self) -> bool:
        """Executable by its owner, its group and everyone else."""
        return self.mode is not None and self.mode & 0o111 == 0o111

    @property
    def readable(self) -> bool:
        """Readable by its owner, its group and everyone else."""
        return self.mode is not None and self.mode & 0o444 == 0o444

    @classmethod
    def load(cls, path: str, raw: dict[str, Any]) -> FileInfo:
        return cls(
            path,
            raw["type"],
            raw.get("uid"),
            raw.get("gid"),
            raw.get("mode"),
            raw.get("sha256"),
            raw.get("target"),
            bool(raw.get("script")),
        )


@dataclass(frozen=True)
class FilesRequest:
    paths: tuple[str, ...] = ()
    trees: tuple[str, ...] = ()  # every path below each, hashed
    which: tuple[str, ...] = ()  # programs looked up on PATH


@dataclass(frozen=True)
class Files:
    paths: dict[str, FileInfo]
    trees: dict[str, dict[str, FileInfo]]  # root -> relative path -> fact
    which: dict[str, str | None]

    def file(self, path: str) -> FileInfo:
        """What was seen at `path`: asked for directly, or inside an observed tree."""
        path = path.rstrip("/") or "/"
        if path in self.paths:
            return self.paths[path]
        for root, tree in self.trees.items():
            prefix = root.rstrip("/") + "/"
            if path.startswith(prefix) and path[len(prefix) :] in tree:
                return tree[path[len(prefix) :]]
            if path == root.rstrip("/") and "" in tree:
                return tree[""]
        return FileInfo(path, "not observed")

    def tree(self, root: str, itself: bool = False) -> dict[str, FileInfo]:
        """What is under `root`, by relative path (`itself`: with `root` as "", a file's only entry)."""
        return {rel: info for rel, info in self.trees.get(root.rstrip("/") or "/", {}).items() if rel or itself}


def merge(requests: Sequence[FilesRequest]) -> FilesRequest:
    return FilesRequest(
        union([r.paths for r in requests]), union([r.trees for r in requests]), union([r.which for r in requests])
    )


def load(raw: dict[str, Any]) -> Files:
    trees = {
        root: {rel: FileInfo.load(f"{root.rstrip('/')}/{rel}".rstrip("/") or "/", fact) for rel, fact in tree.items()}
        for root, tree in raw["trees"].items()
    }
    paths = {path: FileInfo.load(path, fact) for path, fact in raw["paths"].items()}
    return Files(paths, trees, dict(raw["which"]))


def inside(request: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    import hashlib
    import os
    import shutil
    import stat

    # Kernel file systems are the host's, not the image's: never walked, never read.
    kernel = ("/proc", "/sys", "/dev")

    def fact(path: str) -> dict[str, Any]:
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return {"type": "missing"}
        except OSError:
            return {"type": "unreadable"}
        mode = info.st_mode
        kind = "dir" if stat.S_ISDIR(mode) else "link" if stat.S_ISLNK(mode) else "file"
        found: dict[str, Any] = {"type": kind, "uid": info.st_uid, "gid": info.st_gid, "mode": stat.S_IMODE(mode)}
        if kind == "link":
            found["target"] = os.readlink(path)
        elif stat.S_ISREG(mode) and not path.startswith(kernel):
            digest = hashlib.sha256()
            try:
                with open(path, "rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        found.setdefault("script", block.startswith(b"#!"))
                        digest.update(block)
                found["sha256"] = digest.hexdigest()
            except OSError:
                found["type"] = "unreadable"
        return found

    def tree(root: str) -> dict[str, Any]:
        found = {"": fact(root)}
        for directory, dirs, files in os.walk(root, onerror=lambda error: None):
            dirs[:] = [d for d in dirs if os.path.join(directory, d) not in kernel]
            for name in dirs + files:
                path = os.path.join(directory, name)
                found[os.path.relpath(path, root)] = fact(path)
        return found

    return {
        "paths": {path: fact(path) for path in request["paths"]},
        "trees": {root: tree(root) for root in request["trees"]},
        "which": {name: shutil.which(name) for name in request["which"]},
    }


FILES: Observer[FilesRequest, Files] = Observer("files", load, merge, inside=inside)


def need(paths: Sequence[str] = (), trees: Sequence[str] = (), which: Sequence[str] = (), on: str = "self") -> Need:
    """`files.need(paths=["/app"])`: what a label asks of this observer."""
    return FILES.need(FilesRequest(tuple(paths), tuple(trees), tuple(which)), on)
