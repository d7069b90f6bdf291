"""Which ``Host`` headers the endpoint answers: a defence against DNS rebinding.

A web page on ``evil.example`` can make the visitor's browser send requests to
``127.0.0.1:7878`` by pointing its own name at 127.0.0.1 after the page has loaded; the
browser then treats the endpoint as same-origin and lets the page read the answers. Such a
request still carries ``Host: evil.example:7878``. So the server answers only requests whose
``Host`` names its own address: a loopback name or address when bound to loopback, the bound
address otherwise (any IP literal when bound to every interface, as no DNS name is involved),
and the names the operator allows (``--allow-host``), with the bound port when one is given.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_loopback(host: str) -> bool:
    """True when *host* names this machine only (127.0.0.0/8, ::1, localhost)."""
    name = host.lower().rstrip(".")
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def split_host(header: str) -> tuple[str, int | None] | None:
    """A Host header's name (lower case, IPv6 without brackets) and port; None if malformed."""
    value = header.strip()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:] if rest else None
    else:
        name, colon, port_text_raw = value.rpartition(":")
        if not colon or ":" in name:  # no port, or a bare IPv6 address (must be bracketed)
            name, port_text = value, None
            if ":" in name:
                return None
        else:
            port_text = port_text_raw
    if not name or any(c.isspace() or c in "/?#@" for c in name):
        return None
    if port_text is None:
        return name.lower().rstrip("."), None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return None
    return name.lower().rstrip("."), int(port_text)


@dataclass(frozen=True)
class HostPolicy:
    """The Host headers a server bound to *bound*:*port* answers."""

    bound: str
    port: int
    allowed: frozenset[str] = frozenset()

    def accepts(self, header: str | None) -> bool:
        if header is None:
            return False
        split = split_host(header)
        if split is None:
            return False
        name, port = split
        # browsers always send a port other than 80; a client that leaves it out is
        # judged by the name, which is what a rebinding page cannot fake
        if port is not None and port != self.port:
            return False
        if name in self.allowed:
            return True
        if is_loopback(self.bound):
            return is_loopback(name)
        bound, address = _ip(self.bound), _ip(name)
        if bound is not None and bound.is_unspecified:
            return address is not None
        return address is not None and address == bound
