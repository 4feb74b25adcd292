"""Space-Track's SATCAT etiquette: at most one SATCAT query a day, after 17:00 UTC.

The rule, applied when the setting ``enforce_daily_limit`` is true (the default):

    A SATCAT query may run at time ``now`` (UTC) only if
      1. ``now`` is at or after 17:00 UTC of its own UTC day, and
      2. no successful SATCAT query was recorded at or after 17:00 UTC of that same day.

So there is at most one query per UTC day, always between 17:00 and 24:00 UTC. Otherwise the
query is skipped (the stream emits no records, which deletes nothing downstream) and the log says
why and when it may run next: today at 17:00 UTC when it is still earlier, else tomorrow at
17:00 UTC. Such a run also emits no ``ACTIVATE_VERSION`` (see ``SatcatStream``), so a target
never retires rows. A calendar day is used rather than "24 hours since the last query" so that
a daily schedule at 17:05 UTC, whose runs drift by seconds, is never skipped.

The time of the last successful query is kept in the stream's Singer state under
:data:`STATE_KEY` (ISO 8601, UTC), so Meltano carries it from run to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

UTC = timezone.utc

#: Space-Track asks for SATCAT queries after this time of day (UTC).
SATCAT_WINDOW_OPENS = time(17, 0)

#: The stream-state key holding the time of the last successful SATCAT query.
STATE_KEY = "last_satcat_query_at"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    next_allowed_at: datetime | None = None


def to_utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive datetime is taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_utc(moment: datetime) -> str:
    return to_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(value: object) -> datetime | None:
    """The state's timestamp as an aware UTC datetime; ``None`` if absent.

    Raises ``ValueError`` for a value that is not an ISO 8601 timestamp.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 timestamp, got {value!r}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return to_utc(datetime.fromisoformat(text))


def decide(now: datetime, last_query_at: datetime | None) -> Decision:
    """Whether a SATCAT query may run at ``now`` given the last successful one (module rule)."""
    now = to_utc(now)
    opens = datetime.combine(now.date(), SATCAT_WINDOW_OPENS, tzinfo=UTC)
    if now < opens:
        return Decision(
            False,
            f"it is {format_utc(now)}, before 17:00 UTC (Space-Track asks for SATCAT queries "
            "only after 17:00 UTC)",
            opens,
        )
    if last_query_at is not None and to_utc(last_query_at) >= opens:
        return Decision(
            False,
            f"the last SATCAT query ran at {format_utc(last_query_at)}, already after 17:00 UTC "
            "today (Space-Track asks for at most one SATCAT query a day)",
            opens + timedelta(days=1),
        )
    if last_query_at is None:
        previous = "no earlier query recorded"
    else:
        previous = f"last query {format_utc(last_query_at)}"
    return Decision(True, f"after 17:00 UTC and the first query today ({previous})")
