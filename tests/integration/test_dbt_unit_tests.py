"""dbt's unit tests (given rows -> expected rows) run in CI, not in production builds.

`make test` runs them here, once; the production builds leave them out: the Dagster job's
(`--exclude-resource-type unit_test`, dagster_spacex.assets.transform) and the Meltano job's
(`dbt-postgres:build` in meltano.yml), which the `built` fixture runs.
"""

from __future__ import annotations

import json

from support.meltano import run_dbt

from dagster_spacex.assets.transform import NO_UNIT_TESTS
from spacex_elt.settings import DBT_PROJECT_DIR


def _unit_tests() -> list[str]:
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    return sorted(
        uid for uid in manifest.get("unit_tests", {}) if uid.startswith("unit_test.dbt_spacex.")
    )


def test_every_dbt_unit_test_passes(built):
    expected = _unit_tests()
    assert len(expected) >= 16
    run_dbt(built, "test", "--select", "test_type:unit")
    results = json.loads((DBT_PROJECT_DIR / "target" / "run_results.json").read_text())["results"]
    statuses = {r["unique_id"]: r["status"] for r in results}
    assert sorted(statuses) == expected
    assert set(statuses.values()) == {"pass"}


def test_the_production_build_leaves_the_unit_tests_out(built):
    listed = run_dbt(
        built,
        "ls",
        "--resource-type",
        "test",
        "--resource-type",
        "unit_test",
        *NO_UNIT_TESTS,
        "--output",
        "json",
        "--quiet",
    )
    kinds = {
        json.loads(line)["resource_type"]
        for line in listed.stdout.splitlines()
        if line.strip().startswith("{")
    }
    assert kinds == {"test"}
