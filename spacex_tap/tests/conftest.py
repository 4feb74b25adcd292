"""Fixtures: one mirror on an ephemeral 127.0.0.1 port for the whole session.

The mirror comes from ``tap_spacex.mirror.testing.shared_mirror()``, which test_standard.py
also calls at import time (the SDK's ``get_tap_test_class`` needs the config then).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tap_spacex.mirror import MirrorServer
from tap_spacex.mirror.testing import shared_mirror, stop_shared_mirror


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    stop_shared_mirror()


@pytest.fixture
def mirror() -> Iterator[MirrorServer]:
    """The shared mirror with no pending faults and an empty request log."""
    server = shared_mirror()
    server.faults.clear()
    server.request_log.clear()
    yield server
    server.faults.clear()
