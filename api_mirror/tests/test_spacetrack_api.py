"""The recorded Space-Track API (login, session cookie, SATCAT queries) and the CelesTrak fixture.

The CelesTrak SATCAT fixture was NOT recorded: it was written from CelesTrak's documented format
(https://celestrak.org/satcat/satcat-format.php) and derived from real records of the Space-Track
recording (same NORAD ids, names, dates); ``test_celestrak_fixture_is_derived_from_the_recording``
checks that mapping record by record.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator

import httpx
import pytest

from api_mirror import MirrorServer
from api_mirror.spacetrack.api import (
    SESSION_COOKIE,
    TEST_IDENTITY,
    TEST_PASSWORD,
    SpaceTrackApp,
    scale_satcat,
)
from api_mirror.spacetrack.snapshot import (
    CELESTRAK_FIELDS,
    RECORDED_QUERY_PATH,
    SATCAT_FIELDS,
    SATCAT_FILE,
    SATCAT_RECORD_COUNT,
    load_celestrak_fixture,
    load_satcat,
    provenance_sha256,
    satcat_bytes,
)

RECORDED_SHA256 = "3178d368b0e335298cf0399292e40e7dc595dacf76874e20d0991814dda4a1a6"
QUERY = "/basicspacedata/query/class/satcat"


@pytest.fixture(scope="module")
def server() -> Iterator[MirrorServer]:
    with MirrorServer(port=0, apps=[SpaceTrackApp()]) as mirror:
        yield mirror


@pytest.fixture
def st(server: MirrorServer) -> Iterator[MirrorServer]:
    """The module's mirror with no sessions, counters, faults or request log left over."""
    server.reset()
    yield server
    server.reset()


def _app(mirror: MirrorServer) -> SpaceTrackApp:
    return mirror.app("spacetrack")


def _logged_in(mirror: MirrorServer) -> httpx.Client:
    client = httpx.Client(base_url=mirror.base_url)
    response = client.post(
        "/ajaxauth/login", data={"identity": TEST_IDENTITY, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200 and SESSION_COOKIE in client.cookies
    return client


# -- the recording ------------------------------------------------------------------------------
def test_decompressed_bytes_match_the_provenance_checksum() -> None:
    assert provenance_sha256() == RECORDED_SHA256
    assert hashlib.sha256(gzip.decompress(SATCAT_FILE.read_bytes())).hexdigest() == RECORDED_SHA256
    assert len(satcat_bytes()) == 4_133_034


def test_gzip_is_deterministic() -> None:
    """``gzip -n``: no file name and no timestamp in the header."""
    header = SATCAT_FILE.read_bytes()[:10]
    assert header[:3] == b"\x1f\x8b\x08"
    assert header[3] & 0x08 == 0  # FNAME flag unset
    assert header[4:8] == b"\x00\x00\x00\x00"  # MTIME 0


def test_recording_has_8848_records_of_the_documented_format() -> None:
    records = load_satcat()
    assert len(records) == SATCAT_RECORD_COUNT == 8848
    assert all(tuple(record) == SATCAT_FIELDS for record in records)
    assert all(isinstance(v, str) or v is None for record in records for v in record.values())
    assert len({record["NORAD_CAT_ID"] for record in records}) == 8848
    assert {record["OBJECT_TYPE"] for record in records} == {"PAYLOAD"}
    assert all(record["SATNAME"].startswith("STARLINK-") for record in records)
    launches = [record["LAUNCH"] for record in records]
    assert launches == sorted(launches)  # orderby/LAUNCH asc
    assert (launches[0], launches[-1]) == ("2019-05-24", "2025-06-10")


def test_default_mirror_serves_spacetrack_next_to_spacex() -> None:
    with MirrorServer(port=0) as mirror:
        assert isinstance(mirror.app("spacetrack"), SpaceTrackApp)
        response = httpx.get(mirror.base_url + RECORDED_QUERY_PATH)
        assert response.status_code == 401  # routed to Space-Track, not a SpaceX 404
    assert SpaceTrackApp.scalable() == frozenset({"satcat"})


# -- login and sessions ---------------------------------------------------------------------------
def test_login_sets_the_session_cookie(st: MirrorServer) -> None:
    response = httpx.post(
        f"{st.base_url}/ajaxauth/login",
        data={"identity": TEST_IDENTITY, "password": TEST_PASSWORD},
    )
    assert response.status_code == 200
    assert response.content == b'""'
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith(f"{SESSION_COOKIE}=") and "path=/" in set_cookie
    assert "HttpOnly" in set_cookie
    assert _app(st).login_count == 1


def test_the_request_log_never_keeps_the_credentials(st: MirrorServer) -> None:
    """The log is readable through the control route; a real account may be sent by mistake."""
    httpx.post(
        f"{st.base_url}/ajaxauth/login",
        data={"identity": "someone@example.com", "password": "a-real-secret", "x": "1"},
    )
    ((method, path, body),) = st.request_log
    assert (method, path) == ("POST", "/ajaxauth/login")
    assert body == "identity=%5Bredacted%5D&password=%5Bredacted%5D&x=1"


@pytest.mark.parametrize(
    "form",
    [
        {"identity": TEST_IDENTITY, "password": "wrong"},
        {"identity": "someone@example.com", "password": TEST_PASSWORD},
        {"identity": TEST_IDENTITY},
        {},
    ],
)
def test_wrong_credentials_answer_200_login_failed(st: MirrorServer, form: dict) -> None:
    """Space-Track answers a failed login with HTTP 200 and {"Login":"Failed"}, no cookie."""
    response = httpx.post(f"{st.base_url}/ajaxauth/login", data=form)
    assert response.status_code == 200
    assert response.json() == {"Login": "Failed"}
    assert "Set-Cookie" not in response.headers
    assert (_app(st).login_count, _app(st).failed_login_count) == (0, 1)


def test_login_wants_post(st: MirrorServer) -> None:
    assert httpx.get(f"{st.base_url}/ajaxauth/login").status_code == 405
    assert httpx.post(f"{st.base_url}/ajaxauth/nope").status_code == 404


def test_query_needs_a_live_session(st: MirrorServer) -> None:
    url = st.base_url + RECORDED_QUERY_PATH
    response = httpx.get(url)
    assert response.status_code == 401 and "logged in" in response.json()["error"]
    assert httpx.get(url, headers={"Cookie": f"{SESSION_COOKIE}=made-up"}).status_code == 401
    client = _logged_in(st)
    assert client.get(RECORDED_QUERY_PATH + "/limit/1").status_code == 200
    _app(st).expire_sessions()
    expired = client.get(RECORDED_QUERY_PATH + "/limit/1")
    assert expired.status_code == 401 and expired.headers["Content-Type"].startswith(
        "application/json"
    )
    assert (_app(st).login_count, _app(st).query_count) == (1, 1)
    st.reset()
    assert (_app(st).login_count, _app(st).query_count, _app(st).sessions) == (0, 0, set())


# -- queries ---------------------------------------------------------------------------------
def test_recorded_request_returns_the_recorded_bytes(st: MirrorServer) -> None:
    response = _logged_in(st).get(RECORDED_QUERY_PATH)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.content == satcat_bytes()


def test_contains_is_case_insensitive_and_exact_matches(st: MirrorServer) -> None:
    client = _logged_in(st)
    assert len(client.get(f"{QUERY}/SATNAME/~~sTaRlInK").json()) == 8848
    dupes = client.get(f"{QUERY}/SATNAME/starlink-3xxx").json()
    assert sorted(r["NORAD_CAT_ID"] for r in dupes) == [
        "51456",
        "51457",
        "51458",
        "51459",
        "51466",
        "51470",
    ]
    assert [r["SATNAME"] for r in client.get(f"{QUERY}/NORAD_CAT_ID/44278").json()] == [
        "STARLINK-67"
    ]
    assert len(client.get(f"{QUERY}/NORAD_CAT_ID/44278,44242,1").json()) == 2
    assert len(client.get(f"{QUERY}/DECAY/null-val").json()) == 8848 - 1127
    assert len(client.get(f"{QUERY}/DECAY/<>null-val").json()) == 1127
    early = client.get(f"{QUERY}/LAUNCH/<2019-12-31").json()
    assert len(early) == 120 and all(r["LAUNCH"] < "2019-12-31" for r in early)
    assert len(client.get(f"{QUERY}/NORAD_CAT_ID/44240--44245").json()) == 6
    assert len(client.get(f"{QUERY}/SATNAME/^STARLINK-100").json()) > 0


def test_orderby_limit_offset_and_predicates(st: MirrorServer) -> None:
    client = _logged_in(st)
    ids = [int(r["NORAD_CAT_ID"]) for r in load_satcat()]
    top = client.get(f"{QUERY}/orderby/NORAD_CAT_ID%20desc/limit/3").json()
    assert [int(r["NORAD_CAT_ID"]) for r in top] == sorted(ids, reverse=True)[:3]
    page = client.get(f"{QUERY}/orderby/NORAD_CAT_ID asc/limit/2,10/predicates/NORAD_CAT_ID").json()
    assert page == [{"NORAD_CAT_ID": str(i)} for i in sorted(ids)[10:12]]
    by_launch = client.get(f"{QUERY}/orderby/LAUNCH%20desc,NORAD_CAT_ID%20asc/limit/5").json()
    assert {r["LAUNCH"] for r in by_launch} == {"2025-06-10"}
    assert [r["NORAD_CAT_ID"] for r in by_launch] == sorted(
        (r["NORAD_CAT_ID"] for r in by_launch), key=int
    )


def test_empty_results(st: MirrorServer) -> None:
    client = _logged_in(st)
    shown = client.get(f"{QUERY}/SATNAME/~~ONEWEB/emptyresult/show")
    assert (shown.status_code, shown.json()) == (200, [])
    hidden = client.get(f"{QUERY}/SATNAME/~~ONEWEB")
    assert (hidden.status_code, hidden.content) == (200, b"")


@pytest.mark.parametrize(
    ("path", "status", "fragment"),
    [
        (f"{QUERY}/NOPE/1", 400, "unknown field"),
        (f"{QUERY}/SATNAME", 400, "has no value"),
        (f"{QUERY}/format/xml", 400, "format/json only"),
        (f"{QUERY}/orderby/NOPE%20asc", 400, "cannot order by"),
        (f"{QUERY}/limit/ten", 400, "limit wants"),
        ("/basicspacedata/query/class/gp/NORAD_CAT_ID/25544", 404, "Unknown class"),
        ("/basicspacedata/modeldef/class/satcat", 404, "Not Found"),
    ],
)
def test_bad_queries_are_json_errors(
    st: MirrorServer, path: str, status: int, fragment: str
) -> None:
    response = _logged_in(st).get(path)
    assert response.status_code == status
    assert fragment in response.json()["error"]


def test_faults_apply_to_spacetrack_routes(st: MirrorServer) -> None:
    client = _logged_in(st)
    st.faults.add(status=503, times=1, path_contains="/basicspacedata/")
    assert client.get(f"{QUERY}/limit/1").status_code == 503
    assert client.get(f"{QUERY}/limit/1").status_code == 200


# -- CelesTrak --------------------------------------------------------------------------------
def test_celestrak_fixture_is_derived_from_the_recording() -> None:
    """Written from the documentation, not recorded: every value comes from the Space-Track
    record with the same NORAD id, by the mapping in PROVENANCE.md."""
    spacetrack = {int(r["NORAD_CAT_ID"]): r for r in load_satcat()}
    fixture = load_celestrak_fixture()
    assert 10 <= len(fixture) <= 20
    for record in fixture:
        assert tuple(record) == CELESTRAK_FIELDS
        source = spacetrack[record["NORAD_CAT_ID"]]
        decayed = source["DECAY"] is not None
        assert record == {
            "OBJECT_NAME": source["SATNAME"],
            "OBJECT_ID": source["INTLDES"],
            "NORAD_CAT_ID": int(source["NORAD_CAT_ID"]),
            "OBJECT_TYPE": "PAY",
            "OPS_STATUS_CODE": "D" if decayed else "+",
            "OWNER": source["COUNTRY"],
            "LAUNCH_DATE": source["LAUNCH"],
            "LAUNCH_SITE": source["SITE"],
            "DECAY_DATE": source["DECAY"],
            "PERIOD": float(source["PERIOD"]),
            "INCLINATION": float(source["INCLINATION"]),
            "APOGEE": int(source["APOGEE"]),
            "PERIGEE": int(source["PERIGEE"]),
            "RCS": None,
            "DATA_STATUS_CODE": None,
            "ORBIT_CENTER": "EA",
            "ORBIT_TYPE": "IMP" if decayed else "ORB",
        }
    assert any(r["DECAY_DATE"] for r in fixture) and any(not r["DECAY_DATE"] for r in fixture)


def test_celestrak_route(st: MirrorServer) -> None:
    url = f"{st.base_url}/satcat/records.php"
    everything = httpx.get(url, params={"NAME": "STARLINK", "FORMAT": "JSON"})
    assert everything.status_code == 200
    assert everything.json() == load_celestrak_fixture()
    assert all(isinstance(r["NORAD_CAT_ID"], int) for r in everything.json())
    some = httpx.get(url, params={"NAME": "starlink-3", "FORMAT": "json"}).json()
    assert some and all("STARLINK-3" in r["OBJECT_NAME"] for r in some)
    assert len(some) < len(everything.json())
    one = httpx.get(url, params={"CATNR": "44278"}).json()  # FORMAT defaults to JSON
    assert [r["OBJECT_NAME"] for r in one] == ["STARLINK-67"]
    pretty = httpx.get(url, params={"NAME": "STARLINK", "FORMAT": "JSON-PRETTY"})
    assert json.loads(pretty.content) == everything.json() and b"\n" in pretty.content
    assert httpx.get(url, params={"NAME": "ONEWEB"}).json() == []
    assert httpx.get(url).status_code == 400
    assert httpx.get(url, params={"NAME": "STARLINK", "FORMAT": "CSV"}).status_code == 400
    assert list(_app(st).celestrak_queries)[0] == {"NAME": ["STARLINK"], "FORMAT": ["JSON"]}
    # CelesTrak needs no login
    assert _app(st).login_count == 0


# -- scale --------------------------------------------------------------------------------------
def test_scale_makes_unique_ids_and_names() -> None:
    records = load_satcat()
    scaled = scale_satcat(records, 3)
    assert len(scaled) == 3 * 8848
    assert scaled[:8848] == records  # copy 0 is the recording
    assert len({r["NORAD_CAT_ID"] for r in scaled}) == len(scaled)
    assert all(r["NORAD_CAT_ID"] == r["OBJECT_NUMBER"] for r in scaled)
    # every copy's names are new; only the recording's own duplicates (6 + 2 objects) repeat
    distinct_names = len({r["SATNAME"] for r in records})
    assert len({r["SATNAME"] for r in scaled}) == 3 * distinct_names
    assert all(r["SATNAME"] == r["OBJECT_NAME"] for r in scaled)
    assert scaled[8848]["NORAD_CAT_ID"] == str(int(records[0]["NORAD_CAT_ID"]) + 1_000_000)
    assert scaled[8848]["SATNAME"] == records[0]["SATNAME"] + "-S1"
    with pytest.raises(ValueError, match="1..999"):
        scale_satcat(records, 0)
    with pytest.raises(ValueError, match="unknown resource"):
        SpaceTrackApp({"starlink": 2})


def test_scaled_mirror_serves_the_bigger_catalogue() -> None:
    with MirrorServer(port=0, scale={"satcat": 2}) as mirror:
        client = _logged_in(mirror)
        body = client.get(f"{QUERY}/SATNAME/~~Starlink/orderby/NORAD_CAT_ID%20asc").json()
        assert len(body) == 2 * 8848
        assert len({r["NORAD_CAT_ID"] for r in body}) == 2 * 8848
        fixture = httpx.get(f"{mirror.base_url}/satcat/records.php?NAME=STARLINK").json()
        assert len(fixture) == 2 * len(load_celestrak_fixture())
        assert len({r["NORAD_CAT_ID"] for r in fixture}) == len(fixture)
        # the SpaceX app is not scaled by a satcat factor
        assert len(httpx.get(f"{mirror.url}/starlink").json()) == 1445
