"""Python asset checks on the raw assets (the dbt tests are checks of their own, from dagster-dbt).

* ``source_freshness``: ``dbt source freshness`` where it is watched. The thresholds and the
  column are the dbt sources' own (``warn_after``, ``error_after``, ``loaded_at_field``), read from
  the manifest; the age is measured in the warehouse, so a load by a plain ``meltano run`` outside
  Dagster counts too. LOAD freshness: the data's own age is the answer's as-of date.
* ``column_schema_change``: Dagster's standard check comparing the ``dagster/column_schema`` of
  the last two materializations (a column added or dropped upstream, or a type changed).

``rows_loaded`` (> 0 for a collection) is checked by the extract-load asset itself, next to the
count it reports (see :mod:`dagster_spacex.assets.extract_load`).
"""

import datetime as dt
import json
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    BetaWarning,
    MetadataValue,
    build_column_schema_change_checks,
    multi_asset_check,
)

from dagster_spacex.assets.extract_load import RAW_ASSET_KEYS, raw_schema_for
from dagster_spacex.project import dbt_project
from dagster_spacex.resources.warehouse import WarehouseResource

FRESHNESS_CHECK = "source_freshness"
_PERIODS = {
    "minute": dt.timedelta(minutes=1),
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
}


def _delta(threshold: Mapping[str, Any] | None) -> dt.timedelta | None:
    if not threshold or not threshold.get("count") or not threshold.get("period"):
        return None
    return int(threshold["count"]) * _PERIODS[str(threshold["period"])]


def source_freshness_rules(manifest_path: Path | None = None) -> dict[AssetKey, dict[str, Any]]:
    """Raw asset key -> {loaded_at_field, warn_after, error_after} from the dbt sources."""
    manifest = json.loads(Path(manifest_path or dbt_project.manifest_path).read_text())
    rules: dict[AssetKey, dict[str, Any]] = {}
    for source in manifest["sources"].values():
        freshness = source.get("freshness") or {}
        rules[AssetKey([source["source_name"], source["name"]])] = {
            "loaded_at_field": source.get("loaded_at_field"),
            "warn_after": _delta(freshness.get("warn_after")),
            "error_after": _delta(freshness.get("error_after")),
        }
    return rules


def judge_freshness(
    key: AssetKey, rule: Mapping[str, Any], loaded_at: dt.datetime | None, now: dt.datetime
) -> AssetCheckResult:
    """PASS, WARN past ``warn_after``, ERROR past ``error_after``; no rule or no table: pass."""
    warn, error = rule.get("warn_after"), rule.get("error_after")
    name = key.to_user_string()
    if warn is None and error is None:
        return AssetCheckResult(
            asset_key=key,
            check_name=FRESHNESS_CHECK,
            passed=True,
            description=f"{name}: the dbt source sets no freshness",
        )
    if loaded_at is None:
        return AssetCheckResult(
            asset_key=key,
            check_name=FRESHNESS_CHECK,
            passed=True,
            description=f"{name}: not loaded (this source is not in use)",
        )
    age = now - loaded_at
    hours = round(age.total_seconds() / 3600, 1)
    metadata = {
        "last_loaded_at": MetadataValue.text(loaded_at.isoformat()),
        "age_hours": MetadataValue.float(hours),
        "warn_after_hours": MetadataValue.float(warn.total_seconds() / 3600 if warn else -1),
        "error_after_hours": MetadataValue.float(error.total_seconds() / 3600 if error else -1),
    }
    if error is not None and age > error:
        severity, passed = AssetCheckSeverity.ERROR, False
    elif warn is not None and age > warn:
        severity, passed = AssetCheckSeverity.WARN, False
    else:
        severity, passed = AssetCheckSeverity.WARN, True
    verdict = "fresh" if passed else f"stale ({severity.value.lower()})"
    return AssetCheckResult(
        asset_key=key,
        check_name=FRESHNESS_CHECK,
        passed=passed,
        severity=severity,
        description=f"{name}: last loaded {hours} h ago, {verdict}",
        metadata=metadata,
    )


_RULES = source_freshness_rules()


@multi_asset_check(
    name="raw_source_freshness",
    specs=[
        AssetCheckSpec(
            FRESHNESS_CHECK,
            asset=key,
            description="dbt source freshness: hours since the loader last wrote this table "
            "(the dbt source's loaded_at_field) against its warn_after / error_after.",
        )
        for key in RAW_ASSET_KEYS
    ],
    can_subset=True,
)
def raw_source_freshness(
    context: AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[AssetCheckResult]:
    now = dt.datetime.now(dt.timezone.utc)
    selected: set[AssetCheckKey] = set(context.selected_asset_check_keys)
    for key in RAW_ASSET_KEYS:
        if AssetCheckKey(key, FRESHNESS_CHECK) not in selected:
            continue
        rule = _RULES.get(key, {})
        column = rule.get("loaded_at_field")
        loaded_at = (
            warehouse.max_timestamp(raw_schema_for(key), key.path[-1], column) if column else None
        )
        yield judge_freshness(key, rule, loaded_at, now)


with warnings.catch_warnings():
    # Beta in Dagster 1.13 (a warning at every load of the code location), but the standard one.
    warnings.simplefilter("ignore", BetaWarning)
    raw_column_schema_checks = build_column_schema_change_checks(
        assets=list(RAW_ASSET_KEYS), severity=AssetCheckSeverity.WARN
    )

RAW_CHECKS = [raw_source_freshness, *raw_column_schema_checks]
