"""One stream per SpaceX API resource of the registry; the behaviour is :class:`SpaceXStream`.

Deletes upstream become soft deletes downstream: each stream stamps its records with this run's
table version and sends ONE ``ACTIVATE_VERSION`` after its last record, so the target marks the
rows of older versions (those the API no longer has) with ``_sdc_deleted_at``. A stream that fails
or stops early, or that gets zero records, sends none and marks nothing.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Generator, Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema
from jsonschema import Draft7Validator, FormatChecker
from singer_sdk import Stream
from singer_sdk.singerlib.catalog import REPLICATION_FULL_TABLE

from tap_spacex.client import SpaceXAPIError, SpaceXClient
from tap_spacex.resources import BY_NAME, RESOURCES, Resource

if TYPE_CHECKING:
    from tap_spacex.tap import TapSpaceX

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"

#: The stream (and raw table) recording each run's provenance (:mod:`tap_spacex.provenance`); not
#: an API resource, so not in the registry. tap-satcat's has the same name.
PROVENANCE_STREAM = "extract_provenance"


class RecordValidationError(SpaceXAPIError):
    """A record does not fit its stream's schema: the run fails instead of dropping it."""


def load_schema(name: str) -> dict[str, Any]:
    with open(SCHEMAS_DIR / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


class SpaceXStream(Stream):
    """A full-table stream over one API resource, read through the tap's shared client.

    Collections page through ``POST <api_url>/<path>/query``; single-object resources
    (company, roadster) are one ``GET <api_url>/<path>``. What each resource is comes from
    :mod:`tap_spacex.resources`. Every record is validated against
    the stream schema before it is emitted.
    """

    resource: Resource
    replication_key = None

    def __init__(self, tap: TapSpaceX) -> None:
        super().__init__(tap, schema=self.build_schema(tap.config))

    def build_schema(self, config: Mapping[str, Any]) -> dict[str, Any]:
        return load_schema(self.name)

    @cached_property
    def _validator(self) -> Draft7Validator:
        return Draft7Validator(copy.deepcopy(self.schema), format_checker=FormatChecker())

    @cached_property
    def _fast_check(self) -> Callable[[dict[str, Any]], Any]:
        """The schema compiled to Python code: about 10x faster than jsonschema on valid records.

        Only the verdict "valid" is taken from it; any record it rejects is judged again by
        jsonschema, which stays the authority and writes the error message.
        """
        return fastjsonschema.compile(copy.deepcopy(self.schema))

    @property
    def tap(self) -> TapSpaceX:
        return self._tap  # type: ignore[return-value]

    @property
    def client(self) -> SpaceXClient:
        return self.tap.client

    @property
    def base_url(self) -> str | None:
        """Base URL for this stream; None means the tap's ``api_url``."""
        return None

    def validate_record(self, record: dict[str, Any]) -> None:
        try:
            self._fast_check(record)
            return
        except fastjsonschema.JsonSchemaException:
            pass
        errors = sorted(self._validator.iter_errors(record), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            where = "/".join(str(part) for part in first.absolute_path) or "<record>"
            raise RecordValidationError(
                f"stream {self.name}: record id={record.get('id')!r} does not fit the schema "
                f"at {where}: {first.message} ({len(errors)} problem(s) in this record)"
            )

    def fetch(self) -> Iterable[dict[str, Any]]:
        path = self.resource.path
        if self.resource.single_object:
            return [self.client.get_object(path, stream=self.name, base_url=self.base_url)]
        return self.client.paginate(
            path,
            stream=self.name,
            page_size=int(self.config["page_size"]),
            base_url=self.base_url,
        )

    def get_records(self, context: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
        for record in self.fetch():
            self.validate_record(record)
            yield record

    # -- soft deletes ----------------------------------------------------------------------
    @property
    def emit_activate_version_messages(self) -> bool:
        """Never the SDK's own ACTIVATE_VERSION: it comes before the first record, so a stream
        that failed midway would have the target mark every row it had not resent yet deleted.
        :meth:`_sync_records` sends one after the last record instead."""
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
        full_table = self.replication_method == REPLICATION_FULL_TABLE
        if full_table:
            self._stream_version = self.tap.initialized_at
        # Counted as they go, so a stream stopped early still reports what it emitted.
        counts = self.tap.record_counts
        counts[self.name] = emitted = 0
        for record in super()._sync_records(context, write_messages=write_messages):
            emitted += 1
            counts[self.name] = emitted
            yield record
        if not (full_table and write_messages):
            return
        if emitted == 0:
            # An empty answer from an API that had data is far more likely a fault (a broken
            # deploy, a filter gone wrong) than every record deleted: mark nothing.
            self.logger.info(
                "stream %s: no records, so no ACTIVATE_VERSION (nothing is marked deleted)",
                self.name,
            )
            return
        self._write_activate_version_message(self.tap.initialized_at)


class LaunchesStream(SpaceXStream):
    """Launches; with ``launches_api_version: v5`` read from the v5 route (crew as objects)."""

    name = "launches"
    resource = BY_NAME["launches"]
    primary_keys = resource.primary_key

    @property
    def api_version(self) -> str:
        return str(self.config["launches_api_version"])

    @property
    def base_url(self) -> str | None:
        if self.api_version != "v5":
            return None
        api_url = str(self.config.get("api_url") or "").rstrip("/")
        if not re.search(r"/v4$", api_url):
            raise SpaceXAPIError(
                f"stream launches: launches_api_version v5 needs an api_url ending in /v4 "
                f"(got {api_url!r})"
            )
        return api_url[: -len("v4")] + "v5"

    def build_schema(self, config: Mapping[str, Any]) -> dict[str, Any]:
        schema = load_schema(self.name)
        if config.get("launches_api_version") == "v5":
            schema["properties"]["crew"]["items"] = {
                "anyOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "properties": {
                            "crew": {"type": ["string", "null"]},
                            "role": {"type": ["string", "null"]},
                        },
                    },
                ]
            }
        return schema


def _stream_type(resource: Resource) -> type[SpaceXStream]:
    """The stream class of ``resource``: a special one if defined above, else a plain one."""
    special = {LaunchesStream.name: LaunchesStream}
    if resource.name in special:
        return special[resource.name]
    class_name = f"{resource.name.title()}Stream"
    attributes = {"name": resource.name, "resource": resource, "primary_keys": resource.primary_key}
    return type(class_name, (SpaceXStream,), attributes)


#: One stream per resource of the registry, in the API's order.
STREAM_TYPES: tuple[type[SpaceXStream], ...] = tuple(_stream_type(r) for r in RESOURCES)
