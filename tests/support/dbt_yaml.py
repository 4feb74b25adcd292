"""The marts' YAML as dbt reads it: their models, and what each one's enforced contract declares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from spacex_elt.settings import DBT_PROJECT_DIR

MARTS = DBT_PROJECT_DIR / "models" / "marts"


def mart_models() -> Iterator[dict[str, Any]]:
    """Every mart's model entry (anchors resolved), from models/marts/*.yml."""
    for path in sorted(MARTS.glob("*.yml")):
        yield from yaml.safe_load(path.read_text()).get("models") or []


def enforced(model: dict[str, Any]) -> tuple[set[str], set[str], list[set[str]]]:
    """(not-null columns, single unique columns, column sets a primary key or unique covers)."""
    not_null: set[str] = set()
    unique: set[str] = set()
    combinations: list[set[str]] = []
    for constraint in model.get("constraints") or []:
        columns = set(constraint.get("columns") or [])
        if constraint["type"] in ("primary_key", "unique"):
            combinations.append(columns)
            if len(columns) == 1:
                unique |= columns
            if constraint["type"] == "primary_key":
                not_null |= columns
    for column in model.get("columns") or []:
        for constraint in column.get("constraints") or []:
            if constraint["type"] in ("not_null", "primary_key"):
                not_null.add(column["name"])
            if constraint["type"] in ("unique", "primary_key"):
                unique.add(column["name"])
                combinations.append({column["name"]})
    return not_null, unique, combinations
