"""No network for a query worker: a seccomp filter that refuses IPv4 and IPv6 sockets.

Oxigraph evaluates ``SERVICE`` by making an HTTP request, and pyoxigraph offers no option to
turn that off (``Store.query`` takes no service handler). The server refuses SERVICE from the
parsed query (:mod:`kg.serve.checks`), but a check in front of the engine can only be as good
as the agreement between two grammars. So each worker process also installs, before it
opens the graph, a seccomp filter (Linux, x86-64 and AArch64) under which creating an
``AF_INET``/``AF_INET6`` socket or an io_uring instance fails with ``EACCES``: whatever query
reaches the engine, the process cannot open a connection or resolve a name. Unix sockets and
pipes (how the worker talks to the server) still work. The filter is inherited by every
thread the engine starts later and cannot be removed.

Built with ctypes only; where seccomp is unavailable, :func:`deny_network` returns False and
the caller refuses what it cannot check (see :func:`kg.serve.checks.refusal`).
"""

from __future__ import annotations

import ctypes
import platform
import socket

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]
_NR_OFFSET = 0
_ARCH_OFFSET = 4
_ARG0_OFFSET = 16

# classic BPF opcodes
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K

_ALLOW = 0x7FFF0000  # SECCOMP_RET_ALLOW
_EACCES = 13
_DENY = 0x00050000 | _EACCES  # SECCOMP_RET_ERRNO | EACCES

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2

_IO_URING_SETUP = 425  # the same number on both architectures
# machine → (AUDIT_ARCH_*, __NR_socket)
_ARCHES: dict[str, tuple[int, int]] = {
    "x86_64": (0xC000003E, 41),
    "aarch64": (0xC00000B7, 198),
}


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _program(arch: int, socket_nr: int) -> list[tuple[int, int, int, int]]:
    """The filter: (code, jump if true, jump if false, k); jumps count from the next line."""
    return [
        (_LD_W_ABS, 0, 0, _ARCH_OFFSET),
        (_JEQ_K, 0, 7, arch),  # another ABI (x32, i386): deny, its numbers differ
        (_LD_W_ABS, 0, 0, _NR_OFFSET),
        (_JEQ_K, 5, 0, _IO_URING_SETUP),  # io_uring can open sockets without socket(2)
        (_JEQ_K, 0, 3, socket_nr),
        (_LD_W_ABS, 0, 0, _ARG0_OFFSET),  # the address family
        (_JEQ_K, 2, 0, socket.AF_INET),
        (_JEQ_K, 1, 0, socket.AF_INET6),
        (_RET_K, 0, 0, _ALLOW),
        (_RET_K, 0, 0, _DENY),
    ]


def deny_network() -> bool:
    """Forbid this process (and threads it starts later) IPv4/IPv6 sockets; True if done.

    Call it in a process of its own, before it starts threads: the filter is permanent.
    """
    arch = _ARCHES.get(platform.machine())
    if arch is None or platform.system() != "Linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    rows = _program(*arch)
    table = (_SockFilter * len(rows))(*(_SockFilter(*row) for row in rows))
    program = _SockFprog(len(rows), table)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) != 0:
        return False
    return network_denied()


def network_denied() -> bool:
    """Whether this process is unable to create an IPv4 socket (the filter is in force)."""
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    return False
