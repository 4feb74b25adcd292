"""Mirror routes, scale-up, fault injection and the command line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from api_mirror import MirrorServer
from api_mirror.process import spawn
from api_mirror.spacex.api import build_dataset
from api_mirror.spacex.snapshot import load_launch_view, load_records, load_resource


def test_get_routes(mirror: MirrorServer) -> None:
    assert httpx.get(f"{mirror.url}/starlink").json() == load_resource("starlink")
    assert httpx.get(f"{mirror.url}/company").json() == load_resource("company")
    assert httpx.get(f"{mirror.url}/roadster").json()["norad_id"] == 43205
    capsule = load_records("capsules")[3]
    assert httpx.get(f"{mirror.url}/capsules/{capsule['id']}").json() == capsule
    for view in ("latest", "next", "past", "upcoming"):
        assert httpx.get(f"{mirror.url}/launches/{view}").json() == load_launch_view(view)
    assert [m[:2] for m in mirror.request_log[:2]] == [
        ("GET", "/v4/starlink"),
        ("GET", "/v4/company"),
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/v4/nope",
        "/v4/capsules/000000000000000000000000",
        "/v3/launches",
        "/",
        "/v4/launches/query/x",
        "/v5/rockets",
    ],
)
def test_unknown_routes_are_json_404(mirror: MirrorServer, path: str) -> None:
    response = httpx.get(mirror.base_url + path)
    assert response.status_code == 404
    assert response.json()["error"] == "Not Found"


def test_v5_launches_have_crew_objects(mirror: MirrorServer) -> None:
    v5 = httpx.get(f"{mirror.base_url}/v5/launches").json()
    v4 = load_records("launches")
    assert len(v5) == 142
    for new, old in zip(v5, v4, strict=True):
        assert new["crew"] == [{"crew": member, "role": None} for member in old["crew"]]
    page = httpx.post(f"{mirror.base_url}/v5/launches/query", json={}).json()
    assert page["totalDocs"] == 142 and isinstance(page["docs"][0]["crew"], list)


def test_scale_multiplies_with_unique_ids() -> None:
    data = build_dataset({"starlink": 10, "rockets": 3})
    assert len(data["starlink"]) == 14450 and len(data["rockets"]) == 12
    ids = [doc["id"] for doc in data["starlink"]]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 24 and int(i, 16) >= 0 for i in ids)
    norad = [doc["spaceTrack"]["NORAD_CAT_ID"] for doc in data["starlink"]]
    assert len(set(norad)) == len(norad)  # a bigger fleet, not the same satellites again
    assert len(data["launches"]) == 142
    with pytest.raises(ValueError, match="single-object"):
        build_dataset({"company": 2})
    with MirrorServer(scale={"starlink": 3}) as scaled:
        body = httpx.post(f"{scaled.url}/starlink/query", json={}).json()
        assert body["totalDocs"] == 4335 and body["totalPages"] == 434


def test_fault_status_and_retry_after(mirror: MirrorServer) -> None:
    mirror.faults.add(status=429, times=2, path_contains="/rockets", retry_after=3)
    assert httpx.get(f"{mirror.url}/launchpads").status_code == 200  # other paths unaffected
    for _ in range(2):
        response = httpx.get(f"{mirror.url}/rockets")
        assert response.status_code == 429 and response.headers["Retry-After"] == "3"
    assert httpx.get(f"{mirror.url}/rockets").status_code == 200
    assert mirror.faults.pending() == []


def test_fault_delay(mirror: MirrorServer) -> None:
    mirror.faults.add(delay=0.3)
    started = time.perf_counter()
    assert httpx.get(f"{mirror.url}/dragons").status_code == 200
    assert time.perf_counter() - started >= 0.3
    with pytest.raises(httpx.ReadTimeout):
        mirror.faults.add(delay=0.5)
        httpx.get(f"{mirror.url}/dragons", timeout=0.1)


def test_fault_bodies(mirror: MirrorServer) -> None:
    mirror.faults.add(not_json=True)
    response = httpx.get(f"{mirror.url}/dragons")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    mirror.faults.add(wrong_shape=True)
    assert httpx.post(f"{mirror.url}/dragons/query", json={}).json() == [{"unexpected": "shape"}]
    mirror.faults.add(status=200, body='{"docs": "nope"}')
    assert httpx.post(f"{mirror.url}/dragons/query", json={}).json() == {"docs": "nope"}
    mirror.faults.add(truncate=True)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{mirror.url}/dragons")
    assert len(httpx.get(f"{mirror.url}/dragons").json()) == 2


def test_fault_add_fields_merges_into_every_record(mirror: MirrorServer) -> None:
    images = {"images": {"large": ["https://i.imgur.com/example.png"]}}
    mirror.faults.add(add_fields=images, times=3, path_contains="/landpads")
    docs = httpx.post(f"{mirror.url}/landpads/query", json={}).json()["docs"]
    assert docs and all(doc["images"] == images["images"] for doc in docs)
    listed = httpx.get(f"{mirror.url}/landpads").json()
    assert listed and all("images" in record for record in listed)
    one = httpx.get(f"{mirror.url}/landpads/{listed[0]['id']}").json()
    assert one["images"] == images["images"] and one["id"] == listed[0]["id"]
    # used up: the next answer is the recording's own (the app's cached body is untouched)
    assert all("images" not in r for r in httpx.get(f"{mirror.url}/landpads").json())
    mirror.faults.add(add_fields={"x": 1}, status=404)
    assert "x" not in httpx.get(f"{mirror.url}/landpads").json()
    with pytest.raises(ValueError, match="JSON object"):
        mirror.faults.add(add_fields=["images"])  # type: ignore[arg-type]


def test_fault_control_over_http(mirror: MirrorServer) -> None:
    control = f"{mirror.base_url}/__mirror__/faults"
    added = httpx.post(control, json={"status": 503, "times": 2, "path_contains": "/crew"})
    assert added.status_code == 201 and added.json()["added"]["times"] == 2
    assert httpx.get(control).json()["faults"][0]["status"] == 503
    assert httpx.get(f"{mirror.url}/crew").status_code == 503
    assert httpx.delete(control).json() == {"cleared": True}
    assert httpx.get(f"{mirror.url}/crew").status_code == 200
    assert httpx.post(control, json={"bogus": 1}).status_code == 400
    added = httpx.post(control, json={"add_fields": {"images": {"large": []}}})
    assert added.json()["added"]["add_fields"] == {"images": {"large": []}}
    assert httpx.get(f"{mirror.url}/crew").json()[0]["images"] == {"large": []}
    assert all("__mirror__" not in path for _, path, _ in mirror.request_log)


def _run_cli(*args: str) -> subprocess.Popen:
    """What the ``api-mirror`` console script runs (no dependency on it being on PATH)."""
    return subprocess.Popen(
        [sys.executable, "-m", "api_mirror", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_taken_port_exits_2() -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        process = _run_cli("--port", str(port))
        _, err = process.communicate(timeout=20)
    assert process.returncode == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "already in use" in lines[0]


def test_cli_serves_logs_and_stops_on_sigterm() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = _run_cli("--port", str(port), "--scale", "starlink=2")
    try:
        deadline = time.time() + 20
        while True:
            try:
                body = httpx.post(f"http://127.0.0.1:{port}/v4/starlink/query", json={}).json()
                break
            except httpx.ConnectError:
                assert time.time() < deadline, "mirror CLI did not start"
                time.sleep(0.1)
        assert body["totalDocs"] == 2890
    finally:
        os.kill(process.pid, signal.SIGTERM)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "POST /v4/starlink/query 200" in err


def test_spawn_prints_its_url_and_stops() -> None:
    with spawn(port=0) as process:
        assert process.base_url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{process.url}/company").json() == load_resource("company")
    assert process.proc.returncode == 0
