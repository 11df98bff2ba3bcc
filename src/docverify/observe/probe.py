"""One batched probe per image or container: every observer it needs, in one run of its own Python.

Observers that start the app (`alone`) get a container of their own beside it, so the file facts
stay the image's as built. Host observers run here, against the running service. An observer
that fails is recorded by name: only the claims that use it fail, each saying why.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from pathlib import Path
from typing import Any

from ..diskcache import cached
from ..errors import ProbeFailed
from . import docker
from .observer import Observed, Observer

DRIVER = Path(__file__).with_name("driver.py")
ERROR = "__docverify_error__"
PROBE_FORMAT = "probe-1"  # the stored answers' shape: bumped when it changes
KEEP = 64  # probes kept on disk (about 1.4 MB for a Python image): a mutation run's images come and go
PYTHONS = ("python3", "python")
Requests = Mapping[Observer[Any, Any], Any]


def _json(request: Any) -> Any:
    if dataclasses.is_dataclass(request) and not isinstance(request, type):
        return dataclasses.asdict(request)
    return request


def program(requests: Requests) -> str:
    """The driver with its payload: each observer's source, function name and request."""
    payload = {
        "observers": [
            {"name": o.name, "source": o.source(), "function": o.inside.__name__, "request": _json(r), "phase": o.phase}
            for o, r in requests.items()
            if o.inside is not None
        ]
    }
    text = DRIVER.read_text()
    marker = re.search(r"^PAYLOAD\b.*# replaced by the host$", text, re.MULTILINE)
    if marker is None:
        raise ProbeFailed(f"{DRIVER}: no `PAYLOAD = ...  # replaced by the host` line to put the observers in")
    return text[: marker.start()] + f"PAYLOAD = json.loads({json.dumps(payload)!r})" + text[marker.end() :]


def _answers(result: subprocess.CompletedProcess[str], what: str) -> dict[str, Any]:
    if result.returncode != 0:
        raise ProbeFailed(f"the probe of {what} failed (exit {result.returncode}):\n{result.stderr[-2000:]}")
    try:
        answers: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        return answers
    except (json.JSONDecodeError, IndexError) as error:
        raise ProbeFailed(
            f"the probe of {what} printed no answer ({error}):\n{result.stdout[-1000:]}\n{result.stderr[-1000:]}"
        ) from None


def _no_python(result: subprocess.CompletedProcess[str]) -> bool:
    text = result.stderr.lower()
    return result.returncode in (126, 127) or "executable file not found" in text or "no such file" in text


def _in_image(image: str, requests: Requests, what: str) -> dict[str, Any]:
    """`docker run` of the image as root, with no network, its Python reading the program from stdin.

    An image is immutable under its ID and the run reaches nothing outside it, so the answers are kept on
    disk by the ID and the whole program (driver, observers' code, requests): an image built again
    unchanged (a warm run, a mutant that changed another stage) is not probed twice.
    """
    text = program(requests)
    ident = _image_id(image)
    if ident is None:
        return _run_in_image(image, text, requests, what)
    answers: dict[str, Any] = cached(
        "probe", [PROBE_FORMAT, ident, text], lambda: _run_in_image(ident, text, requests, what), keep=KEEP
    )
    return answers


def _image_id(image: str) -> str | None:
    found = docker.run("image", "inspect", "--format", "{{.Id}}", image)
    ident = found.stdout.strip()
    return ident if found.returncode == 0 and ident.startswith("sha256:") else None


def _run_in_image(image: str, text: str, requests: Requests, what: str) -> dict[str, Any]:
    for python in PYTHONS:
        result = docker.run(
            "run",
            "--rm",
            "-i",
            "--user",
            "0",
            "--network",
            "none",
            "--entrypoint",
            python,
            image,
            "-",
            input=text,
            timeout=300,
        )
        if not _no_python(result):
            return _answers(result, what)
    names = ", ".join(o.name for o in requests)
    raise ProbeFailed(
        f"{what} has no Python interpreter (neither `python3` nor `python` on its PATH): docverify observes an "
        f"image by running the image's own Python, so it cannot observe {names} there"
    )


def _in_container(container: str, requests: Requests, what: str) -> dict[str, Any]:
    text = program(requests)
    for python in PYTHONS:
        result = docker.run("exec", "-i", container, python, "-", input=text, timeout=180)
        if not _no_python(result):
            return _answers(result, what)
    raise ProbeFailed(f"{what} has no Python interpreter on its PATH, so it cannot be observed from inside")


def _record(observed: Observed, requests: Requests, answers: Mapping[str, Any]) -> None:
    for observer in requests:
        raw = answers.get(observer.name, {ERROR: "no answer"})
        if isinstance(raw, dict) and ERROR in raw:
            observed.failures[observer.name] = f"observing {observer.name} in {observed.what} failed: {raw[ERROR]}"
            continue
        try:
            observed.facts[observer.name] = observer.loaded(raw, observed.what)
        except ProbeFailed as error:
            observed.failures[observer.name] = str(error)


def observe_image(image: str, requests: Requests, what: str) -> Observed:
    observed = Observed(what)
    together = {o: r for o, r in requests.items() if o.phase in ("files", "programs") and "image" in o.where}
    alone = {o: r for o, r in requests.items() if o.phase == "alone" and "image" in o.where}
    on_host = {o: r for o, r in requests.items() if o.phase == "host" and "image" in o.where and o.host}
    if not together and not alone and not on_host:
        return observed
    with ThreadPoolExecutor(max_workers=1 + len(alone) + len(on_host)) as pool:
        hosted = {o: pool.submit(o.host, r, image) for o, r in on_host.items() if o.host is not None}
        batched = pool.submit(_in_image, image, together, what) if together else None
        separate = {o: pool.submit(_in_image, image, {o: r}, what) for o, r in alone.items()}
        answers: dict[str, Any] = {}
        try:
            answers.update(batched.result() if batched else {})
        except ProbeFailed as error:
            answers.update({o.name: {ERROR: str(error)} for o in together})
        for observer, future in separate.items():
            try:
                answers.update(future.result())
            except ProbeFailed as error:
                answers[observer.name] = {ERROR: str(error)}
        for observer, future in hosted.items():
            answers[observer.name] = future.result()
    _record(observed, {**together, **alone, **on_host}, answers)
    return observed


def observe_container(container: str, service: Any, requests: Requests, what: str) -> Observed:
    """The container's probe beside the host's observers (one after another): each mostly waits on Docker."""
    observed = Observed(what)
    inside = {o: r for o, r in requests.items() if o.phase != "host" and "container" in o.where}
    on_host = {o: r for o, r in requests.items() if o.phase == "host" and o.host is not None}
    answers: dict[str, Any] = {}

    def hosted() -> dict[str, Any]:
        ordered = sorted(on_host.items(), key=lambda item: item[0].last)
        return {o.name: o.host(r, service) for o, r in ordered if o.host is not None}

    with ThreadPoolExecutor(max_workers=1) as pool:
        # In a copy of this context: what a host observer reads is noted for the check that asked.
        on_the_host = pool.submit(copy_context().run, hosted)
        if inside:
            try:
                answers.update(_in_container(container, inside, what))
            except ProbeFailed as error:
                answers.update({o.name: {ERROR: str(error)} for o in inside})
        answers.update(on_the_host.result())
    _record(observed, {o: r for o, r in requests.items() if o in inside or o in on_host}, answers)
    return observed
