"""The recorded SpaceX API: its /v4 (and /v5 launches) routes over the bundled snapshot (or
another recording in a folder laid out the same way)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from api_mirror.server import Request, Response, not_found, recording_headers
from api_mirror.spacex.query import QueryError, matches, matching_sorted, page_of, query_parts
from api_mirror.spacex.snapshot import (
    RECORDING,
    RECORDING_DATE,
    load_launch_view,
    load_resource,
)
from tap_spacex.resources import BY_NAME, LAUNCH_VIEWS, RESOURCES


def _synthetic_id(original: str, copy_index: int) -> str:
    """A new 24-hex id for copy ``copy_index`` (>= 1) of ``original``.

    Real ObjectIds start with a 2020-era timestamp (``5e..``-``60..``), so a ``00000k`` prefix
    never collides with a recorded id; copies differ from each other by ``k``.
    """
    if copy_index >= 16**6:
        raise ValueError("scale factor too large")
    return f"{copy_index:06x}{original[6:]}"


def build_dataset(
    scale: dict[str, int] | None = None, data_dir: Path | None = None
) -> dict[str, Any]:
    """Load every resource (of ``data_dir``, else the bundled recording);
    ``scale={"starlink": 10}`` makes starlink 10x larger with new ids."""
    data: dict[str, Any] = {r.name: load_resource(r.name, data_dir) for r in RESOURCES}
    for name, factor in (scale or {}).items():
        if name not in data:
            raise ValueError(f"cannot scale unknown resource {name!r}")
        if BY_NAME[name].single_object:
            raise ValueError(f"cannot scale single-object resource {name!r}")
        factor = int(factor)
        if factor < 1:
            raise ValueError(f"scale factor for {name} must be >= 1, got {factor}")
        originals = data[name]
        scaled = list(originals)
        for copy_index in range(1, factor):
            for doc in originals:
                clone = copy.deepcopy(doc)
                clone["id"] = _synthetic_id(doc["id"], copy_index)
                track = clone.get("spaceTrack")
                if isinstance(track, dict) and isinstance(track.get("NORAD_CAT_ID"), int):
                    # keep the catalogue number unique too, as a real larger fleet would be
                    track["NORAD_CAT_ID"] += copy_index * 10_000_000
                scaled.append(clone)
        if len({doc["id"] for doc in scaled}) != len(scaled):
            raise ValueError(f"scaling {name} produced duplicate ids")
        data[name] = scaled
    return data


def to_v5_launch(launch: dict[str, Any]) -> dict[str, Any]:
    """v5 launches carry crew as ``[{"crew": id, "role": ...}]`` instead of ``[id]``."""
    out = dict(launch)
    out["crew"] = [
        member if isinstance(member, dict) else {"crew": member, "role": None}
        for member in launch.get("crew") or []
    ]
    return out


def describe_recording(
    data_dir: Path | None, recording: str | None, scale: dict[str, int] | None
) -> str:
    """The ``X-Recording`` text: the given one, the bundled recording's, or the folder's path;
    a scaled mirror says so (its extra records are synthetic)."""
    if recording is None:
        recording = RECORDING if data_dir is None else f"SpaceX API recording in {data_dir}"
    scaled = {name: int(factor) for name, factor in (scale or {}).items() if int(factor) > 1}
    if scaled:
        factors = ", ".join(f"{name} x{factor}" for name, factor in sorted(scaled.items()))
        recording += f" (scaled: {factors}, synthetic copies)"
    return recording


class SpaceXApp:
    """``GET /v4/<resource>[/<id>]``, ``GET /v4/launches/<view>``, ``POST /v4/<resource>/query``
    (mongoose-paginate-v2 envelope) and the same for ``/v5/launches``; JSON 404s otherwise.

    Every answer carries the recording headers: the bundled recording's description and date, or
    for ``data_dir`` (another recording) ``recording`` and ``recording_date`` (no date header
    when none is given: an unknown date is not claimed).
    """

    name = "spacex"

    def __init__(
        self,
        scale: dict[str, int] | None = None,
        *,
        data_dir: Path | None = None,
        recording: str | None = None,
        recording_date: str | None = None,
    ) -> None:
        self.data_dir = None if data_dir is None else Path(data_dir)
        if recording_date is None and self.data_dir is None:
            recording_date = RECORDING_DATE
        self.headers = recording_headers(
            describe_recording(self.data_dir, recording, scale), recording_date
        )
        self.data = build_dataset(scale, self.data_dir)
        self._sorted: dict[str, list[dict[str, Any]]] = {}
        self._by_id = {
            name: {doc["id"]: doc for doc in docs}
            for name, docs in self.data.items()
            if isinstance(docs, list)
        }

    @staticmethod
    def scalable() -> frozenset[str]:
        return frozenset(r.name for r in RESOURCES if r.is_collection)

    def route(self, request: Request) -> Response | None:
        response = self._route(request)
        if response is not None:
            response.headers.update(self.headers)
        return response

    def _route(self, request: Request) -> Response | None:
        method, path = request.method, request.path
        parts = [part for part in path.split("/") if part]
        if not parts or parts[0] not in ("v4", "v5"):
            return None
        if len(parts) < 2:
            return not_found(path)
        version, resource, rest = parts[0], parts[1], parts[2:]
        if resource not in self.data or (version == "v5" and resource != "launches"):
            return not_found(path)
        if method == "POST" and rest == ["query"]:
            return self._query(version, resource, request.body)
        if method != "GET" or len(rest) > 1:
            return not_found(path)
        if not rest:
            return self._all(version, resource)
        return self._one(version, resource, rest[0], path)

    def _launches(self, version: str, docs: Any) -> Any:
        if version != "v5":
            return docs
        if isinstance(docs, list):
            return [to_v5_launch(doc) for doc in docs]
        return to_v5_launch(docs)

    def _all(self, version: str, resource: str) -> Response:
        docs = self.data[resource]
        if resource == "launches":
            docs = self._launches(version, docs)
        return Response(200, docs)

    def _one(self, version: str, resource: str, key: str, path: str) -> Response:
        if resource == "launches" and key in LAUNCH_VIEWS:
            view = load_launch_view(key, self.data_dir)
            return Response(200, self._launches(version, view))
        doc = self._by_id.get(resource, {}).get(key)
        if doc is None:
            return not_found(path)
        return Response(200, self._launches(version, doc) if resource == "launches" else doc)

    def _query(self, version: str, resource: str, raw: bytes) -> Response:
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError as exc:
            return Response(400, {"error": f"Invalid JSON body: {exc}"})
        if not isinstance(body, dict):
            return Response(400, {"error": "Request body must be a JSON object"})
        try:
            docs = self.data[resource]
            if BY_NAME[resource].single_object:
                query = body.get("query") or {}
                if matches(docs, query):
                    return Response(200, docs)
                return Response(204)
            query, options = query_parts(body)
            # The data never changes while serving, so each query's sorted result is computed
            # once: paging through a large collection then costs one sort, not one per page.
            key = json.dumps([version, resource, query, options.get("sort")], sort_keys=True)
            found = self._sorted.get(key)
            if found is None:
                if resource == "launches":
                    docs = self._launches(version, docs)
                found = self._sorted[key] = matching_sorted(docs, query, options.get("sort"))
            return Response(200, page_of(found, options))
        except QueryError as exc:
            return Response(400, {"error": str(exc)})
