"""Listening sockets inside a running container, from the kernel's tables (/proc/net)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .observer import Need, Observer, nothing


@dataclass(frozen=True)
class Socket:
    protocol: str  # tcp | udp
    address: str  # 0.0.0.0, ::, 127.0.0.1, …
    port: int

    def __str__(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}/{self.protocol}"


@dataclass(frozen=True)
class Sockets:
    listening: tuple[Socket, ...]

    def on_port(self, port: int, protocol: str = "tcp") -> list[Socket]:
        return [s for s in self.listening if s.port == port and s.protocol == protocol]


def load(raw: list[list[Any]]) -> Sockets:
    return Sockets(tuple(Socket(str(p), str(a), int(n)) for p, a, n in raw))


def inside(request: None, context: dict[str, Any]) -> list[list[Any]]:
    import ipaddress

    found = set()
    # TCP sockets in state 0A (LISTEN); UDP sockets bound and unconnected (07, CLOSE).
    for protocol, table, state in (
        ("tcp", "tcp", "0A"),
        ("tcp", "tcp6", "0A"),
        ("udp", "udp", "07"),
        ("udp", "udp6", "07"),
    ):
        try:
            with open("/proc/net/" + table) as handle:
                rows = handle.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 4 or fields[3] != state:
                continue
            address, port = fields[1].split(":")
            raw = bytes.fromhex(address)
            # The kernel prints each 32-bit word in host (little-endian) order.
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add((protocol, str(ipaddress.ip_address(raw)), int(port, 16)))
    return sorted([list(item) for item in found])


SOCKETS: Observer[None, Sockets] = Observer(
    "sockets", load, nothing, inside=inside, where=("container",), inputs=("config:self:*", "script:entrypoint")
)


def need() -> Need:
    return SOCKETS.need(None)
