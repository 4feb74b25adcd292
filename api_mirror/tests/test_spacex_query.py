"""POST /v4/<resource>/query answers like the recorded API (mongoose-paginate-v2)."""

from __future__ import annotations

import json

import httpx
import pytest

from api_mirror import MirrorServer
from api_mirror.spacex.query import paginate, project, run_query
from api_mirror.spacex.snapshot import load_query_examples, load_records

ENVELOPE_KEYS = [
    "docs",
    "totalDocs",
    "offset",
    "limit",
    "totalPages",
    "page",
    "pagingCounter",
    "hasPrevPage",
    "hasNextPage",
    "prevPage",
    "nextPage",
]


def _post(mirror: MirrorServer, resource: str, body: object) -> httpx.Response:
    return httpx.post(f"{mirror.url}/{resource}/query", json=body)


@pytest.mark.parametrize(
    "example",
    [
        "query_launches_with_empty_body",
        "query_starlinks_with_empty_body",
        "query_rockets_with_empty_body",
        "query_capsules_with_dates_that_does_not_return_results",
        "query_roadster_with_empty_body",
        "query_roadster_with_dates_that_does_not_return_results",
    ],
)
def test_recorded_exchanges_are_reproduced(mirror: MirrorServer, example: str) -> None:
    recorded = load_query_examples()[example]
    path = recorded["request"]["uri"].split("/v4", 1)[1]
    response = httpx.post(
        mirror.url + path,
        content=recorded["request"]["body"],
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == recorded["response"]["status"]["code"]
    raw = recorded["response"]["body_raw"]
    if not raw:
        assert response.content == b""
        return
    expected = json.loads(raw)
    got = response.json()
    if "docs" in expected:
        assert list(got) == ENVELOPE_KEYS == list(expected)
    assert got == expected


def test_last_page_and_beyond(mirror: MirrorServer) -> None:
    last = _post(mirror, "launches", {"options": {"page": 15}}).json()
    assert [d["id"] for d in last["docs"]] == [d["id"] for d in load_records("launches")[140:]]
    assert {k: v for k, v in last.items() if k != "docs"} == {
        "totalDocs": 142,
        "offset": 140,
        "limit": 10,
        "totalPages": 15,
        "page": 15,
        "pagingCounter": 141,
        "hasPrevPage": True,
        "hasNextPage": False,
        "prevPage": 14,
        "nextPage": None,
    }
    beyond = _post(mirror, "launches", {"options": {"page": 16}}).json()
    assert beyond["docs"] == []
    assert (beyond["page"], beyond["totalPages"], beyond["hasNextPage"], beyond["prevPage"]) == (
        16,
        15,
        False,
        15,
    )


def test_pagination_false_returns_everything(mirror: MirrorServer) -> None:
    body = _post(mirror, "starlink", {"options": {"pagination": False}}).json()
    assert len(body["docs"]) == 1445
    assert (body["totalDocs"], body["limit"], body["totalPages"], body["page"]) == (
        1445,
        1445,
        1,
        1,
    )
    assert body["hasNextPage"] is False and body["nextPage"] is None


def test_offset_and_limit(mirror: MirrorServer) -> None:
    body = _post(mirror, "cores", {"options": {"offset": 25, "limit": 10}}).json()
    assert [d["id"] for d in body["docs"]] == [d["id"] for d in load_records("cores")[25:35]]
    assert (body["page"], body["offset"], body["hasPrevPage"], body["pagingCounter"]) == (
        3,
        25,
        True,
        21,
    )


def test_filters(mirror: MirrorServer) -> None:
    launches = load_records("launches")

    def ids(query: dict) -> list[str]:
        body = _post(mirror, "launches", {"query": query, "options": {"pagination": False}})
        return [d["id"] for d in body.json()["docs"]]

    assert len(ids({"upcoming": True})) == 20
    assert len(ids({"upcoming": {"$eq": False}})) == 122
    assert len(ids({"success": {"$ne": True}})) == sum(
        1 for x in launches if x["success"] is not True
    )
    first = launches[0]["id"]
    assert ids({"_id": first}) == [first]
    assert ids({"id": {"$in": [first, "nope"]}}) == [first]
    assert len(ids({"id": {"$nin": [first]}})) == 141
    in_2020 = ids(
        {"date_utc": {"$gte": "2020-01-01T00:00:00.000Z", "$lt": "2021-01-01T00:00:00.000Z"}}
    )
    assert in_2020 == [x["id"] for x in launches if x["date_utc"].startswith("2020")]
    assert len(in_2020) == 26
    assert ids({"flight_number": {"$gt": 140}}) == [
        x["id"] for x in launches if x["flight_number"] > 140
    ]
    assert ids({"flight_number": {"$lte": 2}}) == [launches[0]["id"], launches[1]["id"]]
    # dotted path into an array of sub-documents, implicit equality
    landed = ids({"cores.landing_success": True})
    assert landed == [
        x["id"] for x in launches if any(c["landing_success"] is True for c in x["cores"])
    ]
    # array field equality matches any element
    crew_member = next(x for x in launches if x["crew"])["crew"][0]
    assert ids({"crew": crew_member}) == [x["id"] for x in launches if crew_member in x["crew"]]
    assert ids({"links.reddit.campaign": {"$exists": False}}) == []
    assert len(ids({"links.reddit.campaign": {"$exists": True}})) == 142
    assert ids({"$or": [{"flight_number": 1}, {"flight_number": 2}]}) == ids(
        {"flight_number": {"$lte": 2}}
    )


def test_sort_variants(mirror: MirrorServer) -> None:
    launches = load_records("launches")
    by_date_desc = sorted(launches, key=lambda x: x["date_utc"], reverse=True)
    for sort in ({"date_utc": "desc"}, {"date_utc": -1}, "-date_utc"):
        body = _post(mirror, "launches", {"options": {"sort": sort, "limit": 5}}).json()
        assert [d["id"] for d in body["docs"]] == [x["id"] for x in by_date_desc[:5]], sort
    starlink = load_records("starlink")
    body = _post(mirror, "starlink", {"options": {"sort": {"_id": "asc"}, "limit": 3}}).json()
    assert [d["id"] for d in body["docs"]] == sorted(x["id"] for x in starlink)[:3]
    body = _post(mirror, "rockets", {"options": {"sort": "name"}}).json()
    assert [d["name"] for d in body["docs"]] == ["Falcon 1", "Falcon 9", "Falcon Heavy", "Starship"]


def test_select_variants(mirror: MirrorServer) -> None:
    first = load_records("rockets")[0]
    for select in ("name", ["name"], {"name": 1}):
        doc = _post(mirror, "rockets", {"options": {"select": select}}).json()["docs"][0]
        assert doc == {"name": first["name"], "id": first["id"]}, select
    doc = _post(mirror, "rockets", {"options": {"select": "-id name"}}).json()["docs"][0]
    assert doc == {"name": first["name"]}
    doc = _post(mirror, "rockets", {"options": {"select": {"description": 0, "flickr_images": 0}}})
    doc = doc.json()["docs"][0]
    assert "description" not in doc and "flickr_images" not in doc and doc["name"] == "Falcon 1"
    assert project(first, "height.meters") == {"height": {"meters": 22.25}, "id": first["id"]}


def test_roadster_query(mirror: MirrorServer) -> None:
    assert _post(mirror, "roadster", {}).json()["name"] == "Elon Musk's Tesla Roadster"
    miss = _post(mirror, "roadster", {"query": {"name": "nope"}})
    assert miss.status_code == 204 and miss.content == b""
    hit = _post(mirror, "roadster", {"query": {"norad_id": 43205}})
    assert hit.status_code == 200 and hit.json()["norad_id"] == 43205


def test_bad_requests(mirror: MirrorServer) -> None:
    bad_json = httpx.post(
        f"{mirror.url}/launches/query",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert bad_json.status_code == 400 and "error" in bad_json.json()
    not_object = _post(mirror, "launches", [1, 2])
    assert not_object.status_code == 400
    bad_operator = _post(mirror, "launches", {"query": {"name": {"$where": "1"}}})
    assert bad_operator.status_code == 400 and "$where" in bad_operator.json()["error"]
    empty = httpx.post(f"{mirror.url}/rockets/query", content=b"")
    assert empty.status_code == 200 and empty.json()["totalDocs"] == 4


def test_paginate_unit_values() -> None:
    docs = [{"id": str(i)} for i in range(5)]
    assert paginate(docs, {"limit": 2, "page": 3}) | {"docs": None} == {
        "docs": None,
        "totalDocs": 5,
        "offset": 4,
        "limit": 2,
        "totalPages": 3,
        "page": 3,
        "pagingCounter": 5,
        "hasPrevPage": True,
        "hasNextPage": False,
        "prevPage": 2,
        "nextPage": None,
    }
    empty = run_query(docs, {"query": {"id": "x"}})
    assert (empty["totalDocs"], empty["totalPages"], empty["page"], empty["docs"]) == (0, 1, 1, [])
