"""HTTP: what the service answers from the host, through the port compose publishes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .observer import Need, Observer, union

TIMEOUT = 10.0  # seconds a request may take: a server that takes longer has not answered


@dataclass(frozen=True)
class Response:
    status: int | None  # None: nothing answered
    body: str
    content_type: str
    error: str = ""
    sha256: str = ""


@dataclass(frozen=True)
class Http:
    base_url: str
    responses: dict[str, Response]

    def get(self, path: str) -> Response:
        return self.responses.get(path, Response(None, "", "", f"GET {path} was not observed"))


def load(raw: dict[str, Any]) -> Http:
    return Http(raw["base_url"], {path: Response(**r) for path, r in raw["responses"].items()})


def get(url: str) -> dict[str, Any]:
    """GET `url`: status, body (text), content type, and the body's sha256 (bytes as sent)."""
    import http.client  # here: urllib.request brings ssl and http.client, which only the running level needs
    import urllib.error
    import urllib.request

    if not url.startswith(("http://", "https://")):  # the service's address is empty: it publishes no TCP port
        return {"status": None, "body": "", "content_type": "", "error": f"no published TCP port to ask for {url}"}
    # No proxy: the address is the stack's own, on loopback. (urlopen's default opener would also read the proxy
    # variables from os.environ, which pytest changes between a test's phases while this runs on a probe's thread.)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=TIMEOUT) as answer:
            body = answer.read()
            return {
                "status": int(answer.status),
                "body": body.decode(errors="replace"),
                "content_type": answer.headers.get("Content-Type", ""),
                "sha256": hashlib.sha256(body).hexdigest(),
            }
    except urllib.error.HTTPError as error:
        return {
            "status": int(error.code),
            "body": error.read().decode(errors="replace"),
            "content_type": error.headers.get("Content-Type", ""),
        }
    except (OSError, ValueError, http.client.HTTPException) as error:  # a connection cut mid-answer too
        return {"status": None, "body": "", "content_type": "", "error": str(error) or type(error).__name__}


def host(request: tuple[str, ...], service: Any) -> dict[str, Any]:
    """GET each path from this machine, at the address the service publishes (loopback only)."""
    base = service.base_url
    return {
        "base_url": base,
        "responses": {
            path: get(base + path)
            if base
            else {"status": None, "body": "", "content_type": "", "error": "no published port"}
            for path in request
        },
    }


HTTP: Observer[tuple[str, ...], Http] = Observer(
    "http", load, union, host=host, phase="host", where=("container",), inputs=("config:self:*", "script:entrypoint")
)


def need(*paths: str) -> Need:
    return HTTP.need(tuple(paths))
