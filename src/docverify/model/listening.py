"""Where a container's own server listens, and whether a URL asks it there.

A server listens on the ports its command binds (`--bind 0.0.0.0:8000`: IPv4; `[::]:8000`: both, as Linux binds
it; `[::1]:8000`: IPv6 only), or, for a port no bind names, on what the image EXPOSEs (which says nothing of the
family). A URL asks the container itself on loopback (`127.0.0.1`, `127.1` as curl reads it, `localhost`, `::1`),
on `0.0.0.0`, or by a name the stack gives the container (compose's service name).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Collection, Iterable, Mapping
from urllib.parse import urlsplit

from .instruction import expand

BOTH = frozenset({"4", "6"})
BIND = re.compile(r"(\[[0-9A-Fa-f:.]*\]|[0-9.]+|[A-Za-z][\w.-]*)?:(\d{1,5})(?![\d.])")


def served(exposed: Collection[str], runs: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each port the server may listen on, as Docker keys it (`8000/tcp`), with its address families."""
    found = {key: BOTH for key in exposed}
    bound: dict[str, frozenset[str]] = {}
    for word in runs:
        for match in BIND.finditer(word):
            host = (match[1] or "").strip("[]")
            families = BOTH if not host or host == "::" or not _literal(host) else frozenset({_literal(host)})
            key = f"{match[2]}/tcp"
            bound[key] = bound.get(key, frozenset()) | families
    return {**found, **bound}  # a bind says more than EXPOSE


def _literal(host: str) -> str:
    """ "4" or "6" for an address literal (`0.0.0.0` binds IPv4 only), "" for a name."""
    try:
        return str(ipaddress.ip_address(host).version)
    except ValueError:
        return ""


def _family(host: str, names: Collection[str]) -> frozenset[str] | None:
    """The families a URL's host reaches the container on, or None when it is another host."""
    host = host.strip("[]")
    if host.lower() == "localhost" or host in names:
        return BOTH
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:  # curl reads `127.1` as inet_aton does
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return frozenset({str(address.version)}) if address.is_loopback or address.is_unspecified else None


def elsewhere(url: str, listening: Mapping[str, frozenset[str]], names: Collection[str] = (),
              environment: Mapping[str, str] | None = None) -> str | None:  # fmt: skip
    """Why a URL does not ask the container's own server: another host, or a port (or family) it does not listen
    on (none known: any)."""
    parts = urlsplit(expand(url, dict(environment or {})))  # `${PORT:-8000}`
    host = parts.hostname or ""
    families = _family(host, names)
    if families is None:
        return f"asks {host or 'no host'}, not the container itself"
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)
    except ValueError:
        return f"asks port {parts.netloc.rsplit(':', 1)[-1]}, which is no port"
    key = f"{port}/tcp"
    if listening and key not in listening:
        return f"asks port {port}, where the server does not listen ({', '.join(sorted(listening))})"
    if listening and not families & listening[key]:
        wanted = "/".join(f"IPv{f}" for f in sorted(listening[key]))
        return f"asks {host} over IPv{'/'.join(sorted(families))}, but the server listens on port {port} over {wanted}"
    return None


def port_key(port: str) -> str:
    """A port as Docker keys it: without a protocol, TCP (`8000` is `8000/tcp`)."""
    return port if "/" in port else f"{port}/tcp"


def port_keys(ports: str) -> list[str]:
    """EXPOSE's word as Docker keys it: `8000-8001/udp` is 8000/udp and 8001/udp (a range it cannot read, as is)."""
    first, dash, last = (key := port_key(ports)).partition("/")[0].partition("-")
    if not (dash and first.isdigit() and last.isdigit() and int(first) <= int(last) <= 65535):
        return [key]
    return [f"{port}/{key.partition('/')[2]}" for port in range(int(first), int(last) + 1)]
