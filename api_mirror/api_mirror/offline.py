"""No test reaches past this machine: the mirror is the only API a test talks to.

Python's own sockets may only resolve and connect to loopback (and Unix sockets): an audit hook
(PEP 578), installed once for every suite by the mirror's pytest plugin (:mod:`api_mirror.testing`),
so a test that would call a live API fails at once, naming the host, instead of hanging on a
machine without internet or quietly depending on one with it.

Child processes (Meltano, dbt) are not covered by the hook: the fixtures give them the mirror's
URLs instead.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

#: Hosts a test may resolve or connect to.
LOCAL_HOSTS = frozenset({"localhost", "::1", "", socket.gethostname()})


def is_local(host: Any) -> bool:
    if host is None:
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    return name in LOCAL_HOSTS or name.startswith("127.")


def _refuse_the_internet(event: str, args: tuple) -> None:
    if event == "socket.getaddrinfo":
        host = args[0]
    elif event == "socket.connect" and isinstance(args[1], tuple):  # not a Unix socket
        host = args[1][0]
    else:
        return
    if not is_local(host):
        raise ConnectionRefusedError(f"a test tried to reach {host!r}: tests stay offline")


_installed = False


def refuse_the_internet() -> None:
    """Install the hook (once: audit hooks cannot be removed)."""
    global _installed
    if not _installed:
        sys.addaudithook(_refuse_the_internet)
        _installed = True
