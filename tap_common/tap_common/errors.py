"""The kinds of failure every tap shares, and how a tap gets its own classes of them.

A tap raises its own classes (``tap_spacex.client.RetriesExhaustedError``), so that callers can
catch everything of one tap (``except SpaceXAPIError``) and, across taps, one kind
(``except tap_common.errors.RetriesExhaustedError``). :meth:`TapError.kind` makes such a class
in one line, the tap's base class and the shared kind both its parents.
"""

from __future__ import annotations

from typing import TypeVar, cast

_Kind = TypeVar("_Kind", bound="TapError")

#: The classes :meth:`TapError.kind` made, by (tap base, shared kind): one class each, so the
#: client's raise and the tap module's name are the same class.
_MADE: dict[tuple[type, type], type] = {}


class TapError(RuntimeError):
    """Any failure of a tap reading its source; each tap subclasses it once as its base."""

    @classmethod
    def kind(cls, shared: type[_Kind]) -> type[_Kind]:
        """A subclass of both ``cls`` (the tap's base) and ``shared`` (one of the kinds below),
        named as ``shared`` and living in ``cls``'s module (assign it there under that name, so
        that it pickles). The same class every time it is asked for."""
        if (cls, shared) not in _MADE:
            namespace = {"__module__": cls.__module__, "__doc__": shared.__doc__}
            _MADE[cls, shared] = type(shared.__name__, (cls, shared), namespace)
        return cast("type[_Kind]", _MADE[cls, shared])


class RetriesExhaustedError(TapError):
    """A transient failure persisted through every attempt."""


class BadResponseError(TapError):
    """The source answered, but with something the tap cannot use (4xx, not JSON, wrong shape)."""


class RecordValidationError(TapError):
    """A record does not fit its stream's schema: the run fails instead of dropping it."""


#: The kinds a tap gets its own class of (:meth:`TapError.kind`).
KINDS: tuple[type[TapError], ...] = (RetriesExhaustedError, BadResponseError, RecordValidationError)
