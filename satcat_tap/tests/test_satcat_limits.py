"""Space-Track's usage rules: one SATCAT query a day after 17:00 UTC, fewer than 30 requests a
minute. Time is a fake clock throughout: no test sleeps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from singer_sdk.exceptions import ConfigValidationError

from api_mirror import MirrorServer
from tap_satcat import daily_limit
from tap_satcat.client import RateLimiter
from tap_satcat.tap import TapSatcat

UTC = timezone.utc
QUERY = "/basicspacedata/query/class/satcat/"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _state(last: str | None) -> dict | None:
    if last is None:
        return None
    return {"bookmarks": {"spacetrack_satcat": {daily_limit.STATE_KEY: last}}}


# -- the daily-limit rule ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("now", "last", "allowed", "next_at"),
    [
        ("2025-06-21 17:00:00", None, True, None),  # the window opens at 17:00 sharp
        ("2025-06-21 23:59:59", None, True, None),
        ("2025-06-21 16:59:59", None, False, "2025-06-21 17:00:00"),  # too early
        ("2025-06-22 09:00:00", "2025-06-21 17:05:00", False, "2025-06-22 17:00:00"),
        ("2025-06-21 23:00:00", "2025-06-21 17:05:00", False, "2025-06-22 17:00:00"),  # twice
        ("2025-06-21 17:00:00", "2025-06-21 17:00:00", False, "2025-06-22 17:00:00"),
        ("2025-06-22 17:04:59", "2025-06-21 17:05:00", True, None),  # a drifting daily run
        ("2025-06-22 17:00:00", "2025-06-21 23:59:00", True, None),
        ("2025-06-21 18:00:00", "2025-06-21 16:59:00", True, None),  # earlier that day
        ("2025-06-21 18:00:00", "2025-06-30 18:00:00", False, "2025-06-22 17:00:00"),  # future
    ],
)
def test_rule(now: str, last: str | None, allowed: bool, next_at: str | None) -> None:
    decision = daily_limit.decide(at(now), at(last) if last else None)
    assert decision.allowed is allowed
    assert decision.next_allowed_at == (at(next_at) if next_at else None)


def test_state_timestamps_round_trip() -> None:
    moment = at("2025-06-21 17:05:00")
    assert daily_limit.format_utc(moment) == "2025-06-21T17:05:00Z"
    assert daily_limit.parse_utc("2025-06-21T17:05:00Z") == moment
    assert daily_limit.parse_utc("2025-06-21T19:05:00+02:00") == moment
    assert daily_limit.parse_utc("2025-06-21T17:05:00") == moment  # naive = UTC
    assert daily_limit.parse_utc(None) is None and daily_limit.parse_utc("") is None
    with pytest.raises(ValueError):
        daily_limit.parse_utc("yesterday")


# -- the daily limit in a run, with Singer state --------------------------------------------------
def test_first_run_after_17_queries_and_records_the_time(
    make_tap: Callable[..., TapSatcat], sync: Callable, clock, mirror: MirrorServer
) -> None:
    result = sync(make_tap(enforce_daily_limit=True))  # clock: 2025-06-21 18:00 UTC
    assert len(result.records["spacetrack_satcat"]) == 8848
    bookmark = result.last_state["bookmarks"]["spacetrack_satcat"]
    assert bookmark == {daily_limit.STATE_KEY: "2025-06-21T18:00:00Z"}


def test_second_run_the_same_day_is_skipped_with_a_clear_log_line(
    make_tap: Callable[..., TapSatcat],
    sync: Callable,
    clock,
    mirror: MirrorServer,
    logs: list[str],
) -> None:
    state = _state("2025-06-21T17:30:00Z")
    result = sync(make_tap(state=state, enforce_daily_limit=True))
    assert result.records == {}
    assert mirror.request_log == []  # not even a login
    # the earlier query time is carried forward, unchanged
    bookmark = result.last_state["bookmarks"]["spacetrack_satcat"]
    assert bookmark == {daily_limit.STATE_KEY: "2025-06-21T17:30:00Z"}
    line = next(line for line in logs if "SATCAT query skipped" in line)
    assert "2025-06-21T17:30:00Z" in line and "at most one SATCAT query a day" in line
    assert "may run next at 2025-06-22T17:00:00Z" in line and "enforce_daily_limit" in line


def test_before_17_utc_is_skipped(
    make_tap: Callable[..., TapSatcat],
    sync: Callable,
    clock,
    mirror: MirrorServer,
    logs: list[str],
) -> None:
    clock.start = at("2025-06-22 09:15:00")
    result = sync(make_tap(state=_state("2025-06-21T17:30:00Z"), enforce_daily_limit=True))
    assert result.records == {} and mirror.request_log == []
    line = next(line for line in logs if "SATCAT query skipped" in line)
    assert "before 17:00 UTC" in line and "may run next at 2025-06-22T17:00:00Z" in line


def test_next_day_after_17_runs_again(
    make_tap: Callable[..., TapSatcat], sync: Callable, clock
) -> None:
    clock.start = at("2025-06-22 17:01:00")
    result = sync(make_tap(state=_state("2025-06-21T17:30:00Z"), enforce_daily_limit=True))
    assert len(result.records["spacetrack_satcat"]) == 8848
    assert result.last_state["bookmarks"]["spacetrack_satcat"] == {
        daily_limit.STATE_KEY: "2025-06-22T17:01:00Z"
    }


def test_limit_off_queries_any_time_and_still_records_the_time(
    make_tap: Callable[..., TapSatcat], sync: Callable, clock
) -> None:
    clock.start = at("2025-06-21 03:00:00")
    result = sync(make_tap(state=_state("2025-06-21T02:00:00Z"), enforce_daily_limit=False))
    assert len(result.records["spacetrack_satcat"]) == 8848
    assert result.last_state["bookmarks"]["spacetrack_satcat"] == {
        daily_limit.STATE_KEY: "2025-06-21T03:00:00Z"
    }


def test_failed_query_records_no_time(
    make_tap: Callable[..., TapSatcat], clock, mirror: MirrorServer
) -> None:
    mirror.faults.add(not_json=True, path_contains=QUERY)
    tap = make_tap(enforce_daily_limit=True)
    stream = tap.streams["spacetrack_satcat"]
    with pytest.raises(Exception, match="not JSON"):
        list(stream.get_records(None))
    assert daily_limit.STATE_KEY not in stream.stream_state


def test_a_skipped_query_never_activates_a_new_table_version(
    make_tap: Callable[..., TapSatcat], sync: Callable, clock
) -> None:
    """An empty version would make the target retire every row; a run that does not read the
    source announces none (also with the SDK's own setting on), and records no provenance."""
    state = _state("2025-06-21T17:30:00Z")
    skipped = sync(
        make_tap(state=state, enforce_daily_limit=True, emit_activate_version_messages=True)
    )
    assert skipped.records == {} and skipped.activated == []
    ran = sync(make_tap(enforce_daily_limit=True))
    assert ran.activated == ["spacetrack_satcat"]  # not celestrak_satcat: source is Space-Track
    assert len(ran.records["spacetrack_satcat"]) == 8848


def test_corrupt_state_fails_clearly(make_tap: Callable[..., TapSatcat], sync: Callable) -> None:
    with pytest.raises(Exception, match="last_satcat_query_at is not a timestamp"):
        sync(make_tap(state=_state("last tuesday"), enforce_daily_limit=True))


def test_the_limit_only_concerns_space_track(
    make_tap: Callable[..., TapSatcat], sync: Callable, clock
) -> None:
    clock.start = at("2025-06-21 03:00:00")
    result = sync(make_tap(source="celestrak", enforce_daily_limit=True))
    assert len(result.records["celestrak_satcat"]) == 17


# -- the rate limiter ---------------------------------------------------------------------------
def test_rate_limiter_sliding_window(clock) -> None:
    limiter = RateLimiter(3, 60.0, clock=clock.monotonic, sleep=clock.sleep)
    for _ in range(3):
        assert limiter.acquire() == 0
    assert clock.sleeps == []
    assert limiter.acquire() == 60.0  # the 4th waits for the 1st to leave the window
    clock.now += 10
    assert limiter.acquire() == 0  # at t=70 the window holds only the request of t=60
    assert clock.sleeps == [60.0] and limiter.waited == [60.0]


def test_rate_limiter_spaces_a_burst(clock) -> None:
    limiter = RateLimiter(20, 60.0, clock=clock.monotonic, sleep=clock.sleep)
    times = []
    for _ in range(50):
        limiter.acquire()
        times.append(clock.monotonic())
    # never more than 20 in any 60-second window
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if t < start + 60) <= 20
    assert times[-1] == 120.0  # requests 41..50 go out at t=120
    assert clock.sleeps == [60.0, 60.0]


def test_rate_limiter_staggered_requests(clock) -> None:
    limiter = RateLimiter(2, 60.0, clock=clock.monotonic, sleep=clock.sleep)
    limiter.acquire()  # t=0
    clock.now = 30
    limiter.acquire()  # t=30
    clock.now = 45
    assert limiter.acquire() == 15.0  # waits until t=60, when t=0 leaves
    assert limiter.acquire() == 30.0  # then until t=90, when t=30 leaves


def test_every_space_track_request_passes_the_limiter(
    make_tap: Callable[..., TapSatcat], clock, mirror: MirrorServer
) -> None:
    tap = make_tap(requests_per_minute=1, name_filter="STARLINK-1")
    stream = tap.streams["spacetrack_satcat"]
    records = list(stream.get_records(None))  # login at t=0, query at t=60
    assert records and clock.sleeps == [60.0]
    mirror.faults.add(status=503, times=1, path_contains=QUERY)
    list(stream.get_records(None))  # the 503 and its retry both wait their turn
    limiter = tap.spacetrack.http.limiter
    assert limiter is not None and limiter.max_requests == 1
    assert len(limiter.waited) == 3  # query, 503'd query, its retry: each waited
    assert clock.now >= 180  # four requests at one a minute span at least three minutes


def test_celestrak_is_not_rate_limited_by_the_space_track_limiter(
    make_tap: Callable[..., TapSatcat], clock
) -> None:
    tap = make_tap(source="celestrak", requests_per_minute=1)
    stream = tap.streams["celestrak_satcat"]
    for _ in range(3):
        assert len(list(stream.get_records(None))) == 17
    assert clock.sleeps == []


@pytest.mark.parametrize("value", [0, 30, 100])
def test_requests_per_minute_must_stay_below_30(
    make_tap: Callable[..., TapSatcat], value: int
) -> None:
    with pytest.raises(ConfigValidationError):
        make_tap(requests_per_minute=value)


def test_default_is_20_a_minute(make_tap: Callable[..., TapSatcat]) -> None:
    tap = make_tap(requests_per_minute=None)
    assert tap.spacetrack.http.limiter.max_requests == 20
