"""The recorded SpaceX API (2021-04-22 snapshot in ``data/``, see its PROVENANCE.md)."""
