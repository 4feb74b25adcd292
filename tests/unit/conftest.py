"""Unit tests start no process and open no database connection: either fails the test at once.

That is what makes them unit tests (and `make test-fast` quick and runnable with nothing set up
but the virtualenv). A test that needs a subprocess, PostgreSQL, Meltano, dbt or a Dagster run
belongs in ``tests/integration``. In-process servers on 127.0.0.1 (the mirror) are fine.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import psycopg
import pytest

#: Audit events (PEP 578) raised when Python starts another process.
PROCESS_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork"}
)
_guarding = False


def _refuse_processes(event: str, args: tuple) -> None:
    if _guarding and event in PROCESS_EVENTS:
        raise RuntimeError(
            f"a unit test started a process ({event}: {str(args)[:200]}); "
            "move the test to tests/integration"
        )


sys.addaudithook(_refuse_processes)  # for the whole session, active only inside unit tests


def _refuse_database(*args: object, **kwargs: object) -> None:
    raise RuntimeError("a unit test connected to PostgreSQL; move the test to tests/integration")


@pytest.fixture(autouse=True)
def no_process_no_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    global _guarding
    monkeypatch.setattr(psycopg, "connect", _refuse_database)
    monkeypatch.setattr(psycopg.Connection, "connect", classmethod(_refuse_database))
    _guarding = True
    try:
        yield
    finally:
        _guarding = False
