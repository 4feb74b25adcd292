"""The SpaceX API's resources: the one list that the tap, the mirror, the sensor and the
benchmark read (dbt's sources are checked against it by a test).

A resource is either a collection (paged through ``POST /<path>/query``) or a single object
(``GET /<path>``). Every record is keyed by ``id``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The live API's v4 base URL (the tap's ``api_url`` default; Meltano's prod environment and the
#: settings module read it from here).
LIVE_API_URL = "https://api.spacexdata.com/v4"


@dataclass(frozen=True)
class Resource:
    """One API resource, named as the API names it (also the stream and raw table name)."""

    name: str
    path: str
    single_object: bool = False
    primary_key: tuple[str, ...] = ("id",)

    @property
    def is_collection(self) -> bool:
        return not self.single_object


RESOURCES: tuple[Resource, ...] = (
    Resource("launches", "launches"),
    Resource("starlink", "starlink"),
    Resource("payloads", "payloads"),
    Resource("rockets", "rockets"),
    Resource("cores", "cores"),
    Resource("capsules", "capsules"),
    Resource("crew", "crew"),
    Resource("launchpads", "launchpads"),
    Resource("landpads", "landpads"),
    Resource("ships", "ships"),
    Resource("dragons", "dragons"),
    Resource("history", "history"),
    Resource("company", "company", single_object=True),
    Resource("roadster", "roadster", single_object=True),
)

#: Resources by name.
BY_NAME: dict[str, Resource] = {resource.name: resource for resource in RESOURCES}

#: Resource names in the API's order.
NAMES: tuple[str, ...] = tuple(BY_NAME)

#: Extra recorded launch routes: ``GET /v4/launches/<view>``.
LAUNCH_VIEWS: tuple[str, ...] = ("latest", "next", "past", "upcoming")
