"""Print the base images this project builds on, one image reference per line.

    python scripts/base_images.py [PROJECT_DIR]

Every `FROM` base of the Dockerfile that is not an earlier stage's name (build
ARGs resolved to their defaults), then the `image:` of every compose service
that has no `build:` section, as compose itself reads the file
(`docker compose config`). References are printed as the files write them;
scripts/base-images.sh makes sure each one exists in the local Docker engine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


class Unreadable(Exception):
    """A project file cannot be read; the message says which and why."""


def dockerfile_stages(path: Path) -> list[tuple[str, str | None]]:
    """(base, stage name) of every stage, in order, with ARGs resolved."""
    try:
        from docverify.model.dockerfile import parse  # type: ignore[import-not-found, unused-ignore]
    except ImportError:  # the engine is not installed: read the file with the parser it builds on
        return _dockerfile_parse_stages(path)
    try:
        return [(stage.base, stage.name) for stage in parse(path).stages]
    except ValueError as error:  # docverify's DockerfileError names file:line
        raise Unreadable(str(error)) from None


def _dockerfile_parse_stages(path: Path) -> list[tuple[str, str | None]]:
    from dockerfile_parse.parser import DockerfileParser, image_from  # type: ignore[import-untyped, unused-ignore]

    parser = DockerfileParser(path=str(path))
    names: list[str | None] = [image_from(i["value"])[1] for i in parser.structure if i["instruction"] == "FROM"]
    bases: list[str] = parser.parent_images  # ARG defaults before the first FROM applied
    if len(bases) != len(names):
        raise Unreadable(f"{path.name}: a FROM line does not read `FROM image [AS name]`")
    return list(zip(bases, names, strict=True))


def dockerfile_images(project: Path) -> list[str]:
    path = project / "Dockerfile"
    if not path.is_file():
        return []
    stages: set[str] = set()
    images = []
    for base, name in dockerfile_stages(path):
        if base.lower() not in stages and base.lower() != "scratch":
            images.append(base)
        if name:
            stages.add(name.lower())
    return images


def compose_images(project: Path) -> list[str]:
    path = next((project / name for name in COMPOSE_FILES if (project / name).is_file()), None)
    if path is None:
        return []
    command = ["docker", "compose", "-f", path.name, "config", "--format", "json"]
    try:
        done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise Unreadable("the docker client is not installed, so compose cannot read " + path.name) from None
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise Unreadable(f"{path.name}: `{' '.join(command)}` failed: {why}")
    services: dict[str, dict[str, object]] = json.loads(done.stdout).get("services", {})
    return [str(s["image"]) for s in services.values() if "build" not in s and s.get("image")]


def base_images(project: Path) -> list[str]:
    if not project.is_dir():
        raise Unreadable(f"{project}: no such project directory")
    found = dockerfile_images(project) + compose_images(project)
    if not found:
        raise Unreadable(f"{project}: neither a Dockerfile nor a compose file names a base image")
    return list(dict.fromkeys(found))  # each once, in order


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python scripts/base_images.py [PROJECT_DIR]", file=sys.stderr)
        return 2
    project = Path(argv[0] if argv else Path(__file__).resolve().parent.parent)
    try:
        images = base_images(project)
    except Unreadable as error:
        print(f"base_images.py: {error}", file=sys.stderr)
        return 1
    print(*images, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
