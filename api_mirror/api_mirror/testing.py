"""The mirror's pytest plugin: one local API mirror for the whole test session, its fixtures,
the offline guard, and the tap settings that read the mirror quickly.

Registered as the ``pytest11`` entry point ``api_mirror`` (pyproject.toml), so every suite run
where api-mirror is installed (the root's, each tap's own, the mirror's) has the fixtures
:func:`mirror_server` and :func:`mirror` without a conftest repeating them, and no test reaches
past 127.0.0.1 (:mod:`api_mirror.offline`). Needs pytest (the ``test`` extra).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from api_mirror.offline import refuse_the_internet
from api_mirror.server import MirrorServer
from api_mirror.spacetrack.api import TEST_IDENTITY, TEST_PASSWORD

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


def pytest_configure(config: pytest.Config) -> None:
    refuse_the_internet()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    stop_shared_mirror()


@pytest.fixture(scope="session")
def mirror_server() -> MirrorServer:
    """The session's local API mirror, in a thread of the test process, on an ephemeral port."""
    return shared_mirror()


@pytest.fixture
def mirror(mirror_server: MirrorServer) -> Iterator[MirrorServer]:
    """The session's mirror with no pending faults and an empty request log, reset afterwards."""
    mirror_server.reset()
    yield mirror_server
    mirror_server.reset()


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
