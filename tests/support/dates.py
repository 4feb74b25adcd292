"""Dates the way the dbt models compute them, for expected values computed in Python."""

from __future__ import annotations

import datetime as dt

DAYS_PER_MONTH = 30.4375  # 365.25 / 12, as in the dbt macro days_per_month()
TARGET = 42_000  # satellites in orbit: the question's target (dbt var starlink_target_in_orbit)


def to_date(value: str | None) -> dt.date | None:
    """The date of an ISO date or timestamp string (None stays None)."""
    return dt.date.fromisoformat(value[:10]) if value else None


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months (negative: back), clamping the day like PostgreSQL's
    ``date + interval 'n months'``."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    for d in range(day.day, 27, -1):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))
