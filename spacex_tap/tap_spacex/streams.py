"""One stream per SpaceX API resource; the behaviour lives in :class:`SpaceXStream`."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema
from jsonschema import Draft7Validator, FormatChecker
from singer_sdk import Stream

from tap_spacex.client import SpaceXAPIError, SpaceXClient

if TYPE_CHECKING:
    from tap_spacex.tap import TapSpaceX

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"


class RecordValidationError(SpaceXAPIError):
    """A record does not fit its stream's schema: the run fails instead of dropping it."""


def load_schema(name: str) -> dict[str, Any]:
    with open(SCHEMAS_DIR / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


class SpaceXStream(Stream):
    """A full-table stream over one API resource, read through the tap's shared client.

    Collections page through ``POST <api_url>/<resource>/query``; ``single_object`` resources
    (company, roadster) are one ``GET <api_url>/<resource>``. Every record is validated against
    the stream schema before it is emitted.
    """

    resource: str = ""
    single_object: bool = False
    primary_keys = ("id",)
    replication_key = None

    def __init__(self, tap: TapSpaceX) -> None:
        super().__init__(tap, schema=self.build_schema(tap.config))

    def build_schema(self, config: dict[str, Any]) -> dict[str, Any]:
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
    def client(self) -> SpaceXClient:
        return self._tap.client  # type: ignore[attr-defined]

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
        if self.single_object:
            return [self.client.get_object(self.resource, stream=self.name, base_url=self.base_url)]
        return self.client.paginate(
            self.resource,
            stream=self.name,
            page_size=int(self.config.get("page_size", 100)),
            base_url=self.base_url,
        )

    def get_records(self, context: dict | None) -> Iterable[dict[str, Any]]:
        for record in self.fetch():
            self.validate_record(record)
            yield record


class LaunchesStream(SpaceXStream):
    """Launches; with ``launches_api_version: v5`` read from the v5 route (crew as objects)."""

    name = "launches"
    resource = "launches"

    @property
    def api_version(self) -> str:
        return str(self.config.get("launches_api_version") or "v4")

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

    def build_schema(self, config: dict[str, Any]) -> dict[str, Any]:
        schema = load_schema(self.name)
        if (config.get("launches_api_version") or "v4") == "v5":
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


class StarlinkStream(SpaceXStream):
    name = "starlink"
    resource = "starlink"


class PayloadsStream(SpaceXStream):
    name = "payloads"
    resource = "payloads"


class RocketsStream(SpaceXStream):
    name = "rockets"
    resource = "rockets"


class CoresStream(SpaceXStream):
    name = "cores"
    resource = "cores"


class CapsulesStream(SpaceXStream):
    name = "capsules"
    resource = "capsules"


class CrewStream(SpaceXStream):
    name = "crew"
    resource = "crew"


class LaunchpadsStream(SpaceXStream):
    name = "launchpads"
    resource = "launchpads"


class LandpadsStream(SpaceXStream):
    name = "landpads"
    resource = "landpads"


class ShipsStream(SpaceXStream):
    name = "ships"
    resource = "ships"


class DragonsStream(SpaceXStream):
    name = "dragons"
    resource = "dragons"


class HistoryStream(SpaceXStream):
    name = "history"
    resource = "history"


class CompanyStream(SpaceXStream):
    name = "company"
    resource = "company"
    single_object = True


class RoadsterStream(SpaceXStream):
    name = "roadster"
    resource = "roadster"
    single_object = True


STREAM_TYPES: tuple[type[SpaceXStream], ...] = (
    LaunchesStream,
    StarlinkStream,
    PayloadsStream,
    RocketsStream,
    CoresStream,
    CapsulesStream,
    CrewStream,
    LaunchpadsStream,
    LandpadsStream,
    ShipsStream,
    DragonsStream,
    HistoryStream,
    CompanyStream,
    RoadsterStream,
)
