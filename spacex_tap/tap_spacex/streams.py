"""One stream per SpaceX API resource of the registry; the behaviour is :class:`SpaceXStream`.

Deletes upstream become soft deletes downstream (:class:`tap_common.streams.FullTableStream`):
each stream stamps its records with this run's table version and sends ONE ``ACTIVATE_VERSION``
after its last record, so the target marks the rows of older versions (those the API no longer
has) with ``_sdc_deleted_at``. A stream that fails or stops early, or that gets zero records,
sends none and marks nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol, cast

from singer_sdk import Tap

from tap_common.streams import PROVENANCE_STREAM, FullTableStream, RunningTap, schema_loader
from tap_spacex.client import RecordValidationError, SpaceXAPIError, SpaceXClient
from tap_spacex.resources import BY_NAME, RESOURCES, Resource

__all__ = ["PROVENANCE_STREAM", "RecordValidationError", "STREAM_TYPES", "load_schema"]

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"

#: ``load_schema(name)``: ``schemas/<name>.json`` (``extract_provenance``: tap-common's).
load_schema = schema_loader(SCHEMAS_DIR)


class SpaceXTap(RunningTap, Protocol):
    """What the streams need of :class:`tap_spacex.tap.TapSpaceX` (named here, not imported,
    so that the tap, which imports the streams, is not imported by them)."""

    @property
    def client(self) -> SpaceXClient: ...


class SpaceXStream(FullTableStream):
    """A full-table stream over one API resource, read through the tap's shared client.

    Collections page through ``POST <api_url>/<path>/query``; single-object resources
    (company, roadster) are one ``GET <api_url>/<path>``. What each resource is comes from
    :mod:`tap_spacex.resources`. Every record is validated against
    the stream schema before it is emitted.
    """

    resource: Resource
    record_validation_error = RecordValidationError

    def __init__(self, tap: Tap) -> None:
        super().__init__(tap, schema=self.build_schema(tap.config))

    def build_schema(self, config: Mapping[str, Any]) -> dict[str, Any]:
        return load_schema(self.name)

    @property
    def tap(self) -> SpaceXTap:
        return cast(SpaceXTap, self._tap)

    @property
    def client(self) -> SpaceXClient:
        return self.tap.client

    @property
    def base_url(self) -> str | None:
        """Base URL for this stream; None means the tap's ``api_url``."""
        return None

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
