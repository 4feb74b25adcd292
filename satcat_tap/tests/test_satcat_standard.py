"""The Singer SDK's standard tap tests, offline against the shared local mirror, once per source.

Only the resolved source's stream emits records, so each run tells the SDK that the other
stream is allowed to be empty.
"""

from __future__ import annotations

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from api_mirror.spacetrack.api import TEST_IDENTITY, TEST_PASSWORD
from api_mirror.testing import shared_mirror
from tap_satcat.tap import TapSatcat

# The SDK builds the test classes at import time and needs the config then, so the session's
# mirror is started here (conftest stops it at session end).
_BASE_URL = shared_mirror().base_url
_COMMON = {
    "spacetrack_url": _BASE_URL,
    "celestrak_url": _BASE_URL,
    "enforce_daily_limit": False,
    "max_retries": 1,
    "backoff_base": 0.01,
}

TestTapSatcatSpaceTrack = get_tap_test_class(
    TapSatcat,
    config={
        **_COMMON,
        "source": "spacetrack",
        "spacetrack_identity": TEST_IDENTITY,
        "spacetrack_password": TEST_PASSWORD,
    },
    suite_config=SuiteConfig(ignore_no_records_for_streams=["celestrak_satcat"]),
)

TestTapSatcatCelesTrak = get_tap_test_class(
    TapSatcat,
    config={**_COMMON, "source": "celestrak"},
    suite_config=SuiteConfig(ignore_no_records_for_streams=["spacetrack_satcat"]),
)
