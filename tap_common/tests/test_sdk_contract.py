"""The Singer SDK's private members that tap_common.streams overrides or sets still exist with the
shape the override was written against.

``Stream.sync`` is final, so :class:`tap_common.streams.FullTableStream` overrides the private
``_sync_records`` (to send ACTIVATE_VERSION after the last record), calls the private
``_write_activate_version_message`` and sets the private ``_stream_version``. The SDK may change
any of them in a minor release without notice: when a test here fails after an upgrade, read the
new SDK's ``Stream.sync``, fix the override, then update the recorded shape.
"""

from __future__ import annotations

import inspect

import pytest
from singer_sdk import Stream, Tap
from singer_sdk import typing as th

from tap_common.streams import FullTableStream

#: The signatures the override was written against (singer-sdk 0.54.9), as ``str(signature)``.
RECORDED = {
    "_sync_records": (
        "(self, context: 'types.Context | None' = None, *, write_messages: 'bool' = True)"
        " -> 't.Generator[dict, t.Any, t.Any]'"
    ),
    "_write_activate_version_message": "(self, full_table_version: 'int') -> 'None'",
    "sync": "(self, context: 'types.Context | None' = None) -> 'None'",
}


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_the_private_methods_keep_their_recorded_signature(name: str) -> None:
    method = getattr(Stream, name, None)
    assert callable(method), f"singer_sdk.Stream.{name} is gone: see this module's docstring"
    assert str(inspect.signature(method)) == RECORDED[name], (
        f"singer_sdk.Stream.{name} changed shape: see this module's docstring"
    )


def _shape(function: object) -> list[tuple[str, object, object]]:
    """Parameter names, kinds and defaults (the annotations are spelled differently)."""
    parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    return [(p.name, p.kind, p.default) for p in parameters]


def test_the_override_takes_what_the_sdk_passes() -> None:
    assert _shape(FullTableStream._sync_records) == _shape(Stream._sync_records)


def test_sync_still_reads_records_through_sync_records() -> None:
    """The override only runs if ``sync`` still calls ``_sync_records``."""
    assert "self._sync_records(" in inspect.getsource(Stream.sync)


def test_emit_activate_version_messages_is_still_a_property() -> None:
    assert isinstance(inspect.getattr_static(Stream, "emit_activate_version_messages"), property)


class _Tap(Tap):
    name = "tap-contract"
    config_jsonschema = th.PropertiesList().to_dict()

    def discover_streams(self) -> list[Stream]:
        return []


class _Things(FullTableStream):
    name = "things"

    def get_records(self, context: object) -> list[dict]:
        return []


def test_a_stream_still_has_a_stream_version_attribute() -> None:
    """The override sets ``_stream_version``; the SDK must still read it for RECORD messages."""
    stream = _Things(_Tap(config={}), schema={"properties": {}})
    assert "_stream_version" in vars(stream)
    assert "_stream_version" in inspect.getsource(Stream._generate_record_messages)
