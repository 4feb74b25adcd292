"""Settings every tap has (the HTTP retry policy) and how a tap's config is resolved.

Each tap's ``config_jsonschema`` is the only home of its defaults; :func:`resolved_config` lays a
config over them for code that runs outside the SDK (the Dagster sensor, the benchmark) or before
it validates (``sync_all``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from singer_sdk import typing as th

# Seconds as a number or a numeric string: Meltano hands settings set from environment variables
# to the tap as strings (and cannot serialize its own `decimal` kind), so both forms are accepted.
SECONDS = th.CustomType(
    {"type": ["number", "string"], "pattern": r"^[0-9]+(\.[0-9]+)?$", "minimum": 0}
)


def http_properties(
    *, request_timeout: float, backoff_base: float, backoff_max: float, user_agent: str
) -> list[th.Property]:
    """The retry policy's settings with a tap's defaults (``max_retries`` is 5 in every tap)."""
    return [
        th.Property(
            "request_timeout",
            SECONDS,
            default=request_timeout,
            description="Timeout in seconds for one HTTP request.",
        ),
        th.Property(
            "max_retries",
            th.IntegerType(minimum=0),
            default=5,
            description="Retries after the first attempt for 429, 5xx, timeouts and "
            "connection errors.",
        ),
        th.Property(
            "backoff_base",
            SECONDS,
            default=backoff_base,
            description="Base of the exponential backoff in seconds (full jitter).",
        ),
        th.Property(
            "backoff_max",
            SECONDS,
            default=backoff_max,
            description="Longest single wait in seconds; also caps a 429's Retry-After.",
        ),
        th.Property(
            "user_agent",
            th.StringType,
            default=user_agent,
            description="User-Agent header sent with every request.",
        ),
    ]


def resolved_config(
    config_jsonschema: Mapping[str, Any], config: Mapping[str, Any]
) -> dict[str, Any]:
    """``config`` over the defaults of ``config_jsonschema``.

    An empty value counts as unset: Meltano passes an unset ``$VARIABLE`` as "".
    """
    properties = config_jsonschema["properties"]
    resolved = {name: spec["default"] for name, spec in properties.items() if "default" in spec}
    resolved.update({k: v for k, v in config.items() if v is not None and v != ""})
    return resolved


def http_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The :class:`tap_common.http.RetryingClient` arguments of resolved ``settings``."""
    return {
        "timeout": float(settings["request_timeout"]),
        "max_retries": int(settings["max_retries"]),
        "backoff_base": float(settings["backoff_base"]),
        "backoff_max": float(settings["backoff_max"]),
        "user_agent": str(settings["user_agent"]),
    }
