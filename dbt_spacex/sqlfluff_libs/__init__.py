"""Jinja context for sqlfluff's templater: what dbt would give the models, without a database.

sqlfluff puts this package's names at the top level of every template. ``var`` answers from
dbt_project.yml, so a model that loops over a list var renders the SQL dbt runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_VARS: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "dbt_project.yml").read_text(encoding="utf-8")
)["vars"]


def var(name: str, default: Any = None) -> Any:
    return _VARS.get(name, default)


def env_var(name: str, default: str = "") -> str:
    return default
