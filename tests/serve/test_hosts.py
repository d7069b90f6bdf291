"""Which Host headers a server answers (DNS rebinding), without a server."""

from __future__ import annotations

import pytest

from kg.serve.hosts import HostPolicy, split_host


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("127.0.0.1:7878", ("127.0.0.1", 7878)),
        ("LocalHost.:7878", ("localhost", 7878)),
        ("[::1]:7878", ("::1", 7878)),
        ("[::1]", ("::1", None)),
        ("example.org", ("example.org", None)),
        ("::1", None),  # an IPv6 address must be bracketed
        ("a:b:c", None),
        ("host:0", None),
        ("host:99999", None),
        ("host:x", None),
        ("user@host:7878", None),
        ("", None),
    ],
)
def test_split_host(header: str, expected: tuple[str, int | None] | None) -> None:
    assert split_host(header) == expected


@pytest.mark.parametrize(
    ("bound", "header", "answered"),
    [
        ("127.0.0.1", "127.0.0.1:7878", True),
        ("127.0.0.1", "localhost:7878", True),
        ("127.0.0.1", "[::1]:7878", True),
        ("127.0.0.1", "127.0.0.1", True),  # no port: judged by the name
        ("127.0.0.1", "127.0.0.1:7879", False),
        ("127.0.0.1", "attacker.example:7878", False),
        ("127.0.0.1", "127.0.0.1.nip.io:7878", False),
        ("10.1.2.3", "10.1.2.3:7878", True),
        ("10.1.2.3", "10.1.2.4:7878", False),
        ("10.1.2.3", "kg.internal:7878", True),  # allowed below
        ("10.1.2.3", "myhost:7878", False),
        ("0.0.0.0", "192.168.1.20:7878", True),
        ("0.0.0.0", "rebound.example:7878", False),
    ],
)
def test_host_policy(bound: str, header: str, answered: bool) -> None:
    policy = HostPolicy(bound, 7878, frozenset({"kg.internal"}))
    assert policy.accepts(header) is answered


def test_a_missing_host_is_not_answered() -> None:
    assert HostPolicy("127.0.0.1", 7878).accepts(None) is False
