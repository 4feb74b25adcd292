"""The Singer SDK's standard tap tests, run against the shared local mirror."""

from __future__ import annotations

from singer_sdk.testing import get_tap_test_class

from api_mirror.testing import fast_tap_config, shared_mirror
from tap_spacex.tap import TapSpaceX

# The SDK builds the test class at import time and needs the config then, so the session's
# mirror is started here (conftest stops it at session end).
SAMPLE_CONFIG = fast_tap_config(shared_mirror(), page_size=500, max_retries=1)

TestTapSpaceX = get_tap_test_class(TapSpaceX, config=SAMPLE_CONFIG)
