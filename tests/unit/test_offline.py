"""The tests' offline guard (api_mirror/api_mirror/offline.py) refuses a live service before any
packet leaves, and lets the mirror's loopback address through."""

from __future__ import annotations

import socket

import httpx
import pytest

from tap_spacex.resources import LIVE_API_URL


def test_a_live_api_is_refused_before_any_request_leaves():
    with pytest.raises(ConnectionRefusedError, match="api.spacexdata.com"):
        socket.getaddrinfo("api.spacexdata.com", 443)
    with pytest.raises(httpx.ConnectError, match="tests stay offline"):
        httpx.get(LIVE_API_URL, timeout=1)
    with pytest.raises(ConnectionRefusedError, match="8.8.8.8"):
        socket.create_connection(("8.8.8.8", 53), timeout=1)


def test_loopback_is_allowed():
    assert socket.getaddrinfo("127.0.0.1", 80)
    assert socket.getaddrinfo("localhost", 80)
