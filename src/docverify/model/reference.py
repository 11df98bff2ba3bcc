"""Image references as Docker resolves them: one name for one image, however it is written."""

from __future__ import annotations


def normalise_image(reference: str) -> str:
    """`docker.io/library/python:3.13-slim` and `python:3.13-slim` name one image."""
    name = reference
    for host in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):  # Docker Hub, however it is named
        if name.startswith(host):
            name = name[len(host) :]
            return name.removeprefix("library/") if name.count("/") == 1 else name
    return name.removeprefix("library/") if name.count("/") == 1 else name  # `library/postgres` is Docker Hub's too


def same_image(found: str, said: str) -> bool:
    """Whether a reference names the image a page names: `python:3.13-slim@sha256:…` pins `python:3.13-slim`, so
    it is the image a page naming no digest means (one that names a digest must name the same)."""
    name, _, digest = found.partition("@")
    tagged = ":" in name.rsplit("/", 1)[-1]
    return normalise_image(name if digest and tagged and "@" not in said else found) == normalise_image(said)
