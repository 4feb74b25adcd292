"""Every test suite of the repository shares the fixtures in tests/support/fixtures.py."""

pytest_plugins = ["support.fixtures"]
