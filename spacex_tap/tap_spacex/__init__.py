"""tap-spacex: a Singer tap for the SpaceX API, with a local mirror of the API for tests."""

__version__ = "0.1.0"
