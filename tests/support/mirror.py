"""One local API mirror for the whole test session, and the tap settings that read it quickly."""

from __future__ import annotations

import threading
from typing import Any

from api_mirror import MirrorServer

_lock = threading.Lock()
_shared: MirrorServer | None = None

#: tap-spacex settings for tests: retries that wait milliseconds, not seconds (the retry paths are
#: tested, not the waiting). The one home of these values: the in-process tap gets them from
#: :func:`fast_tap_config`, Meltano runs from :func:`fast_tap_env`. ``backoff_max`` still lets a
#: short ``Retry-After`` (0.2 s) be honoured as sent.
FAST_TAP_SETTINGS: dict[str, Any] = {
    "request_timeout": 5,
    "max_retries": 5,
    "backoff_base": 0.01,
    "backoff_max": 0.5,
}


def shared_mirror() -> MirrorServer:
    """Start (once) and return the session's mirror on an ephemeral 127.0.0.1 port.

    A function, not only a fixture: the Singer SDK's standard tests need the URL at import time.
    """
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


def fast_tap_config(mirror: MirrorServer | None = None, **overrides: Any) -> dict[str, Any]:
    """tap-spacex config with :data:`FAST_TAP_SETTINGS`, pointing at ``mirror`` if given."""
    config = dict(FAST_TAP_SETTINGS)
    if mirror is not None:
        config["api_url"] = mirror.url
    config.update(overrides)
    return config


def fast_tap_env(**overrides: Any) -> dict[str, str]:
    """The same settings as Meltano's environment variables (``TAP_SPACEX_<SETTING>``)."""
    return {
        f"TAP_SPACEX_{name.upper()}": str(value)
        for name, value in fast_tap_config(**overrides).items()
    }


def fast_satcat_config(mirror: MirrorServer, **overrides: Any) -> dict[str, Any]:
    """tap-satcat config for ``mirror``'s recorded Space-Track (its documented test account),
    with :data:`FAST_TAP_SETTINGS` and the daily limit off. An override of None drops a setting."""
    from api_mirror.spacetrack.api import TEST_IDENTITY, TEST_PASSWORD

    config: dict[str, Any] = {
        **FAST_TAP_SETTINGS,
        "spacetrack_url": mirror.base_url,
        "celestrak_url": mirror.base_url,
        "spacetrack_identity": TEST_IDENTITY,
        "spacetrack_password": TEST_PASSWORD,
        "enforce_daily_limit": False,
    }
    config.update(overrides)
    return {k: v for k, v in config.items() if v is not None}
