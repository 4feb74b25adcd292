"""A tap's own class of a shared kind is caught as the tap's error and as the kind."""

from __future__ import annotations

import pickle

import pytest

from tap_common import errors


class SomeTapError(errors.TapError):
    """Any failure of a made-up tap."""


RetriesExhaustedError = SomeTapError.kind(errors.RetriesExhaustedError)


def test_a_kind_is_caught_as_the_taps_error_and_as_the_shared_kind() -> None:
    with pytest.raises(SomeTapError):
        raise RetriesExhaustedError("stream x: failed")
    with pytest.raises(errors.RetriesExhaustedError):
        raise RetriesExhaustedError("stream x: failed")
    assert not issubclass(RetriesExhaustedError, errors.BadResponseError)
    assert issubclass(SomeTapError, RuntimeError)


def test_a_kind_is_named_and_documented_as_the_shared_one_in_the_taps_module() -> None:
    assert RetriesExhaustedError.__name__ == "RetriesExhaustedError"  # as the logs show it
    assert RetriesExhaustedError.__module__ == __name__
    assert RetriesExhaustedError.__doc__ == errors.RetriesExhaustedError.__doc__


def test_a_kind_is_one_class() -> None:
    """What the shared client raises is what the tap's module names."""
    assert SomeTapError.kind(errors.RetriesExhaustedError) is RetriesExhaustedError
    assert SomeTapError.kind(errors.BadResponseError) is not RetriesExhaustedError


def test_a_kind_survives_pickling() -> None:
    """Where its module holds it under its name (as each tap's client module does)."""
    error = pickle.loads(pickle.dumps(RetriesExhaustedError("stream x: failed")))
    assert type(error) is RetriesExhaustedError and str(error) == "stream x: failed"


def test_every_shared_kind_is_a_tap_error() -> None:
    assert all(issubclass(kind, errors.TapError) for kind in errors.KINDS)
