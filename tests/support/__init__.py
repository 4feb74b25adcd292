"""Helpers shared by every test suite of the repository (one of each: the mirror, the fast-retry
tap config, the Meltano runner, the SQL helper). ``conftest.py`` at the repository root loads
:mod:`support.fixtures` as a pytest plugin."""
