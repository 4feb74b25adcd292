"""Records checked against their stream's JSON schema before they are emitted.

fastjsonschema (the schema compiled to Python code) judges first: it is many times faster than
jsonschema on valid records, and only its verdict "valid" is trusted. A record it rejects is
judged again by jsonschema, which stays the authority and writes the message: the stream, the
record (as the tap names it) and the place in the record that does not fit.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

import fastjsonschema
from jsonschema import Draft7Validator, FormatChecker

from tap_common import errors


class RecordValidator:
    """Validates the records of one stream; compiles the schema on the first record.

    ``describe`` names a record in messages (``id='5eb8...'``, ``NORAD_CAT_ID 44235``);
    ``error`` is the tap's own :class:`~tap_common.errors.RecordValidationError`.
    """

    def __init__(
        self,
        stream: str,
        schema: Mapping[str, Any],
        *,
        describe: Callable[[Mapping[str, Any]], str],
        error: type[errors.RecordValidationError] = errors.RecordValidationError,
    ) -> None:
        self.stream = stream
        # A copy: the SDK may change its own schema dict later (e.g. stream maps).
        self.schema = copy.deepcopy(dict(schema))
        self.describe = describe
        self.error = error

    @cached_property
    def _validator(self) -> Draft7Validator:
        return Draft7Validator(self.schema, format_checker=FormatChecker())

    @cached_property
    def _fast_check(self) -> Callable[[Any], Any]:
        return fastjsonschema.compile(self.schema)

    def validate(self, record: Mapping[str, Any]) -> None:
        """Return if ``record`` fits the schema, else raise ``error`` naming the first misfit."""
        try:
            self._fast_check(record)
            return
        except fastjsonschema.JsonSchemaException:
            pass
        problems = sorted(self._validator.iter_errors(record), key=lambda e: list(e.absolute_path))
        if problems:
            first = problems[0]
            where = "/".join(str(part) for part in first.absolute_path) or "<record>"
            raise self.error(
                f"stream {self.stream}: record {self.describe(record)} does not fit the schema "
                f"at {where}: {first.message} ({len(problems)} problem(s) in this record)"
            )
