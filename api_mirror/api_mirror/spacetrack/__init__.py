"""The recorded Space-Track SATCAT (2025-06-21, ``data/``, see its PROVENANCE.md) and a small
CelesTrak SATCAT fixture written from CelesTrak's documented format, served by
:class:`api_mirror.spacetrack.api.SpaceTrackApp`."""
