"""The two stream kinds every tap has: its source's full-table streams and ``extract_provenance``.

:class:`FullTableStream`: deletes upstream become soft deletes downstream. The stream stamps its
records with this run's table version and sends ONE ``ACTIVATE_VERSION`` after its last record,
so the target marks the rows of older versions (those the source no longer has) with
``_sdc_deleted_at``. A stream that fails or stops early, that gets zero records, or that does not
read its source this run (:meth:`FullTableStream.reads_source`) sends none and marks nothing.
Every record is validated against the stream's schema first (:mod:`tap_common.validation`).

:class:`ExtractProvenanceStream`: where and when a run's records came from. It syncs after every
other stream (:class:`tap_common.tap.SourceTap` orders it last) and emits ONE record: the tap and
its version, the source and base URL read, the start and end of the run, the records each stream
emitted and what the server said it serves (:class:`tap_common.http.ServedRecording`: the local
api-mirror sends it, a live API does not). A run that emitted no record in its other streams emits
none here either: it loaded nothing to account for. It is append-only history keyed by a fresh
``extract_id``: it never sends ``ACTIVATE_VERSION``, which would have the target mark every
earlier run's record deleted.

Both override private methods of the Singer SDK (``sync`` is final); tests/test_sdk_contract.py
fails when their shape changes in an SDK upgrade.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Protocol, cast

from singer_sdk import Stream
from singer_sdk.singerlib.catalog import REPLICATION_FULL_TABLE

from tap_common import errors
from tap_common.http import ServedRecording
from tap_common.stream_names import PROVENANCE_STREAM
from tap_common.validation import RecordValidator

#: tap-common's own schemas (the provenance stream's).
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"


def schema_loader(directory: Path) -> Callable[[str], dict[str, Any]]:
    """``load_schema(name)`` for a tap: ``<directory>/<name>.json``, else tap-common's own."""

    def load_schema(name: str) -> dict[str, Any]:
        path = directory / f"{name}.json"
        if not path.exists():
            path = SCHEMAS_DIR / f"{name}.json"
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    return load_schema


load_schema = schema_loader(SCHEMAS_DIR)


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


class RunningTap(Protocol):
    """What the streams here need of their tap (:class:`tap_common.tap.SourceTap` has it)."""

    @property
    def name(self) -> str: ...

    @property
    def initialized_at(self) -> int: ...

    @property
    def record_counts(self) -> dict[str, int]:
        """Records each stream that read its source emitted in this run (for the provenance)."""
        ...


class FullTableStream(Stream):
    """A full-table stream over one source: validated records, soft deletes (module docstring)."""

    replication_key = None
    #: The tap's own :class:`~tap_common.errors.RecordValidationError`.
    record_validation_error: ClassVar[type[errors.RecordValidationError]] = (
        errors.RecordValidationError
    )

    @property
    def tap(self) -> RunningTap:
        return cast(RunningTap, self._tap)

    def describe_record(self, record: Mapping[str, Any]) -> str:
        """How messages name a record (its key)."""
        return ", ".join(f"{key}={record.get(key)!r}" for key in self.primary_keys or ())

    @cached_property
    def record_validator(self) -> RecordValidator:
        """Built on the first record, from the schema as the stream has it then."""
        return RecordValidator(
            self.name,
            self.schema,
            describe=self.describe_record,
            error=self.record_validation_error,
        )

    def validate_record(self, record: Mapping[str, Any]) -> None:
        self.record_validator.validate(record)

    def reads_source(self, context: Mapping[str, Any] | None) -> bool:
        """Whether this run reads the source; a stream that does not has nothing to say about
        deletes and does not count as having run. Asked once, before the sync."""
        return True

    # -- soft deletes ----------------------------------------------------------------------
    @property
    def emit_activate_version_messages(self) -> bool:
        """Never the SDK's own ACTIVATE_VERSION: it comes before the first record (also for a
        run that will not read the source), so a stream that failed midway would have the target
        mark every row it had not resent yet deleted. :meth:`_sync_records` sends one after the
        last record instead."""
        return False

    def _sync_records(
        self, context: Mapping[str, Any] | None = None, *, write_messages: bool = True
    ) -> Generator[dict, Any, Any]:
        """The SDK's record sync (``sync`` is final, so this is the place), with the records
        stamped with this run's table version and ONE ``ACTIVATE_VERSION`` after the last one.

        The version is the tap's start in milliseconds (two runs within a second still differ).
        An exception (a failed request, a misfit record, the SDK's record limit) leaves before the
        ``ACTIVATE_VERSION``, so a partial run marks nothing deleted.
        """
        reads = self.reads_source(context)  # before the sync, which may record a query time
        full_table = self.replication_method == REPLICATION_FULL_TABLE
        if full_table:
            self._stream_version = self.tap.initialized_at
        # Counted as they go, so a stream stopped early still reports what it emitted.
        counts = self.tap.record_counts if reads else {}
        counts[self.name] = emitted = 0
        for record in super()._sync_records(context, write_messages=write_messages):
            emitted += 1
            counts[self.name] = emitted
            yield record
        if not (full_table and write_messages):
            return
        if emitted == 0:
            # An empty answer from a source that had data is far more likely a fault (a broken
            # deploy, a filter gone wrong) than every record deleted; a run that did not read has
            # nothing to say about deletes either. Mark nothing.
            if reads:
                self.logger.info(
                    "stream %s: no records, so no ACTIVATE_VERSION (nothing is marked deleted)",
                    self.name,
                )
            return
        self._write_activate_version_message(self.tap.initialized_at)


@dataclass(frozen=True)
class Origin:
    """Where a run's records came from: the provenance record's ``source`` and ``base_url``, and
    what the server said it serves."""

    source: str
    base_url: str
    served: ServedRecording


class ExtractProvenanceStream(Stream):
    """One record per run that emitted records (module docstring); a tap says where from."""

    name = PROVENANCE_STREAM
    primary_keys = ("extract_id",)
    replication_key = None
    #: The tap's version (its package's ``__version__``).
    tap_version: ClassVar[str]
    #: What the log line of a run with nothing to account for says was missing.
    nothing_read: ClassVar[str] = "no records in this run's other streams"

    def __init__(self, tap: Any) -> None:
        super().__init__(tap, schema=load_schema(PROVENANCE_STREAM))

    @property
    def tap(self) -> RunningTap:
        return cast(RunningTap, self._tap)

    @property
    def emit_activate_version_messages(self) -> bool:
        """Never: a new table version would retire every earlier run's record."""
        return False

    def origin(self) -> Origin:
        """The source this run read, its base URL and what its server said it serves."""
        raise NotImplementedError

    def get_records(self, context: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
        tap = self.tap
        counts = dict(tap.record_counts)
        if not any(counts.values()):
            self.logger.info("stream %s: %s, so no provenance record", self.name, self.nothing_read)
            return
        origin = self.origin()
        started = datetime.fromtimestamp(tap.initialized_at / 1000, tz=timezone.utc)
        yield {
            "extract_id": str(uuid.uuid4()),
            "tap": tap.name,
            "tap_version": self.tap_version,
            "source": origin.source,
            "base_url": origin.base_url,
            "started_at": utc_iso(started),
            "finished_at": utc_iso(datetime.now(timezone.utc)),
            "record_counts": counts,
            "recording": origin.served.recording,
            "recording_date": origin.served.recording_date,
        }
