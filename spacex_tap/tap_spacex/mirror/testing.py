"""Helpers for test suites: one process-wide mirror and a fast-retry tap config.

Lives in the package (not in tests/) so any test suite can import it without sys.path tricks.
"""

from __future__ import annotations

import threading
from typing import Any

from tap_spacex.mirror.server import MirrorServer

_lock = threading.Lock()
_shared: MirrorServer | None = None


def shared_mirror() -> MirrorServer:
    """Start (once) and return a mirror on an ephemeral 127.0.0.1 port."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = MirrorServer(port=0).start()
        return _shared


def stop_shared_mirror() -> None:
    global _shared
    with _lock:
        if _shared is not None:
            _shared.stop()
            _shared = None


def fast_tap_config(mirror: MirrorServer, **overrides: Any) -> dict[str, Any]:
    """Tap config pointing at ``mirror`` with retries that wait milliseconds, not seconds."""
    config: dict[str, Any] = {
        "api_url": mirror.url,
        "page_size": 100,
        "request_timeout": 5,
        "max_retries": 3,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
    }
    config.update(overrides)
    return config
