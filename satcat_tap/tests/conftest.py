"""Fixtures of tap-satcat's tests: a fake clock (no test sleeps), a tap factory and a sync runner
that collects Singer messages. The mirror is the session's shared one (``mirror``, from api-mirror's
pytest plugin: reset after every test); nothing touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from api_mirror import MirrorServer
from api_mirror.testing import fast_satcat_config
from tap_satcat.tap import TapSatcat

UTC = timezone.utc


class FakeClock:
    """Monotonic seconds, sleep and UTC wall time that only move when something sleeps."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def utcnow(self) -> datetime:
        return self.start + timedelta(seconds=self.now)


@pytest.fixture
def clock() -> FakeClock:
    """18:00 UTC on the recording's day: inside Space-Track's SATCAT window."""
    return FakeClock(datetime(2025, 6, 21, 18, 0, tzinfo=UTC))


def base_config(mirror: MirrorServer, **overrides: Any) -> dict[str, Any]:
    """Config for the mirror: dev credentials, quick retries (2), daily limit off."""
    return fast_satcat_config(mirror, **{"max_retries": 2, **overrides})


@pytest.fixture
def make_tap(mirror: MirrorServer, clock: FakeClock) -> Callable[..., TapSatcat]:
    """``make_tap(state=None, **config_overrides)``: a tap on the mirror with the fake clock.

    A config value of None removes that setting.
    """

    def make(state: dict | None = None, **overrides: Any) -> TapSatcat:
        tap = TapSatcat(config=base_config(mirror, **overrides), state=state)
        tap.monotonic = clock.monotonic  # type: ignore[method-assign]
        tap.sleep = clock.sleep  # type: ignore[method-assign]
        tap.utcnow = clock.utcnow  # type: ignore[method-assign]
        return tap

    return make


@dataclass
class SyncResult:
    records: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    states: list[dict[str, Any]] = field(default_factory=list)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    activated: list[str] = field(default_factory=list)  # streams with an ACTIVATE_VERSION
    messages: list[dict[str, Any]] = field(default_factory=list)  # every message, in order

    @property
    def last_state(self) -> dict[str, Any]:
        return self.states[-1] if self.states else {}


def run_sync(tap: TapSatcat) -> SyncResult:
    """Run ``tap.sync_all()`` and parse the Singer messages it writes to stdout."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        tap.sync_all()
    result = SyncResult()
    for line in buffer.getvalue().splitlines():
        message = json.loads(line)
        result.messages.append(message)
        if message["type"] == "RECORD":
            result.records[message["stream"]].append(message["record"])
        elif message["type"] == "STATE":
            result.states.append(message["value"])
        elif message["type"] == "SCHEMA":
            result.schemas[message["stream"]] = message["schema"]
        elif message["type"] == "ACTIVATE_VERSION":
            result.activated.append(message["stream"])
    return result


@pytest.fixture
def sync() -> Callable[[TapSatcat], SyncResult]:
    return run_sync


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.levelname} {record.getMessage()}")


@pytest.fixture
def logs() -> Iterator[list[str]]:
    """Every log line (DEBUG and up) of the tap, httpx and httpcore, formatted."""
    handler = _ListHandler()
    names = ["", "tap-satcat", "httpx", "httpcore"]
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler.lines
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def config_for() -> Callable[..., dict[str, Any]]:
    """``config_for(mirror, **overrides)``: the tap config :func:`base_config` builds."""
    return base_config
