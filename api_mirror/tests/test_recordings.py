"""What the mirror says it serves (``X-Recording``, ``X-Recording-Date``), another SpaceX
recording from a folder, and the ``remove_ids`` fault (records deleted upstream)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import httpx
import pytest

from api_mirror import MirrorServer
from api_mirror.process import command, spawn
from api_mirror.server import RECORDING_DATE_HEADER, RECORDING_HEADER
from api_mirror.spacetrack import snapshot as spacetrack
from api_mirror.spacetrack.api import TEST_IDENTITY, TEST_PASSWORD
from api_mirror.spacex import snapshot as spacex
from api_mirror.spacex.snapshot import SNAPSHOT_DIR, load_records, record_counts

SATCAT_QUERY = "/basicspacedata/query/class/satcat/SATNAME/~~Starlink/orderby/NORAD_CAT_ID%20asc"


def _headers(response: httpx.Response) -> tuple[str | None, str | None]:
    return response.headers.get(RECORDING_HEADER), response.headers.get(RECORDING_DATE_HEADER)


def _logged_in(mirror: MirrorServer) -> httpx.Client:
    client = httpx.Client(base_url=mirror.base_url)
    client.post("/ajaxauth/login", data={"identity": TEST_IDENTITY, "password": TEST_PASSWORD})
    return client


# -- the dates' one home agrees with PROVENANCE.md ------------------------------------------------
def test_recording_dates_are_the_provenance_dates() -> None:
    text = (SNAPSHOT_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    assert re.search(r"recorded on \*\*(\d{4}-\d{2}-\d{2}) ", text)[1] == spacex.RECORDING_DATE
    text = spacetrack.PROVENANCE_FILE.read_text(encoding="utf-8")
    retrieved = re.search(r"^\| retrieved \| (\d{4}-\d{2}-\d{2}) \(UTC\) \|$", text, re.M)
    assert retrieved[1] == spacetrack.SATCAT_RECORDING_DATE
    # The CelesTrak fixture was written, not recorded: it has no date, and claims none.
    assert "`celestrak_satcat_fixture.json`: written from CelesTrak's documentation, NOT" in text
    assert spacetrack.CELESTRAK_RECORDING_DATE is None
    assert "not recorded" in spacetrack.CELESTRAK_RECORDING


# -- every answer of a recorded API says what it serves -------------------------------------------
def test_spacex_answers_carry_the_recording_headers(mirror: MirrorServer) -> None:
    bundled = (spacex.RECORDING, spacex.RECORDING_DATE)
    assert bundled == ("SpaceX API recording (r/SpaceX API), api_mirror/spacex/data", "2021-04-22")
    assert _headers(httpx.get(f"{mirror.url}/company")) == bundled
    assert _headers(httpx.post(f"{mirror.url}/starlink/query", json={})) == bundled
    assert _headers(httpx.get(f"{mirror.url}/launches/latest")) == bundled
    assert _headers(httpx.get(f"{mirror.base_url}/v5/launches")) == bundled
    missing = httpx.get(f"{mirror.url}/no-such-resource")
    assert missing.status_code == 404 and _headers(missing) == bundled  # the API's own 404
    # Not an answer of a recorded API: no claim.
    assert _headers(httpx.get(f"{mirror.base_url}/nothing-here")) == (None, None)
    assert _headers(httpx.get(f"{mirror.base_url}/__mirror__/faults")) == (None, None)


def test_spacetrack_and_celestrak_answers_carry_their_own(mirror: MirrorServer) -> None:
    satcat = (spacetrack.SATCAT_RECORDING, spacetrack.SATCAT_RECORDING_DATE)
    assert satcat[1] == "2025-06-21" and "Source: USSPACECOM via Space-Track.org" in satcat[0]
    client = _logged_in(mirror)
    assert _headers(client.get(f"{SATCAT_QUERY}/limit/1")) == satcat
    assert _headers(client.post("/ajaxauth/login", data={})) == satcat  # a failed login too
    celestrak = httpx.get(f"{mirror.base_url}/satcat/records.php?NAME=STARLINK&FORMAT=JSON")
    assert _headers(celestrak) == (spacetrack.CELESTRAK_RECORDING, None)  # no date header


def test_a_scaled_mirror_says_its_extra_records_are_synthetic() -> None:
    with MirrorServer(scale={"starlink": 2, "satcat": 3}) as scaled:
        recording, day = _headers(httpx.get(f"{scaled.url}/company"))
        assert recording == f"{spacex.RECORDING} (scaled: starlink x2, synthetic copies)"
        assert day == spacex.RECORDING_DATE
        recording, day = _headers(_logged_in(scaled).get(f"{SATCAT_QUERY}/limit/1"))
        assert recording == f"{spacetrack.SATCAT_RECORDING} (scaled: satcat x3, synthetic copies)"


# -- another SpaceX recording ---------------------------------------------------------------------
def _modified_copy(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The bundled recording with one satellite removed, one changed and one added."""
    folder = tmp_path / "data"
    shutil.copytree(SNAPSHOT_DIR, folder)
    satellites = load_records("starlink")
    removed, changed = satellites[0]["id"], satellites[1]["id"]
    satellites[1]["version"] = "v2.0"
    added = dict(satellites[2], id="0123456789abcdef01234567")
    kept = [*satellites[1:], added]
    (folder / "starlink.json").write_text(json.dumps(kept), encoding="utf-8")
    return folder, {"removed": removed, "changed": changed, "added": added["id"]}


def test_another_spacex_recording_is_served_with_its_own_date(tmp_path: Path) -> None:
    folder, ids = _modified_copy(tmp_path)
    with MirrorServer(
        spacex_data_dir=folder, spacex_recording_date="2022-12-01", spacex_recording="a copy"
    ) as other:
        body = httpx.post(
            f"{other.url}/starlink/query", json={"options": {"pagination": False}}
        ).json()
        by_id = {doc["id"]: doc for doc in body["docs"]}
        assert len(by_id) == 1445 and ids["removed"] not in by_id and ids["added"] in by_id
        assert by_id[ids["changed"]]["version"] == "v2.0"
        assert _headers(httpx.get(f"{other.url}/starlink/{ids['added']}")) == (
            "a copy",
            "2022-12-01",
        )
        assert httpx.get(f"{other.url}/launches/latest").status_code == 200  # views from it too
    assert record_counts(folder)["starlink"] == 1445
    assert record_counts()["starlink"] == 1445  # the bundled recording is untouched
    assert load_records("starlink")[0]["id"] == ids["removed"]


def test_another_recording_without_a_date_claims_none(tmp_path: Path) -> None:
    folder, _ = _modified_copy(tmp_path)
    with MirrorServer(spacex_data_dir=folder) as other:
        assert _headers(httpx.get(f"{other.url}/company")) == (
            f"SpaceX API recording in {folder}",
            None,
        )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"spacex_recording_date": "22 April 2021"}, "YYYY-MM-DD"),
        ({"spacex_recording_date": "2021-02-30"}, "day is out of range"),
        ({"spacex_recording": "two\nlines"}, "one non-empty line"),
        ({"spacex_recording": "snow ☃"}, "Latin-1"),
    ],
)
def test_recording_options_that_http_cannot_carry_are_refused(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MirrorServer(**options)


def test_the_process_serves_another_recording(tmp_path: Path) -> None:
    folder, ids = _modified_copy(tmp_path)
    options = {
        "spacex_data_dir": folder,
        "spacex_recording_date": "2022-12-01",
        "spacex_recording": "a copy",
    }
    assert command(**options)[-6:] == [
        "--spacex-data-dir",
        str(folder),
        "--spacex-recording-date",
        "2022-12-01",
        "--spacex-recording",
        "a copy",
    ]
    with spawn(port=0, **options) as process:
        response = httpx.get(f"{process.url}/starlink/{ids['added']}")
        assert response.status_code == 200 and _headers(response) == ("a copy", "2022-12-01")


# -- records deleted upstream: the remove_ids fault ---------------------------------------------
def test_remove_ids_drops_records_from_good_answers(mirror: MirrorServer) -> None:
    rockets = load_records("rockets")
    gone = [rockets[0]["id"], rockets[2]["id"]]
    mirror.faults.add(remove_ids=gone, times=3, path_contains="/rockets")
    page = httpx.post(f"{mirror.url}/rockets/query", json={}).json()
    assert [d["id"] for d in page["docs"]] == [r["id"] for r in rockets if r["id"] not in gone]
    assert page["totalDocs"] == 2
    assert [r["id"] for r in httpx.get(f"{mirror.url}/rockets").json()] == [
        rockets[1]["id"],
        rockets[3]["id"],
    ]
    assert httpx.get(f"{mirror.url}/rockets/{gone[0]}").json()["id"] == gone[0]  # single object
    assert len(httpx.get(f"{mirror.url}/rockets").json()) == 4  # used up
    with pytest.raises(ValueError, match="list of ids"):
        mirror.faults.add(remove_ids="abc")  # type: ignore[arg-type]


def test_remove_ids_takes_norad_numbers_as_text_or_integers(mirror: MirrorServer) -> None:
    client = _logged_in(mirror)
    first = [r["NORAD_CAT_ID"] for r in client.get(f"{SATCAT_QUERY}/limit/3").json()]
    mirror.faults.add(remove_ids=[first[0], int(first[1])], path_contains="/basicspacedata/")
    assert [r["NORAD_CAT_ID"] for r in client.get(f"{SATCAT_QUERY}/limit/3").json()] == first[2:]
    fixture = [record["NORAD_CAT_ID"] for record in spacetrack.load_celestrak_fixture()[:2]]
    control = f"{mirror.base_url}/__mirror__/faults"
    as_text = [str(fixture[0]), fixture[1]]
    added = httpx.post(control, json={"remove_ids": as_text, "path_contains": "records.php"})
    assert added.status_code == 201 and added.json()["added"]["remove_ids"] == as_text
    url = f"{mirror.base_url}/satcat/records.php?NAME=STARLINK&FORMAT=JSON"
    celestrak = [record["NORAD_CAT_ID"] for record in httpx.get(url).json()]
    assert set(celestrak).isdisjoint(fixture)
    assert len(celestrak) == len(httpx.get(url).json()) - 2 == 15
