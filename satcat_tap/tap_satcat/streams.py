"""Two streams, one per SATCAT source; only the source the tap resolves emits records.

``spacetrack_satcat`` reads Space-Track (login, session cookie, one SATCAT query, the daily
limit); ``celestrak_satcat`` reads CelesTrak (no account). Both keep the source's field names,
lower-cased, and type the values (Space-Track sends every value as a string): integers, numbers,
``format: date`` strings, the rest strings; empty values become null. A value that cannot be
typed fails the run naming the stream, the NORAD id and the field. Every record is then validated
against the stream's schema (compiled fastjsonschema first, jsonschema for the message).

Satellites deleted upstream become soft deletes downstream
(:class:`tap_common.streams.FullTableStream`): the stream that reads stamps its
records with this run's table version and sends ONE ``ACTIVATE_VERSION`` after its last record,
so the target marks the rows of older versions with ``_sdc_deleted_at``. A stream that fails,
gets zero records, or does not read (the other source's; a query skipped by the daily limit)
sends none and marks nothing.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import quote

from singer_sdk import Tap

from tap_common.streams import PROVENANCE_STREAM, FullTableStream, RunningTap, schema_loader
from tap_satcat import daily_limit
from tap_satcat.client import (
    BadResponseError,
    HTTPClient,
    RecordValidationError,
    SatcatError,
    SpaceTrackClient,
)
from tap_satcat.config import SourceChoice
from tap_satcat.stream_names import CELESTRAK_STREAM, SPACETRACK_STREAM

__all__ = ["PROVENANCE_STREAM", "RecordValidationError", "STREAM_TYPES", "load_schema"]

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"

#: ``load_schema(name)``: ``schemas/<name>.json`` (``extract_provenance``: tap-common's).
load_schema = schema_loader(SCHEMAS_DIR)

_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})([T ][0-9:.]*(Z|[+-]\d{2}:?\d{2})?)?$")


class ValueConversionError(SatcatError):
    """A source value cannot be typed (e.g. ``PERIOD`` is not a number)."""


# -- typing one value ---------------------------------------------------------------------------
def to_integer(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("is a boolean, not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    raise ValueError("is not an integer")


def to_number(value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("is a boolean, not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("is not a finite number")
        return value
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        text = value.strip()
        return int(text) if _INTEGER.match(text) else float(text)
    raise ValueError("is not a number")


def to_date(value: Any) -> str | None:
    """``YYYY-MM-DD``; a time after the date (ISO 8601) is dropped, the date is checked."""
    if value is None:
        return None
    if isinstance(value, str):
        match = _DATE.match(value.strip())
        if match:
            day = match.group(1)
            try:
                date.fromisoformat(day)
            except ValueError:
                raise ValueError("is not a date (YYYY-MM-DD): no such day") from None
            return day
    raise ValueError("is not a date (YYYY-MM-DD)")


def to_string(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"is {type(value).__name__}, not a string")


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "integer": to_integer,
    "number": to_number,
    "date": to_date,
    "string": to_string,
}


def kind_of(property_schema: Mapping[str, Any]) -> str:
    """The converter for a schema property: integer, number, date or string."""
    types = property_schema.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    if "integer" in types:
        return "integer"
    if "number" in types:
        return "number"
    if property_schema.get("format") == "date":
        return "date"
    return "string"


class SatcatTap(RunningTap, Protocol):
    """What the streams need of :class:`tap_satcat.tap.TapSatcat` (named here, not imported,
    so that the tap, which imports the streams, is not imported by them)."""

    @property
    def settings(self) -> Mapping[str, Any]: ...

    @property
    def source_choice(self) -> SourceChoice: ...

    @property
    def spacetrack(self) -> SpaceTrackClient: ...

    @property
    def celestrak(self) -> HTTPClient: ...

    def utcnow(self) -> datetime: ...


class SatcatStream(FullTableStream):
    """A full-table stream over one SATCAT source, keyed by ``norad_cat_id``."""

    #: ``spacetrack`` or ``celestrak``: the ``source`` this stream reads.
    source: str = ""
    #: Whether a blank string is null for string fields too (numbers and dates: always).
    blank_strings_are_null: bool = False
    primary_keys = ("norad_cat_id",)
    record_validation_error = RecordValidationError

    def __init__(self, tap: Tap) -> None:
        super().__init__(tap, schema=load_schema(self.name))
        self._warned_fields: set[str] = set()

    # -- schema ----------------------------------------------------------------------------
    @cached_property
    def fields(self) -> tuple[tuple[str, str, Callable[[Any], Any]], ...]:
        """(source field, record field, converter) in schema order; the source's field names
        are the schema's property names upper-cased."""
        return tuple(
            (name.upper(), name, CONVERTERS[kind_of(spec)])
            for name, spec in self.schema["properties"].items()
        )

    def describe_record(self, record: Mapping[str, Any]) -> str:
        return f"NORAD_CAT_ID {record.get('norad_cat_id')!r}"

    # -- typing ------------------------------------------------------------------------------
    def convert(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The source row with lower-cased names and typed values (see the module docstring)."""
        norad = row.get("NORAD_CAT_ID")
        record: dict[str, Any] = {}
        for source_name, name, converter in self.fields:
            if source_name not in row:
                self._warn_once(
                    f"missing:{source_name}",
                    "stream %s: the source sent no field %s (NORAD_CAT_ID %r); loading null",
                    self.name,
                    source_name,
                    norad,
                )
            value = row.get(source_name)
            blank = isinstance(value, str) and value.strip() == ""
            if blank and (self.blank_strings_are_null or converter is not to_string):
                value = None
            try:
                record[name] = converter(value)
            except ValueError as exc:
                raise ValueConversionError(
                    f"stream {self.name}: record NORAD_CAT_ID {norad!r}: field {source_name} "
                    f"value {value!r} {exc}"
                ) from exc
        if record.get("norad_cat_id") is None:
            raise ValueConversionError(
                f"stream {self.name}: a record has no NORAD_CAT_ID "
                f"(fields: {', '.join(sorted(map(str, row)))[:200]})"
            )
        known = {source_name for source_name, _, _ in self.fields}
        for extra in sorted(set(row) - known):
            self._warn_once(
                f"extra:{extra}",
                "stream %s: the source sent a field %s that is not in the schema; dropped",
                self.name,
                extra,
            )
        return record

    def _warn_once(self, key: str, message: str, *args: Any) -> None:
        if key not in self._warned_fields:
            self._warned_fields.add(key)
            self.logger.warning(message, *args)

    def post_process(self, row: dict, context: Mapping[str, Any] | None = None) -> dict | None:
        record = self.convert(row)
        self.validate_record(record)
        return record

    # -- reading -------------------------------------------------------------------------------
    @property
    def tap(self) -> SatcatTap:
        return cast(SatcatTap, self._tap)

    @property
    def name_filter(self) -> str:
        return str(self.tap.settings["name_filter"])

    def skip_reason(self, context: Mapping[str, Any] | None = None) -> str | None:
        """Why this run does not read the source (``None``: it does)."""
        choice = self.tap.source_choice
        if choice.source != self.source:
            return f"emits no records: {choice.reason}"
        return None

    def reads_source(self, context: Mapping[str, Any] | None) -> bool:
        """Only the stream of the resolved source reads it, and only when the daily limit lets
        it: the other counts as not having run (the provenance's ``record_counts``) and neither
        has anything to say about deletes."""
        return self.skip_reason(context) is None

    def get_records(self, context: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
        reason = self.skip_reason(context)
        if reason is not None:
            self.logger.log(self.skip_level, "stream %s: %s", self.name, reason)
            return
        yield from self.fetch(context)

    @property
    def skip_level(self) -> int:
        """INFO for the other source's stream; a skipped query is a WARNING."""
        return logging.INFO if self.tap.source_choice.source != self.source else logging.WARNING

    def fetch(self, context: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
        raise NotImplementedError

    def check_rows(self, body: Any, *, method: str, url: str) -> list[dict[str, Any]]:
        """A SATCAT answer must be a JSON list of objects, each with ``NORAD_CAT_ID``."""
        if not isinstance(body, list):
            got = "an empty body" if body is None else type(body).__name__
            raise BadResponseError(
                f"stream {self.name}: {method} {url} returned {got}, expected a JSON list of "
                "SATCAT records"
            )
        for index, row in enumerate(body):
            if not isinstance(row, dict):
                raise BadResponseError(
                    f"stream {self.name}: {method} {url} returned an element #{index} that is "
                    f"{type(row).__name__}, expected an object"
                )
            if row.get("NORAD_CAT_ID") in (None, ""):
                raise BadResponseError(
                    f"stream {self.name}: {method} {url} returned an element #{index} without "
                    f"NORAD_CAT_ID (keys: {', '.join(sorted(map(str, row)))[:200]})"
                )
        if not body:
            self.logger.warning(
                "stream %s: %s %s returned no records; is name_filter %r right?",
                self.name,
                method,
                url,
                self.name_filter,
            )
        return body


class SpaceTrackSatcatStream(SatcatStream):
    """Space-Track's SATCAT: ``GET /basicspacedata/query/class/satcat/SATNAME/~~<name_filter>
    /orderby/NORAD_CAT_ID%20asc/emptyresult/show`` with the session of ``POST /ajaxauth/login``.

    Ordered by NORAD_CAT_ID (unique, so the order is total and repeatable; the recording used
    ``LAUNCH asc``, which ties within a launch). One query a run, at most one a day after 17:00
    UTC while ``enforce_daily_limit`` is true (:mod:`tap_satcat.daily_limit`).
    """

    name = SPACETRACK_STREAM
    source = "spacetrack"

    def query_path(self) -> str:
        return (
            "/basicspacedata/query/class/satcat/SATNAME/~~"
            f"{quote(self.name_filter, safe='')}/orderby/NORAD_CAT_ID%20asc/emptyresult/show"
        )

    def daily_limit_decision(
        self, context: Mapping[str, Any] | None = None
    ) -> daily_limit.Decision | None:
        """The daily-limit rule for now and the state (``None`` when it is not enforced)."""
        if not self.tap.settings["enforce_daily_limit"]:
            return None
        state = self.get_context_state(context)
        try:
            last = daily_limit.parse_utc(state.get(daily_limit.STATE_KEY))
        except ValueError as exc:
            raise SatcatError(
                f"stream {self.name}: the state's {daily_limit.STATE_KEY} is not a "
                f"timestamp ({exc}); fix or clear the state"
            ) from exc
        return daily_limit.decide(self.tap.utcnow(), last)

    def skip_reason(self, context: Mapping[str, Any] | None = None) -> str | None:
        reason = super().skip_reason(context)
        if reason is not None:
            return reason
        decision = self.daily_limit_decision(context)
        if decision is None or decision.allowed:
            return None
        assert decision.next_allowed_at is not None
        return (
            f"SATCAT query skipped, no records this run: {decision.reason}. It may run next at "
            f"{daily_limit.format_utc(decision.next_allowed_at)} or later (setting "
            "enforce_daily_limit; false turns this off)."
        )

    def fetch(self, context: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
        state = self.get_context_state(context)
        now = self.tap.utcnow()
        decision = self.daily_limit_decision(context)
        if decision is not None:
            self.logger.info(
                "stream %s: daily limit allows the query: %s", self.name, decision.reason
            )
        client = self.tap.spacetrack
        path = self.query_path()
        body = client.get_json(path, stream=self.name)
        rows = self.check_rows(body, method="GET", url=client.url_for(path))
        state[daily_limit.STATE_KEY] = daily_limit.format_utc(now)
        self.logger.info(
            "stream %s: Space-Track returned %d SATCAT records (Source: USSPACECOM via "
            "Space-Track.org)",
            self.name,
            len(rows),
        )
        yield from rows


class CelesTrakSatcatStream(SatcatStream):
    """CelesTrak's SATCAT: ``GET <celestrak_url>/satcat/records.php?NAME=<FILTER>&FORMAT=JSON``.

    CelesTrak's names are upper case, so the filter is sent upper-cased; blank values are null.
    """

    name = CELESTRAK_STREAM
    source = "celestrak"
    blank_strings_are_null = True

    def fetch(self, context: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
        http = self.tap.celestrak
        url = f"{str(self.tap.settings['celestrak_url']).rstrip('/')}/satcat/records.php"
        params = {"NAME": self.name_filter.upper(), "FORMAT": "JSON"}
        response = http.request("GET", url, stream=self.name, params=params)
        rows = self.check_rows(
            http.parse_json(response, stream=self.name), method="GET", url=str(response.url)
        )
        self.logger.info("stream %s: CelesTrak returned %d SATCAT records", self.name, len(rows))
        yield from rows


STREAM_TYPES: tuple[type[SatcatStream], ...] = (SpaceTrackSatcatStream, CelesTrakSatcatStream)
